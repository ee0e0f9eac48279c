// tst_kafkainspector: the views lab::KafkaInspector serves from a round of Kafka answers
// (no Kafka here: snapshots are built by hand): lag per partition, topic and group,
// partitions without a commit, unknown offsets, the broadcast readers' note, the
// watermarks view, and a tail's records.
#include "lab/kafka/kafkainspector.h"
#include "lab/runtime/metrics.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

using lab::KafkaInspector;
namespace ka = lab::kafkaadmin;

class TestKafkaInspector : public QObject
{
    Q_OBJECT

private slots:
    void shouldComputeLagPerPartitionTopicAndGroup();
    void shouldCountAPartitionWithoutCommitFromItsStart();
    void shouldSayWhyBroadcastReadersAreMissing();
    void shouldListTopicsWithWatermarks();
    void shouldShowTailRecordsWithHeaders();
    void shouldKnowTheNamespacesGroups();
    void replacedGaugesShouldDropVanishedSeries();

private:
    static KafkaInspector::Snapshot snapshot()
    {
        KafkaInspector::Snapshot s;
        s.collectedAt = QDateTime::fromMSecsSinceEpoch(1795618276123, Qt::UTC);
        s.topics = {{QStringLiteral("order.created"), {{0, 5, 100, 1}, {1, 0, 40, 1}, {2, -1, -1, 1}}}};
        s.groups = {{QStringLiteral("payment-service"), QStringLiteral("Stable"), 1,
                     {{QStringLiteral("order.created"), 0, 90}, {QStringLiteral("order.created"), 1, 40}}}};
        return s;
    }
    static QJsonObject partition(const QJsonObject &lag, int group, int topic, int p)
    {
        return lag.value("groups").toArray().at(group).toObject().value("topics").toArray().at(topic).toObject()
            .value("partitions").toArray().at(p).toObject();
    }
};

void TestKafkaInspector::shouldComputeLagPerPartitionTopicAndGroup()
{
    const QJsonObject lag = KafkaInspector::lagJson(snapshot(), 5000, QStringLiteral("order.notification"));
    QCOMPARE(lag.value("collected_at").toString(), QStringLiteral("2026-11-25T14:51:16.123Z"));
    QCOMPARE(lag.value("interval_ms").toInt(), 5000);
    QVERIFY(lag.value("error").isNull());
    const QJsonObject g = lag.value("groups").toArray().at(0).toObject();
    QCOMPARE(g.value("group").toString(), QStringLiteral("payment-service"));
    QCOMPARE(g.value("state").toString(), QStringLiteral("Stable"));
    QCOMPARE(g.value("members").toInt(), 1);
    QCOMPARE(g.value("lag").toInteger(), qint64(10));
    QCOMPARE(g.value("topics").toArray().at(0).toObject().value("lag").toInteger(), qint64(10));
    QCOMPARE(partition(lag, 0, 0, 0).value("committed").toInteger(), qint64(90));
    QCOMPARE(partition(lag, 0, 0, 0).value("end").toInteger(), qint64(100));
    QCOMPARE(partition(lag, 0, 0, 0).value("lag").toInteger(), qint64(10));
    QCOMPARE(partition(lag, 0, 0, 1).value("lag").toInteger(), qint64(0));
    // a partition whose offsets Kafka did not give: unknown, not zero
    QVERIFY(partition(lag, 0, 0, 2).value("end").isNull());
    QVERIFY(partition(lag, 0, 0, 2).value("lag").isNull());
}

void TestKafkaInspector::shouldCountAPartitionWithoutCommitFromItsStart()
{
    KafkaInspector::Snapshot s = snapshot();
    s.groups.first().committed.removeLast(); // nothing committed on partition 1 (0..40)
    const QJsonObject lag = KafkaInspector::lagJson(s, 5000, QStringLiteral("order.notification"));
    QVERIFY(partition(lag, 0, 0, 1).value("committed").isNull());
    QCOMPARE(partition(lag, 0, 0, 1).value("lag").toInteger(), qint64(40)); // read from the start (earliest)
    QCOMPARE(lag.value("groups").toArray().at(0).toObject().value("lag").toInteger(), qint64(50));
}

void TestKafkaInspector::shouldSayWhyBroadcastReadersAreMissing()
{
    KafkaInspector::Snapshot s = snapshot();
    s.error = QStringLiteral("Kafka did not answer");
    const QJsonObject lag = KafkaInspector::lagJson(s, 5000, QStringLiteral("t1.order.notification"));
    QCOMPARE(lag.value("error").toString(), QStringLiteral("Kafka did not answer"));
    const QJsonObject note = lag.value("broadcast_readers").toObject();
    QCOMPARE(note.value("topic").toString(), QStringLiteral("t1.order.notification"));
    QVERIFY(note.value("note").toString().contains(QStringLiteral("outside any consumer group")));
}

void TestKafkaInspector::shouldListTopicsWithWatermarks()
{
    const QJsonObject topics = KafkaInspector::topicsJson(snapshot(), 5000);
    const QJsonObject t = topics.value("topics").toArray().at(0).toObject();
    QCOMPARE(t.value("topic").toString(), QStringLiteral("order.created"));
    QCOMPARE(t.value("records").toInteger(), qint64(95 + 40));
    const QJsonObject p0 = t.value("partitions").toArray().at(0).toObject();
    QCOMPARE(p0.value("start").toInteger(), qint64(5));
    QCOMPARE(p0.value("end").toInteger(), qint64(100));
    QCOMPARE(p0.value("records").toInteger(), qint64(95));
    QCOMPARE(p0.value("leader").toInt(), 1);
    QVERIFY(t.value("partitions").toArray().at(2).toObject().value("records").isNull());
}

void TestKafkaInspector::shouldShowTailRecordsWithHeaders()
{
    lab::KafkaMessage json;
    json.partition = 3;
    json.offset = 41;
    json.key = "42";
    json.value = R"({"event":"order.created","order_id":42})";
    json.timestampMs = 1795618276123;
    json.headers = {{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}};
    lab::KafkaMessage text = json;
    text.value = "not json";
    text.headers.clear();
    lab::KafkaMessage big = json;
    big.value = QByteArray(5000, 'x');
    const QJsonObject tail = KafkaInspector::tailJson(QStringLiteral("order.created"), {json, text, big});
    const QJsonArray records = tail.value("records").toArray();
    QCOMPARE(records.size(), 3);
    const QJsonObject r0 = records.at(0).toObject();
    QCOMPARE(r0.value("partition").toInt(), 3);
    QCOMPARE(r0.value("offset").toInteger(), qint64(41));
    QCOMPARE(r0.value("key").toString(), QStringLiteral("42"));
    QCOMPARE(r0.value("timestamp").toString(), QStringLiteral("2026-11-25T14:51:16.123Z"));
    QCOMPARE(r0.value("value").toObject().value("order_id").toInt(), 42);
    QCOMPARE(r0.value("headers").toObject().value("traceparent").toString().left(3), QStringLiteral("00-"));
    QCOMPARE(records.at(1).toObject().value("value").toString(), QStringLiteral("not json"));
    QCOMPARE(records.at(2).toObject().value("value").toString().size(), 4096);
    QVERIFY(records.at(2).toObject().value("value_truncated").toBool());
}

void TestKafkaInspector::shouldKnowTheNamespacesGroups()
{
    QVERIFY(ka::isNamespaceGroup(lab::Names(), QStringLiteral("payment-service")));
    QVERIFY(!ka::isNamespaceGroup(lab::Names(), QStringLiteral("t1.payment-service")));
    QVERIFY(ka::isNamespaceGroup(lab::Names(QStringLiteral("t1")), QStringLiteral("t1.payment-service")));
    QVERIFY(!ka::isNamespaceGroup(lab::Names(QStringLiteral("t1")), QStringLiteral("payment-service")));
    QVERIFY(!ka::isNamespaceGroup(lab::Names(QStringLiteral("t1")), QStringLiteral("t12.payment-service")));
    QVERIFY(!ka::isNamespaceGroup(lab::Names(QStringLiteral("t1")), QStringLiteral("t1.x.payment-service")));
}

void TestKafkaInspector::replacedGaugesShouldDropVanishedSeries()
{
    auto &m = lab::Metrics::instance();
    m.reset();
    m.replaceGauges(QStringLiteral("lab_test_lag"), QStringLiteral("help"),
                    {{QStringLiteral("group=\"a\""), 3}, {QStringLiteral("group=\"b\""), 4}});
    m.replaceGauges(QStringLiteral("lab_test_lag"), QStringLiteral("help"), {{QStringLiteral("group=\"b\""), 5}});
    const QByteArray text = m.render();
    QVERIFY(!text.contains("group=\"a\""));
    QVERIFY(text.contains("lab_test_lag{group=\"b\"} 5"));
    QCOMPARE(m.value(QStringLiteral("lab_test_lag"), QStringLiteral("group=\"b\"")), 5.0);
    m.reset();
}

QTEST_APPLESS_MAIN(TestKafkaInspector)
#include "tst_kafkainspector.moc"
