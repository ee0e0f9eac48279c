// Unit tests of search-service's pure logic: /search parameter parsing, the
// Elasticsearch query it builds (structured, item always plain text), and the
// order-logs documents built from order.created and order.notification events,
// coalesced per order within a batch. No network.
#include "orderdocument.h"
#include "searchquery.h"

#include "lab/contract/events.h"
#include "lab/store/orderstore.h"

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
    void parsesFilters();
    void rejectsBadFilters_data();
    void rejectsBadFilters();
    void buildsFilterQuery();
    void statsDefaultsToTheLastHourByMinute();
    void statsRejectsBadParameters_data();
    void statsRejectsBadParameters();
    void statsQueryIsADateHistogramByStatus();
    void statsAnswerCountsEveryBucket();
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

void TestSearchQuery::parsesFilters()
{
    const auto parsed = SearchQuery::fromUrlQuery(
        "item=mouse&status=failed&from_time=2026-11-25T14%3A00%3A00%2B02%3A00&to_time=1795618276123&from=5");
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QCOMPARE(parsed.value->status, QStringLiteral("failed"));
    QCOMPARE(lab::isoTimestamp(parsed.value->fromTime), QStringLiteral("2026-11-25T12:00:00.000Z"));
    QCOMPARE(parsed.value->toTime.toMSecsSinceEpoch(), qint64(1795618276123));
    QCOMPARE(parsed.value->from, 5); // paging keeps its name
}

void TestSearchQuery::rejectsBadFilters_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QString>("field");
    QTest::newRow("status unknown") << QByteArray("status=paid") << QStringLiteral("status");
    QTest::newRow("status case") << QByteArray("status=Confirmed") << QStringLiteral("status");
    QTest::newRow("from_time without zone") << QByteArray("from_time=2026-11-25T14:00:00") << QStringLiteral("from_time");
    QTest::newRow("from_time text") << QByteArray("from_time=today") << QStringLiteral("from_time");
    QTest::newRow("to_time before 1970") << QByteArray("to_time=1969-12-31T23:00:00Z") << QStringLiteral("to_time");
    QTest::newRow("to_time huge epoch") << QByteArray("to_time=9999999999999999") << QStringLiteral("to_time");
    QTest::newRow("empty range") << QByteArray("from_time=1000&to_time=1000") << QStringLiteral("to_time");
}

void TestSearchQuery::rejectsBadFilters()
{
    QFETCH(QByteArray, query);
    QFETCH(QString, field);
    const auto parsed = SearchQuery::fromUrlQuery(query);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.field, field);
}

void TestSearchQuery::buildsFilterQuery()
{
    SearchQuery q;
    q.item = QStringLiteral("mouse");
    q.status = QStringLiteral("confirmed");
    q.fromTime = QDateTime::fromMSecsSinceEpoch(1000, Qt::UTC);
    const QJsonObject boolean = q.toElastic().value("query").toObject().value("bool").toObject();
    QCOMPARE(boolean.value("must").toArray().first().toObject().value("match").toObject().value("item").toObject()
                 .value("query").toString(), QStringLiteral("mouse"));
    const QJsonArray filter = boolean.value("filter").toArray();
    QCOMPARE(filter.size(), 2);
    QCOMPARE(filter.at(0).toObject().value("term").toObject().value("status").toString(), QStringLiteral("confirmed"));
    const QJsonObject range = filter.at(1).toObject().value("range").toObject().value("timestamp").toObject();
    QCOMPARE(range.value("gte").toString(), QStringLiteral("1970-01-01T00:00:01.000Z"));
    QVERIFY(!range.contains("lt"));
}

void TestSearchQuery::statsDefaultsToTheLastHourByMinute()
{
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(1764082276123, Qt::UTC);
    const auto parsed = StatsQuery::fromUrlQuery("", now);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QCOMPARE(parsed.value->interval, QStringLiteral("1m"));
    QCOMPARE(parsed.value->intervalMs, qint64(60000));
    QCOMPARE(parsed.value->filter.toTime, now);
    QCOMPARE(parsed.value->filter.fromTime, now.addSecs(-3600));
    QCOMPARE(StatsQuery::parseInterval("30s"), qint64(30000));
    QCOMPARE(StatsQuery::parseInterval("2h"), qint64(7200000));
    QCOMPARE(StatsQuery::parseInterval("1d"), qint64(86400000));
    // the largest request: exactly MaxBuckets buckets
    QVERIFY(StatsQuery::fromUrlQuery("interval=1m&from=0&to=60000000", now).ok());
}

void TestSearchQuery::statsRejectsBadParameters_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QString>("field");
    QTest::newRow("interval no unit") << QByteArray("interval=10") << QStringLiteral("interval");
    QTest::newRow("interval unit") << QByteArray("interval=1y") << QStringLiteral("interval");
    QTest::newRow("interval zero") << QByteArray("interval=0s") << QStringLiteral("interval");
    QTest::newRow("interval negative") << QByteArray("interval=-1m") << QStringLiteral("interval");
    QTest::newRow("interval 1000") << QByteArray("interval=1000s") << QStringLiteral("interval");
    QTest::newRow("interval calendar") << QByteArray("interval=1M") << QStringLiteral("interval");
    QTest::newRow("1001 buckets") << QByteArray("interval=1m&from=0&to=60000001") << QStringLiteral("interval");
    QTest::newRow("a day by seconds") << QByteArray("interval=1s&from=0&to=86400000") << QStringLiteral("interval");
    QTest::newRow("from garbage") << QByteArray("from=x") << QStringLiteral("from");
    QTest::newRow("to before from") << QByteArray("from=2000&to=1000") << QStringLiteral("to");
    QTest::newRow("from after the default to") << QByteArray("from=9999999999999") << QStringLiteral("from");
    QTest::newRow("status") << QByteArray("status=void") << QStringLiteral("status");
}

void TestSearchQuery::statsRejectsBadParameters()
{
    QFETCH(QByteArray, query);
    QFETCH(QString, field);
    const auto parsed = StatsQuery::fromUrlQuery(query, QDateTime::fromMSecsSinceEpoch(1764082276123, Qt::UTC));
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.field, field);
    QVERIFY(!parsed.error.isEmpty());
}

void TestSearchQuery::statsQueryIsADateHistogramByStatus()
{
    const auto parsed = StatsQuery::fromUrlQuery("interval=5m&from=600000&to=1800000&status=failed");
    QVERIFY(parsed.ok());
    const QJsonObject es = parsed.value->toElastic();
    QCOMPARE(es.value("size").toInt(), 0);
    const QJsonObject histogram = es.value("aggs").toObject().value("orders").toObject();
    const QJsonObject dh = histogram.value("date_histogram").toObject();
    QCOMPARE(dh.value("field").toString(), QStringLiteral("timestamp"));
    QCOMPARE(dh.value("fixed_interval").toString(), QStringLiteral("5m"));
    QCOMPARE(dh.value("min_doc_count").toInt(), 0);
    QCOMPARE(dh.value("extended_bounds").toObject().value("min").toInteger(), qint64(600000));
    QCOMPARE(dh.value("extended_bounds").toObject().value("max").toInteger(), qint64(1799999));
    QCOMPARE(histogram.value("aggs").toObject().value("statuses").toObject().value("terms").toObject()
                 .value("field").toString(), QStringLiteral("status"));
    const QJsonArray filter = es.value("query").toObject().value("bool").toObject().value("filter").toArray();
    QCOMPARE(filter.at(0).toObject().value("term").toObject().value("status").toString(), QStringLiteral("failed"));
}

void TestSearchQuery::statsAnswerCountsEveryBucket()
{
    const auto parsed = StatsQuery::fromUrlQuery("interval=1m&from=60000&to=180000");
    QVERIFY(parsed.ok());
    const QJsonObject empty = parsed.value->emptyAnswer();
    QCOMPARE(empty.value("buckets").toArray().size(), 2);
    QCOMPARE(empty.value("buckets").toArray().at(1).toObject().value("start").toString(),
             QStringLiteral("1970-01-01T00:02:00.000Z"));
    const QJsonObject body = QJsonDocument::fromJson(R"({"hits": {"total": {"value": 3}},
        "aggregations": {"statuses": {"buckets": [{"key": "confirmed", "doc_count": 2}, {"key": "failed", "doc_count": 1}]},
        "orders": {"buckets": [
            {"key": 60000, "doc_count": 3, "statuses": {"buckets": [{"key": "confirmed", "doc_count": 2}, {"key": "failed", "doc_count": 1}]}},
            {"key": 120000, "doc_count": 0, "statuses": {"buckets": []}}]}}})").object();
    const QJsonObject a = parsed.value->answer(body);
    QCOMPARE(a.value("total").toInt(), 3);
    QCOMPARE(a.value("statuses").toObject().value("created").toInt(), 0);
    QCOMPARE(a.value("statuses").toObject().value("failed").toInt(), 1);
    const QJsonArray buckets = a.value("buckets").toArray();
    QCOMPARE(buckets.size(), 2);
    QCOMPARE(buckets.at(0).toObject().value("start").toString(), QStringLiteral("1970-01-01T00:01:00.000Z"));
    QCOMPARE(buckets.at(0).toObject().value("statuses").toObject().value("confirmed").toInt(), 2);
    QCOMPARE(buckets.at(1).toObject().value("total").toInt(), 0);
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
