// tst_sentinelfailover: RedisClient behind Redis Sentinel, against real processes the
// test starts itself on free ports (a master, its replica and three Sentinels
// configured from deps/redis/sentinel.conf.in), so that it can kill and stop them:
// it finds the master through the Sentinels (skipping a dead one), refuses a server
// that is not a master, follows the master through a failover (SIGKILL, and a manual
// one), and with setReplicaWaitMs() answers script calls only once the replica has
// their writes. Every process dies with the test (labtest::tieToTestLifetime).
// Time bounds are hang detectors only, generous for a loaded 2-core machine.
#include "testinfra.h"

#include "lab/redis/redisclient.h"

#include <QElapsedTimer>
#include <QStandardPaths>
#include <QtTest>

#include <memory>
#include <optional>
#include <vector>

#include <csignal>

using labtest::PrivateRedis;
using labtest::PrivateSentinel;
using labtest::redisCall;

namespace {

const QByteArray kSetScript = "redis.call('SET', KEYS[1], ARGV[1]) return 1";

/// A command through the client, waited for (bounded: a hang detector).
std::optional<lab::RedisReply> call(lab::RedisClient &client, const QByteArrayList &args, int timeoutMs = 30000)
{
    std::optional<lab::RedisReply> got;
    client.command(args, [&got](const lab::RedisReply &r) { got = r; });
    if (!QTest::qWaitFor([&got] { return got.has_value(); }, timeoutMs))
        return std::nullopt;
    return got;
}

std::optional<lab::RedisReply> set(lab::RedisClient &client, const QByteArray &key, const QByteArray &value)
{
    std::optional<lab::RedisReply> got;
    client.eval(kSetScript, {key}, {value}, [&got](const lab::RedisReply &r) { got = r; });
    if (!QTest::qWaitFor([&got] { return got.has_value(); }, 30000))
        return std::nullopt;
    return got;
}

QString address(quint16 port) { return QStringLiteral("127.0.0.1:%1").arg(port); }

} // namespace

class TestSentinelFailover : public QObject
{
    Q_OBJECT

    std::unique_ptr<PrivateRedis> m_master;
    std::unique_ptr<PrivateRedis> m_replica;
    std::vector<std::unique_ptr<PrivateSentinel>> m_sentinels;
    const QByteArray m_name = "tst";

    QList<lab::sentinel::Address> sentinelAddresses() const
    {
        QList<lab::sentinel::Address> out;
        for (const auto &s : m_sentinels)
            out.append({QStringLiteral("127.0.0.1"), s->port()});
        return out;
    }

    /// The master the Sentinels agree on, as host:port ("" while they disagree or fail).
    QString agreedMaster() const
    {
        QString agreed;
        for (const auto &s : m_sentinels) {
            const QByteArray r = redisCall(s->port(), {"SENTINEL", "get-master-addr-by-name", m_name}, 1000);
            const QString a = QString::fromUtf8(r).replace(QLatin1Char('\n'), QLatin1Char(':'));
            if (a.isEmpty() || (!agreed.isEmpty() && a != agreed))
                return {};
            agreed = a;
        }
        return agreed;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("redis-sentinel")).isEmpty(),
                 "redis-sentinel is not installed (Debian package redis-sentinel; ./lab deps installs it)");
    }

    // A fresh master, replica and three Sentinels for every test: some kill them.
    void init()
    {
        m_master = std::make_unique<PrivateRedis>();
        QString error = m_master->start();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_replica = std::make_unique<PrivateRedis>(
            QStringList{QStringLiteral("--replicaof"), QStringLiteral("127.0.0.1"), QString::number(m_master->port())});
        error = m_replica->start();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(redisCall(m_replica->port(), {"INFO", "replication"}).contains("master_link_status:up"),
                                 30000);
        m_sentinels.clear();
        for (int i = 0; i < 3; ++i) {
            m_sentinels.push_back(std::make_unique<PrivateSentinel>(QString::fromLatin1(m_name), m_master->port()));
            error = m_sentinels.back()->start();
            QVERIFY2(error.isEmpty(), qPrintable(error));
        }
        // A failover needs every Sentinel to know the replica and the two others (they
        // meet through the master's hello channel every 2 s).
        for (const auto &s : m_sentinels) {
            QTRY_VERIFY_WITH_TIMEOUT(redisCall(s->port(), {"SENTINEL", "replicas", m_name}).contains(
                                         QByteArray::number(m_replica->port())),
                                     60000);
            QTRY_VERIFY_WITH_TIMEOUT(redisCall(s->port(), {"SENTINEL", "sentinels", m_name}).count("runid") == 2, 60000);
        }
    }

    void cleanup()
    {
        m_sentinels.clear();
        m_replica.reset();
        m_master.reset();
    }

    void connectsToTheMasterTheSentinelsName()
    {
        // The first Sentinel in the list is not running: the next one answers.
        QList<lab::sentinel::Address> sentinels{{QStringLiteral("127.0.0.1"), labtest::freePort()}};
        sentinels += sentinelAddresses();
        // host and port given to the constructor are only a starting point: unused here
        lab::RedisClient client(QStringLiteral("127.0.0.1"), m_replica->port());
        client.useSentinels(sentinels, m_name);
        client.connectToServer();
        QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), 30000);
        QCOMPARE(client.serverAddress(), address(m_master->port()));
        const auto r = set(client, "k", "v");
        QVERIFY(r);
        QVERIFY2(!r->isError(), qPrintable(r->errorMessage()));
        QCOMPARE(redisCall(m_master->port(), {"GET", "k"}), QByteArray("v"));
    }

    void refusesAServerThatIsNotAMaster()
    {
        // Sentinels that name the replica as the master of "wrong" (a stale or mistaken
        // configuration): the client must check ROLE and stay away from it.
        PrivateSentinel wrong(QStringLiteral("wrong"), m_replica->port());
        const QString error = wrong.start();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        lab::RedisClient client(QStringLiteral("127.0.0.1"), 1);
        client.useSentinels({{QStringLiteral("127.0.0.1"), wrong.port()}}, "wrong");
        client.connectToServer();
        QString last;
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            const auto r = call(client, {"GET", "k"});
            last = r ? r->errorMessage() : QStringLiteral("(no answer)");
            return last.contains(QStringLiteral("is not a master"));
        }(), 30000);
        QVERIFY2(!client.isConnected(), qPrintable(last));
    }

    void waitsForTheReplicaBeforeAnswering()
    {
        lab::RedisClient client(QStringLiteral("127.0.0.1"), m_master->port());
        client.useSentinels(sentinelAddresses(), m_name);
        client.setReplicaWaitMs(500);
        client.connectToServer();
        QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), 30000);
        auto r = set(client, "replicated", "1");
        QVERIFY(r);
        QVERIFY2(!r->isError(), qPrintable(r->errorMessage()));
        // answered only after the replica acknowledged: the write is there already
        QCOMPARE(redisCall(m_replica->port(), {"GET", "replicated"}), QByteArray("1"));

        // A replica that stops acknowledging (SIGSTOP: connected, silent): the write is
        // made on the master, but the call fails once the wait runs out.
        QCOMPARE(::kill(pid_t(m_replica->pid()), SIGSTOP), 0);
        QElapsedTimer t;
        t.start();
        r = set(client, "unreplicated", "1");
        const qint64 took = t.elapsed();
        ::kill(pid_t(m_replica->pid()), SIGCONT);
        QVERIFY(r);
        QVERIFY2(r->isError() && r->errorMessage().contains(QStringLiteral("0 of 1 replicas acknowledged")),
                 qPrintable(r->errorMessage()));
        QCOMPARE(redisCall(m_master->port(), {"GET", "unreplicated"}), QByteArray("1"));
        qInfo("a script call with the replica stopped failed after %lld ms (wait 500 ms)", took);
        // and once it is back, calls succeed again
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            const auto again = set(client, "again", "1");
            return again && !again->isError();
        }(), 30000);
    }

    void followsTheMasterThroughAFailover()
    {
        lab::RedisClient client(QStringLiteral("127.0.0.1"), m_master->port());
        client.useSentinels(sentinelAddresses(), m_name);
        client.setReplicaWaitMs(1000);
        client.connectToServer();
        QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), 30000);
        // 200 writes answered before the master dies: each was acknowledged by the replica
        for (int i = 0; i < 200; ++i) {
            const auto r = set(client, "key:" + QByteArray::number(i), QByteArray::number(i));
            QVERIFY(r);
            QVERIFY2(!r->isError(), qPrintable(r->errorMessage()));
        }
        QElapsedTimer t;
        t.start();
        m_master->kill();
        // The Sentinels promote the replica; the client finds it by itself.
        QTRY_VERIFY_WITH_TIMEOUT(client.isConnected() && client.serverAddress() == address(m_replica->port()), 60000);
        const qint64 moved = t.elapsed();
        auto r = set(client, "after", "1");
        QVERIFY(r);
        QVERIFY2(!r->isError(), qPrintable(r->errorMessage()));
        for (int i = 0; i < 200; ++i) {
            r = call(client, {"GET", "key:" + QByteArray::number(i)});
            QVERIFY(r);
            QCOMPARE(r->string, QByteArray::number(i));
        }
        QCOMPARE(agreedMaster(), address(m_replica->port()));
        qInfo("SIGKILL of the master -> client connected to the promoted replica after %lld ms", moved);
    }

    void followsAManualFailover()
    {
        // Both servers stay up: the old master is turned into a replica, so no
        // connection drops by itself.
        lab::RedisClient client(QStringLiteral("127.0.0.1"), m_master->port());
        client.useSentinels(sentinelAddresses(), m_name);
        client.connectToServer();
        QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), 30000);
        QCOMPARE(client.serverAddress(), address(m_master->port()));
        QCOMPARE(redisCall(m_sentinels.front()->port(), {"SENTINEL", "failover", m_name}), QByteArray("OK"));
        QTRY_VERIFY_WITH_TIMEOUT(client.isConnected() && client.serverAddress() == address(m_replica->port()), 60000);
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            const auto r = set(client, "after-manual", "1");
            return r && !r->isError();
        }(), 30000);
        QCOMPARE(redisCall(m_replica->port(), {"GET", "after-manual"}), QByteArray("1"));
    }

    void leavesAMasterTheSentinelsNoLongerName()
    {
        // A split brain as a partition would leave it: the Sentinels have moved on to
        // another master while the old one is still up, still a master, and nobody
        // closes its clients. Only asking the Sentinels again finds out.
        lab::RedisClient client(QStringLiteral("127.0.0.1"), m_master->port());
        client.useSentinels(sentinelAddresses(), m_name);
        client.connectToServer();
        QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), 30000);
        QCOMPARE(client.serverAddress(), address(m_master->port()));
        QCOMPARE(redisCall(m_replica->port(), {"REPLICAOF", "NO", "ONE"}), QByteArray("OK"));
        for (const auto &s : m_sentinels) {
            QCOMPARE(redisCall(s->port(), {"SENTINEL", "REMOVE", m_name}), QByteArray("OK"));
            QCOMPARE(redisCall(s->port(), {"SENTINEL", "MONITOR", m_name, "127.0.0.1",
                                           QByteArray::number(m_replica->port()), "2"}),
                     QByteArray("OK"));
        }
        QTRY_VERIFY_WITH_TIMEOUT(client.isConnected() && client.serverAddress() == address(m_replica->port()), 30000);
        const auto r = set(client, "moved", "1");
        QVERIFY(r);
        QVERIFY2(!r->isError(), qPrintable(r->errorMessage()));
        QCOMPARE(redisCall(m_replica->port(), {"GET", "moved"}), QByteArray("1"));
        QCOMPARE(redisCall(m_master->port(), {"GET", "moved"}), QByteArray());
    }
};

QTEST_GUILESS_MAIN(TestSentinelFailover)
#include "tst_sentinelfailover.moc"
