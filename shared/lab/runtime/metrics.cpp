// metrics.cpp: Prometheus text exposition format 0.0.4 (see metrics.h).
#include "lab/runtime/metrics.h"

#include <QLocale>
#include <QLoggingCategory>
#include <QMutexLocker>

#include <array>
#include <cmath>

namespace lab {

namespace {

/// Upper bounds (seconds) of the latency histogram buckets; +Inf is implicit.
constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,    0.25,  0.5,    1,     2.5,  5,     10};
/// Their le labels, spelled as Prometheus clients conventionally do.
constexpr std::array<const char *, 14> kBucketLabels = {
    "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
    "0.1",    "0.25",  "0.5",    "1",     "2.5",  "5",     "10"};

const QString kCounter = QStringLiteral("counter");
const QString kGauge = QStringLiteral("gauge");
const QString kHistogram = QStringLiteral("histogram");

QByteArray number(double v)
{
    if (std::isnan(v))
        return QByteArrayLiteral("NaN");
    if (std::isinf(v))
        return v > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    if (v == std::trunc(v) && std::fabs(v) < 9007199254740992.0)
        return QByteArray::number(qint64(v));
    return QByteArray::number(v, 'g', QLocale::FloatingPointShortest);
}

QByteArray escapeHelp(const QString &help)
{
    QString h = help;
    h.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    h.replace(QLatin1Char('\n'), QLatin1String("\\n"));
    return h.toUtf8();
}

/// name{labels} or name{labels,extra} or name{extra} or name.
QByteArray seriesName(const QString &name, const QString &labels, const QByteArray &extra = {})
{
    QByteArray out = name.toUtf8();
    QByteArray inner = labels.toUtf8();
    if (!extra.isEmpty())
        inner = inner.isEmpty() ? extra : inner + ',' + extra;
    if (!inner.isEmpty())
        out += '{' + inner + '}';
    return out;
}

} // namespace

Metrics &Metrics::instance()
{
    static Metrics metrics;
    return metrics;
}

void Metrics::increment(const QString &name, const QString &help, const QString &labels, double by)
{
    QMutexLocker locker(&m_mutex);
    Family &f = m_families[name];
    if (f.type.isEmpty()) {
        f.type = kCounter;
        f.help = help;
    } else if (f.type != kCounter) {
        return; // a name has one type; a clash is a programming error, never a crash
    }
    if (by < 0)
        return; // counters only go up
    f.series[labels].value += by;
}

void Metrics::setGauge(const QString &name, const QString &help, double value, const QString &labels)
{
    QMutexLocker locker(&m_mutex);
    Family &f = m_families[name];
    if (f.type.isEmpty()) {
        f.type = kGauge;
        f.help = help;
    } else if (f.type != kGauge) {
        return;
    }
    f.series[labels].value = value;
}

void Metrics::replaceGauges(const QString &name, const QString &help, const QMap<QString, double> &series)
{
    QMutexLocker locker(&m_mutex);
    Family &f = m_families[name];
    if (f.type.isEmpty()) {
        f.type = kGauge;
        f.help = help;
    } else if (f.type != kGauge) {
        return;
    }
    f.series.clear();
    for (auto it = series.cbegin(); it != series.cend(); ++it)
        f.series[it.key()].value = it.value();
}

void Metrics::observe(const QString &name, const QString &help, double seconds, const QString &labels)
{
    QMutexLocker locker(&m_mutex);
    Family &f = m_families[name];
    if (f.type.isEmpty()) {
        f.type = kHistogram;
        f.help = help;
    } else if (f.type != kHistogram) {
        return;
    }
    if (std::isnan(seconds))
        return;
    Series &s = f.series[labels];
    if (s.buckets.isEmpty())
        s.buckets.fill(0, int(kBuckets.size()));
    // Per-bucket (non-cumulative) counts; render() accumulates.
    for (size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) {
            ++s.buckets[qsizetype(i)];
            break;
        }
    }
    s.sum += seconds;
    ++s.count;
}

double Metrics::value(const QString &name, const QString &labels) const
{
    QMutexLocker locker(&m_mutex);
    const auto f = m_families.constFind(name);
    if (f == m_families.constEnd())
        return 0;
    const auto s = f->series.constFind(labels);
    if (s == f->series.constEnd())
        return 0;
    return f->type == kHistogram ? double(s->count) : s->value;
}

QByteArray Metrics::render() const
{
    QMutexLocker locker(&m_mutex);
    QByteArray out;
    for (auto f = m_families.cbegin(); f != m_families.cend(); ++f) {
        const QString &name = f.key();
        if (f->series.isEmpty())
            continue;
        out += "# HELP " + name.toUtf8() + ' ' + escapeHelp(f->help) + '\n';
        out += "# TYPE " + name.toUtf8() + ' ' + f->type.toUtf8() + '\n';
        for (auto s = f->series.cbegin(); s != f->series.cend(); ++s) {
            const QString &labels = s.key();
            if (f->type != kHistogram) {
                out += seriesName(name, labels) + ' ' + number(s->value) + '\n';
                continue;
            }
            quint64 cumulative = 0;
            for (size_t i = 0; i < kBuckets.size(); ++i) {
                cumulative += s->buckets.value(qsizetype(i));
                out += seriesName(name + QLatin1String("_bucket"), labels,
                                  "le=\"" + QByteArray(kBucketLabels[i]) + '"')
                    + ' ' + QByteArray::number(cumulative) + '\n';
            }
            out += seriesName(name + QLatin1String("_bucket"), labels, "le=\"+Inf\"") + ' '
                + QByteArray::number(s->count) + '\n';
            out += seriesName(name + QLatin1String("_sum"), labels) + ' ' + number(s->sum) + '\n';
            out += seriesName(name + QLatin1String("_count"), labels) + ' '
                + QByteArray::number(s->count) + '\n';
        }
    }
    return out;
}

void Metrics::reset()
{
    QMutexLocker locker(&m_mutex);
    m_families.clear();
}

} // namespace lab
