// inventoryprocessor.cpp: order.created -> inventory.reserved | inventory.rejected, and
// payment.failed -> stock released (see inventoryprocessor.h).
#include "inventoryprocessor.h"

#include "lab/contract/events.h"
#include "lab/contract/journey.h"
#include "lab/contract/topics.h"
#include "lab/kafka/kafkaproducer.h"
#include "lab/redis/redisclient.h"
#include "lab/runtime/servicemetrics.h"
#include "lab/store/outcomescripts.h"

#include <QLoggingCategory>
#include <QPointer>

Q_LOGGING_CATEGORY(lcInventory, "lab.inventory")

namespace inventory {

using Result = lab::EventWorker::Result;

InventoryProcessor::InventoryProcessor(StockPolicy policy, lab::Names names, lab::OrderRetention retention,
                                       lab::RedisClient *redis, lab::KafkaProducer *producer, QObject *parent)
    : QObject(parent), m_policy(std::move(policy)), m_names(std::move(names)), m_retention(retention), m_redis(redis),
      m_producer(producer), m_orderCreated(m_names.topic(lab::topics::OrderCreated)),
      m_paymentFailed(m_names.topic(lab::topics::PaymentFailed))
{
}

QStringList InventoryProcessor::topics() const
{
    return {m_orderCreated, m_paymentFailed};
}

void InventoryProcessor::handle(const lab::KafkaMessage &message, lab::EventWorker::Finish finish)
{
    if (message.topic == m_orderCreated) {
        const auto order = lab::OrderCreated::fromJson(message.value);
        if (!order.ok())
            return finish(Result::dropped(QStringLiteral("malformed"),
                                          QStringLiteral("not an order.created event: %1").arg(order.error)));
        return reserve(*order.value, message, std::move(finish));
    }
    if (message.topic == m_paymentFailed) {
        const auto payment = lab::PaymentOutcome::fromJson(message.value);
        if (!payment.ok() || payment.value->success)
            return finish(Result::dropped(QStringLiteral("malformed"),
                                          QStringLiteral("not a payment.failed event: %1")
                                              .arg(payment.ok() ? QStringLiteral("it says success") : payment.error)));
        return release(*payment.value, std::move(finish));
    }
    finish(Result::dropped(QStringLiteral("unexpected_topic"), QStringLiteral("record from %1").arg(message.topic)));
}

void InventoryProcessor::reserve(const lab::OrderCreated &order, const lab::KafkaMessage &record,
                                 lab::EventWorker::Finish finish)
{
    QPointer<InventoryProcessor> self(this);
    // The journey so far and this hop's stamp, for the outcome's headers (a redelivery
    // stamps again; Redis keeps the first decision's stamp).
    const qint64 stampUs = lab::journey::nowMicros();
    lab::journey::Timeline journey = lab::journey::Timeline::fromHeaders(record.headers);
    journey.set(lab::journey::Hop::StockDecided, stampUs);
    const lab::KafkaHeaders headers = journey.headers(lab::journey::TraceContext::continuing(record));
    lab::outcomes::reserveStock(*m_redis, m_names, m_retention, order, m_policy.initialStock(order.item),
                                QDateTime::currentDateTimeUtc(), stampUs,
                                [self, order, finish, headers](const lab::outcomes::Reservation &r,
                                                               const QString &error) {
        if (!self)
            return;
        if (!error.isEmpty())
            return finish(Result::retry(QStringLiteral("redis"), error));
        if (r.voided) {
            lab::metrics::voidedEvent();
            qCWarning(lcInventory, "order %lld: nothing reserved, order-service voided this attempt "
                                   "(its client got 503)", order.orderId);
            return finish(Result::ack());
        }
        lab::InventoryOutcome outcome;
        outcome.orderId = order.orderId;
        outcome.item = order.item;
        outcome.quantity = order.quantity;
        outcome.reserved = r.reserved;
        outcome.remaining = r.remaining;
        outcome.reason = r.reason;
        outcome.at = r.at.isValid() ? r.at : QDateTime::currentDateTimeUtc();
        const QString topic = self->m_names.topic(outcome.topic());
        self->m_producer->produce(topic, QByteArray::number(outcome.orderId), outcome.toJson(), headers,
                                  [finish, topic, outcome, fresh = r.fresh](const lab::KafkaError &e, qint32, qint64) {
            if (e)
                return finish(Result::retry(QStringLiteral("kafka"), e.toString()));
            lab::EventWorker::countProduced(topic);
            if (outcome.reserved)
                qCInfo(lcInventory, "order %lld: reserved %lld %s, %lld left%s", outcome.orderId, outcome.quantity,
                       qPrintable(outcome.item), outcome.remaining, fresh ? "" : " (republished)");
            else
                qCInfo(lcInventory, "order %lld rejected: %s%s", outcome.orderId, qPrintable(outcome.reason),
                       fresh ? "" : " (republished)");
            finish(Result::ack());
        });
    });
}

void InventoryProcessor::release(const lab::PaymentOutcome &payment, lab::EventWorker::Finish finish)
{
    lab::outcomes::releaseStock(*m_redis, m_names, m_retention, payment, QDateTime::currentDateTimeUtc(),
                                [payment, finish](lab::outcomes::ReleaseAction action, qint64 stock, const QString &error) {
        if (!error.isEmpty())
            return finish(Result::retry(QStringLiteral("redis"), error));
        switch (action) {
        case lab::outcomes::ReleaseAction::Released:
            qCInfo(lcInventory, "order %lld: payment failed, %lld %s back in stock (%lld now)", payment.orderId,
                   payment.quantity, qPrintable(payment.item), stock);
            break;
        case lab::outcomes::ReleaseAction::Cancelled:
            qCInfo(lcInventory, "order %lld: payment failed before any reservation; cancelled", payment.orderId);
            break;
        case lab::outcomes::ReleaseAction::Unchanged:
            qCDebug(lcInventory, "order %lld: payment failed; nothing held", payment.orderId);
            break;
        }
        finish(Result::ack());
    });
}

} // namespace inventory
