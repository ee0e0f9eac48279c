// orderstats.h: the order log over time as search-service's GET /stats answers it
// (orders created per interval, by current status, every bucket of the range), and the
// interval the Search tab asks for a given range: a round one giving about 30 to 120
// buckets. Plain data, so that parsing and the choice can be tested without a network.
#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QString>
#include <optional>

struct OrderStats
{
    Q_DECLARE_TR_FUNCTIONS(OrderStats)
public:
    struct Bucket
    {
        QDateTime start;
        qint64 created = 0;
        qint64 confirmed = 0;
        qint64 failed = 0;
        qint64 total = 0;   ///< as the API counted it (other statuses included)
    };

    QString interval;       ///< "30s", "5m", ...
    qint64 intervalMs = 0;
    QDateTime from;
    QDateTime to;
    qint64 total = 0;
    qint64 created = 0;
    qint64 confirmed = 0;
    qint64 failed = 0;
    QList<Bucket> buckets;

    /// nullopt (and *error) when the body is not a /stats answer.
    static std::optional<OrderStats> fromJson(const QByteArray &json, QString *error);

    /// The interval for a range: the smallest of 1s, 2s, 5s, 10s, 15s, 30s, 1m, 2m, 5m, 10m,
    /// 15m, 30m, 1h, 2h, 3h, 6h, 12h, 1d that gives at most 120 buckets.
    static QString intervalFor(qint64 rangeMs);
    /// "30s" -> 30000; 0 when malformed.
    static qint64 intervalMsOf(const QString &interval);
};
