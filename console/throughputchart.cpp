#include "throughputchart.h"

#include "theme.h"

#include <QDateTime>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>

ThroughputChart::ThroughputChart(QWidget *parent)
    : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
}

int ThroughputChart::niceMax(int peak)
{
    int max = 5;
    while (max < peak * 1.15) {
        if (max < 10)
            max = 10;
        else if (max < 20)
            max = 20;
        else if (max < 50)
            max = 50;
        else
            max *= 2;
    }
    return max;
}

void ThroughputChart::setSeries(const QList<ThroughputBuckets::Point> &points)
{
    m_points = points;
    int top = 0;
    for (const auto &p : m_points)
        top = qMax(top, qMax(p.confirmed, p.failed));
    m_axisMax = niceMax(top);
    update();
}

void ThroughputChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor background(Qt::white);
    const QColor grid(0xec, 0xee, 0xf1);
    const QColor axisText(0x6b, 0x72, 0x80);
    const QColor green(QString::fromLatin1(theme::Green));
    const QColor red(QString::fromLatin1(theme::Red));

    // Card background.
    p.fillRect(rect(), palette().window());
    const QRectF card = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    p.setPen(QColor(0xd8, 0xdc, 0xe2));
    p.setBrush(background);
    p.drawRoundedRect(card, 8, 8);

    const QFontMetrics fm(font());
    const int yLabelWidth = fm.horizontalAdvance(QString::number(m_axisMax * 10)) + 10;
    const QRectF plot(card.left() + 16 + yLabelWidth, card.top() + 40, card.width() - 40 - yLabelWidth,
                      card.height() - 40 - 22 - fm.height());
    if (plot.width() < 50 || plot.height() < 40)
        return;

    // Legend.
    auto legend = [&](qreal x, const QColor &c, const QString &text) {
        p.setPen(QPen(c, 3));
        p.drawLine(QPointF(x, card.top() + 20), QPointF(x + 18, card.top() + 20));
        p.setPen(QColor(0x37, 0x41, 0x51));
        p.drawText(QPointF(x + 24, card.top() + 20 + fm.ascent() / 2.0 - 1), text);
        return x + 24 + fm.horizontalAdvance(text) + 22;
    };
    qreal lx = plot.left();
    lx = legend(lx, green, tr("confirmed / s"));
    legend(lx, red, tr("failed / s"));

    // Horizontal grid and y labels (5 steps).
    const int steps = 5;
    p.setFont(font());
    for (int i = 0; i <= steps; ++i) {
        const qreal y = plot.bottom() - plot.height() * i / steps;
        p.setPen(QPen(i == 0 ? QColor(0xc5, 0xca, 0xd3) : grid, 1));
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        const double value = double(m_axisMax) * i / steps;
        const QString label = value == double(qint64(value)) ? QLocale().toString(qint64(value))
                                                              : QLocale().toString(value, 'f', 1);
        p.setPen(axisText);
        p.drawText(QRectF(card.left() + 8, y - fm.height() / 2.0, yLabelWidth, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, label);
    }

    const int n = int(m_points.size());
    if (n < 2) {
        p.setPen(axisText);
        p.drawText(plot, Qt::AlignCenter, tr("No data yet"));
        return;
    }
    auto xOf = [&](int i) { return plot.left() + plot.width() * i / (n - 1); };
    auto yOf = [&](int v) { return plot.bottom() - plot.height() * qMin(v, m_axisMax) / m_axisMax; };

    // Time labels on round times (every 10 s, 30 s, 1 min, ...), at most about seven.
    int step = 5;
    for (int candidate : {5, 10, 15, 30, 60, 120, 300, 600})
        if (n / candidate <= 7) {
            step = candidate;
            break;
        }
    for (int i = 0; i < n; ++i) {
        if (m_points.at(i).second % step != 0)
            continue;
        const qreal x = xOf(i);
        p.setPen(QPen(grid, 1));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        const QString t = QDateTime::fromSecsSinceEpoch(m_points.at(i).second)
                              .toString(step >= 60 ? QStringLiteral("HH:mm") : QStringLiteral("HH:mm:ss"));
        const qreal w = fm.horizontalAdvance(t);
        p.setPen(axisText);
        p.drawText(QPointF(qBound(plot.left(), x - w / 2, plot.right() - w), plot.bottom() + 6 + fm.ascent()), t);
    }

    QPainterPath confirmed;
    QPainterPath failed;
    for (int i = 0; i < n; ++i) {
        const QPointF c(xOf(i), yOf(m_points.at(i).confirmed));
        const QPointF f(xOf(i), yOf(m_points.at(i).failed));
        if (i == 0) {
            confirmed.moveTo(c);
            failed.moveTo(f);
        } else {
            confirmed.lineTo(c);
            failed.lineTo(f);
        }
    }
    QPainterPath area = confirmed;
    area.lineTo(plot.right(), plot.bottom());
    area.lineTo(plot.left(), plot.bottom());
    area.closeSubpath();
    QColor fill = green;
    fill.setAlpha(38);
    p.fillPath(area, fill);

    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(green, 2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.drawPath(confirmed);
    p.setPen(QPen(red, 2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.drawPath(failed);
}
