// orderstore.cpp: the order hash and its Lua scripts (see orderstore.h).
#include "lab/store/orderstore.h"

#include "lab/contract/journey.h"
#include "lab/redis/redisclient.h"

#include <QJsonDocument>

namespace lab {

// Every script takes KEYS[1] = order:{id}. Times for claims come from Redis' own clock
// (TIME) so that instances with skewed clocks agree on what "stale" means.

// ARGV: item, quantity, created_at (ISO-8601), stale limit in ms, received (µs since the
// epoch: the journey's first stamp), trace id, the undecided retention in ms (a new claim
// expires after it unless the order is published first).
// Returns {outcome, created_at, claim_at, extra...}.
const QByteArray OrderStore::ClaimScript = QByteArrayLiteral(R"lua(
local t = redis.call('TIME')
local now = string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
local f = redis.call('HMGET', KEYS[1], 'state', 'item', 'quantity', 'claim_at', 'created_at', 'status')
local state, item, quantity, claimAt, createdAt = f[1], f[2], f[3], f[4], f[5]
if not state and f[6] and item then
  -- no claim, but downstream already handled an order.created for this id (published
  -- by another path): it is an accepted order
  state = 'accepted'
end
if state == 'accepted' or state == 'pending' then
  if item ~= ARGV[1] or quantity ~= ARGV[2] then
    return {'conflict', createdAt or '', claimAt or '', item or '', quantity or ''}
  end
  if state == 'accepted' then
    return {'duplicate', createdAt or '', claimAt or ''}
  end
  local age = tonumber(now) - (tonumber(claimAt) or 0)
  if age < tonumber(ARGV[4]) then
    return {'in_flight', createdAt or '', claimAt or '', string.format('%.0f', age)}
  end
  -- the instance holding the claim died before its delivery report: take over, and keep
  -- created_at so that a second copy of the event is identical to a first one
  redis.call('HSET', KEYS[1], 'claim_at', now, 't_received', ARGV[5], 'trace_id', ARGV[6])
  if not createdAt then
    createdAt = ARGV[3]
    redis.call('HSET', KEYS[1], 'created_at', createdAt)
  end
  return {'takeover', createdAt, now}
end
redis.call('HSET', KEYS[1], 'state', 'pending', 'claim_at', now, 'item', ARGV[1],
           'quantity', ARGV[2], 'created_at', ARGV[3], 't_received', ARGV[5], 'trace_id', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
return {'new', ARGV[3], now}
)lua");

// ARGV: item, quantity, created_at, now (ISO-8601), Kafka's acknowledgement (µs since
// the epoch), the undecided retention in ms (for a hash that vanished meanwhile: the
// claim's expiry is kept). Returns 1 when status was set here.
const QByteArray OrderStore::MarkAcceptedScript = QByteArrayLiteral(R"lua(
redis.call('HSET', KEYS[1], 'state', 'accepted', 'item', ARGV[1], 'quantity', ARGV[2])
redis.call('HSETNX', KEYS[1], 't_kafka_acknowledged', ARGV[5])
redis.call('HSETNX', KEYS[1], 'created_at', ARGV[3])
redis.call('HSETNX', KEYS[1], 'updated_at', ARGV[4])
if redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
end
return redis.call('HSETNX', KEYS[1], 'status', 'created')
)lua");

// ARGV: claim_at, the undecided retention in ms (how long the void marker refuses the
// attempt's record). Returns 1 voided, 0 not ours (or gone), 2 kept because a consumer
// already admitted the event or wrote a status (the "failed" delivery did reach Kafka):
// then it is accepted. A void hash keeps created_at so that lab_admit can tell this
// attempt's record from a later attempt's.
const QByteArray OrderStore::VoidScript = QByteArrayLiteral(R"lua(
local f = redis.call('HMGET', KEYS[1], 'state', 'claim_at', 'status', 'admitted', 'created_at')
if f[1] ~= 'pending' or f[2] ~= ARGV[1] then
  return 0
end
if f[3] or f[4] then
  redis.call('HSET', KEYS[1], 'state', 'accepted')
  return 2
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'state', 'void', 'created_at', f[5] or '', 'claim_at', f[2])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
)lua");

// KEYS: order:{id} of each order.created record, ARGV: that record's created_at (an
// order may appear more than once). Returns one integer per key: 1 admitted, 0 voided.
// One script for a whole batch of records: one round trip and one command instead of
// one per record. On Redis Cluster a multi-key script needs every key in one hash slot
// (order keys would need a shared {tag}); the lab runs one Redis (docs/SCALING.md).
const QByteArray OrderStore::AdmitManyScript = QByteArray(OrderStore::AdmitFunction) + QByteArrayLiteral(R"lua(
local out = {}
for i, key in ipairs(KEYS) do
  out[i] = lab_admit(key, ARGV[i]) and 1 or 0
end
return out
)lua");

namespace {

QString replyProblem(const RedisReply &reply, const char *what)
{
    if (reply.isError())
        return QStringLiteral("Redis %1 failed: %2").arg(QLatin1String(what), reply.errorMessage());
    return {};
}

} // namespace

// ---------------------------------------------------------------- OrderRecord

qint64 OrderRecord::quantity() const
{
    bool ok = false;
    const qint64 q = field(QStringLiteral("quantity")).toLongLong(&ok);
    return ok ? q : 0;
}

QString OrderRecord::status() const
{
    const QString s = field(QStringLiteral("status"));
    return s.isEmpty() ? QStringLiteral("created") : s;
}

QDateTime OrderRecord::createdAt() const
{
    return parseTimestamp(field(QStringLiteral("created_at")));
}

QDateTime OrderRecord::updatedAt() const
{
    return parseTimestamp(field(QStringLiteral("updated_at")));
}

bool OrderRecord::isVisible() const
{
    return state() == QLatin1String("accepted") || fields.contains(QStringLiteral("status"));
}

QJsonObject OrderRecord::toJson() const
{
    QJsonObject o{{QStringLiteral("order_id"), orderId}};
    if (fields.contains(QStringLiteral("item")))
        o.insert(QStringLiteral("item"), item());
    if (fields.contains(QStringLiteral("quantity")))
        o.insert(QStringLiteral("quantity"), quantity());
    o.insert(QStringLiteral("status"), status());
    for (const char *name : {"reason", "created_at", "updated_at", "payment_reason", "inventory_reason"}) {
        const QString key = QString::fromLatin1(name);
        const QString v = field(key);
        if (!v.isEmpty())
            o.insert(key, v);
    }
    for (const char *name : {"payment", "inventory"}) {
        const QString key = QString::fromLatin1(name);
        if (!fields.contains(key))
            continue;
        const QString raw = field(key);
        const QJsonDocument doc = QJsonDocument::fromJson(raw.toUtf8());
        if (doc.isObject())
            o.insert(key, doc.object());
        else
            o.insert(key, raw);
    }
    const journey::Timeline timeline = journey::Timeline::fromFields(fields);
    if (!timeline.traceId().isEmpty())
        o.insert(QStringLiteral("trace_id"), QString::fromLatin1(timeline.traceId()));
    o.insert(QStringLiteral("timeline"), timeline.toJson());
    return o;
}

std::optional<OrderRecord> OrderRecord::fromReply(qint64 orderId, const RedisReply &reply)
{
    if (reply.type != RedisReply::Type::Array || reply.array.isEmpty())
        return std::nullopt;
    OrderRecord r;
    r.orderId = orderId;
    for (qsizetype i = 0; i + 1 < reply.array.size(); i += 2)
        r.fields.insert(QString::fromUtf8(reply.array.at(i).string),
                        QString::fromUtf8(reply.array.at(i + 1).string));
    return r;
}

// ---------------------------------------------------------------- OrderStore

OrderStore::OrderStore(RedisClient *redis, const Names &names, qint64 staleClaimMs)
    : m_redis(redis), m_names(names), m_staleClaimMs(staleClaimMs)
{
}

OrderStore::Claim OrderStore::parseClaimReply(const RedisReply &reply)
{
    Claim c;
    if (reply.isError()) {
        c.error = replyProblem(reply, "claim");
        return c;
    }
    if (reply.type != RedisReply::Type::Array || reply.array.size() < 3) {
        c.error = QStringLiteral("Redis claim script gave an unexpected reply");
        return c;
    }
    const QByteArray kind = reply.array.at(0).string;
    c.createdAt = parseTimestamp(QString::fromUtf8(reply.array.at(1).string));
    c.claimAt = reply.array.at(2).toInteger(0);
    if (kind == "new" || kind == "takeover") {
        c.outcome = kind == "new" ? Outcome::New : Outcome::Takeover;
        if (!c.createdAt.isValid()) {
            c.outcome = Outcome::Error;
            c.error = QStringLiteral("Redis claim script returned an invalid created_at");
        }
    } else if (kind == "duplicate") {
        c.outcome = Outcome::Duplicate;
    } else if (kind == "in_flight") {
        c.outcome = Outcome::InFlight;
        c.ageMs = reply.array.size() > 3 ? reply.array.at(3).toInteger(0) : 0;
    } else if (kind == "conflict") {
        c.outcome = Outcome::Conflict;
        c.existingItem = reply.array.size() > 3 ? QString::fromUtf8(reply.array.at(3).string) : QString();
        c.existingQuantity = reply.array.size() > 4 ? reply.array.at(4).toInteger(0) : 0;
    } else {
        c.error = QStringLiteral("Redis claim script gave an unknown outcome \"%1\"")
                      .arg(QString::fromUtf8(kind));
    }
    return c;
}

void OrderStore::claim(const OrderRequest &order, const QDateTime &createdAt, ClaimCallback done,
                       qint64 receivedUs, const QByteArray &traceId)
{
    m_redis->eval(ClaimScript, {m_names.orderKey(order.orderId)},
                  {order.item.toUtf8(), QByteArray::number(order.quantity),
                   isoTimestamp(createdAt).toUtf8(), QByteArray::number(m_staleClaimMs),
                   QByteArray::number(receivedUs >= 0 ? receivedUs : journey::nowMicros()), traceId,
                   QByteArray::number(m_retention.undecidedMs)},
                  [done = std::move(done)](const RedisReply &reply) { done(parseClaimReply(reply)); });
}

void OrderStore::markAccepted(const OrderCreated &event, DoneCallback done, qint64 acknowledgedUs)
{
    m_redis->eval(MarkAcceptedScript, {m_names.orderKey(event.orderId)},
                  {event.item.toUtf8(), QByteArray::number(event.quantity),
                   isoTimestamp(event.createdAt).toUtf8(),
                   isoTimestamp(QDateTime::currentDateTimeUtc()).toUtf8(),
                   QByteArray::number(acknowledgedUs >= 0 ? acknowledgedUs : journey::nowMicros()),
                   QByteArray::number(m_retention.undecidedMs)},
                  [done = std::move(done)](const RedisReply &reply) {
                      const QString problem = replyProblem(reply, "markAccepted");
                      if (done)
                          done(problem.isEmpty(), problem);
                  });
}

void OrderStore::voidClaim(qint64 orderId, qint64 claimAt, VoidCallback done)
{
    m_redis->eval(VoidScript, {m_names.orderKey(orderId)},
                  {QByteArray::number(claimAt), QByteArray::number(m_retention.undecidedMs)},
                  [done = std::move(done)](const RedisReply &reply) {
                      QString problem = replyProblem(reply, "voidClaim");
                      if (problem.isEmpty() && reply.type != RedisReply::Type::Integer)
                          problem = QStringLiteral("Redis void script gave an unexpected reply");
                      const Void result = reply.integer == 1 ? Void::Voided
                          : reply.integer == 2               ? Void::Accepted
                                                             : Void::NotOurs;
                      done(problem.isEmpty() ? result : Void::NotOurs, problem);
                  });
}

void OrderStore::fetch(qint64 orderId, FetchCallback done)
{
    m_redis->command({"HGETALL", m_names.orderKey(orderId)},
                     [orderId, done = std::move(done)](const RedisReply &reply) {
                         const QString problem = replyProblem(reply, "HGETALL");
                         if (!problem.isEmpty())
                             done(std::nullopt, problem);
                         else
                             done(OrderRecord::fromReply(orderId, reply), {});
                     });
}

void OrderStore::admitMany(const QList<Admission> &records, AdmitManyCallback done)
{
    if (records.isEmpty()) {
        done({}, {});
        return;
    }
    QByteArrayList keys;
    QByteArrayList createdAts;
    keys.reserve(records.size());
    createdAts.reserve(records.size());
    for (const Admission &r : records) {
        keys.append(m_names.orderKey(r.orderId));
        createdAts.append(isoTimestamp(r.createdAt).toUtf8());
    }
    const qsizetype n = records.size();
    m_redis->eval(AdmitManyScript, keys, createdAts, [n, done = std::move(done)](const RedisReply &reply) {
        QString problem = replyProblem(reply, "admit");
        if (problem.isEmpty() && (reply.type != RedisReply::Type::Array || reply.array.size() != n))
            problem = QStringLiteral("Redis admit script gave an unexpected reply");
        if (!problem.isEmpty()) {
            done({}, problem);
            return;
        }
        QList<bool> voided;
        voided.reserve(n);
        for (const RedisReply &one : reply.array) {
            if (one.type != RedisReply::Type::Integer || (one.integer != 0 && one.integer != 1)) {
                done({}, QStringLiteral("Redis admit script gave an unexpected reply"));
                return;
            }
            voided.append(one.integer == 0);
        }
        done(voided, {});
    });
}

} // namespace lab
