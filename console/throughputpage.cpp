#include "throughputpage.h"

#include "feedmodel.h"
#include "orderrow.h"
#include "theme.h"
#include "throughputchart.h"

#include <QComboBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

ThroughputPage::ThroughputPage(QWidget *parent)
    : QWidget(parent)
{
    m_window = new QComboBox(this);
    m_window->setObjectName(QStringLiteral("throughput-window"));
    m_window->addItem(tr("Last minute"), 60);
    m_window->addItem(tr("Last 5 minutes"), 300);
    m_window->addItem(tr("Last 15 minutes"), 900);
    m_window->setCurrentIndex(1);

    QWidget *t1 = nullptr, *t2 = nullptr, *t3 = nullptr, *t4 = nullptr, *t5 = nullptr;
    m_confirmed = kpi(QStringLiteral("confirmed"), display::statusText(QStringLiteral("confirmed")), &t1);
    m_failed = kpi(QStringLiteral("failed"), display::statusText(QStringLiteral("failed")), &t2);
    m_failureRate = kpi(QStringLiteral("failure-rate"), tr("failure rate"), &t3);
    m_rate = kpi(QStringLiteral("rate"), tr("orders/s, last 10 s"), &t4);
    m_peak = kpi(QStringLiteral("peak"), tr("peak orders/s"), &t5);
    m_confirmed->setStyleSheet(QStringLiteral("color: %1;").arg(QString::fromLatin1(theme::Green)));
    m_failed->setStyleSheet(QStringLiteral("color: %1;").arg(QString::fromLatin1(theme::Red)));

    m_chart = new ThroughputChart(this);
    m_chart->setObjectName(QStringLiteral("throughput-chart"));
    m_chart->setMinimumHeight(280);

    auto *top = new QHBoxLayout;
    top->setSpacing(12);
    for (QWidget *t : {t1, t2, t3, t4, t5})
        top->addWidget(t, 1);

    auto *controls = new QHBoxLayout;
    auto *caption = new QLabel(tr("Order outcomes per second, by the time the notifier decided them"), this);
    caption->setObjectName(QStringLiteral("throughput-caption"));
    caption->setProperty("muted", true);
    controls->addWidget(caption, 1);
    controls->addWidget(m_window);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 16);
    layout->setSpacing(10);
    layout->addLayout(top);
    layout->addLayout(controls);
    layout->addWidget(m_chart, 1);

    connect(m_window, &QComboBox::currentIndexChanged, this, &ThroughputPage::redraw);
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &ThroughputPage::redraw);
    m_timer.start();
    redraw();
}

QLabel *ThroughputPage::kpi(const QString &key, const QString &caption, QWidget **tile)
{
    auto *frame = new QFrame(this);
    frame->setObjectName(QStringLiteral("throughput-tile-") + key);
    frame->setProperty("card", true);
    auto *value = new QLabel(QStringLiteral("0"), frame);
    value->setObjectName(QStringLiteral("throughput-") + key);
    value->setProperty("kpi", true);
    auto *text = new QLabel(caption, frame);
    text->setProperty("muted", true);
    auto *l = new QVBoxLayout(frame);
    l->setContentsMargins(14, 10, 14, 10);
    l->setSpacing(2);
    l->addWidget(value);
    l->addWidget(text);
    *tile = frame;
    return value;
}

int ThroughputPage::windowSeconds() const
{
    return m_window->currentData().toInt();
}

void ThroughputPage::record(const FeedEntry &entry)
{
    m_buckets.record(entry.notifiedAt.isValid() ? entry.notifiedAt : entry.receivedAt, entry.confirmed,
                     QDateTime::currentDateTimeUtc());
}

void ThroughputPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    redraw();
}

void ThroughputPage::redraw()
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    m_buckets.prune(now);
    const int window = windowSeconds();
    const auto points = m_buckets.series(now, window);
    m_chart->setSeries(points);

    const auto total = m_buckets.total(now, window);
    const int all = total.confirmed + total.failed;
    m_confirmed->setText(display::number(total.confirmed));
    m_failed->setText(display::number(total.failed));
    m_failureRate->setText(all == 0 ? QStringLiteral("—")
                                    : QStringLiteral("%1 %").arg(QLocale().toString(100.0 * total.failed / all, 'f', 1)));
    const auto recent = m_buckets.total(now, 10);
    m_rate->setText(QLocale().toString((recent.confirmed + recent.failed) / 10.0, 'f', 1));
    m_peak->setText(display::number(m_buckets.peak(now, window)));
}
