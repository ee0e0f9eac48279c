// kafkaapi.cpp: GET /kafka/lag, /kafka/topics, /kafka/tail (see kafkaapi.h).
#include "kafkaapi.h"

#include "lab/http/cors.h"
#include "lab/http/httpservice.h"
#include "lab/kafka/kafkainspector.h"
#include "lab/runtime/servicemetrics.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QUrlQuery>

namespace notifier {

namespace {

using StatusCode = QHttpServerResponse::StatusCode;
using lab::HttpService;

void answer(QHttpServerResponder &&responder, const QByteArray &origin, const QString &route,
            QHttpServerResponse &&response)
{
    lab::metrics::httpRequest(route, int(response.statusCode()));
    lab::cors::allow(response, origin);
    response.write(std::move(responder));
}

QHttpServerResponse methodNotAllowed(const QString &route)
{
    QHttpServerResponse r = HttpService::jsonError(StatusCode::MethodNotAllowed,
                                                   QStringLiteral("method not allowed on %1: allowed GET").arg(route));
    r.addHeader(QByteArrayLiteral("Allow"), QByteArrayLiteral("GET"));
    return r;
}

/// 503 while the inspector has no answer yet, else the cached view (its "error" says
/// when the last round failed and the data is older).
QHttpServerResponse cached(const lab::KafkaInspector &inspector, const QJsonObject &view)
{
    if (!inspector.snapshot().collectedAt.isValid()) {
        QHttpServerResponse r = HttpService::jsonError(
            StatusCode::ServiceUnavailable,
            inspector.snapshot().error.isEmpty()
                ? QStringLiteral("no answer from Kafka yet; retry in a few seconds")
                : QStringLiteral("Kafka is unavailable: %1").arg(inspector.snapshot().error));
        r.addHeader(QByteArrayLiteral("Retry-After"), QByteArrayLiteral("2"));
        return r;
    }
    return HttpService::json(view);
}

} // namespace

KafkaApi::KafkaApi(lab::HttpService *http, lab::KafkaInspector *inspector, QObject *parent)
    : QObject(parent), m_http(http), m_inspector(inspector)
{
}

void KafkaApi::install()
{
    QHttpServer &server = m_http->server();
    server.route(QStringLiteral("/kafka/lag"), [this](const QHttpServerRequest &request, QHttpServerResponder &&r) {
        const QString route = QStringLiteral("/kafka/lag");
        if (request.method() != QHttpServerRequest::Method::Get)
            return answer(std::move(r), lab::cors::origin(request), route, methodNotAllowed(route));
        answer(std::move(r), lab::cors::origin(request), route, cached(*m_inspector, m_inspector->lagJson()));
    });
    server.route(QStringLiteral("/kafka/topics"), [this](const QHttpServerRequest &request, QHttpServerResponder &&r) {
        const QString route = QStringLiteral("/kafka/topics");
        if (request.method() != QHttpServerRequest::Method::Get)
            return answer(std::move(r), lab::cors::origin(request), route, methodNotAllowed(route));
        answer(std::move(r), lab::cors::origin(request), route, cached(*m_inspector, m_inspector->topicsJson()));
    });
    server.route(QStringLiteral("/kafka/tail"), [this](const QHttpServerRequest &request, QHttpServerResponder &&r) {
        if (request.method() != QHttpServerRequest::Method::Get)
            return answer(std::move(r), lab::cors::origin(request), QStringLiteral("/kafka/tail"),
                          methodNotAllowed(QStringLiteral("/kafka/tail")));
        tail(request, std::move(r));
    });
}

void KafkaApi::tail(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    const QString route = QStringLiteral("/kafka/tail");
    const QByteArray origin = lab::cors::origin(request);
    const QUrlQuery query(request.url());
    const QString topic = query.queryItemValue(QStringLiteral("topic"), QUrl::FullyDecoded);
    if (!m_inspector->topics().contains(topic))
        return answer(std::move(responder), origin, route,
                      HttpService::jsonError(StatusCode::BadRequest,
                                             QStringLiteral("topic must be one of %1").arg(m_inspector->topics().join(QStringLiteral(", "))),
                                             QStringLiteral("topic")));
    int n = DefaultTailRecords;
    if (query.hasQueryItem(QStringLiteral("n"))) {
        bool ok = false;
        const QString text = query.queryItemValue(QStringLiteral("n"));
        n = text.size() <= 3 ? text.toInt(&ok) : 0;
        if (!ok || n < 1 || n > lab::KafkaInspector::MaxTailRecords)
            return answer(std::move(responder), origin, route,
                          HttpService::jsonError(StatusCode::BadRequest,
                                                 QStringLiteral("n must be an integer from 1 to %1")
                                                     .arg(lab::KafkaInspector::MaxTailRecords),
                                                 QStringLiteral("n")));
    }
    auto deferred = HttpService::respondLater(std::move(responder));
    const bool queued = m_inspector->tail(topic, n, [deferred, origin, route, topic](const lab::KafkaError &error,
                                                                                    const lab::KafkaMessageList &records) {
        QHttpServerResponse response = error
            ? HttpService::jsonError(StatusCode::ServiceUnavailable,
                                     QStringLiteral("cannot read %1: %2").arg(topic, error.message()))
            : HttpService::json(lab::KafkaInspector::tailJson(topic, records));
        lab::metrics::httpRequest(route, int(response.statusCode()));
        lab::cors::allow(response, origin);
        deferred->send(response);
    });
    if (!queued) {
        QHttpServerResponse busy = HttpService::jsonError(StatusCode::ServiceUnavailable,
                                                          QStringLiteral("two tails are being read already; retry in a second"));
        busy.addHeader(QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1"));
        lab::metrics::httpRequest(route, 503);
        lab::cors::allow(busy, origin);
        deferred->send(busy);
    }
}

} // namespace notifier
