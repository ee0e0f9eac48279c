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
#include "lab/service/servicekit.h"

#include <QCoreApplication>

#ifndef LAB_FRONTEND_DIR
#define LAB_FRONTEND_DIR "frontend"
#endif

int main(int argc, char *argv[])
{
    const QString kService = QStringLiteral("notifier-service");
    QCoreApplication app(argc, argv);
    const lab::Config config = lab::servicekit::start(
        app, kService,
        QStringLiteral("Correlates payment and inventory outcomes, publishes order.notification and pushes "
                       "every notification to WebSocket clients on /ws; serves the browser UI."),
        QList<lab::ConfigOption>{
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
        } + lab::Config::orderRetentionOptions());

    namespace kit = lab::servicekit;
    const kit::Endpoint endpoint = kit::endpointOrDie(config, QStringLiteral("NOTIFIER_PORT"));
    const lab::OrderRetention retention = kit::orderRetentionOrDie(config);
    const notifier::StaticFiles files(config.value(QStringLiteral("frontend-dir")));

    kit::ConsumerService service(kService, config);
    const lab::Names &names = service.names();
    // Correlation: one consumer group shared by every instance (correlator.h).
    notifier::Correlator correlator(names, retention, service.redis(), service.producer());
    service.consume(correlator.topics(),
                    [&correlator](const lab::KafkaMessage &m, lab::EventWorker::Finish f) {
                        correlator.handle(m, std::move(f));
                    },
                    notifier::Correlator::MaxInFlight, notifier::Correlator::consumerSettings());
    // The live feed (livefeed.h): this instance's own decisions as soon as Kafka stored them.
    notifier::LiveFeed feed(service.brokers(), names, notifier::LiveFeed::optionsFrom(config));
    QObject::connect(&correlator, &notifier::Correlator::published, &app,
                     [&feed](const lab::Notification &n) { feed.deliver(n); });
    feed.install(service.http());
    service.onShutdown([&feed] { feed.stopIntake(); }, [&feed] { feed.stop(); });
    // Lag, partitions and watermarks (GET /kafka/*, lab_kafka_* on /metrics), in a thread of its own.
    lab::KafkaInspector inspector(service.brokers(), names,
                                  int(qBound(qint64(500), config.intValue(QStringLiteral("kafka-inspect-interval-ms")),
                                             qint64(3600000))));
    notifier::KafkaApi kafkaApi(&service.http(), &inspector);
    kafkaApi.install();
    files.install(service.http());

    service.run(endpoint, {names.topic(lab::topics::OrderNotification)}, {names.topic(lab::topics::OrderNotification)});
    feed.start();
    inspector.start();
    qInfo("%s listening on %s:%d (namespace \"%s\", UI from %s, fan-out group %s)", qPrintable(kService),
          qPrintable(endpoint.address.toString()), service.http().port(), qPrintable(names.ns()),
          qPrintable(files.root()), qPrintable(feed.group()));
    return app.exec();
}
