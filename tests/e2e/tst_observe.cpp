// tst_observe: what operators see inside the pipeline, with the five services as real
// processes (labtest::ServiceStack, a namespace of their own) against the real Kafka,
// Redis and Elasticsearch:
//  - each order's journey: GET /orders/{id} gives the six hops in order with one trace
//    id, the WebSocket notification carries the same trace and the stamps up to
//    "correlated", and the Kafka records carry them as headers (W3C traceparent);
//  - consumer lag (notifier-service GET /kafka/lag and lab_kafka_consumer_lag): it grows
//    while payment-service is stopped (SIGSTOP) under load and returns to 0 once it
//    runs again;
//  - /kafka/topics and /kafka/tail, and their validation;
//  - search-service's order-log explorer: GET /stats (a date histogram by status) and
//    the status and time filters of /search, against what was really indexed.
// Time bounds are hang detectors only (QTRY_*_WITH_TIMEOUT, generous).
#include "servicestack.h"
#include "testinfra.h"

#include "lab/contract/events.h"
#include "lab/contract/journey.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QUrlQuery>
#include <QWebSocket>
#include <QtTest>

#include <memory>

using labtest::orderJson;
using labtest::ServiceStack;

namespace {

/// Hang detector for anything that crosses the whole pipeline.
constexpr int kFlowTimeoutMs = 60000;

QStringList hopNames(const QJsonArray &timeline)
{
    QStringList out;
    for (const QJsonValue &v : timeline)
        out.append(v.toObject().value(QLatin1String("hop")).toString());
    return out;
}

qint64 stamp(const QJsonArray &timeline, const QString &hop)
{
    for (const QJsonValue &v : timeline)
        if (v.toObject().value(QLatin1String("hop")).toString() == hop)
            return v.toObject().value(QLatin1String("at_us")).toInteger(-1);
    return -1;
}

} // namespace

class TestObserve : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void orderJourneyHasEveryHopInOrderWithOneTrace();
    void lagOfAPausedConsumerGrowsAndReturnsToZero();
    void topicsListPartitionsAndWatermarks();
    void tailShowsTheLastRecordsWithTheirHeaders();
    void tailRejectsBadParameters_data();
    void tailRejectsBadParameters();
    void statsCountIndexedOrdersByStatus();
    void searchFiltersByStatusAndTime();
    void statsRejectsBadParameters_data();
    void statsRejectsBadParameters();

private:
    labtest::HttpResult post(qint64 id, const QString &item, qint64 quantity)
    {
        return labtest::httpPost(m_stack->url(QStringLiteral("order-service"), QStringLiteral("/create_order")),
                                 orderJson(id, item, quantity));
    }
    /// A service's URL for "/path?query" (ServiceStack::url() takes a path only).
    QUrl url(const QString &service, const QString &pathAndQuery) const
    {
        const qsizetype q = pathAndQuery.indexOf(QLatin1Char('?'));
        QUrl u = m_stack->url(service, pathAndQuery.left(q));
        if (q >= 0)
            u.setQuery(pathAndQuery.mid(q + 1), QUrl::TolerantMode);
        return u;
    }
    QJsonObject getJson(const QString &service, const QString &pathAndQuery, int *status = nullptr)
    {
        const labtest::HttpResult r = labtest::httpGet(url(service, pathAndQuery));
        if (status)
            *status = r.status;
        return r.json().object();
    }
    /// The lag /kafka/lag reports for a group on a topic; -1 when it does not list it.
    qint64 lagOf(const QString &group, const QString &topic)
    {
        const QJsonObject lag = getJson(QStringLiteral("notifier-service"), QStringLiteral("/kafka/lag"));
        for (const QJsonValue &g : lag.value(QLatin1String("groups")).toArray())
            if (g.toObject().value(QLatin1String("group")).toString() == group)
                for (const QJsonValue &t : g.toObject().value(QLatin1String("topics")).toArray())
                    if (t.toObject().value(QLatin1String("topic")).toString() == topic)
                        return t.toObject().value(QLatin1String("lag")).toInteger(-1);
        return -1;
    }
    QString topic(const QString &base) const { return m_stack->ns() + QLatin1Char('.') + base; }
    QString group(const QString &service) const { return m_stack->ns() + QLatin1Char('.') + service; }

    std::unique_ptr<ServiceStack> m_stack;
    qint64 m_nextId = 1;
};

void TestObserve::initTestCase()
{
    LAB_REQUIRE_KAFKA();
    LAB_REQUIRE_REDIS();
    LAB_REQUIRE_ELASTIC();
    m_stack = std::make_unique<ServiceStack>();
    // lag rounds once a second, so the test waits for Kafka, not for the inspector
    m_stack->setEnv(QStringLiteral("NOTIFIER_KAFKA_INSPECT_INTERVAL_MS"), QStringLiteral("1000"));
    // payment fails above 1,000,000 cents: "tv" x 2000 at the default 1000 cents fails
    m_stack->setEnv(QStringLiteral("PAYMENT_LIMIT_CENTS"), QStringLiteral("1000000"));
    const QString error = m_stack->startAll();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestObserve::cleanupTestCase()
{
    if (m_stack && m_stack->isRunning(QStringLiteral("payment-service")))
        m_stack->resume(QStringLiteral("payment-service"));
    m_stack.reset();
}

void TestObserve::orderJourneyHasEveryHopInOrderWithOneTrace()
{
    QWebSocket feed;
    QList<lab::Notification> received;
    connect(&feed, &QWebSocket::textMessageReceived, this, [&](const QString &text) {
        const auto n = lab::Notification::fromJson(text.toUtf8());
        QVERIFY2(n.ok(), qPrintable(n.error));
        if (!n.value->backlog)
            received.append(*n.value);
    });
    QSignalSpy connected(&feed, &QWebSocket::connected);
    QUrl ws = m_stack->url(QStringLiteral("notifier-service"), QStringLiteral("/ws"));
    ws.setScheme(QStringLiteral("ws"));
    feed.open(ws);
    QVERIFY(connected.wait(10000));

    const qint64 id = m_nextId++;
    QCOMPARE(post(id, QStringLiteral("journey lamp"), 1).status, 200);

    // GET /orders/{id}: all six hops once notified, in pipeline order, one trace id
    QJsonObject view;
    const QStringList all{QStringLiteral("received"), QStringLiteral("kafka_acknowledged"),
                          QStringLiteral("payment_decided"), QStringLiteral("stock_decided"),
                          QStringLiteral("correlated"), QStringLiteral("notified")};
    QTRY_VERIFY_WITH_TIMEOUT((view = getJson(QStringLiteral("order-service"), QStringLiteral("/orders/%1").arg(id)),
                              hopNames(view.value(QLatin1String("timeline")).toArray()) == all),
                             kFlowTimeoutMs);
    const QJsonArray timeline = view.value(QLatin1String("timeline")).toArray();
    const QByteArray traceId = view.value(QLatin1String("trace_id")).toString().toLatin1();
    QVERIFY2(lab::journey::TraceContext::isTraceId(traceId), traceId.constData());
    // causality, each stamp from its own service's clock (one machine here)
    const qint64 received0 = stamp(timeline, QStringLiteral("received"));
    for (const QString &later : all.mid(1))
        QVERIFY2(stamp(timeline, later) >= received0, qPrintable(later));
    QVERIFY(stamp(timeline, QStringLiteral("correlated")) >= stamp(timeline, QStringLiteral("payment_decided")));
    QVERIFY(stamp(timeline, QStringLiteral("correlated")) >= stamp(timeline, QStringLiteral("stock_decided")));
    QVERIFY(stamp(timeline, QStringLiteral("notified")) >= stamp(timeline, QStringLiteral("correlated")));
    QCOMPARE(timeline.first().toObject().value(QLatin1String("elapsed_ms")).toDouble(), 0.0);
    QCOMPARE(timeline.last().toObject().value(QLatin1String("elapsed_ms")).toDouble(),
             double(stamp(timeline, QStringLiteral("notified")) - received0) / 1000.0);

    // the live notification: the same trace, the stamps up to "correlated", equal to Redis'
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(received.cbegin(), received.cend(),
                                         [id](const lab::Notification &n) { return n.orderId == id; }),
                             kFlowTimeoutMs);
    const auto n = *std::find_if(received.cbegin(), received.cend(), [id](const lab::Notification &x) { return x.orderId == id; });
    QCOMPARE(n.timeline.traceId(), traceId);
    QCOMPARE(hopNames(n.timeline.toJson()), all.mid(0, 5));
    for (const QString &hop : all.mid(0, 5))
        QCOMPARE(n.timeline.at(*lab::journey::fromName(hop)), stamp(timeline, hop));

    // the Kafka records: a W3C traceparent of the order's trace and the hop stamps
    const QJsonObject tail = getJson(QStringLiteral("notifier-service"),
                                     QStringLiteral("/kafka/tail?topic=%1&n=100").arg(topic(QStringLiteral("order.notification"))));
    QJsonObject headers;
    for (const QJsonValue &r : tail.value(QLatin1String("records")).toArray())
        if (r.toObject().value(QLatin1String("key")).toString() == QString::number(id))
            headers = r.toObject().value(QLatin1String("headers")).toObject();
    const lab::journey::TraceContext parent =
        lab::journey::TraceContext::parse(headers.value(QLatin1String("traceparent")).toString().toLatin1());
    QVERIFY2(parent.isValid(), qPrintable(QJsonDocument(headers).toJson(QJsonDocument::Compact)));
    QCOMPARE(parent.traceId, traceId);
    QCOMPARE(headers.value(QLatin1String("lab-hop-received")).toString().toLongLong(), received0);
    QCOMPARE(headers.value(QLatin1String("lab-hop-correlated")).toString().toLongLong(),
             stamp(timeline, QStringLiteral("correlated")));
    const QJsonObject created = getJson(QStringLiteral("notifier-service"),
                                        QStringLiteral("/kafka/tail?topic=%1&n=100").arg(topic(QStringLiteral("order.created"))));
    bool found = false;
    for (const QJsonValue &r : created.value(QLatin1String("records")).toArray()) {
        const QJsonObject h = r.toObject().value(QLatin1String("headers")).toObject();
        if (r.toObject().value(QLatin1String("key")).toString() != QString::number(id))
            continue;
        found = true;
        QCOMPARE(lab::journey::TraceContext::parse(h.value(QLatin1String("traceparent")).toString().toLatin1()).traceId,
                 traceId);
        QCOMPARE(h.value(QLatin1String("lab-hop-received")).toString().toLongLong(), received0);
    }
    QVERIFY(found);
}

void TestObserve::lagOfAPausedConsumerGrowsAndReturnsToZero()
{
    const QString paymentGroup = group(QStringLiteral("payment-service"));
    const QString created = topic(QStringLiteral("order.created"));
    // payment-service has committed on order.created (the journey test's order): 0
    QTRY_COMPARE_WITH_TIMEOUT(lagOf(paymentGroup, created), qint64(0), kFlowTimeoutMs);

    m_stack->pause(QStringLiteral("payment-service"));
    constexpr int kOrders = 40;
    for (int i = 0; i < kOrders; ++i)
        QCOMPARE(post(m_nextId++, QStringLiteral("lag probe"), 1).status, 200);
    // nobody commits for the group: the lag is every order posted since
    QTRY_COMPARE_WITH_TIMEOUT(lagOf(paymentGroup, created), qint64(kOrders), kFlowTimeoutMs);
    // and Prometheus sees it too
    const QByteArray metrics = labtest::httpGet(m_stack->url(QStringLiteral("notifier-service"), QStringLiteral("/metrics"))).body;
    QVERIFY2(metrics.contains(QStringLiteral("lab_kafka_consumer_group_lag{group=\"%1\"} %2").arg(paymentGroup).arg(kOrders).toUtf8()),
             metrics.constData());
    // inventory-service kept up meanwhile
    QTRY_COMPARE_WITH_TIMEOUT(lagOf(group(QStringLiteral("inventory-service")), created), qint64(0), kFlowTimeoutMs);

    m_stack->resume(QStringLiteral("payment-service"));
    QTRY_COMPARE_WITH_TIMEOUT(lagOf(paymentGroup, created), qint64(0), kFlowTimeoutMs);
    QVERIFY(labtest::httpGet(m_stack->url(QStringLiteral("notifier-service"), QStringLiteral("/metrics")))
                .body.contains(QStringLiteral("lab_kafka_consumer_group_lag{group=\"%1\"} 0").arg(paymentGroup).toUtf8()));
}

void TestObserve::topicsListPartitionsAndWatermarks()
{
    const QJsonObject topics = getJson(QStringLiteral("notifier-service"), QStringLiteral("/kafka/topics"));
    QStringList names;
    qint64 createdRecords = -1;
    for (const QJsonValue &v : topics.value(QLatin1String("topics")).toArray()) {
        const QJsonObject t = v.toObject();
        names.append(t.value(QLatin1String("topic")).toString());
        QVERIFY(!t.value(QLatin1String("partitions")).toArray().isEmpty());
        qint64 sum = 0;
        for (const QJsonValue &p : t.value(QLatin1String("partitions")).toArray()) {
            const QJsonObject o = p.toObject();
            QVERIFY(o.value(QLatin1String("end")).toInteger() >= o.value(QLatin1String("start")).toInteger());
            sum += o.value(QLatin1String("records")).toInteger();
        }
        QCOMPARE(t.value(QLatin1String("records")).toInteger(), sum);
        if (names.last() == topic(QStringLiteral("order.created")))
            createdRecords = sum;
    }
    QCOMPARE(names.size(), 6);
    QVERIFY(names.contains(topic(QStringLiteral("order.notification"))));
    QVERIFY2(createdRecords >= m_nextId - 1, qPrintable(QString::number(createdRecords))); // every order posted so far
}

void TestObserve::tailShowsTheLastRecordsWithTheirHeaders()
{
    const qint64 last = m_nextId - 1;
    const QJsonObject tail = getJson(QStringLiteral("notifier-service"),
                                     QStringLiteral("/kafka/tail?topic=%1&n=3").arg(topic(QStringLiteral("order.created"))));
    const QJsonArray records = tail.value(QLatin1String("records")).toArray();
    QCOMPARE(records.size(), 3);
    const QJsonObject newest = records.last().toObject();
    QCOMPARE(newest.value(QLatin1String("key")).toString(), QString::number(last));
    QCOMPARE(newest.value(QLatin1String("value")).toObject().value(QLatin1String("order_id")).toInteger(), last);
    QVERIFY(newest.value(QLatin1String("headers")).toObject().contains(QLatin1String("traceparent")));
    QVERIFY(records.first().toObject().value(QLatin1String("timestamp")).toString()
            <= newest.value(QLatin1String("timestamp")).toString());
}

void TestObserve::tailRejectsBadParameters_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("field");
    QTest::newRow("no topic") << QString() << "topic";
    QTest::newRow("a topic outside the contract") << "topic=__consumer_offsets" << "topic";
    QTest::newRow("another namespace's") << "topic=order.created" << "topic";
    QTest::newRow("n 0") << "topic=%1&n=0" << "n";
    QTest::newRow("n 101") << "topic=%1&n=101" << "n";
    QTest::newRow("n text") << "topic=%1&n=ten" << "n";
}

void TestObserve::tailRejectsBadParameters()
{
    QFETCH(QString, query);
    QFETCH(QString, field);
    int status = 0;
    const QJsonObject body = getJson(QStringLiteral("notifier-service"),
                                     QStringLiteral("/kafka/tail?") + query.arg(topic(QStringLiteral("order.created"))), &status);
    QCOMPARE(status, 400);
    QCOMPARE(body.value(QLatin1String("field")).toString(), field);
    QVERIFY(!body.value(QLatin1String("error")).toString().isEmpty());
}

void TestObserve::statsCountIndexedOrdersByStatus()
{
    const QString item = QStringLiteral("stats%1").arg(QDateTime::currentMSecsSinceEpoch());
    const QString from = lab::isoTimestamp(QDateTime::currentDateTimeUtc().addSecs(-60));
    QList<qint64> ids;
    for (int i = 0; i < 4; ++i) {
        ids.append(m_nextId++);
        QCOMPARE(post(ids.last(), item, 1).status, 200); // confirmed
    }
    ids.append(m_nextId++);
    QCOMPARE(post(ids.last(), item, 2000).status, 200); // payment fails: 2,000,000 cents > the limit
    const QString query = QStringLiteral("/stats?interval=1m&item=%1&from=%2").arg(item, from);
    QJsonObject stats;
    QTRY_VERIFY_WITH_TIMEOUT((stats = getJson(QStringLiteral("search-service"), query),
                              stats.value(QLatin1String("statuses")).toObject().value(QLatin1String("confirmed")).toInt() == 4
                                  && stats.value(QLatin1String("statuses")).toObject().value(QLatin1String("failed")).toInt() == 1),
                             kFlowTimeoutMs);
    QCOMPARE(stats.value(QLatin1String("total")).toInt(), 5);
    QCOMPARE(stats.value(QLatin1String("statuses")).toObject().value(QLatin1String("created")).toInt(), 0);
    QCOMPARE(stats.value(QLatin1String("interval")).toString(), QStringLiteral("1m"));
    // every minute of the range is a bucket (empty ones too), and they add up
    const QJsonArray buckets = stats.value(QLatin1String("buckets")).toArray();
    QVERIFY2(buckets.size() >= 2 && buckets.size() <= 3, qPrintable(QString::number(buckets.size())));
    int sum = 0, failed = 0;
    for (const QJsonValue &b : buckets) {
        sum += b.toObject().value(QLatin1String("total")).toInt();
        failed += b.toObject().value(QLatin1String("statuses")).toObject().value(QLatin1String("failed")).toInt();
    }
    QCOMPARE(sum, 5);
    QCOMPARE(failed, 1);
    // the status filter narrows the histogram
    const QJsonObject onlyFailed = getJson(QStringLiteral("search-service"), query + QStringLiteral("&status=failed"));
    QCOMPARE(onlyFailed.value(QLatin1String("total")).toInt(), 1);
    // a range before the orders: every bucket empty
    const QJsonObject before = getJson(QStringLiteral("search-service"),
                                       QStringLiteral("/stats?interval=1h&item=%1&to=%2").arg(item, from));
    QCOMPARE(before.value(QLatin1String("total")).toInt(), 0);
    QCOMPARE(before.value(QLatin1String("buckets")).toArray().size(), 2); // the hour before `from`, 1h buckets
}

void TestObserve::searchFiltersByStatusAndTime()
{
    const QString item = QStringLiteral("filter%1").arg(QDateTime::currentMSecsSinceEpoch());
    const qint64 ok1 = m_nextId++, bad = m_nextId++;
    QCOMPARE(post(ok1, item, 1).status, 200);
    QCOMPARE(post(bad, item, 2000).status, 200);
    auto ids = [this, &item](const QString &extra) {
        QList<qint64> out;
        const auto r = labtest::httpGet(url(QStringLiteral("search-service"), QStringLiteral("/search?item=%1%2").arg(item, extra)));
        for (const QJsonValue &v : r.json().array())
            out.append(v.toObject().value(QLatin1String("order_id")).toInteger());
        return out;
    };
    QTRY_COMPARE_WITH_TIMEOUT(ids(QStringLiteral("&status=failed")), QList<qint64>{bad}, kFlowTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(ids(QStringLiteral("&status=confirmed")), QList<qint64>{ok1}, kFlowTimeoutMs);
    QCOMPARE(ids(QStringLiteral("&status=created")), QList<qint64>{});
    // the time range is on the order's creation time: from_time inclusive, to_time exclusive
    const auto docs = labtest::httpGet(url(QStringLiteral("search-service"), QStringLiteral("/search?item=%1").arg(item)))
                          .json().array();
    QCOMPARE(docs.size(), 2);
    QString t1;
    for (const QJsonValue &d : docs)
        if (d.toObject().value(QLatin1String("order_id")).toInteger() == ok1)
            t1 = d.toObject().value(QLatin1String("timestamp")).toString();
    const QByteArray t1Encoded = QUrl::toPercentEncoding(t1);
    QVERIFY(ids(QStringLiteral("&from_time=") + QString::fromLatin1(t1Encoded)).contains(ok1));
    QVERIFY(!ids(QStringLiteral("&to_time=") + QString::fromLatin1(t1Encoded)).contains(ok1));
    const qint64 t1ms = lab::parseTimestamp(t1).toMSecsSinceEpoch();
    QVERIFY(ids(QStringLiteral("&to_time=%1").arg(t1ms + 1)).contains(ok1)); // epoch milliseconds work too
    QCOMPARE(ids(QStringLiteral("&from_time=%1").arg(QDateTime::currentMSecsSinceEpoch() + 60000)), QList<qint64>{});
}

void TestObserve::statsRejectsBadParameters_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("field");
    QTest::newRow("interval without unit") << "interval=5" << "interval";
    QTest::newRow("interval unit") << "interval=5w" << "interval";
    QTest::newRow("interval 0") << "interval=0m" << "interval";
    QTest::newRow("too many buckets") << "interval=1s&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z" << "interval";
    QTest::newRow("from without zone") << "from=2026-01-01T00:00:00" << "from";
    QTest::newRow("to garbage") << "to=yesterday" << "to";
    QTest::newRow("to before from") << "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z" << "to";
    QTest::newRow("status") << "status=lost" << "status";
}

void TestObserve::statsRejectsBadParameters()
{
    QFETCH(QString, query);
    QFETCH(QString, field);
    int status = 0;
    const QJsonObject body = getJson(QStringLiteral("search-service"), QStringLiteral("/stats?") + query, &status);
    QCOMPARE(status, 400);
    QCOMPARE(body.value(QLatin1String("field")).toString(), field);
    QVERIFY(!body.value(QLatin1String("error")).toString().isEmpty());
}

QTEST_MAIN(TestObserve)
#include "tst_observe.moc"
