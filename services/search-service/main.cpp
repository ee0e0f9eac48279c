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

int main(int argc, char *argv[])
{
    const QString kService = QStringLiteral("search-service");
    namespace kit = lab::servicekit;
    QCoreApplication app(argc, argv);
    const lab::Config config = kit::start(
        app, kService, QStringLiteral("Search API: indexes orders into Elasticsearch from Kafka and searches them."),
        {{QStringLiteral("port"), QStringLiteral("SEARCH_PORT"), QStringLiteral("5100"),
          QStringLiteral("HTTP port of the Search API.")}});

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

    lab::KafkaConsumer consumer(brokers, names.group(kService), OrderIndexer::topics(names),
                                OrderIndexer::consumerSettings(kService));
    if (!consumer.isValid())
        kit::die(consumer.creationError().toString());
    consumer.setMaxInFlight(2000); // four bulk batches of 500: enough to keep Elasticsearch busy
    OrderIndexer indexer(&consumer, &store, &elastic, names);

    const kit::ProbeClient kafkaProbe(brokers, kService);

    lab::HttpService http(kService);
    http.addHealthCheck(kit::kafkaCheck(kafkaProbe.probe()));
    kit::addRedisChecks(http, &redis, config);
    indexer.addHealthChecks(http, &elasticHealth);

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

    lab::ShutdownSignal shutdown;
    indexer.shutdownOn(&shutdown, &http);
    return app.exec();
}
