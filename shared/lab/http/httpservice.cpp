// httpservice.cpp: QHttpServer with health, metrics and JSON errors, listening through
// the request guard (see httpservice.h, requestguard.h).
#include "lab/http/httpservice.h"

#include "lab/http/requestguard.h"
#include "lab/runtime/log.h"
#include "lab/runtime/metrics.h"
#include "lab/runtime/servicemetrics.h"

#include <QHttpServerRequest>
#include <QHttpServerRouterRule>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>

namespace lab {

namespace {

using StatusCode = QHttpServerResponse::StatusCode;

QByteArray compactJson(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}


} // namespace

// ---------------------------------------------------------------- DeferredResponse

DeferredResponse::DeferredResponse(QHttpServerResponder &&responder)
    : m_responder(std::move(responder)), m_socket(m_responder.socket())
{
}

DeferredResponse::~DeferredResponse()
{
    // A handler that lost its callback must not leave the client waiting forever.
    if (!m_answered && isClientConnected()) {
        qCWarning(lcHttp) << "request dropped without an answer; sending 500";
        sendError(QHttpServerResponse::StatusCode::InternalServerError,
                  QStringLiteral("the request was dropped without an answer"));
    }
}

bool DeferredResponse::isClientConnected() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

bool DeferredResponse::send(const QHttpServerResponse &response)
{
    if (m_answered)
        return false;
    m_answered = true;
    if (!isClientConnected()) {
        qCDebug(lcHttp) << "client went away before its answer was ready; dropping it";
        return false;
    }
    response.write(std::move(m_responder));
    return true;
}

bool DeferredResponse::sendJson(const QJsonObject &body, QHttpServerResponse::StatusCode status)
{
    return send(HttpService::json(body, status));
}

bool DeferredResponse::sendError(QHttpServerResponse::StatusCode status, const QString &message,
                                 const QString &field)
{
    return send(HttpService::jsonError(status, message, field));
}

// ---------------------------------------------------------------- HttpService

HttpService::HttpService(const QString &serviceName, QObject *parent)
    : QObject(parent), m_serviceName(serviceName)
{
    // One knob for every service without touching each main(): HTTP_REQUEST_TIMEOUT_MS.
    bool ok = false;
    const int timeout = qEnvironmentVariableIntValue("HTTP_REQUEST_TIMEOUT_MS", &ok);
    if (ok && timeout >= 0)
        m_requestTimeoutMs = timeout;
    // Both counted in lab_http_requests_total like every route of every service.
    m_server.route(QStringLiteral("/healthz"), QHttpServerRequest::Method::Get, [this] {
        QHttpServerResponse response = healthResponse();
        metrics::httpRequest(QStringLiteral("/healthz"), int(response.statusCode()));
        return response;
    });
    m_server.route(QStringLiteral("/metrics"), QHttpServerRequest::Method::Get, [] {
        metrics::httpRequest(QStringLiteral("/metrics"), 200);
        return QHttpServerResponse(QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"),
                                   Metrics::instance().render());
    });
    m_server.setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        if (m_upgradeRefusal && m_refusedUpgrade == &request) {
            QHttpServerResponse refusal = std::move(*m_upgradeRefusal);
            m_upgradeRefusal.reset();
            m_refusedUpgrade = nullptr;
            refusal.write(std::move(responder));
            return;
        }
        m_upgradeRefusal.reset();
        m_refusedUpgrade = nullptr;
        if (m_missingHandler) {
            m_missingHandler(request, std::move(responder));
            return;
        }
        jsonError(StatusCode::NotFound, QStringLiteral("not found: %1").arg(request.url().path()))
            .write(std::move(responder));
    });
}

namespace {

bool isWebSocketUpgrade(const QHttpServerRequest &request)
{
    return request.value(QByteArrayLiteral("upgrade")).compare(QByteArrayLiteral("websocket"), Qt::CaseInsensitive) == 0;
}

// QHttpServer 6.4 upgrades every WebSocket request that a route matched, whatever the
// route's handler answers: the only way to refuse one before the handshake is a rule
// that does not match it. QHttpServer then calls the missing handler with the same
// request object, and closes the connection after its answer.
class UpgradeRule : public QHttpServerRouterRule
{
public:
    UpgradeRule(const QString &path, std::function<bool(const QHttpServerRequest &)> accept, RouterHandler handler)
        : QHttpServerRouterRule(path, std::move(handler)), m_accept(std::move(accept))
    {
    }

protected:
    bool matches(const QHttpServerRequest &request, QRegularExpressionMatch *match) const override
    {
        return QHttpServerRouterRule::matches(request, match) && (!isWebSocketUpgrade(request) || m_accept(request));
    }

private:
    std::function<bool(const QHttpServerRequest &)> m_accept;
};

} // namespace

void HttpService::addWebSocketRoute(const QString &path, UpgradeGate gate)
{
    auto accept = [this, gate = std::move(gate)](const QHttpServerRequest &request) {
        std::optional<QHttpServerResponse> refusal = gate(request);
        if (!refusal)
            return true;
        m_refusedUpgrade = &request;
        m_upgradeRefusal.emplace(std::move(*refusal));
        return false;
    };
    // An accepted upgrade: answering nothing lets QHttpServer hand the socket over.
    m_server.route<UpgradeRule>(path, std::move(accept),
                                [path](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        if (isWebSocketUpgrade(request))
            return;
        jsonError(StatusCode::UpgradeRequired, QStringLiteral("%1 is a WebSocket endpoint: connect with ws://").arg(path))
            .write(std::move(responder));
    });
}

void HttpService::addHealthCheck(const HealthCheck &check)
{
    m_checks.append(check);
}

QHttpServerResponse HttpService::healthResponse() const
{
    QJsonObject checks;
    QStringList failing, warnings;
    for (const HealthCheck &c : m_checks) {
        QString detail;
        const bool up = c.check ? c.check(&detail) : false;
        if (up) {
            checks.insert(c.name, QStringLiteral("ok"));
        } else {
            checks.insert(c.name, detail.isEmpty() ? QStringLiteral("unavailable") : detail);
            (c.advisory ? warnings : failing).append(c.name);
        }
    }
    QJsonObject body{{QStringLiteral("service"), m_serviceName},
                     {QStringLiteral("checks"), checks}};
    if (!warnings.isEmpty())
        body.insert(QStringLiteral("warning"), QStringLiteral("degraded: %1").arg(warnings.join(QStringLiteral(", "))));
    if (failing.isEmpty()) {
        body.insert(QStringLiteral("status"), warnings.isEmpty() ? QStringLiteral("ok") : QStringLiteral("degraded"));
        return json(body);
    }
    body.insert(QStringLiteral("status"), QStringLiteral("unavailable"));
    body.insert(QStringLiteral("error"),
                QStringLiteral("unavailable: %1").arg(failing.join(QStringLiteral(", "))));
    return json(body, StatusCode::ServiceUnavailable);
}

bool HttpService::listen(const QHostAddress &address, quint16 port, QString *error)
{
    auto *tcp = new GuardedTcpServer(&m_maxBodyBytes, &m_requestTimeoutMs, this);
    // Qt's default backlog (50) overflows under a burst of connections: the kernel then
    // leaves clients "connected" to a socket the service never accepted, which neither
    // request timeouts nor anything else can close. Let the kernel queue a burst.
    tcp->setListenBacklogSize(1024);
    if (!tcp->listen(address, port)) {
        const QString reason = QStringLiteral("cannot listen on %1:%2: %3")
                                   .arg(address.toString())
                                   .arg(port)
                                   .arg(tcp->errorString());
        delete tcp;
        if (error)
            *error = reason;
        return false;
    }
    m_server.bind(tcp); // reparents tcp to the QHttpServer
    m_port = tcp->serverPort();
    return true;
}

void HttpService::closeListeners()
{
    for (QTcpServer *server : m_server.servers())
        server->close();
}

void HttpService::flushClients()
{
    for (QTcpServer *server : m_server.servers())
        for (QTcpSocket *socket : server->findChildren<QTcpSocket *>())
            socket->flush();
}

QByteArray HttpService::errorBody(const QString &message, const QString &field)
{
    QJsonObject o{{QStringLiteral("error"), message}};
    if (!field.isEmpty())
        o.insert(QStringLiteral("field"), field);
    return compactJson(o);
}

QHttpServerResponse HttpService::jsonError(QHttpServerResponse::StatusCode status,
                                           const QString &message, const QString &field)
{
    return QHttpServerResponse(QByteArrayLiteral("application/json"), errorBody(message, field), status);
}

QHttpServerResponse HttpService::json(const QJsonObject &body, QHttpServerResponse::StatusCode status)
{
    return QHttpServerResponse(QByteArrayLiteral("application/json"), compactJson(body), status);
}

std::shared_ptr<DeferredResponse> HttpService::respondLater(QHttpServerResponder &&responder)
{
    return std::make_shared<DeferredResponse>(std::move(responder));
}

} // namespace lab
