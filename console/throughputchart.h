// throughputchart.h: a small QPainter line chart of confirmed vs failed outcomes per
// second: time on x (the last N seconds ending now), orders/s on y with a calm rounded
// scale, a legend, and a soft fill under the confirmed line. No Qt Charts dependency.
#pragma once

#include "throughputbuckets.h"

#include <QWidget>

class ThroughputChart : public QWidget
{
    Q_OBJECT
public:
    explicit ThroughputChart(QWidget *parent = nullptr);

    /// points: one per second, oldest first (ThroughputBuckets::series()).
    void setSeries(const QList<ThroughputBuckets::Point> &points);
    int axisMax() const { return m_axisMax; }

    /// The y-axis top for a busiest second of `peak`: 5, 10, 20, 50, 100, 200, ...
    static int niceMax(int peak);

    QSize sizeHint() const override { return {800, 360}; }
    QSize minimumSizeHint() const override { return {320, 200}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QList<ThroughputBuckets::Point> m_points;
    int m_axisMax = 5;
};
