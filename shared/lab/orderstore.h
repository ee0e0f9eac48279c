// orderstore.h: the order record in Redis, the one place that reads and writes the
// hash order:{id} on behalf of order-service (and reads it for search-service), with
// the Lua scripts that make "accept an order exactly once" atomic across instances.
//
// Hash order:{id} (key from Names::orderKey; layout also in names.h and docs/EVENTS.md):
//   state       pending | accepted       written here only
//   claim_at    ms since epoch (Redis TIME) of the current claim, the claim's token
//   item, quantity, created_at           the accepted payload (created_at ISO-8601 UTC)
//   status      created | paid | reserved | confirmed | failed   ("created" is set here
//               only when absent: notifier-service may already have advanced it)
//   reason, payment, payment_reason, inventory, inventory_reason, decided, published,
//   listed, updated_at   notifier-service's (see outcomescripts.h)
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
//   releaseClaim() after a failed delivery: deletes the hash only while it is still
//                  pending with our claim_at and nothing downstream wrote to it.
#pragma once

#include "lab/events.h"
#include "lab/names.h"
#include "lab/redisreply.h"

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
    /// updated_at, payment, payment_reason, inventory, inventory_reason (those present).
    /// payment/inventory holding a JSON object are embedded as objects, else strings.
    QJsonObject toJson() const;

    /// From an HGETALL reply; nullopt for a missing key (empty array) or a non-array.
    static std::optional<OrderRecord> fromReply(qint64 orderId, const RedisReply &reply);
};

class OrderStore
{
public:
    enum class Outcome { New, Takeover, Duplicate, Conflict, InFlight, Error };

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
    using FetchManyCallback = std::function<void(const QHash<qint64, OrderRecord> &records, const QString &error)>;

    /// Pending claims older than this are taken over (their instance is presumed dead).
    static constexpr qint64 DefaultStaleClaimMs = 30000;

    /// redis must outlive every call's callback (callbacks never touch the store).
    OrderStore(RedisClient *redis, const Names &names, qint64 staleClaimMs = DefaultStaleClaimMs);

    void claim(const OrderRequest &order, const QDateTime &createdAt, ClaimCallback done);
    void markAccepted(const OrderCreated &event, DoneCallback done);
    /// done(ok=true) also when nothing was deleted (the claim was no longer ours).
    void releaseClaim(qint64 orderId, qint64 claimAt, DoneCallback done);
    /// record is nullopt when the key does not exist; error non-empty when Redis failed.
    void fetch(qint64 orderId, FetchCallback done);
    /// Pipelined HGETALL of every id; records holds the ids whose hash exists.
    /// error non-empty when any read failed (records then holds what was read).
    /// An empty id list is answered at once (synchronously).
    void fetchMany(const QList<qint64> &orderIds, FetchManyCallback done);

    /// Interprets the claim script's reply (public for unit tests).
    static Claim parseClaimReply(const RedisReply &reply);

    static const QByteArray ClaimScript;
    static const QByteArray MarkAcceptedScript;
    static const QByteArray ReleaseScript;

private:
    RedisClient *m_redis;
    Names m_names;
    qint64 m_staleClaimMs;
};

} // namespace lab
