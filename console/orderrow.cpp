#include "orderrow.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <cmath>

namespace {

/// order_id / quantity may come as a JSON number or (from some stores) a numeric string.
std::optional<qint64> integerOf(const QJsonValue &v)
{
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.007199254740992e15)
            return qint64(d);
        return std::nullopt;
    }
    if (v.isString()) {
        bool ok = false;
        const qint64 i = v.toString().trimmed().toLongLong(&ok);
        if (ok)
            return i;
    }
    return std::nullopt;
}

QDateTime timeOf(const QJsonObject &o)
{
    for (const char *key : {"timestamp", "created_at", "at", "updated_at"}) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isString()) {
            QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
            if (!t.isValid())
                t = QDateTime::fromString(v.toString(), Qt::ISODate);
            if (t.isValid())
                return t.toUTC();
        } else if (v.isDouble()) { // epoch milliseconds
            return QDateTime::fromMSecsSinceEpoch(qint64(v.toDouble()), Qt::UTC);
        }
    }
    return {};
}

} // namespace

std::optional<OrderRow> OrderRow::fromJson(const QJsonObject &o)
{
    const auto id = integerOf(o.value(QLatin1String("order_id")));
    if (!id || *id < 1)
        return std::nullopt;
    OrderRow r;
    r.orderId = *id;
    r.item = o.value(QLatin1String("item")).toString();
    r.quantity = integerOf(o.value(QLatin1String("quantity"))).value_or(0);
    r.status = o.value(QLatin1String("status")).toString().trimmed().toLower();
    r.reason = o.value(QLatin1String("reason")).toString();
    r.timestamp = timeOf(o);
    r.raw = o;
    return r;
}

QList<OrderRow> OrderRow::listFromJson(const QByteArray &json, QString *error, int *skipped)
{
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    QList<OrderRow> rows;
    if (skipped)
        *skipped = 0;
    if (parseError.error != QJsonParseError::NoError) {
        *error = tr("the answer is not JSON: %1").arg(parseError.errorString());
        return rows;
    }
    QJsonArray array;
    if (doc.isArray()) {
        array = doc.array();
    } else {
        const QJsonObject o = doc.object();
        bool found = false;
        for (const char *key : {"orders", "results", "hits"}) {
            if (o.value(QLatin1String(key)).isArray()) {
                array = o.value(QLatin1String(key)).toArray();
                found = true;
                break;
            }
        }
        if (!found) {
            *error = tr("the answer is not a list of orders");
            return rows;
        }
    }
    for (const QJsonValue &v : array) {
        // Elasticsearch hits wrap the document in _source.
        QJsonObject o = v.toObject();
        if (o.value(QLatin1String("_source")).isObject())
            o = o.value(QLatin1String("_source")).toObject();
        if (auto row = fromJson(o))
            rows.append(*row);
        else if (skipped)
            ++*skipped;
    }
    return rows;
}

namespace display {

QString dateTime(const QDateTime &t)
{
    if (!t.isValid())
        return {};
    const QLocale locale;
    QString format = locale.dateFormat(QLocale::ShortFormat);
    if (!format.contains(QLatin1String("yyyy"))) // "M/d/yy": two-digit years confuse
        format.replace(QLatin1String("yy"), QLatin1String("yyyy"));
    const QDateTime local = t.toLocalTime();
    return locale.toString(local.date(), format) + QLatin1Char(' ') + time(local);
}

QString time(const QDateTime &t)
{
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("HH:mm:ss")) : QString();
}

QString timeOfDay(const QDateTime &t)
{
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")) : QString();
}

QString number(qint64 n)
{
    return QLocale().toString(n);
}

QString statusText(const QString &status)
{
    if (status == QLatin1String("confirmed"))
        return QCoreApplication::translate("display", "confirmed");
    if (status == QLatin1String("failed"))
        return QCoreApplication::translate("display", "failed");
    if (status == QLatin1String("created"))
        return QCoreApplication::translate("display", "created");
    if (status == QLatin1String("paid"))
        return QCoreApplication::translate("display", "paid");
    if (status == QLatin1String("reserved"))
        return QCoreApplication::translate("display", "reserved");
    if (status == QLatin1String("pending"))
        return QCoreApplication::translate("display", "pending");
    return status;
}

QString statusColor(const QString &status)
{
    if (status == QLatin1String("confirmed"))
        return QStringLiteral("#1b7f3b");
    if (status == QLatin1String("failed"))
        return QStringLiteral("#c62828");
    if (status == QLatin1String("paid") || status == QLatin1String("reserved"))
        return QStringLiteral("#1565c0");
    if (status == QLatin1String("created") || status == QLatin1String("pending"))
        return QStringLiteral("#8a6d00");
    return QStringLiteral("#555555");
}

QString statusTint(const QString &status)
{
    if (status == QLatin1String("confirmed"))
        return QStringLiteral("#e6f4ea");
    if (status == QLatin1String("failed"))
        return QStringLiteral("#fdecea");
    if (status == QLatin1String("paid") || status == QLatin1String("reserved"))
        return QStringLiteral("#e8f0fe");
    if (status == QLatin1String("created") || status == QLatin1String("pending"))
        return QStringLiteral("#fff8e1");
    return QString();
}

QVariant statusStyle(const QString &status, int role)
{
    switch (role) {
    case Qt::ForegroundRole:
        return QBrush(QColor(statusColor(status)));
    case Qt::BackgroundRole:
        if (const QString tint = statusTint(status); !tint.isEmpty())
            return QBrush(QColor(tint));
        return {};
    case Qt::FontRole: {
        QFont f;
        f.setBold(true);
        return f;
    }
    default:
        return {};
    }
}

} // namespace display
