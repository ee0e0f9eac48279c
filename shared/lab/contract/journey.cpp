// journey.cpp: hop names, trace context and timelines (see journey.h).
#include "lab/contract/journey.h"

#include <QJsonObject>
#include <QRandomGenerator>

#include <chrono>
#include <cmath>

namespace lab::journey {

namespace {

constexpr std::array<Hop, HopCount> kHops = {Hop::Received,     Hop::KafkaAcknowledged, Hop::PaymentDecided,
                                             Hop::StockDecided, Hop::Correlated,        Hop::Notified};
constexpr std::array<const char *, HopCount> kNames = {"received",      "kafka_acknowledged", "payment_decided",
                                                       "stock_decided", "correlated",         "notified"};
/// Largest stamp accepted: the largest integer a JSON double holds exactly.
constexpr qint64 kMaxMicros = (qint64(1) << 53) - 1;

bool isLowerHex(const QByteArray &s, qsizetype length)
{
    if (s.size() != length)
        return false;
    bool nonZero = false;
    for (const char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
        nonZero |= c != '0';
    }
    return nonZero;
}

QByteArray randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    do {
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(raw.data()), bytes / 4);
    } while (raw.count('\0') == bytes); // all zero is invalid (and vanishingly rare)
    return raw.toHex();
}

/// A decimal stamp in 0..kMaxMicros; -1 otherwise.
qint64 parseMicros(const QByteArray &text)
{
    if (text.isEmpty() || text.size() > 16)
        return -1;
    for (const char c : text)
        if (c < '0' || c > '9')
            return -1;
    const qint64 v = text.toLongLong();
    return v <= kMaxMicros ? v : -1;
}

} // namespace

const std::array<Hop, HopCount> &hops()
{
    return kHops;
}

QString name(Hop hop)
{
    return QString::fromLatin1(kNames[std::size_t(hop)]);
}

std::optional<Hop> fromName(const QString &text)
{
    for (Hop hop : kHops)
        if (text == QLatin1String(kNames[std::size_t(hop)]))
            return hop;
    return std::nullopt;
}

QByteArray redisField(Hop hop)
{
    return QByteArrayLiteral("t_") + kNames[std::size_t(hop)];
}

QByteArray headerName(Hop hop)
{
    return QByteArrayLiteral("lab-hop-") + kNames[std::size_t(hop)];
}

qint64 nowMicros()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

// ---------------------------------------------------------------- TraceContext

bool TraceContext::isTraceId(const QByteArray &hex)
{
    return isLowerHex(hex, 32);
}

bool TraceContext::isValid() const
{
    return isTraceId(traceId) && isLowerHex(spanId, 16);
}

TraceContext TraceContext::root()
{
    return {randomHex(16), randomHex(8)};
}

TraceContext TraceContext::child() const
{
    if (!isTraceId(traceId))
        return root();
    return {traceId, randomHex(8)};
}

QByteArray TraceContext::traceparent() const
{
    return QByteArrayLiteral("00-") + traceId + '-' + spanId + QByteArrayLiteral("-01");
}

TraceContext TraceContext::parse(const QByteArray &header)
{
    const QList<QByteArray> parts = header.trimmed().split('-');
    // version 00 has exactly four fields; a later version may append more
    if (parts.size() < 4 || parts.at(0).size() != 2 || parts.at(0) == "ff" || parts.at(3).size() != 2
        || (parts.at(0) == "00" && parts.size() != 4))
        return {};
    TraceContext c{parts.at(1), parts.at(2)};
    return c.isValid() ? c : TraceContext{};
}

TraceContext TraceContext::continuing(const KafkaMessage &record, const QByteArray &traceId)
{
    const TraceContext parent = parse(record.header(TraceparentHeader));
    if (parent.isValid())
        return parent.child();
    return TraceContext{traceId, {}}.child();
}

// ---------------------------------------------------------------- Timeline

bool Timeline::isEmpty() const
{
    for (qint64 v : m_at)
        if (v >= 0)
            return false;
    return true;
}

QJsonArray Timeline::toJson() const
{
    qint64 origin = at(Hop::Received);
    if (origin < 0)
        for (qint64 v : m_at)
            if (v >= 0 && (origin < 0 || v < origin))
                origin = v;
    QJsonArray out;
    for (Hop hop : kHops) {
        if (!has(hop))
            continue;
        // microsecond resolution, written as milliseconds with three decimals
        const double elapsedMs = double(at(hop) - origin) / 1000.0;
        out.append(QJsonObject{{QStringLiteral("hop"), name(hop)},
                               {QStringLiteral("at_us"), at(hop)},
                               {QStringLiteral("elapsed_ms"), elapsedMs}});
    }
    return out;
}

std::optional<Timeline> Timeline::fromJson(const QJsonValue &value, QString *error)
{
    if (!value.isArray()) {
        *error = QStringLiteral("timeline must be an array");
        return std::nullopt;
    }
    const QJsonArray entries = value.toArray();
    if (entries.size() > MaxEntries) {
        *error = QStringLiteral("timeline must have at most %1 entries").arg(MaxEntries);
        return std::nullopt;
    }
    Timeline t;
    for (const QJsonValue &entry : entries) {
        const QJsonObject o = entry.toObject();
        const QJsonValue hop = o.value(QLatin1String("hop"));
        const QJsonValue atUs = o.value(QLatin1String("at_us"));
        const double d = atUs.toDouble(-1);
        if (!entry.isObject() || !hop.isString() || !atUs.isDouble() || d < 0 || d > double(kMaxMicros)
            || d != std::floor(d)) {
            *error = QStringLiteral("timeline entries must be {\"hop\": name, \"at_us\": integer from 0 to %1}")
                         .arg(kMaxMicros);
            return std::nullopt;
        }
        if (const auto known = fromName(hop.toString()))
            t.set(*known, qint64(d));
    }
    return t;
}

Timeline Timeline::fromFields(const QHash<QString, QString> &fields)
{
    Timeline t;
    for (Hop hop : kHops)
        t.set(hop, parseMicros(fields.value(QString::fromLatin1(redisField(hop))).toLatin1()));
    t.setTraceId(fields.value(QString::fromLatin1(TraceIdField)).toLatin1());
    return t;
}

Timeline Timeline::fromHeaders(const KafkaHeaders &headers)
{
    Timeline t;
    for (const auto &[headerKey, value] : headers) {
        if (headerKey == TraceparentHeader) {
            t.setTraceId(TraceContext::parse(value).traceId);
            continue;
        }
        for (Hop hop : kHops)
            if (headerKey == headerName(hop))
                t.set(hop, parseMicros(value));
    }
    return t;
}

KafkaHeaders Timeline::headers(const TraceContext &context) const
{
    KafkaHeaders out;
    if (context.isValid())
        out.append({TraceparentHeader, context.traceparent()});
    for (Hop hop : kHops)
        if (has(hop))
            out.append({headerName(hop), QByteArray::number(at(hop))});
    return out;
}

} // namespace lab::journey
