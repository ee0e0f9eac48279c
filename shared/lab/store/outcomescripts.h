// outcomescripts.h: the Redis side of payment-, inventory- and notifier-service: the Lua
// scripts that make their handlers idempotent, and the key usage around them, in one
// place. Every decision is taken atomically inside Redis, so a redelivered event, a
// crash between two steps or a second instance of a service can never decide twice:
//
//   payment:{id}          the first payment outcome JSON (GET, else SET)
//   (payment and reservation first check order:{id} with lab_admit, orderstore.h: the
//   event of an attempt order-service voided after a Kafka timeout is dropped)
//   reservation:{id}      hash: state reserved|rejected|released|cancelled, item, quantity,
//                         outcome (reserved|rejected: what inventory.* said), remaining,
//                         reason, at; released_at / cancelled_at
//   stock:{item}          integer units left; set to the initial stock on first use
//   order:{id}            hash shared with order-service; the notifier writes payment,
//                         payment_reason, inventory, inventory_reason, status, reason,
//                         decided (the decision time), published, listed, updated_at and
//                         fills item/quantity/created_at only when they are missing;
//                         each script stamps its hop of the journey there (journey.h):
//                         t_payment_decided, t_stock_decided, t_correlated, t_notified
//   notifications:recent  list of the last 100 published notifications, newest first
//
// Expiry (OrderRetention, config.h): every key of an order is created with what is left
// of the order hash's lifetime (the undecided window when that hash has none), and
// markPublished() sets ORDER_RETENTION on order:{id}, payment:{id} and reservation:{id}.
// stock:{item} and notifications:recent (bounded by LTRIM) never expire.
//
// Each function runs one script and calls `done` exactly once on the owner's thread
// with the result, or with an error message (Redis down, a timeout, a reply of an
// unexpected shape); on an error nothing may be assumed about the result and the
// caller retries (every script is safe to run again).
#pragma once

#include "lab/contract/events.h"
#include "lab/contract/names.h"
#include "lab/runtime/config.h"

#include <QByteArray>
#include <QString>
#include <functional>
#include <optional>

namespace lab {

class RedisClient;
struct RedisReply;

namespace outcomes {

/// The Lua source of each script (for tests and documentation).
const QByteArray &paymentDecideScript();
const QByteArray &reserveStockScript();
const QByteArray &releaseStockScript();
const QByteArray &correlateScript();
const QByteArray &markPublishedScript();

/// Length of notifications:recent.
inline constexpr int RecentNotifications = 100;

// ---------------------------------------------------------------- payment

/// Stores `candidate` as the payment outcome of its order unless one is stored already,
/// and answers the stored one (the candidate itself the first time). stored is nullopt
/// (and error empty) when the order.created event, created at orderCreatedAt, belongs
/// to an attempt order-service voided (OrderStore::AdmitFunction): nothing was stored.
using PaymentDone = std::function<void(const std::optional<lab::PaymentOutcome> &stored, const QString &error)>;
/// stampUs: the journey's "payment_decided" stamp, stored with a first decision only.
void decidePayment(RedisClient &redis, const Names &names, const OrderRetention &retention,
                   const PaymentOutcome &candidate, const QDateTime &orderCreatedAt, qint64 stampUs,
                   PaymentDone done);

// ---------------------------------------------------------------- inventory

/// The outcome of a reservation: what inventory.reserved/.rejected says about it.
struct Reservation
{
    bool reserved = false;
    qint64 remaining = -1;
    QString reason;
    QDateTime at;
    bool fresh = false; ///< decided by this call (false: an earlier decision was returned)
    bool voided = false; ///< the event is a voided attempt's: nothing reserved, nothing to say
};
using ReserveDone = std::function<void(const lab::outcomes::Reservation &result, const QString &error)>;

/// Reserves order.quantity units of order.item for the order, once: an existing
/// reservation answers its stored outcome; an order cancelled by a failed payment is
/// rejected; otherwise the stock (created at `initialStock` on first use) is taken if it
/// suffices, else the order is rejected naming what is left. `now` stamps a new decision.
/// The event of an attempt order-service voided is refused (Reservation::voided).
/// stampUs: the journey's "stock_decided" stamp, stored with a new decision only.
void reserveStock(RedisClient &redis, const Names &names, const OrderRetention &retention,
                  const OrderCreated &order, qint64 initialStock, const QDateTime &now, qint64 stampUs,
                  ReserveDone done);

/// What releaseStock() did.
enum class ReleaseAction
{
    Released,  ///< the reservation held stock: it went back, state released
    Cancelled, ///< no reservation yet: marked cancelled so that none is made later
    Unchanged, ///< rejected, released or cancelled already: nothing to do
};
using ReleaseDone = std::function<void(lab::outcomes::ReleaseAction action, qint64 stockNow,
                                       const QString &error)>;

/// Undoes the reservation of an order whose payment failed (idempotent).
void releaseStock(RedisClient &redis, const Names &names, const OrderRetention &retention,
                  const PaymentOutcome &failedPayment, const QDateTime &now, ReleaseDone done);

// ---------------------------------------------------------------- notifier

/// One payment or inventory outcome, as the notifier records it.
struct OutcomeEvent
{
    enum class Kind { Payment, Inventory };
    Kind kind = Kind::Payment;
    qint64 orderId = 0;
    QString item;
    qint64 quantity = 0;
    bool ok = false;
    QString reason;   ///< set when !ok
    QDateTime at;     ///< when the outcome was decided (fallback for the order's created_at)

    static OutcomeEvent fromPayment(const PaymentOutcome &p);
    static OutcomeEvent fromInventory(const InventoryOutcome &i);
};

/// The order's state after recording one outcome.
struct Correlation
{
    QString status;           ///< created|paid|reserved|confirmed|failed
    bool decidedNow = false;  ///< this call took the terminal decision
    /// The terminal notification to publish: set when this call decided it, or when it
    /// was decided earlier and never marked published (a crash in between).
    std::optional<Notification> publish;
};
using CorrelateDone = std::function<void(const lab::outcomes::Correlation &result, const QString &error)>;

/// Records the outcome on order:{id} and decides the order at most once: failed as soon
/// as either side failed (with that side's reason), confirmed when both succeeded.
/// stampUs: the journey's "correlated" stamp, stored when this call decides. The
/// notification to publish carries the journey so far (Notification::timeline).
void correlate(RedisClient &redis, const Names &names, const OrderRetention &retention,
               const OutcomeEvent &event, const QDateTime &now, qint64 stampUs, CorrelateDone done);

/// After the notification reached Kafka: marks the order published, sets
/// retention.decidedMs on its keys and, once per order, puts the notification on
/// notifications:recent (trimmed to RecentNotifications).
/// stampUs: the journey's "notified" stamp (the first publication's is kept).
using MarkDone = std::function<void(bool listedNow, const QString &error)>;
void markPublished(RedisClient &redis, const Names &names, const OrderRetention &retention,
                   const Notification &notification, qint64 stampUs, MarkDone done);

/// Reads notifications:recent, oldest first, skipping (and logging) entries that do not
/// parse.
using RecentDone = std::function<void(const QList<lab::Notification> &oldestFirst, const QString &error)>;
void recentNotifications(RedisClient &redis, const Names &names, RecentDone done);

// ---------------------------------------------------------------- reply parsing

/// The reply decoders, exposed for unit tests. Each returns false and sets *error when
/// the reply is an error or not of the shape its script returns.
bool parseReservationReply(const RedisReply &reply, Reservation *out, QString *error);
bool parseReleaseReply(const RedisReply &reply, ReleaseAction *action, qint64 *stock, QString *error);
bool parseCorrelationReply(const RedisReply &reply, qint64 orderId, Correlation *out, QString *error);

} // namespace outcomes
} // namespace lab
