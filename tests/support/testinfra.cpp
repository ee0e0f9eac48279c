#include "testinfra.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QDateTime>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>
#endif

namespace labtest {

static QString env(const char *name, const QString &fallback)
{
    const QString v = qEnvironmentVariable(name);
    return v.isEmpty() ? fallback : v;
}

QString kafkaBrokers() { return env("LAB_KAFKA_BROKERS", QStringLiteral("127.0.0.1:9092")); }
QString redisSentinels() { return env("LAB_REDIS_SENTINELS", QString()); }
QString redisMasterName() { return env("LAB_REDIS_MASTER_NAME", QStringLiteral("lab")); }

/// The master the Sentinels name now (the first that answers), nullopt without Sentinels.
static std::optional<QPair<QString, quint16>> sentinelMaster()
{
    const QString list = redisSentinels();
    if (list.isEmpty())
        return std::nullopt;
    for (const QString &entry : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QStringList reply = QString::fromUtf8(redisCall(quint16(entry.section(QLatin1Char(':'), -1).toUInt()),
                                                              {"SENTINEL", "get-master-addr-by-name",
                                                               redisMasterName().toUtf8()}))
                                      .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        if (reply.size() == 2 && reply.at(1).toUInt() > 0)
            return QPair<QString, quint16>(reply.at(0), quint16(reply.at(1).toUInt()));
    }
    return std::nullopt;
}

QString redisHost()
{
    if (const auto master = sentinelMaster())
        return master->first;
    return env("LAB_REDIS_HOST", QStringLiteral("127.0.0.1"));
}

quint16 redisPort()
{
    if (const auto master = sentinelMaster())
        return master->second;
    return quint16(env("LAB_REDIS_PORT", QStringLiteral("6379")).toUInt());
}
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

void tieToTestLifetime(QProcess &process)
{
#ifdef Q_OS_LINUX
    const pid_t parent = ::getpid();
    process.setChildProcessModifier([parent] {
        // In the child, between fork and exec: only async-signal-safe calls.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) // the test died before prctl took effect
            ::_exit(127);
    });
#else
    Q_UNUSED(process);
#endif
}

PrivateRedis::PrivateRedis(const QStringList &extraArgs) : m_port(freePort()), m_extraArgs(extraArgs)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    tieToTestLifetime(m_process);
}

PrivateRedis::~PrivateRedis()
{
    kill();
}

QString PrivateRedis::start()
{
    m_process.start(QStringLiteral("redis-server"),
                    QStringList{QStringLiteral("--bind"), QStringLiteral("127.0.0.1"), QStringLiteral("--port"),
                                QString::number(m_port), QStringLiteral("--save"), QString(),
                                QStringLiteral("--daemonize"), QStringLiteral("no")}
                        + m_extraArgs);
    if (!m_process.waitForStarted(10000))
        return QStringLiteral("redis-server did not start: %1").arg(m_process.errorString());
    if (!QTest::qWaitFor([this] { return answers() || m_process.state() == QProcess::NotRunning; }, 20000)
        || !answers())
        return QStringLiteral("redis-server on :%1 does not answer: %2")
            .arg(m_port)
            .arg(QString::fromUtf8(m_process.readAll().right(2000)));
    return {};
}

void PrivateRedis::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill();
    m_process.waitForFinished(10000);
}

void PrivateRedis::terminate()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(10000))
        kill();
}

PrivateSentinel::PrivateSentinel(const QString &masterName, quint16 masterPort)
    : m_port(freePort()), m_masterName(masterName), m_masterPort(masterPort)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    tieToTestLifetime(m_process);
}

PrivateSentinel::~PrivateSentinel()
{
    kill();
    if (!m_dir.isEmpty())
        QDir(m_dir).removeRecursively();
}

QString PrivateSentinel::start()
{
    if (m_dir.isEmpty()) {
        m_dir = QDir::tempPath() + QLatin1Char('/') + uniqueName(QStringLiteral("sentinel"));
        if (!QDir().mkpath(m_dir))
            return QStringLiteral("cannot create %1").arg(m_dir);
        // the lab's own template, rendered the way ./lab renders it
        QProcess render;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LAB_SENTINEL_PORT"), QString::number(m_port));
        env.insert(QStringLiteral("LAB_SENTINEL_BIND"), QStringLiteral("127.0.0.1"));
        env.insert(QStringLiteral("LAB_SENTINEL_DIR"), m_dir);
        env.insert(QStringLiteral("LAB_REDIS_MASTER_NAME"), m_masterName);
        env.insert(QStringLiteral("LAB_REDIS_MASTER_HOST"), QStringLiteral("127.0.0.1"));
        env.insert(QStringLiteral("LAB_REDIS_MASTER_PORT"), QString::number(m_masterPort));
        render.setProcessEnvironment(env);
        render.setStandardOutputFile(m_dir + QStringLiteral("/sentinel.conf"));
        render.start(QStringLiteral("sh"), {sourceDir() + QStringLiteral("/deps/kafka/render.sh"),
                                           sourceDir() + QStringLiteral("/deps/redis/sentinel.conf.in")});
        if (!render.waitForFinished(10000) || render.exitCode() != 0)
            return QStringLiteral("deps/redis/sentinel.conf.in did not render: %1")
                .arg(QString::fromUtf8(render.readAllStandardError()));
    }
    m_process.start(QStringLiteral("redis-sentinel"), {m_dir + QStringLiteral("/sentinel.conf")});
    if (!m_process.waitForStarted(10000))
        return QStringLiteral("redis-sentinel did not start (./lab deps installs it): %1").arg(m_process.errorString());
    const bool up = QTest::qWaitFor([this] {
        return m_process.state() == QProcess::NotRunning || redisCall(m_port, {"PING"}, 1000) == "PONG";
    }, 20000);
    if (!up || m_process.state() == QProcess::NotRunning)
        return QStringLiteral("redis-sentinel on :%1 does not answer: %2")
            .arg(m_port)
            .arg(QString::fromUtf8(m_process.readAll().right(2000)));
    return {};
}

void PrivateSentinel::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill();
    m_process.waitForFinished(10000);
}

QByteArray redisCall(quint16 port, const QByteArrayList &args, int timeoutMs)
{
    QTcpSocket s;
    s.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!s.waitForConnected(timeoutMs))
        return {};
    QByteArray request = '*' + QByteArray::number(args.size()) + "\r\n";
    for (const QByteArray &a : args)
        request += '$' + QByteArray::number(a.size()) + "\r\n" + a + "\r\n";
    s.write(request);
    // Reads one complete reply: nested arrays count their elements as they arrive.
    QByteArray buffer;
    QByteArrayList lines;
    int pos = 0;
    int expected = 1; // values still to read
    QElapsedTimer t;
    t.start();
    while (expected > 0) {
        const int eol = int(buffer.indexOf("\r\n", pos));
        if (eol < 0) {
            if (t.elapsed() > timeoutMs || !s.waitForReadyRead(int(qMax<qint64>(1, timeoutMs - t.elapsed()))))
                return {};
            buffer += s.readAll();
            continue;
        }
        const QByteArray line = buffer.mid(pos, eol - pos);
        const char kind = line.isEmpty() ? '?' : line.at(0);
        if (kind == '*') {
            expected += qMax(0, line.mid(1).toInt()) - 1;
            pos = eol + 2;
        } else if (kind == '$') {
            const int len = line.mid(1).toInt();
            if (len < 0) {
                lines.append(QByteArray());
                pos = eol + 2;
                --expected;
                continue;
            }
            if (buffer.size() < eol + 2 + len + 2) {
                if (t.elapsed() > timeoutMs || !s.waitForReadyRead(int(qMax<qint64>(1, timeoutMs - t.elapsed()))))
                    return {};
                buffer += s.readAll();
                continue;
            }
            lines.append(buffer.mid(eol + 2, len));
            pos = eol + 2 + len + 2;
            --expected;
        } else {
            lines.append(line.mid(1));
            pos = eol + 2;
            --expected;
        }
    }
    return lines.join('\n');
}

bool PrivateRedis::answers() const
{
    QTcpSocket s;
    s.connectToHost(QStringLiteral("127.0.0.1"), m_port);
    if (!s.waitForConnected(1000))
        return false;
    s.write("PING\r\n");
    return s.waitForReadyRead(1000) && s.readAll().startsWith("+PONG");
}

} // namespace labtest
