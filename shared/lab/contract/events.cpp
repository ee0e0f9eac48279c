// events.cpp: the one place that validates and serialises the events of the public
// contract (see events.h and docs/EVENTS.md).
#include "lab/contract/events.h"

#include "lab/contract/topics.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>

#include <limits>

namespace lab {

namespace {

const QString kEvent = QStringLiteral("event");
const QString kOrderId = QStringLiteral("order_id");
const QString kItem = QStringLiteral("item");
const QString kQuantity = QStringLiteral("quantity");
const QString kCreatedAt = QStringLiteral("created_at");
const QString kAmountCents = QStringLiteral("amount_cents");
const QString kReason = QStringLiteral("reason");
const QString kRemaining = QStringLiteral("remaining");
const QString kAt = QStringLiteral("at");
const QString kStatus = QStringLiteral("status");
const QString kNotifiedAt = QStringLiteral("notified_at");
const QString kBacklog = QStringLiteral("backlog");
const QString kTraceId = QStringLiteral("trace_id");
const QString kTimeline = QStringLiteral("timeline");

/// Longest reason we accept in an event; reasons are short machine-made phrases.
constexpr int MaxReasonLength = 1000;
/// Longest timestamp string worth handing to the date parser.
constexpr int MaxTimestampLength = 64;

/// A JSON value that is an integer (1, 1.0, 1e2 all count; 1.5, "1", true do not) in
/// [min, max]. Values beyond qint64 never pass.
bool integerIn(const QJsonValue &v, qint64 min, qint64 max, qint64 *out)
{
    if (!v.isDouble())
        return false;
    constexpr qint64 sentinel = std::numeric_limits<qint64>::min();
    const qint64 i = v.toInteger(sentinel);
    if (i == sentinel || i < min || i > max)
        return false;
    *out = i;
    return true;
}

/// True when s contains a C0/C1 control character, a byte-order mark (Qt's JSON
/// decoder drops a leading one, so it would not survive the next hop) or an unpaired
/// UTF-16 surrogate.
bool hasControlOrBrokenText(const QString &s)
{
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s.at(i);
        if (c.category() == QChar::Other_Control || c == QChar::ByteOrderMark)
            return true;
        if (c.isHighSurrogate()) {
            if (i + 1 >= s.size() || !s.at(i + 1).isLowSurrogate())
                return true;
            ++i;
        } else if (c.isLowSurrogate()) {
            return true;
        }
    }
    return false;
}

/// The body as a JSON object, or the reason it is not one. Checks UTF-8 explicitly
/// so that no lenient decoding ever turns bad bytes into replacement characters.
Parsed<QJsonObject> parseObject(const QByteArray &body)
{
    using P = Parsed<QJsonObject>;
    if (body.trimmed().isEmpty())
        return P::fail({}, QStringLiteral("request body is empty"));
    if (!body.isValidUtf8())
        return P::fail({}, QStringLiteral("request body is not valid UTF-8"));
    if (body.contains('\0'))
        return P::fail({}, QStringLiteral("request body contains a NUL byte"));
    // Qt 6.4's parser calls a bare scalar an "illegal value"; say what is really wrong.
    if (!body.trimmed().startsWith('{'))
        return P::fail({}, QStringLiteral("request body must be a JSON object"));
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return P::fail({}, QStringLiteral("invalid JSON: %1 at offset %2")
                               .arg(error.errorString())
                               .arg(error.offset));
    if (!doc.isObject())
        return P::fail({}, QStringLiteral("request body must be a JSON object"));
    return P::success(doc.object());
}

/// The fields every event and the order request share.
struct Common
{
    qint64 orderId = 0;
    QString item;
    qint64 quantity = 0;
};

Parsed<Common> parseCommon(const QJsonObject &o)
{
    using P = Parsed<Common>;
    Common c;

    if (!o.contains(kOrderId))
        return P::fail(kOrderId, QStringLiteral("order_id is required"));
    if (!integerIn(o.value(kOrderId), 1, limits::MaxOrderId, &c.orderId))
        return P::fail(kOrderId, QStringLiteral("order_id must be an integer from 1 to %1")
                                     .arg(limits::MaxOrderId));

    if (!o.contains(kItem))
        return P::fail(kItem, QStringLiteral("item is required"));
    const QJsonValue item = o.value(kItem);
    if (!item.isString())
        return P::fail(kItem, QStringLiteral("item must be a string"));
    c.item = item.toString().trimmed();
    if (c.item.isEmpty())
        return P::fail(kItem, QStringLiteral("item must not be empty"));
    if (c.item.size() > limits::MaxItemLength)
        return P::fail(kItem, QStringLiteral("item must be at most %1 characters")
                                  .arg(limits::MaxItemLength));
    if (hasControlOrBrokenText(c.item))
        return P::fail(kItem, QStringLiteral("item must not contain control characters"));

    if (!o.contains(kQuantity))
        return P::fail(kQuantity, QStringLiteral("quantity is required"));
    if (!integerIn(o.value(kQuantity), 1, limits::MaxQuantity, &c.quantity))
        return P::fail(kQuantity, QStringLiteral("quantity must be an integer from 1 to %1")
                                      .arg(limits::MaxQuantity));
    return P::success(std::move(c));
}

QJsonObject commonObject(const QString &event, qint64 orderId, const QString &item, qint64 quantity)
{
    QJsonObject o;
    if (!event.isEmpty())
        o.insert(kEvent, event);
    o.insert(kOrderId, orderId);
    o.insert(kItem, item);
    o.insert(kQuantity, quantity);
    return o;
}

/// The "event" field: required, a string, one of `allowed`.
Parsed<QString> parseEventName(const QJsonObject &o, const QStringList &allowed)
{
    using P = Parsed<QString>;
    if (!o.contains(kEvent))
        return P::fail(kEvent, QStringLiteral("event is required"));
    const QJsonValue v = o.value(kEvent);
    if (!v.isString() || !allowed.contains(v.toString()))
        return P::fail(kEvent, QStringLiteral("event must be %1")
                                   .arg(allowed.join(QStringLiteral(" or "))));
    return P::success(v.toString());
}

/// A required timestamp field.
Parsed<QDateTime> parseTimestampField(const QJsonObject &o, const QString &field)
{
    using P = Parsed<QDateTime>;
    if (!o.contains(field))
        return P::fail(field, QStringLiteral("%1 is required").arg(field));
    const QJsonValue v = o.value(field);
    const QDateTime t = v.isString() ? parseTimestamp(v.toString()) : QDateTime();
    if (!t.isValid())
        return P::fail(field, QStringLiteral("%1 must be an ISO-8601 timestamp such as "
                                             "2026-11-25T14:51:16.123Z").arg(field));
    return P::success(t);
}

/// The reason field: a non-empty string when `failure`, absent (or empty) otherwise.
Parsed<QString> parseReason(const QJsonObject &o, bool failure)
{
    using P = Parsed<QString>;
    const QJsonValue v = o.value(kReason);
    if (failure) {
        if (v.isUndefined())
            return P::fail(kReason, QStringLiteral("reason is required for a failure"));
        if (!v.isString())
            return P::fail(kReason, QStringLiteral("reason must be a string"));
        const QString reason = v.toString().trimmed();
        if (reason.isEmpty())
            return P::fail(kReason, QStringLiteral("reason must not be empty for a failure"));
        if (reason.size() > MaxReasonLength || hasControlOrBrokenText(reason))
            return P::fail(kReason, QStringLiteral("reason must be at most %1 characters of text")
                                        .arg(MaxReasonLength));
        return P::success(reason);
    }
    if (v.isUndefined() || v.isNull() || (v.isString() && v.toString().trimmed().isEmpty()))
        return P::success(QString());
    return P::fail(kReason, QStringLiteral("reason must be absent unless the event is a failure"));
}

template <typename T, typename U>
Parsed<T> forward(const Parsed<U> &p)
{
    return Parsed<T>::fail(p.field, p.error);
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

// ---------------------------------------------------------------- timestamps

QString isoTimestamp(const QDateTime &t)
{
    if (!t.isValid())
        return {};
    return t.toUTC().toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz'Z'"));
}

QDateTime parseTimestamp(const QString &s)
{
    if (s.isEmpty() || s.size() > MaxTimestampLength)
        return {};
    // A timestamp without a zone would be read as local time: refuse to guess.
    const bool zoned = s.endsWith(QLatin1Char('Z'))
        || (s.size() > 6 && (s.at(s.size() - 6) == QLatin1Char('+') || s.at(s.size() - 6) == QLatin1Char('-'))
            && s.at(s.size() - 3) == QLatin1Char(':'));
    if (!zoned || s.indexOf(QLatin1Char('T')) < 0)
        return {};
    // Only instants isoTimestamp() can write back: UTC years 0001..9999.
    const QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs).toUTC();
    if (!t.isValid() || t.date().year() < 1 || t.date().year() > 9999)
        return {};
    return t;
}

// ---------------------------------------------------------------- OrderRequest

Parsed<OrderRequest> OrderRequest::fromJson(const QByteArray &body)
{
    const auto object = parseObject(body);
    if (!object.ok())
        return forward<OrderRequest>(object);
    return fromObject(*object.value);
}

Parsed<OrderRequest> OrderRequest::fromObject(const QJsonObject &object)
{
    const auto common = parseCommon(object);
    if (!common.ok())
        return forward<OrderRequest>(common);
    OrderRequest r;
    r.orderId = common.value->orderId;
    r.item = common.value->item;
    r.quantity = common.value->quantity;
    return Parsed<OrderRequest>::success(std::move(r));
}

QJsonObject OrderRequest::toObject() const
{
    return commonObject({}, orderId, item, quantity);
}

// ---------------------------------------------------------------- OrderCreated

Parsed<OrderCreated> OrderCreated::fromJson(const QByteArray &json)
{
    using P = Parsed<OrderCreated>;
    const auto object = parseObject(json);
    if (!object.ok())
        return forward<OrderCreated>(object);
    const QJsonObject &o = *object.value;
    const auto event = parseEventName(o, {topics::OrderCreated});
    if (!event.ok())
        return forward<OrderCreated>(event);
    const auto common = parseCommon(o);
    if (!common.ok())
        return forward<OrderCreated>(common);
    const auto createdAt = parseTimestampField(o, kCreatedAt);
    if (!createdAt.ok())
        return forward<OrderCreated>(createdAt);
    OrderCreated e;
    e.orderId = common.value->orderId;
    e.item = common.value->item;
    e.quantity = common.value->quantity;
    e.createdAt = *createdAt.value;
    return P::success(std::move(e));
}

QJsonObject OrderCreated::toObject() const
{
    QJsonObject o = commonObject(topics::OrderCreated, orderId, item, quantity);
    o.insert(kCreatedAt, isoTimestamp(createdAt));
    return o;
}

QByteArray OrderCreated::toJson() const
{
    return compact(toObject());
}

// ---------------------------------------------------------------- PaymentOutcome

QString PaymentOutcome::topic() const
{
    return success ? topics::PaymentSuccess : topics::PaymentFailed;
}

Parsed<PaymentOutcome> PaymentOutcome::fromJson(const QByteArray &json)
{
    using P = Parsed<PaymentOutcome>;
    const auto object = parseObject(json);
    if (!object.ok())
        return forward<PaymentOutcome>(object);
    const QJsonObject &o = *object.value;
    const auto event = parseEventName(o, {topics::PaymentSuccess, topics::PaymentFailed});
    if (!event.ok())
        return forward<PaymentOutcome>(event);
    const auto common = parseCommon(o);
    if (!common.ok())
        return forward<PaymentOutcome>(common);

    PaymentOutcome e;
    e.orderId = common.value->orderId;
    e.item = common.value->item;
    e.quantity = common.value->quantity;
    e.success = *event.value == topics::PaymentSuccess;

    if (!o.contains(kAmountCents))
        return P::fail(kAmountCents, QStringLiteral("amount_cents is required"));
    if (!integerIn(o.value(kAmountCents), 0, limits::MaxOrderId, &e.amountCents))
        return P::fail(kAmountCents, QStringLiteral("amount_cents must be a non-negative integer"));

    const auto reason = parseReason(o, !e.success);
    if (!reason.ok())
        return forward<PaymentOutcome>(reason);
    e.reason = *reason.value;

    const auto at = parseTimestampField(o, kAt);
    if (!at.ok())
        return forward<PaymentOutcome>(at);
    e.at = *at.value;
    return P::success(std::move(e));
}

QByteArray PaymentOutcome::toJson() const
{
    QJsonObject o = commonObject(topic(), orderId, item, quantity);
    o.insert(kAmountCents, amountCents);
    if (!success)
        o.insert(kReason, reason);
    o.insert(kAt, isoTimestamp(at));
    return compact(o);
}

// ---------------------------------------------------------------- InventoryOutcome

QString InventoryOutcome::topic() const
{
    return reserved ? topics::InventoryReserved : topics::InventoryRejected;
}

Parsed<InventoryOutcome> InventoryOutcome::fromJson(const QByteArray &json)
{
    using P = Parsed<InventoryOutcome>;
    const auto object = parseObject(json);
    if (!object.ok())
        return forward<InventoryOutcome>(object);
    const QJsonObject &o = *object.value;
    const auto event = parseEventName(o, {topics::InventoryReserved, topics::InventoryRejected});
    if (!event.ok())
        return forward<InventoryOutcome>(event);
    const auto common = parseCommon(o);
    if (!common.ok())
        return forward<InventoryOutcome>(common);

    InventoryOutcome e;
    e.orderId = common.value->orderId;
    e.item = common.value->item;
    e.quantity = common.value->quantity;
    e.reserved = *event.value == topics::InventoryReserved;

    // remaining is optional: -1 (or absent/null) means unknown.
    const QJsonValue remaining = o.value(kRemaining);
    if (remaining.isUndefined() || remaining.isNull())
        e.remaining = -1;
    else if (!integerIn(remaining, -1, limits::MaxOrderId, &e.remaining))
        return P::fail(kRemaining, QStringLiteral("remaining must be an integer >= -1"));

    const auto reason = parseReason(o, !e.reserved);
    if (!reason.ok())
        return forward<InventoryOutcome>(reason);
    e.reason = *reason.value;

    const auto at = parseTimestampField(o, kAt);
    if (!at.ok())
        return forward<InventoryOutcome>(at);
    e.at = *at.value;
    return P::success(std::move(e));
}

QByteArray InventoryOutcome::toJson() const
{
    QJsonObject o = commonObject(topic(), orderId, item, quantity);
    o.insert(kRemaining, remaining);
    if (!reserved)
        o.insert(kReason, reason);
    o.insert(kAt, isoTimestamp(at));
    return compact(o);
}

// ---------------------------------------------------------------- Notification

QString Notification::statusName(Status s)
{
    return s == Status::Confirmed ? QStringLiteral("confirmed") : QStringLiteral("failed");
}

Parsed<Notification> Notification::fromJson(const QByteArray &json)
{
    using P = Parsed<Notification>;
    const auto object = parseObject(json);
    if (!object.ok())
        return forward<Notification>(object);
    const QJsonObject &o = *object.value;
    const auto event = parseEventName(o, {topics::OrderNotification});
    if (!event.ok())
        return forward<Notification>(event);
    const auto common = parseCommon(o);
    if (!common.ok())
        return forward<Notification>(common);

    Notification n;
    n.orderId = common.value->orderId;
    n.item = common.value->item;
    n.quantity = common.value->quantity;

    if (!o.contains(kStatus))
        return P::fail(kStatus, QStringLiteral("status is required"));
    const QJsonValue status = o.value(kStatus);
    if (status == QJsonValue(statusName(Status::Confirmed)))
        n.status = Status::Confirmed;
    else if (status == QJsonValue(statusName(Status::Failed)))
        n.status = Status::Failed;
    else
        return P::fail(kStatus, QStringLiteral("status must be confirmed or failed"));

    const auto reason = parseReason(o, n.status == Status::Failed);
    if (!reason.ok())
        return forward<Notification>(reason);
    n.reason = *reason.value;

    const auto createdAt = parseTimestampField(o, kCreatedAt);
    if (!createdAt.ok())
        return forward<Notification>(createdAt);
    n.createdAt = *createdAt.value;
    const auto notifiedAt = parseTimestampField(o, kNotifiedAt);
    if (!notifiedAt.ok())
        return forward<Notification>(notifiedAt);
    n.notifiedAt = *notifiedAt.value;

    const QJsonValue backlog = o.value(kBacklog);
    if (backlog.isBool())
        n.backlog = backlog.toBool();
    else if (!backlog.isUndefined() && !backlog.isNull())
        return P::fail(kBacklog, QStringLiteral("backlog must be true or false"));

    const QJsonValue traceId = o.value(kTraceId);
    if (!traceId.isUndefined() && !traceId.isNull()) {
        if (!traceId.isString() || !journey::TraceContext::isTraceId(traceId.toString().toLatin1()))
            return P::fail(kTraceId, QStringLiteral("trace_id must be 32 lowercase hex digits, not all zero"));
    }
    const QJsonValue timeline = o.value(kTimeline);
    if (!timeline.isUndefined() && !timeline.isNull()) {
        QString error;
        const auto parsed = journey::Timeline::fromJson(timeline, &error);
        if (!parsed)
            return P::fail(kTimeline, error);
        n.timeline = *parsed;
    }
    if (traceId.isString())
        n.timeline.setTraceId(traceId.toString().toLatin1());
    return P::success(std::move(n));
}

QJsonObject Notification::toObject() const
{
    QJsonObject o = commonObject(topics::OrderNotification, orderId, item, quantity);
    o.insert(kStatus, statusName(status));
    if (status == Status::Failed)
        o.insert(kReason, reason);
    o.insert(kCreatedAt, isoTimestamp(createdAt));
    o.insert(kNotifiedAt, isoTimestamp(notifiedAt));
    o.insert(kBacklog, backlog);
    if (!timeline.traceId().isEmpty())
        o.insert(kTraceId, QString::fromLatin1(timeline.traceId()));
    if (!timeline.isEmpty())
        o.insert(kTimeline, timeline.toJson());
    return o;
}

QByteArray Notification::toJson() const
{
    return compact(toObject());
}

} // namespace lab
