// tst_livefeed: the live feed's promise, end to end against real notifier-service
// processes: a WebSocket client connected to an instance receives every notification
// published after it connected, exactly once, live or in the backlog it was sent; and
// an instance that cannot promise that yet (its fan-out has not caught up with the
// order.notification records it found at start) refuses the upgrade with a 503
// instead of accepting a client it would leave short. (The hub's own logic: backlog,
// then live, each once, is tst_notifierlogic's.)
#include "servicestack.h"
#include "testinfra.h"

#include "lab/contract/events.h"
#include "lab/contract/names.h"
#include "lab/contract/topics.h"
#include "lab/kafka/kafkaadmin.h"
#include "lab/kafka/kafkaproducer.h"

#include <QDateTime>
#include <QHash>
#include <QSignalSpy>
#include <QTimer>
#include <QWebSocket>
#include <QtTest>

#include <algorithm>

using labtest::ServiceStack;

namespace {

constexpr int kWaitMs = 30000;

QUrl wsUrl(const ServiceStack &stack, int index)
{
    QUrl url = stack.url(QStringLiteral("notifier-service"), QStringLiteral("/ws"), index);
    url.setScheme(QStringLiteral("ws"));
    return url;
}

QByteArray notificationJson(qint64 orderId)
{
    lab::Notification n;
    n.orderId = orderId;
    n.item = QStringLiteral("feedcheck");
    n.quantity = 1;
    n.createdAt = QDateTime::currentDateTimeUtc();
    n.notifiedAt = n.createdAt;
    return n.toJson();
}

} // namespace

class TestLiveFeed : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        LAB_REQUIRE_KAFKA();
        LAB_REQUIRE_REDIS();
    }

    // Kafka unreachable: the fan-out can never catch up, so the instance is not
    // healthy, says why, and answers a WebSocket upgrade with a JSON 503 (no handshake).
    void upgradeIsRefusedUntilTheFeedHasCaughtUp()
    {
        ServiceStack stack;
        stack.setEnv(QStringLiteral("KAFKA_BROKERS"), QStringLiteral("127.0.0.1:%1").arg(labtest::freePort()));
        QCOMPARE(stack.start(QStringLiteral("notifier-service"), nullptr, 3000), -1); // never healthy
        QVERIFY(stack.isRunning(QStringLiteral("notifier-service")));
        // (it listens once its start-up gave up on creating the topics: a hang bound)
        labtest::HttpResult health;
        QTRY_VERIFY_WITH_TIMEOUT((health = labtest::httpGet(stack.url(QStringLiteral("notifier-service"),
                                                                      QStringLiteral("/healthz")))).status != 0,
                                 kWaitMs);
        QCOMPARE(health.status, 503);
        QVERIFY2(health.json().object().value(QStringLiteral("checks")).toObject().value(QStringLiteral("fanout"))
                     .toString().contains(QLatin1String("recent notifications")),
                 health.body.constData());

        const quint16 port = stack.port(QStringLiteral("notifier-service"));
        const QByteArray upgrade = labtest::rawHttp(
            port, "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        QVERIFY2(upgrade.startsWith("HTTP/1.1 503"), upgrade.constData());
        QVERIFY2(upgrade.contains("\"error\""), upgrade.constData());
        QVERIFY2(!upgrade.contains("Sec-WebSocket-Accept"), upgrade.constData());

        // Qt's own client sees a failed connection, not an open one.
        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        QSignalSpy failed(&client, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error));
        client.open(wsUrl(stack, 0));
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), kWaitMs);
        QCOMPARE(connected.size(), 0);

        // A plain GET of /ws is told to upgrade.
        const auto plain = labtest::httpGet(stack.url(QStringLiteral("notifier-service"), QStringLiteral("/ws")));
        QCOMPARE(plain.status, 426);
    }

    // Notifications flow the whole time (published straight to order.notification);
    // fresh instances start one after another and a client connects to each the moment
    // it is healthy. Each client must get every notification Kafka acknowledged after
    // it connected, exactly once (live, or in the backlog: either counts).
    void clientOfAFreshInstanceGetsEveryLaterNotificationOnce()
    {
        ServiceStack stack;
        const lab::Names names(stack.ns());
        const QString brokers = labtest::kafkaBrokers();
        const lab::KafkaError topics = lab::kafkaadmin::ensureContractTopics(brokers, names);
        QVERIFY2(topics.isOk(), qPrintable(topics.toString()));
        const QString topic = names.topic(lab::topics::OrderNotification);

        QList<qint64> acked; // order ids in the order Kafka acknowledged them
        int failed = 0;
        qint64 nextId = 1;
        lab::KafkaProducer producer(brokers);
        QVERIFY2(producer.isValid(), qPrintable(producer.creationError().toString()));
        QTimer stream;
        stream.setInterval(2);
        connect(&stream, &QTimer::timeout, this, [&] {
            const qint64 id = nextId++;
            producer.produce(topic, QByteArray::number(id), notificationJson(id),
                             [&acked, &failed, id](const lab::KafkaError &e, qint32, qint64) {
                                 if (e)
                                     ++failed;
                                 else
                                     acked.append(id);
                             });
        });
        stream.start();

        for (int round = 0; round < 4; ++round) {
            QString error;
            const int index = stack.start(QStringLiteral("notifier-service"), &error);
            QVERIFY2(index >= 0, qPrintable(error));
            QWebSocket client;
            QHash<qint64, int> received;
            connect(&client, &QWebSocket::textMessageReceived, this, [&received](const QString &text) {
                const auto n = lab::Notification::fromJson(text.toUtf8());
                if (n.ok())
                    ++received[n.value->orderId];
            });
            qsizetype ackedBefore = -1;
            connect(&client, &QWebSocket::connected, this, [&] { ackedBefore = acked.size(); });
            client.open(wsUrl(stack, index));
            QTRY_VERIFY_WITH_TIMEOUT(ackedBefore >= 0, kWaitMs);
            QTRY_VERIFY_WITH_TIMEOUT(acked.size() > ackedBefore + 300, kWaitMs); // flow after it connected
            const QList<qint64> expected = acked.mid(ackedBefore);
            QTRY_VERIFY_WITH_TIMEOUT(std::all_of(expected.cbegin(), expected.cend(),
                                                 [&](qint64 id) { return received.value(id) > 0; }),
                                     kWaitMs);
            QTest::qWait(500); // a duplicate would follow its first copy closely
            QList<qint64> twice;
            for (auto it = received.cbegin(); it != received.cend(); ++it)
                if (it.value() > 1)
                    twice.append(it.key());
            QVERIFY2(twice.isEmpty(), qPrintable(QStringLiteral("received more than once: %1 orders").arg(twice.size())));
            QCOMPARE(client.state(), QAbstractSocket::ConnectedState);
            client.close();
            stack.terminate(QStringLiteral("notifier-service"), index);
        }
        stream.stop();
        producer.flush(kWaitMs);
        QCOMPARE(failed, 0);
    }
};

QTEST_MAIN(TestLiveFeed)
#include "tst_livefeed.moc"
