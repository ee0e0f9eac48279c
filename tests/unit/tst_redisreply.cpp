// tst_redisreply: the RedisReply value type (no server needed).
#include "lab/redis/redisreply.h"

#include <QtTest>

using lab::RedisReply;

class TstRedisReply : public QObject
{
    Q_OBJECT

private slots:
    void defaultIsNil();
    void errorCarriesMessage();
    void toInteger_data();
    void toInteger();
};

void TstRedisReply::defaultIsNil()
{
    const RedisReply r;
    QVERIFY(r.isNil());
    QVERIFY(!r.isError());
    QVERIFY(r.errorMessage().isEmpty());
}

void TstRedisReply::errorCarriesMessage()
{
    const RedisReply r = RedisReply::error(QStringLiteral("connection to Redis lost: é"));
    QVERIFY(r.isError());
    QCOMPARE(r.errorMessage(), QStringLiteral("connection to Redis lost: é"));
    QCOMPARE(r.toInteger(-1), -1);
}

void TstRedisReply::toInteger_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<qint64>("integer");
    QTest::addColumn<QByteArray>("string");
    QTest::addColumn<qint64>("expected");

    QTest::newRow("integer") << int(RedisReply::Type::Integer) << qint64(42) << QByteArray() << qint64(42);
    QTest::newRow("negative integer") << int(RedisReply::Type::Integer) << qint64(-7) << QByteArray() << qint64(-7);
    QTest::newRow("numeric string") << int(RedisReply::Type::String) << qint64(0) << QByteArray("123") << qint64(123);
    QTest::newRow("big string") << int(RedisReply::Type::String) << qint64(0) << QByteArray("9007199254740993")
                                << qint64(9007199254740993LL);
    QTest::newRow("text string") << int(RedisReply::Type::String) << qint64(0) << QByteArray("abc") << qint64(-1);
    QTest::newRow("empty string") << int(RedisReply::Type::String) << qint64(0) << QByteArray() << qint64(-1);
    QTest::newRow("nil") << int(RedisReply::Type::Nil) << qint64(0) << QByteArray() << qint64(-1);
    QTest::newRow("array") << int(RedisReply::Type::Array) << qint64(0) << QByteArray() << qint64(-1);
    QTest::newRow("error") << int(RedisReply::Type::Error) << qint64(0) << QByteArray("5") << qint64(-1);
}

void TstRedisReply::toInteger()
{
    QFETCH(int, type);
    QFETCH(qint64, integer);
    QFETCH(QByteArray, string);
    QFETCH(qint64, expected);
    RedisReply r;
    r.type = RedisReply::Type(type);
    r.integer = integer;
    r.string = string;
    QCOMPARE(r.toInteger(-1), expected);
}

QTEST_GUILESS_MAIN(TstRedisReply)
#include "tst_redisreply.moc"
