#include "testinfra.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace labtest {

static QString env(const char *name, const QString &fallback)
{
    const QString v = qEnvironmentVariable(name);
    return v.isEmpty() ? fallback : v;
}

QString kafkaBrokers() { return env("LAB_KAFKA_BROKERS", QStringLiteral("127.0.0.1:9092")); }
QString redisHost() { return env("LAB_REDIS_HOST", QStringLiteral("127.0.0.1")); }
quint16 redisPort() { return quint16(env("LAB_REDIS_PORT", QStringLiteral("6379")).toUInt()); }
QUrl elasticUrl() { return QUrl(env("LAB_ELASTICSEARCH_URL", QStringLiteral("http://127.0.0.1:9200"))); }
QString sourceDir() { return env("LAB_SOURCE_DIR", QStringLiteral(LAB_TEST_SOURCE_DIR)); }
QString buildDir() { return env("LAB_BUILD_DIR", QStringLiteral(LAB_TEST_BUILD_DIR)); }

static const char *kHowTo = "start it with `./lab infra up` (./lab test does this for you)";

static bool tcpAnswers(const QString &host, quint16 port, const QByteArray &send, QByteArray *reply)
{
    QTcpSocket s;
    s.connectToHost(host, port);
    if (!s.waitForConnected(2000))
        return false;
    if (send.isEmpty())
        return true;
    s.write(send);
    if (!s.waitForBytesWritten(2000) || !s.waitForReadyRead(2000))
        return false;
    *reply = s.readAll();
    return true;
}

QString kafkaProblem()
{
    const QString first = kafkaBrokers().split(',').first();
    const QString host = first.section(':', 0, 0);
    const quint16 port = quint16(first.section(':', 1, 1).toUInt());
    if (!tcpAnswers(host, port, {}, nullptr))
        return QStringLiteral("Kafka is not reachable at %1: %2").arg(kafkaBrokers(), kHowTo);
    return {};
}

QString redisProblem()
{
    QByteArray reply;
    if (!tcpAnswers(redisHost(), redisPort(), "PING\r\n", &reply) || !reply.startsWith("+PONG"))
        return QStringLiteral("Redis does not answer PING at %1:%2: %3")
            .arg(redisHost()).arg(redisPort()).arg(kHowTo);
    return {};
}

QString elasticProblem()
{
    QNetworkAccessManager nam;
    QUrl url = elasticUrl();
    url.setPath(QStringLiteral("/_cluster/health"));
    QNetworkRequest req(url);
    req.setTransferTimeout(5000);
    QNetworkReply *reply = nam.get(req);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    const QByteArray body = reply->readAll();
    if (reply->error() != QNetworkReply::NoError
        || !(body.contains("\"green\"") || body.contains("\"yellow\"")))
        return QStringLiteral("Elasticsearch is not healthy at %1 (%2): %3")
            .arg(elasticUrl().toString(), reply->errorString(), kHowTo);
    return {};
}

static QList<QPair<QByteArray, double>> metricSeries(const QByteArray &metrics)
{
    QList<QPair<QByteArray, double>> out;
    for (const QByteArray &line : metrics.split('\n')) {
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        // A label value may hold spaces: the value is what follows the last one.
        const qsizetype space = line.lastIndexOf(' ');
        bool ok = false;
        const double value = line.mid(space + 1).toDouble(&ok);
        if (space > 0 && ok)
            out.append({line.left(space), value});
    }
    return out;
}

std::optional<double> metricValue(const QByteArray &metrics, const QByteArray &series)
{
    for (const auto &[name, value] : metricSeries(metrics))
        if (name == series)
            return value;
    return std::nullopt;
}

double metricSum(const QByteArray &metrics, const QByteArray &name)
{
    double sum = 0;
    for (const auto &[series, value] : metricSeries(metrics))
        if (series == name || series.startsWith(name + '{'))
            sum += value;
    return sum;
}

int runLab(const QStringList &args, int timeoutMs, QString *output)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(sourceDir() + QStringLiteral("/lab"), args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        if (output)
            *output = QString::fromLocal8Bit(p.readAll());
        return -1;
    }
    if (output)
        *output = QString::fromLocal8Bit(p.readAll());
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

QString uniqueName(const QString &prefix)
{
    static QAtomicInt counter;
    return QStringLiteral("%1-%2-%3-%4")
        .arg(prefix)
        .arg(QCoreApplication::applicationPid())
        .arg(counter.fetchAndAddRelaxed(1))
        .arg(QDateTime::currentMSecsSinceEpoch());
}

quint16 freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

} // namespace labtest
