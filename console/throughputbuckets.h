// throughputbuckets.h: order outcomes counted per second (confirmed and failed) over a
// sliding window, for the throughput chart. Pure arithmetic on epoch seconds, so it is
// testable without clocks or networks.
#pragma once

#include <QDateTime>
#include <QList>
#include <QMap>

class ThroughputBuckets
{
public:
    struct Point
    {
        qint64 second = 0;  ///< epoch second
        int confirmed = 0;
        int failed = 0;
    };

    /// Keeps `retentionSeconds` of history.
    explicit ThroughputBuckets(int retentionSeconds = 900);

    /// Counts one outcome at `at` (epoch second). Outcomes older than the retention
    /// relative to `now` are dropped; ones in the future (clock skew) count at `now`.
    /// Returns false when dropped.
    bool record(qint64 at, bool confirmed, qint64 now);
    bool record(const QDateTime &at, bool confirmed, const QDateTime &now);

    /// `seconds` points ending at `now` inclusive, oldest first, zero-filled.
    QList<Point> series(qint64 now, int seconds) const;
    /// Totals over the last `seconds` ending at `now`.
    Point total(qint64 now, int seconds) const;
    /// The busiest second (confirmed + failed) of that range.
    int peak(qint64 now, int seconds) const;
    /// Forgets buckets older than the retention.
    void prune(qint64 now);
    void clear() { m_buckets.clear(); }
    int retentionSeconds() const { return m_retention; }

private:
    int m_retention;
    QMap<qint64, Point> m_buckets;
};
