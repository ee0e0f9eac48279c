// stats.h: latency samples and their percentiles (nearest-rank), kept as nanoseconds
// and reported in milliseconds. Small enough to keep every sample: a 60 s run at
// 10,000/s is 600,000 values, under 5 MB.
#pragma once

#include <QJsonObject>
#include <algorithm>
#include <cmath>
#include <vector>

class LatencyStats
{
public:
    void add(qint64 ns) { m_ns.push_back(ns); m_sorted = false; }
    qsizetype count() const { return qsizetype(m_ns.size()); }

    /// p in [0, 100]; 0 when there are no samples.
    double percentileMs(double p)
    {
        if (m_ns.empty())
            return 0;
        sort();
        const auto rank = std::clamp<std::size_t>(std::size_t(std::ceil(p / 100.0 * double(m_ns.size()))), 1,
                                                  m_ns.size());
        return double(m_ns[rank - 1]) / 1e6;
    }
    double maxMs() { return m_ns.empty() ? 0 : (sort(), double(m_ns.back()) / 1e6); }
    double meanMs() const
    {
        if (m_ns.empty())
            return 0;
        long double sum = 0;
        for (qint64 v : m_ns)
            sum += v;
        return double(sum / m_ns.size()) / 1e6;
    }

    /// {"count","p50","p95","p99","max","mean"} in milliseconds (3 decimals).
    QJsonObject toJson()
    {
        const auto r = [](double v) { return std::round(v * 1000) / 1000; };
        return QJsonObject{{QStringLiteral("count"), double(count())},
                           {QStringLiteral("p50"), r(percentileMs(50))},
                           {QStringLiteral("p95"), r(percentileMs(95))},
                           {QStringLiteral("p99"), r(percentileMs(99))},
                           {QStringLiteral("max"), r(maxMs())},
                           {QStringLiteral("mean"), r(meanMs())}};
    }

private:
    void sort()
    {
        if (!m_sorted)
            std::sort(m_ns.begin(), m_ns.end());
        m_sorted = true;
    }

    std::vector<qint64> m_ns;
    bool m_sorted = true;
};

#include <chrono>

/// Monotonic time in nanoseconds, one clock for every component of the generator.
inline qint64 monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
