// End-to-end tests of order-service as a process (POST /create_order, GET /orders/{id},
// /docs, /openapi.json, SIGTERM) against the real Kafka and Redis of `./lab infra up`.
// Each ServiceStack runs in a namespace of its own; the test reads the namespaced
// order.created topic with lab::KafkaConsumer to see exactly what was published.
#include "lab/contract/events.h"
#include "lab/contract/names.h"
#include "lab/contract/topics.h"
#include "lab/kafka/kafkaconsumer.h"
#include "lab/redis/redisclient.h"
#include "servicestack.h"
#include "testinfra.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <optional>

using labtest::HttpResult;
using labtest::orderJson;
using labtest::ServiceStack;

namespace {

constexpr int kEventWaitMs = 30000;

/// A parsed raw HTTP response.
struct RawResponse
{
    int status = 0;
    QByteArray head; ///< status line and headers, lower-cased
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

RawResponse parseRaw(const QByteArray &raw)
{
    RawResponse r;
    const qsizetype end = raw.indexOf("\r\n\r\n");
    if (!raw.startsWith("HTTP/1.1 ") || end < 0)
        return r;
    r.status = raw.mid(9, 3).toInt();
    r.head = raw.left(end).toLower();
    r.body = raw.mid(end + 4);
    return r;
}

QByteArray rawRequest(const QByteArray &method, const QByteArray &path, const QByteArray &contentType,
                      const QByteArray &body)
{
    QByteArray req = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!contentType.isEmpty())
        req += "Content-Type: " + contentType + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT")
        req += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    return req + "\r\n" + body;
}

/// HGET key field on the Redis at port, with a client of its own; a marker in
/// parentheses when Redis does not answer.
QByteArray redisHget(quint16 port, const QByteArray &key, const QByteArray &field)
{
    lab::RedisClient c(labtest::redisHost(), port);
    QSignalSpy connected(&c, &lab::RedisClient::connected);
    c.connectToServer();
    if (!connected.wait(2000))
        return QByteArrayLiteral("(no connection)");
    std::optional<lab::RedisReply> reply;
    c.command({"HGET", key, field}, [&](const lab::RedisReply &r) { reply = r; });
    (void)QTest::qWaitFor([&] { return reply.has_value(); }, 5000);
    return reply ? reply->string : QByteArrayLiteral("(no answer)");
}

} // namespace

class TestOrderApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void validOrderIsPublishedAfterKafkaAcknowledged();
    void rejectsBadRequests_data();
    void rejectsBadRequests();
    void rejectedRequestsPublishNothing();
    void wrongMethodNamesAllowedMethod();
    void allowsCallsFromTheBrowserUi();
    void identicalRetryIsAnsweredWithoutSecondEvent();
    void concurrentIdenticalRequestsShareOneEvent();
    void conflictingReuseIsRejected_data();
    void conflictingReuseIsRejected();
    void getOrderShowsItsStatus();
    void getOrderRejectsBadIds_data();
    void getOrderRejectsBadIds();
    void servesOpenApiAndSwaggerUi();
    void countsRequestsInMetrics();
    void redisDownAnswers503AndAcceptsNothing();
    void kafkaDownAnswers503WithinBoundedTime();
    void attemptIsVoidedOnceRedisIsBack();
    void terminatesCleanlyOnSigterm();

private:
    QUrl url(const QString &path) const { return m_stack->url(QStringLiteral("order-service"), path); }
    RawResponse send(const QByteArray &method, const QByteArray &path, const QByteArray &contentType,
                     const QByteArray &body) const;
    /// order.created events seen so far for this order id.
    QList<lab::OrderCreated> eventsFor(qint64 orderId) const;
    /// Posts a fresh valid order and waits until its event arrived: every event
    /// published before it in the same partition has arrived too.
    void postSentinelAndWait();

    std::unique_ptr<ServiceStack> m_stack;
    std::unique_ptr<lab::KafkaConsumer> m_consumer;
    lab::KafkaMessageList m_received;
    qint64 m_nextSentinel = 900000;
    QSet<qint64> m_badIds;
};

void TestOrderApi::initTestCase()
{
    LAB_REQUIRE_KAFKA();
    LAB_REQUIRE_REDIS();
    m_stack = std::make_unique<ServiceStack>();
    QString error;
    QVERIFY2(m_stack->start(QStringLiteral("order-service"), &error) == 0, qPrintable(error));

    const lab::Names names(m_stack->ns());
    m_consumer = std::make_unique<lab::KafkaConsumer>(
        labtest::kafkaBrokers(), labtest::uniqueName(QStringLiteral("tst-orderapi")),
        QStringList{names.topic(lab::topics::OrderCreated)},
        QMap<QString, QString>{{QStringLiteral("allow.auto.create.topics"), QStringLiteral("true")}});
    QVERIFY2(m_consumer->isValid(), qPrintable(m_consumer->creationError().toString()));
    connect(m_consumer.get(), &lab::KafkaConsumer::messagesReceived, this,
            [this](const lab::KafkaMessageList &messages) {
                m_received += messages;
                for (const auto &m : messages)
                    m_consumer->acknowledge(m);
            });
    m_consumer->start();
}

void TestOrderApi::cleanupTestCase()
{
    if (m_consumer)
        m_consumer->stop(5000);
    m_consumer.reset();
    m_stack.reset();
}

RawResponse TestOrderApi::send(const QByteArray &method, const QByteArray &path, const QByteArray &contentType,
                               const QByteArray &body) const
{
    return parseRaw(labtest::rawHttp(m_stack->port(QStringLiteral("order-service")),
                                     rawRequest(method, path, contentType, body), 15000));
}

QList<lab::OrderCreated> TestOrderApi::eventsFor(qint64 orderId) const
{
    QList<lab::OrderCreated> out;
    for (const auto &m : m_received) {
        const auto e = lab::OrderCreated::fromJson(m.value);
        if (e.ok() && e.value->orderId == orderId)
            out.append(*e.value);
    }
    return out;
}

void TestOrderApi::postSentinelAndWait()
{
    const qint64 id = m_nextSentinel++;
    const HttpResult r = labtest::httpPost(url(QStringLiteral("/create_order")),
                                           orderJson(id, QStringLiteral("sentinel"), 1));
    QCOMPARE(r.status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(!eventsFor(id).isEmpty(), kEventWaitMs);
}

void TestOrderApi::validOrderIsPublishedAfterKafkaAcknowledged()
{
    const HttpResult r = labtest::httpPost(url(QStringLiteral("/create_order")),
                                           R"({"order_id": 1, "item": "  mouse ", "quantity": 2})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().object(), (QJsonObject{{QStringLiteral("message"), QStringLiteral("Order created")}}));

    QTRY_COMPARE_WITH_TIMEOUT(eventsFor(1).size(), 1, kEventWaitMs);
    const lab::OrderCreated e = eventsFor(1).first();
    QCOMPARE(e.item, QStringLiteral("mouse")); // trimmed
    QCOMPARE(e.quantity, 2);
    QVERIFY(e.createdAt.isValid());
    QVERIFY(qAbs(e.createdAt.msecsTo(QDateTime::currentDateTimeUtc())) < 120000);
    for (const auto &m : std::as_const(m_received)) {
        const auto parsed = lab::OrderCreated::fromJson(m.value);
        QVERIFY2(parsed.ok(), m.value.constData());
        if (parsed.value->orderId == 1) {
            QCOMPARE(m.key, QByteArray("1")); // keyed by order_id
            QCOMPARE(m.topic, lab::Names(m_stack->ns()).topic(lab::topics::OrderCreated));
        }
    }
}

void TestOrderApi::rejectsBadRequests_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("field");
    QTest::addColumn<qint64>("orderId"); // the id the body names (0: none); never published

    const QByteArray post = "POST";
    const QByteArray create = "/create_order";
    const QByteArray json = "application/json";
    auto body = [](const char *orderId, const char *item, const char *quantity) {
        QByteArray b = "{";
        QList<QByteArray> parts;
        if (orderId)
            parts << QByteArray("\"order_id\": ") + orderId;
        if (item)
            parts << QByteArray("\"item\": ") + item;
        if (quantity)
            parts << QByteArray("\"quantity\": ") + quantity;
        return b + parts.join(", ") + "}";
    };
    const QString id = QStringLiteral("order_id");
    const QString item = QStringLiteral("item");
    const QString qty = QStringLiteral("quantity");

    QTest::newRow("not JSON") << post << create << json << QByteArray("{not json") << 400 << QString() << qint64(0);
    QTest::newRow("empty body") << post << create << json << QByteArray() << 400 << QString() << qint64(0);
    QTest::newRow("JSON array") << post << create << json << QByteArray("[2001, \"mouse\", 1]") << 400 << QString() << qint64(0);
    QTest::newRow("JSON string") << post << create << json << QByteArray("\"order\"") << 400 << QString() << qint64(0);
    QTest::newRow("invalid UTF-8") << post << create << json << body("2002", "\"m\xff\xfeuse\"", "1") << 400 << QString() << qint64(2002);
    QTest::newRow("truncated JSON") << post << create << json << QByteArray("{\"order_id\": 2003, \"item\": \"mouse\"") << 400 << QString() << qint64(2003);
    QTest::newRow("order_id missing") << post << create << json << body(nullptr, "\"mouse\"", "1") << 400 << id << qint64(0);
    QTest::newRow("order_id string") << post << create << json << body("\"2004\"", "\"mouse\"", "1") << 400 << id << qint64(2004);
    QTest::newRow("order_id zero") << post << create << json << body("0", "\"mouse\"", "1") << 400 << id << qint64(0);
    QTest::newRow("order_id negative") << post << create << json << body("-2005", "\"mouse\"", "1") << 400 << id << qint64(0);
    QTest::newRow("order_id fraction") << post << create << json << body("2006.5", "\"mouse\"", "1") << 400 << id << qint64(2006);
    QTest::newRow("order_id beyond 2^53") << post << create << json << body("9007199254740993", "\"mouse\"", "1") << 400 << id << qint64(0);
    QTest::newRow("order_id null") << post << create << json << body("null", "\"mouse\"", "1") << 400 << id << qint64(0);
    QTest::newRow("item missing") << post << create << json << body("2007", nullptr, "1") << 400 << item << qint64(2007);
    QTest::newRow("item number") << post << create << json << body("2008", "42", "1") << 400 << item << qint64(2008);
    QTest::newRow("item empty") << post << create << json << body("2009", "\"\"", "1") << 400 << item << qint64(2009);
    QTest::newRow("item blank") << post << create << json << body("2010", "\"   \"", "1") << 400 << item << qint64(2010);
    QTest::newRow("item too long") << post << create << json
                                   << body("2011", QByteArray("\"" + QByteArray(201, 'x') + "\"").constData(), "1")
                                   << 400 << item << qint64(2011);
    QTest::newRow("item control character") << post << create << json << body("2012", "\"mo\\u0001use\"", "1") << 400 << item << qint64(2012);
    QTest::newRow("item object") << post << create << json << body("2013", "{\"name\": \"mouse\"}", "1") << 400 << item << qint64(2013);
    QTest::newRow("quantity missing") << post << create << json << body("2014", "\"mouse\"", nullptr) << 400 << qty << qint64(2014);
    QTest::newRow("quantity zero") << post << create << json << body("2015", "\"mouse\"", "0") << 400 << qty << qint64(2015);
    QTest::newRow("quantity negative") << post << create << json << body("2016", "\"mouse\"", "-3") << 400 << qty << qint64(2016);
    QTest::newRow("quantity string") << post << create << json << body("2017", "\"mouse\"", "\"2\"") << 400 << qty << qint64(2017);
    QTest::newRow("quantity fraction") << post << create << json << body("2018", "\"mouse\"", "2.5") << 400 << qty << qint64(2018);
    QTest::newRow("quantity too large") << post << create << json << body("2019", "\"mouse\"", "1000001") << 400 << qty << qint64(2019);
    QTest::newRow("quantity boolean") << post << create << json << body("2020", "\"mouse\"", "true") << 400 << qty << qint64(2020);
    QTest::newRow("text/plain") << post << create << QByteArray("text/plain") << body("2021", "\"mouse\"", "1") << 415 << QString() << qint64(2021);
    QTest::newRow("form encoded") << post << create << QByteArray("application/x-www-form-urlencoded")
                                  << QByteArray("order_id=2022&item=mouse&quantity=1") << 415 << QString() << qint64(2022);
    QTest::newRow("JSON in latin1") << post << create << QByteArray("application/json; charset=iso-8859-1")
                                    << body("2023", "\"mouse\"", "1") << 415 << QString() << qint64(2023);
    QTest::newRow("GET create_order") << QByteArray("GET") << create << QByteArray() << QByteArray() << 405 << QString() << qint64(0);
    QTest::newRow("PUT create_order") << QByteArray("PUT") << create << json << body("2024", "\"mouse\"", "1") << 405 << QString() << qint64(2024);
    QTest::newRow("DELETE create_order") << QByteArray("DELETE") << create << QByteArray() << QByteArray() << 405 << QString() << qint64(0);
    QTest::newRow("unknown path") << post << QByteArray("/create_orders") << json << body("2025", "\"mouse\"", "1") << 404 << QString() << qint64(2025);
    QTest::newRow("root path") << QByteArray("GET") << QByteArray("/") << QByteArray() << QByteArray() << 404 << QString() << qint64(0);
    const QByteArray padding(70 * 1024, 'x');
    QTest::newRow("body of 70 KiB") << post << create << json
                                    << body("2026", QByteArray("\"" + padding + "\"").constData(), "1")
                                    << 413 << QString() << qint64(2026);
}

void TestOrderApi::rejectsBadRequests()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, field);
    QFETCH(qint64, orderId);
    if (orderId > 0)
        m_badIds.insert(orderId);

    const RawResponse r = send(method, path, contentType, body);
    QCOMPARE(r.status, status);
    QVERIFY2(r.head.contains("content-type: application/json"), r.head.constData());
    const QJsonObject error = r.json();
    QVERIFY2(!error.value(QStringLiteral("error")).toString().isEmpty(), r.body.constData());
    if (!field.isEmpty())
        QCOMPARE(error.value(QStringLiteral("field")).toString(), field);
}

void TestOrderApi::rejectedRequestsPublishNothing()
{
    QVERIFY(!m_badIds.isEmpty());
    postSentinelAndWait();
    for (const auto &m : std::as_const(m_received)) {
        const auto e = lab::OrderCreated::fromJson(m.value);
        QVERIFY2(e.ok(), m.value.constData());
        QVERIFY2(!m_badIds.contains(e.value->orderId),
                 qPrintable(QStringLiteral("rejected order %1 was published").arg(e.value->orderId)));
    }
}

void TestOrderApi::wrongMethodNamesAllowedMethod()
{
    const RawResponse create = send("GET", "/create_order", {}, {});
    QCOMPARE(create.status, 405);
    QVERIFY2(create.head.contains("\r\nallow: post"), create.head.constData());
    const RawResponse order = send("DELETE", "/orders/1", {}, {});
    QCOMPARE(order.status, 405);
    QVERIFY2(order.head.contains("\r\nallow: get"), order.head.constData());
}

void TestOrderApi::allowsCallsFromTheBrowserUi()
{
    // The page on :8000 (the default allowed origin) posts JSON, with a bearer token when
    // set, to :5000: a preflight first. Its own origin comes back, never "*".
    const quint16 port = m_stack->port(QStringLiteral("order-service"));
    const QByteArray page = "Origin: http://127.0.0.1:8000\r\n";
    const QByteArray preflight = "OPTIONS /create_order HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + page
                                 + "Access-Control-Request-Method: POST\r\n"
                                   "Access-Control-Request-Headers: authorization,content-type\r\n\r\n";
    const RawResponse p = parseRaw(labtest::rawHttp(port, preflight));
    QCOMPARE(p.status, 204);
    QVERIFY2(p.head.contains("\r\naccess-control-allow-origin: http://127.0.0.1:8000\r\n"), p.head.constData());
    QVERIFY2(p.head.contains("\r\nvary: origin"), p.head.constData());
    QVERIFY2(p.head.contains("\r\naccess-control-allow-methods: post, options"), p.head.constData());
    QVERIFY2(p.head.contains("\r\naccess-control-allow-headers: content-type, authorization"), p.head.constData());
    const auto fromPage = [&](const QByteArray &method, const QByteArray &path, const QByteArray &contentType,
                              const QByteArray &body) {
        return parseRaw(labtest::rawHttp(port, rawRequest(method, path, contentType, body)
                                                   .replace("Connection: close\r\n", "Connection: close\r\n" + page)));
    };
    // Every answer carries the grant, errors included.
    for (const QByteArray &path : {QByteArray("/orders/1"), QByteArray("/orders/424242"), QByteArray("/orders/x")}) {
        const RawResponse r = fromPage("GET", path, {}, {});
        QVERIFY2(r.head.contains("\r\naccess-control-allow-origin: http://127.0.0.1:8000\r\n"), r.head.constData());
    }
    const RawResponse created = fromPage("POST", "/create_order", "application/json", orderJson(7, QStringLiteral("pen"), 1));
    QCOMPARE(created.status, 200);
    QVERIFY2(created.head.contains("\r\naccess-control-allow-origin: http://127.0.0.1:8000\r\n"), created.head.constData());
    // Without Origin (curl, the console) there is nothing to grant.
    const RawResponse plain = send("GET", "/orders/7", {}, {});
    QCOMPARE(plain.status, 200);
    QVERIFY2(!plain.head.contains("access-control-allow-origin"), plain.head.constData());
}

void TestOrderApi::identicalRetryIsAnsweredWithoutSecondEvent()
{
    const QByteArray body = orderJson(3, QStringLiteral("keyboard"), 1);
    for (int attempt = 0; attempt < 3; ++attempt) {
        const HttpResult r = labtest::httpPost(url(QStringLiteral("/create_order")), body);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().object().value(QStringLiteral("message")).toString(), QStringLiteral("Order created"));
    }
    QTRY_COMPARE_WITH_TIMEOUT(eventsFor(3).size(), 1, kEventWaitMs);
    postSentinelAndWait();
    QCOMPARE(eventsFor(3).size(), 1);
}

void TestOrderApi::concurrentIdenticalRequestsShareOneEvent()
{
    QNetworkAccessManager nam;
    QList<QNetworkReply *> replies;
    for (int i = 0; i < 6; ++i) {
        QNetworkRequest req(url(QStringLiteral("/create_order")));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        replies << nam.post(req, orderJson(4, QStringLiteral("monitor"), 2));
    }
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(replies.cbegin(), replies.cend(),
                                         [](QNetworkReply *r) { return r->isFinished(); }),
                             kEventWaitMs);
    // One process answers its own concurrent duplicates together, after one event.
    for (QNetworkReply *r : std::as_const(replies)) {
        const int status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        QVERIFY2(status == 200, qPrintable(QStringLiteral("status %1: %2").arg(status).arg(QString::fromUtf8(r->readAll()))));
        r->deleteLater();
    }
    QTRY_COMPARE_WITH_TIMEOUT(eventsFor(4).size(), 1, kEventWaitMs);
    postSentinelAndWait();
    QCOMPARE(eventsFor(4).size(), 1);
}

void TestOrderApi::conflictingReuseIsRejected_data()
{
    QTest::addColumn<QString>("item");
    QTest::addColumn<qint64>("quantity");
    QTest::newRow("different item") << QStringLiteral("trackball") << qint64(5);
    QTest::newRow("different quantity") << QStringLiteral("webcam") << qint64(6);
    QTest::newRow("both different") << QStringLiteral("speaker") << qint64(1);
}

void TestOrderApi::conflictingReuseIsRejected()
{
    QFETCH(QString, item);
    QFETCH(qint64, quantity);
    const HttpResult first = labtest::httpPost(url(QStringLiteral("/create_order")),
                                               orderJson(5, QStringLiteral("webcam"), 5));
    QCOMPARE(first.status, 200);
    const HttpResult again = labtest::httpPost(url(QStringLiteral("/create_order")), orderJson(5, item, quantity));
    QCOMPARE(again.status, 409);
    QCOMPARE(again.json().object().value(QStringLiteral("field")).toString(), QStringLiteral("order_id"));
    QVERIFY(!again.json().object().value(QStringLiteral("error")).toString().isEmpty());
    postSentinelAndWait();
    QCOMPARE(eventsFor(5).size(), 1);
    QCOMPARE(eventsFor(5).first().item, QStringLiteral("webcam"));
}

void TestOrderApi::getOrderShowsItsStatus()
{
    const HttpResult created = labtest::httpPost(url(QStringLiteral("/create_order")),
                                                 orderJson(6, QStringLiteral("usb hub"), 3));
    QCOMPARE(created.status, 200);
    const HttpResult r = labtest::httpGet(url(QStringLiteral("/orders/6")));
    QCOMPARE(r.status, 200);
    const QJsonObject o = r.json().object();
    QCOMPARE(o.value(QStringLiteral("order_id")).toInteger(), 6);
    QCOMPARE(o.value(QStringLiteral("item")).toString(), QStringLiteral("usb hub"));
    QCOMPARE(o.value(QStringLiteral("quantity")).toInteger(), 3);
    // Only order-service runs here: nobody advances the status.
    QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("created"));
    QVERIFY(lab::parseTimestamp(o.value(QStringLiteral("created_at")).toString()).isValid());
    QVERIFY(!o.contains(QStringLiteral("state")));
    QVERIFY(!o.contains(QStringLiteral("claim_at")));
}

void TestOrderApi::getOrderRejectsBadIds_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::newRow("unknown id") << QStringLiteral("/orders/777777") << 404;
    QTest::newRow("letters") << QStringLiteral("/orders/abc") << 400;
    QTest::newRow("zero") << QStringLiteral("/orders/0") << 400;
    QTest::newRow("negative") << QStringLiteral("/orders/-1") << 400;
    QTest::newRow("fraction") << QStringLiteral("/orders/1.5") << 400;
    QTest::newRow("beyond 2^53") << QStringLiteral("/orders/9007199254740992") << 400;
    QTest::newRow("no id") << QStringLiteral("/orders/") << 404;
}

void TestOrderApi::getOrderRejectsBadIds()
{
    QFETCH(QString, path);
    QFETCH(int, status);
    const HttpResult r = labtest::httpGet(url(path));
    QCOMPARE(r.status, status);
    QVERIFY2(!r.json().object().value(QStringLiteral("error")).toString().isEmpty(), r.body.constData());
}

void TestOrderApi::servesOpenApiAndSwaggerUi()
{
    const HttpResult spec = labtest::httpGet(url(QStringLiteral("/openapi.json")));
    QCOMPARE(spec.status, 200);
    const QJsonObject doc = spec.json().object();
    QVERIFY(doc.value(QStringLiteral("openapi")).toString().startsWith(QStringLiteral("3.")));
    const QJsonObject paths = doc.value(QStringLiteral("paths")).toObject();
    QVERIFY(paths.contains(QStringLiteral("/create_order")));
    QVERIFY(paths.contains(QStringLiteral("/orders/{id}")));

    for (const QString &page : {QStringLiteral("/docs"), QStringLiteral("/docs/")}) {
        const HttpResult html = labtest::httpGet(url(page));
        QCOMPARE(html.status, 200);
        QVERIFY(html.body.contains("/docs/swagger-ui-bundle.js"));
        QVERIFY(html.body.contains("/docs/swagger-initializer.js"));
        QVERIFY(!html.body.contains("https://")); // nothing from a CDN
        QVERIFY(!html.body.contains("<style") && !html.body.contains("<script>")); // nothing inline: CSP
    }
    // Our initializer, not the distribution's petstore example.
    const HttpResult init = labtest::httpGet(url(QStringLiteral("/docs/swagger-initializer.js")));
    QCOMPARE(init.status, 200);
    QVERIFY2(init.body.contains("url: \"/openapi.json\"") && !init.body.contains("petstore"), init.body.constData());
    const HttpResult bundle = labtest::httpGet(url(QStringLiteral("/docs/swagger-ui-bundle.js")));
    QCOMPARE(bundle.status, 200);
    QVERIFY(bundle.body.size() > 100000);
    QCOMPARE(labtest::httpGet(url(QStringLiteral("/docs/swagger-ui.css"))).status, 200);
    QCOMPARE(labtest::httpGet(url(QStringLiteral("/docs/no-such-file.js"))).status, 404);
    QCOMPARE(send("GET", "/docs/%2e%2e%2fCMakeCache.txt", {}, {}).status, 404);
}

void TestOrderApi::countsRequestsInMetrics()
{
    const QByteArray ok = "lab_http_requests_total{route=\"/create_order\",code=\"200\"}";
    const QByteArray bad = "lab_http_requests_total{route=\"/create_order\",code=\"400\"}";
    const QByteArray produced = "lab_events_produced_total{topic=\"order.created\"}";
    const auto metrics = [this] {
        const HttpResult m = labtest::httpGet(url(QStringLiteral("/metrics")));
        return m.status == 200 ? m.body : QByteArray();
    };
    const QByteArray before = metrics();
    QVERIFY(!before.isEmpty());
    // The tests above sent both kinds already: every series exists.
    for (const QByteArray &series : {ok, bad, produced})
        QVERIFY2(labtest::metricValue(before, series).has_value(), series.constData());
    QVERIFY(before.contains("lab_handler_seconds_bucket"));

    // Values move with what happens: one order accepted, one refused, nothing else
    // posts to this order-service meanwhile.
    QCOMPARE(labtest::httpPost(url(QStringLiteral("/create_order")), orderJson(8, QStringLiteral("fan"), 1)).status, 200);
    QCOMPARE(labtest::httpPost(url(QStringLiteral("/create_order")), orderJson(8, QString(), 1)).status, 400);
    const QByteArray after = metrics();
    QCOMPARE(*labtest::metricValue(after, ok), *labtest::metricValue(before, ok) + 1);
    QCOMPARE(*labtest::metricValue(after, bad), *labtest::metricValue(before, bad) + 1);
    QCOMPARE(*labtest::metricValue(after, produced), *labtest::metricValue(before, produced) + 1);
    QVERIFY(labtest::metricSum(after, "lab_handler_seconds_count") > labtest::metricSum(before, "lab_handler_seconds_count"));
}

void TestOrderApi::redisDownAnswers503AndAcceptsNothing()
{
    ServiceStack stack;
    stack.setEnv(QStringLiteral("REDIS_PORT"), QString::number(labtest::freePort()));
    QCOMPARE(stack.start(QStringLiteral("order-service"), nullptr, 1500), -1); // never healthy
    QVERIFY(stack.isRunning(QStringLiteral("order-service")));
    const QUrl health = stack.url(QStringLiteral("order-service"), QStringLiteral("/healthz"));
    QTRY_COMPARE_WITH_TIMEOUT(labtest::httpGet(health).status, 503, 15000);
    QVERIFY(labtest::httpGet(health).json().object().value(QStringLiteral("checks")).toObject()
                .value(QStringLiteral("redis")).toString() != QStringLiteral("ok"));

    QElapsedTimer t;
    t.start();
    const HttpResult r = labtest::httpPost(stack.url(QStringLiteral("order-service"), QStringLiteral("/create_order")),
                                           orderJson(1, QStringLiteral("mouse"), 1));
    QCOMPARE(r.status, 503);
    QVERIFY(t.elapsed() < 10000);
    QVERIFY2(r.json().object().value(QStringLiteral("error")).toString().contains(QStringLiteral("Redis")), r.body.constData());
    QCOMPARE(labtest::httpGet(stack.url(QStringLiteral("order-service"), QStringLiteral("/orders/1"))).status, 503);
}

void TestOrderApi::kafkaDownAnswers503WithinBoundedTime()
{
    ServiceStack stack;
    stack.setEnv(QStringLiteral("KAFKA_BROKERS"), QStringLiteral("127.0.0.1:%1").arg(labtest::freePort()));
    stack.setEnv(QStringLiteral("ORDER_KAFKA_TIMEOUT_MS"), QStringLiteral("1500"));
    QCOMPARE(stack.start(QStringLiteral("order-service"), nullptr, 1500), -1); // never healthy
    QVERIFY(stack.isRunning(QStringLiteral("order-service")));
    const QUrl health = stack.url(QStringLiteral("order-service"), QStringLiteral("/healthz"));
    QTRY_COMPARE_WITH_TIMEOUT(labtest::httpGet(health).status, 503, 15000);
    QVERIFY(labtest::httpGet(health).json().object().value(QStringLiteral("checks")).toObject()
                .value(QStringLiteral("kafka")).toString() != QStringLiteral("ok"));

    QElapsedTimer t;
    t.start();
    const HttpResult r = labtest::httpPost(stack.url(QStringLiteral("order-service"), QStringLiteral("/create_order")),
                                           orderJson(1, QStringLiteral("mouse"), 1));
    QCOMPARE(r.status, 503);
    QVERIFY2(t.elapsed() < 8000, qPrintable(QStringLiteral("took %1 ms").arg(t.elapsed())));
    QVERIFY2(r.json().object().value(QStringLiteral("error")).toString().contains(QStringLiteral("Kafka")), r.body.constData());
    // Nothing half-accepted: the attempt was voided (should Kafka hold its record after
    // all, no consumer acts on it), the order does not exist, and the same order may be
    // submitted again (503 again, not 409 or "in flight").
    QCOMPARE(labtest::httpGet(stack.url(QStringLiteral("order-service"), QStringLiteral("/orders/1"))).status, 404);
    QCOMPARE(redisHget(labtest::redisPort(), lab::Names(stack.ns()).orderKey(1), "state"), QByteArray("void"));
    const HttpResult again = labtest::httpPost(stack.url(QStringLiteral("order-service"), QStringLiteral("/create_order")),
                                               orderJson(1, QStringLiteral("mouse"), 1));
    QCOMPARE(again.status, 503);
    QVERIFY2(again.json().object().value(QStringLiteral("error")).toString().contains(QStringLiteral("Kafka")), again.body.constData());

    // SIGTERM while an order waits for Kafka: it still gets its answer, then exit 0.
    QNetworkAccessManager nam;
    QNetworkRequest req(stack.url(QStringLiteral("order-service"), QStringLiteral("/create_order")));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    std::unique_ptr<QNetworkReply> pending(nam.post(req, orderJson(2, QStringLiteral("mouse"), 1)));
    const QUrl metrics = stack.url(QStringLiteral("order-service"), QStringLiteral("/metrics"));
    QTRY_VERIFY_WITH_TIMEOUT(labtest::httpGet(metrics).body.contains("\nlab_orders_in_flight 1\n"), 10000);
    stack.terminate(QStringLiteral("order-service"));
    QCOMPARE(stack.exitCode(QStringLiteral("order-service")), 0);
    QTRY_VERIFY_WITH_TIMEOUT(pending->isFinished(), 10000);
    QCOMPARE(pending->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 503);
}

// Kafka times out while Redis is gone too: the client gets its 503 at once, and the
// attempt is voided as soon as Redis is back (a record Kafka stored anyway would then be
// refused). A private Redis with fsync always, killed and restarted on its data.
void TestOrderApi::attemptIsVoidedOnceRedisIsBack()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    labtest::PrivateRedis redisServer({QStringLiteral("--dir"), dir.path(), QStringLiteral("--appendonly"),
                                       QStringLiteral("yes"), QStringLiteral("--appendfsync"), QStringLiteral("always")});
    const QString started = redisServer.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    const quint16 port = redisServer.port();

    ServiceStack stack;
    stack.setEnv(QStringLiteral("KAFKA_BROKERS"), QStringLiteral("127.0.0.1:%1").arg(labtest::freePort()));
    stack.setEnv(QStringLiteral("ORDER_KAFKA_TIMEOUT_MS"), QStringLiteral("3000"));
    stack.setEnv(QStringLiteral("REDIS_PORT"), QString::number(port));
    QCOMPARE(stack.start(QStringLiteral("order-service"), nullptr, 1500), -1); // never healthy: no Kafka
    QVERIFY(stack.isRunning(QStringLiteral("order-service")));

    QNetworkAccessManager nam;
    QNetworkRequest req(stack.url(QStringLiteral("order-service"), QStringLiteral("/create_order")));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    std::unique_ptr<QNetworkReply> pending(nam.post(req, orderJson(3, QStringLiteral("mouse"), 1)));
    const lab::Names names(stack.ns());
    const auto state = [&] { return redisHget(port, names.orderKey(3), "state"); };
    QTRY_COMPARE_WITH_TIMEOUT(state(), QByteArray("pending"), 5000); // claimed, waiting for Kafka
    redisServer.kill();

    QTRY_VERIFY_WITH_TIMEOUT(pending->isFinished(), 15000);
    QCOMPARE(pending->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 503);

    const QString restarted = redisServer.start(); // on the same data
    QVERIFY2(restarted.isEmpty(), qPrintable(restarted));
    QTRY_COMPARE_WITH_TIMEOUT(state(), QByteArray("void"), 20000);
    const QUrl metrics = stack.url(QStringLiteral("order-service"), QStringLiteral("/metrics"));
    QVERIFY(!labtest::httpGet(metrics).body.contains("void_too_late"));
    redisServer.terminate();
}

void TestOrderApi::terminatesCleanlyOnSigterm()
{
    m_stack->terminate(QStringLiteral("order-service"));
    QVERIFY(!m_stack->isRunning(QStringLiteral("order-service")));
    QCOMPARE(m_stack->exitCode(QStringLiteral("order-service")), 0);
}

QTEST_GUILESS_MAIN(TestOrderApi)
#include "tst_orderapi.moc"
