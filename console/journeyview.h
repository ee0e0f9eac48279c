// journeyview.h: an order's journey drawn with QPainter as steps: one row per hop, a bar
// from the hop before to this one (the gap, which is where the time went) on a shared
// millisecond scale, the time since "received" and the gap written beside it. When there
// is no journey to draw it says why (loading, 404, an error) in its place.
#pragma once

#include "journey.h"

#include <QWidget>

class JourneyView : public QWidget
{
    Q_OBJECT
public:
    explicit JourneyView(QWidget *parent = nullptr);

    void setJourney(const Journey &journey);
    /// Clears the journey and shows `text` instead (e.g. "Order 7 is not known (404)").
    void setMessage(const QString &text);
    const Journey &journey() const { return m_journey; }
    QString message() const { return m_message; }

    QSize sizeHint() const override { return {560, 300}; }
    QSize minimumSizeHint() const override { return {360, 220}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    Journey m_journey;
    QString m_message;
};
