// journey.h: an order's journey through the pipeline, one time stamp per hop, and the
// W3C trace context (https://www.w3.org/TR/trace-context/) that joins its Kafka records.
//
// Each hop stamps its own wall-clock time (microseconds since the epoch) in two places:
//  - the headers of the record it produces (traceparent + "lab-hop-<hop>" for every
//    stamp known so far), so that a tracing tool (an OpenTelemetry collector reading
//    Kafka) can rebuild the trace without our Redis;
//  - the order's hash order:{id} ("t_<hop>", and "trace_id"), written by the Lua script
//    the hop runs anyway, so GET /orders/{id} reads the whole timeline with the one
//    HGETALL it makes already, and no hop pays an extra Redis round trip.
// Hops, in pipeline order (docs/EVENTS.md, "Journey"):
//   received            order-service got POST /create_order (claim script)
//   kafka_acknowledged  Kafka acknowledged order.created (order-service, markAccepted)
//   payment_decided     payment-service stored its decision (payment script)
//   stock_decided       inventory-service stored its reservation (reserve script)
//   correlated          notifier-service decided the order (correlate script)
//   notified            Kafka acknowledged order.notification; every notifier instance
//                       pushes it from then on (markPublished script)
// The stamps come from each service's own clock: on one machine they compare exactly,
// across machines only as well as the clocks agree (NTP: a millisecond or so).
#pragma once

#include "lab/contract/kafkamessage.h"

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QList>
#include <QString>

#include <array>
#include <optional>

namespace lab::journey {

enum class Hop { Received, KafkaAcknowledged, PaymentDecided, StockDecided, Correlated, Notified };
inline constexpr int HopCount = 6;

/// Every hop, in pipeline order.
const std::array<Hop, HopCount> &hops();
/// "received", "kafka_acknowledged", ... (JSON and Prometheus label values).
QString name(Hop hop);
std::optional<Hop> fromName(const QString &name);
/// "t_received", ...: the field on order:{id}.
QByteArray redisField(Hop hop);
/// "lab-hop-received", ...: the Kafka record header; value: decimal microseconds.
QByteArray headerName(Hop hop);
inline const QByteArray TraceparentHeader = QByteArrayLiteral("traceparent");
/// The field on order:{id} holding the trace id (32 hex digits).
inline const QByteArray TraceIdField = QByteArrayLiteral("trace_id");

/// Wall-clock microseconds since the epoch.
qint64 nowMicros();

/// A W3C trace context: version 00, flags 01 (sampled).
struct TraceContext
{
    QByteArray traceId; ///< 32 lowercase hex digits, not all zero
    QByteArray spanId;  ///< 16 lowercase hex digits, not all zero

    bool isValid() const;
    /// A new trace (random ids).
    static TraceContext root();
    /// The same trace with a new span id: the context a hop gives the records it
    /// produces (their parent is this hop's span). A new root when this one is invalid.
    TraceContext child() const;
    /// "00-<trace id>-<span id>-01".
    QByteArray traceparent() const;
    /// From a traceparent header (any version's first four fields); invalid when malformed.
    static TraceContext parse(const QByteArray &traceparent);
    /// A hop's context for what it produces on behalf of a consumed record: a child of
    /// the record's traceparent, else of traceId (e.g. from Redis), else a new root.
    static TraceContext continuing(const KafkaMessage &record, const QByteArray &traceId = {});

    static bool isTraceId(const QByteArray &hex); ///< 32 lowercase hex digits, not all zero
};

/// The stamps of one order, microseconds since the epoch (-1: not stamped yet).
class Timeline
{
public:
    Timeline() { m_at.fill(-1); }

    qint64 at(Hop hop) const { return m_at[std::size_t(hop)]; }
    void set(Hop hop, qint64 atUs) { m_at[std::size_t(hop)] = atUs < 0 ? -1 : atUs; }
    bool has(Hop hop) const { return at(hop) >= 0; }
    bool isEmpty() const;
    QByteArray traceId() const { return m_traceId; }
    void setTraceId(const QByteArray &id) { m_traceId = TraceContext::isTraceId(id) ? id : QByteArray(); }

    /// [{"hop": "received", "at_us": 1764583200123456, "elapsed_ms": 0}, ...] in pipeline
    /// order, stamped hops only; elapsed_ms counts from received (or the earliest stamp).
    QJsonArray toJson() const;
    /// Parses toJson()'s form: every entry an object with a hop name and an integer
    /// at_us in 0..2^53-1 (elapsed_ms is derived and ignored; unknown hops are skipped,
    /// so a newer producer may add hops). nullopt with *error for anything else.
    static std::optional<Timeline> fromJson(const QJsonValue &value, QString *error);
    /// From order:{id}'s fields (t_<hop>, trace_id); malformed stamps are left out.
    static Timeline fromFields(const QHash<QString, QString> &fields);
    /// From a record's lab-hop-* headers and its traceparent.
    static Timeline fromHeaders(const KafkaHeaders &headers);
    /// traceparent of context, then lab-hop-<hop> for every stamp.
    KafkaHeaders headers(const TraceContext &context) const;

    bool operator==(const Timeline &) const = default;

    static constexpr int MaxEntries = 32; ///< longer timelines are refused by fromJson

private:
    std::array<qint64, HopCount> m_at;
    QByteArray m_traceId;
};

} // namespace lab::journey
