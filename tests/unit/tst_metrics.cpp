// tst_metrics: the Prometheus text exposition (shared/lab/runtime/metrics.h).
#include "lab/runtime/metrics.h"

#include <QTest>

using namespace lab;

class TestMetrics : public QObject
{
    Q_OBJECT

private slots:
    void init() { Metrics::instance().reset(); }
    void cleanupTestCase() { Metrics::instance().reset(); }

    void emptyRegistryShouldRenderNothing();
    void counterShouldRenderHelpTypeAndValue();
    void countersWithLabelsShouldBeSeparateSeries();
    void gaugeShouldKeepTheLastValue();
    void histogramShouldRenderCumulativeBucketsSumAndCount();
    void histogramShouldMergeLeIntoExistingLabels();
    void observationsShouldLandInTheRightBucket_data();
    void observationsShouldLandInTheRightBucket();
    void helpShouldBeEscaped();
    void aNameShouldKeepItsFirstType();
    void valueOfAbsentSeriesShouldBeZero();
};

void TestMetrics::emptyRegistryShouldRenderNothing()
{
    QCOMPARE(Metrics::instance().render(), QByteArray());
}

void TestMetrics::counterShouldRenderHelpTypeAndValue()
{
    Metrics &m = Metrics::instance();
    m.increment(QStringLiteral("orders_created_total"), QStringLiteral("Orders accepted."));
    m.increment(QStringLiteral("orders_created_total"), QStringLiteral("Orders accepted."));
    m.increment(QStringLiteral("orders_created_total"), QStringLiteral("Orders accepted."), {}, 0.5);
    QCOMPARE(m.value(QStringLiteral("orders_created_total")), 2.5);
    QCOMPARE(m.render(), QByteArray("# HELP orders_created_total Orders accepted.\n"
                                    "# TYPE orders_created_total counter\n"
                                    "orders_created_total 2.5\n"));
}

void TestMetrics::countersWithLabelsShouldBeSeparateSeries()
{
    Metrics &m = Metrics::instance();
    const QString name = QStringLiteral("kafka_messages_total");
    m.increment(name, QStringLiteral("Messages."), QStringLiteral("topic=\"order.created\""));
    m.increment(name, QStringLiteral("Messages."), QStringLiteral("topic=\"payment.failed\""), 3);
    m.increment(name, QStringLiteral("Messages."), QStringLiteral("topic=\"order.created\""));
    QCOMPARE(m.value(name, QStringLiteral("topic=\"order.created\"")), 2.0);
    QCOMPARE(m.value(name, QStringLiteral("topic=\"payment.failed\"")), 3.0);
    QCOMPARE(m.render(), QByteArray("# HELP kafka_messages_total Messages.\n"
                                    "# TYPE kafka_messages_total counter\n"
                                    "kafka_messages_total{topic=\"order.created\"} 2\n"
                                    "kafka_messages_total{topic=\"payment.failed\"} 3\n"));
}

void TestMetrics::gaugeShouldKeepTheLastValue()
{
    Metrics &m = Metrics::instance();
    m.setGauge(QStringLiteral("websocket_clients"), QStringLiteral("Connected clients."), 4);
    m.setGauge(QStringLiteral("websocket_clients"), QStringLiteral("Connected clients."), 3);
    m.setGauge(QStringLiteral("redis_up"), QStringLiteral("Redis reachable."), 0.25);
    QCOMPARE(m.render(), QByteArray("# HELP redis_up Redis reachable.\n"
                                    "# TYPE redis_up gauge\n"
                                    "redis_up 0.25\n"
                                    "# HELP websocket_clients Connected clients.\n"
                                    "# TYPE websocket_clients gauge\n"
                                    "websocket_clients 3\n"));
}

void TestMetrics::histogramShouldRenderCumulativeBucketsSumAndCount()
{
    Metrics &m = Metrics::instance();
    const QString name = QStringLiteral("request_seconds");
    m.observe(name, QStringLiteral("Latency."), 0.0003);
    m.observe(name, QStringLiteral("Latency."), 0.02);
    m.observe(name, QStringLiteral("Latency."), 0.02);
    m.observe(name, QStringLiteral("Latency."), 30);
    QCOMPARE(m.value(name), 4.0);
    const QByteArray expected =
        "# HELP request_seconds Latency.\n"
        "# TYPE request_seconds histogram\n"
        "request_seconds_bucket{le=\"0.0005\"} 1\n"
        "request_seconds_bucket{le=\"0.001\"} 1\n"
        "request_seconds_bucket{le=\"0.0025\"} 1\n"
        "request_seconds_bucket{le=\"0.005\"} 1\n"
        "request_seconds_bucket{le=\"0.01\"} 1\n"
        "request_seconds_bucket{le=\"0.025\"} 3\n"
        "request_seconds_bucket{le=\"0.05\"} 3\n"
        "request_seconds_bucket{le=\"0.1\"} 3\n"
        "request_seconds_bucket{le=\"0.25\"} 3\n"
        "request_seconds_bucket{le=\"0.5\"} 3\n"
        "request_seconds_bucket{le=\"1\"} 3\n"
        "request_seconds_bucket{le=\"2.5\"} 3\n"
        "request_seconds_bucket{le=\"5\"} 3\n"
        "request_seconds_bucket{le=\"10\"} 3\n"
        "request_seconds_bucket{le=\"+Inf\"} 4\n"
        "request_seconds_sum 30.0403\n"
        "request_seconds_count 4\n";
    QCOMPARE(m.render(), expected);
}

void TestMetrics::histogramShouldMergeLeIntoExistingLabels()
{
    Metrics &m = Metrics::instance();
    m.observe(QStringLiteral("h"), QStringLiteral("H."), 1, QStringLiteral("route=\"/x\""));
    const QByteArray out = m.render();
    QVERIFY2(out.contains("h_bucket{route=\"/x\",le=\"0.5\"} 0\n"), out.constData());
    QVERIFY2(out.contains("h_bucket{route=\"/x\",le=\"1\"} 1\n"), out.constData());
    QVERIFY2(out.contains("h_bucket{route=\"/x\",le=\"+Inf\"} 1\n"), out.constData());
    QVERIFY2(out.contains("h_sum{route=\"/x\"} 1\n"), out.constData());
    QVERIFY2(out.contains("h_count{route=\"/x\"} 1\n"), out.constData());
}

void TestMetrics::observationsShouldLandInTheRightBucket_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<QByteArray>("firstBucket"); // smallest le that counts it
    QTest::newRow("zero") << 0.0 << QByteArray("0.0005");
    QTest::newRow("on a bound") << 0.005 << QByteArray("0.005");
    QTest::newRow("just above a bound") << 0.0051 << QByteArray("0.01");
    QTest::newRow("ten seconds") << 10.0 << QByteArray("10");
    QTest::newRow("beyond the last bound") << 11.0 << QByteArray("+Inf");
}

void TestMetrics::observationsShouldLandInTheRightBucket()
{
    QFETCH(double, seconds);
    QFETCH(QByteArray, firstBucket);
    Metrics &m = Metrics::instance();
    m.observe(QStringLiteral("t"), QStringLiteral("T."), seconds);
    const QList<QByteArray> lines = m.render().split('\n');
    QByteArray first;
    for (const QByteArray &line : lines) {
        if (line.startsWith("t_bucket") && line.endsWith(" 1")) {
            first = line.mid(line.indexOf("le=\"") + 4);
            first.truncate(first.indexOf('"'));
            break;
        }
    }
    QCOMPARE(first, firstBucket);
}

void TestMetrics::helpShouldBeEscaped()
{
    Metrics &m = Metrics::instance();
    m.increment(QStringLiteral("c_total"), QStringLiteral("line one\nback\\slash"));
    QVERIFY(m.render().startsWith("# HELP c_total line one\\nback\\\\slash\n"));
}

void TestMetrics::aNameShouldKeepItsFirstType()
{
    Metrics &m = Metrics::instance();
    m.increment(QStringLiteral("x"), QStringLiteral("X."));
    m.setGauge(QStringLiteral("x"), QStringLiteral("X."), 100);
    m.observe(QStringLiteral("x"), QStringLiteral("X."), 1);
    QCOMPARE(m.value(QStringLiteral("x")), 1.0);
    QVERIFY(m.render().contains("# TYPE x counter\n"));
    QVERIFY(!m.render().contains("x_bucket"));
}

void TestMetrics::valueOfAbsentSeriesShouldBeZero()
{
    Metrics &m = Metrics::instance();
    QCOMPARE(m.value(QStringLiteral("nothing")), 0.0);
    m.increment(QStringLiteral("y_total"), QStringLiteral("Y."), QStringLiteral("a=\"1\""));
    QCOMPARE(m.value(QStringLiteral("y_total")), 0.0);
    QCOMPARE(m.value(QStringLiteral("y_total"), QStringLiteral("a=\"1\"")), 1.0);
}

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
