// tst_journey: the order's journey (lab::journey): W3C traceparent parsing and making,
// timelines to and from JSON, Redis fields and Kafka headers, and the notification's
// optional trace_id/timeline (backward compatible: absent is fine, malformed is named).
#include "lab/contract/events.h"
#include "lab/contract/journey.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace lab;
using namespace lab::journey;

class TestJourney : public QObject
{
    Q_OBJECT

private slots:
    void shouldParseValidTraceparents_data();
    void shouldParseValidTraceparents();
    void shouldRefuseMalformedTraceparents_data();
    void shouldRefuseMalformedTraceparents();
    void shouldKeepTheTraceAcrossHops();
    void shouldListStampedHopsInPipelineOrder();
    void shouldRoundTripThroughRedisFieldsAndHeaders();
    void shouldSkipMalformedStoredStamps();
    void shouldRefuseMalformedTimelines_data();
    void shouldRefuseMalformedTimelines();
    void notificationShouldCarryTheJourneyOptionally();
};

void TestJourney::shouldParseValidTraceparents_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("traceId");
    QTest::addColumn<QByteArray>("spanId");
    QTest::newRow("w3c example") << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                                 << QByteArray("4bf92f3577b34da6a3ce929d0e0e4736") << QByteArray("00f067aa0ba902b7");
    QTest::newRow("not sampled") << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
                                 << QByteArray("4bf92f3577b34da6a3ce929d0e0e4736") << QByteArray("00f067aa0ba902b7");
    QTest::newRow("a later version with more fields")
        << QByteArray("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-has")
        << QByteArray("4bf92f3577b34da6a3ce929d0e0e4736") << QByteArray("00f067aa0ba902b7");
}

void TestJourney::shouldParseValidTraceparents()
{
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, traceId);
    QFETCH(QByteArray, spanId);
    const TraceContext c = TraceContext::parse(header);
    QVERIFY(c.isValid());
    QCOMPARE(c.traceId, traceId);
    QCOMPARE(c.spanId, spanId);
}

void TestJourney::shouldRefuseMalformedTraceparents_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("zero trace") << QByteArray("00-00000000000000000000000000000000-00f067aa0ba902b7-01");
    QTest::newRow("zero span") << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01");
    QTest::newRow("upper case") << QByteArray("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01");
    QTest::newRow("short trace") << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01");
    QTest::newRow("version ff") << QByteArray("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    QTest::newRow("version 00 with more") << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x");
    QTest::newRow("not hex") << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e473z-00f067aa0ba902b7-01");
}

void TestJourney::shouldRefuseMalformedTraceparents()
{
    QFETCH(QByteArray, header);
    QVERIFY(!TraceContext::parse(header).isValid());
}

void TestJourney::shouldKeepTheTraceAcrossHops()
{
    const TraceContext root = TraceContext::root();
    QVERIFY(root.isValid());
    QCOMPARE(TraceContext::parse(root.traceparent()).traceId, root.traceId);
    QVERIFY(root.traceparent().startsWith("00-") && root.traceparent().endsWith("-01"));
    const TraceContext child = root.child();
    QCOMPARE(child.traceId, root.traceId);
    QVERIFY(child.spanId != root.spanId);
    QVERIFY(TraceContext::root().traceId != root.traceId);

    // a hop continues the trace of the record it consumed, else the stored trace id
    KafkaMessage record;
    record.headers = {{TraceparentHeader, root.traceparent()}};
    QCOMPARE(TraceContext::continuing(record).traceId, root.traceId);
    const QByteArray stored("0af7651916cd43dd8448eb211c80319c");
    QCOMPARE(TraceContext::continuing(KafkaMessage(), stored).traceId, stored);
    QVERIFY(TraceContext::continuing(KafkaMessage()).isValid()); // a new root
}

void TestJourney::shouldListStampedHopsInPipelineOrder()
{
    Timeline t;
    QVERIFY(t.isEmpty());
    QCOMPARE(t.toJson().size(), 0);
    t.set(Hop::Correlated, 1000900);
    t.set(Hop::Received, 1000000);
    t.set(Hop::PaymentDecided, 1000250);
    const QJsonArray json = t.toJson();
    QCOMPARE(json.size(), 3);
    QCOMPARE(json.at(0).toObject().value("hop").toString(), QStringLiteral("received"));
    QCOMPARE(json.at(1).toObject().value("hop").toString(), QStringLiteral("payment_decided"));
    QCOMPARE(json.at(2).toObject().value("hop").toString(), QStringLiteral("correlated"));
    QCOMPARE(json.at(1).toObject().value("at_us").toInteger(), qint64(1000250));
    QCOMPARE(json.at(1).toObject().value("elapsed_ms").toDouble(), 0.25);
    QCOMPARE(json.at(2).toObject().value("elapsed_ms").toDouble(), 0.9);
    // without "received", elapsed counts from the earliest stamp
    Timeline late;
    late.set(Hop::Notified, 5000);
    late.set(Hop::StockDecided, 3000);
    QCOMPARE(late.toJson().at(1).toObject().value("elapsed_ms").toDouble(), 2.0);
}

void TestJourney::shouldRoundTripThroughRedisFieldsAndHeaders()
{
    Timeline t;
    qint64 v = 1764082276123000;
    for (Hop hop : hops())
        t.set(hop, v += 1234);
    t.setTraceId("4bf92f3577b34da6a3ce929d0e0e4736");

    QHash<QString, QString> fields;
    for (Hop hop : hops())
        fields.insert(QString::fromLatin1(redisField(hop)), QString::number(t.at(hop)));
    fields.insert(QStringLiteral("trace_id"), QStringLiteral("4bf92f3577b34da6a3ce929d0e0e4736"));
    fields.insert(QStringLiteral("status"), QStringLiteral("confirmed")); // other fields are ignored
    QCOMPARE(Timeline::fromFields(fields), t);

    const TraceContext context{t.traceId(), "00f067aa0ba902b7"};
    const KafkaHeaders headers = t.headers(context);
    QCOMPARE(headers.first().first, QByteArray("traceparent"));
    QCOMPARE(headers.first().second, context.traceparent());
    QCOMPARE(headers.size(), 1 + HopCount);
    QCOMPARE(headers.at(1).first, QByteArray("lab-hop-received"));
    QCOMPARE(Timeline::fromHeaders(headers), t);

    QString error;
    const auto parsed = Timeline::fromJson(t.toJson(), &error);
    QVERIFY2(parsed, qPrintable(error));
    Timeline withoutTrace = t;
    withoutTrace.setTraceId({});
    QCOMPARE(*parsed, withoutTrace); // the trace id travels apart ("trace_id")
}

void TestJourney::shouldSkipMalformedStoredStamps()
{
    const QHash<QString, QString> fields{{QStringLiteral("t_received"), QStringLiteral("-5")},
                                         {QStringLiteral("t_correlated"), QStringLiteral("1.5")},
                                         {QStringLiteral("t_notified"), QStringLiteral("99999999999999999999")},
                                         {QStringLiteral("t_payment_decided"), QStringLiteral("12")},
                                         {QStringLiteral("trace_id"), QStringLiteral("not a trace")}};
    const Timeline t = Timeline::fromFields(fields);
    QCOMPARE(t.toJson().size(), 1);
    QCOMPARE(t.at(Hop::PaymentDecided), qint64(12));
    QVERIFY(t.traceId().isEmpty());
}

void TestJourney::shouldRefuseMalformedTimelines_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("object") << QByteArray(R"({"received": 1})");
    QTest::newRow("entry not an object") << QByteArray(R"([1])");
    QTest::newRow("no hop") << QByteArray(R"([{"at_us": 1}])");
    QTest::newRow("at_us text") << QByteArray(R"([{"hop": "received", "at_us": "1"}])");
    QTest::newRow("at_us negative") << QByteArray(R"([{"hop": "received", "at_us": -1}])");
    QTest::newRow("at_us fraction") << QByteArray(R"([{"hop": "received", "at_us": 1.5}])");
    QTest::newRow("at_us too large") << QByteArray(R"([{"hop": "received", "at_us": 9007199254740992}])");
    QByteArray many("[");
    for (int i = 0; i <= Timeline::MaxEntries; ++i)
        many += QByteArray(i ? "," : "") + R"({"hop": "received", "at_us": 1})";
    QTest::newRow("too many entries") << many + "]";
}

void TestJourney::shouldRefuseMalformedTimelines()
{
    QFETCH(QByteArray, json);
    QString error;
    const QJsonValue value = QJsonDocument::fromJson(R"({"t": )" + json + "}").object().value("t");
    QVERIFY(!Timeline::fromJson(value, &error));
    QVERIFY(!error.isEmpty());
}

void TestJourney::notificationShouldCarryTheJourneyOptionally()
{
    const QByteArray old = R"({"event":"order.notification","order_id":42,"item":"mouse","quantity":2,)"
                           R"("status":"confirmed","created_at":"2026-11-25T14:51:16.123Z",)"
                           R"("notified_at":"2026-11-25T14:51:16.240Z","backlog":false})";
    const auto before = Notification::fromJson(old);
    QVERIFY2(before.ok(), qPrintable(before.error));
    QVERIFY(before.value->timeline.isEmpty());
    // a notification without a journey is written as before: no trace_id, no timeline
    QCOMPARE(QJsonDocument::fromJson(before.value->toJson()).object(), QJsonDocument::fromJson(old).object());

    Notification n = *before.value;
    n.timeline.set(Hop::Received, 1764082276123000);
    n.timeline.set(Hop::Correlated, 1764082276240000);
    n.timeline.setTraceId("4bf92f3577b34da6a3ce929d0e0e4736");
    const QByteArray json = n.toJson();
    QVERIFY(json.contains(R"("trace_id":"4bf92f3577b34da6a3ce929d0e0e4736")"));
    const auto again = Notification::fromJson(json);
    QVERIFY2(again.ok(), qPrintable(again.error));
    QCOMPARE(again.value->timeline, n.timeline);
    QCOMPARE(again.value->toJson(), json);

    // unknown hops are skipped (a newer producer may add some); a malformed journey is named
    const auto newer = Notification::fromJson(QByteArray(old).replace(
        "}", R"(,"timeline":[{"hop":"teleported","at_us":7},{"hop":"received","at_us":5}]})"));
    QVERIFY2(newer.ok(), qPrintable(newer.error));
    QCOMPARE(newer.value->timeline.toJson().size(), 1);
    const auto badTrace = Notification::fromJson(QByteArray(old).replace("}", R"(,"trace_id":"xyz"})"));
    QVERIFY(!badTrace.ok());
    QCOMPARE(badTrace.field, QStringLiteral("trace_id"));
    const auto badTimeline = Notification::fromJson(QByteArray(old).replace("}", R"(,"timeline":{}})"));
    QVERIFY(!badTimeline.ok());
    QCOMPARE(badTimeline.field, QStringLiteral("timeline"));
}

QTEST_APPLESS_MAIN(TestJourney)
#include "tst_journey.moc"
