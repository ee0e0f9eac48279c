// inventory-service: consumes order.created and payment.failed; reserves stock once per
// order and publishes inventory.reserved or inventory.rejected; gives stock back when
// the payment failed. Wiring only; the logic lives in stockpolicy.* and inventoryprocessor.*.
#include "inventoryprocessor.h"
#include "stockpolicy.h"

#include "lab/config.h"
#include "lab/eventworker.h"
#include "lab/httpservice.h"
#include "lab/kafkaadmin.h"
#include "lab/kafkaconsumer.h"
#include "lab/kafkaprobe.h"
#include "lab/kafkaproducer.h"
#include "lab/log.h"
#include "lab/memory.h"
#include "lab/names.h"
#include "lab/redisclient.h"
#include "lab/servicekit.h"
#include "lab/shutdown.h"
#include "lab/topics.h"

#include <QCoreApplication>
#include <QHostAddress>


namespace {

const QString kService = QStringLiteral("inventory-service");


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
        {QStringLiteral("port"), QStringLiteral("INVENTORY_PORT"), QStringLiteral("5300"),
         QStringLiteral("HTTP port for /healthz and /metrics.")},
        {QStringLiteral("default-stock"), QStringLiteral("INVENTORY_DEFAULT_STOCK"), QStringLiteral("1000000"),
         QStringLiteral("Units an item starts with the first time it is ordered.")},
        {QStringLiteral("stock"), QStringLiteral("INVENTORY_STOCK"), QString(),
         QStringLiteral("Per-item initial stock overriding the default, e.g. mouse=5000,gpu=3.")},
    };
    options += lab::Config::orderRetentionOptions();
    const lab::Config config = lab::Config::load(
        app, QStringLiteral("Reserves stock for every order.created (inventory.reserved / inventory.rejected) "
                            "and releases it on payment.failed."),
        options);
    lab::log::install(kService, config.value(QStringLiteral("log-level")));
    lab::servicekit::installAccessPolicy(config);

    QString error;
    const auto stock = inventory::StockPolicy::parse(config.value(QStringLiteral("stock")),
                                                     config.intValue(QStringLiteral("default-stock")), &error);
    if (!stock)
        lab::servicekit::die(QStringLiteral("invalid stock settings (INVENTORY_STOCK / INVENTORY_DEFAULT_STOCK): %1").arg(error));
    const lab::servicekit::Endpoint endpoint = lab::servicekit::endpointOrDie(config, QStringLiteral("INVENTORY_PORT"));
    const lab::OrderRetention retention = lab::servicekit::orderRetentionOrDie(config);

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

    inventory::InventoryProcessor processor(*stock, names, retention, &redis, &producer);
    // The contract's topics exist before anyone subscribes (a consumer would notice a
    // topic created later only at its next metadata refresh).
    if (const lab::KafkaError e = lab::kafkaadmin::ensureContractTopics(brokers, names))
        qWarning("could not make sure the topics exist (%s); continuing", qPrintable(e.toString()));
    lab::KafkaConsumer consumer(brokers, names.group(kService), processor.topics(),
                                lab::servicekit::consumerDefaults());
    if (!consumer.isValid())
        lab::servicekit::die(consumer.creationError().toString());
    consumer.setMaxInFlight(2000);
    lab::EventWorker worker(kService, &consumer,
                            [&processor](const lab::KafkaMessage &m, lab::EventWorker::Finish f) {
                                processor.handle(m, std::move(f));
                            });

    lab::HttpService http(kService);
    http.addHealthCheck(lab::servicekit::kafkaCheck(&kafkaProbe));
    lab::servicekit::addRedisChecks(http, &redis, config);
    if (!http.listen(endpoint.address, endpoint.port, &error))
        lab::servicekit::die(error);

    lab::ShutdownSignal shutdown;
    lab::servicekit::drainOnSignal(&shutdown, &worker, &consumer, &producer);

    lab::EventWorker::declareTopics(processor.topics(), {names.topic(lab::topics::InventoryReserved),
                                                         names.topic(lab::topics::InventoryRejected)});
    worker.start();
    qInfo("%s listening on %s:%d (namespace \"%s\", default stock %lld, %d overrides)", qPrintable(kService),
          qPrintable(endpoint.address.toString()), http.port(), qPrintable(names.ns()), stock->defaultStock(),
          stock->overrideCount());
    return app.exec();
}
