// testinfra.h: what integration and end-to-end tests share: where the real Kafka,
// Redis and Elasticsearch started by `./lab infra up` listen, checks that FAIL the
// test with a clear message when one is missing (never a silent skip), a way to run
// `./lab` subcommands (e.g. restart Redis mid-test), and unique names per run.
#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace labtest {

QString kafkaBrokers();      ///< $LAB_KAFKA_BROKERS or 127.0.0.1:9092
/// With Sentinels ($LAB_REDIS_SENTINELS, ./lab's cluster mode): the master they name for
/// $LAB_REDIS_MASTER_NAME now (asked at every call: it moves in a failover), else
/// $LAB_REDIS_HOST / $LAB_REDIS_PORT, or 127.0.0.1 / 6379.
QString redisHost();
quint16 redisPort();
QString redisSentinels();    ///< $LAB_REDIS_SENTINELS (host:port,...) or empty
QString redisMasterName();   ///< $LAB_REDIS_MASTER_NAME or lab
QUrl elasticUrl();           ///< $LAB_ELASTICSEARCH_URL or http://127.0.0.1:9200
QString sourceDir();         ///< repository root ($LAB_SOURCE_DIR, set by CTest)
QString buildDir();          ///< build tree ($LAB_BUILD_DIR, set by CTest)

/// Each returns an empty string when the service answers, else a message saying what
/// is missing and how to start it. Use with QVERIFY2(msg.isEmpty(), qPrintable(msg)).
QString kafkaProblem();
QString redisProblem();
QString elasticProblem();

/// The value of one series in a service's GET /metrics text (Prometheus exposition
/// format), named as rendered: `lab_ws_clients` or
/// `lab_http_requests_total{route="/create_order",code="200"}`; nullopt when absent.
std::optional<double> metricValue(const QByteArray &metrics, const QByteArray &series);
/// The sum of every series of one metric name, whatever their labels (0 when none).
double metricSum(const QByteArray &metrics, const QByteArray &name);

/// Runs `<source>/lab <args>` and waits (bounded); returns its exit code, -1 on timeout.
/// Output goes to *output when given.
int runLab(const QStringList &args, int timeoutMs = 120000, QString *output = nullptr);

/// A name unique to this process and call, e.g. "tst-kafka-<pid>-<n>-<msecs>".
QString uniqueName(const QString &prefix);

/// A TCP port that was free a moment ago on 127.0.0.1.
quint16 freePort();

/// A redis-server of the test's own on a free port (127.0.0.1, nothing persisted unless
/// extraArgs say so, e.g. --dir/--appendonly), which a test may kill and start again on
/// the same port (and data) without disturbing the shared Redis; its INFO counters are
/// the test's alone. Killed with this object, and with the test process.
class PrivateRedis
{
public:
    explicit PrivateRedis(const QStringList &extraArgs = {});
    ~PrivateRedis();
    PrivateRedis(const PrivateRedis &) = delete;
    PrivateRedis &operator=(const PrivateRedis &) = delete;

    quint16 port() const { return m_port; }
    qint64 pid() const { return m_process.processId(); } ///< 0 when not running
    /// Arguments for the next start() (e.g. --replicaof after a failover).
    void setExtraArgs(const QStringList &args) { m_extraArgs = args; }
    /// Starts it (again) and waits until it answers PING; empty on success, else why not.
    QString start();
    /// Gone at once, as a crash would leave it.
    void kill();
    /// SIGTERM: Redis saves what it was told to persist, then exits.
    void terminate();
    bool answers() const;

private:
    quint16 m_port;
    QStringList m_extraArgs;
    QProcess m_process;
};

/// A redis-sentinel of the test's own on a free port (127.0.0.1), configured from the
/// lab's deps/redis/sentinel.conf.in (quorum 2, a master down after 1 s) to monitor
/// masterName at 127.0.0.1:masterPort; its rewritable copy lives in a temporary
/// directory. Killed with this object, and with the test process.
class PrivateSentinel
{
public:
    PrivateSentinel(const QString &masterName, quint16 masterPort);
    ~PrivateSentinel();
    PrivateSentinel(const PrivateSentinel &) = delete;
    PrivateSentinel &operator=(const PrivateSentinel &) = delete;

    quint16 port() const { return m_port; }
    QString address() const { return QStringLiteral("127.0.0.1:%1").arg(m_port); }
    /// Renders its configuration (first time) and starts it; empty on success, else why not.
    QString start();
    void kill();

private:
    quint16 m_port;
    QString m_masterName;
    quint16 m_masterPort;
    QString m_dir;
    QProcess m_process;
};

/// One command to a Redis server or Sentinel on 127.0.0.1 over a fresh connection
/// (RESP), blocking up to timeoutMs; the reply as redis-cli --raw would print it, one
/// element a line; empty when nothing answered. For test setup and checks.
QByteArray redisCall(quint16 port, const QByteArrayList &args, int timeoutMs = 3000);

/// Ties a process about to be started to this test's lifetime: it is SIGKILLed when
/// the test process dies, however it dies (a failed QVERIFY in a destructor-less path,
/// QTest's watchdog, a crash, SIGKILL from CTest's timeout), so no service or server a
/// test started outlives it. Call before QProcess::start().
void tieToTestLifetime(QProcess &process);

} // namespace labtest

/// Fails the current test function with the message unless the dependency answers.
#define LAB_REQUIRE_KAFKA() do { const QString p_ = labtest::kafkaProblem(); QVERIFY2(p_.isEmpty(), qPrintable(p_)); } while (0)
#define LAB_REQUIRE_REDIS() do { const QString p_ = labtest::redisProblem(); QVERIFY2(p_.isEmpty(), qPrintable(p_)); } while (0)
#define LAB_REQUIRE_ELASTIC() do { const QString p_ = labtest::elasticProblem(); QVERIFY2(p_.isEmpty(), qPrintable(p_)); } while (0)
