// notifier-service: correlates payment and inventory outcomes per order in Redis,
// publishes each order's one terminal notification to order.notification, fans every
// notification out to the WebSocket clients of this instance (ws://HOST:PORT/ws) and
// serves the browser UI. Wiring only; the logic lives in correlator.*,
// notificationhub.*, recentids.* and staticfiles.*.
#include "correlator.h"
#include "kafkaapi.h"
#include "notificationhub.h"
#include "staticfiles.h"

#include "lab/config.h"
#include "lab/eventworker.h"
#include "lab/httpservice.h"
#include "lab/kafkaadmin.h"
#include "lab/kafkaconsumer.h"
#include "lab/kafkainspector.h"
#include "lab/kafkaprobe.h"
#include "lab/kafkaproducer.h"
#include "lab/log.h"
#include "lab/memory.h"
#include "lab/names.h"
#include "lab/outcomescripts.h"
#include "lab/redisclient.h"
#include "lab/servicekit.h"
#include "lab/shutdown.h"
#include "lab/topics.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QUuid>
#include <QWebSocket>

#ifndef LAB_FRONTEND_DIR
#define LAB_FRONTEND_DIR "frontend"
#endif

namespace {

const QString kService = QStringLiteral("notifier-service");

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(kService);
    QCoreApplication::setApplicationVersion(QStringLiteral("0.1"));
    lab::log::install(kService);
    lab::memory::install(&app);

    QList<lab::ConfigOption> options = lab::Config::commonOptions();
    options += {
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
    const lab::Config config = lab::Config::load(
        app, QStringLiteral("Correlates payment and inventory outcomes, publishes order.notification and pushes "
                            "every notification to WebSocket clients on /ws; serves the browser UI."),
        options);
    lab::log::install(kService, config.value(QStringLiteral("log-level")));
    lab::servicekit::installAccessPolicy(config);

    QString error;
    const lab::servicekit::Endpoint endpoint = lab::servicekit::endpointOrDie(config, QStringLiteral("NOTIFIER_PORT"));
    const lab::OrderRetention retention = lab::servicekit::orderRetentionOrDie(config);
    notifier::NotificationHub::Options hubOptions;
    hubOptions.dedupeWindow = int(qBound(qint64(1), config.intValue(QStringLiteral("dedupe-window")), qint64(100000000)));
    hubOptions.maxQueueBytes = qMax<qint64>(1024, config.intValue(QStringLiteral("ws-max-queue-bytes")));

    const notifier::StaticFiles files(config.value(QStringLiteral("frontend-dir")));
    if (!files.isValid())
        qWarning("the browser UI directory %s does not exist; / will answer 404", qPrintable(files.root()));

    const lab::Names names = lab::Names::fromEnvironment();
    const QString brokers = config.value(QStringLiteral("kafka-brokers"));

    lab::RedisClient redis(config.value(QStringLiteral("redis-host")),
                           quint16(config.intValue(QStringLiteral("redis-port"))));
    lab::servicekit::configureRedis(&redis, config);
    redis.connectToServer();

    lab::KafkaProducer producer(brokers);
    if (!producer.isValid())
        lab::servicekit::die(producer.creationError().toString());
    lab::KafkaProbe kafkaProbe(&producer);
    kafkaProbe.start();

    // Correlation: one consumer group shared by every instance.
    notifier::Correlator correlator(names, retention, &redis, &producer);
    // The contract's topics exist before anyone subscribes (a consumer would notice a
    // topic created later only at its next metadata refresh).
    if (const lab::KafkaError e = lab::kafkaadmin::ensureContractTopics(brokers, names))
        qWarning("could not make sure the topics exist (%s); continuing", qPrintable(e.toString()));
    // An order's two outcomes usually arrive a few ms apart and it is decided only when
    // both are there: the broker holds a fetch until about two outcome records are
    // there (one record, with its journey headers, is a batch of ~335 B, two ~670 B:
    // measured with Kafka's DumpLogSegments), so one fetch carries both instead of one
    // each (at 100 orders/s: ~100 fetch requests a second instead of ~200). A failed
    // payment (~415 B, its reason) passes the bound alone: it decides the order alone. The wait bound matters only when
    // one side is slow (the decision waits for it anyway; an order failed by its first
    // outcome can be told up to 100 ms later) and when idle (ten empty fetches a second).
    QMap<QString, QString> outcomeConfig = lab::servicekit::consumerDefaults();
    outcomeConfig.insert(QStringLiteral("fetch.min.bytes"), QStringLiteral("400"));
    outcomeConfig.insert(QStringLiteral("fetch.wait.max.ms"), QStringLiteral("100"));
    lab::KafkaConsumer outcomes(brokers, names.group(kService), correlator.topics(), outcomeConfig);
    if (!outcomes.isValid())
        lab::servicekit::die(outcomes.creationError().toString());
    // Each record in flight holds its Lua call, produce and callbacks: 1,000 keep the
    // Redis pipeline full (~20,000 records/s at 50 ms each) and the RSS under 50 MiB.
    outcomes.setMaxInFlight(1000);
    lab::EventWorker correlation(kService, &outcomes,
                                 [&correlator](const lab::KafkaMessage &m, lab::EventWorker::Finish f) {
                                     correlator.handle(m, std::move(f));
                                 });

    // Fan-out: every instance reads every notification, outside any group. It starts
    // with the last backlog-size records of each partition (the backlog new clients
    // get) and lets clients in only once it has caught up with the end offsets it
    // found at start: from then on a client gets every notification Kafka stores after
    // it connected, once, live or in its backlog (notificationhub.h).
    hubOptions.backlogSize = lab::outcomes::RecentNotifications;
    notifier::NotificationHub hub(hubOptions);
    const QString instance = QStringLiteral("%1-%2").arg(QCoreApplication::applicationPid())
                                 .arg(QUuid::createUuid().toString(QUuid::Id128).left(12));
    // This instance's own decisions reach its clients as soon as Kafka stored them
    // (Correlator::published, below); the fan-out brings the other instances' and drops
    // the copies of ours. So it may fetch in batches (a request per 50 ms at most, not
    // per notification): a notification decided by another instance arrives up to
    // 50 ms later than one decided here.
    lab::KafkaConsumer fanoutConsumer(brokers, names.group(QStringLiteral("notifier-fanout-") + instance),
                                      {names.topic(lab::topics::OrderNotification)},
                                      {{QStringLiteral("auto.offset.reset"), QStringLiteral("latest")},
                                       {QStringLiteral("fetch.min.bytes"), QStringLiteral("65536")},
                                       {QStringLiteral("fetch.wait.max.ms"), QStringLiteral("50")}});
    if (!fanoutConsumer.isValid())
        lab::servicekit::die(fanoutConsumer.creationError().toString());
    fanoutConsumer.setMode(lab::KafkaConsumer::Mode::Broadcast);
    fanoutConsumer.setBroadcastHistory(hubOptions.backlogSize);
    QObject::connect(&correlator, &notifier::Correlator::published, &hub,
                     [&hub](const lab::Notification &n) { hub.deliver(n); });
    lab::EventWorker fanout(QStringLiteral("notifier-fanout"), &fanoutConsumer,
                            [&hub](const lab::KafkaMessage &m, lab::EventWorker::Finish f) {
                                hub.handleRecord(m, std::move(f));
                            });

    // Lag, partitions and watermarks for operators and the page (GET /kafka/*, and
    // the lab_kafka_* gauges on /metrics), from a thread of its own.
    lab::KafkaInspector inspector(brokers, names,
                                  int(qBound(qint64(500), config.intValue(QStringLiteral("kafka-inspect-interval-ms")),
                                             qint64(3600000))));

    lab::HttpService http(kService);
    http.addHealthCheck(lab::servicekit::kafkaCheck(&kafkaProbe));
    lab::servicekit::addRedisChecks(http, &redis, config);
    http.addHealthCheck({QStringLiteral("fanout"), [&fanoutConsumer](QString *detail) {
        if (fanoutConsumer.isCaughtUp())
            return true;
        *detail = QStringLiteral("reading the recent notifications of order.notification");
        return false;
    }});
    notifier::KafkaApi kafkaApi(&http, &inspector);
    kafkaApi.install();
    // Everything that is not /healthz, /metrics, /kafka/* or /ws: the browser UI's files.
    http.setMissingHandler([&files](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        files.respond(request).write(std::move(responder));
    });
    // An upgrade from a foreign Origin never gets here: HttpService's guard answered it
    // 403. Upgrades before the fan-out caught up are refused with a 503 (the page
    // retries): the client's backlog would be short.
    http.addWebSocketRoute(QStringLiteral("/ws"), [&fanoutConsumer](const QHttpServerRequest &)
                                                      -> std::optional<QHttpServerResponse> {
        if (fanoutConsumer.isCaughtUp())
            return std::nullopt;
        return lab::HttpService::jsonError(QHttpServerResponse::StatusCode::ServiceUnavailable,
                                           QStringLiteral("the live feed is starting; retry in a second"));
    });
    QObject::connect(&http.server(), &QAbstractHttpServer::newWebSocketConnection, &hub, [&http, &hub] {
        while (http.server().hasPendingWebSocketConnections())
            if (auto socket = http.server().nextPendingWebSocketConnection())
                hub.addClient(socket.release());
    });
    if (!http.listen(endpoint.address, endpoint.port, &error))
        lab::servicekit::die(error);

    lab::ShutdownSignal shutdown;
    QObject::connect(&shutdown, &lab::ShutdownSignal::requested, &app, [&](int signal) {
        qInfo("signal %d: draining", signal);
        correlation.stopIntake();
        fanout.stopIntake();
        correlation.whenIdle(10000, [&](bool drained) {
            if (!drained)
                qWarning("handlers still running after 10 s; their records will be redelivered");
            outcomes.stop(5000);
            fanoutConsumer.stop(2000);
            producer.flush(5000);
            hub.closeAll();
            qInfo("stopped");
            app.quit();
        });
    });

    lab::EventWorker::declareTopics(correlator.topics() + QStringList{names.topic(lab::topics::OrderNotification)},
                                    {names.topic(lab::topics::OrderNotification)});
    correlation.start();
    fanout.start();
    inspector.start();
    qInfo("%s listening on %s:%d (namespace \"%s\", UI from %s, fan-out group %s)", qPrintable(kService),
          qPrintable(endpoint.address.toString()), http.port(), qPrintable(names.ns()), qPrintable(files.root()),
          qPrintable(names.group(QStringLiteral("notifier-fanout-") + instance)));
    return app.exec();
}
