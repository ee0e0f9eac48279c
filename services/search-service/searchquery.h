// searchquery.h: GET /search's parameters (item, size, from), validated, and the
// Elasticsearch query they become. The query is built as structured JSON, never by
// pasting strings, and item goes into a match query: whatever a user types (quotes,
// wildcards, Lucene syntax, JSON fragments) is searched as plain text.
#pragma once

#include "lab/events.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

struct SearchQuery
{
    static constexpr int DefaultSize = 100;
    /// Elasticsearch's index.max_result_window: from + size may not exceed it.
    static constexpr int MaxWindow = 10000;
    /// Longer item texts are refused (400): no stored item is longer than 200.
    static constexpr int MaxItemLength = 1000;

    QString item; ///< trimmed; empty: every order
    int size = DefaultSize;
    int from = 0;

    /// Parses a URL query as sent (percent-encoded; '+' means space, as in HTML forms).
    /// Unknown parameters are ignored; for a repeated one the first counts.
    static lab::Parsed<SearchQuery> fromUrlQuery(const QByteArray &encodedQuery);

    /// {"query": match(item, operator and) | match_all, "sort": newest first, size, from}.
    QJsonObject toElastic() const;

    /// The value of one parameter from an encoded query, decoded; empty when absent.
    static QString parameter(const QByteArray &encodedQuery, const QByteArray &name);
};
