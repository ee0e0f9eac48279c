// orderintake.cpp: claim -> produce -> delivery report -> accept or void (see orderintake.h).
#include "orderintake.h"

#include <algorithm>

#include "lab/contract/topics.h"
#include "lab/kafka/kafkaproducer.h"
#include "lab/runtime/metrics.h"
#include "lab/runtime/servicemetrics.h"

#include <QLoggingCategory>
#include <QPointer>

Q_LOGGING_CATEGORY(lcIntake, "lab.order.intake")

using lab::OrderStore;
using Kind = OrderIntake::Result::Kind;
using lab::KafkaHeaders;

OrderIntake::OrderIntake(OrderStore *store, const QString &brokers,
                         const QMap<QString, QString> &producerConfig, const lab::Names &names,
                         QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_brokers(brokers)
    , m_producerConfig(producerConfig)
    , m_topic(names.topic(lab::topics::OrderCreated))
{
    createProducer();
    m_voidRetry = new QTimer(this);
    m_voidRetry->setInterval(VoidRetryMs);
    connect(m_voidRetry, &QTimer::timeout, this, &OrderIntake::retryVoids);
}

QMap<QString, QString> OrderIntake::producerSettings(qint64 kafkaTimeoutMs, const QString &clientId)
{
    return {{QStringLiteral("message.timeout.ms"), QString::number(kafkaTimeoutMs)},
            // While the broker is down, librdkafka's broker thread only wakes (and times
            // out queued records) at each reconnect attempt; with the default backoff cap
            // of 10 s a 503 could take 10 s instead of kafka-timeout-ms (found by
            // tests/chaos, kafkaOutage).
            {QStringLiteral("reconnect.backoff.max.ms"),
             QString::number(std::clamp<qint64>(kafkaTimeoutMs / 4, 100, 1000))},
            {QStringLiteral("client.id"), clientId},
            // Every answer waits for this producer: no extra wait to fill a batch (records
            // still batch while 5 requests are in flight). With the shared 5 ms,
            // order-service alone answered 6,700/s at p50 9.6 ms with the machine half idle
            // (docs/BENCHMARKS.md).
            {QStringLiteral("linger.ms"), QStringLiteral("1")}};
}

OrderIntake::~OrderIntake() = default;

void OrderIntake::createProducer()
{
    if (m_producer) {
        // The old client cannot deliver anything any more: do not wait for it.
        m_producer->setFlushTimeoutMs(0);
        m_producer->deleteLater();
    }
    m_producer = new lab::KafkaProducer(m_brokers, m_producerConfig, this);
    connect(m_producer, &lab::KafkaProducer::clientError, this, [this, producer = m_producer](const lab::KafkaError &e) {
        m_lastKafkaError = e.toString();
        lab::metrics::error(QStringLiteral("kafka_client"));
        if (e.isFatal() && producer == m_producer) {
            qCCritical(lcIntake, "Kafka producer failed fatally, recreating it: %s", qPrintable(e.toString()));
            createProducer();
        }
    });
}

void OrderIntake::submit(const lab::OrderRequest &request, Callback done)
{
    if (!m_accepting) {
        done({Kind::Unavailable, QStringLiteral("order-service is shutting down; retry on another instance"), {}});
        return;
    }
    const auto it = m_pending.find(request.orderId);
    if (it != m_pending.end()) {
        if (it->request == request) {
            it->waiters.append(std::move(done)); // answered with the first request
        } else {
            done({Kind::Conflict,
                  QStringLiteral("order_id %1 is being created with a different item or quantity")
                      .arg(request.orderId),
                  QStringLiteral("order_id")});
        }
        return;
    }
    Pending p;
    p.request = request;
    p.receivedUs = lab::journey::nowMicros();
    p.trace = lab::journey::TraceContext::root();
    p.waiters.append(std::move(done));
    p.started.start();

    const qint64 receivedUs = p.receivedUs;
    const QByteArray traceId = p.trace.traceId;
    m_pending.insert(request.orderId, std::move(p));
    reportInFlight();

    QPointer<OrderIntake> self(this);
    const qint64 id = request.orderId;
    m_store->claim(request, QDateTime::currentDateTimeUtc(), [self, id](const OrderStore::Claim &claim) {
        if (self)
            self->onClaimed(id, claim);
    }, receivedUs, traceId);
}

void OrderIntake::onClaimed(qint64 orderId, const OrderStore::Claim &claim)
{
    const auto it = m_pending.constFind(orderId);
    if (it == m_pending.constEnd())
        return;
    const lab::OrderRequest request = it->request;
    lab::journey::Timeline journey;
    journey.set(lab::journey::Hop::Received, it->receivedUs);
    const KafkaHeaders headers = journey.headers(it->trace);
    switch (claim.outcome) {
    case OrderStore::Outcome::New:
    case OrderStore::Outcome::Takeover: {
        if (claim.outcome == OrderStore::Outcome::Takeover)
            qCWarning(lcIntake, "order %lld: taking over a stale claim (its instance died before "
                                "Kafka answered)", orderId);
        lab::OrderCreated event;
        event.orderId = orderId;
        event.item = request.item;
        event.quantity = request.quantity;
        event.createdAt = claim.createdAt;
        QPointer<OrderIntake> self(this);
        const qint64 claimAt = claim.claimAt;
        m_producer->produce(m_topic, QByteArray::number(orderId), event.toJson(), headers,
                            [self, event, claimAt](const lab::KafkaError &error, qint32, qint64) {
                                if (self)
                                    self->onDelivered(event, claimAt, error);
                            });
        return;
    }
    case OrderStore::Outcome::Duplicate:
        qCInfo(lcIntake, "order %lld: identical retry of an accepted order; no new event", orderId);
        finish(orderId, {Kind::Duplicate, {}, {}});
        return;
    case OrderStore::Outcome::Conflict:
        finish(orderId, {Kind::Conflict,
                         QStringLiteral("order_id %1 is already used by a different order "
                                        "(item \"%2\", quantity %3)")
                             .arg(orderId)
                             .arg(claim.existingItem)
                             .arg(claim.existingQuantity),
                         QStringLiteral("order_id")});
        return;
    case OrderStore::Outcome::InFlight:
        finish(orderId, {Kind::Busy,
                         QStringLiteral("order %1 is being accepted by another request; retry in a moment")
                             .arg(orderId),
                         {}});
        return;
    case OrderStore::Outcome::Error:
        lab::metrics::error(QStringLiteral("redis"));
        qCWarning(lcIntake, "order %lld: %s", orderId, qPrintable(claim.error));
        finish(orderId, {Kind::Unavailable, QStringLiteral("Redis is unavailable: %1").arg(claim.error), {}});
        return;
    }
}

void OrderIntake::onDelivered(const lab::OrderCreated &event, qint64 claimAt, const lab::KafkaError &error)
{
    if (!error) {
        m_lastKafkaError.clear();
        lab::metrics::eventProduced(lab::topics::OrderCreated);
        accept(event, lab::journey::nowMicros());
        return;
    }
    const qint64 id = event.orderId;
    m_lastKafkaError = error.toString();
    lab::metrics::error(QStringLiteral("kafka_delivery"));
    qCWarning(lcIntake, "order %lld not confirmed by Kafka: %s", id, qPrintable(error.toString()));
    if (error.isFatal())
        createProducer();
    // A timed-out record may still have been stored (the broker's answer was lost): void
    // the attempt so that no consumer acts on it, unless one already did (orderstore.h).
    QPointer<OrderIntake> self(this);
    const QString message = QStringLiteral("Kafka is unavailable: %1").arg(error.message());
    m_store->voidClaim(id, claimAt, [self, event, claimAt, message](OrderStore::Void result, const QString &problem) {
        if (!self)
            return;
        if (!problem.isEmpty()) {
            // Kafka and Redis both failing: answer now, void as soon as Redis is back.
            qCWarning(lcIntake, "order %lld: attempt not voided yet (%s); retrying every %d ms", event.orderId,
                      qPrintable(problem), VoidRetryMs);
            self->m_unvoided.insert(event.orderId, claimAt);
            if (!self->m_voidRetry->isActive())
                self->m_voidRetry->start();
        }
        if (result == OrderStore::Void::Accepted) {
            qCWarning(lcIntake, "order %lld: Kafka reported a failure, but a consumer already has the "
                                "event: accepted", event.orderId);
            self->accept(event, lab::journey::nowMicros());
            return;
        }
        self->finish(event.orderId, {Kind::Unavailable, message, {}});
    });
}

void OrderIntake::retryVoids()
{
    if (m_voidCallsOut > 0)
        return; // the last round is still waiting for Redis
    if (m_unvoided.isEmpty()) {
        m_voidRetry->stop();
        return;
    }
    QPointer<OrderIntake> self(this);
    const QHash<qint64, qint64> round = m_unvoided; // a callback may edit m_unvoided
    for (auto it = round.cbegin(); it != round.cend(); ++it) {
        ++m_voidCallsOut;
        const qint64 id = it.key();
        const qint64 claimAt = it.value();
        m_store->voidClaim(id, claimAt, [self, id, claimAt](OrderStore::Void result, const QString &problem) {
            if (!self)
                return;
            --self->m_voidCallsOut;
            if (!problem.isEmpty())
                return; // next round
            if (self->m_unvoided.value(id) == claimAt)
                self->m_unvoided.remove(id);
            switch (result) {
            case OrderStore::Void::Voided:
                qCInfo(lcIntake, "order %lld: attempt voided now that Redis answers", id);
                break;
            case OrderStore::Void::Accepted:
                // Its record reached Kafka and a consumer admitted it while this instance
                // could not reach Redis: the order is processed although it got 503.
                lab::metrics::error(QStringLiteral("void_too_late"));
                qCCritical(lcIntake, "order %lld was answered 503, but a consumer admitted its record "
                                     "before the attempt could be voided: it is processed", id);
                break;
            case OrderStore::Void::NotOurs:
                break; // taken over by a retry of the order, or gone
            }
        });
    }
}

void OrderIntake::accept(const lab::OrderCreated &event, qint64 acknowledgedUs)
{
    QPointer<OrderIntake> self(this);
    const qint64 id = event.orderId;
    // The event is in Kafka: the order is accepted whatever Redis says next.
    m_store->markAccepted(event, [self, id](bool ok, const QString &problem) {
        if (!ok) {
            lab::metrics::error(QStringLiteral("redis"));
            qCWarning(lcIntake, "order %lld was published but not marked accepted: %s", id,
                      qPrintable(problem));
        }
        if (self)
            self->finish(id, {Kind::Created, {}, {}});
    }, acknowledgedUs);
}

void OrderIntake::finish(qint64 orderId, const Result &result)
{
    const auto it = m_pending.find(orderId);
    if (it == m_pending.end())
        return;
    Pending p = std::move(it.value());
    m_pending.erase(it);
    reportInFlight();
    lab::metrics::handlerSeconds(QStringLiteral("create_order"), double(p.started.nsecsElapsed()) / 1e9);
    for (const Callback &waiter : std::as_const(p.waiters))
        waiter(result);
    if (m_pending.isEmpty())
        emit idle();
}

void OrderIntake::reportInFlight()
{
    lab::Metrics::instance().setGauge(QStringLiteral("lab_orders_in_flight"),
                                      QStringLiteral("Orders claimed and waiting for Kafka's answer."),
                                      double(m_pending.size()));
}

void OrderIntake::stopAccepting()
{
    m_accepting = false;
}

int OrderIntake::flush(int timeoutMs)
{
    return m_producer ? m_producer->flush(timeoutMs) : 0;
}
