// correlator.cpp: payment + inventory outcomes -> one order.notification (see correlator.h).
#include "correlator.h"

#include "lab/contract/events.h"
#include "lab/contract/journey.h"
#include "lab/contract/topics.h"
#include "lab/kafka/kafkaproducer.h"
#include "lab/redis/redisclient.h"
#include "lab/runtime/metrics.h"
#include "lab/store/outcomescripts.h"

#include <QLoggingCategory>
#include <QPointer>

Q_LOGGING_CATEGORY(lcCorrelator, "lab.notifier.correlate")

namespace notifier {

using Result = lab::EventWorker::Result;
using lab::outcomes::OutcomeEvent;

Correlator::Correlator(lab::Names names, lab::OrderRetention retention, lab::RedisClient *redis,
                       lab::KafkaProducer *producer, QObject *parent)
    : QObject(parent), m_names(std::move(names)), m_retention(retention), m_redis(redis), m_producer(producer),
      m_paymentSuccess(m_names.topic(lab::topics::PaymentSuccess)),
      m_paymentFailed(m_names.topic(lab::topics::PaymentFailed)),
      m_inventoryReserved(m_names.topic(lab::topics::InventoryReserved)),
      m_inventoryRejected(m_names.topic(lab::topics::InventoryRejected))
{
}

QStringList Correlator::topics() const
{
    return {m_paymentSuccess, m_paymentFailed, m_inventoryReserved, m_inventoryRejected};
}

void Correlator::handle(const lab::KafkaMessage &message, lab::EventWorker::Finish finish)
{
    OutcomeEvent event;
    if (message.topic == m_paymentSuccess || message.topic == m_paymentFailed) {
        const auto p = lab::PaymentOutcome::fromJson(message.value);
        if (!p.ok())
            return finish(Result::dropped(QStringLiteral("malformed"),
                                          QStringLiteral("not a payment outcome: %1").arg(p.error)));
        if (p.value->success != (message.topic == m_paymentSuccess))
            return finish(Result::dropped(QStringLiteral("malformed"),
                                          QStringLiteral("a %1 event on %2").arg(p.value->topic(), message.topic)));
        event = OutcomeEvent::fromPayment(*p.value);
    } else if (message.topic == m_inventoryReserved || message.topic == m_inventoryRejected) {
        const auto i = lab::InventoryOutcome::fromJson(message.value);
        if (!i.ok())
            return finish(Result::dropped(QStringLiteral("malformed"),
                                          QStringLiteral("not an inventory outcome: %1").arg(i.error)));
        if (i.value->reserved != (message.topic == m_inventoryReserved))
            return finish(Result::dropped(QStringLiteral("malformed"),
                                          QStringLiteral("a %1 event on %2").arg(i.value->topic(), message.topic)));
        event = OutcomeEvent::fromInventory(*i.value);
    } else {
        return finish(Result::dropped(QStringLiteral("unexpected_topic"),
                                      QStringLiteral("record from %1").arg(message.topic)));
    }

    QPointer<Correlator> self(this);
    lab::outcomes::correlate(*m_redis, m_names, m_retention, event, QDateTime::currentDateTimeUtc(), lab::journey::nowMicros(),
                             [self, finish, orderId = event.orderId, message](const lab::outcomes::Correlation &c,
                                                                             const QString &error) {
        if (!self)
            return;
        if (!error.isEmpty())
            return finish(Result::retry(QStringLiteral("redis"), error));
        if (!c.publish) {
            qCDebug(lcCorrelator, "order %lld is %s", orderId, qPrintable(c.status));
            return finish(Result::ack());
        }
        if (c.decidedNow)
            lab::Metrics::instance().increment(QStringLiteral("lab_orders_decided_total"),
                                               QStringLiteral("Orders this instance decided, by outcome."),
                                               QStringLiteral("status=\"%1\"").arg(c.status));
        else
            qCInfo(lcCorrelator, "order %lld was decided (%s) but never published; publishing it now", orderId,
                   qPrintable(c.status));
        // The trace of the order (from Redis, else the record that decided it) goes on.
        const lab::journey::TraceContext trace =
            lab::journey::TraceContext::continuing(message, c.publish->timeline.traceId());
        self->publish(*c.publish, c.publish->timeline.headers(trace), finish);
    });
}

void Correlator::publish(const lab::Notification &notification, const lab::KafkaHeaders &headers,
                         lab::EventWorker::Finish finish)
{
    const QString topic = m_names.topic(lab::topics::OrderNotification);
    QPointer<Correlator> self(this);
    m_producer->produce(topic, QByteArray::number(notification.orderId), notification.toJson(), headers,
                        [self, finish, topic, notification](const lab::KafkaError &error, qint32, qint64) {
        if (!self)
            return;
        if (error)
            return finish(Result::retry(QStringLiteral("kafka"), error.toString()));
        lab::EventWorker::countProduced(topic);
        emit self->published(notification);
        lab::outcomes::markPublished(*self->m_redis, self->m_names, self->m_retention, notification, lab::journey::nowMicros(),
                                     [finish, notification](bool, const QString &error) {
            // Not marked: the retry finds the order unpublished and publishes again; the
            // fan-out drops the duplicate.
            if (!error.isEmpty())
                return finish(Result::retry(QStringLiteral("redis"), error));
            if (notification.status == lab::Notification::Status::Confirmed)
                qCInfo(lcCorrelator, "order %lld confirmed", notification.orderId);
            else
                qCInfo(lcCorrelator, "order %lld failed: %s", notification.orderId, qPrintable(notification.reason));
            finish(Result::ack());
        });
    });
}

} // namespace notifier
