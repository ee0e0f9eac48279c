// order-service: the Order API (POST /create_order, GET /orders/{id}) publishing
// order.created to Kafka, with its OpenAPI description and Swagger UI. Wiring only:
// the logic lives in OrderIntake (accepting), OrderApi (HTTP) and lab::OrderStore (Redis).
#include "orderapi.h"
#include "orderintake.h"

#include "lab/apidocs.h"
#include "lab/config.h"
#include "lab/httpservice.h"
#include "lab/kafkaprobe.h"
#include "lab/kafkaproducer.h"
#include "lab/log.h"
#include "lab/memory.h"
#include "lab/names.h"
#include "lab/orderstore.h"
#include "lab/redisclient.h"
#include "lab/servicekit.h"
#include "lab/servicemetrics.h"
#include "lab/shutdown.h"

#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QHttpServerRequest>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <memory>

namespace {

const QString kService = QStringLiteral("order-service");

[[noreturn]] void fail(int code, const QString &message)
{
    qCritical("%s", qPrintable(message));
    std::fprintf(stderr, "%s: %s\n", qPrintable(kService), qPrintable(message));
    std::exit(code);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(kService);
    QCoreApplication::setApplicationVersion(QStringLiteral("0.1"));
    lab::log::install(kService);
    lab::memory::install(&app);

    QList<lab::ConfigOption> options = lab::Config::commonOptions();
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
    const lab::Config config = lab::Config::load(
        app, QStringLiteral("Order API: accepts orders and publishes them to Kafka (order.created)."), options);
    lab::log::install(kService, config.value(QStringLiteral("log-level")));
    lab::servicekit::installAccessPolicy(config);

    const qint64 port = config.intValue(QStringLiteral("port"));
    if (port < 0 || port > 65535)
        fail(2, QStringLiteral("invalid --port %1: expected 0..65535").arg(port));
    const qint64 kafkaTimeoutMs = config.intValue(QStringLiteral("kafka-timeout-ms"));
    if (kafkaTimeoutMs < 100 || kafkaTimeoutMs > 300000)
        fail(2, QStringLiteral("invalid --kafka-timeout-ms %1: expected 100..300000").arg(kafkaTimeoutMs));
    const QHostAddress bindAddress(config.value(QStringLiteral("bind-address")));
    if (bindAddress.isNull())
        fail(2, QStringLiteral("invalid --bind-address \"%1\": expected an IP address")
                    .arg(config.value(QStringLiteral("bind-address"))));
    const qint64 redisPort = config.intValue(QStringLiteral("redis-port"));
    if (redisPort < 1 || redisPort > 65535)
        fail(2, QStringLiteral("invalid --redis-port %1: expected 1..65535").arg(redisPort));

    const lab::Names names = lab::Names::fromEnvironment();
    const QString brokers = config.value(QStringLiteral("kafka-brokers"));

    lab::RedisClient redis(config.value(QStringLiteral("redis-host")), quint16(redisPort));
    redis.setCommandTimeoutMs(3000);
    lab::servicekit::configureRedis(&redis, config);
    redis.connectToServer();
    lab::OrderStore store(&redis, names);
    store.setRetention(lab::servicekit::orderRetentionOrDie(config));

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
    lab::KafkaProducer probeClient(brokers, {{QStringLiteral("enable.idempotence"), QStringLiteral("false")},
                                             {QStringLiteral("client.id"), kService + QStringLiteral("-probe")}});
    probeClient.setFlushTimeoutMs(0);
    lab::KafkaProbe kafkaProbe(&probeClient, 2000);
    kafkaProbe.start();

    lab::HttpService http(kService);
    http.setMaxBodyBytes(lab::limits::MaxBodyBytes);
    http.addHealthCheck({QStringLiteral("kafka"), [&kafkaProbe](QString *detail) {
                             return kafkaProbe.isUp(detail);
                         }});
    lab::servicekit::addRedisChecks(http, &redis, config);
    http.server().afterRequest([](QHttpServerResponse &&response, const QHttpServerRequest &request) {
        const QString path = request.url().path();
        if (path == QLatin1String("/healthz") || path == QLatin1String("/metrics"))
            lab::metrics::httpRequest(path, int(response.statusCode()));
        return std::move(response);
    });

    OrderApi api(&http, &intake, &store);
    api.setApiToken(config.value(QStringLiteral("api-token")).toUtf8());
    api.install();
    QFile spec(QStringLiteral(":/openapi.json"));
    if (!spec.open(QIODevice::ReadOnly))
        fail(1, QStringLiteral("the embedded OpenAPI document is missing"));
    lab::apidocs::install(http, spec.readAll(), lab::apidocs::swaggerDir(QStringLiteral(LAB_SWAGGER_UI_DIR)),
                          kService);

    QString error;
    if (!http.listen(bindAddress, quint16(port), &error))
        fail(1, error);
    qInfo("%s listening on %s:%u (topic %s, Redis %s:%lld, Kafka %s, bearer token %s)", qPrintable(kService),
          qPrintable(bindAddress.toString()), unsigned(http.port()),
          qPrintable(names.topic(QStringLiteral("order.created"))),
          qPrintable(config.value(QStringLiteral("redis-host"))), redisPort, qPrintable(brokers),
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
        // Answers given just now are still in Qt's socket buffers: hand them to the kernel.
        for (QTcpServer *server : http.server().servers())
            for (QTcpSocket *socket : server->findChildren<QTcpSocket *>())
                socket->flush();
        qInfo("order-service stopped");
        QCoreApplication::quit();
    };
    QObject::connect(&shutdown, &lab::ShutdownSignal::requested, &app,
                     [&, finishShutdown](int signalNumber) {
        qInfo("signal %d: draining %d in-flight order(s)", signalNumber, intake.pendingCount());
        intake.stopAccepting();
        for (QTcpServer *server : http.server().servers())
            server->close();
        if (intake.pendingCount() == 0) {
            finishShutdown();
            return;
        }
        QObject::connect(&intake, &OrderIntake::idle, &app, finishShutdown);
        QTimer::singleShot(int(kafkaTimeoutMs) + 3000, &app, finishShutdown);
    });

    return app.exec();
}
