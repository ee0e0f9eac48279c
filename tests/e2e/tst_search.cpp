// End-to-end tests of search-service as a process: events produced straight to the
// namespaced Kafka topics are indexed into the namespaced order-logs index (mapping,
// one document per order, status from the Redis hash), and GET /search finds them
// newest first, pages them, and never fails on odd input. Elasticsearch outages are
// not simulated here: stopping the shared Elasticsearch would disturb other tests.
#include "lab/elasticclient.h"
#include "lab/events.h"
#include "lab/kafkaproducer.h"
#include "lab/names.h"
#include "lab/redisclient.h"
#include "lab/topics.h"
#include "servicestack.h"
#include "testinfra.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>
#include <QUrl>

#include <memory>

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
    void statusComesFromTheRedisHash();
    void servesOpenApiAndSwaggerUi();
    void defaultPageIsTheNewest100();
    void unreachableElasticsearchDelaysIndexingWithoutLoss();
    void terminatesCleanlyOnSigterm();

private:
    QUrl url(const QString &path, const QByteArray &encodedQuery = {}) const;
    /// GET /search?<query>: the array (fails the test on anything but 200 + array).
    QJsonArray search(const QByteArray &encodedQuery);
    void produceCreated(qint64 id, const QString &item, qint64 quantity, const QDateTime &createdAt);
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
    bool done = false;
    lab::KafkaError result;
    m_producer->produce(m_names.topic(lab::topics::OrderCreated), QByteArray::number(id), e.toJson(),
                        [&](const lab::KafkaError &error, qint32, qint64) {
                            result = error;
                            done = true;
                        });
    QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
    QVERIFY2(result.isOk(), qPrintable(result.toString()));
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

void TestSearch::statusComesFromTheRedisHash()
{
    // As notifier-service leaves it: decided, with a reason, updated after creation.
    lab::RedisClient redis(labtest::redisHost(), labtest::redisPort());
    QSignalSpy connected(&redis, &lab::RedisClient::connected);
    redis.connectToServer();
    QVERIFY(connected.wait(10000));
    const QDateTime created = m_base.addSecs(70);
    bool written = false;
    redis.command({"HSET", m_names.orderKey(31), "state", "accepted", "item", "office chair", "quantity", "2",
                   "created_at", lab::isoTimestamp(created).toUtf8(), "status", "failed", "reason",
                   "insufficient stock", "updated_at", lab::isoTimestamp(created.addSecs(1)).toUtf8()},
                  [&](const lab::RedisReply &r) { written = !r.isError(); });
    QTRY_VERIFY_WITH_TIMEOUT(written, 10000);

    produceCreated(31, QStringLiteral("office chair"), 2, created);
    QTRY_COMPARE_WITH_TIMEOUT(search("item=chair").size(), 1, kIndexWaitMs);
    const QJsonObject doc = search("item=chair").first().toObject();
    QCOMPARE(doc.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(doc.value(QStringLiteral("reason")).toString(), QStringLiteral("insufficient stock"));
    QCOMPARE(doc.value(QStringLiteral("timestamp")).toString(), lab::isoTimestamp(created));
    QCOMPARE(doc.value(QStringLiteral("updated_at")).toString(), lab::isoTimestamp(created.addSecs(1)));

    bool deleted = false;
    redis.command({"DEL", m_names.orderKey(31)}, [&](const lab::RedisReply &) { deleted = true; });
    QTRY_VERIFY_WITH_TIMEOUT(deleted, 10000);
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
