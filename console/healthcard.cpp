#include "healthcard.h"

#include "orderrow.h"
#include "theme.h"

#include <QGridLayout>
#include <QLabel>

namespace {

QString dot(bool ok)
{
    return QStringLiteral("<span style='color:%1'>●</span>").arg(QString::fromLatin1(ok ? theme::Green : theme::Red));
}

} // namespace

HealthCard::HealthCard(const QString &key, const QString &title, QWidget *parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("health-card-") + key);
    setProperty("card", true);
    setMinimumSize(260, 130);

    m_title = new QLabel(title, this);
    m_title->setObjectName(QStringLiteral("health-title-") + key);
    m_title->setProperty("heading", true);
    m_subtitle = new QLabel(this);
    m_subtitle->setObjectName(QStringLiteral("health-url-") + key);
    m_subtitle->setProperty("muted", true);
    m_subtitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_pill = new QLabel(this);
    m_pill->setObjectName(QStringLiteral("health-state-") + key);
    m_pill->setMinimumWidth(96);
    m_detail = new QLabel(this);
    m_detail->setObjectName(QStringLiteral("health-detail-") + key);
    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_checks = new QLabel(this);
    m_checks->setObjectName(QStringLiteral("health-checks-") + key);
    m_checks->setWordWrap(true);
    m_checks->setTextFormat(Qt::RichText);

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(14, 12, 14, 12);
    layout->setHorizontalSpacing(10);
    layout->setVerticalSpacing(4);
    layout->addWidget(m_title, 0, 0);
    layout->addWidget(m_pill, 0, 1, Qt::AlignRight | Qt::AlignTop);
    layout->addWidget(m_subtitle, 1, 0, 1, 2);
    layout->addWidget(m_detail, 2, 0, 1, 2);
    layout->addWidget(m_checks, 3, 0, 1, 2);
    layout->setRowStretch(4, 1);
    layout->setColumnStretch(0, 1);
    setState(HealthReport::State::Unknown);
}

void HealthCard::setSubtitle(const QString &text)
{
    m_subtitle->setText(text);
    m_subtitle->setToolTip(text);
}

void HealthCard::setState(HealthReport::State state, const QString &text)
{
    m_state = state;
    const QString color = HealthReport::stateColor(state);
    theme::setPill(m_pill, text.isEmpty() ? HealthReport::stateName(state) : text, color);
    m_pill->setProperty("state", HealthReport::stateKey(state));
    // A coloured edge makes the state readable across the room.
    setStyleSheet(QStringLiteral("QFrame#%1 { border-left: 5px solid %2; border-top-left-radius: 0; "
                                 "border-bottom-left-radius: 0; }")
                      .arg(objectName(), color));
}

void HealthCard::setReport(const HealthReport &report)
{
    setState(report.state);
    QStringList parts;
    if (report.state == HealthReport::State::Up) {
        parts << tr("HTTP 200 in %1 ms").arg(display::number(report.latencyMs)).toHtmlEscaped();
    } else if (report.state != HealthReport::State::Unknown) {
        parts << QStringLiteral("<span style='color:%1'>%2</span>")
                     .arg(HealthReport::stateColor(report.state), report.error.toHtmlEscaped());
    }
    if (report.checkedAt.isValid())
        parts << QStringLiteral("<span style='color:#6b7280'>%1</span>")
                     .arg(tr("checked %1").arg(display::time(report.checkedAt)).toHtmlEscaped());
    m_detail->setText(parts.join(QStringLiteral(" · ")));

    QStringList checks;
    for (const HealthCheckEntry &c : report.checks)
        checks << QStringLiteral("%1 %2%3")
                      .arg(dot(c.ok), c.name.toHtmlEscaped(),
                           c.ok ? QString() : QStringLiteral(": <span style='color:%1'>%2</span>")
                                                  .arg(QString::fromLatin1(theme::Red), c.detail.toHtmlEscaped()));
    if (checks.isEmpty() && report.state == HealthReport::State::Down)
        checks << QStringLiteral("<span style='color:#6b7280'>%1</span>")
                      .arg(tr("no answer, so no dependency checks").toHtmlEscaped());
    m_checks->setText(checks.join(QStringLiteral("&nbsp;&nbsp;&nbsp;")));
}

void HealthCard::setBacking(const BackingStatus &status)
{
    // A backing service that a client cannot use is down for that client: red, not amber.
    if (status.state == HealthReport::State::Unhealthy)
        setState(HealthReport::State::Down, tr("FAILING"));
    else if (status.state == HealthReport::State::Unknown)
        setState(status.state, tr("NO REPORT"));
    else
        setState(status.state);
    if (status.state == HealthReport::State::Unknown) {
        m_detail->setText(QStringLiteral("<span style='color:#6b7280'>%1</span>")
                              .arg(tr("no running service reports on it").toHtmlEscaped()));
    } else if (!status.failingBy.isEmpty()) {
        QStringList lines;
        for (const QString &f : status.failingBy)
            lines << QStringLiteral("%1 %2").arg(dot(false), f.toHtmlEscaped());
        m_detail->setText(lines.join(QStringLiteral("<br>")));
    } else {
        m_detail->setText(tr("ok according to %1").arg(status.okBy.join(QStringLiteral(", "))).toHtmlEscaped());
    }
    m_checks->clear();
}
