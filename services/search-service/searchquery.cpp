// searchquery.cpp: /search parameters and their Elasticsearch query (see searchquery.h).
#include "searchquery.h"

#include <QJsonArray>

#include <optional>

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

// ---------------------------------------------------------------- OrderFilter

namespace {

/// item, status and the time range parameters named fromName/toName, validated.
template <typename T>
std::optional<lab::Parsed<T>> parseFilter(const QByteArray &encodedQuery, const QByteArray &fromName,
                                          const QByteArray &toName, OrderFilter *out)
{
    using P = lab::Parsed<T>;
    out->item = SearchQuery::parameter(encodedQuery, "item").trimmed();
    if (out->item.size() > SearchQuery::MaxItemLength)
        return P::fail(QStringLiteral("item"),
                       QStringLiteral("item must be at most %1 characters").arg(SearchQuery::MaxItemLength));
    out->status = SearchQuery::parameter(encodedQuery, "status").trimmed();
    if (!out->status.isEmpty() && !OrderFilter::statuses().contains(out->status))
        return P::fail(QStringLiteral("status"), QStringLiteral("status must be one of %1")
                                                     .arg(OrderFilter::statuses().join(QStringLiteral(", "))));
    for (const auto &[name, target] : {std::pair{fromName, &out->fromTime}, std::pair{toName, &out->toTime}}) {
        const QString text = SearchQuery::parameter(encodedQuery, name).trimmed();
        if (text.isEmpty())
            continue;
        *target = OrderFilter::parseTime(text);
        if (!target->isValid())
            return P::fail(QString::fromLatin1(name),
                           QStringLiteral("%1 must be an ISO-8601 time with a zone (2026-11-25T14:51:16Z) or "
                                          "milliseconds since the epoch")
                               .arg(QString::fromLatin1(name)));
    }
    if (out->fromTime.isValid() && out->toTime.isValid() && out->fromTime >= out->toTime)
        return P::fail(QString::fromLatin1(toName), QStringLiteral("%1 must be later than %2")
                                                        .arg(QString::fromLatin1(toName), QString::fromLatin1(fromName)));
    return std::nullopt;
}

} // namespace

const QStringList &OrderFilter::statuses()
{
    static const QStringList s{QStringLiteral("created"), QStringLiteral("confirmed"), QStringLiteral("failed")};
    return s;
}

QDateTime OrderFilter::parseTime(const QString &text)
{
    if (text.isEmpty() || text.size() > 64)
        return {};
    bool digits = true;
    for (const QChar c : text)
        digits &= c >= QLatin1Char('0') && c <= QLatin1Char('9');
    if (digits) {
        bool ok = false;
        const qint64 ms = text.size() <= 15 ? text.toLongLong(&ok) : -1;
        // up to the year 9999, as lab::isoTimestamp writes
        return ok && ms <= 253402300799999 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC) : QDateTime();
    }
    const QDateTime t = lab::parseTimestamp(text);
    return t.isValid() && t.date().year() >= 1970 ? t : QDateTime();
}

QJsonObject OrderFilter::toElastic() const
{
    QJsonArray must;
    if (!item.isEmpty())
        must.append(QJsonObject{{QStringLiteral("match"),
                                 QJsonObject{{QStringLiteral("item"),
                                              QJsonObject{{QStringLiteral("query"), item},
                                                          {QStringLiteral("operator"), QStringLiteral("and")}}}}}});
    QJsonArray filter;
    if (!status.isEmpty())
        filter.append(QJsonObject{{QStringLiteral("term"), QJsonObject{{QStringLiteral("status"), status}}}});
    if (fromTime.isValid() || toTime.isValid()) {
        QJsonObject range{{QStringLiteral("format"), QStringLiteral("strict_date_optional_time")}};
        if (fromTime.isValid())
            range.insert(QStringLiteral("gte"), lab::isoTimestamp(fromTime));
        if (toTime.isValid())
            range.insert(QStringLiteral("lt"), lab::isoTimestamp(toTime));
        filter.append(QJsonObject{{QStringLiteral("range"), QJsonObject{{QStringLiteral("timestamp"), range}}}});
    }
    if (must.isEmpty() && filter.isEmpty())
        return QJsonObject{{QStringLiteral("match_all"), QJsonObject()}};
    QJsonObject boolean;
    if (!must.isEmpty())
        boolean.insert(QStringLiteral("must"), must);
    if (!filter.isEmpty())
        boolean.insert(QStringLiteral("filter"), filter);
    return QJsonObject{{QStringLiteral("bool"), boolean}};
}

// ---------------------------------------------------------------- SearchQuery

lab::Parsed<SearchQuery> SearchQuery::fromUrlQuery(const QByteArray &encodedQuery)
{
    using P = lab::Parsed<SearchQuery>;
    SearchQuery q;
    OrderFilter f;
    if (auto failed = parseFilter<SearchQuery>(encodedQuery, "from_time", "to_time", &f))
        return *failed;
    q.item = f.item;
    q.status = f.status;
    q.fromTime = f.fromTime;
    q.toTime = f.toTime;

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
    // one item alone keeps its plain match query (what the unit tests pin)
    const QJsonObject query = status.isEmpty() && !fromTime.isValid() && !toTime.isValid() && !item.isEmpty()
        ? QJsonObject{{QStringLiteral("match"),
                       QJsonObject{{QStringLiteral("item"),
                                    QJsonObject{{QStringLiteral("query"), item},
                                                {QStringLiteral("operator"), QStringLiteral("and")}}}}}}
        : filter().toElastic();
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

// ---------------------------------------------------------------- StatsQuery

namespace {

/// Start of the fixed_interval bucket holding ms: Elasticsearch aligns fixed intervals
/// on the epoch (UTC, no offset).
qint64 bucketStart(qint64 ms, qint64 intervalMs)
{
    const qint64 q = ms / intervalMs;
    return (ms % intervalMs < 0 ? q - 1 : q) * intervalMs;
}

QJsonObject statusCounts(const QJsonObject &termsAggregation)
{
    QJsonObject out;
    for (const QString &s : OrderFilter::statuses())
        out.insert(s, 0);
    for (const QJsonValue &b : termsAggregation.value(QLatin1String("buckets")).toArray()) {
        const QString key = b.toObject().value(QLatin1String("key")).toString();
        if (!key.isEmpty())
            out.insert(key, b.toObject().value(QLatin1String("doc_count")).toInteger());
    }
    return out;
}

} // namespace

qint64 StatsQuery::parseInterval(const QString &text)
{
    if (text.size() < 2 || text.size() > 4)
        return 0;
    const QChar unit = text.back();
    const QString number = text.chopped(1);
    for (const QChar c : number)
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return 0;
    const qint64 n = number.toLongLong();
    if (n < 1 || n > 999)
        return 0;
    switch (unit.toLatin1()) {
    case 's': return n * 1000;
    case 'm': return n * 60 * 1000;
    case 'h': return n * 3600 * 1000;
    case 'd': return n * 86400 * 1000;
    default: return 0;
    }
}

lab::Parsed<StatsQuery> StatsQuery::fromUrlQuery(const QByteArray &encodedQuery, const QDateTime &now)
{
    using P = lab::Parsed<StatsQuery>;
    StatsQuery q;
    const QString interval = SearchQuery::parameter(encodedQuery, "interval").trimmed();
    if (!interval.isEmpty()) {
        q.intervalMs = parseInterval(interval);
        if (q.intervalMs == 0)
            return P::fail(QStringLiteral("interval"),
                           QStringLiteral("interval must be a number from 1 to 999 and a unit s, m, h or d "
                                          "(e.g. 30s, 1m, 1h)"));
        q.interval = interval;
    }
    if (auto failed = parseFilter<StatsQuery>(encodedQuery, "from", "to", &q.filter))
        return *failed;
    if (!q.filter.toTime.isValid())
        q.filter.toTime = now.toUTC();
    if (!q.filter.fromTime.isValid())
        q.filter.fromTime = q.filter.toTime.addMSecs(-DefaultRangeMs);
    if (q.filter.fromTime >= q.filter.toTime)
        return P::fail(QStringLiteral("from"), QStringLiteral("from must be earlier than to"));
    const qint64 buckets = (bucketStart(q.filter.toTime.toMSecsSinceEpoch() - 1, q.intervalMs)
                            - bucketStart(q.filter.fromTime.toMSecsSinceEpoch(), q.intervalMs)) / q.intervalMs + 1;
    if (buckets > MaxBuckets)
        return P::fail(QStringLiteral("interval"),
                       QStringLiteral("from..to at interval %1 makes %2 buckets; at most %3: widen the interval or "
                                      "narrow the range")
                           .arg(q.interval).arg(buckets).arg(MaxBuckets));
    return P::success(q);
}

QJsonObject StatsQuery::toElastic() const
{
    const QJsonObject byStatus{{QStringLiteral("terms"),
                                QJsonObject{{QStringLiteral("field"), QStringLiteral("status")},
                                            {QStringLiteral("size"), 10}}}};
    const QJsonObject histogram{
        {QStringLiteral("date_histogram"),
         QJsonObject{{QStringLiteral("field"), QStringLiteral("timestamp")},
                     {QStringLiteral("fixed_interval"), interval},
                     {QStringLiteral("min_doc_count"), 0},
                     // every bucket of the range, also the empty ones; max is inclusive
                     {QStringLiteral("extended_bounds"),
                      QJsonObject{{QStringLiteral("min"), filter.fromTime.toMSecsSinceEpoch()},
                                  {QStringLiteral("max"), filter.toTime.toMSecsSinceEpoch() - 1}}}}},
        {QStringLiteral("aggs"), QJsonObject{{QStringLiteral("statuses"), byStatus}}}};
    return QJsonObject{{QStringLiteral("size"), 0},
                       {QStringLiteral("track_total_hits"), true},
                       {QStringLiteral("query"), filter.toElastic()},
                       {QStringLiteral("aggs"), QJsonObject{{QStringLiteral("orders"), histogram},
                                                            {QStringLiteral("statuses"), byStatus}}}};
}

QJsonObject StatsQuery::answer(const QJsonObject &body) const
{
    const QJsonObject aggs = body.value(QLatin1String("aggregations")).toObject();
    QJsonArray buckets;
    for (const QJsonValue &v : aggs.value(QLatin1String("orders")).toObject().value(QLatin1String("buckets")).toArray()) {
        const QJsonObject b = v.toObject();
        const qint64 start = b.value(QLatin1String("key")).toInteger();
        buckets.append(QJsonObject{
            {QStringLiteral("start"), lab::isoTimestamp(QDateTime::fromMSecsSinceEpoch(start, Qt::UTC))},
            {QStringLiteral("total"), b.value(QLatin1String("doc_count")).toInteger()},
            {QStringLiteral("statuses"), statusCounts(b.value(QLatin1String("statuses")).toObject())}});
    }
    QJsonObject out = emptyAnswer();
    out.insert(QStringLiteral("total"),
               body.value(QLatin1String("hits")).toObject().value(QLatin1String("total")).toObject()
                   .value(QLatin1String("value")).toInteger());
    out.insert(QStringLiteral("statuses"), statusCounts(aggs.value(QLatin1String("statuses")).toObject()));
    out.insert(QStringLiteral("buckets"), buckets);
    return out;
}

QJsonObject StatsQuery::emptyAnswer() const
{
    QJsonArray buckets;
    QJsonObject none;
    for (const QString &s : OrderFilter::statuses())
        none.insert(s, 0);
    for (qint64 t = bucketStart(filter.fromTime.toMSecsSinceEpoch(), intervalMs);
         t <= filter.toTime.toMSecsSinceEpoch() - 1; t += intervalMs)
        buckets.append(QJsonObject{{QStringLiteral("start"), lab::isoTimestamp(QDateTime::fromMSecsSinceEpoch(t, Qt::UTC))},
                                   {QStringLiteral("total"), 0},
                                   {QStringLiteral("statuses"), none}});
    QJsonObject out{{QStringLiteral("interval"), interval},
                    {QStringLiteral("interval_ms"), intervalMs},
                    {QStringLiteral("from"), lab::isoTimestamp(filter.fromTime)},
                    {QStringLiteral("to"), lab::isoTimestamp(filter.toTime)},
                    {QStringLiteral("total"), 0},
                    {QStringLiteral("statuses"), none},
                    {QStringLiteral("buckets"), buckets}};
    if (!filter.status.isEmpty())
        out.insert(QStringLiteral("status"), filter.status);
    if (!filter.item.isEmpty())
        out.insert(QStringLiteral("item"), filter.item);
    return out;
}
