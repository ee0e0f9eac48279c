// correlator.h: notifier-service's event handler for payment.success, payment.failed,
// inventory.reserved and inventory.rejected. Each outcome is recorded on the order in
// Redis by one Lua script (outcomes::correlate), which decides the order at most once:
// failed as soon as either side failed, confirmed when both succeeded. When this call
// decided it (or an earlier decision was never published, e.g. after a crash) the
// notification goes to order.notification keyed by order_id; once Kafka confirmed it,
// the order is marked published and listed in notifications:recent, and only then is
// the input record acknowledged. published() lets this instance's WebSocket clients get
// the notification as soon as Kafka stored it, without waiting for the fan-out to read
// it back (the hub drops the copy the fan-out reads later).
#pragma once

#include "lab/contract/events.h"
#include "lab/contract/kafkamessage.h"
#include "lab/contract/names.h"
#include "lab/kafka/eventworker.h"
#include "lab/runtime/config.h"

#include <QMap>
#include <QObject>

namespace lab {
class KafkaProducer;
class RedisClient;
}

namespace notifier {

class Correlator : public QObject
{
    Q_OBJECT
public:
    /// The correlation consumer's settings. An order's two outcomes usually arrive a
    /// few ms apart and it is decided only when both are there: the broker holds a fetch
    /// until about two outcome records are there (one record, with its journey headers,
    /// is a batch of ~335 B, two ~670 B: measured with Kafka's DumpLogSegments), so one
    /// fetch carries both instead of one each (at 100 orders/s: ~100 fetch requests a
    /// second instead of ~200). A failed payment (~415 B, its reason) passes the bound
    /// alone: it decides the order alone. The wait bound matters only when one side is
    /// slow (the decision waits for it anyway; an order failed by its first outcome can be
    /// told up to 100 ms later) and when idle (ten empty fetches a second).
    static QMap<QString, QString> consumerSettings()
    {
        return {{QStringLiteral("fetch.min.bytes"), QStringLiteral("400")},
                {QStringLiteral("fetch.wait.max.ms"), QStringLiteral("100")}};
    }
    /// Each record in flight holds its Lua call, produce and callbacks: 1,000 keep the
    /// Redis pipeline full (~20,000 records/s at 50 ms each) and the RSS under 50 MiB.
    static constexpr int MaxInFlight = 1000;

    Correlator(lab::Names names, lab::OrderRetention retention, lab::RedisClient *redis,
               lab::KafkaProducer *producer, QObject *parent = nullptr);

    /// The outcome topics to subscribe to (namespaced).
    QStringList topics() const;
    /// An EventWorker::Handler for records of topics().
    void handle(const lab::KafkaMessage &message, lab::EventWorker::Finish finish);

signals:
    /// Kafka acknowledged this notification (emitted before it is marked published).
    void published(const lab::Notification &notification);

private:
    void publish(const lab::Notification &notification, const lab::KafkaHeaders &headers,
                 lab::EventWorker::Finish finish);

    lab::Names m_names;
    lab::OrderRetention m_retention;
    lab::RedisClient *m_redis;
    lab::KafkaProducer *m_producer;
    QString m_paymentSuccess;
    QString m_paymentFailed;
    QString m_inventoryReserved;
    QString m_inventoryRejected;
};

} // namespace notifier
