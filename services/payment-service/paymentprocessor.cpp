// paymentprocessor.cpp: order.created -> payment.success | payment.failed (see paymentprocessor.h).
#include "paymentprocessor.h"

#include "lab/contract/journey.h"
#include "lab/kafka/kafkaproducer.h"
#include "lab/redis/redisclient.h"
#include "lab/runtime/servicemetrics.h"
#include "lab/store/outcomescripts.h"

#include <QLoggingCategory>
#include <QPointer>

Q_LOGGING_CATEGORY(lcPayment, "lab.payment")

namespace payment {

using Result = lab::EventWorker::Result;

PaymentProcessor::PaymentProcessor(PaymentPolicy policy, lab::Names names, lab::OrderRetention retention,
                                   lab::RedisClient *redis, lab::KafkaProducer *producer, QObject *parent)
    : QObject(parent), m_policy(std::move(policy)), m_names(std::move(names)), m_retention(retention), m_redis(redis),
      m_producer(producer)
{
}

void PaymentProcessor::handle(const lab::KafkaMessage &message, lab::EventWorker::Finish finish)
{
    const auto order = lab::OrderCreated::fromJson(message.value);
    if (!order.ok()) {
        finish(Result::dropped(QStringLiteral("malformed"),
                               QStringLiteral("not an order.created event: %1").arg(order.error)));
        return;
    }
    const lab::PaymentOutcome candidate = m_policy.decide(*order.value, QDateTime::currentDateTimeUtc());
    QPointer<PaymentProcessor> self(this);
    const qint64 orderId = order.value->orderId;
    // The journey so far (the record's headers) and this hop's stamp, for the outcome's
    // headers; a redelivery stamps again (Redis keeps the first decision's stamp).
    const qint64 stampUs = lab::journey::nowMicros();
    lab::journey::Timeline journey = lab::journey::Timeline::fromHeaders(message.headers);
    journey.set(lab::journey::Hop::PaymentDecided, stampUs);
    const lab::KafkaHeaders headers = journey.headers(lab::journey::TraceContext::continuing(message));
    lab::outcomes::decidePayment(*m_redis, m_names, m_retention, candidate, order.value->createdAt, stampUs,
                                 [self, finish, orderId, headers](const std::optional<lab::PaymentOutcome> &stored,
                                                                  const QString &error) {
        if (!self)
            return;
        if (!error.isEmpty()) {
            finish(Result::retry(QStringLiteral("redis"), error));
            return;
        }
        if (!stored) {
            lab::metrics::voidedEvent();
            qCWarning(lcPayment, "order %lld: not charged, order-service voided this attempt "
                                 "(its client got 503)", orderId);
            finish(Result::ack());
            return;
        }
        self->publish(*stored, headers, finish);
    });
}

void PaymentProcessor::publish(const lab::PaymentOutcome &outcome, const lab::KafkaHeaders &headers,
                               lab::EventWorker::Finish finish)
{
    const QString topic = m_names.topic(outcome.topic());
    m_producer->produce(topic, QByteArray::number(outcome.orderId), outcome.toJson(), headers,
                        [finish, topic, outcome](const lab::KafkaError &error, qint32, qint64) {
        if (error) {
            finish(Result::retry(QStringLiteral("kafka"), error.toString()));
            return;
        }
        lab::EventWorker::countProduced(topic);
        if (outcome.success)
            qCInfo(lcPayment, "order %lld paid: %s", outcome.orderId, qPrintable(formatCents(outcome.amountCents)));
        else
            qCInfo(lcPayment, "order %lld payment failed: %s", outcome.orderId, qPrintable(outcome.reason));
        finish(Result::ack());
    });
}

} // namespace payment
