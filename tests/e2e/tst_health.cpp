// tst_health: GET /healthz of payment-, inventory- and notifier-service follows their
// Redis while they run: 200 while it answers, 503 naming redis (and only redis) once it
// is gone, 200 again when it is back. The Redis is the test's own (redis-server on a
// free port, nothing persisted), so that it can be killed without disturbing the shared
// one; Kafka is the shared one of `./lab infra up`, in a namespace of the test's own.
#include "servicestack.h"
#include "testinfra.h"

#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QtTest>

using labtest::ServiceStack;

namespace {

using labtest::PrivateRedis;

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
};

QTEST_GUILESS_MAIN(TestHealth)
#include "tst_health.moc"
