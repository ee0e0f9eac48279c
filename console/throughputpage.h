// throughputpage.h: the "Throughput" tab: confirmed vs failed orders per second over the
// last minutes (a QPainter line chart), with totals, failure rate, current rate and peak.
// Fed by the live feed's new outcomes, bucketed by when the notifier decided them.
#pragma once

#include "throughputbuckets.h"

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
struct FeedEntry;

class ThroughputChart;

class ThroughputPage : public QWidget
{
    Q_OBJECT
public:
    explicit ThroughputPage(QWidget *parent = nullptr);

    void record(const FeedEntry &entry);
    /// Redraws for the current time (once a second on its own).
    void redraw();
    int windowSeconds() const;
    const ThroughputBuckets &buckets() const { return m_buckets; }
    ThroughputChart *chart() const { return m_chart; }

protected:
    void showEvent(QShowEvent *event) override;

private:
    QLabel *kpi(const QString &key, const QString &caption, QWidget **tile);

    ThroughputBuckets m_buckets{900};
    QComboBox *m_window;
    QLabel *m_confirmed;
    QLabel *m_failed;
    QLabel *m_failureRate;
    QLabel *m_rate;
    QLabel *m_peak;
    ThroughputChart *m_chart;
    QTimer m_timer;
};
