#include "orderhistogram.h"

#include "orderrow.h"
#include "theme.h"
#include "throughputchart.h"

#include <QLocale>
#include <QPainter>

OrderHistogram::OrderHistogram(QWidget *parent)
    : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_message = tr("Search to see the orders over time.");
}

void OrderHistogram::setStats(const OrderStats &stats)
{
    m_stats = stats;
    m_message.clear();
    qint64 peak = 0;
    for (const OrderStats::Bucket &b : m_stats.buckets)
        peak = qMax(peak, b.total);
    m_axisMax = ThroughputChart::niceMax(int(qMin<qint64>(peak, 1 << 29)));
    update();
}

void OrderHistogram::setMessage(const QString &text)
{
    m_stats = {};
    m_message = text;
    update();
}

void OrderHistogram::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QColor grid(0xec, 0xee, 0xf1);
    const QColor axisText(0x6b, 0x72, 0x80);
    p.fillRect(rect(), palette().window());
    const QRectF card = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QColor(0xd8, 0xdc, 0xe2));
    p.setBrush(Qt::white);
    p.drawRoundedRect(card, 8, 8);

    const QFontMetrics fm(font());
    if (m_stats.buckets.isEmpty()) {
        p.setPen(axisText);
        p.drawText(card.adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, m_message);
        return;
    }

    // Legend with the totals of the range.
    struct Series { const char *color; QString label; qint64 total; };
    const Series series[] = {
        {theme::Green, display::statusText(QStringLiteral("confirmed")), m_stats.confirmed},
        {theme::Red, display::statusText(QStringLiteral("failed")), m_stats.failed},
        {"#d4a017", display::statusText(QStringLiteral("created")), m_stats.created},
    };
    qreal lx = card.left() + 16;
    const qreal ly = card.top() + 8 + fm.height() / 2.0;
    for (const Series &s : series) {
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(QString::fromLatin1(s.color)));
        p.drawRoundedRect(QRectF(lx, ly - 5, 10, 10), 2, 2);
        const QString text = QStringLiteral("%1 %2").arg(s.label, display::number(s.total));
        p.setPen(QColor(0x37, 0x41, 0x51));
        p.drawText(QPointF(lx + 15, ly + fm.ascent() / 2.0 - 1), text);
        lx += 15 + fm.horizontalAdvance(text) + 18;
    }

    const int yLabelWidth = fm.horizontalAdvance(display::number(m_axisMax)) + 8;
    const QRectF plot(card.left() + 12 + yLabelWidth, card.top() + 16 + fm.height(),
                      card.width() - 28 - yLabelWidth, card.height() - 26 - 2 * fm.height());
    if (plot.width() < 40 || plot.height() < 30)
        return;

    p.setRenderHint(QPainter::Antialiasing, false);
    for (int i = 0; i <= 2; ++i) {
        const qreal y = plot.bottom() - plot.height() * i / 2;
        p.setPen(QPen(i == 0 ? QColor(0xc5, 0xca, 0xd3) : grid, 1));
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        p.setPen(axisText);
        p.drawText(QRectF(card.left() + 4, y - fm.height() / 2.0, yLabelWidth, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, display::number(qint64(m_axisMax) * i / 2));
    }

    const int n = int(m_stats.buckets.size());
    const qreal slot = plot.width() / n;
    const qreal gap = slot > 4 ? qMin<qreal>(2, slot * 0.2) : 0;
    auto heightOf = [&](qint64 v) { return plot.height() * qMin<qint64>(v, m_axisMax) / m_axisMax; };
    for (int i = 0; i < n; ++i) {
        const OrderStats::Bucket &b = m_stats.buckets.at(i);
        qreal y = plot.bottom();
        const qreal x = plot.left() + slot * i + gap / 2;
        const qint64 parts[] = {b.confirmed, b.failed, b.created};
        for (int k = 0; k < 3; ++k) {
            if (parts[k] <= 0)
                continue;
            const qreal h = heightOf(parts[k]);
            p.fillRect(QRectF(x, y - h, slot - gap, h), QColor(QString::fromLatin1(series[k].color)));
            y -= h;
        }
    }

    // Time labels: about six, on bucket starts.
    const int every = qMax(1, n / 6);
    const bool days = m_stats.from.daysTo(m_stats.to) >= 1 || m_stats.intervalMs >= 3600000;
    for (int i = 0; i < n; i += every) {
        const QDateTime t = m_stats.buckets.at(i).start.toLocalTime();
        const QString label = days ? QLocale().toString(t, QStringLiteral("d MMM HH:mm"))
                                   : t.toString(m_stats.intervalMs < 60000 ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm"));
        const qreal x = plot.left() + slot * i;
        const qreal w = fm.horizontalAdvance(label);
        p.setPen(QPen(grid, 1));
        p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 3));
        p.setPen(axisText);
        p.drawText(QPointF(qBound(plot.left(), x - w / 2, plot.right() - w), plot.bottom() + 4 + fm.ascent()), label);
    }
}
