// orderapi.cpp: routes of order-service (see orderapi.h).
#include "orderapi.h"

#include "orderintake.h"

#include "lab/contract/events.h"
#include "lab/http/cors.h"
#include "lab/http/httpservice.h"
#include "lab/runtime/servicemetrics.h"
#include "lab/runtime/shutdown.h"
#include "lab/store/orderstore.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QTimer>

#include <memory>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcOrderHttp, "lab.order.http")

namespace {

using StatusCode = QHttpServerResponse::StatusCode;
using lab::HttpService;

const QString kCreateRoute = QStringLiteral("/create_order");
const QString kOrderRoute = QStringLiteral("/orders/{id}");

/// Seconds a client should wait before retrying a 503.
constexpr int RetryAfterSeconds = 1;

/// origin: the request's Origin header, which the browser UI on another origin sends.
void answer(QHttpServerResponder &&responder, const QByteArray &origin, const QString &route,
            QHttpServerResponse &&response)
{
    lab::metrics::httpRequest(route, int(response.statusCode()));
    lab::cors::allow(response, origin);
    response.write(std::move(responder));
}

void answerLater(lab::DeferredResponse &deferred, const QByteArray &origin, const QString &route,
                 QHttpServerResponse &&response)
{
    lab::metrics::httpRequest(route, int(response.statusCode()));
    lab::cors::allow(response, origin);
    deferred.send(response);
}

QHttpServerResponse methodNotAllowed(const QString &route, const QByteArray &allow)
{
    QHttpServerResponse r = HttpService::jsonError(
        StatusCode::MethodNotAllowed,
        QStringLiteral("method not allowed on %1: allowed %2").arg(route, QString::fromLatin1(allow)));
    r.addHeader(QByteArrayLiteral("Allow"), QByteArray(allow));
    return r;
}

QHttpServerResponse unavailable(const QString &message)
{
    QHttpServerResponse r = HttpService::jsonError(StatusCode::ServiceUnavailable, message);
    r.addHeader(QByteArrayLiteral("Retry-After"), QByteArray::number(RetryAfterSeconds));
    return r;
}

QHttpServerResponse toResponse(const OrderIntake::Result &result)
{
    using Kind = OrderIntake::Result::Kind;
    switch (result.kind) {
    case Kind::Created:
    case Kind::Duplicate:
        return HttpService::json(OrderApi::createdBody(), StatusCode::Ok);
    case Kind::Conflict:
        return HttpService::jsonError(StatusCode::Conflict, result.message, result.field);
    case Kind::Busy:
    case Kind::Unavailable:
        break;
    }
    return unavailable(result.message);
}

} // namespace

OrderApi::OrderApi(lab::HttpService *http, OrderIntake *intake, lab::OrderStore *store, QObject *parent)
    : QObject(parent), m_http(http), m_intake(intake), m_store(store)
{
}

QJsonObject OrderApi::createdBody()
{
    return QJsonObject{{QStringLiteral("message"), QStringLiteral("Order created")}};
}

void OrderApi::install()
{
    QHttpServer &server = m_http->server();
    // Routes take every method so that a wrong one gets 405 (with Allow) rather than 404.
    server.route(kCreateRoute, [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        const QByteArray origin = lab::cors::origin(request);
        if (request.method() == QHttpServerRequest::Method::Options) {
            lab::metrics::httpRequest(kCreateRoute, 204);
            lab::cors::preflight("POST, OPTIONS", origin).write(std::move(responder));
            return;
        }
        if (request.method() != QHttpServerRequest::Method::Post) {
            answer(std::move(responder), origin, kCreateRoute, methodNotAllowed(kCreateRoute, "POST, OPTIONS"));
            return;
        }
        createOrder(request, std::move(responder));
    });
    server.route(QStringLiteral("/orders/<arg>"),
                 [this](const QString &id, const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        const QByteArray origin = lab::cors::origin(request);
        if (request.method() == QHttpServerRequest::Method::Options) {
            lab::metrics::httpRequest(kOrderRoute, 204);
            lab::cors::preflight("GET, OPTIONS", origin).write(std::move(responder));
            return;
        }
        if (request.method() != QHttpServerRequest::Method::Get) {
            answer(std::move(responder), origin, kOrderRoute, methodNotAllowed(kOrderRoute, "GET, OPTIONS"));
            return;
        }
        getOrder(id, origin, std::move(responder));
    });
}

void OrderApi::createOrder(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    const QByteArray origin = lab::cors::origin(request);
    if (!m_apiToken.isEmpty() && !bearerTokenMatches(headerValue(request, "authorization"), m_apiToken)) {
        QHttpServerResponse r = HttpService::jsonError(
            StatusCode::Unauthorized, QStringLiteral("missing or wrong bearer token: send Authorization: Bearer <token>"));
        r.addHeader(QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer realm=\"order-service\""));
        answer(std::move(responder), origin, kCreateRoute, std::move(r));
        return;
    }
    const QByteArray contentType = headerValue(request, "content-type");
    if (!contentType.trimmed().isEmpty() && !isJsonContentType(contentType)) {
        answer(std::move(responder), origin, kCreateRoute,
               HttpService::jsonError(StatusCode::UnsupportedMediaType,
                                      QStringLiteral("Content-Type must be application/json, not %1")
                                          .arg(QString::fromLatin1(contentType.left(100)))));
        return;
    }
    const QByteArray body = request.body();
    if (body.size() > lab::limits::MaxBodyBytes) { // the HttpService guard normally stops these earlier
        answer(std::move(responder), origin, kCreateRoute,
               HttpService::jsonError(StatusCode::PayloadTooLarge,
                                      QStringLiteral("request body too large (limit %1 bytes)")
                                          .arg(lab::limits::MaxBodyBytes)));
        return;
    }
    const auto parsed = lab::OrderRequest::fromJson(body);
    if (!parsed.ok()) {
        answer(std::move(responder), origin, kCreateRoute,
               HttpService::jsonError(StatusCode::BadRequest, parsed.error, parsed.field));
        return;
    }
    if (!m_intake->isAccepting()) {
        answer(std::move(responder), origin, kCreateRoute,
               unavailable(QStringLiteral("order-service is shutting down; retry on another instance")));
        return;
    }
    auto deferred = HttpService::respondLater(std::move(responder));
    const qint64 id = parsed.value->orderId;
    m_intake->submit(*parsed.value, [deferred, id, origin](const OrderIntake::Result &result) {
        if (result.kind == OrderIntake::Result::Kind::Created)
            qCInfo(lcOrderHttp, "order %lld accepted", id);
        answerLater(*deferred, origin, kCreateRoute, toResponse(result));
    });
}

void OrderApi::getOrder(const QString &idText, const QByteArray &origin, QHttpServerResponder &&responder)
{
    const auto id = parseOrderId(idText);
    if (!id) {
        answer(std::move(responder), origin, kOrderRoute,
               HttpService::jsonError(StatusCode::BadRequest,
                                      QStringLiteral("order id must be an integer from 1 to %1")
                                          .arg(lab::limits::MaxOrderId),
                                      QStringLiteral("order_id")));
        return;
    }
    auto deferred = HttpService::respondLater(std::move(responder));
    m_store->fetch(*id, [deferred, id, origin](const std::optional<lab::OrderRecord> &record, const QString &error) {
        if (!error.isEmpty()) {
            lab::metrics::error(QStringLiteral("redis"));
            answerLater(*deferred, origin, kOrderRoute, unavailable(QStringLiteral("Redis is unavailable: %1").arg(error)));
        } else if (!record || !record->isVisible()) {
            answerLater(*deferred, origin, kOrderRoute,
                        HttpService::jsonError(StatusCode::NotFound,
                                               QStringLiteral("order %1 not found").arg(*id)));
        } else {
            answerLater(*deferred, origin, kOrderRoute, HttpService::json(record->toJson()));
        }
    });
}

bool OrderApi::bearerTokenMatches(const QByteArray &authorization, const QByteArray &token)
{
    if (token.isEmpty())
        return false;
    const QByteArray value = authorization.trimmed();
    // "Bearer" is case-insensitive (RFC 6750 / RFC 9110 auth-scheme).
    const bool bearer = value.size() > 7 && value.left(7).toLower() == "bearer ";
    const QByteArray given = bearer ? value.mid(7).trimmed() : QByteArray();
    // Compare fixed-size digests so neither the first differing byte nor the length
    // shows in the time taken.
    const QByteArray a = QCryptographicHash::hash(given, QCryptographicHash::Sha256);
    const QByteArray b = QCryptographicHash::hash(token, QCryptographicHash::Sha256);
    unsigned char diff = bearer ? 0 : 1;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

bool OrderApi::isJsonContentType(const QByteArray &value)
{
    const QList<QByteArray> parts = value.split(';');
    if (parts.first().trimmed().toLower() != "application/json")
        return false;
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const QByteArray param = parts.at(i).trimmed();
        if (param.isEmpty())
            continue;
        const qsizetype eq = param.indexOf('=');
        if (eq <= 0)
            return false;
        const QByteArray name = param.left(eq).trimmed().toLower();
        QByteArray v = param.mid(eq + 1).trimmed().toLower();
        if (v.size() >= 2 && v.startsWith('"') && v.endsWith('"'))
            v = v.mid(1, v.size() - 2);
        if (name == "charset" && v != "utf-8" && v != "utf8")
            return false;
    }
    return true;
}

std::optional<qint64> OrderApi::parseOrderId(const QString &text)
{
    if (text.isEmpty() || text.size() > 16)
        return std::nullopt;
    for (const QChar c : text)
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return std::nullopt;
    bool ok = false;
    const qint64 v = text.toLongLong(&ok);
    if (!ok || v < 1 || v > lab::limits::MaxOrderId)
        return std::nullopt;
    return v;
}

QByteArray OrderApi::headerValue(const QHttpServerRequest &request, const QByteArray &name)
{
    const auto headers = request.headers();
    for (const auto &h : headers)
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    return {};
}

void OrderApi::shutdownOn(lab::ShutdownSignal *signal, int drainMs)
{
    auto finished = std::make_shared<bool>(false);
    auto finish = [this, finished] {
        if (*finished)
            return;
        *finished = true;
        if (m_intake->pendingCount() > 0)
            qWarning("shutting down with %d order(s) still unanswered", m_intake->pendingCount());
        if (m_intake->unvoidedCount() > 0)
            qCritical("%d order(s) answered 503 could not be voided (Redis unreachable): should "
                      "Kafka hold their records, they will be processed", m_intake->unvoidedCount());
        const int left = m_intake->flush(2000);
        if (left > 0)
            qWarning("%d record(s) not flushed to Kafka", left);
        m_http->flushClients(); // answers given just now are still in Qt's socket buffers
        qInfo("order-service stopped");
        QCoreApplication::quit();
    };
    connect(signal, &lab::ShutdownSignal::requested, this, [this, finish, drainMs](int signalNumber) {
        qInfo("signal %d: draining %d in-flight order(s)", signalNumber, m_intake->pendingCount());
        m_intake->stopAccepting();
        m_http->closeListeners();
        if (m_intake->pendingCount() == 0) {
            finish();
            return;
        }
        connect(m_intake, &OrderIntake::idle, this, finish);
        QTimer::singleShot(drainMs, this, finish);
    });
}
