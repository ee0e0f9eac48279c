// tst_redismemory: the pure parts of lab::RedisMemoryProbe: reading used_memory and
// maxmemory from an INFO memory reply, and the warning threshold. (The probe against a
// real Redis at its maxmemory, and /healthz going "degraded": tests/e2e/tst_health.)
#include "lab/service/redismemory.h"

#include <QtTest>

using lab::RedisMemoryProbe;

class TestRedisMemory : public QObject
{
    Q_OBJECT

private slots:
    void shouldReadUsedAndMaxMemory()
    {
        const QByteArray info = "# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\n"
                                "used_memory_rss:9437184\r\nmaxmemory:1073741824\r\nmaxmemory_human:1.00G\r\n"
                                "maxmemory_policy:noeviction\r\n";
        const auto r = RedisMemoryProbe::parseInfo(info);
        QVERIFY(r);
        QCOMPARE(r->usedBytes, qint64(1048576));
        QCOMPARE(r->maxBytes, qint64(1073741824));
    }

    void shouldRefuseAnIncompleteReply_data()
    {
        QTest::addColumn<QByteArray>("info");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("no maxmemory") << QByteArray("used_memory:5\r\n");
        QTest::newRow("no used_memory") << QByteArray("maxmemory:5\r\n");
        QTest::newRow("not a number") << QByteArray("used_memory:lots\r\nmaxmemory:5\r\n");
        QTest::newRow("negative") << QByteArray("used_memory:-1\r\nmaxmemory:5\r\n");
    }

    void shouldRefuseAnIncompleteReply()
    {
        QFETCH(QByteArray, info);
        QVERIFY(!RedisMemoryProbe::parseInfo(info));
    }

    void shouldWarnAtTheGivenShareOfMaxmemory()
    {
        QCOMPARE(RedisMemoryProbe::warnBytes({0, 1000}, 80), qint64(800));
        QCOMPARE(RedisMemoryProbe::warnBytes({0, 1073741824}, 80), qint64(858993459));
        QCOMPARE(RedisMemoryProbe::warnBytes({0, 0}, 80), qint64(0)); // unlimited: no threshold
        QCOMPARE(RedisMemoryProbe::warnBytes({0, 1000}, 100), qint64(1000));
    }
};

QTEST_GUILESS_MAIN(TestRedisMemory)
#include "tst_redismemory.moc"
