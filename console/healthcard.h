// healthcard.h: one tile of the Health tab: a service (or a backing service) with a
// coloured state pill, where it was asked, how it answered and the checks it reports.
#pragma once

#include "healthreport.h"

#include <QFrame>

class QLabel;

class HealthCard : public QFrame
{
    Q_OBJECT
public:
    /// key names the children: health-card-<key>, health-state-<key>, health-detail-<key>,
    /// health-checks-<key>.
    HealthCard(const QString &key, const QString &title, QWidget *parent = nullptr);

    void setSubtitle(const QString &text);
    void setReport(const HealthReport &report);
    void setBacking(const BackingStatus &status);
    HealthReport::State state() const { return m_state; }

private:
    void setState(HealthReport::State state, const QString &text = {});

    QLabel *m_title;
    QLabel *m_subtitle;
    QLabel *m_pill;
    QLabel *m_detail;
    QLabel *m_checks;
    HealthReport::State m_state = HealthReport::State::Unknown;
};
