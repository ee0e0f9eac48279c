// paymentprocessor.h: payment-service's event handler. For each order.created record:
// parse it, decide the payment with PaymentPolicy, store the first decision per order in
// Redis (outcomes::decidePayment) and publish the STORED outcome, keyed by order_id, to
// payment.success or payment.failed. The record is acknowledged only after Kafka
// confirmed that publication, so a crash anywhere republishes the same outcome.
#pragma once

#include "pricing.h"

#include "lab/contract/names.h"
#include "lab/kafka/eventworker.h"
#include "lab/runtime/config.h"

#include <QObject>

namespace lab {
class KafkaProducer;
class RedisClient;
}

namespace payment {

class PaymentProcessor : public QObject
{
    Q_OBJECT
public:
    PaymentProcessor(PaymentPolicy policy, lab::Names names, lab::OrderRetention retention,
                     lab::RedisClient *redis, lab::KafkaProducer *producer, QObject *parent = nullptr);

    /// An EventWorker::Handler.
    void handle(const lab::KafkaMessage &message, lab::EventWorker::Finish finish);

private:
    void publish(const lab::PaymentOutcome &outcome, const lab::KafkaHeaders &headers,
                 lab::EventWorker::Finish finish);

    PaymentPolicy m_policy;
    lab::Names m_names;
    lab::OrderRetention m_retention;
    lab::RedisClient *m_redis;
    lab::KafkaProducer *m_producer;
};

} // namespace payment
