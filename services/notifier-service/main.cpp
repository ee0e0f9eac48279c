// notifier-service: correlates payment and inventory outcomes per order in Redis,
// publishes each order's one terminal notification to order.notification, fans every
// notification out to the WebSocket clients of this instance (ws://HOST:PORT/ws) and
// serves the browser UI. Wiring only; the logic lives in correlator.*, livefeed.*,
// notificationhub.*, recentids.* and staticfiles.*.
#include "correlator.h"
#include "kafkaapi.h"
#include "livefeed.h"
#include "staticfiles.h"

#include "lab/contract/topics.h"
#include "lab/kafka/kafkainspector.h"
#include "lab/runtime/config.h"
#include "lab/service/servicekit.h"
#include "lab/store/outcomescripts.h"

#include <QCoreApplication>
#include <QHttpServerRequest>
#include <QHttpServerResponder>

#ifndef LAB_FRONTEND_DIR
#define LAB_FRONTEND_DIR "frontend"
#endif

namespace {

const QString kService = QStringLiteral("notifier-service");

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QList<lab::ConfigOption> options{
        {QStringLiteral("port"), QStringLiteral("NOTIFIER_PORT"), QStringLiteral("8000"),
         QStringLiteral("HTTP port: browser UI, /ws, /healthz and /metrics.")},
        {QStringLiteral("frontend-dir"), QStringLiteral("FRONTEND_DIR"), QStringLiteral(LAB_FRONTEND_DIR),
         QStringLiteral("Directory of the browser UI's files.")},
        {QStringLiteral("dedupe-window"), QStringLiteral("NOTIFIER_DEDUPE_WINDOW"), QStringLiteral("100000"),
         QStringLiteral("Order ids remembered to drop republished notifications.")},
        {QStringLiteral("kafka-inspect-interval-ms"), QStringLiteral("NOTIFIER_KAFKA_INSPECT_INTERVAL_MS"),
         QStringLiteral("5000"),
         QStringLiteral("How often consumer lag and partition offsets are asked of Kafka (GET /kafka/lag, "
                        "lab_kafka_consumer_lag).")},
        {QStringLiteral("ws-max-queue-bytes"), QStringLiteral("NOTIFIER_WS_MAX_QUEUE_BYTES"), QStringLiteral("1048576"),
         QStringLiteral("Unsent bytes a WebSocket client may accumulate before it is closed.")},
    };
    options += lab::Config::orderRetentionOptions();
    const lab::Config config = lab::servicekit::start(
        app, kService,
        QStringLiteral("Correlates payment and inventory outcomes, publishes order.notification and pushes "
                       "every notification to WebSocket clients on /ws; serves the browser UI."),
        options);

    namespace kit = lab::servicekit;
    const kit::Endpoint endpoint = kit::endpointOrDie(config, QStringLiteral("NOTIFIER_PORT"));
    const lab::OrderRetention retention = kit::orderRetentionOrDie(config);
    notifier::NotificationHub::Options hubOptions;
    hubOptions.dedupeWindow = int(qBound(qint64(1), config.intValue(QStringLiteral("dedupe-window")), qint64(100000000)));
    hubOptions.maxQueueBytes = qMax<qint64>(1024, config.intValue(QStringLiteral("ws-max-queue-bytes")));
    hubOptions.backlogSize = lab::outcomes::RecentNotifications;
    const notifier::StaticFiles files(config.value(QStringLiteral("frontend-dir")));
    if (!files.isValid())
        qWarning("the browser UI directory %s does not exist; / will answer 404", qPrintable(files.root()));

    kit::ConsumerService service(kService, config);
    const lab::Names &names = service.names();
    // Correlation: one consumer group shared by every instance. An order's two outcomes
    // usually arrive a few ms apart and it is decided only when both are there: the
    // broker holds a fetch until about two outcome records are there (one record, with
    // its journey headers, is a batch of ~335 B, two ~670 B: measured with Kafka's
    // DumpLogSegments), so one fetch carries both instead of one each (at 100 orders/s:
    // ~100 fetch requests a second instead of ~200). A failed payment (~415 B, its
    // reason) passes the bound alone: it decides the order alone. The wait bound matters
    // only when one side is slow (the decision waits for it anyway; an order failed by its
    // first outcome can be told up to 100 ms later) and when idle (ten empty fetches a
    // second). Each record in flight holds its Lua call, produce and callbacks: 1,000
    // keep the Redis pipeline full (~20,000 records/s at 50 ms each) and the RSS under 50 MiB.
    notifier::Correlator correlator(names, retention, service.redis(), service.producer());
    service.consume(correlator.topics(),
                    [&correlator](const lab::KafkaMessage &m, lab::EventWorker::Finish f) {
                        correlator.handle(m, std::move(f));
                    },
                    1000, {{QStringLiteral("fetch.min.bytes"), QStringLiteral("400")},
                           {QStringLiteral("fetch.wait.max.ms"), QStringLiteral("100")}});

    // The live feed (livefeed.h): every notification to this instance's WebSocket
    // clients, its own decisions as soon as Kafka stored them.
    notifier::LiveFeed feed(service.brokers(), names, hubOptions);
    QObject::connect(&correlator, &notifier::Correlator::published, &app,
                     [&feed](const lab::Notification &n) { feed.deliver(n); });
    feed.install(service.http());
    service.onShutdown([&feed] { feed.stopIntake(); }, [&feed] { feed.stop(); });

    // Lag, partitions and watermarks for operators and the page (GET /kafka/*, and the
    // lab_kafka_* gauges on /metrics), from a thread of its own.
    lab::KafkaInspector inspector(service.brokers(), names,
                                  int(qBound(qint64(500), config.intValue(QStringLiteral("kafka-inspect-interval-ms")),
                                             qint64(3600000))));
    notifier::KafkaApi kafkaApi(&service.http(), &inspector);
    kafkaApi.install();
    // Everything that is not /healthz, /metrics, /kafka/* or /ws: the browser UI's files.
    service.http().setMissingHandler([&files](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        files.respond(request).write(std::move(responder));
    });

    service.run(endpoint, {names.topic(lab::topics::OrderNotification)}, {names.topic(lab::topics::OrderNotification)});
    feed.start();
    inspector.start();
    qInfo("%s listening on %s:%d (namespace \"%s\", UI from %s, fan-out group %s)", qPrintable(kService),
          qPrintable(endpoint.address.toString()), service.http().port(), qPrintable(names.ns()),
          qPrintable(files.root()), qPrintable(feed.group()));
    return app.exec();
}
