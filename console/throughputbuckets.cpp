#include "throughputbuckets.h"

ThroughputBuckets::ThroughputBuckets(int retentionSeconds)
    : m_retention(qMax(1, retentionSeconds))
{
}

bool ThroughputBuckets::record(qint64 at, bool confirmed, qint64 now)
{
    if (at > now)
        at = now;
    if (at <= now - m_retention)
        return false;
    Point &p = m_buckets[at];
    p.second = at;
    if (confirmed)
        ++p.confirmed;
    else
        ++p.failed;
    return true;
}

bool ThroughputBuckets::record(const QDateTime &at, bool confirmed, const QDateTime &now)
{
    const QDateTime when = at.isValid() ? at : now;
    return record(when.toSecsSinceEpoch(), confirmed, now.toSecsSinceEpoch());
}

QList<ThroughputBuckets::Point> ThroughputBuckets::series(qint64 now, int seconds) const
{
    QList<Point> out;
    if (seconds <= 0)
        return out;
    out.reserve(seconds);
    const qint64 first = now - seconds + 1;
    auto it = m_buckets.lowerBound(first);
    for (qint64 s = first; s <= now; ++s) {
        Point p;
        p.second = s;
        if (it != m_buckets.cend() && it.key() == s) {
            p.confirmed = it->confirmed;
            p.failed = it->failed;
            ++it;
        }
        out.append(p);
    }
    return out;
}

ThroughputBuckets::Point ThroughputBuckets::total(qint64 now, int seconds) const
{
    Point t;
    t.second = now;
    for (auto it = m_buckets.lowerBound(now - seconds + 1); it != m_buckets.cend() && it.key() <= now; ++it) {
        t.confirmed += it->confirmed;
        t.failed += it->failed;
    }
    return t;
}

int ThroughputBuckets::peak(qint64 now, int seconds) const
{
    int best = 0;
    for (auto it = m_buckets.lowerBound(now - seconds + 1); it != m_buckets.cend() && it.key() <= now; ++it)
        best = qMax(best, it->confirmed + it->failed);
    return best;
}

void ThroughputBuckets::prune(qint64 now)
{
    const qint64 oldest = now - m_retention;
    while (!m_buckets.isEmpty() && m_buckets.firstKey() <= oldest)
        m_buckets.erase(m_buckets.begin());
}
