// orderrow.h: one order as the console lists it, mapped from the search API's JSON
// (GET /search) or the order API's (GET /orders/{id}). Tolerant: a document missing
// optional fields still becomes a row; one without a usable order_id does not.
#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

struct OrderRow
{
    Q_DECLARE_TR_FUNCTIONS(OrderRow)
public:
    qint64 orderId = 0;
    QString item;
    qint64 quantity = 0;
    QString status;        ///< created, paid, reserved, confirmed, failed ("" when unknown)
    QString reason;        ///< why it failed, when it did
    QDateTime timestamp;   ///< when the order was created (UTC), invalid when unknown
    QJsonObject raw;       ///< the document as received

    static std::optional<OrderRow> fromJson(const QJsonObject &o);
    /// A search answer (a JSON array; an object with "hits"/"orders"/"results" array is
    /// accepted too). Unusable elements are skipped and counted in *skipped.
    static QList<OrderRow> listFromJson(const QByteArray &json, QString *error, int *skipped = nullptr);
};

/// Display helpers shared by the tables and dialogs, in the console's language: they
/// format with the default QLocale, which language::apply() sets. The clock is 24-hour in
/// every language, like the services' logs and the browser page.
namespace display {
/// Local date and time, the date in the language's order with a 4-digit year:
/// "11/25/2026 15:51:16" (English), "25/11/2026 15:51:16" (Vietnamese); "" when invalid.
QString dateTime(const QDateTime &t);
/// Local "15:51:16".
QString time(const QDateTime &t);
/// Local "15:51:16.123" for the live feed.
QString timeOfDay(const QDateTime &t);
/// 1234567 -> "1,234,567" (English), "1.234.567" (Vietnamese).
QString number(qint64 n);
/// A status word of the API ("confirmed", "failed", "created", ...) in the console's
/// language; a word it does not know is shown as it came.
QString statusText(const QString &status);
/// Foreground/background colours of a status word (confirmed green, failed red, ...).
QString statusColor(const QString &status);
QString statusTint(const QString &status);
/// The status cell's look, the same in every table: for Qt::ForegroundRole its colour,
/// Qt::BackgroundRole its tint (none for an unknown word), Qt::FontRole bold; an invalid
/// QVariant for any other role.
QVariant statusStyle(const QString &status, int role);
}
