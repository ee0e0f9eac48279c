// orderintake.h: accepting an order exactly once. A request is claimed in Redis
// (lab::OrderStore), published as order.created keyed by order_id, and answered only
// after Kafka's delivery report: then the record becomes accepted. A failed delivery
// voids the attempt (consumers then drop its record, should it be in Kafka after all),
// so nothing is half-accepted. Concurrent identical requests for
// one order_id in this process share one claim and one event and get the same answer.
#pragma once

#include "lab/contract/events.h"
#include "lab/contract/journey.h"
#include "lab/contract/names.h"
#include "lab/kafka/kafkaerror.h"
#include "lab/store/orderstore.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <QTimer>
#include <functional>

namespace lab {
class KafkaProducer;
}

class OrderIntake : public QObject
{
    Q_OBJECT
public:
    struct Result
    {
        enum class Kind {
            Created,     ///< accepted now (the event is in Kafka)
            Duplicate,   ///< accepted before with the same payload; no new event
            Conflict,    ///< the order_id holds a different item/quantity
            Busy,        ///< another instance holds a fresh claim on this order_id
            Unavailable, ///< Kafka or Redis down, or shutting down: nothing accepted
        };
        Kind kind = Kind::Unavailable;
        QString message;
        QString field;

        bool accepted() const { return kind == Kind::Created || kind == Kind::Duplicate; }
    };
    using Callback = std::function<void(const Result &)>;

    /// producerConfig: librdkafka overrides (e.g. message.timeout.ms). The producer is
    /// recreated after a fatal error.
    OrderIntake(lab::OrderStore *store, const QString &brokers,
                const QMap<QString, QString> &producerConfig, const lab::Names &names,
                QObject *parent = nullptr);
    ~OrderIntake() override;

    /// The producer's settings when an answer may wait kafkaTimeoutMs for Kafka's
    /// acknowledgement: that timeout, a reconnect backoff that lets a 503 come on time,
    /// clientId, and no wait to fill a batch.
    static QMap<QString, QString> producerSettings(qint64 kafkaTimeoutMs, const QString &clientId);

    /// done runs exactly once, on this thread (possibly before submit returns when the
    /// answer needs no I/O, e.g. while shutting down).
    void submit(const lab::OrderRequest &request, Callback done);

    /// New submissions are answered Unavailable from now on.
    void stopAccepting();
    bool isAccepting() const { return m_accepting; }
    /// Orders claimed and not answered yet.
    int pendingCount() const { return int(m_pending.size()); }
    /// Blocks until Kafka stored every queued record or timeoutMs passed.
    int flush(int timeoutMs);

    /// Answered 503 but not voided yet (Redis failed when the delivery did): retried every
    /// VoidRetryMs until Redis answers, so that a record Kafka stored anyway is refused.
    int unvoidedCount() const { return int(m_unvoided.size()); }
    static constexpr int VoidRetryMs = 1000;

    /// Last error a Kafka delivery or the client reported (empty after a success).
    QString lastKafkaError() const { return m_lastKafkaError; }

signals:
    /// pendingCount() dropped to zero.
    void idle();

private:
    struct Pending
    {
        lab::OrderRequest request;
        qint64 receivedUs = 0;           ///< the journey's first stamp
        lab::journey::TraceContext trace; ///< the trace order.created starts
        QList<Callback> waiters;
        QElapsedTimer started;
    };

    void createProducer();
    void onClaimed(qint64 orderId, const lab::OrderStore::Claim &claim);
    void onDelivered(const lab::OrderCreated &event, qint64 claimAt, const lab::KafkaError &error);
    void accept(const lab::OrderCreated &event, qint64 acknowledgedUs);
    void retryVoids();
    void finish(qint64 orderId, const Result &result);
    void reportInFlight();

    lab::OrderStore *m_store;
    QString m_brokers;
    QMap<QString, QString> m_producerConfig;
    lab::KafkaProducer *m_producer = nullptr;
    QString m_topic;
    QHash<qint64, Pending> m_pending;
    QHash<qint64, qint64> m_unvoided; ///< order id -> claim_at
    QTimer *m_voidRetry = nullptr;
    int m_voidCallsOut = 0;
    bool m_accepting = true;
    QString m_lastKafkaError;
};
