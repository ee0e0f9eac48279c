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

#include <memory>

int main(int argc, char *argv[])
{
    const QString kService = QStringLiteral("order-service");
    QCoreApplication app(argc, argv);
    namespace kit = lab::servicekit;
    const lab::Config config = kit::start(
        app, kService, QStringLiteral("Order API: accepts orders and publishes them to Kafka (order.created)."),
        QList<lab::ConfigOption>{
            {QStringLiteral("port"), QStringLiteral("ORDER_PORT"), QStringLiteral("5000"),
             QStringLiteral("HTTP port of the Order API.")},
            {QStringLiteral("kafka-timeout-ms"), QStringLiteral("ORDER_KAFKA_TIMEOUT_MS"), QStringLiteral("5000"),
             QStringLiteral("How long Kafka may take to acknowledge an order before POST /create_order answers 503.")},
            {QStringLiteral("api-token"), QStringLiteral("ORDER_API_TOKEN"), QString(),
             QStringLiteral("When set, POST /create_order requires the header \"Authorization: Bearer <token>\" "
                            "(else 401); GET stays open.")},
        } + lab::Config::orderRetentionOptions());

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

    OrderIntake intake(&store, brokers, OrderIntake::producerSettings(kafkaTimeoutMs, kService), names);
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

    lab::ShutdownSignal shutdown;
    api.shutdownOn(&shutdown, int(kafkaTimeoutMs) + 3000);
    return app.exec();
}
