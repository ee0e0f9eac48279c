// inventory-service: consumes order.created and payment.failed; reserves stock once per
// order and publishes inventory.reserved or inventory.rejected; gives stock back when
// the payment failed. Wiring only; the logic lives in stockpolicy.* and inventoryprocessor.*.
#include "inventoryprocessor.h"
#include "stockpolicy.h"

#include "lab/contract/topics.h"
#include "lab/service/servicekit.h"

#include <QCoreApplication>

namespace {

const QString kService = QStringLiteral("inventory-service");

} // namespace

int main(int argc, char *argv[])
{
    namespace kit = lab::servicekit;
    QCoreApplication app(argc, argv);
    const lab::Config config = kit::start(
        app, kService,
        QStringLiteral("Reserves stock for every order.created (inventory.reserved / inventory.rejected) "
                       "and releases it on payment.failed."),
        QList<lab::ConfigOption>{
            {QStringLiteral("port"), QStringLiteral("INVENTORY_PORT"), QStringLiteral("5300"),
             QStringLiteral("HTTP port for /healthz and /metrics.")},
            {QStringLiteral("default-stock"), QStringLiteral("INVENTORY_DEFAULT_STOCK"), QStringLiteral("1000000"),
             QStringLiteral("Units an item starts with the first time it is ordered.")},
            {QStringLiteral("stock"), QStringLiteral("INVENTORY_STOCK"), QString(),
             QStringLiteral("Per-item initial stock overriding the default, e.g. mouse=5000,gpu=3.")},
        } + lab::Config::orderRetentionOptions());

    QString error;
    const auto stock = inventory::StockPolicy::parse(config.value(QStringLiteral("stock")),
                                                     config.intValue(QStringLiteral("default-stock")), &error);
    if (!stock)
        kit::die(QStringLiteral("invalid stock settings (INVENTORY_STOCK / INVENTORY_DEFAULT_STOCK): %1").arg(error));
    const kit::Endpoint endpoint = kit::endpointOrDie(config, QStringLiteral("INVENTORY_PORT"));
    const lab::OrderRetention retention = kit::orderRetentionOrDie(config);

    kit::ConsumerService service(kService, config);
    const lab::Names &names = service.names();
    inventory::InventoryProcessor processor(*stock, names, retention, service.redis(), service.producer());
    service.consume(processor.topics(), [&processor](const lab::KafkaMessage &m, lab::EventWorker::Finish f) {
        processor.handle(m, std::move(f));
    });
    service.run(endpoint, {names.topic(lab::topics::InventoryReserved), names.topic(lab::topics::InventoryRejected)});
    qInfo("%s listening on %s:%d (namespace \"%s\", default stock %lld, %d overrides)", qPrintable(kService),
          qPrintable(endpoint.address.toString()), service.http().port(), qPrintable(names.ns()), stock->defaultStock(),
          stock->overrideCount());
    return app.exec();
}
