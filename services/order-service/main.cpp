// order-service: the Order API (POST /create_order, GET /orders/{id}) publishing
// order.created to Kafka, with its OpenAPI description and Swagger UI. Wiring only:
// the logic lives in OrderIntake (accepting), OrderApi (HTTP) and lab::OrderStore (Redis).
#include "orderapi.h"
#include "orderintake.h"

#include "lab/contract/names.h"
#include "lab/http/httpservice.h"
#include "lab/redis/redisclient.h"
#include "lab/runtime/config.h"
#include "lab/runtime/shutdown.h"
#include "lab/service/servicekit.h"
#include "lab/store/orderstore.h"

#include <QCoreApplication>
#include <QTimer>

#include <algorithm>
#include <memory>

namespace {

const QString kService = QStringLiteral("order-service");

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QList<lab::ConfigOption> options;
    options << lab::ConfigOption{QStringLiteral("port"), QStringLiteral("ORDER_PORT"), QStringLiteral("5000"),
                                 QStringLiteral("HTTP port of the Order API."), false}
            << lab::ConfigOption{QStringLiteral("kafka-timeout-ms"), QStringLiteral("ORDER_KAFKA_TIMEOUT_MS"),
                                 QStringLiteral("5000"),
                                 QStringLiteral("How long Kafka may take to acknowledge an order before "
                                                "POST /create_order answers 503."), false}
            << lab::ConfigOption{QStringLiteral("api-token"), QStringLiteral("ORDER_API_TOKEN"), QString(),
                                 QStringLiteral("When set, POST /create_order requires the header "
                                                "\"Authorization: Bearer <token>\" (else 401); GET stays open."),
                                 false};
    options += lab::Config::orderRetentionOptions();
    namespace kit = lab::servicekit;
    const lab::Config config = kit::start(
        app, kService, QStringLiteral("Order API: accepts orders and publishes them to Kafka (order.created)."), options);

    const kit::Endpoint endpoint = kit::endpointOrDie(config, QStringLiteral("ORDER_PORT"));
    const qint64 kafkaTimeoutMs = config.intValue(QStringLiteral("kafka-timeout-ms"));
    if (kafkaTimeoutMs < 100 || kafkaTimeoutMs > 300000)
        kit::die(QStringLiteral("--kafka-timeout-ms (ORDER_KAFKA_TIMEOUT_MS) must be from 100 to 300000"));

    const lab::Names names = lab::Names::fromEnvironment();
    const QString brokers = config.value(QStringLiteral("kafka-brokers"));

    const std::unique_ptr<lab::RedisClient> redisClient = kit::connectRedis(config);
    lab::RedisClient &redis = *redisClient;
    redis.setCommandTimeoutMs(3000);
    lab::OrderStore store(&redis, names);
    store.setRetention(kit::orderRetentionOrDie(config));

    OrderIntake intake(&store, brokers,
                       {{QStringLiteral("message.timeout.ms"), QString::number(kafkaTimeoutMs)},
                        // While the broker is down, librdkafka's broker thread only wakes
                        // (and times out queued records) at each reconnect attempt; with
                        // the default backoff cap of 10 s a 503 could take 10 s instead
                        // of kafka-timeout-ms (found by tests/chaos, kafkaOutage).
                        {QStringLiteral("reconnect.backoff.max.ms"),
                         QString::number(std::clamp<qint64>(kafkaTimeoutMs / 4, 100, 1000))},
                        {QStringLiteral("client.id"), kService},
                        // Every answer waits for this producer: no extra wait to fill a
                        // batch (records still batch while 5 requests are in flight).
                        // With the shared 5 ms, order-service alone answered 6,700/s at
                        // p50 9.6 ms with the machine half idle (docs/BENCHMARKS.md).
                        {QStringLiteral("linger.ms"), QStringLiteral("1")}},
                       names);
    // A client of its own for /healthz, so that the probe outlives producer recreation.
    const kit::ProbeClient kafkaProbe(brokers, kService);

    lab::HttpService http(kService);
    http.setMaxBodyBytes(lab::limits::MaxBodyBytes);
    http.addHealthCheck(kit::kafkaCheck(kafkaProbe.probe()));
    kit::addRedisChecks(http, &redis, config);

    OrderApi api(&http, &intake, &store);
    api.setApiToken(config.value(QStringLiteral("api-token")).toUtf8());
    api.install();
    kit::installApiDocs(http, kService, QStringLiteral(LAB_SWAGGER_UI_DIR));

    QString error;
    if (!http.listen(endpoint.address, endpoint.port, &error))
        kit::die(error);
    qInfo("%s listening on %s:%u (topic %s, Redis %s:%s, Kafka %s, bearer token %s)", qPrintable(kService),
          qPrintable(endpoint.address.toString()), unsigned(http.port()),
          qPrintable(names.topic(QStringLiteral("order.created"))),
          qPrintable(config.value(QStringLiteral("redis-host"))),
          qPrintable(config.value(QStringLiteral("redis-port"))), qPrintable(brokers),
          config.value(QStringLiteral("api-token")).isEmpty() ? "off" : "required for POST");

    // SIGTERM: stop accepting, let in-flight orders get their delivery reports (bounded
    // by the Kafka timeout), flush, quit with 0.
    lab::ShutdownSignal shutdown;
    auto finished = std::make_shared<bool>(false);
    auto finishShutdown = [&intake, &http, finished] {
        if (*finished)
            return;
        *finished = true;
        if (intake.pendingCount() > 0)
            qWarning("shutting down with %d order(s) still unanswered", intake.pendingCount());
        if (intake.unvoidedCount() > 0)
            qCritical("%d order(s) answered 503 could not be voided (Redis unreachable): should "
                      "Kafka hold their records, they will be processed", intake.unvoidedCount());
        const int left = intake.flush(2000);
        if (left > 0)
            qWarning("%d record(s) not flushed to Kafka", left);
        http.flushClients(); // answers given just now are still in Qt's socket buffers
        qInfo("order-service stopped");
        QCoreApplication::quit();
    };
    QObject::connect(&shutdown, &lab::ShutdownSignal::requested, &app,
                     [&, finishShutdown](int signalNumber) {
        qInfo("signal %d: draining %d in-flight order(s)", signalNumber, intake.pendingCount());
        intake.stopAccepting();
        http.closeListeners();
        if (intake.pendingCount() == 0) {
            finishShutdown();
            return;
        }
        QObject::connect(&intake, &OrderIntake::idle, &app, finishShutdown);
        QTimer::singleShot(int(kafkaTimeoutMs) + 3000, &app, finishShutdown);
    });

    return app.exec();
}
