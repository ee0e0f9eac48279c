#include "servicestack.h"

#include <csignal>
#include <sys/types.h>
#include "testinfra.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

namespace labtest {

static HttpResult finishReply(QNetworkReply *reply)
{
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    HttpResult r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    reply->deleteLater();
    return r;
}

static QNetworkAccessManager &nam()
{
    static QNetworkAccessManager manager;
    return manager;
}

QByteArray orderJson(qint64 id, const QString &item, qint64 quantity)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("order_id"), id},
                                     {QStringLiteral("item"), item},
                                     {QStringLiteral("quantity"), quantity}})
        .toJson(QJsonDocument::Compact);
}

HttpResult httpGet(const QUrl &url, int timeoutMs)
{
    QNetworkRequest req(url);
    req.setTransferTimeout(timeoutMs);
    return finishReply(nam().get(req));
}

HttpResult httpPost(const QUrl &url, const QByteArray &body, const QByteArray &contentType, int timeoutMs)
{
    QNetworkRequest req(url);
    req.setTransferTimeout(timeoutMs);
    req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    return finishReply(nam().post(req, body));
}

QByteArray rawHttp(quint16 port, const QByteArray &request, int timeoutMs)
{
    QTcpSocket s;
    s.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!s.waitForConnected(timeoutMs))
        return {};
    s.write(request);
    QByteArray out;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        if (s.waitForReadyRead(100))
            out += s.readAll();
        if (s.state() != QAbstractSocket::ConnectedState) {
            out += s.readAll();
            break;
        }
        // a complete response with Content-Length: stop early
        const int headerEnd = out.indexOf("\r\n\r\n");
        if (headerEnd >= 0) {
            const QByteArray head = out.left(headerEnd).toLower();
            const int cl = head.indexOf("content-length:");
            if (cl >= 0) {
                const int eol = head.indexOf("\r\n", cl);
                const int len = head.mid(cl + 15, eol < 0 ? -1 : eol - cl - 15).trimmed().toInt();
                if (out.size() >= headerEnd + 4 + len)
                    break;
            }
        }
    }
    return out;
}

const QStringList &ServiceStack::serviceNames()
{
    static const QStringList names{QStringLiteral("order-service"), QStringLiteral("payment-service"),
                                   QStringLiteral("inventory-service"), QStringLiteral("notifier-service"),
                                   QStringLiteral("search-service")};
    return names;
}

ServiceStack::ServiceStack(const QString &ns)
    : m_ns(ns.isEmpty() ? uniqueName(QStringLiteral("t")) : ns)
    , m_ownsNamespace(ns.isEmpty())
{
}

ServiceStack::~ServiceStack()
{
    for (auto &list : m_instances)
        for (auto &inst : list)
            if (inst->process && inst->process->state() != QProcess::NotRunning) {
                inst->process->terminate();
                if (!inst->process->waitForFinished(10000)) {
                    inst->process->kill();
                    inst->process->waitForFinished(5000);
                }
            }
    if (m_ownsNamespace)
        removeNamespace();
}

void ServiceStack::removeNamespace()
{
    // What the namespace left in the shared infrastructure: its index, its Redis keys
    // and its topics, so that repeated test runs do not pile them up.
    QNetworkRequest req(QUrl(elasticUrl().toString() + QStringLiteral("/") + m_ns.toLower()
                             + QStringLiteral("-order-logs")));
    req.setTransferTimeout(10000);
    finishReply(nam().deleteResource(req));
    // SCAN with a large COUNT (redis-cli 7.0's --scan has no --count and asks for 10 keys
    // per call): a Redis holding millions of benchmark keys is walked in seconds.
    QProcess redis;
    redis.start(QStringLiteral("sh"),
                {QStringLiteral("-c"),
                 QStringLiteral("IFS='\n'; c=0; while :; do " // one key per line: keys may hold spaces
                                "set -- $(redis-cli -h %1 -p %2 --raw SCAN \"$c\" MATCH '%3:*' COUNT 5000); "
                                "c=$1; shift; "
                                "if [ $# -gt 0 ]; then redis-cli -h %1 -p %2 DEL \"$@\" >/dev/null; fi; "
                                "[ \"$c\" = 0 ] && break; done")
                     .arg(redisHost()).arg(redisPort()).arg(m_ns)});
    redis.waitForFinished(20000);
    QProcess topics;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LAB_NAMESPACE"), m_ns);
    topics.setProcessEnvironment(env);
    topics.start(buildDir() + QStringLiteral("/tools/lab-admin/lab-admin"),
                 {QStringLiteral("delete-topics"), QStringLiteral("--kafka-brokers"), kafkaBrokers()});
    topics.waitForFinished(20000);
}

QString ServiceStack::startAll(int timeoutMs)
{
    for (const QString &s : serviceNames()) {
        QString error;
        if (start(s, &error, timeoutMs) < 0)
            return error;
    }
    return {};
}

int ServiceStack::start(const QString &service, QString *error, int timeoutMs)
{
    const QString binary = buildDir() + QStringLiteral("/services/%1/%1").arg(service);
    if (!QFile::exists(binary)) {
        if (error)
            *error = QStringLiteral("%1 is not built (%2): run ./lab build").arg(service, binary);
        return -1;
    }
    auto inst = std::make_shared<Instance>();
    inst->port = freePort();
    const int index = m_instances[service].size();
    const QString dir = buildDir() + QStringLiteral("/test-logs/") + m_ns;
    QDir().mkpath(dir);
    inst->log = dir + QStringLiteral("/%1-%2.log").arg(service).arg(index);
    inst->process = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LAB_NAMESPACE"), m_ns);
    env.insert(QStringLiteral("KAFKA_BROKERS"), kafkaBrokers());
    env.insert(QStringLiteral("REDIS_HOST"), redisHost());
    env.insert(QStringLiteral("REDIS_PORT"), QString::number(redisPort()));
    if (!redisSentinels().isEmpty()) { // the services follow the master themselves
        env.insert(QStringLiteral("REDIS_SENTINELS"), redisSentinels());
        env.insert(QStringLiteral("REDIS_MASTER_NAME"), redisMasterName());
    }
    env.insert(QStringLiteral("ELASTICSEARCH_URL"), elasticUrl().toString());
    env.insert(QStringLiteral("LOG_LEVEL"), QStringLiteral("info"));
    for (auto it = m_env.cbegin(); it != m_env.cend(); ++it)
        env.insert(it.key(), it.value());
    inst->process->setProcessEnvironment(env);
    inst->process->setProcessChannelMode(QProcess::MergedChannels);
    tieToTestLifetime(*inst->process);
    inst->process->setStandardOutputFile(inst->log, QIODevice::Append);
    inst->process->start(binary, {QStringLiteral("--port"), QString::number(inst->port)});
    m_instances[service].append(inst);
    if (!inst->process->waitForStarted(10000)) {
        if (error)
            *error = QStringLiteral("%1 did not start: %2").arg(service, inst->process->errorString());
        return -1;
    }
    QString why;
    if (!waitHealthy(service, index, timeoutMs, &why)) {
        if (error)
            *error = QStringLiteral("%1 not healthy: %2\n--- log tail ---\n%3")
                         .arg(service, why, logTail(service, index));
        return -1;
    }
    return index;
}

bool ServiceStack::waitHealthy(const QString &service, int index, int timeoutMs, QString *error)
{
    QElapsedTimer t;
    t.start();
    HttpResult last;
    while (t.elapsed() < timeoutMs) {
        if (!isRunning(service, index)) {
            *error = QStringLiteral("process exited");
            return false;
        }
        last = httpGet(url(service, QStringLiteral("/healthz"), index), 2000);
        if (last.status == 200)
            return true;
        QTest::qWait(200);
    }
    *error = QStringLiteral("/healthz answered %1 %2").arg(last.status).arg(QString::fromUtf8(last.body));
    return false;
}

void ServiceStack::kill(const QString &service, int index)
{
    auto &inst = m_instances[service][index];
    inst->process->kill();
    inst->process->waitForFinished(10000);
}

void ServiceStack::terminate(const QString &service, int index)
{
    auto &inst = m_instances[service][index];
    inst->process->terminate();
    if (!inst->process->waitForFinished(20000)) {
        inst->process->kill();
        inst->process->waitForFinished(5000);
    }
}

void ServiceStack::pause(const QString &service, int index)
{
    ::kill(pid_t(m_instances[service][index]->process->processId()), SIGSTOP);
}

void ServiceStack::resume(const QString &service, int index)
{
    ::kill(pid_t(m_instances[service][index]->process->processId()), SIGCONT);
}

bool ServiceStack::isRunning(const QString &service, int index) const
{
    const auto list = m_instances.value(service);
    return index < list.size() && list[index]->process->state() != QProcess::NotRunning;
}

int ServiceStack::exitCode(const QString &service, int index) const
{
    const auto list = m_instances.value(service);
    if (index >= list.size() || list[index]->process->state() != QProcess::NotRunning
        || list[index]->process->exitStatus() != QProcess::NormalExit)
        return -1;
    return list[index]->process->exitCode();
}

quint16 ServiceStack::port(const QString &service, int index) const
{
    const auto list = m_instances.value(service);
    return index < list.size() ? list[index]->port : 0;
}

QUrl ServiceStack::url(const QString &service, const QString &path, int index) const
{
    QUrl u(QStringLiteral("http://127.0.0.1"));
    u.setPort(port(service, index));
    u.setPath(path);
    return u;
}

QString ServiceStack::logPath(const QString &service, int index) const
{
    const auto list = m_instances.value(service);
    return index < list.size() ? list[index]->log : QString();
}

QString ServiceStack::logTail(const QString &service, int index, int lines) const
{
    QFile f(logPath(service, index));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QList<QByteArray> all = f.readAll().split('\n');
    return QString::fromUtf8(all.mid(qMax(0, all.size() - lines)).join('\n'));
}

} // namespace labtest
