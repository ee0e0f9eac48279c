// End-to-end tests of search-service as a process: events produced straight to the
// namespaced Kafka topics are indexed into the namespaced order-logs index (mapping,
// one document per order, created then decided by the notification, never regressed
// by a late order.created, never from a voided attempt, one Redis call per batch), and
// GET /search finds them newest first, pages them, and never fails on odd input.
// Elasticsearch outages are not simulated here: stopping the shared Elasticsearch would
// disturb other tests (a private Redis is used where Redis itself is observed).
#include "lab/contract/events.h"
#include "lab/contract/names.h"
#include "lab/contract/topics.h"
#include "lab/elastic/elasticclient.h"
#include "lab/kafka/kafkaproducer.h"
#include "lab/redis/redisclient.h"
#include "lab/store/orderstore.h"
#include "servicestack.h"
#include "testinfra.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QUrl>

#include <memory>
#include <optional>

using labtest::HttpResult;
using labtest::ServiceStack;

namespace {

constexpr int kIndexWaitMs = 30000;

QList<qint64> orderIds(const QJsonArray &docs)
{
    QList<qint64> ids;
    for (const QJsonValue &v : docs)
        ids << v.toObject().value(QStringLiteral("order_id")).toInteger();
    return ids;
}

/// The value of one Prometheus series in a /metrics text (0 when absent).
double metric(const QByteArray &text, const QByteArray &series)
{
    for (const QByteArray &line : text.split('\n'))
        if (line.startsWith(series + ' '))
            return line.mid(series.size() + 1).toDouble();
    return 0;
}

/// A command answered synchronously (event loop spinning); nullopt without an answer.
std::optional<lab::RedisReply> redisCommand(lab::RedisClient &redis, const QByteArrayList &args)
{
    std::optional<lab::RedisReply> out;
    redis.command(args, [&](const lab::RedisReply &r) { out = r; });
    (void)QTest::qWaitFor([&] { return out.has_value(); }, 10000);
    return out;
}

/// Lua scripts Redis ran (EVAL, and EVALSHA that found its script), from INFO commandstats.
qint64 scriptsRun(lab::RedisClient &redis)
{
    const auto info = redisCommand(redis, {"INFO", "commandstats"});
    if (!info || info->isError())
        return -1;
    qint64 runs = 0;
    static const QRegularExpression line(QStringLiteral(R"(^cmdstat_(eval|evalsha):calls=(\d+).*failed_calls=(\d+))"),
                                         QRegularExpression::MultilineOption);
    for (auto it = line.globalMatch(QString::fromUtf8(info->string)); it.hasNext();) {
        const auto m = it.next();
        runs += m.captured(2).toLongLong() - m.captured(3).toLongLong(); // NOSCRIPT answers fail
    }
    return runs;
}

} // namespace

class TestSearch : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void answersEmptyArrayBeforeAnythingIsIndexed();
    void findsIndexedOrdersNewestFirst();
    void listsEveryOrderWithoutItem();
    void pagesWithSizeAndFrom();
    void treatsHostileItemsAsPlainText_data();
    void treatsHostileItemsAsPlainText();
    void rejectsBadParameters_data();
    void rejectsBadParameters();
    void indexMapsTimestampAsDate();
    void replayKeepsOneDocumentPerOrder();
    void documentGoesFromCreatedToItsOutcome();
    void lateCreatedRecordKeepsTheDecidedDocument();
    void voidedAttemptsAreNeverIndexedWithOneRedisCallPerBatch();
    void servesOpenApiAndSwaggerUi();
    void defaultPageIsTheNewest100();
    void unreachableElasticsearchDelaysIndexingWithoutLoss();
    void terminatesCleanlyOnSigterm();

private:
    QUrl url(const QString &path, const QByteArray &encodedQuery = {}) const;
    /// GET /search?<query>: the array (fails the test on anything but 200 + array).
    QJsonArray search(const QByteArray &encodedQuery);
    void produceCreated(qint64 id, const QString &item, qint64 quantity, const QDateTime &createdAt);
    void produceNotification(const lab::Notification &n);
    void produce(const QString &topic, qint64 id, const QByteArray &value);
    /// The order's document as stored (refreshed first), empty when there is none.
    QJsonObject document(const lab::Names &names, qint64 id);
    /// lab_events_consumed_total{topic="order.created"} of an instance.
    double createdConsumed(const ServiceStack &stack);
    /// An ES request answered synchronously (event loop spinning).
    lab::ElasticResult elastic(const QByteArray &method, const QString &path);

    std::unique_ptr<ServiceStack> m_stack;
    std::unique_ptr<lab::KafkaProducer> m_producer;
    std::unique_ptr<lab::ElasticClient> m_elastic;
    lab::Names m_names;
    QDateTime m_base;
    int m_lastStatus = 0;
};

void TestSearch::initTestCase()
{
    LAB_REQUIRE_KAFKA();
    LAB_REQUIRE_REDIS();
    LAB_REQUIRE_ELASTIC();
    m_stack = std::make_unique<ServiceStack>();
    m_names = lab::Names(m_stack->ns());
    QString error;
    QVERIFY2(m_stack->start(QStringLiteral("search-service"), &error) == 0, qPrintable(error));
    m_producer = std::make_unique<lab::KafkaProducer>(labtest::kafkaBrokers());
    QVERIFY(m_producer->isValid());
    m_elastic = std::make_unique<lab::ElasticClient>(labtest::elasticUrl());
    // Distinct creation times an hour ago, one second apart: sorting is by timestamp.
    m_base = QDateTime::currentDateTimeUtc().addSecs(-3600);
}

void TestSearch::cleanupTestCase()
{
    if (m_elastic && m_stack) {
        // The namespaced index exists only for this run.
        elastic("DELETE", QLatin1Char('/') + m_names.orderIndex());
    }
    m_producer.reset();
    m_stack.reset();
}

QUrl TestSearch::url(const QString &path, const QByteArray &encodedQuery) const
{
    QUrl u = m_stack->url(QStringLiteral("search-service"), path);
    if (!encodedQuery.isNull())
        u.setQuery(QString::fromLatin1(encodedQuery), QUrl::StrictMode);
    return u;
}

QJsonArray TestSearch::search(const QByteArray &encodedQuery)
{
    const HttpResult r = labtest::httpGet(url(QStringLiteral("/search"), encodedQuery));
    m_lastStatus = r.status;
    if (r.status != 200 || !r.json().isArray()) {
        qWarning("search %s answered %d: %s", encodedQuery.constData(), r.status, r.body.left(300).constData());
        return {};
    }
    return r.json().array();
}

void TestSearch::produceCreated(qint64 id, const QString &item, qint64 quantity, const QDateTime &createdAt)
{
    lab::OrderCreated e;
    e.orderId = id;
    e.item = item;
    e.quantity = quantity;
    e.createdAt = createdAt;
    produce(lab::topics::OrderCreated, id, e.toJson());
}

void TestSearch::produceNotification(const lab::Notification &n)
{
    produce(lab::topics::OrderNotification, n.orderId, n.toJson());
}

void TestSearch::produce(const QString &topic, qint64 id, const QByteArray &value)
{
    bool done = false;
    lab::KafkaError result;
    m_producer->produce(m_names.topic(topic), QByteArray::number(id), value,
                        [&](const lab::KafkaError &error, qint32, qint64) {
                            result = error;
                            done = true;
                        });
    QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
    QVERIFY2(result.isOk(), qPrintable(result.toString()));
}

QJsonObject TestSearch::document(const lab::Names &names, qint64 id)
{
    elastic("POST", QLatin1Char('/') + names.orderIndex() + QStringLiteral("/_refresh"));
    const lab::ElasticResult r = elastic("GET", QLatin1Char('/') + names.orderIndex() + QStringLiteral("/_doc/")
                                                    + QString::number(id));
    return r.ok ? r.body.value(QStringLiteral("_source")).toObject() : QJsonObject();
}

double TestSearch::createdConsumed(const ServiceStack &stack)
{
    return metric(labtest::httpGet(stack.url(QStringLiteral("search-service"), QStringLiteral("/metrics"))).body,
                  "lab_events_consumed_total{topic=\"order.created\"}");
}

lab::ElasticResult TestSearch::elastic(const QByteArray &method, const QString &path)
{
    lab::ElasticResult out;
    bool done = false;
    m_elastic->request(method, path, {}, {}, [&](const lab::ElasticResult &r) {
        out = r;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 15000))
        qWarning("Elasticsearch did not answer within %d ms", 15000);
    return out;
}

void TestSearch::answersEmptyArrayBeforeAnythingIsIndexed()
{
    // The service reports healthy only once its index exists (shard started), so the
    // first search of a healthy service is answered, not a 503.
    const HttpResult r = labtest::httpGet(url(QStringLiteral("/search"), "item=mouse"));
    QCOMPARE(r.status, 200);
    QVERIFY(r.json().isArray());
    QCOMPARE(r.json().array().size(), 0);
}

void TestSearch::findsIndexedOrdersNewestFirst()
{
    // Produced out of creation order: the answer must still be sorted by timestamp.
    produceCreated(11, QStringLiteral("wireless mouse"), 1, m_base.addSecs(20));
    produceCreated(12, QStringLiteral("keyboard"), 2, m_base.addSecs(30));
    produceCreated(13, QStringLiteral("gaming mouse"), 3, m_base.addSecs(40));
    produceCreated(14, QStringLiteral("Mouse pad"), 4, m_base.addSecs(10));
    produceCreated(15, QStringLiteral("mouse"), 5, m_base.addSecs(50));

    // Five partitions, five batches, refreshes in between: wait for all of them.
    QTRY_COMPARE_WITH_TIMEOUT(search({}).size(), 5, kIndexWaitMs);
    const QJsonArray docs = search("item=mouse");
    QCOMPARE(orderIds(docs), (QList<qint64>{15, 13, 11, 14}));
    const QJsonObject first = docs.first().toObject();
    QCOMPARE(first.value(QStringLiteral("item")).toString(), QStringLiteral("mouse"));
    QCOMPARE(first.value(QStringLiteral("quantity")).toInteger(), 5);
    QCOMPARE(first.value(QStringLiteral("status")).toString(), QStringLiteral("created"));
    QCOMPARE(first.value(QStringLiteral("timestamp")).toString(), lab::isoTimestamp(m_base.addSecs(50)));
    QVERIFY(first.value(QStringLiteral("timestamp")).toString().endsWith(QLatin1Char('Z')));

    // Every word must match ("and"), and '+' in a query string is a space.
    QCOMPARE(orderIds(search("item=gaming+mouse")), (QList<qint64>{13}));
    QCOMPARE(orderIds(search("item=GAMING%20MOUSE")), (QList<qint64>{13}));
    QCOMPARE(orderIds(search("item=keyboard")), (QList<qint64>{12}));
    QCOMPARE(search("item=trackball").size(), 0);
    QCOMPARE(m_lastStatus, 200);
}

void TestSearch::listsEveryOrderWithoutItem()
{
    QTRY_COMPARE_WITH_TIMEOUT(search({}).size(), 5, kIndexWaitMs);
    QCOMPARE(orderIds(search({})), (QList<qint64>{15, 13, 12, 11, 14}));
    QCOMPARE(orderIds(search("item=")), (QList<qint64>{15, 13, 12, 11, 14}));
    QCOMPARE(orderIds(search("item=%20%20")), (QList<qint64>{15, 13, 12, 11, 14}));
}

void TestSearch::pagesWithSizeAndFrom()
{
    QTRY_COMPARE_WITH_TIMEOUT(search({}).size(), 5, kIndexWaitMs);
    QCOMPARE(orderIds(search("size=2")), (QList<qint64>{15, 13}));
    QCOMPARE(orderIds(search("size=2&from=2")), (QList<qint64>{12, 11}));
    QCOMPARE(orderIds(search("size=2&from=4")), (QList<qint64>{14}));
    QCOMPARE(orderIds(search("size=2&from=6")), QList<qint64>{});
    QCOMPARE(orderIds(search("item=mouse&size=1&from=1")), (QList<qint64>{13}));
    QCOMPARE(orderIds(search("size=0")), QList<qint64>{});
    QCOMPARE(m_lastStatus, 200);
    QCOMPARE(search("size=10000").size(), 5);
    QCOMPARE(m_lastStatus, 200);
}

void TestSearch::treatsHostileItemsAsPlainText_data()
{
    QTest::addColumn<QString>("item");
    QTest::newRow("double quote") << QStringLiteral("\"");
    QTest::newRow("unbalanced quote") << QStringLiteral("\"mouse");
    QTest::newRow("star") << QStringLiteral("*");
    QTest::newRow("wildcard") << QStringLiteral("mou*");
    QTest::newRow("question mark") << QStringLiteral("m?use");
    QTest::newRow("lucene field") << QStringLiteral("item:foo OR 1");
    QTest::newRow("lucene range") << QStringLiteral("[a TO z]");
    QTest::newRow("boolean tail") << QStringLiteral("mouse AND");
    QTest::newRow("json fragment") << QStringLiteral("{\"a\":1}");
    QTest::newRow("query injection") << QStringLiteral("\"}},\"size\":10000,\"query\":{\"match_all\":{}}}");
    QTest::newRow("backslash") << QStringLiteral("\\");
    QTest::newRow("backslashes") << QStringLiteral("mouse\\\\\\");
    QTest::newRow("regex") << QStringLiteral("/.*/");
    QTest::newRow("fuzzy") << QStringLiteral("mouse~2");
    QTest::newRow("parentheses") << QStringLiteral("(((");
    QTest::newRow("sql") << QStringLiteral("' OR '1'='1");
    QTest::newRow("html") << QStringLiteral("<script>alert(1)</script>");
    QTest::newRow("percent") << QStringLiteral("100%");
    QTest::newRow("ampersand") << QStringLiteral("a&size=1");
    QTest::newRow("vietnamese") << QStringLiteral("chuột không dây");
    QTest::newRow("emoji") << QStringLiteral("🖱️");
    QTest::newRow("control characters") << QStringLiteral("mo\u0001use\t\n");
    QTest::newRow("long") << QString(1000, QLatin1Char('m'));
    QTest::newRow("many words") << QStringLiteral("pad mouse ").repeated(80).trimmed();
}

void TestSearch::treatsHostileItemsAsPlainText()
{
    QFETCH(QString, item);
    const HttpResult r = labtest::httpGet(url(QStringLiteral("/search"), "item=" + QUrl::toPercentEncoding(item)));
    QVERIFY2(r.status == 200, qPrintable(QStringLiteral("%1: %2").arg(r.status).arg(QString::fromUtf8(r.body))));
    QVERIFY(r.json().isArray());
    // Plain text: none of these becomes a query that lists everything (5 orders by now).
    QVERIFY2(r.json().array().size() < 5, r.body.left(300).constData());
}

void TestSearch::rejectsBadParameters_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QString>("field");
    QTest::newRow("size over the window") << QByteArray("size=10001") << QStringLiteral("size");
    QTest::newRow("size negative") << QByteArray("size=-1") << QStringLiteral("size");
    QTest::newRow("size not a number") << QByteArray("size=ten") << QStringLiteral("size");
    QTest::newRow("size fraction") << QByteArray("size=1.5") << QStringLiteral("size");
    QTest::newRow("size huge") << QByteArray("size=99999999999999999999") << QStringLiteral("size");
    QTest::newRow("from negative") << QByteArray("from=-5") << QStringLiteral("from");
    QTest::newRow("from not a number") << QByteArray("from=x") << QStringLiteral("from");
    QTest::newRow("from + size over the window") << QByteArray("from=9990&size=11") << QStringLiteral("from");
    QTest::newRow("from over the window") << QByteArray("from=10001&size=0") << QStringLiteral("from");
    QTest::newRow("item too long") << QByteArray("item=" + QByteArray(1001, 'm')) << QStringLiteral("item");
}

void TestSearch::rejectsBadParameters()
{
    QFETCH(QByteArray, query);
    QFETCH(QString, field);
    const HttpResult r = labtest::httpGet(url(QStringLiteral("/search"), query));
    QCOMPARE(r.status, 400);
    const QJsonObject error = r.json().object();
    QVERIFY(!error.value(QStringLiteral("error")).toString().isEmpty());
    QCOMPARE(error.value(QStringLiteral("field")).toString(), field);
}

void TestSearch::indexMapsTimestampAsDate()
{
    const QString index = m_names.orderIndex();
    const lab::ElasticResult r = elastic("GET", QLatin1Char('/') + index + QStringLiteral("/_mapping"));
    QVERIFY2(r.ok, qPrintable(r.error));
    const QJsonObject properties = r.body.value(index).toObject().value(QStringLiteral("mappings")).toObject()
                                       .value(QStringLiteral("properties")).toObject();
    const auto typeOf = [&](const QString &field) {
        return properties.value(field).toObject().value(QStringLiteral("type")).toString();
    };
    QCOMPARE(typeOf(QStringLiteral("timestamp")), QStringLiteral("date"));
    QCOMPARE(typeOf(QStringLiteral("updated_at")), QStringLiteral("date"));
    QCOMPARE(typeOf(QStringLiteral("order_id")), QStringLiteral("long"));
    QCOMPARE(typeOf(QStringLiteral("quantity")), QStringLiteral("long"));
    QCOMPARE(typeOf(QStringLiteral("status")), QStringLiteral("keyword"));
    QCOMPARE(typeOf(QStringLiteral("item")), QStringLiteral("text"));
    QCOMPARE(properties.value(QStringLiteral("item")).toObject().value(QStringLiteral("fields")).toObject()
                 .value(QStringLiteral("keyword")).toObject().value(QStringLiteral("type")).toString(),
             QStringLiteral("keyword"));
}

void TestSearch::replayKeepsOneDocumentPerOrder()
{
    const QString item = QStringLiteral("replayed-headset");
    for (int i = 0; i < 3; ++i)
        produceCreated(21, item, 7, m_base.addSecs(60));
    QTRY_COMPARE_WITH_TIMEOUT(search("item=replayed-headset").size(), 1, kIndexWaitMs);
    // A later event of the same key lands in the same partition, after the replays.
    produceCreated(21, item, 7, m_base.addSecs(60));
    produceCreated(22, QStringLiteral("sentinel-headset"), 1, m_base.addSecs(61));
    QTRY_COMPARE_WITH_TIMEOUT(search("item=sentinel-headset").size(), 1, kIndexWaitMs);
    const lab::ElasticResult count = elastic(
        "GET", QLatin1Char('/') + m_names.orderIndex() + QStringLiteral("/_count?q=order_id:21"));
    QVERIFY2(count.ok, qPrintable(count.error));
    QCOMPARE(count.body.value(QStringLiteral("count")).toInt(), 1);
    const QJsonArray docs = search("item=replayed-headset");
    QCOMPARE(docs.size(), 1);
    QCOMPARE(docs.first().toObject().value(QStringLiteral("order_id")).toInteger(), 21);
}

void TestSearch::documentGoesFromCreatedToItsOutcome()
{
    const QDateTime created = m_base.addSecs(70);
    produceCreated(31, QStringLiteral("office chair"), 2, created);
    QTRY_COMPARE_WITH_TIMEOUT(search("item=chair").size(), 1, kIndexWaitMs);
    QJsonObject doc = search("item=chair").first().toObject();
    QCOMPARE(doc.value(QStringLiteral("status")).toString(), QStringLiteral("created"));
    QCOMPARE(doc.value(QStringLiteral("updated_at")).toString(), lab::isoTimestamp(created));

    // As notifier-service decides it: the notification alone carries the outcome.
    lab::Notification n;
    n.orderId = 31;
    n.item = QStringLiteral("office chair");
    n.quantity = 2;
    n.status = lab::Notification::Status::Failed;
    n.reason = QStringLiteral("insufficient stock");
    n.createdAt = created;
    n.notifiedAt = created.addSecs(1);
    produceNotification(n);
    QTRY_COMPARE_WITH_TIMEOUT(search("item=chair").first().toObject().value(QStringLiteral("status")).toString(),
                              QStringLiteral("failed"), kIndexWaitMs);
    doc = search("item=chair").first().toObject();
    QCOMPARE(doc.value(QStringLiteral("reason")).toString(), QStringLiteral("insufficient stock"));
    QCOMPARE(doc.value(QStringLiteral("timestamp")).toString(), lab::isoTimestamp(created));
    QCOMPARE(doc.value(QStringLiteral("updated_at")).toString(), lab::isoTimestamp(created.addSecs(1)));
    QCOMPARE(doc.value(QStringLiteral("quantity")).toInteger(), 2);
    QCOMPARE(search("item=chair").size(), 1);
}

void TestSearch::lateCreatedRecordKeepsTheDecidedDocument()
{
    // The two topics are separate partitions: an order's notification can be indexed
    // before its order.created record is (or a crash redelivers the record later).
    const QDateTime created = m_base.addSecs(80);
    lab::Notification n;
    n.orderId = 32;
    n.item = QStringLiteral("standing desk");
    n.quantity = 1;
    n.status = lab::Notification::Status::Confirmed;
    n.createdAt = created;
    n.notifiedAt = created.addMSecs(120);
    produceNotification(n);
    QTRY_COMPARE_WITH_TIMEOUT(search("item=desk").size(), 1, kIndexWaitMs);
    QCOMPARE(search("item=desk").first().toObject().value(QStringLiteral("status")).toString(),
             QStringLiteral("confirmed"));

    const QUrl metricsUrl = url(QStringLiteral("/metrics"));
    const QByteArray elasticErrors = "lab_errors_total{kind=\"elasticsearch\"}";
    const double errorsBefore = metric(labtest::httpGet(metricsUrl).body, elasticErrors);
    const double before = createdConsumed(*m_stack);
    produceCreated(32, n.item, n.quantity, created);
    // Counted once its batch's bulk succeeded: whatever it wrote is in the index.
    QTRY_VERIFY_WITH_TIMEOUT(createdConsumed(*m_stack) >= before + 1, kIndexWaitMs);
    const QJsonObject doc = document(m_names, 32);
    QCOMPARE(doc.value(QStringLiteral("status")).toString(), QStringLiteral("confirmed"));
    QCOMPARE(doc.value(QStringLiteral("updated_at")).toString(), lab::isoTimestamp(n.notifiedAt));
    const QByteArray metrics = labtest::httpGet(metricsUrl).body;
    QCOMPARE(metric(metrics, elasticErrors), errorsBefore); // the 409 is done, not a failed bulk
    QVERIFY(!metrics.contains("lab_errors_total{kind=\"index_rejected\"}"));
}

// order-service voided these attempts (503 after a Kafka timeout) although the broker
// stored their records. They come in a batch with admitted orders' records (all of them
// produced before the service starts), then one alone; none is ever indexed, and every
// batch costs one Redis script, not one per record. A private Redis so that its
// INFO commandstats counts search-service's commands only.
void TestSearch::voidedAttemptsAreNeverIndexedWithOneRedisCallPerBatch()
{
    const quint16 port = labtest::freePort();
    QProcess redisServer;
    labtest::tieToTestLifetime(redisServer);
    redisServer.start(QStringLiteral("redis-server"),
                      {QStringLiteral("--port"), QString::number(port), QStringLiteral("--bind"),
                       QStringLiteral("127.0.0.1"), QStringLiteral("--save"), QString(),
                       QStringLiteral("--appendonly"), QStringLiteral("no")});
    QVERIFY2(redisServer.waitForStarted(5000), "redis-server did not start");
    lab::RedisClient redis(QStringLiteral("127.0.0.1"), port);
    QSignalSpy connected(&redis, &lab::RedisClient::connected);
    redis.connectToServer();
    QVERIFY(connected.wait(10000));

    ServiceStack stack;
    stack.setEnv(QStringLiteral("REDIS_PORT"), QString::number(port));
    const lab::Names names(stack.ns());
    lab::OrderStore store(&redis, names);
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(QDateTime::currentMSecsSinceEpoch(), Qt::UTC);
    const auto claimOf = [&](qint64 id, const QDateTime &at) {
        lab::OrderRequest r;
        r.orderId = id;
        r.item = QStringLiteral("ghost lamp");
        r.quantity = 1;
        std::optional<lab::OrderStore::Claim> c;
        store.claim(r, at, [&](const lab::OrderStore::Claim &got) { c = got; });
        (void)QTest::qWaitFor([&] { return c.has_value(); }, 10000);
        return c ? *c : lab::OrderStore::Claim{};
    };
    const auto voidOf = [&](qint64 id, qint64 claimAt) {
        std::optional<lab::OrderStore::Void> v;
        store.voidClaim(id, claimAt, [&](lab::OrderStore::Void got, const QString &) { v = got; });
        (void)QTest::qWaitFor([&] { return v.has_value(); }, 10000);
        return v;
    };
    const auto produceTo = [&](qint64 id, const QDateTime &at) {
        const lab::Names mine = m_names;
        m_names = names;
        produceCreated(id, QStringLiteral("ghost lamp"), 1, at);
        m_names = mine;
    };

    // Orders 1..40 accepted (pending claims, as when the delivery report is still on its
    // way); 41..48 voided; 49 voided and claimed again: its first record is refused, the
    // retry's admitted.
    QList<qint64> admitted;
    for (qint64 id = 1; id <= 40; ++id) {
        QCOMPARE(claimOf(id, now).outcome, lab::OrderStore::Outcome::New);
        admitted << id;
    }
    QList<qint64> voided;
    for (qint64 id = 41; id <= 49; ++id) {
        const auto c = claimOf(id, now);
        QCOMPARE(c.outcome, lab::OrderStore::Outcome::New);
        QCOMPARE(voidOf(id, c.claimAt), lab::OrderStore::Void::Voided);
        voided << id;
    }
    const QDateTime retry = now.addSecs(3);
    QCOMPARE(claimOf(49, retry).outcome, lab::OrderStore::Outcome::New);
    for (const qint64 id : voided)
        produceTo(id, now);
    for (const qint64 id : admitted)
        produceTo(id, now);
    produceTo(49, retry);
    const int records = int(voided.size() + admitted.size()) + 1;

    const qint64 scriptsBefore = scriptsRun(redis);
    QVERIFY(scriptsBefore >= 0);
    QString error;
    QVERIFY2(stack.start(QStringLiteral("search-service"), &error) == 0, qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(createdConsumed(stack), double(records), kIndexWaitMs);
    const QUrl metricsUrl = stack.url(QStringLiteral("search-service"), QStringLiteral("/metrics"));
    QByteArray metrics = labtest::httpGet(metricsUrl).body;
    QCOMPARE(metric(metrics, "lab_voided_events_total"), double(voided.size()));
    for (const qint64 id : voided)
        if (id != 49)
            QVERIFY2(document(names, id).isEmpty(), qPrintable(QString::number(id)));
    for (const qint64 id : admitted)
        QCOMPARE(document(names, id).value(QStringLiteral("status")).toString(), QStringLiteral("created"));
    const QJsonObject retried = document(names, 49);
    QCOMPARE(retried.value(QStringLiteral("timestamp")).toString(), lab::isoTimestamp(retry));
    const double batches = metric(metrics, "lab_handler_seconds_count{handler=\"index_batch\"}");
    const qint64 scripts = scriptsRun(redis) - scriptsBefore;
    qInfo("%d records in %.0f batch(es), %lld Redis script(s)", records, batches, scripts);
    QCOMPARE(double(scripts), batches); // every batch held records to admit: one script each
    QVERIFY2(batches < records, "the records were not batched: the check above proves nothing");

    // A voided attempt's record alone in its batch.
    const auto lone = claimOf(50, now);
    QCOMPARE(voidOf(50, lone.claimAt), lab::OrderStore::Void::Voided);
    const qint64 scriptsBeforeLone = scriptsRun(redis);
    produceTo(50, now);
    QTRY_COMPARE_WITH_TIMEOUT(createdConsumed(stack), double(records + 1), kIndexWaitMs);
    metrics = labtest::httpGet(metricsUrl).body;
    QCOMPARE(metric(metrics, "lab_voided_events_total"), double(voided.size() + 1));
    QVERIFY(document(names, 50).isEmpty());
    QCOMPARE(scriptsRun(redis) - scriptsBeforeLone, qint64(1));
    QCOMPARE(metric(metrics, "lab_handler_seconds_count{handler=\"index_batch\"}"), batches + 1);

    stack.terminate(QStringLiteral("search-service"));
    QCOMPARE(stack.exitCode(QStringLiteral("search-service")), 0);
    redisServer.terminate();
    QVERIFY(redisServer.waitForFinished(5000));
}

void TestSearch::servesOpenApiAndSwaggerUi()
{
    const HttpResult spec = labtest::httpGet(url(QStringLiteral("/openapi.json")));
    QCOMPARE(spec.status, 200);
    QVERIFY(spec.json().object().value(QStringLiteral("paths")).toObject().contains(QStringLiteral("/search")));
    const HttpResult html = labtest::httpGet(url(QStringLiteral("/docs/")));
    QCOMPARE(html.status, 200);
    QVERIFY(html.body.contains("swagger-ui-bundle.js"));
    QCOMPARE(labtest::httpGet(url(QStringLiteral("/docs/swagger-ui-bundle.js"))).status, 200);
    const HttpResult metrics = labtest::httpGet(url(QStringLiteral("/metrics")));
    QVERIFY(metrics.body.contains("lab_events_consumed_total{topic=\"order.created\"}"));
    QVERIFY(metrics.body.contains("lab_http_requests_total{route=\"/search\",code=\"200\"}"));
    const HttpResult wrongMethod = labtest::httpPost(url(QStringLiteral("/search")), "{}");
    QCOMPARE(wrongMethod.status, 405);

    // The browser UI on :8000 searches from another origin.
    const quint16 port = m_stack->port(QStringLiteral("search-service"));
    const QByteArray get = labtest::rawHttp(port, "GET /search?item=mouse HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                  "Origin: http://127.0.0.1:8000\r\nConnection: close\r\n\r\n");
    QVERIFY2(get.startsWith("HTTP/1.1 200"), get.left(200).constData());
    QVERIFY2(get.toLower().contains("\r\naccess-control-allow-origin: http://127.0.0.1:8000\r\n"), get.left(400).constData());
    QVERIFY2(get.toLower().contains("\r\nvary: origin"), get.left(400).constData());
    const QByteArray preflight = labtest::rawHttp(port, "OPTIONS /search HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                        "Origin: http://127.0.0.1:8000\r\nAccess-Control-Request-Method: GET\r\n"
                                                        "Connection: close\r\n\r\n");
    QVERIFY2(preflight.startsWith("HTTP/1.1 204"), preflight.left(200).constData());
    QVERIFY2(preflight.toLower().contains("\r\naccess-control-allow-origin: http://127.0.0.1:8000\r\n"),
             preflight.left(400).constData());
}

void TestSearch::defaultPageIsTheNewest100()
{
    // After the tests that count every order: 105 more of one item.
    constexpr int N = 105;
    for (int i = 1; i <= N; ++i)
        produceCreated(1000 + i, QStringLiteral("page lamp"), 1, m_base.addSecs(100 + i));
    QTRY_COMPARE_WITH_TIMEOUT(search("item=page+lamp&size=200").size(), N, kIndexWaitMs);
    QList<qint64> newest;
    for (int i = N; i > N - 100; --i)
        newest << 1000 + i;
    QCOMPARE(orderIds(search("item=page+lamp")), newest);
    QCOMPARE(orderIds(search("item=page+lamp&from=100")), (QList<qint64>{1005, 1004, 1003, 1002, 1001}));
}

void TestSearch::unreachableElasticsearchDelaysIndexingWithoutLoss()
{
    // An instance of its own whose Elasticsearch URL leads nowhere (the shared
    // Elasticsearch stays untouched): it consumes, fails to index, commits nothing.
    const QString ns = labtest::uniqueName(QStringLiteral("t"));
    const lab::Names names(ns);
    ServiceStack blind(ns);
    blind.setEnv(QStringLiteral("ELASTICSEARCH_URL"), QStringLiteral("http://127.0.0.1:%1").arg(labtest::freePort()));
    QCOMPARE(blind.start(QStringLiteral("search-service"), nullptr, 1500), -1); // never healthy
    QVERIFY(blind.isRunning(QStringLiteral("search-service")));
    const QUrl health = blind.url(QStringLiteral("search-service"), QStringLiteral("/healthz"));
    QTRY_COMPARE_WITH_TIMEOUT(labtest::httpGet(health).status, 503, 15000);
    QCOMPARE(labtest::httpGet(blind.url(QStringLiteral("search-service"), QStringLiteral("/search"))).status, 503);

    const lab::Names mine = m_names;
    m_names = names; // produceCreated writes to the current namespace
    for (qint64 id = 41; id <= 43; ++id)
        produceCreated(id, QStringLiteral("outage lamp"), id, m_base.addSecs(int(id)));
    m_names = mine;
    const QUrl metrics = blind.url(QStringLiteral("search-service"), QStringLiteral("/metrics"));
    QTRY_VERIFY_WITH_TIMEOUT(labtest::httpGet(metrics).body.contains("lab_errors_total{kind=\"elasticsearch\"}"),
                             kIndexWaitMs);
    QVERIFY(!labtest::httpGet(metrics).body.contains("lab_events_consumed_total"));
    blind.terminate(QStringLiteral("search-service"));
    QCOMPARE(blind.exitCode(QStringLiteral("search-service")), 0);

    // The same group with a reachable Elasticsearch gets the records again.
    ServiceStack seeing(ns);
    QString error;
    QVERIFY2(seeing.start(QStringLiteral("search-service"), &error) == 0, qPrintable(error));
    const QUrl search = seeing.url(QStringLiteral("search-service"), QStringLiteral("/search"));
    QUrl query = search;
    query.setQuery(QStringLiteral("item=lamp"));
    QTRY_COMPARE_WITH_TIMEOUT(labtest::httpGet(query).json().array().size(), 3, kIndexWaitMs);
    QCOMPARE(orderIds(labtest::httpGet(query).json().array()), (QList<qint64>{43, 42, 41}));
    seeing.terminate(QStringLiteral("search-service"));
    elastic("DELETE", QLatin1Char('/') + names.orderIndex());
}

void TestSearch::terminatesCleanlyOnSigterm()
{
    m_stack->terminate(QStringLiteral("search-service"));
    QVERIFY(!m_stack->isRunning(QStringLiteral("search-service")));
    QCOMPARE(m_stack->exitCode(QStringLiteral("search-service")), 0);
}

QTEST_GUILESS_MAIN(TestSearch)
#include "tst_search.moc"
