// orderstore.h: the order record in Redis, the one place that reads and writes the
// hash order:{id} on behalf of order-service (and admits search-service's order.created
// records), with the Lua scripts that make "accept an order exactly once" atomic across
// instances.
//
// Hash order:{id} (key from Names::orderKey; layout also in names.h and docs/EVENTS.md):
//   state       pending | accepted | void   written here only
//   admitted    1 once a consumer acted on the pending claim's event (lab_admit)
//   claim_at    ms since epoch (Redis TIME) of the current claim, the claim's token
//   item, quantity, created_at           the accepted payload (created_at ISO-8601 UTC)
//   status      created | paid | reserved | confirmed | failed   ("created" is set here
//               only when absent: notifier-service may already have advanced it)
//   reason, payment, payment_reason, inventory, inventory_reason, decided, published,
//   listed, updated_at   notifier-service's (see outcomescripts.h)
//   trace_id, t_<hop>    the order's journey (journey.h): t_received and trace_id by the
//               claim, t_kafka_acknowledged by markAccepted, the other stamps by the
//               scripts of payment-, inventory- and notifier-service
//
// Life of a claim (order-service, POST /create_order):
//   claim()        -> New: hash created as pending; produce order.created
//                  -> Duplicate: accepted with the same payload: answer again, no event
//                  -> Conflict: the id holds a different item/quantity: 409
//                  -> InFlight: another request holds a fresh pending claim
//                  -> Takeover: a pending claim older than the stale limit (its instance
//                     crashed before the delivery report): produce again, same created_at
//   markAccepted() after Kafka acknowledged the event (state=accepted; status=created
//                  and updated_at only if absent). Always applies: a delivered event IS
//                  an accepted order, whoever holds the claim.
//   voidClaim()    after a failed delivery: while the claim is still ours (pending, our
//                  claim_at) and no consumer admitted its event, the hash becomes
//                  {state=void, created_at, claim_at}, and the client gets 503. The
//                  record may still be in Kafka (a timeout can hide a write the broker
//                  did store): every consumer of order.created runs lab_admit
//                  (AdmitFunction) atomically with its first action and drops the event
//                  of a voided attempt, so a 503 order never flows. When a consumer
//                  admitted it first, the event IS in Kafka: state=accepted, 201.
//                  A void id is free: the next claim starts a new attempt with its own
//                  created_at, and an old attempt's record stays refused.
//
// Expiry (OrderRetention, config.h): a new claim, and a void marker, expire after the
// undecided retention; notifier-service shortens that to ORDER_RETENTION once the
// order's notification is published (outcomescripts.h). Then the id is free again.
#pragma once

#include "lab/runtime/config.h"

#include "lab/contract/events.h"
#include "lab/contract/names.h"
#include "lab/redis/redisreply.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <functional>
#include <optional>

namespace lab {

class RedisClient;

/// A snapshot of one order:{id} hash.
struct OrderRecord
{
    qint64 orderId = 0;
    QHash<QString, QString> fields; ///< every field of the hash, as stored

    QString field(const QString &name) const { return fields.value(name); }
    QString item() const { return field(QStringLiteral("item")); }
    qint64 quantity() const; ///< 0 when absent or not a number
    QString state() const { return field(QStringLiteral("state")); }
    /// status, or "created" for an accepted order nobody advanced yet.
    QString status() const;
    QDateTime createdAt() const;
    QDateTime updatedAt() const;

    /// True when the order was accepted (published to Kafka) as far as the hash tells:
    /// state accepted, or a status written downstream (e.g. its instance died between
    /// the delivery report and markAccepted). A bare pending claim is not visible.
    bool isVisible() const;

    /// The GET /orders/{id} view: order_id, item, quantity, status, reason, created_at,
    /// updated_at, payment, payment_reason, inventory, inventory_reason (those present),
    /// trace_id and timeline (journey::Timeline::toJson(), the hops stamped so far).
    /// payment/inventory holding a JSON object are embedded as objects, else strings.
    QJsonObject toJson() const;

    /// From an HGETALL reply; nullopt for a missing key (empty array) or a non-array.
    static std::optional<OrderRecord> fromReply(qint64 orderId, const RedisReply &reply);
};

class OrderStore
{
public:
    enum class Outcome { New, Takeover, Duplicate, Conflict, InFlight, Error };
    /// What voidClaim() found.
    enum class Void {
        Voided,   ///< nobody acted on the event: the attempt is void, answer 503
        Accepted, ///< a consumer already admitted the event: it is in Kafka, answer 201
        NotOurs,  ///< the claim is gone or another request took it over: answer 503
    };

    struct Claim
    {
        Outcome outcome = Outcome::Error;
        QDateTime createdAt;     ///< New/Takeover: the event's created_at; Duplicate: the original
        qint64 claimAt = 0;      ///< New/Takeover/InFlight: the claim token
        qint64 ageMs = 0;        ///< InFlight: age of the other claim
        QString existingItem;    ///< Conflict: what the id already holds
        qint64 existingQuantity = 0;
        QString error;           ///< Error: why (Redis down, timeout, bad reply)

        bool proceeds() const { return outcome == Outcome::New || outcome == Outcome::Takeover; }
    };
    using ClaimCallback = std::function<void(const Claim &)>;
    using DoneCallback = std::function<void(bool ok, const QString &error)>;
    using FetchCallback = std::function<void(const std::optional<OrderRecord> &record, const QString &error)>;
    using VoidCallback = std::function<void(Void result, const QString &error)>;
    using AdmitManyCallback = std::function<void(const QList<bool> &voided, const QString &error)>;

    /// Pending claims older than this are taken over (their instance is presumed dead).
    static constexpr qint64 DefaultStaleClaimMs = 30000;

    /// redis must outlive every call's callback (callbacks never touch the store).
    OrderStore(RedisClient *redis, const Names &names, qint64 staleClaimMs = DefaultStaleClaimMs);

    /// The expiries the scripts set (default: OrderRetention's defaults).
    void setRetention(const OrderRetention &retention) { m_retention = retention; }

    /// receivedUs: the journey's "received" stamp (now when < 0); traceId: the trace the
    /// order.created record will carry (journey::TraceContext).
    void claim(const OrderRequest &order, const QDateTime &createdAt, ClaimCallback done,
               qint64 receivedUs = -1, const QByteArray &traceId = {});
    /// acknowledgedUs: the "kafka_acknowledged" stamp (now when < 0); kept if one is there.
    void markAccepted(const OrderCreated &event, DoneCallback done, qint64 acknowledgedUs = -1);
    /// After a failed delivery; error non-empty when Redis failed (the claim then
    /// expires as stale; see docs/RELIABILITY.md for what that leaves open).
    void voidClaim(qint64 orderId, qint64 claimAt, VoidCallback done);
    /// record is nullopt when the key does not exist; error non-empty when Redis failed.
    void fetch(qint64 orderId, FetchCallback done);
    /// One order.created record to check with lab_admit: its order and its created_at.
    struct Admission
    {
        qint64 orderId = 0;
        QDateTime createdAt;
    };
    /// lab_admit for every record in ONE script call (AdmitManyScript): voided[i] is true
    /// when records[i] belongs to an attempt order-service voided (drop it), false when
    /// it may be acted on (a pending claim is then marked admitted). An order may appear
    /// more than once (several attempts' records). error non-empty when Redis failed
    /// (voided is then empty). An empty list is answered at once (synchronously).
    void admitMany(const QList<Admission> &records, AdmitManyCallback done);

    /// Interprets the claim script's reply (public for unit tests).
    static Claim parseClaimReply(const RedisReply &reply);

    static const QByteArray ClaimScript;
    static const QByteArray MarkAcceptedScript;
    static const QByteArray VoidScript;
    static const QByteArray AdmitManyScript;

    /// Lua, prepended to every script that acts on an order.created event:
    /// lab_admit(order key, the event's created_at) is false when that attempt was voided
    /// (state void, or the id claimed again since: another created_at); otherwise true,
    /// and a pending claim is marked admitted so that it can no longer be voided.
    /// The check and the caller's first write happen in one script: atomic.
    static constexpr char AdmitFunction[] = R"lua(
local function lab_admit(key, createdAt)
  local f = redis.call('HMGET', key, 'state', 'created_at')
  if f[1] == 'void' then return false end
  if f[1] ~= 'pending' and f[1] ~= 'accepted' then return true end
  if f[2] and f[2] ~= createdAt then return false end
  if f[1] == 'pending' then redis.call('HSET', key, 'admitted', '1') end
  return true
end
)lua";

private:
    RedisClient *m_redis;
    Names m_names;
    qint64 m_staleClaimMs;
    OrderRetention m_retention;
};

} // namespace lab
