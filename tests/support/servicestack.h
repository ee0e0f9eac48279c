// servicestack.h: the five services started as real processes for end-to-end tests,
// on free ports, in a namespace of their own (LAB_NAMESPACE: own topics, Redis keys
// and Elasticsearch index) so tests never see each other's orders. Needs the real
// Kafka, Redis and Elasticsearch of `./lab infra up`. Logs go to
// <build>/test-logs/<namespace>/<service>-<n>.log and are printed when startup fails.
#pragma once

#include <QHash>
#include <QJsonDocument>
#include <QList>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <memory>

namespace labtest {

/// A minimal blocking HTTP result for tests.
struct HttpResult
{
    int status = 0;          ///< 0 when no answer
    QByteArray body;
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
};

/// The body of POST /create_order: {"order_id": id, "item": item, "quantity": quantity}.
QByteArray orderJson(qint64 id, const QString &item, qint64 quantity);

/// Blocking (event-loop spinning) HTTP helpers with a timeout, for tests.
HttpResult httpGet(const QUrl &url, int timeoutMs = 10000);
HttpResult httpPost(const QUrl &url, const QByteArray &body,
                    const QByteArray &contentType = "application/json", int timeoutMs = 15000);
/// Raw request bytes over a TCP socket; returns everything read until close/timeout.
QByteArray rawHttp(quint16 port, const QByteArray &request, int timeoutMs = 5000);

class ServiceStack
{
public:
    static const QStringList &serviceNames(); ///< order-service, payment-service, ...

    /// ns empty => a fresh unique namespace.
    explicit ServiceStack(const QString &ns = {});
    /// Stops everything (SIGTERM, then SIGKILL), then, when the namespace was made
    /// here (ns empty), removes its index, Redis keys and topics from the shared
    /// infrastructure.
    ~ServiceStack();

    QString ns() const { return m_ns; }
    /// Extra environment for every service started after this call.
    void setEnv(const QString &name, const QString &value) { m_env.insert(name, value); }

    /// Starts one instance of each of the five services and waits until every
    /// /healthz answers 200. Returns an empty string on success, else what failed
    /// (with the tail of that service's log).
    QString startAll(int timeoutMs = 60000);
    /// Starts one more instance of a service; returns its index (0-based) or -1.
    int start(const QString &service, QString *error = nullptr, int timeoutMs = 30000);
    /// SIGKILL (crash) or SIGTERM (clean) an instance, and wait for it to end.
    void kill(const QString &service, int index = 0);
    void terminate(const QString &service, int index = 0);
    /// SIGSTOP / SIGCONT an instance: it keeps its sockets and its place in the
    /// consumer group until its session times out, but does nothing (a hung process).
    void pause(const QString &service, int index = 0);
    void resume(const QString &service, int index = 0);
    bool isRunning(const QString &service, int index = 0) const;
    /// Exit code of a terminated instance (-1 if it crashed or still runs).
    int exitCode(const QString &service, int index = 0) const;

    quint16 port(const QString &service, int index = 0) const;
    QUrl url(const QString &service, const QString &path, int index = 0) const;
    QString logPath(const QString &service, int index = 0) const;
    QString logTail(const QString &service, int index = 0, int lines = 30) const;

private:
    struct Instance
    {
        std::unique_ptr<QProcess> process;
        quint16 port = 0;
        QString log;
    };
    void removeNamespace();
    bool waitHealthy(const QString &service, int index, int timeoutMs, QString *error);

    QString m_ns;
    bool m_ownsNamespace = true;
    QHash<QString, QString> m_env;
    QHash<QString, QList<std::shared_ptr<Instance>>> m_instances;
};

} // namespace labtest
