// Unit tests of search-service's pure logic: /search parameter parsing, the
// Elasticsearch query it builds (structured, item always plain text), and the
// order-logs documents built from events and Redis hashes. No network.
#include "orderdocument.h"
#include "searchquery.h"

#include "lab/events.h"
#include "lab/orderstore.h"
#include "lab/redisreply.h"

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

lab::OrderRecord record(qint64 id, const QHash<QString, QString> &fields)
{
    lab::OrderRecord r;
    r.orderId = id;
    r.fields = fields;
    return r;
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
    void documentFoldsOutcomesByProgress();
    void documentWithoutCreationTimeIsIncomplete();
    void redisRecordWinsOverEvents();
    void batchGroupsEventsPerOrder();
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
    OrderDocument doc;
    QString error;
    QVERIFY2(doc.addEvent(QStringLiteral("order.created"),
                          createdEvent(7, QStringLiteral("mouse"), 2, QStringLiteral("2026-11-25T10:00:00.000Z")),
                          &error),
             qPrintable(error));
    QVERIFY(doc.isComplete());
    const QJsonObject o = doc.toJson();
    QCOMPARE(o.value(QStringLiteral("order_id")).toInteger(), 7);
    QCOMPARE(o.value(QStringLiteral("item")).toString(), QStringLiteral("mouse"));
    QCOMPARE(o.value(QStringLiteral("quantity")).toInteger(), 2);
    QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("created"));
    QCOMPARE(o.value(QStringLiteral("timestamp")).toString(), QStringLiteral("2026-11-25T10:00:00.000Z"));
    QCOMPARE(o.value(QStringLiteral("updated_at")).toString(), QStringLiteral("2026-11-25T10:00:00.000Z"));
    QVERIFY(!o.contains(QStringLiteral("reason")));
}

void TestSearchQuery::documentFoldsOutcomesByProgress()
{
    lab::PaymentOutcome paid;
    paid.orderId = 7;
    paid.item = QStringLiteral("mouse");
    paid.quantity = 2;
    paid.success = true;
    paid.amountCents = 500;
    paid.at = lab::parseTimestamp(QStringLiteral("2026-11-25T10:00:01.000Z"));
    lab::InventoryOutcome rejected;
    rejected.orderId = 7;
    rejected.item = QStringLiteral("mouse");
    rejected.quantity = 2;
    rejected.reserved = false;
    rejected.reason = QStringLiteral("insufficient stock");
    rejected.at = lab::parseTimestamp(QStringLiteral("2026-11-25T10:00:02.000Z"));

    OrderDocument doc;
    QString error;
    QVERIFY(doc.addEvent(QStringLiteral("inventory.rejected"), rejected.toJson(), &error));
    QVERIFY(doc.addEvent(QStringLiteral("order.created"),
                         createdEvent(7, QStringLiteral("mouse"), 2, QStringLiteral("2026-11-25T10:00:00.000Z")), &error));
    // A later-arriving success does not undo a failure.
    QVERIFY(doc.addEvent(QStringLiteral("payment.success"), paid.toJson(), &error));
    QCOMPARE(doc.status, QStringLiteral("failed"));
    QCOMPARE(doc.reason, QStringLiteral("insufficient stock"));
    QCOMPARE(lab::isoTimestamp(doc.timestamp), QStringLiteral("2026-11-25T10:00:00.000Z"));
    QCOMPARE(lab::isoTimestamp(doc.updatedAt), QStringLiteral("2026-11-25T10:00:02.000Z"));
    QCOMPARE(doc.toJson().value(QStringLiteral("reason")).toString(), QStringLiteral("insufficient stock"));
}

void TestSearchQuery::documentWithoutCreationTimeIsIncomplete()
{
    lab::PaymentOutcome paid;
    paid.orderId = 8;
    paid.item = QStringLiteral("mouse");
    paid.quantity = 1;
    paid.success = true;
    paid.at = QDateTime::currentDateTimeUtc();
    OrderDocument doc;
    QString error;
    QVERIFY(doc.addEvent(QStringLiteral("payment.success"), paid.toJson(), &error));
    QVERIFY(!doc.isComplete()); // no creation time: indexing it would invent one
    doc.applyRecord(record(8, {{QStringLiteral("created_at"), QStringLiteral("2026-11-25T09:00:00.000Z")}}));
    QVERIFY(doc.isComplete());
    QCOMPARE(doc.status, QStringLiteral("paid"));
}

void TestSearchQuery::redisRecordWinsOverEvents()
{
    OrderDocument doc;
    QString error;
    QVERIFY(doc.addEvent(QStringLiteral("order.created"),
                         createdEvent(9, QStringLiteral("mouse"), 2, QStringLiteral("2026-11-25T10:00:00.000Z")), &error));
    doc.applyRecord(record(9, {{QStringLiteral("state"), QStringLiteral("accepted")},
                               {QStringLiteral("item"), QStringLiteral("mouse")},
                               {QStringLiteral("quantity"), QStringLiteral("2")},
                               {QStringLiteral("created_at"), QStringLiteral("2026-11-25T10:00:00.000Z")},
                               {QStringLiteral("status"), QStringLiteral("confirmed")},
                               {QStringLiteral("updated_at"), QStringLiteral("2026-11-25T10:00:05.000Z")}}));
    const QJsonObject o = doc.toJson();
    QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("confirmed"));
    QCOMPARE(o.value(QStringLiteral("updated_at")).toString(), QStringLiteral("2026-11-25T10:00:05.000Z"));

    // A hash without a status (still pending) keeps what the events said.
    OrderDocument pending;
    QVERIFY(pending.addEvent(QStringLiteral("order.created"),
                             createdEvent(10, QStringLiteral("pad"), 1, QStringLiteral("2026-11-25T10:00:00.000Z")), &error));
    pending.applyRecord(record(10, {{QStringLiteral("state"), QStringLiteral("pending")}}));
    QCOMPARE(pending.toJson().value(QStringLiteral("status")).toString(), QStringLiteral("created"));
}

void TestSearchQuery::batchGroupsEventsPerOrder()
{
    OrderDocumentBatch batch;
    QString error;
    QVERIFY(batch.addEvent(QStringLiteral("order.created"),
                           createdEvent(2, QStringLiteral("b"), 1, QStringLiteral("2026-11-25T10:00:00.000Z")), &error));
    QVERIFY(batch.addEvent(QStringLiteral("order.created"),
                           createdEvent(1, QStringLiteral("a"), 1, QStringLiteral("2026-11-25T10:00:00.000Z")), &error));
    QVERIFY(batch.addEvent(QStringLiteral("order.created"),
                           createdEvent(2, QStringLiteral("b"), 1, QStringLiteral("2026-11-25T10:00:00.000Z")), &error));
    lab::PaymentOutcome paid;
    paid.orderId = 3;
    paid.item = QStringLiteral("c");
    paid.quantity = 1;
    paid.success = true;
    paid.at = QDateTime::currentDateTimeUtc();
    QVERIFY(batch.addEvent(QStringLiteral("payment.success"), paid.toJson(), &error));

    QCOMPARE(batch.orderIds(), (QList<qint64>{2, 1, 3}));
    QCOMPARE(batch.documents().size(), 2);
    QCOMPARE(batch.incomplete(), QList<qint64>{3});

    lab::RedisReply hash;
    hash.type = lab::RedisReply::Type::Array;
    for (const char *s : {"item", "c", "quantity", "1", "created_at", "2026-11-25T08:00:00.000Z", "status", "paid"}) {
        lab::RedisReply part;
        part.type = lab::RedisReply::Type::String;
        part.string = s;
        hash.array << part;
    }
    batch.applyRecords({{3, *lab::OrderRecord::fromReply(3, hash)}});
    QCOMPARE(batch.documents().size(), 3);
    QCOMPARE(batch.incomplete(), QList<qint64>{});
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
}

void TestSearchQuery::malformedEventsAreRefused()
{
    QFETCH(QString, topic);
    QFETCH(QByteArray, value);
    OrderDocumentBatch batch;
    QString error;
    QVERIFY(!batch.addEvent(topic, value, &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(batch.orderIds().isEmpty());
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
