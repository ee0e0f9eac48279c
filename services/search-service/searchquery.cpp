// searchquery.cpp: /search parameters and their Elasticsearch query (see searchquery.h).
#include "searchquery.h"

#include <QJsonArray>

namespace {

/// A non-negative decimal integer of at most 9 digits (no sign, no spaces).
bool parseCount(const QString &text, int *out)
{
    if (text.isEmpty() || text.size() > 9)
        return false;
    for (const QChar c : text)
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return false;
    *out = text.toInt();
    return true;
}

} // namespace

QString SearchQuery::parameter(const QByteArray &encodedQuery, const QByteArray &name)
{
    const QList<QByteArray> pairs = encodedQuery.split('&');
    for (const QByteArray &pair : pairs) {
        const qsizetype eq = pair.indexOf('=');
        QByteArray key = eq < 0 ? pair : pair.left(eq);
        key.replace('+', ' ');
        if (QByteArray::fromPercentEncoding(key) != name)
            continue;
        QByteArray value = eq < 0 ? QByteArray() : pair.mid(eq + 1);
        value.replace('+', ' ');
        return QString::fromUtf8(QByteArray::fromPercentEncoding(value));
    }
    return {};
}

lab::Parsed<SearchQuery> SearchQuery::fromUrlQuery(const QByteArray &encodedQuery)
{
    using P = lab::Parsed<SearchQuery>;
    SearchQuery q;
    q.item = parameter(encodedQuery, "item").trimmed();
    if (q.item.size() > MaxItemLength)
        return P::fail(QStringLiteral("item"),
                       QStringLiteral("item must be at most %1 characters").arg(MaxItemLength));

    const QString size = parameter(encodedQuery, "size").trimmed();
    if (!size.isEmpty() && (!parseCount(size, &q.size) || q.size > MaxWindow))
        return P::fail(QStringLiteral("size"),
                       QStringLiteral("size must be an integer from 0 to %1").arg(MaxWindow));
    const QString from = parameter(encodedQuery, "from").trimmed();
    if (!from.isEmpty() && (!parseCount(from, &q.from) || q.from > MaxWindow))
        return P::fail(QStringLiteral("from"),
                       QStringLiteral("from must be an integer from 0 to %1").arg(MaxWindow));
    if (q.from + q.size > MaxWindow)
        return P::fail(QStringLiteral("from"),
                       QStringLiteral("from + size must be at most %1 (Elasticsearch's result window)")
                           .arg(MaxWindow));
    return P::success(q);
}

QJsonObject SearchQuery::toElastic() const
{
    QJsonObject query;
    if (item.isEmpty()) {
        query.insert(QStringLiteral("match_all"), QJsonObject());
    } else {
        query.insert(QStringLiteral("match"),
                     QJsonObject{{QStringLiteral("item"),
                                  QJsonObject{{QStringLiteral("query"), item},
                                              {QStringLiteral("operator"), QStringLiteral("and")}}}});
    }
    // unmapped_type: an index created without documents yet still sorts (and answers []).
    const QJsonArray sort{
        QJsonObject{{QStringLiteral("timestamp"),
                     QJsonObject{{QStringLiteral("order"), QStringLiteral("desc")},
                                 {QStringLiteral("unmapped_type"), QStringLiteral("date")}}}},
        QJsonObject{{QStringLiteral("order_id"),
                     QJsonObject{{QStringLiteral("order"), QStringLiteral("desc")},
                                 {QStringLiteral("unmapped_type"), QStringLiteral("long")}}}},
    };
    return QJsonObject{{QStringLiteral("query"), query},
                       {QStringLiteral("sort"), sort},
                       {QStringLiteral("size"), size},
                       {QStringLiteral("from"), from},
                       {QStringLiteral("track_total_hits"), false}};
}
