// search-service: indexes every order into Elasticsearch (order-logs, one document per
// order) from the Kafka events, and answers GET /search. Wiring only: the logic lives
// in OrderIndexer, SearchApi, SearchQuery and OrderDocument.
#include "elastichealth.h"
#include "orderindexer.h"
#include "searchapi.h"

#include "lab/contract/names.h"
#include "lab/elastic/elasticclient.h"
#include "lab/http/httpservice.h"
#include "lab/kafka/kafkaconsumer.h"
#include "lab/redis/redisclient.h"
#include "lab/runtime/config.h"
#include "lab/runtime/shutdown.h"
#include "lab/service/servicekit.h"
#include "lab/store/orderstore.h"

#include <QCoreApplication>
#include <QUrl>


namespace {

const QString kService = QStringLiteral("search-service");

} // namespace

int main(int argc, char *argv[])
{
    namespace kit = lab::servicekit;
    QCoreApplication app(argc, argv);
    QList<lab::ConfigOption> options;
    options << lab::ConfigOption{QStringLiteral("port"), QStringLiteral("SEARCH_PORT"), QStringLiteral("5100"),
                                 QStringLiteral("HTTP port of the Search API."), false};
    const lab::Config config = kit::start(
        app, kService, QStringLiteral("Search API: indexes orders into Elasticsearch from Kafka and searches them."),
        options);

    const kit::Endpoint endpoint = kit::endpointOrDie(config, QStringLiteral("SEARCH_PORT"));
    const QUrl elasticUrl(config.value(QStringLiteral("elasticsearch-url")), QUrl::StrictMode);
    if (!elasticUrl.isValid() || (elasticUrl.scheme() != QLatin1String("http") && elasticUrl.scheme() != QLatin1String("https"))
        || elasticUrl.host().isEmpty())
        kit::die(QStringLiteral("--elasticsearch-url (ELASTICSEARCH_URL) must be http(s)://host:port, not \"%1\"")
                     .arg(config.value(QStringLiteral("elasticsearch-url"))));

    const lab::Names names = lab::Names::fromEnvironment();
    const QString brokers = config.value(QStringLiteral("kafka-brokers"));

    const std::unique_ptr<lab::RedisClient> redisClient = kit::connectRedis(config);
    lab::RedisClient &redis = *redisClient;
    redis.setCommandTimeoutMs(3000);
    lab::OrderStore store(&redis, names);

    lab::ElasticClient elastic(elasticUrl);
    ElasticHealth elasticHealth(&elastic);
    elasticHealth.start();

    // allow.auto.create.topics: subscribing creates missing topics, so the indexer sees
    // the first events of a fresh namespace at once (not after a metadata refresh).
    QMap<QString, QString> consumerConfig;
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
        kit::die(consumer.creationError().toString());
    consumer.setMaxInFlight(2000); // four bulk batches of 500: enough to keep Elasticsearch busy
    OrderIndexer indexer(&consumer, &store, &elastic, names);

    const kit::ProbeClient kafkaProbe(brokers, kService);

    lab::HttpService http(kService);
    http.addHealthCheck(kit::kafkaCheck(kafkaProbe.probe()));
    kit::addRedisChecks(http, &redis, config);
    http.addHealthCheck({QStringLiteral("elasticsearch"),
                         [&elasticHealth](QString *detail) { return elasticHealth.isUp(detail); }});
    // Until the index exists (with its shard started) a search could only answer 503.
    http.addHealthCheck({QStringLiteral("index"), [&indexer](QString *detail) {
        if (indexer.isIndexReady())
            return true;
        *detail = QStringLiteral("creating the index %1").arg(indexer.indexName());
        return false;
    }});

    SearchApi api(&http, &elastic, names.orderIndex());
    api.install();
    kit::installApiDocs(http, kService, QStringLiteral(LAB_SWAGGER_UI_DIR));

    QString error;
    if (!http.listen(endpoint.address, endpoint.port, &error))
        kit::die(error);
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
        http.closeListeners();
        indexer.stop(8000, [&](bool drained) {
            if (!drained)
                qWarning("the batch in progress did not finish in time; it will be redelivered");
            consumer.stop(5000);
            http.flushClients(); // answers given just now are still in Qt's socket buffers
            qInfo("search-service stopped");
            QCoreApplication::quit();
        });
    });

    return app.exec();
}
