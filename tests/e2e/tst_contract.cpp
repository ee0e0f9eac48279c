// tst_contract: the event contract (docs/asyncapi.yaml) against real traffic. The five
// services run as real processes (labtest::ServiceStack, a namespace of their own) on
// the real Kafka, Redis and Elasticsearch; orders that end every way an order can end
// (confirmed, payment refused, stock refused, an item in Vietnamese) go through the
// pipeline; then every record of the six topics is read back from Kafka (key, headers,
// value) and every frame a WebSocket client got (live, then the backlog of a second
// connection), and tests/contract/validate-events.mjs validates each against its
// channel's schemas with the AsyncAPI parser and ajv (npm devDependencies, ./lab deps).
// The validator also requires each record to FAIL once broken, so a schema that
// accepts anything does not pass. Time bounds are hang detectors only.
#include "servicestack.h"
#include "testinfra.h"

#include "lab/contract/topics.h"
#include "lab/kafka/kafkaadmin.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QWebSocket>
#include <QtTest>

#include <memory>

using labtest::orderJson;
using labtest::ServiceStack;

namespace {

/// Hang detector for anything that crosses the whole pipeline.
constexpr int kFlowTimeoutMs = 60000;

/// One line of the validator's input.
QByteArray recordLine(const QString &channel, const QByteArray &key, const QJsonObject &headers,
                      const QByteArray &value)
{
    QJsonObject o{{QStringLiteral("channel"), channel}, {QStringLiteral("value"), QString::fromUtf8(value)}};
    if (!key.isNull())
        o.insert(QStringLiteral("key"), QString::fromUtf8(key));
    if (!headers.isEmpty())
        o.insert(QStringLiteral("headers"), headers);
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

/// A WebSocket client of the live feed that keeps every frame.
struct FeedClient
{
    QWebSocket socket;
    QList<QByteArray> frames;
    QSet<qint64> liveIds;
    int backlogFrames = 0;

    bool open(const QUrl &url)
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, [this](const QString &text) {
            frames.append(text.toUtf8());
            const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
            if (o.value(QLatin1String("backlog")).toBool())
                ++backlogFrames;
            else
                liveIds.insert(o.value(QLatin1String("order_id")).toInteger());
        });
        QSignalSpy connected(&socket, &QWebSocket::connected);
        socket.open(url);
        return connected.wait(10000);
    }
};

} // namespace

class TestContract : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void everyRecordAndFrameMatchesTheAsyncApiDocument();

private:
    std::unique_ptr<ServiceStack> m_stack;
};

void TestContract::initTestCase()
{
    LAB_REQUIRE_KAFKA();
    LAB_REQUIRE_REDIS();
    LAB_REQUIRE_ELASTIC();
    m_stack = std::make_unique<ServiceStack>();
    // payment refuses above 1,000,000 cents at 1000 cents a unit: "tv" x 2000 fails;
    // three "contract-gpu" in stock: 5 of them are refused
    m_stack->setEnv(QStringLiteral("PAYMENT_DEFAULT_PRICE_CENTS"), QStringLiteral("1000"));
    m_stack->setEnv(QStringLiteral("PAYMENT_LIMIT_CENTS"), QStringLiteral("1000000"));
    m_stack->setEnv(QStringLiteral("INVENTORY_STOCK"), QStringLiteral("contract-gpu=3"));
    const QString error = m_stack->startAll();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestContract::cleanupTestCase()
{
    m_stack.reset();
}

void TestContract::everyRecordAndFrameMatchesTheAsyncApiDocument()
{
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    QVERIFY2(!node.isEmpty(), "node is not installed (./lab deps installs nodejs): the contract cannot be checked");
    const QString validator = labtest::sourceDir() + QStringLiteral("/tests/contract/validate-events.mjs");
    const QString document = labtest::sourceDir() + QStringLiteral("/docs/asyncapi.yaml");
    QVERIFY2(QFile::exists(labtest::sourceDir() + QStringLiteral("/node_modules/@asyncapi/parser/package.json")),
             "@asyncapi/parser is not installed: run ./lab deps");

    QUrl ws = m_stack->url(QStringLiteral("notifier-service"), QStringLiteral("/ws"));
    ws.setScheme(QStringLiteral("ws"));
    FeedClient live;
    QVERIFY(live.open(ws));

    // every way an order ends, with plain and non-ASCII items
    const struct
    {
        qint64 id;
        QString item;
        qint64 quantity;
    } orders[] = {
        {1, QStringLiteral("mouse"), 2},                  // confirmed
        {2, QStringLiteral("bàn phím cơ"), 1},            // confirmed, Vietnamese item
        {3, QStringLiteral("tv"), 2000},                  // payment refused (2,000,000 cents)
        {4, QStringLiteral("contract-gpu"), 5},           // stock refused (3 left)
        {5, QStringLiteral("contract-gpu"), 2},           // confirmed, 1 left
        {6, QStringLiteral("tv"), 5000},                  // payment refused; stock cancelled or refused
    };
    for (const auto &o : orders) {
        const labtest::HttpResult r = labtest::httpPost(
            m_stack->url(QStringLiteral("order-service"), QStringLiteral("/create_order")),
            orderJson(o.id, o.item, o.quantity));
        QVERIFY2(r.status == 200 || r.status == 201 || r.status == 202,
                 qPrintable(QStringLiteral("order %1: %2 %3").arg(o.id).arg(r.status).arg(QString::fromUtf8(r.body))));
    }
    QTRY_VERIFY_WITH_TIMEOUT(live.liveIds.size() == int(std::size(orders)), kFlowTimeoutMs);

    // a second client gets them again as its backlog
    FeedClient later;
    QVERIFY(later.open(ws));
    QTRY_VERIFY_WITH_TIMEOUT(later.backlogFrames >= int(std::size(orders)), kFlowTimeoutMs);

    // every record of the namespace's six topics, as Kafka stores it
    const QString recordsPath = QDir(labtest::buildDir()).filePath(
        QStringLiteral("test-logs/%1/contract-records.jsonl").arg(m_stack->ns()));
    QDir().mkpath(QFileInfo(recordsPath).path());
    QFile records(recordsPath);
    QVERIFY(records.open(QIODevice::WriteOnly | QIODevice::Truncate));
    lab::kafkaadmin::Inspector inspector(labtest::kafkaBrokers());
    QVERIFY2(!inspector.creationError(), qPrintable(inspector.creationError().toString()));
    const QStringList topics{lab::topics::OrderCreated, lab::topics::PaymentSuccess, lab::topics::PaymentFailed,
                             lab::topics::InventoryReserved, lab::topics::InventoryRejected,
                             lab::topics::OrderNotification};
    int kafkaRecords = 0;
    for (const QString &base : topics) {
        const QString topic = m_stack->ns() + QLatin1Char('.') + base;
        lab::KafkaMessageList messages;
        const lab::KafkaError error = inspector.tail(topic, 1000, 15000, &messages);
        QVERIFY2(!error, qPrintable(QStringLiteral("%1: %2").arg(topic, error.toString())));
        for (const lab::KafkaMessage &m : messages) {
            QJsonObject headers;
            for (const auto &[name, value] : m.headers)
                headers.insert(QString::fromUtf8(name), QString::fromUtf8(value));
            records.write(recordLine(topic, m.key, headers, m.value));
            ++kafkaRecords;
        }
    }
    for (const QByteArray &frame : live.frames + later.frames)
        records.write(recordLine(QStringLiteral("/ws"), QByteArray(), {}, frame));
    records.close();
    // six orders: at least one record each on order.created and order.notification
    QVERIFY2(kafkaRecords >= 2 * int(std::size(orders)), qPrintable(QString::number(kafkaRecords)));

    QProcess validate;
    validate.setProcessChannelMode(QProcess::MergedChannels);
    validate.setWorkingDirectory(labtest::sourceDir());
    validate.start(node, {validator, document, QStringLiteral("--records"), recordsPath,
                          QStringLiteral("--namespace"), m_stack->ns(), QStringLiteral("--require"),
                          (topics + QStringList{QStringLiteral("/ws")}).join(QLatin1Char(','))});
    QVERIFY2(validate.waitForFinished(120000), "the validator did not finish within 120 s");
    const QString output = QString::fromUtf8(validate.readAll());
    qInfo().noquote() << output.trimmed();
    QVERIFY2(validate.exitStatus() == QProcess::NormalExit && validate.exitCode() == 0,
             qPrintable(QStringLiteral("%1 records in %2 do not all match %3:\n%4")
                            .arg(kafkaRecords + live.frames.size() + later.frames.size())
                            .arg(recordsPath, document, output)));
}

QTEST_MAIN(TestContract)
#include "tst_contract.moc"
