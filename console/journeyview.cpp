#include "journeyview.h"

#include "theme.h"

#include <QPainter>

JourneyView::JourneyView(QWidget *parent)
    : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void JourneyView::setJourney(const Journey &journey)
{
    m_journey = journey;
    m_message = journey.hops.isEmpty() ? tr("The order API returned no journey for this order.") : QString();
    updateGeometry();
    update();
}

void JourneyView::setMessage(const QString &text)
{
    m_journey = {};
    m_message = text;
    update();
}

void JourneyView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor text(0x37, 0x41, 0x51);
    const QColor muted(0x6b, 0x72, 0x80);
    const QColor grid(0xec, 0xee, 0xf1);
    const QColor blue(QString::fromLatin1(theme::Blue));

    p.fillRect(rect(), palette().window());
    const QRectF card = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    p.setPen(QColor(0xd8, 0xdc, 0xe2));
    p.setBrush(Qt::white);
    p.drawRoundedRect(card, 8, 8);

    if (m_journey.hops.isEmpty()) {
        p.setPen(muted);
        p.drawText(card.adjusted(16, 16, -16, -16), Qt::AlignCenter | Qt::TextWordWrap, m_message);
        return;
    }

    const QFontMetrics fm(font());
    int nameWidth = 0;
    for (const Journey::Hop &h : m_journey.hops)
        nameWidth = qMax(nameWidth, fm.horizontalAdvance(Journey::hopName(h.key)));
    const double total = qMax(0.001, m_journey.hops.constLast().elapsedMs);
    // The widest "+gap · elapsed" text decides the right margin.
    int valueWidth = 0;
    for (const Journey::Hop &h : m_journey.hops)
        valueWidth = qMax(valueWidth, fm.horizontalAdvance(QStringLiteral("%1 · %2")
                                                               .arg(Journey::gap(h.gapMs), Journey::millis(h.elapsedMs))));
    const QRectF plot(card.left() + 16 + nameWidth + 14, card.top() + 14,
                      card.width() - 32 - nameWidth - 14 - valueWidth - 14, card.height() - 28 - fm.height() - 6);
    if (plot.width() < 40 || plot.height() < 40)
        return;

    const int n = int(m_journey.hops.size());
    const qreal rowHeight = plot.height() / n;
    const qreal barHeight = qMin<qreal>(18, rowHeight * 0.6);
    auto xOf = [&](double ms) { return plot.left() + plot.width() * qBound(0.0, ms / total, 1.0); };

    // Vertical grid at quarters (halves when narrow) of the total, labelled below.
    const int parts = plot.width() >= 360 ? 4 : 2;
    for (int i = 0; i <= parts; ++i) {
        const qreal x = plot.left() + plot.width() * i / parts;
        p.setPen(QPen(grid, 1));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        const QString label = i == 0 ? QStringLiteral("0") : Journey::millis(total * i / parts);
        const qreal w = fm.horizontalAdvance(label);
        p.setPen(muted);
        p.drawText(QPointF(qBound(plot.left(), x - w / 2, plot.right() - w), plot.bottom() + 6 + fm.ascent()), label);
    }

    for (int i = 0; i < n; ++i) {
        const Journey::Hop &h = m_journey.hops.at(i);
        const qreal mid = plot.top() + rowHeight * (i + 0.5);
        p.setPen(text);
        p.drawText(QRectF(card.left() + 16, mid - fm.height() / 2.0, nameWidth, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, Journey::hopName(h.key));
        // The step: from the latest earlier hop that happened before this one (payment and
        // stock are decided in parallel: Journey::fromJson) to this one. A gap too short to
        // see still gets a sliver; a negative one (another clock) a grey bar back to it.
        const qreal xPrev = xOf(h.elapsedMs - h.gapMs);
        const qreal xThis = xOf(h.elapsedMs);
        const qreal x0 = qMin(xPrev, xThis);
        const qreal x1 = qMax(qMax(xPrev, xThis), x0 + 2);
        QColor fill = h.gapMs < 0 ? QColor(0xb8, 0xbe, 0xc8) : blue;
        if (h.gapMs >= 0)
            fill.setAlpha(i == 0 ? 90 : 200);
        p.setPen(Qt::NoPen);
        p.setBrush(fill);
        p.drawRoundedRect(QRectF(x0, mid - barHeight / 2, x1 - x0, barHeight), 3, 3);
        // The stamp itself, and a thin line down to the next row.
        p.setBrush(blue);
        p.drawEllipse(QPointF(xThis, mid), 3.5, 3.5);
        if (i + 1 < n) {
            p.setPen(QPen(QColor(0xc5, 0xca, 0xd3), 1, Qt::DashLine));
            p.drawLine(QPointF(xThis, mid), QPointF(xThis, mid + rowHeight));
        }
        p.setPen(text);
        const QString value = i == 0 ? Journey::millis(h.elapsedMs)
                                     : QStringLiteral("%1 · %2").arg(Journey::gap(h.gapMs), Journey::millis(h.elapsedMs));
        p.drawText(QRectF(plot.right() + 14, mid - fm.height() / 2.0, valueWidth + 4, fm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, value);
    }
}
