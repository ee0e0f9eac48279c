// events.h: the event types that travel on Kafka and over the WebSocket feed, each
// with ONE validating parser (fromJson) and ONE serializer (toJson). Parsers never
// throw or crash on hostile input: they return Parsed<T> with a precise error naming
// the offending field. Payloads are documented in docs/EVENTS.md.
#pragma once

#include "lab/contract/journey.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace lab {

/// The result of a parse: a value, or an error message and the field it is about.
template <typename T>
struct Parsed
{
    std::optional<T> value;
    QString error;   ///< human-readable, e.g. "quantity must be an integer from 1 to 1000000"
    QString field;   ///< e.g. "quantity"; empty when the whole body is at fault

    bool ok() const { return value.has_value(); }
    static Parsed fail(const QString &field, const QString &error) { return {std::nullopt, error, field}; }
    static Parsed success(T v) { return {std::move(v), {}, {}}; }
};

namespace limits {
inline constexpr qint64 MaxOrderId = (qint64(1) << 53) - 1; ///< largest exact integer in a JSON double
inline constexpr int MaxItemLength = 200;                   ///< characters, after trimming
inline constexpr qint64 MaxQuantity = 1000000;
inline constexpr int MaxBodyBytes = 64 * 1024;              ///< POST /create_order body limit
}

/// Body of POST /create_order: {"order_id": int, "item": string, "quantity": int}.
/// Unknown fields are ignored; item is trimmed.
struct OrderRequest
{
    qint64 orderId = 0;
    QString item;
    qint64 quantity = 0;

    static Parsed<OrderRequest> fromJson(const QByteArray &body);
    static Parsed<OrderRequest> fromObject(const QJsonObject &object);
    QJsonObject toObject() const;
    bool operator==(const OrderRequest &) const = default;
};

/// order.created: an accepted order.
struct OrderCreated
{
    qint64 orderId = 0;
    QString item;
    qint64 quantity = 0;
    QDateTime createdAt; ///< UTC, millisecond precision

    static Parsed<OrderCreated> fromJson(const QByteArray &json);
    QByteArray toJson() const;
    QJsonObject toObject() const;
};

/// payment.success / payment.failed.
struct PaymentOutcome
{
    qint64 orderId = 0;
    QString item;
    qint64 quantity = 0;
    bool success = false;
    qint64 amountCents = 0; ///< quantity x unit price, in cents
    QString reason;         ///< non-empty exactly when !success
    QDateTime at;

    QString topic() const; ///< payment.success or payment.failed
    static Parsed<PaymentOutcome> fromJson(const QByteArray &json);
    QByteArray toJson() const;
};

/// inventory.reserved / inventory.rejected.
struct InventoryOutcome
{
    qint64 orderId = 0;
    QString item;
    qint64 quantity = 0;
    bool reserved = false;
    qint64 remaining = -1;  ///< stock left after the reservation; -1 when unknown
    QString reason;         ///< non-empty exactly when !reserved
    QDateTime at;

    QString topic() const; ///< inventory.reserved or inventory.rejected
    static Parsed<InventoryOutcome> fromJson(const QByteArray &json);
    QByteArray toJson() const;
};

/// order.notification and the WebSocket feed message: the terminal outcome of an order.
struct Notification
{
    enum class Status { Confirmed, Failed };
    qint64 orderId = 0;
    QString item;
    qint64 quantity = 0;
    Status status = Status::Confirmed;
    QString reason;          ///< non-empty exactly when Failed
    QDateTime createdAt;     ///< when the order was accepted
    QDateTime notifiedAt;    ///< when the outcome was decided
    bool backlog = false;    ///< only on the WebSocket: sent from the recent list on connect
    /// Optional: the order's trace id and stamps up to "correlated" (journey.h), as
    /// "trace_id" and "timeline"; absent from notifications made before they existed.
    journey::Timeline timeline;

    static QString statusName(Status s);
    static Parsed<Notification> fromJson(const QByteArray &json);
    QByteArray toJson() const;
    QJsonObject toObject() const;
};

/// ISO-8601 UTC with milliseconds, e.g. "2026-11-25T14:51:16.123Z".
QString isoTimestamp(const QDateTime &t);
/// Parses isoTimestamp()'s format (and any ISO-8601 with offset); invalid if not.
QDateTime parseTimestamp(const QString &s);

} // namespace lab
