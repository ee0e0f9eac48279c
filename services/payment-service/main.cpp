// payment-service: consumes order.created, decides each order's payment once (price
// table x quantity against a limit) and publishes payment.success or payment.failed.
// Wiring only; the logic lives in pricing.* and paymentprocessor.*.
#include "paymentprocessor.h"
#include "pricing.h"

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

const QString kService = QStringLiteral("payment-service");


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
        {QStringLiteral("port"), QStringLiteral("PAYMENT_PORT"), QStringLiteral("5200"),
         QStringLiteral("HTTP port for /healthz and /metrics.")},
        {QStringLiteral("prices"), QStringLiteral("PAYMENT_PRICES"), QString(),
         QStringLiteral("Unit prices in cents, e.g. mouse=1999,keyboard=4999.")},
        {QStringLiteral("default-price-cents"), QStringLiteral("PAYMENT_DEFAULT_PRICE_CENTS"),
         QStringLiteral("1000"), QStringLiteral("Unit price of items missing from --prices.")},
        {QStringLiteral("limit-cents"), QStringLiteral("PAYMENT_LIMIT_CENTS"), QStringLiteral("100000000"),
         QStringLiteral("Largest amount paid; larger orders fail.")},
    };
    options += lab::Config::orderRetentionOptions();
    const lab::Config config = lab::Config::load(
        app, QStringLiteral("Decides the payment of every order.created and publishes payment.success or payment.failed."),
        options);
    lab::log::install(kService, config.value(QStringLiteral("log-level")));
    lab::servicekit::installAccessPolicy(config);

    QString error;
    const auto prices = payment::PriceTable::parse(config.value(QStringLiteral("prices")),
                                                   config.intValue(QStringLiteral("default-price-cents")), &error);
    if (!prices)
        lab::servicekit::die(QStringLiteral("invalid --prices (PAYMENT_PRICES): %1").arg(error));
    const qint64 limit = config.intValue(QStringLiteral("limit-cents"));
    if (limit < 0)
        lab::servicekit::die(QStringLiteral("--limit-cents (PAYMENT_LIMIT_CENTS) must not be negative"));
    const lab::servicekit::Endpoint endpoint = lab::servicekit::endpointOrDie(config, QStringLiteral("PAYMENT_PORT"));
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

    // The contract's topics exist before anyone subscribes (a consumer would notice a
    // topic created later only at its next metadata refresh).
    if (const lab::KafkaError e = lab::kafkaadmin::ensureContractTopics(brokers, names))
        qWarning("could not make sure the topics exist (%s); continuing", qPrintable(e.toString()));
    lab::KafkaConsumer consumer(brokers, names.group(kService), {names.topic(lab::topics::OrderCreated)},
                                lab::servicekit::consumerDefaults());
    if (!consumer.isValid())
        lab::servicekit::die(consumer.creationError().toString());
    consumer.setMaxInFlight(2000);

    payment::PaymentProcessor processor(payment::PaymentPolicy(*prices, limit), names, retention, &redis, &producer);
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

    lab::EventWorker::declareTopics({names.topic(lab::topics::OrderCreated)},
                                    {names.topic(lab::topics::PaymentSuccess), names.topic(lab::topics::PaymentFailed)});
    worker.start();
    qInfo("%s listening on %s:%d (namespace \"%s\", %d prices, default %s, limit %s)", qPrintable(kService),
          qPrintable(endpoint.address.toString()), http.port(), qPrintable(names.ns()), prices->size(),
          qPrintable(payment::formatCents(prices->defaultCents())), qPrintable(payment::formatCents(limit)));
    return app.exec();
}
