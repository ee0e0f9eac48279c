// orderhistogram.h: the Search tab's time histogram, painted with QPainter like the
// throughput chart: orders created per interval as stacked bars by current status
// (confirmed, failed, created), a calm rounded y scale, time labels, a legend with the
// totals. The data is GET /stats's answer (OrderStats).
#pragma once

#include "orderstats.h"

#include <QWidget>

class OrderHistogram : public QWidget
{
    Q_OBJECT
public:
    explicit OrderHistogram(QWidget *parent = nullptr);

    void setStats(const OrderStats &stats);
    /// Clears the bars and shows `text` in their place.
    void setMessage(const QString &text);
    const OrderStats &stats() const { return m_stats; }
    /// The sum of the bars: orders in the range (0 before an answer).
    qint64 total() const { return m_stats.total; }
    int axisMax() const { return m_axisMax; }

    QSize sizeHint() const override { return {800, 170}; }
    QSize minimumSizeHint() const override { return {320, 130}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    OrderStats m_stats;
    QString m_message;
    int m_axisMax = 5;
};
