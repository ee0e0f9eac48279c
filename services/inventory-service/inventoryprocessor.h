// inventoryprocessor.h: inventory-service's event handler.
//  - order.created: reserve the stock once per order (outcomes::reserveStock, one Lua
//    script) and publish the stored outcome, keyed by order_id, to inventory.reserved
//    (with the units remaining) or inventory.rejected (with the reason); acknowledge
//    after Kafka confirmed it.
//  - payment.failed: give a held reservation back, or mark the order cancelled so that a
//    later order.created does not take stock (outcomes::releaseStock); acknowledge.
#pragma once

#include "stockpolicy.h"

#include "lab/contract/names.h"
#include "lab/kafka/eventworker.h"
#include "lab/runtime/config.h"

#include <QObject>

namespace lab {
class KafkaProducer;
class RedisClient;
struct OrderCreated;
struct PaymentOutcome;
}

namespace inventory {

class InventoryProcessor : public QObject
{
    Q_OBJECT
public:
    InventoryProcessor(StockPolicy policy, lab::Names names, lab::OrderRetention retention,
                       lab::RedisClient *redis, lab::KafkaProducer *producer, QObject *parent = nullptr);

    /// The topics to subscribe to (namespaced).
    QStringList topics() const;
    /// An EventWorker::Handler for records of topics().
    void handle(const lab::KafkaMessage &message, lab::EventWorker::Finish finish);

private:
    /// record: the order.created record (its headers carry the journey so far).
    void reserve(const lab::OrderCreated &order, const lab::KafkaMessage &record, lab::EventWorker::Finish finish);
    void release(const lab::PaymentOutcome &payment, lab::EventWorker::Finish finish);

    StockPolicy m_policy;
    lab::Names m_names;
    lab::OrderRetention m_retention;
    lab::RedisClient *m_redis;
    lab::KafkaProducer *m_producer;
    QString m_orderCreated;
    QString m_paymentFailed;
};

} // namespace inventory
