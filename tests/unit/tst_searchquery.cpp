// Unit tests of search-service's pure logic: /search parameter parsing, the
// Elasticsearch query it builds (structured, item always plain text), and the
// order-logs documents built from order.created and order.notification events,
// coalesced per order within a batch. No network.
#include "orderdocument.h"
#include "searchquery.h"

#include "lab/events.h"
#include "lab/orderstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

namespace {

QByteArray createdEvent(qint64 id, const QString &item, qint64 quantity, const QString &createdAt)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("event"), QStringLiteral("order.created")},
                                     {QStringLiteral("order_id"), id},
                                     {QStringLiteral("item"), item},
                                     {QStringLiteral("quantity"), quantity},
                                     {QStringLiteral("created_at"), createdAt}})
        .toJson(QJsonDocument::Compact);
}

QByteArray notification(qint64 id, const QString &item, qint64 quantity, const QString &createdAt,
                        const QString &notifiedAt, const QString &failure = {})
{
    lab::Notification n;
    n.orderId = id;
    n.item = item;
    n.quantity = quantity;
    n.status = failure.isEmpty() ? lab::Notification::Status::Confirmed : lab::Notification::Status::Failed;
    n.reason = failure;
    n.createdAt = lab::parseTimestamp(createdAt);
    n.notifiedAt = lab::parseTimestamp(notifiedAt);
    return n.toJson();
}

QList<qint64> ids(const QList<OrderDocument> &docs)
{
    QList<qint64> out;
    for (const OrderDocument &d : docs)
        out << d.orderId;
    return out;
}

} // namespace

class TestSearchQuery : public QObject
{
    Q_OBJECT

private slots:
    void parsesParameters_data();
    void parsesParameters();
    void rejectsBadParameters_data();
    void rejectsBadParameters();
    void buildsMatchQueryForItem();
    void buildsMatchAllWithoutItem();
    void keepsHostileItemAsOneString_data();
    void keepsHostileItemAsOneString();

    void documentFromCreatedEvent();
    void documentFromNotification();
    void notificationSupersedesCreatedInABatch();
    void createdOnlyOrdersWaitForAdmission();
    void voidedAttemptLeavesTheOtherAttempt();
    void malformedEventsAreRefused_data();
    void malformedEventsAreRefused();
    void indexDefinitionMapsTimestampAsDate();
};

void TestSearchQuery::parsesParameters_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QString>("item");
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("from");
    QTest::newRow("nothing") << QByteArray() << QString() << 100 << 0;
    QTest::newRow("item") << QByteArray("item=mouse") << QStringLiteral("mouse") << 100 << 0;
    QTest::newRow("plus is space") << QByteArray("item=wireless+mouse") << QStringLiteral("wireless mouse") << 100 << 0;
    QTest::newRow("encoded plus") << QByteArray("item=c%2B%2B") << QStringLiteral("c++") << 100 << 0;
    QTest::newRow("percent space") << QByteArray("item=wireless%20mouse") << QStringLiteral("wireless mouse") << 100 << 0;
    QTest::newRow("utf-8") << QByteArray("item=chu%E1%BB%99t") << QStringLiteral("chuột") << 100 << 0;
    QTest::newRow("trimmed") << QByteArray("item=%20mouse%20") << QStringLiteral("mouse") << 100 << 0;
    QTest::newRow("empty item") << QByteArray("item=") << QString() << 100 << 0;
    QTest::newRow("paging") << QByteArray("item=mouse&size=10&from=20") << QStringLiteral("mouse") << 10 << 20;
    QTest::newRow("size zero") << QByteArray("size=0") << QString() << 0 << 0;
    QTest::newRow("whole window") << QByteArray("size=10000") << QString() << 10000 << 0;
    QTest::newRow("window edge") << QByteArray("size=10&from=9990") << QString() << 10 << 9990;
    QTest::newRow("empty size is default") << QByteArray("size=&from=") << QString() << 100 << 0;
    QTest::newRow("first of repeated") << QByteArray("item=a&item=b") << QStringLiteral("a") << 100 << 0;
    QTest::newRow("unknown ignored") << QByteArray("q=x&item=mouse&sort=asc") << QStringLiteral("mouse") << 100 << 0;
    QTest::newRow("ampersand encoded") << QByteArray("item=a%26size%3D1") << QStringLiteral("a&size=1") << 100 << 0;
}

void TestSearchQuery::parsesParameters()
{
    QFETCH(QByteArray, query);
    QFETCH(QString, item);
    QFETCH(int, size);
    QFETCH(int, from);
    const auto parsed = SearchQuery::fromUrlQuery(query);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QCOMPARE(parsed.value->item, item);
    QCOMPARE(parsed.value->size, size);
    QCOMPARE(parsed.value->from, from);
}

void TestSearchQuery::rejectsBadParameters_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QString>("field");
    QTest::newRow("size 10001") << QByteArray("size=10001") << QStringLiteral("size");
    QTest::newRow("size negative") << QByteArray("size=-1") << QStringLiteral("size");
    QTest::newRow("size plus sign") << QByteArray("size=%2B5") << QStringLiteral("size");
    QTest::newRow("size letters") << QByteArray("size=abc") << QStringLiteral("size");
    QTest::newRow("size fraction") << QByteArray("size=2.5") << QStringLiteral("size");
    QTest::newRow("size exponent") << QByteArray("size=1e3") << QStringLiteral("size");
    QTest::newRow("size overflow") << QByteArray("size=99999999999999999999") << QStringLiteral("size");
    QTest::newRow("from negative") << QByteArray("from=-1") << QStringLiteral("from");
    QTest::newRow("from letters") << QByteArray("from=x") << QStringLiteral("from");
    QTest::newRow("window exceeded") << QByteArray("from=9991&size=10") << QStringLiteral("from");
    QTest::newRow("default size exceeds window") << QByteArray("from=9901") << QStringLiteral("from");
    QTest::newRow("item too long") << QByteArray("item=" + QByteArray(1001, 'x')) << QStringLiteral("item");
}

void TestSearchQuery::rejectsBadParameters()
{
    QFETCH(QByteArray, query);
    QFETCH(QString, field);
    const auto parsed = SearchQuery::fromUrlQuery(query);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.field, field);
    QVERIFY(!parsed.error.isEmpty());
}

void TestSearchQuery::buildsMatchQueryForItem()
{
    SearchQuery q;
    q.item = QStringLiteral("gaming mouse");
    q.size = 5;
    q.from = 10;
    const QJsonObject es = q.toElastic();
    const QJsonObject match = es.value(QStringLiteral("query")).toObject().value(QStringLiteral("match")).toObject()
                                  .value(QStringLiteral("item")).toObject();
    QCOMPARE(match.value(QStringLiteral("query")).toString(), QStringLiteral("gaming mouse"));
    QCOMPARE(match.value(QStringLiteral("operator")).toString(), QStringLiteral("and"));
    QCOMPARE(es.value(QStringLiteral("size")).toInt(), 5);
    QCOMPARE(es.value(QStringLiteral("from")).toInt(), 10);
    const QJsonArray sort = es.value(QStringLiteral("sort")).toArray();
    QVERIFY(!sort.isEmpty());
    QCOMPARE(sort.first().toObject().value(QStringLiteral("timestamp")).toObject().value(QStringLiteral("order")).toString(),
             QStringLiteral("desc"));
}

void TestSearchQuery::buildsMatchAllWithoutItem()
{
    const QJsonObject es = SearchQuery().toElastic();
    QCOMPARE(es.value(QStringLiteral("query")).toObject(),
             (QJsonObject{{QStringLiteral("match_all"), QJsonObject()}}));
    QCOMPARE(es.value(QStringLiteral("size")).toInt(), SearchQuery::DefaultSize);
}

void TestSearchQuery::keepsHostileItemAsOneString_data()
{
    QTest::addColumn<QString>("item");
    QTest::newRow("json injection") << QStringLiteral("\"}},\"query\":{\"match_all\":{}}}");
    QTest::newRow("lucene") << QStringLiteral("item:foo OR 1");
    QTest::newRow("wildcard") << QStringLiteral("*");
    QTest::newRow("backslashes") << QStringLiteral("\\\\\"\\");
}

void TestSearchQuery::keepsHostileItemAsOneString()
{
    QFETCH(QString, item);
    const auto parsed = SearchQuery::fromUrlQuery("item=" + QUrl::toPercentEncoding(item));
    QVERIFY(parsed.ok());
    QCOMPARE(parsed.value->item, item.trimmed());
    const QJsonObject es = parsed.value->toElastic();
    // Exactly the structure we built, with the text in one string value.
    QCOMPARE(es.keys(), (QStringList{QStringLiteral("from"), QStringLiteral("query"), QStringLiteral("size"),
                                     QStringLiteral("sort"), QStringLiteral("track_total_hits")}));
    const QJsonObject query = es.value(QStringLiteral("query")).toObject();
    QCOMPARE(query.keys(), QStringList{QStringLiteral("match")});
    QCOMPARE(query.value(QStringLiteral("match")).toObject().value(QStringLiteral("item")).toObject()
                 .value(QStringLiteral("query")).toString(),
             item.trimmed());
    // Survives a serialisation round trip unchanged (what goes over the wire).
    QCOMPARE(QJsonDocument::fromJson(QJsonDocument(es).toJson()).object(), es);
}

void TestSearchQuery::documentFromCreatedEvent()
{
    QString error;
    const auto doc = OrderDocument::fromEvent(
        QStringLiteral("order.created"),
        createdEvent(7, QStringLiteral("mouse"), 2, QStringLiteral("2026-11-25T10:00:00.000Z")), &error);
    QVERIFY2(doc, qPrintable(error));
    QVERIFY(!doc->decided);
    const QJsonObject o = doc->toJson();
    QCOMPARE(o.value(QStringLiteral("order_id")).toInteger(), 7);
    QCOMPARE(o.value(QStringLiteral("item")).toString(), QStringLiteral("mouse"));
    QCOMPARE(o.value(QStringLiteral("quantity")).toInteger(), 2);
    QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("created"));
    QCOMPARE(o.value(QStringLiteral("timestamp")).toString(), QStringLiteral("2026-11-25T10:00:00.000Z"));
    QCOMPARE(o.value(QStringLiteral("updated_at")).toString(), QStringLiteral("2026-11-25T10:00:00.000Z"));
    QVERIFY(!o.contains(QStringLiteral("reason")));
}

void TestSearchQuery::documentFromNotification()
{
    QString error;
    const auto failed = OrderDocument::fromEvent(
        QStringLiteral("order.notification"),
        notification(8, QStringLiteral("tv"), 3, QStringLiteral("2026-11-25T10:00:00.000Z"),
                     QStringLiteral("2026-11-25T10:00:00.250Z"), QStringLiteral("insufficient stock")),
        &error);
    QVERIFY2(failed, qPrintable(error));
    QVERIFY(failed->decided);
    const QJsonObject o = failed->toJson();
    QCOMPARE(o.value(QStringLiteral("order_id")).toInteger(), 8);
    QCOMPARE(o.value(QStringLiteral("item")).toString(), QStringLiteral("tv"));
    QCOMPARE(o.value(QStringLiteral("quantity")).toInteger(), 3);
    QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(o.value(QStringLiteral("reason")).toString(), QStringLiteral("insufficient stock"));
    QCOMPARE(o.value(QStringLiteral("timestamp")).toString(), QStringLiteral("2026-11-25T10:00:00.000Z"));
    QCOMPARE(o.value(QStringLiteral("updated_at")).toString(), QStringLiteral("2026-11-25T10:00:00.250Z"));

    const auto confirmed = OrderDocument::fromEvent(
        QStringLiteral("order.notification"),
        notification(9, QStringLiteral("tv"), 1, QStringLiteral("2026-11-25T10:00:00.000Z"),
                     QStringLiteral("2026-11-25T10:00:01.000Z")),
        &error);
    QVERIFY2(confirmed, qPrintable(error));
    QCOMPARE(confirmed->toJson().value(QStringLiteral("status")).toString(), QStringLiteral("confirmed"));
    QVERIFY(!confirmed->toJson().contains(QStringLiteral("reason")));
}

void TestSearchQuery::notificationSupersedesCreatedInABatch()
{
    // Either order of arrival (two topics, two partitions): the decided document wins,
    // and no order.created record of the batch needs lab_admit.
    const QByteArray created = createdEvent(5, QStringLiteral("pad"), 1, QStringLiteral("2026-11-25T10:00:00.000Z"));
    const QByteArray decided = notification(5, QStringLiteral("pad"), 1, QStringLiteral("2026-11-25T10:00:00.000Z"),
                                            QStringLiteral("2026-11-25T10:00:00.100Z"));
    for (const bool createdFirst : {true, false}) {
        OrderDocumentBatch batch;
        QString error;
        QVERIFY(batch.addEvent(QString::fromLatin1(createdFirst ? "order.created" : "order.notification"),
                               createdFirst ? created : decided, &error));
        QVERIFY(batch.addEvent(QString::fromLatin1(createdFirst ? "order.notification" : "order.created"),
                               createdFirst ? decided : created, &error));
        QVERIFY(batch.addEvent(QStringLiteral("order.created"), created, &error)); // a redelivery
        QVERIFY(batch.toAdmit().isEmpty());
        const QList<OrderDocument> docs = batch.documents();
        QCOMPARE(docs.size(), 1);
        QVERIFY(docs.first().decided);
        QCOMPARE(docs.first().status, QStringLiteral("confirmed"));
        QCOMPARE(lab::isoTimestamp(docs.first().updatedAt), QStringLiteral("2026-11-25T10:00:00.100Z"));
    }
}

void TestSearchQuery::createdOnlyOrdersWaitForAdmission()
{
    OrderDocumentBatch batch;
    QString error;
    const QString t0 = QStringLiteral("2026-11-25T10:00:00.000Z");
    QVERIFY(batch.addEvent(QStringLiteral("order.created"), createdEvent(2, QStringLiteral("b"), 1, t0), &error));
    QVERIFY(batch.addEvent(QStringLiteral("order.created"), createdEvent(1, QStringLiteral("a"), 1, t0), &error));
    QVERIFY(batch.addEvent(QStringLiteral("order.created"), createdEvent(2, QStringLiteral("b"), 1, t0), &error));
    QVERIFY(batch.addEvent(QStringLiteral("order.notification"),
                           notification(3, QStringLiteral("c"), 1, t0, QStringLiteral("2026-11-25T10:00:01.000Z")),
                           &error));

    // One admission per attempt (the replay of order 2 is the same attempt), first seen first.
    const QList<lab::OrderStore::Admission> toAdmit = batch.toAdmit();
    QCOMPARE(toAdmit.size(), 2);
    QCOMPARE(toAdmit.at(0).orderId, 2);
    QCOMPARE(toAdmit.at(1).orderId, 1);
    QCOMPARE(lab::isoTimestamp(toAdmit.at(0).createdAt), t0);
    QCOMPARE(ids(batch.documents()), (QList<qint64>{2, 1, 3}));

    batch.dropVoided(toAdmit.at(0));
    const QList<OrderDocument> docs = batch.documents();
    QCOMPARE(ids(docs), (QList<qint64>{1, 3}));
    QVERIFY(!docs.at(0).decided);
    QVERIFY(docs.at(1).decided);
}

void TestSearchQuery::voidedAttemptLeavesTheOtherAttempt()
{
    // The record of a voided attempt and the client's retry (a new created_at) in one
    // batch: both are checked; whichever lab_admit refuses is not indexed.
    const QString first = QStringLiteral("2026-11-25T10:00:00.000Z");
    const QString retry = QStringLiteral("2026-11-25T10:00:03.000Z");
    for (const bool firstVoided : {true, false}) {
        OrderDocumentBatch batch;
        QString error;
        QVERIFY(batch.addEvent(QStringLiteral("order.created"), createdEvent(4, QStringLiteral("fan"), 1, first), &error));
        QVERIFY(batch.addEvent(QStringLiteral("order.created"), createdEvent(4, QStringLiteral("heater"), 2, retry), &error));
        const QList<lab::OrderStore::Admission> toAdmit = batch.toAdmit();
        QCOMPARE(toAdmit.size(), 2);
        batch.dropVoided(toAdmit.at(firstVoided ? 0 : 1));
        const QList<OrderDocument> docs = batch.documents();
        QCOMPARE(docs.size(), 1);
        QCOMPARE(docs.first().item, QString::fromLatin1(firstVoided ? "heater" : "fan"));
        QCOMPARE(lab::isoTimestamp(docs.first().timestamp), firstVoided ? retry : first);
    }
    // Both refused: no document at all.
    OrderDocumentBatch none;
    QString error;
    QVERIFY(none.addEvent(QStringLiteral("order.created"), createdEvent(6, QStringLiteral("fan"), 1, first), &error));
    for (const lab::OrderStore::Admission &a : none.toAdmit())
        none.dropVoided(a);
    QVERIFY(none.documents().isEmpty());
}

void TestSearchQuery::malformedEventsAreRefused_data()
{
    QTest::addColumn<QString>("topic");
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("not json") << QStringLiteral("order.created") << QByteArray("{oops");
    QTest::newRow("wrong event name") << QStringLiteral("order.created")
                                      << QByteArray(R"({"event":"payment.success","order_id":1,"item":"a","quantity":1,"created_at":"2026-11-25T10:00:00.000Z"})");
    QTest::newRow("missing created_at") << QStringLiteral("order.created")
                                        << QByteArray(R"({"event":"order.created","order_id":1,"item":"a","quantity":1})");
    QTest::newRow("unknown topic") << QStringLiteral("order.deleted") << createdEvent(1, QStringLiteral("a"), 1, QStringLiteral("2026-11-25T10:00:00.000Z"));
    QTest::newRow("payment topic (not indexed)") << QStringLiteral("payment.success")
                                                  << QByteArray(R"({"event":"payment.success","order_id":1,"item":"a","quantity":1,"amount_cents":1,"at":"2026-11-25T10:00:00.000Z"})");
    QTest::newRow("notification of an intermediate status") << QStringLiteral("order.notification")
                                                             << QByteArray(R"({"event":"order.notification","order_id":1,"item":"a","quantity":1,"status":"paid","created_at":"2026-11-25T10:00:00.000Z","notified_at":"2026-11-25T10:00:00.000Z"})");
    QTest::newRow("notification without created_at") << QStringLiteral("order.notification")
                                                      << QByteArray(R"({"event":"order.notification","order_id":1,"item":"a","quantity":1,"status":"confirmed","notified_at":"2026-11-25T10:00:00.000Z"})");
}

void TestSearchQuery::malformedEventsAreRefused()
{
    QFETCH(QString, topic);
    QFETCH(QByteArray, value);
    OrderDocumentBatch batch;
    QString error;
    QVERIFY(!batch.addEvent(topic, value, &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(batch.documents().isEmpty());
    QVERIFY(batch.toAdmit().isEmpty());
}

void TestSearchQuery::indexDefinitionMapsTimestampAsDate()
{
    const QJsonObject properties = OrderDocument::indexDefinition().value(QStringLiteral("mappings")).toObject()
                                       .value(QStringLiteral("properties")).toObject();
    const auto typeOf = [&](const char *field) {
        return properties.value(QLatin1String(field)).toObject().value(QStringLiteral("type")).toString();
    };
    QCOMPARE(typeOf("timestamp"), QStringLiteral("date"));
    QCOMPARE(typeOf("updated_at"), QStringLiteral("date"));
    QCOMPARE(typeOf("order_id"), QStringLiteral("long"));
    QCOMPARE(typeOf("quantity"), QStringLiteral("long"));
    QCOMPARE(typeOf("status"), QStringLiteral("keyword"));
    QCOMPARE(typeOf("reason"), QStringLiteral("text"));
    QCOMPARE(typeOf("item"), QStringLiteral("text"));
    QCOMPARE(properties.value(QStringLiteral("item")).toObject().value(QStringLiteral("fields")).toObject()
                 .value(QStringLiteral("keyword")).toObject().value(QStringLiteral("type")).toString(),
             QStringLiteral("keyword"));
}

QTEST_GUILESS_MAIN(TestSearchQuery)
#include "tst_searchquery.moc"
