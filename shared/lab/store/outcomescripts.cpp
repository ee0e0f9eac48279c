// outcomescripts.cpp: the Lua scripts of payment-, inventory- and notifier-service and
// the calls around them (see outcomescripts.h for the key layout).
#include "lab/store/outcomescripts.h"

#include "lab/contract/journey.h"
#include "lab/redis/redisclient.h"
#include "lab/redis/redisreply.h"
#include "lab/runtime/log.h"
#include "lab/store/orderstore.h"

namespace lab::outcomes {

namespace {

// Every key of an order expires (OrderRetention, config.h): a script that creates one
// gives it what is left of the order hash's lifetime (the claim's undecided window, or
// ORDER_RETENTION once published), or the undecided window when the order hash has no
// expiry or does not exist; markPublished then sets ORDER_RETENTION on all of them.
const QByteArray kLifetimeFunctions = QByteArrayLiteral(R"lua(
local function lab_lifetime(orderKey, undecidedMs)
  local left = redis.call('PTTL', orderKey)
  if left > 0 then return left end
  return tonumber(undecidedMs)
end
local function lab_keep(key, ms)
  if redis.call('PTTL', key) == -1 then redis.call('PEXPIRE', key, ms) end
end
-- a journey stamp on the order hash; an order without one (gone, or never claimed
-- through order-service) gets none rather than a hash of stamps alone
local function lab_stamp(orderKey, field, us)
  if redis.call('EXISTS', orderKey) == 1 then redis.call('HSET', orderKey, field, us) end
end
)lua");

// KEYS[1] payment:{id}, KEYS[2] order:{id}; ARGV[1] the candidate outcome JSON,
// ARGV[2] the order.created event's created_at, ARGV[3] the undecided retention in ms,
// ARGV[4] the journey stamp (µs).
// The first outcome stored wins; every call answers the stored one. 0 when the event is
// a voided attempt's (lab_admit, orderstore.h) and nothing was stored.
const QByteArray kPaymentDecide = QByteArray(OrderStore::AdmitFunction) + kLifetimeFunctions + QByteArrayLiteral(R"lua(
local stored = redis.call('GET', KEYS[1])
if stored then
  return stored
end
if not lab_admit(KEYS[2], ARGV[2]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', lab_lifetime(KEYS[2], ARGV[3]))
lab_stamp(KEYS[2], 't_payment_decided', ARGV[4])
return ARGV[1]
)lua");

// KEYS[1] reservation:{id}, KEYS[2] stock:{item}, KEYS[3] order:{id}
// ARGV[1] item, ARGV[2] quantity, ARGV[3] initial stock of the item, ARGV[4] now (ISO-8601),
// ARGV[5] the order.created event's created_at, ARGV[6] the undecided retention in ms,
// ARGV[7] the journey stamp (µs)
// Returns {outcome, remaining, reason, at, fresh}: outcome reserved|rejected, fresh 1
// when this call decided; outcome void (nothing done) for a voided attempt's event.
// The stock key never expires.
const QByteArray kReserveStock = QByteArray(OrderStore::AdmitFunction) + kLifetimeFunctions + QByteArrayLiteral(R"lua(
local r = KEYS[1]
local outcome = redis.call('HGET', r, 'outcome')
if outcome then
  local v = redis.call('HMGET', r, 'remaining', 'reason', 'at')
  return {outcome, tonumber(v[1]) or -1, v[2] or '', v[3] or '', 0}
end
if not lab_admit(KEYS[3], ARGV[5]) then
  return {'void', -1, '', '', 0}
end
local item, qty, now = ARGV[1], tonumber(ARGV[2]), ARGV[4]
if redis.call('HGET', r, 'state') == 'cancelled' then
  local reason = 'order cancelled: payment failed'
  redis.call('HSET', r, 'outcome', 'rejected', 'remaining', -1, 'reason', reason,
             'item', item, 'quantity', qty, 'at', now)
  lab_keep(r, lab_lifetime(KEYS[3], ARGV[6]))
  lab_stamp(KEYS[3], 't_stock_decided', ARGV[7])
  return {'rejected', -1, reason, now, 1}
end
redis.call('SET', KEYS[2], ARGV[3], 'NX')
local stock = tonumber(redis.call('GET', KEYS[2])) or 0
if stock >= qty then
  local left = redis.call('DECRBY', KEYS[2], qty)
  redis.call('HSET', r, 'state', 'reserved', 'outcome', 'reserved', 'remaining', left,
             'item', item, 'quantity', qty, 'at', now)
  lab_keep(r, lab_lifetime(KEYS[3], ARGV[6]))
  lab_stamp(KEYS[3], 't_stock_decided', ARGV[7])
  return {'reserved', left, '', now, 1}
end
local reason = string.format('insufficient stock for %s: %d left, %d requested', item, stock, qty)
redis.call('HSET', r, 'state', 'rejected', 'outcome', 'rejected', 'remaining', stock,
           'reason', reason, 'item', item, 'quantity', qty, 'at', now)
lab_keep(r, lab_lifetime(KEYS[3], ARGV[6]))
lab_stamp(KEYS[3], 't_stock_decided', ARGV[7])
return {'rejected', stock, reason, now, 1}
)lua");

// KEYS[1] reservation:{id}, KEYS[2] stock:{item}, KEYS[3] order:{id}
// ARGV[1] item, ARGV[2] quantity, ARGV[3] now, ARGV[4] the undecided retention in ms
// Returns {action, stock}: released (stock is the new level), cancelled or unchanged (-1).
const QByteArray kReleaseStock = kLifetimeFunctions + QByteArrayLiteral(R"lua(
local r = KEYS[1]
local state = redis.call('HGET', r, 'state')
if state == 'reserved' then
  local qty = tonumber(redis.call('HGET', r, 'quantity')) or 0
  local left = redis.call('INCRBY', KEYS[2], qty)
  redis.call('HSET', r, 'state', 'released', 'released_at', ARGV[3])
  return {'released', left}
end
if not state then
  redis.call('HSET', r, 'state', 'cancelled', 'item', ARGV[1], 'quantity', ARGV[2],
             'cancelled_at', ARGV[3])
  lab_keep(r, lab_lifetime(KEYS[3], ARGV[4]))
  return {'cancelled', -1}
end
return {'unchanged', -1}
)lua");

// KEYS[1] order:{id}
// ARGV[1] payment|inventory, ARGV[2] 1 (succeeded) or 0 (failed), ARGV[3] reason,
// ARGV[4] item, ARGV[5] quantity, ARGV[6] created_at fallback, ARGV[7] now,
// ARGV[8] the undecided retention in ms (an order hash created here), ARGV[9] the
// journey stamp (µs) of a decision taken now
// Returns {publish, decided_now, status, reason, item, quantity, created_at, decided,
// trace_id, t_received, t_kafka_acknowledged, t_payment_decided, t_stock_decided,
// t_correlated} (the journey so far, for the notification).
const QByteArray kCorrelate = kLifetimeFunctions + QByteArrayLiteral(R"lua(
local key = KEYS[1]
local kind, ok, reason, now = ARGV[1], ARGV[2] == '1', ARGV[3], ARGV[7]
redis.call('HSETNX', key, 'item', ARGV[4])
lab_keep(key, ARGV[8])
redis.call('HSETNX', key, 'quantity', ARGV[5])
redis.call('HSETNX', key, 'created_at', ARGV[6])
local value
if kind == 'payment' then
  value = ok and 'success' or 'failed'
else
  value = ok and 'reserved' or 'rejected'
end
if redis.call('HSETNX', key, kind, value) == 1 and not ok then
  redis.call('HSET', key, kind .. '_reason', reason)
end
local decided_now = 0
if not redis.call('HGET', key, 'decided') then
  local payment = redis.call('HGET', key, 'payment')
  local inventory = redis.call('HGET', key, 'inventory')
  local status, why
  if payment == 'failed' then
    status, why = 'failed', redis.call('HGET', key, 'payment_reason')
  elseif inventory == 'rejected' then
    status, why = 'failed', redis.call('HGET', key, 'inventory_reason')
  elseif payment == 'success' and inventory == 'reserved' then
    status = 'confirmed'
  elseif payment == 'success' then
    status = 'paid'
  elseif inventory == 'reserved' then
    status = 'reserved'
  else
    status = 'created'
  end
  if status == 'failed' then
    redis.call('HSET', key, 'status', status, 'reason', why or 'failed', 'decided', now,
               'updated_at', now, 't_correlated', ARGV[9])
    decided_now = 1
  elseif status == 'confirmed' then
    redis.call('HSET', key, 'status', status, 'decided', now, 'updated_at', now,
               't_correlated', ARGV[9])
    decided_now = 1
  else
    redis.call('HSET', key, 'status', status, 'updated_at', now)
  end
end
local f = redis.call('HMGET', key, 'status', 'reason', 'item', 'quantity', 'created_at',
                     'decided', 'published', 'trace_id', 't_received', 't_kafka_acknowledged',
                     't_payment_decided', 't_stock_decided', 't_correlated')
local publish = 0
if f[6] and not f[7] then
  publish = 1
end
return {publish, decided_now, f[1] or '', f[2] or '', f[3] or '', f[4] or '', f[5] or '', f[6] or '',
        f[8] or '', f[9] or '', f[10] or '', f[11] or '', f[12] or '', f[13] or ''}
)lua");

// KEYS[1] order:{id}, KEYS[2] notifications:recent, KEYS[3] payment:{id},
// KEYS[4] reservation:{id}
// ARGV[1] the notification JSON, ARGV[2] the list length to keep, ARGV[3] ORDER_RETENTION
// in ms: the order is decided and published, so each of its keys expires after it
// (a key made later, e.g. a reservation after a payment failure decided the order,
// takes what is left of the order hash's lifetime). The list is bounded by LTRIM.
// ARGV[4] the journey's "notified" stamp (µs; the first publication's is kept).
// Returns 1 when the notification was put on the list by this call.
const QByteArray kMarkPublished = QByteArrayLiteral(R"lua(
redis.call('HSET', KEYS[1], 'published', '1')
redis.call('HSETNX', KEYS[1], 't_notified', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
redis.call('PEXPIRE', KEYS[4], ARGV[3])
if redis.call('HSETNX', KEYS[1], 'listed', '1') == 1 then
  redis.call('LPUSH', KEYS[2], ARGV[1])
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
  return 1
end
return 0
)lua");

QString replyError(const RedisReply &reply)
{
    return reply.isError() ? reply.errorMessage() : QString();
}

QString shapeError(const char *script, const RedisReply &reply)
{
    return QStringLiteral("unexpected reply from the %1 script (type %2)")
        .arg(QLatin1String(script))
        .arg(int(reply.type));
}

QString text(const RedisReply &r)
{
    return r.type == RedisReply::Type::String || r.type == RedisReply::Type::Status
        ? QString::fromUtf8(r.string)
        : QString();
}

QByteArray iso(const QDateTime &t)
{
    return isoTimestamp(t.isValid() ? t : QDateTime::currentDateTimeUtc()).toUtf8();
}

} // namespace

const QByteArray &paymentDecideScript() { return kPaymentDecide; }
const QByteArray &reserveStockScript() { return kReserveStock; }
const QByteArray &releaseStockScript() { return kReleaseStock; }
const QByteArray &correlateScript() { return kCorrelate; }
const QByteArray &markPublishedScript() { return kMarkPublished; }

// ---------------------------------------------------------------- payment

void decidePayment(RedisClient &redis, const Names &names, const OrderRetention &retention,
                   const PaymentOutcome &candidate, const QDateTime &orderCreatedAt, qint64 stampUs,
                   PaymentDone done)
{
    const qint64 orderId = candidate.orderId;
    redis.eval(kPaymentDecide, {names.paymentKey(orderId), names.orderKey(orderId)},
               {candidate.toJson(), isoTimestamp(orderCreatedAt).toUtf8(),
                QByteArray::number(retention.undecidedMs), QByteArray::number(stampUs)},
               [orderId, done = std::move(done)](const RedisReply &reply) {
                   if (reply.isError())
                       return done({}, replyError(reply));
                   if (reply.type == RedisReply::Type::Integer && reply.integer == 0)
                       return done(std::nullopt, {});
                   if (reply.type != RedisReply::Type::String)
                       return done({}, shapeError("payment", reply));
                   const auto stored = PaymentOutcome::fromJson(reply.string);
                   if (!stored.ok() || stored.value->orderId != orderId)
                       return done({}, QStringLiteral("the stored payment outcome of order %1 is "
                                                      "not valid: %2")
                                           .arg(orderId)
                                           .arg(stored.ok() ? QStringLiteral("another order")
                                                            : stored.error));
                   done(*stored.value, {});
               });
}

// ---------------------------------------------------------------- inventory

bool parseReservationReply(const RedisReply &reply, Reservation *out, QString *error)
{
    if (reply.isError()) {
        *error = replyError(reply);
        return false;
    }
    if (reply.type != RedisReply::Type::Array || reply.array.size() != 5) {
        *error = shapeError("reserve", reply);
        return false;
    }
    const QString outcome = text(reply.array.at(0));
    if (outcome == QLatin1String("void")) {
        *out = Reservation{};
        out->voided = true;
        return true;
    }
    if (outcome != QLatin1String("reserved") && outcome != QLatin1String("rejected")) {
        *error = QStringLiteral("the reserve script answered the outcome \"%1\"").arg(outcome);
        return false;
    }
    Reservation r;
    r.reserved = outcome == QLatin1String("reserved");
    r.remaining = reply.array.at(1).toInteger(-1);
    r.reason = text(reply.array.at(2));
    r.at = parseTimestamp(text(reply.array.at(3)));
    r.fresh = reply.array.at(4).toInteger(0) == 1;
    if (!r.reserved && r.reason.isEmpty())
        r.reason = QStringLiteral("rejected");
    *out = r;
    return true;
}

void reserveStock(RedisClient &redis, const Names &names, const OrderRetention &retention,
                  const OrderCreated &order, qint64 initialStock, const QDateTime &now, qint64 stampUs,
                  ReserveDone done)
{
    redis.eval(kReserveStock,
               {names.reservationKey(order.orderId), names.stockKey(order.item), names.orderKey(order.orderId)},
               {order.item.toUtf8(), QByteArray::number(order.quantity),
                QByteArray::number(initialStock), iso(now), isoTimestamp(order.createdAt).toUtf8(),
                QByteArray::number(retention.undecidedMs), QByteArray::number(stampUs)},
               [done = std::move(done)](const RedisReply &reply) {
                   Reservation r;
                   QString error;
                   if (!parseReservationReply(reply, &r, &error))
                       return done({}, error);
                   done(r, {});
               });
}

bool parseReleaseReply(const RedisReply &reply, ReleaseAction *action, qint64 *stock, QString *error)
{
    if (reply.isError()) {
        *error = replyError(reply);
        return false;
    }
    if (reply.type != RedisReply::Type::Array || reply.array.size() != 2) {
        *error = shapeError("release", reply);
        return false;
    }
    const QString what = text(reply.array.at(0));
    if (what == QLatin1String("released"))
        *action = ReleaseAction::Released;
    else if (what == QLatin1String("cancelled"))
        *action = ReleaseAction::Cancelled;
    else if (what == QLatin1String("unchanged"))
        *action = ReleaseAction::Unchanged;
    else {
        *error = QStringLiteral("the release script answered \"%1\"").arg(what);
        return false;
    }
    *stock = reply.array.at(1).toInteger(-1);
    return true;
}

void releaseStock(RedisClient &redis, const Names &names, const OrderRetention &retention,
                  const PaymentOutcome &failedPayment, const QDateTime &now, ReleaseDone done)
{
    redis.eval(kReleaseStock,
               {names.reservationKey(failedPayment.orderId), names.stockKey(failedPayment.item),
                names.orderKey(failedPayment.orderId)},
               {failedPayment.item.toUtf8(), QByteArray::number(failedPayment.quantity), iso(now),
                QByteArray::number(retention.undecidedMs)},
               [done = std::move(done)](const RedisReply &reply) {
                   ReleaseAction action = ReleaseAction::Unchanged;
                   qint64 stock = -1;
                   QString error;
                   if (!parseReleaseReply(reply, &action, &stock, &error))
                       return done(ReleaseAction::Unchanged, -1, error);
                   done(action, stock, {});
               });
}

// ---------------------------------------------------------------- notifier

OutcomeEvent OutcomeEvent::fromPayment(const PaymentOutcome &p)
{
    return {Kind::Payment, p.orderId, p.item, p.quantity, p.success, p.reason, p.at};
}

OutcomeEvent OutcomeEvent::fromInventory(const InventoryOutcome &i)
{
    return {Kind::Inventory, i.orderId, i.item, i.quantity, i.reserved, i.reason, i.at};
}

bool parseCorrelationReply(const RedisReply &reply, qint64 orderId, Correlation *out, QString *error)
{
    if (reply.isError()) {
        *error = replyError(reply);
        return false;
    }
    if (reply.type != RedisReply::Type::Array || reply.array.size() != 14) {
        *error = shapeError("correlate", reply);
        return false;
    }
    const auto &a = reply.array;
    Correlation c;
    c.status = text(a.at(2));
    c.decidedNow = a.at(1).toInteger(0) == 1;
    if (a.at(0).toInteger(0) == 1) {
        Notification n;
        n.orderId = orderId;
        n.item = text(a.at(4));
        n.quantity = a.at(5).toInteger(0);
        if (c.status == QLatin1String("confirmed")) {
            n.status = Notification::Status::Confirmed;
        } else if (c.status == QLatin1String("failed")) {
            n.status = Notification::Status::Failed;
            n.reason = text(a.at(3));
            if (n.reason.isEmpty())
                n.reason = QStringLiteral("failed");
        } else {
            *error = QStringLiteral("order %1 is decided with the status \"%2\"").arg(orderId).arg(c.status);
            return false;
        }
        n.notifiedAt = parseTimestamp(text(a.at(7)));
        if (!n.notifiedAt.isValid())
            n.notifiedAt = QDateTime::currentDateTimeUtc();
        n.createdAt = parseTimestamp(text(a.at(6)));
        if (!n.createdAt.isValid())
            n.createdAt = n.notifiedAt;
        // the journey so far: malformed stamps are left out, never an error
        QHash<QString, QString> fields{{QString::fromLatin1(journey::TraceIdField), text(a.at(8))}};
        const journey::Hop hops[] = {journey::Hop::Received, journey::Hop::KafkaAcknowledged,
                                     journey::Hop::PaymentDecided, journey::Hop::StockDecided,
                                     journey::Hop::Correlated};
        for (int i = 0; i < 5; ++i)
            fields.insert(QString::fromLatin1(journey::redisField(hops[i])), text(a.at(9 + i)));
        n.timeline = journey::Timeline::fromFields(fields);
        c.publish = n;
    }
    *out = c;
    return true;
}

void correlate(RedisClient &redis, const Names &names, const OrderRetention &retention,
               const OutcomeEvent &event, const QDateTime &now, qint64 stampUs, CorrelateDone done)
{
    const bool payment = event.kind == OutcomeEvent::Kind::Payment;
    const qint64 orderId = event.orderId;
    redis.eval(kCorrelate, {names.orderKey(orderId)},
               {payment ? QByteArrayLiteral("payment") : QByteArrayLiteral("inventory"),
                event.ok ? QByteArrayLiteral("1") : QByteArrayLiteral("0"), event.reason.toUtf8(),
                event.item.toUtf8(), QByteArray::number(event.quantity), iso(event.at), iso(now),
                QByteArray::number(retention.undecidedMs), QByteArray::number(stampUs)},
               [orderId, done = std::move(done)](const RedisReply &reply) {
                   Correlation c;
                   QString error;
                   if (!parseCorrelationReply(reply, orderId, &c, &error))
                       return done({}, error);
                   done(c, {});
               });
}

void markPublished(RedisClient &redis, const Names &names, const OrderRetention &retention,
                   const Notification &notification, qint64 stampUs, MarkDone done)
{
    Notification listed = notification;
    listed.backlog = false;
    const qint64 id = notification.orderId;
    redis.eval(kMarkPublished,
               {names.orderKey(id), names.recentNotificationsKey(), names.paymentKey(id), names.reservationKey(id)},
               {listed.toJson(), QByteArray::number(RecentNotifications), QByteArray::number(retention.decidedMs),
                QByteArray::number(stampUs)},
               [done = std::move(done)](const RedisReply &reply) {
                   if (reply.isError())
                       return done(false, replyError(reply));
                   if (reply.type != RedisReply::Type::Integer)
                       return done(false, shapeError("mark-published", reply));
                   done(reply.integer == 1, {});
               });
}

void recentNotifications(RedisClient &redis, const Names &names, RecentDone done)
{
    redis.command({"LRANGE", names.recentNotificationsKey(), "0",
                   QByteArray::number(RecentNotifications - 1)},
                  [done = std::move(done)](const RedisReply &reply) {
                      if (reply.isError())
                          return done({}, replyError(reply));
                      if (reply.type != RedisReply::Type::Array && !reply.isNil())
                          return done({}, shapeError("LRANGE", reply));
                      QList<Notification> out;
                      out.reserve(reply.array.size());
                      // Newest first in Redis; the client wants them in the order they happened.
                      for (auto it = reply.array.crbegin(); it != reply.array.crend(); ++it) {
                          const auto n = Notification::fromJson(it->string);
                          if (n.ok())
                              out.append(*n.value);
                          else
                              qCWarning(lcRedis, "skipping a malformed recent notification: %s",
                                        qPrintable(n.error));
                      }
                      done(out, {});
                  });
}

} // namespace lab::outcomes
