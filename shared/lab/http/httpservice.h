// httpservice.h: the HTTP face every service shares. Wraps QHttpServer with
//  - listen() that fails loudly (returns false with the reason) instead of returning 0,
//  - GET /healthz (200 {"status":"ok",...} only when every registered check passes,
//    else 503 naming the failing dependency; a failing advisory check, such as Redis
//    memory near its limit, gives 200 {"status":"degraded","warning":...}) and
//    GET /metrics (Prometheus text),
//  - JSON 404 for unknown paths, JSON error helpers,
//  - a guard in front of QHttpServer's parser: a request whose Host or Origin the
//    process's AccessPolicy (accesspolicy.h) refuses gets 403 before it is routed
//    (WebSocket upgrades included: a foreign page never completes a handshake); one
//    whose Content-Length exceeds maxBodyBytes gets 413 and the connection is closed
//    before the body is read (also 431 for a header block over 16 KiB and 411 for a
//    chunked body), and 408 +
//    close for a request not received whole within requestTimeoutMs of its first byte
//    (slowloris); idle keep-alive connections are closed after as long,
//  - respondLater(): a guarded way to answer an asynchronous handler.
#pragma once

#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <functional>
#include <memory>
#include <optional>

namespace lab {

/// The answer to a request that an asynchronous route handler gives later, e.g. when
/// Kafka has acknowledged a write. Create it with HttpService::respondLater() inside a
/// handler taking (const QHttpServerRequest &, QHttpServerResponder &&), capture the
/// shared_ptr in the callbacks, and call send*() exactly once from the owning thread:
///
///     server.route("/x", [](const QHttpServerRequest &, QHttpServerResponder &&r) {
///         auto answer = lab::HttpService::respondLater(std::move(r));
///         startWork([answer](bool ok) { answer->sendJson({{"ok", ok}}); });
///     });
///
/// If the client has gone away meanwhile (its socket closed or deleted), the answer is
/// dropped instead of touching a dead socket; a second answer is ignored. Either way
/// send*() returns false. If the last reference goes away unanswered, the client gets
/// 500 {"error": ...} rather than waiting forever. (QHttpServer 6.4 does not order
/// pipelined requests around a late answer: clients that pipeline get answers in
/// completion order.)
class DeferredResponse
{
public:
    explicit DeferredResponse(QHttpServerResponder &&responder);
    /// Answers 500 if nobody answered and the client still waits.
    ~DeferredResponse();
    Q_DISABLE_COPY_MOVE(DeferredResponse)

    /// Writes the response; false when already answered or the client is gone.
    bool send(const QHttpServerResponse &response);
    /// JSON body (Content-Type application/json) with the given status.
    bool sendJson(const QJsonObject &body,
                  QHttpServerResponse::StatusCode status = QHttpServerResponse::StatusCode::Ok);
    /// {"error": message[, "field": field]} with the given status.
    bool sendError(QHttpServerResponse::StatusCode status, const QString &message,
                   const QString &field = {});

    bool isAnswered() const { return m_answered; }
    /// True while the client's connection is open (an answer would reach it).
    bool isClientConnected() const;

private:
    QHttpServerResponder m_responder;
    QPointer<QTcpSocket> m_socket;
    bool m_answered = false;
};

class HttpService : public QObject
{
    Q_OBJECT
public:
    /// A dependency check: name ("kafka", "redis"...) and a function answering whether
    /// it is up right now (cheap; use cached state updated elsewhere) with a detail.
    /// An advisory check's failure is a warning for operators, not an outage: the
    /// service still works, /healthz answers 200 with status "degraded".
    struct HealthCheck
    {
        QString name;
        std::function<bool(QString *detail)> check;
        bool advisory = false;
    };

    explicit HttpService(const QString &serviceName, QObject *parent = nullptr);

    QHttpServer &server() { return m_server; }
    void addHealthCheck(const HealthCheck &check);
    void setMaxBodyBytes(qint64 bytes) { m_maxBodyBytes = bytes; }
    /// Time a request has to arrive whole (and an idle connection may stay open);
    /// 0 disables. Default DefaultRequestTimeoutMs, or $HTTP_REQUEST_TIMEOUT_MS.
    /// Applies to connections accepted after the call.
    void setRequestTimeoutMs(int ms) { m_requestTimeoutMs = ms; }
    int requestTimeoutMs() const { return m_requestTimeoutMs; }

    /// Decides a WebSocket upgrade: nullopt lets it proceed, a response refuses it.
    using UpgradeGate = std::function<std::optional<QHttpServerResponse>(const QHttpServerRequest &request)>;
    /// Hands the WebSocket upgrades of `path` that gate accepts to
    /// QAbstractHttpServer::newWebSocketConnection. A refused upgrade gets the gate's
    /// response before any handshake, then the connection is closed; a plain request
    /// of path gets 426.
    void addWebSocketRoute(const QString &path, UpgradeGate gate);
    /// The answer to requests no route matched (default: a JSON 404). Use this rather
    /// than server().setMissingHandler(), which would also swallow refused upgrades.
    void setMissingHandler(QHttpServer::MissingHandler handler) { m_missingHandler = std::move(handler); }

    /// Binds address:port (port 0 = any free port). Returns false and sets *error on failure.
    bool listen(const QHostAddress &address, quint16 port, QString *error);
    /// Stops accepting connections; those open go on (the first step of a shutdown).
    void closeListeners();
    /// Hands what Qt still buffers of the open connections' answers to the kernel (the
    /// last step of a shutdown, before the process quits).
    void flushClients();
    quint16 port() const { return m_port; }

    /// {"error": message[, "field": field]}, compact: the body of jsonError(), and of the
    /// answers the request guard writes itself.
    static QByteArray errorBody(const QString &message, const QString &field = {});
    /// {"error": message[, "field": field]} with the given status.
    static QHttpServerResponse jsonError(QHttpServerResponse::StatusCode status,
                                         const QString &message, const QString &field = {});
    static QHttpServerResponse json(const QJsonObject &body,
                                    QHttpServerResponse::StatusCode status = QHttpServerResponse::StatusCode::Ok);
    /// Takes over a route handler's responder so that it can be answered later; see
    /// DeferredResponse.
    static std::shared_ptr<DeferredResponse> respondLater(QHttpServerResponder &&responder);

    /// Header blocks larger than this get 431 before QHttpServer sees them.
    static constexpr qint64 MaxHeaderBytes = 16 * 1024;
    static constexpr int DefaultRequestTimeoutMs = 10000;

private:
    QHttpServerResponse healthResponse() const;

    QString m_serviceName;
    QHttpServer m_server;
    QHttpServer::MissingHandler m_missingHandler;
    // The refusal a WebSocket route's rule decided for the request being routed, which
    // QHttpServer hands to the missing handler next (see addWebSocketRoute()).
    const QHttpServerRequest *m_refusedUpgrade = nullptr;
    std::optional<QHttpServerResponse> m_upgradeRefusal;
    QList<HealthCheck> m_checks;
    qint64 m_maxBodyBytes = 1024 * 1024;
    int m_requestTimeoutMs = DefaultRequestTimeoutMs;
    quint16 m_port = 0;
};

} // namespace lab
