// payment-service: consumes order.created, decides each order's payment once (price
// table x quantity against a limit) and publishes payment.success or payment.failed.
// Wiring only; the logic lives in pricing.* and paymentprocessor.*.
#include "paymentprocessor.h"
#include "pricing.h"

#include "lab/contract/topics.h"
#include "lab/service/servicekit.h"

#include <QCoreApplication>

namespace {

const QString kService = QStringLiteral("payment-service");

} // namespace

int main(int argc, char *argv[])
{
    namespace kit = lab::servicekit;
    QCoreApplication app(argc, argv);
    const lab::Config config = kit::start(
        app, kService,
        QStringLiteral("Decides the payment of every order.created and publishes payment.success or payment.failed."),
        QList<lab::ConfigOption>{
            {QStringLiteral("port"), QStringLiteral("PAYMENT_PORT"), QStringLiteral("5200"),
             QStringLiteral("HTTP port for /healthz and /metrics.")},
            {QStringLiteral("prices"), QStringLiteral("PAYMENT_PRICES"), QString(),
             QStringLiteral("Unit prices in cents, e.g. mouse=1999,keyboard=4999.")},
            {QStringLiteral("default-price-cents"), QStringLiteral("PAYMENT_DEFAULT_PRICE_CENTS"),
             QStringLiteral("1000"), QStringLiteral("Unit price of items missing from --prices.")},
            {QStringLiteral("limit-cents"), QStringLiteral("PAYMENT_LIMIT_CENTS"), QStringLiteral("100000000"),
             QStringLiteral("Largest amount paid; larger orders fail.")},
        } + lab::Config::orderRetentionOptions());

    QString error;
    const auto prices = payment::PriceTable::parse(config.value(QStringLiteral("prices")),
                                                   config.intValue(QStringLiteral("default-price-cents")), &error);
    if (!prices)
        kit::die(QStringLiteral("invalid --prices (PAYMENT_PRICES): %1").arg(error));
    const qint64 limit = config.intValue(QStringLiteral("limit-cents"));
    if (limit < 0)
        kit::die(QStringLiteral("--limit-cents (PAYMENT_LIMIT_CENTS) must not be negative"));
    const kit::Endpoint endpoint = kit::endpointOrDie(config, QStringLiteral("PAYMENT_PORT"));
    const lab::OrderRetention retention = kit::orderRetentionOrDie(config);

    kit::ConsumerService service(kService, config);
    const lab::Names &names = service.names();
    payment::PaymentProcessor processor(payment::PaymentPolicy(*prices, limit), names, retention, service.redis(),
                                        service.producer());
    service.consume({names.topic(lab::topics::OrderCreated)},
                    [&processor](const lab::KafkaMessage &m, lab::EventWorker::Finish f) {
                        processor.handle(m, std::move(f));
                    });
    service.run(endpoint, {names.topic(lab::topics::PaymentSuccess), names.topic(lab::topics::PaymentFailed)});
    qInfo("%s listening on %s:%d (namespace \"%s\", %d prices, default %s, limit %s)", qPrintable(kService),
          qPrintable(endpoint.address.toString()), service.http().port(), qPrintable(names.ns()), prices->size(),
          qPrintable(payment::formatCents(prices->defaultCents())), qPrintable(payment::formatCents(limit)));
    return app.exec();
}
