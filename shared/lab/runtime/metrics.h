// metrics.h: a tiny Prometheus registry: counters, gauges and latency histograms with
// optional labels, rendered in the text exposition format for GET /metrics.
// Meant for the owning (main) thread; a mutex makes a stray call from another thread safe.
#pragma once

#include <QByteArray>
#include <QMap>
#include <QMutex>
#include <QString>
#include <QVector>

namespace lab {

class Metrics
{
public:
    static Metrics &instance();

    /// labels: e.g. "topic=\"order.created\"" (already formatted; empty for none).
    void increment(const QString &name, const QString &help, const QString &labels = {},
                   double by = 1.0);
    void setGauge(const QString &name, const QString &help, double value, const QString &labels = {});
    /// Replaces every series of a gauge family at once: series not in `series` (labels
    /// -> value) disappear, and a scrape never sees half an update. For gauges that
    /// describe a changing set of things (e.g. consumer groups and their partitions).
    void replaceGauges(const QString &name, const QString &help, const QMap<QString, double> &series);
    /// Observes a duration in seconds into a histogram with fixed buckets
    /// (0.5 ms .. 10 s).
    void observe(const QString &name, const QString &help, double seconds, const QString &labels = {});
    double value(const QString &name, const QString &labels = {}) const; ///< counter/gauge, 0 if absent
    QByteArray render() const;
    void reset();

private:
    struct Series { double value = 0; QVector<quint64> buckets; double sum = 0; quint64 count = 0; };
    struct Family { QString help; QString type; QMap<QString, Series> series; };
    QMap<QString, Family> m_families;
    mutable QMutex m_mutex;
};

} // namespace lab
