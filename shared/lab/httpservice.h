// httpservice.h: the HTTP face every service shares. Wraps QHttpServer with
//  - listen() that fails loudly (returns false with the reason) instead of returning 0,
//  - GET /healthz (200 {"status":"ok",...} only when every registered check passes,
//    else 503 naming the failing dependency) and GET /metrics (Prometheus text),
//  - JSON 404 for unknown paths, JSON error helpers,
//  - a guard in front of QHttpServer's parser: a request whose Content-Length exceeds
//    maxBodyBytes gets 413 and the connection is closed before the body is read.
#pragma once

#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonObject>
#include <QObject>
#include <functional>

namespace lab {

class HttpService : public QObject
{
    Q_OBJECT
public:
    /// A dependency check: name ("kafka", "redis"...) and a function answering whether
    /// it is up right now (cheap; use cached state updated elsewhere) with a detail.
    struct HealthCheck
    {
        QString name;
        std::function<bool(QString *detail)> check;
    };

    explicit HttpService(const QString &serviceName, QObject *parent = nullptr);

    QHttpServer &server() { return m_server; }
    void addHealthCheck(const HealthCheck &check);
    void setMaxBodyBytes(qint64 bytes) { m_maxBodyBytes = bytes; }

    /// Binds address:port (port 0 = any free port). Returns false and sets *error on failure.
    bool listen(const QHostAddress &address, quint16 port, QString *error);
    quint16 port() const { return m_port; }

    /// {"error": message[, "field": field]} with the given status.
    static QHttpServerResponse jsonError(QHttpServerResponse::StatusCode status,
                                         const QString &message, const QString &field = {});
    static QHttpServerResponse json(const QJsonObject &body,
                                    QHttpServerResponse::StatusCode status = QHttpServerResponse::StatusCode::Ok);

private:
    QString m_serviceName;
    QHttpServer m_server;
    QList<HealthCheck> m_checks;
    qint64 m_maxBodyBytes = 1024 * 1024;
    quint16 m_port = 0;
};

} // namespace lab
