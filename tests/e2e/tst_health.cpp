// tst_health: GET /healthz of payment-, inventory- and notifier-service follows their
// Redis while they run: 200 while it answers, 503 naming redis (and only redis) once it
// is gone, 200 again when it is back. Near Redis' maxmemory, /healthz of order- and
// notifier-service is 200 "degraded" and /metrics shows the memory; at the limit Redis
// refuses writes and an order gets 503. The Redis is the test's own (redis-server on a
// free port, nothing persisted), so that it can be killed or filled without disturbing
// the shared one; Kafka is the shared one of `./lab infra up`, in a namespace of the
// test's own.
#include "lab/contract/names.h"
#include "servicestack.h"
#include "testinfra.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QtTest>

using labtest::ServiceStack;

namespace {

using labtest::PrivateRedis;

/// A blocking redis-cli call against the private Redis (the test's own client).
QByteArray redisCli(quint16 port, const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral("redis-cli"), QStringList{QStringLiteral("-p"), QString::number(port)} + args);
    p.waitForFinished(10000);
    return p.readAllStandardOutput().trimmed();
}

qint64 infoField(quint16 port, const QByteArray &name)
{
    for (const QByteArray &line : redisCli(port, {QStringLiteral("INFO"), QStringLiteral("memory")}).split('\n'))
        if (line.startsWith(name + ':'))
            return line.mid(name.size() + 1).trimmed().toLongLong();
    return -1;
}

} // namespace

class TestHealth : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        LAB_REQUIRE_KAFKA();
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("redis-server")).isEmpty(),
                 "redis-server not found: run ./lab deps");
    }

    void healthFollowsRedis()
    {
        PrivateRedis redis;
        QString error = redis.start();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        ServiceStack stack;
        stack.setEnv(QStringLiteral("REDIS_PORT"), QString::number(redis.port()));
        const QStringList services{QStringLiteral("payment-service"), QStringLiteral("inventory-service"),
                                   QStringLiteral("notifier-service")};
        for (const QString &s : services) {
            QString why;
            QVERIFY2(stack.start(s, &why) == 0, qPrintable(why)); // healthy: /healthz answered 200
        }

        redis.kill();
        // Hang bounds only: the services notice a closed connection at once.
        for (const QString &s : services) {
            const QUrl health = stack.url(s, QStringLiteral("/healthz"));
            QTRY_COMPARE_WITH_TIMEOUT(labtest::httpGet(health).status, 503, 30000);
            const QJsonObject body = labtest::httpGet(health).json().object();
            const QJsonObject checks = body.value(QStringLiteral("checks")).toObject();
            QVERIFY2(checks.value(QStringLiteral("redis")).toString() != QStringLiteral("ok"), qPrintable(s));
            QCOMPARE(checks.value(QStringLiteral("kafka")).toString(), QStringLiteral("ok"));
            QCOMPARE(body.value(QStringLiteral("error")).toString(), QStringLiteral("unavailable: redis"));
            QVERIFY(stack.isRunning(s));
        }

        error = redis.start();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        for (const QString &s : services)
            QTRY_COMPARE_WITH_TIMEOUT(labtest::httpGet(stack.url(s, QStringLiteral("/healthz"))).status, 200, 60000);
    }

    // Redis runs with a maxmemory and noeviction: before it refuses writes, every service
    // warns (advisory check "redis_memory": 200 "degraded") and exports its memory.
    void degradedNearRedisMaxmemoryAndNothingAcceptedAtIt()
    {
        PrivateRedis redis({QStringLiteral("--maxmemory"), QStringLiteral("8mb"), QStringLiteral("--maxmemory-policy"),
                            QStringLiteral("noeviction")});
        QString error = redis.start();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        ServiceStack stack;
        stack.setEnv(QStringLiteral("REDIS_PORT"), QString::number(redis.port()));
        stack.setEnv(QStringLiteral("REDIS_MEMORY_WARN_PERCENT"), QStringLiteral("75"));
        const QStringList services{QStringLiteral("order-service"), QStringLiteral("notifier-service")};
        for (const QString &s : services) {
            QString why;
            QVERIFY2(stack.start(s, &why) == 0, qPrintable(why));
            // Hang bound: the probe reads INFO at connection and every 5 s.
            QTRY_VERIFY_WITH_TIMEOUT(labtest::metricValue(labtest::httpGet(stack.url(s, QStringLiteral("/metrics"))).body,
                                                          "lab_redis_maxmemory_bytes").value_or(-1) == 8 * 1048576.0,
                                     30000);
            const QJsonObject body = labtest::httpGet(stack.url(s, QStringLiteral("/healthz"))).json().object();
            QCOMPARE(body.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        }

        // Fill it to about 85% of 8 MiB with values of 64 KiB.
        const QString value(65536, QLatin1Char('x'));
        for (int i = 0; i < 200 && infoField(redis.port(), "used_memory") < 8 * 1048576 * 85 / 100; ++i)
            redisCli(redis.port(), {QStringLiteral("SET"), QStringLiteral("filler:%1").arg(i), value});
        const qint64 used = infoField(redis.port(), "used_memory");
        QVERIFY2(used >= 8 * 1048576 * 75 / 100 && used < 8 * 1048576, qPrintable(QString::number(used)));
        for (const QString &s : services) {
            const QUrl health = stack.url(s, QStringLiteral("/healthz"));
            QTRY_COMPARE_WITH_TIMEOUT(labtest::httpGet(health).json().object().value(QStringLiteral("status")).toString(),
                                      QStringLiteral("degraded"), 30000);
            const labtest::HttpResult r = labtest::httpGet(health);
            QCOMPARE(r.status, 200);
            const QJsonObject body = r.json().object();
            QVERIFY2(body.value(QStringLiteral("checks")).toObject().value(QStringLiteral("redis_memory")).toString()
                         .contains(QLatin1String("maxmemory")), r.body.constData());
            QCOMPARE(body.value(QStringLiteral("checks")).toObject().value(QStringLiteral("redis")).toString(),
                     QStringLiteral("ok"));
            const QByteArray metrics = labtest::httpGet(stack.url(s, QStringLiteral("/metrics"))).body;
            QVERIFY(labtest::metricValue(metrics, "lab_redis_used_memory_bytes").value_or(-1)
                    >= labtest::metricValue(metrics, "lab_redis_memory_warn_bytes").value_or(1e18));
            QCOMPARE(labtest::metricValue(metrics, "lab_redis_memory_warn_bytes").value_or(-1), 8 * 1048576 * 0.75);
        }

        // Over the limit Redis refuses the claim: 503, and the order has no hash. (Filling
        // it up to the byte is not deterministic: a client's buffers count while it is
        // connected; a limit below what it holds is.)
        redisCli(redis.port(), {QStringLiteral("CONFIG"), QStringLiteral("SET"), QStringLiteral("maxmemory"),
                                QStringLiteral("1mb")});
        QVERIFY(redisCli(redis.port(), {QStringLiteral("SET"), QStringLiteral("one-more"), QStringLiteral("x")})
                    .startsWith("OOM"));
        const labtest::HttpResult refused = labtest::httpPost(stack.url(QStringLiteral("order-service"),
                                                                         QStringLiteral("/create_order")),
                                                              R"({"order_id": 1, "item": "mouse", "quantity": 1})");
        QCOMPARE(refused.status, 503);
        QCOMPARE(redisCli(redis.port(), {QStringLiteral("EXISTS"), QString::fromUtf8(lab::Names(stack.ns()).orderKey(1))}), QByteArray("0"));

        // Memory freed (keys expired, or a larger limit): healthy again.
        redisCli(redis.port(), {QStringLiteral("CONFIG"), QStringLiteral("SET"), QStringLiteral("maxmemory"),
                                QStringLiteral("8mb")});
        redisCli(redis.port(), {QStringLiteral("FLUSHALL")});
        for (const QString &s : services)
            QTRY_COMPARE_WITH_TIMEOUT(labtest::httpGet(stack.url(s, QStringLiteral("/healthz"))).json().object()
                                          .value(QStringLiteral("status")).toString(),
                                      QStringLiteral("ok"), 30000);
    }
};

QTEST_GUILESS_MAIN(TestHealth)
#include "tst_health.moc"
