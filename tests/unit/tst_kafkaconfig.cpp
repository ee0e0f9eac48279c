// tst_kafkaconfig: librdkafka properties from LAB_KAFKA_PRODUCER_CONFIG /
// LAB_KAFKA_CONSUMER_CONFIG (shared/lab/kafka/kafkaconfig.h) reach the clients, and a bad
// one is reported rather than ignored. No broker is needed: creating a client only
// validates its configuration.
#include "lab/kafka/kafkaconfig.h"
#include "lab/kafka/kafkaconsumer.h"
#include "lab/kafka/kafkaproducer.h"

#include <QMutex>
#include <QTest>

using namespace lab;

class TestKafkaConfig : public QObject
{
    Q_OBJECT
private slots:
    void parseShouldSplitItems_data();
    void parseShouldSplitItems();
    void producerShouldApplyTheEnvironment();
    void producerShouldRejectAnUnknownProperty();
    void consumerShouldRejectABadValue();

    void cleanup()
    {
        qunsetenv(kafkaconfig::ProducerVariable);
        qunsetenv(kafkaconfig::ConsumerVariable);
    }
};

void TestKafkaConfig::parseShouldSplitItems_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected"); // key=value, sorted by key

    QTest::newRow("empty") << QString() << QStringList{};
    QTest::newRow("one") << QStringLiteral("linger.ms=5") << QStringList{QStringLiteral("linger.ms=5")};
    QTest::newRow("commas and spaces")
        << QStringLiteral(" linger.ms=5 ,batch.size=262144  acks=1,")
        << QStringList{QStringLiteral("acks=1"), QStringLiteral("batch.size=262144"), QStringLiteral("linger.ms=5")};
    QTest::newRow("value with =") << QStringLiteral("sasl.jaas=a=b")
                                  << QStringList{QStringLiteral("sasl.jaas=a=b")};
    QTest::newRow("no value") << QStringLiteral("debug") << QStringList{QStringLiteral("debug=")};
}

void TestKafkaConfig::parseShouldSplitItems()
{
    QFETCH(QString, text);
    QFETCH(QStringList, expected);
    const QMap<QString, QString> parsed = kafkaconfig::parse(text);
    QStringList got;
    for (auto it = parsed.cbegin(); it != parsed.cend(); ++it)
        got << it.key() + QLatin1Char('=') + it.value();
    QCOMPARE(got, expected);
}

namespace {
QMutex capturedMutex; // librdkafka's threads log too
QStringList captured; ///< messages logged while a Capture is alive
QtMessageHandler previousHandler = nullptr;
struct Capture
{
    Capture()
    {
        QMutexLocker lock(&capturedMutex);
        captured.clear();
        previousHandler = qInstallMessageHandler([](QtMsgType, const QMessageLogContext &, const QString &m) {
            QMutexLocker lock(&capturedMutex);
            captured << m;
        });
    }
    ~Capture() { qInstallMessageHandler(previousHandler); }
};
} // namespace

void TestKafkaConfig::producerShouldApplyTheEnvironment()
{
    // client.id shows in the client's name ("<client.id>#producer-N"), which the
    // producer logs when it is created: the environment's value must win over the
    // service's own.
    qputenv(kafkaconfig::ProducerVariable, "linger.ms=7, client.id=from-environment");
    QStringList messages;
    {
        Capture capture;
        KafkaProducer producer(QStringLiteral("127.0.0.1:1"), {{QStringLiteral("client.id"), QStringLiteral("own")}});
        QVERIFY2(producer.isValid(), qPrintable(producer.creationError().toString()));
        QMutexLocker lock(&capturedMutex);
        messages = captured;
    }
    QVERIFY2(messages.filter(QStringLiteral("producer from-environment#producer")).size() == 1,
             qPrintable(messages.join(u'\n')));
}

void TestKafkaConfig::producerShouldRejectAnUnknownProperty()
{
    qputenv(kafkaconfig::ProducerVariable, "linger.ms=7,no.such.property=1");
    KafkaProducer producer(QStringLiteral("127.0.0.1:1"));
    QVERIFY(!producer.isValid());
    QVERIFY2(producer.creationError().toString().contains(QLatin1String("no.such.property")),
             qPrintable(producer.creationError().toString()));
}

void TestKafkaConfig::consumerShouldRejectABadValue()
{
    qputenv(kafkaconfig::ConsumerVariable, "fetch.wait.max.ms=soon");
    KafkaConsumer consumer(QStringLiteral("127.0.0.1:1"), QStringLiteral("g"), {QStringLiteral("t")});
    QVERIFY(!consumer.isValid());
    QVERIFY2(consumer.creationError().toString().contains(QLatin1String("fetch.wait.max.ms")),
             qPrintable(consumer.creationError().toString()));
}

QTEST_GUILESS_MAIN(TestKafkaConfig)
#include "tst_kafkaconfig.moc"
