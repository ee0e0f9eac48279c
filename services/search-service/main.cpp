// search-service: indexes every order into Elasticsearch (order-logs, one document per
// order) from the Kafka events, and answers GET /search. Wiring only: the logic lives
// in OrderIndexer, SearchApi, SearchQuery and OrderDocument.
#include "elastichealth.h"
#include "orderindexer.h"
#include "searchapi.h"

#include "lab/apidocs.h"
#include "lab/config.h"
#include "lab/elasticclient.h"
#include "lab/httpservice.h"
#include "lab/kafkaconsumer.h"
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
#include <QUrl>

#include <cstdio>

namespace {

const QString kService = QStringLiteral("search-service");

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
    options << lab::ConfigOption{QStringLiteral("port"), QStringLiteral("SEARCH_PORT"), QStringLiteral("5100"),
                                 QStringLiteral("HTTP port of the Search API."), false};
    const lab::Config config = lab::Config::load(
        app, QStringLiteral("Search API: indexes orders into Elasticsearch from Kafka and searches them."),
        options);
    lab::log::install(kService, config.value(QStringLiteral("log-level")));
    lab::servicekit::installAccessPolicy(config);

    const lab::servicekit::Endpoint endpoint = lab::servicekit::endpointOrDie(config, QStringLiteral("SEARCH_PORT"));
    const qint64 redisPort = config.intValue(QStringLiteral("redis-port"));
    if (redisPort < 1 || redisPort > 65535)
        fail(2, QStringLiteral("invalid --redis-port %1: expected 1..65535").arg(redisPort));
    const QUrl elasticUrl(config.value(QStringLiteral("elasticsearch-url")), QUrl::StrictMode);
    if (!elasticUrl.isValid() || (elasticUrl.scheme() != QLatin1String("http") && elasticUrl.scheme() != QLatin1String("https"))
        || elasticUrl.host().isEmpty())
        fail(2, QStringLiteral("invalid --elasticsearch-url \"%1\": expected http(s)://host:port")
                    .arg(config.value(QStringLiteral("elasticsearch-url"))));

    const lab::Names names = lab::Names::fromEnvironment();
    const QString brokers = config.value(QStringLiteral("kafka-brokers"));

    lab::RedisClient redis(config.value(QStringLiteral("redis-host")), quint16(redisPort));
    redis.setCommandTimeoutMs(3000);
    lab::servicekit::configureRedis(&redis, config);
    redis.connectToServer();
    lab::OrderStore store(&redis, names);

    lab::ElasticClient elastic(elasticUrl);
    ElasticHealth elasticHealth(&elastic);
    elasticHealth.start();

    // allow.auto.create.topics: subscribing creates missing topics, so the indexer sees
    // the first events of a fresh namespace at once (not after a metadata refresh).
    QMap<QString, QString> consumerConfig = lab::servicekit::consumerDefaults();
    consumerConfig.insert(QStringLiteral("allow.auto.create.topics"), QStringLiteral("true"));
    consumerConfig.insert(QStringLiteral("client.id"), kService);
    // Fetch in batches: the broker holds a fetch until 1 MiB is there or 200 ms passed, so
    // the indexer wakes ~5 times a second at any rate below saturation (not once per
    // record), and an order's created and notification records mostly arrive in the same
    // batch (decided within tens of ms): one document write, no Redis call. 200 ms + a bulk + the
    // 1 s refresh of Elasticsearch keeps the search lag under 2 s at 1,000 orders/s.
    consumerConfig.insert(QStringLiteral("fetch.wait.max.ms"), QStringLiteral("200"));
    consumerConfig.insert(QStringLiteral("fetch.min.bytes"), QStringLiteral("1048576"));
    // It holds bulk batches besides: a quarter of the default prefetch keeps it under
    // 50 MiB RSS while still ~4 s of records at 1,000 orders/s (two small records each).
    consumerConfig.insert(QStringLiteral("queued.max.messages.kbytes"), QStringLiteral("2048"));
    lab::KafkaConsumer consumer(brokers, names.group(kService), OrderIndexer::topics(names), consumerConfig);
    if (!consumer.isValid())
        fail(2, consumer.creationError().toString());
    consumer.setMaxInFlight(2000); // four bulk batches of 500: enough to keep Elasticsearch busy
    OrderIndexer indexer(&consumer, &store, &elastic, names);

    lab::KafkaProducer probeClient(brokers, {{QStringLiteral("enable.idempotence"), QStringLiteral("false")},
                                             {QStringLiteral("client.id"), kService + QStringLiteral("-probe")}});
    probeClient.setFlushTimeoutMs(0);
    lab::KafkaProbe kafkaProbe(&probeClient, 2000);
    kafkaProbe.start();

    lab::HttpService http(kService);
    http.addHealthCheck(lab::servicekit::kafkaCheck(&kafkaProbe));
    lab::servicekit::addRedisChecks(http, &redis, config);
    http.addHealthCheck({QStringLiteral("elasticsearch"),
                         [&elasticHealth](QString *detail) { return elasticHealth.isUp(detail); }});
    // Until the index exists (with its shard started) a search could only answer 503.
    http.addHealthCheck({QStringLiteral("index"), [&indexer](QString *detail) {
        if (indexer.isIndexReady())
            return true;
        *detail = QStringLiteral("creating the index %1").arg(indexer.indexName());
        return false;
    }});
    http.server().afterRequest([](QHttpServerResponse &&response, const QHttpServerRequest &request) {
        const QString path = request.url().path();
        if (path == QLatin1String("/healthz") || path == QLatin1String("/metrics"))
            lab::metrics::httpRequest(path, int(response.statusCode()));
        return std::move(response);
    });

    SearchApi api(&http, &elastic, names.orderIndex());
    api.install();
    QFile spec(QStringLiteral(":/openapi.json"));
    if (!spec.open(QIODevice::ReadOnly))
        fail(1, QStringLiteral("the embedded OpenAPI document is missing"));
    lab::apidocs::install(http, spec.readAll(), lab::apidocs::swaggerDir(QStringLiteral(LAB_SWAGGER_UI_DIR)),
                          kService);

    QString error;
    if (!http.listen(endpoint.address, endpoint.port, &error))
        fail(1, error);
    qInfo("%s listening on %s:%u (index %s, group %s, Elasticsearch %s)", qPrintable(kService),
          qPrintable(endpoint.address.toString()), unsigned(http.port()), qPrintable(names.orderIndex()),
          qPrintable(names.group(kService)), qPrintable(elasticUrl.toString()));
    indexer.start();

    // SIGTERM: stop serving, let the bulk in progress finish (bounded), commit what was
    // indexed, leave the group, quit with 0. Unindexed records are redelivered later.
    lab::ShutdownSignal shutdown;
    QObject::connect(&shutdown, &lab::ShutdownSignal::requested, &app, [&](int signalNumber) {
        qInfo("signal %d: finishing the batch in progress (%d record(s) pending)", signalNumber,
              indexer.backlog());
        for (QTcpServer *server : http.server().servers())
            server->close();
        indexer.stop(8000, [&](bool drained) {
            if (!drained)
                qWarning("the batch in progress did not finish in time; it will be redelivered");
            consumer.stop(5000);
            // Answers given just now are still in Qt's socket buffers: hand them to the kernel.
            for (QTcpServer *server : http.server().servers())
                for (QTcpSocket *socket : server->findChildren<QTcpSocket *>())
                    socket->flush();
            qInfo("search-service stopped");
            QCoreApplication::quit();
        });
    });

    return app.exec();
}
