// searchquery.h: the parameters of GET /search (item, status, from_time, to_time, size,
// from) and GET /stats (interval, from, to, status, item), validated, and the
// Elasticsearch queries they become. The queries are built as structured JSON, never by
// pasting strings, and item goes into a match query: whatever a user types (quotes,
// wildcards, Lucene syntax, JSON fragments) is searched as plain text.
#pragma once

#include "lab/contract/events.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

/// The filters /search and /stats share: item (full text), status, and a time range on
/// the order's creation time (the document's timestamp), from inclusive, to exclusive.
struct OrderFilter
{
    QString item;       ///< trimmed; empty: any
    QString status;     ///< created | confirmed | failed; empty: any
    QDateTime fromTime; ///< invalid: unbounded
    QDateTime toTime;   ///< invalid: unbounded

    /// The statuses a search document can have.
    static const QStringList &statuses();
    /// An ISO-8601 timestamp with a zone (lab::parseTimestamp) or milliseconds since the
    /// epoch (digits only); invalid otherwise.
    static QDateTime parseTime(const QString &text);
    /// {"bool": {"filter": [...]}} or match_all when nothing is set.
    QJsonObject toElastic() const;
};

struct SearchQuery
{
    static constexpr int DefaultSize = 100;
    /// Elasticsearch's index.max_result_window: from + size may not exceed it.
    static constexpr int MaxWindow = 10000;
    /// Longer item texts are refused (400): no stored item is longer than 200.
    static constexpr int MaxItemLength = 1000;

    QString item; ///< trimmed; empty: every order
    QString status;     ///< empty: any
    QDateTime fromTime; ///< from_time, inclusive; invalid: unbounded
    QDateTime toTime;   ///< to_time, exclusive; invalid: unbounded
    int size = DefaultSize;
    int from = 0;

    /// Parses a URL query as sent (percent-encoded; '+' means space, as in HTML forms).
    /// Unknown parameters are ignored; for a repeated one the first counts.
    static lab::Parsed<SearchQuery> fromUrlQuery(const QByteArray &encodedQuery);

    OrderFilter filter() const { return {item, status, fromTime, toTime}; }
    /// {"query": the filter (match on item with operator and, term on status, range on
    /// timestamp) | match_all, "sort": newest first, size, from}.
    QJsonObject toElastic() const;

    /// The value of one parameter from an encoded query, decoded; empty when absent.
    static QString parameter(const QByteArray &encodedQuery, const QByteArray &name);
};

/// GET /stats: a date histogram of orders by status.
struct StatsQuery
{
    /// At most this many buckets a request may ask for ((to - from) / interval).
    static constexpr int MaxBuckets = 1000;
    static constexpr qint64 DefaultRangeMs = 3600 * 1000; ///< from defaults to to - 1 h

    QString interval = QStringLiteral("1m"); ///< <n><unit>, unit s, m, h or d (Elasticsearch fixed_interval)
    qint64 intervalMs = 60000;
    OrderFilter filter;                      ///< fromTime and toTime always set

    /// interval (default 1m), from and to (ISO-8601 or epoch ms; to defaults to now,
    /// from to to - 1 h), status, item. `now` is injectable for tests.
    static lab::Parsed<StatsQuery> fromUrlQuery(const QByteArray &encodedQuery,
                                                const QDateTime &now = QDateTime::currentDateTimeUtc());
    /// "30s", "1m", "2h", "1d" -> milliseconds; 0 when malformed (n must be 1..999).
    static qint64 parseInterval(const QString &text);

    /// {"size": 0, "query": filter, "aggs": {"orders": date_histogram(timestamp,
    /// fixed_interval, min_doc_count 0, extended_bounds from..to) with terms(status)},
    /// plus terms(status) over the whole range}.
    QJsonObject toElastic() const;
    /// The answer's body from Elasticsearch's: {"interval", "from", "to", "total",
    /// "statuses": {status: n}, "buckets": [{"start", "total", "statuses": {...}}]}.
    QJsonObject answer(const QJsonObject &elasticBody) const;
    /// The answer when the index does not exist yet: every bucket empty.
    QJsonObject emptyAnswer() const;
};
