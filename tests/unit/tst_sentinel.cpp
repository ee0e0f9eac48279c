// tst_sentinel: the pure parts of finding the Redis master through Sentinel
// (shared/lab/redis/sentinel.h): the REDIS_SENTINELS list, the Sentinel's answer, ROLE, and
// the verdict on a WAIT reply. The asking itself runs against real redis-server and
// redis-sentinel processes in tests/integration/tst_sentinelfailover.cpp.
#include "lab/redis/sentinel.h"

#include <QtTest>

using lab::RedisReply;
namespace sentinel = lab::sentinel;

Q_DECLARE_METATYPE(lab::RedisReply)

namespace {

RedisReply str(const QByteArray &s)
{
    RedisReply r;
    r.type = RedisReply::Type::String;
    r.string = s;
    return r;
}
RedisReply integer(qint64 v)
{
    RedisReply r;
    r.type = RedisReply::Type::Integer;
    r.integer = v;
    return r;
}
RedisReply array(const QList<RedisReply> &items)
{
    RedisReply r;
    r.type = RedisReply::Type::Array;
    r.array = items;
    return r;
}

} // namespace

class TestSentinel : public QObject
{
    Q_OBJECT
private slots:
    void addressListShouldParse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("three, commas") << "127.0.0.1:26379,127.0.0.1:26380,127.0.0.1:26381"
                                       << QStringList{"127.0.0.1:26379", "127.0.0.1:26380", "127.0.0.1:26381"};
        QTest::newRow("spaces and a trailing comma") << " sentinel-1:26379  sentinel-2:26379, "
                                                      << QStringList{"sentinel-1:26379", "sentinel-2:26379"};
        QTest::newRow("empty") << "" << QStringList{};
        QTest::newRow("IPv6 takes the last colon") << "::1:26379" << QStringList{"::1:26379"};
    }
    void addressListShouldParse()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        QString error;
        const auto list = sentinel::parseAddressList(text, &error);
        QVERIFY2(list, qPrintable(error));
        QStringList got;
        for (const auto &a : *list)
            got.append(a.toString());
        QCOMPARE(got, expected);
    }

    void addressListShouldRejectBadEntries_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("named");
        QTest::newRow("no port") << "127.0.0.1:26379,sentinel-2" << "sentinel-2";
        QTest::newRow("port 0") << "h:0" << "h:0";
        QTest::newRow("port too big") << "h:65536" << "h:65536";
        QTest::newRow("not a number") << "h:abc" << "h:abc";
        QTest::newRow("no host") << ":26379" << ":26379";
    }
    void addressListShouldRejectBadEntries()
    {
        QFETCH(QString, text);
        QFETCH(QString, named);
        QString error;
        QVERIFY(!sentinel::parseAddressList(text, &error));
        QVERIFY2(error.contains(QLatin1Char('"') + named + QLatin1Char('"')), qPrintable(error));
    }

    void masterReplyShouldGiveTheAddress()
    {
        QString why;
        const auto a = sentinel::parseMasterReply(array({str("127.0.0.1"), str("6380")}), &why);
        QVERIFY2(a, qPrintable(why));
        QCOMPARE(a->host, QStringLiteral("127.0.0.1"));
        QCOMPARE(a->port, quint16(6380));
    }

    void masterReplyShouldRejectWhatIsNotAnAddress_data()
    {
        QTest::addColumn<RedisReply>("reply");
        QTest::addColumn<QString>("why");
        QTest::newRow("nil: unknown name") << RedisReply{} << "does not monitor a master of that name";
        QTest::newRow("error") << RedisReply::error(QStringLiteral("ERR unknown command")) << "ERR unknown command";
        QTest::newRow("one element") << array({str("127.0.0.1")}) << "unexpected reply";
        QTest::newRow("empty host") << array({str(""), str("6379")}) << "unexpected reply";
        QTest::newRow("port not a number") << array({str("h"), str("x")}) << "unexpected port";
        QTest::newRow("port out of range") << array({str("h"), str("70000")}) << "unexpected port";
        QTest::newRow("integer") << integer(6379) << "unexpected reply";
    }
    void masterReplyShouldRejectWhatIsNotAnAddress()
    {
        QFETCH(RedisReply, reply);
        QFETCH(QString, why);
        QString got;
        QVERIFY(!sentinel::parseMasterReply(reply, &got));
        QVERIFY2(got.contains(why), qPrintable(got));
    }

    void roleShouldCountOnlineReplicas_data()
    {
        QTest::addColumn<RedisReply>("reply");
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<int>("replicas");
        QTest::newRow("master with two") << array({str("master"), integer(3129659),
                                                   array({array({str("127.0.0.1"), str("9001"), str("3129242")}),
                                                          array({str("127.0.0.1"), str("9002"), str("3129543")})})})
                                         << QByteArray("master") << 2;
        QTest::newRow("master alone") << array({str("master"), integer(0), array({})}) << QByteArray("master") << 0;
        QTest::newRow("replica") << array({str("slave"), str("127.0.0.1"), integer(9000), str("connected"),
                                           integer(3167038)})
                                 << QByteArray("slave") << 0;
        QTest::newRow("sentinel") << array({str("sentinel"), array({str("lab")})}) << QByteArray("sentinel") << 0;
        QTest::newRow("error") << RedisReply::error(QStringLiteral("LOADING")) << QByteArray() << 0;
        QTest::newRow("empty array") << array({}) << QByteArray() << 0;
    }
    void roleShouldCountOnlineReplicas()
    {
        QFETCH(RedisReply, reply);
        QFETCH(QByteArray, name);
        QFETCH(int, replicas);
        const sentinel::Role role = sentinel::parseRoleReply(reply);
        QCOMPARE(role.name, name);
        QCOMPARE(role.connectedReplicas, replicas);
    }

    void waitReplyVerdict_data()
    {
        QTest::addColumn<RedisReply>("reply");
        QTest::addColumn<int>("wanted");
        QTest::addColumn<QString>("problem"); ///< empty: the writes are replicated
        QTest::newRow("all acknowledged") << integer(1) << 1 << "";
        QTest::newRow("more than asked") << integer(2) << 1 << "";
        QTest::newRow("none within the time") << integer(0) << 1 << "0 of 1 replicas acknowledged it within 500 ms";
        QTest::newRow("one of two") << integer(1) << 2 << "1 of 2 replicas";
        QTest::newRow("error") << RedisReply::error(QStringLiteral("ERR WAIT cannot be used with replica instances"))
                               << 1 << "could not confirm replication (WAIT: ERR WAIT cannot";
        QTest::newRow("not an integer") << str("1") << 1 << "unexpected reply to WAIT";
    }
    void waitReplyVerdict()
    {
        QFETCH(RedisReply, reply);
        QFETCH(int, wanted);
        QFETCH(QString, problem);
        const QString got = sentinel::replicationShortfall(reply, wanted, 500);
        if (problem.isEmpty())
            QVERIFY2(got.isEmpty(), qPrintable(got));
        else
            QVERIFY2(got.contains(problem), qPrintable(got));
    }
};

QTEST_GUILESS_MAIN(TestSentinel)
#include "tst_sentinel.moc"
