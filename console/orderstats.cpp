#include "orderstats.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {

QDateTime parseTime(const QJsonValue &v)
{
    QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(v.toString(), Qt::ISODate);
    return t.toUTC();
}

qint64 count(const QJsonObject &statuses, const char *status)
{
    return qint64(statuses.value(QLatin1String(status)).toDouble());
}

} // namespace

std::optional<OrderStats> OrderStats::fromJson(const QByteArray &json, QString *error)
{
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = tr("the answer is not JSON: %1").arg(parseError.errorString());
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    if (!o.value(QLatin1String("buckets")).isArray() || !o.value(QLatin1String("total")).isDouble()) {
        *error = tr("the answer has no buckets");
        return std::nullopt;
    }
    OrderStats s;
    s.interval = o.value(QLatin1String("interval")).toString();
    s.intervalMs = intervalMsOf(s.interval);
    s.from = parseTime(o.value(QLatin1String("from")));
    s.to = parseTime(o.value(QLatin1String("to")));
    s.total = qint64(o.value(QLatin1String("total")).toDouble());
    const QJsonObject statuses = o.value(QLatin1String("statuses")).toObject();
    s.created = count(statuses, "created");
    s.confirmed = count(statuses, "confirmed");
    s.failed = count(statuses, "failed");
    for (const QJsonValue &v : o.value(QLatin1String("buckets")).toArray()) {
        const QJsonObject b = v.toObject();
        const QJsonObject st = b.value(QLatin1String("statuses")).toObject();
        s.buckets.append({parseTime(b.value(QLatin1String("start"))), count(st, "created"), count(st, "confirmed"),
                          count(st, "failed"), qint64(b.value(QLatin1String("total")).toDouble())});
    }
    return s;
}

QString OrderStats::intervalFor(qint64 rangeMs)
{
    static const char *const steps[] = {"1s", "2s", "5s", "10s", "15s", "30s", "1m", "2m", "5m",
                                        "10m", "15m", "30m", "1h", "2h", "3h", "6h", "12h", "1d"};
    for (const char *step : steps) {
        const QString s = QString::fromLatin1(step);
        if (rangeMs / intervalMsOf(s) <= 120)
            return s;
    }
    return QStringLiteral("1d");
}

qint64 OrderStats::intervalMsOf(const QString &interval)
{
    if (interval.size() < 2)
        return 0;
    bool ok = false;
    const qint64 n = interval.left(interval.size() - 1).toLongLong(&ok);
    if (!ok || n < 1)
        return 0;
    switch (interval.back().toLatin1()) {
    case 's': return n * 1000;
    case 'm': return n * 60000;
    case 'h': return n * 3600000;
    case 'd': return n * 86400000;
    default: return 0;
    }
}
