#include "healthpage.h"

#include "apiclient.h"
#include "healthcard.h"
#include "orderrow.h"
#include "theme.h"

#include <QCheckBox>
#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

HealthPage::HealthPage(ApiClient *api, QWidget *parent)
    : QWidget(parent)
    , m_api(api)
{
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("health-summary"));
    m_summary->setProperty("heading", true);
    m_auto = new QCheckBox(tr("Refresh automatically"), this);
    m_auto->setObjectName(QStringLiteral("health-auto"));
    m_auto->setChecked(true);
    m_refresh = new QPushButton(tr("Refresh now"), this);
    m_refresh->setObjectName(QStringLiteral("health-refresh"));
    m_updated = new QLabel(this);
    m_updated->setObjectName(QStringLiteral("health-updated"));
    m_updated->setProperty("muted", true);

    auto *top = new QHBoxLayout;
    top->addWidget(m_summary);
    top->addStretch(1);
    top->addWidget(m_updated);
    top->addSpacing(10);
    top->addWidget(m_auto);
    top->addWidget(m_refresh);

    auto *servicesTitle = new QLabel(tr("Services"), this);
    servicesTitle->setProperty("muted", true);
    auto *backingTitle = new QLabel(tr("Backing services (as the services report them)"), this);
    backingTitle->setProperty("muted", true);

    m_serviceGrid = new QGridLayout;
    m_serviceGrid->setSpacing(12);
    m_backingGrid = new QGridLayout;
    m_backingGrid->setSpacing(12);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 16);
    layout->setSpacing(10);
    layout->addLayout(top);
    layout->addWidget(servicesTitle);
    layout->addLayout(m_serviceGrid);
    layout->addSpacing(6);
    layout->addWidget(backingTitle);
    layout->addLayout(m_backingGrid);
    layout->addStretch(1);

    connect(&m_timer, &QTimer::timeout, this, &HealthPage::refresh);
    connect(m_refresh, &QPushButton::clicked, this, &HealthPage::refresh);
    connect(m_auto, &QCheckBox::toggled, this, [this](bool on) {
        if (on) {
            m_timer.start();
            refresh();
        } else {
            m_timer.stop();
        }
    });

    for (const char *name : {"Kafka", "Redis", "Elasticsearch"}) {
        const QString n = QString::fromLatin1(name);
        auto *card = new HealthCard(n.toLower(), n, this);
        card->setMinimumHeight(100);
        m_cards.insert(QStringLiteral("backing:") + n, card);
    }
    const QStringList backing{QStringLiteral("Kafka"), QStringLiteral("Redis"), QStringLiteral("Elasticsearch")};
    for (int i = 0; i < backing.size(); ++i)
        m_backingGrid->addWidget(m_cards.value(QStringLiteral("backing:") + backing.at(i)), 0, i);
    m_cards.value(QStringLiteral("backing:Kafka"))->setSubtitle(tr("event log: %1").arg(QStringLiteral("order.created, payment.*, inventory.*")));
    m_cards.value(QStringLiteral("backing:Redis"))->setSubtitle(tr("correlation, dedupe, stock"));
    m_cards.value(QStringLiteral("backing:Elasticsearch"))->setSubtitle(tr("%1 index, search").arg(QStringLiteral("order-logs")));
}

void HealthPage::setEndpoints(const QList<ServiceEndpoint> &endpoints, int intervalMs)
{
    m_endpoints = endpoints;
    m_reports.clear();
    m_pending.clear(); // answers to old URLs are dropped by their key check below
    rebuild();
    m_timer.setInterval(intervalMs);
    if (m_auto->isChecked())
        m_timer.start();
    refresh();
}

void HealthPage::rebuild()
{
    for (auto it = m_cards.begin(); it != m_cards.end();) {
        if (!it.key().startsWith(QLatin1String("backing:"))) {
            delete it.value();
            it = m_cards.erase(it);
        } else {
            ++it;
        }
    }
    const int columns = 3;
    for (int i = 0; i < m_endpoints.size(); ++i) {
        const ServiceEndpoint &e = m_endpoints.at(i);
        auto *card = new HealthCard(e.key, e.name, this);
        card->setSubtitle(e.healthUrl.toString());
        m_serviceGrid->addWidget(card, i / columns, i % columns);
        m_cards.insert(e.key, card);
    }
    updateBacking();
    emit summaryChanged(upCount(), total());
}

void HealthPage::refresh()
{
    for (const ServiceEndpoint &e : m_endpoints) {
        if (m_pending.contains(e.key))
            continue; // its last request is still bounded by the timeout; don't pile up
        m_pending.insert(e.key);
        const QUrl url = e.healthUrl;
        const QString key = e.key;
        m_api->get(url, HealthTimeoutMs, this, [this, key, url](const ApiReply &reply) {
            // Settings changed meanwhile: this answer is about an endpoint we no longer show.
            auto current = std::find_if(m_endpoints.cbegin(), m_endpoints.cend(),
                                        [&](const ServiceEndpoint &x) { return x.key == key; });
            if (current == m_endpoints.cend() || current->healthUrl != url)
                return;
            m_pending.remove(key);
            const HealthReport report = HealthReport::fromReply(reply);
            m_reports.insert(key, report);
            if (HealthCard *card = m_cards.value(key))
                card->setReport(report);
            updateBacking();
            if (++m_answersThisRound >= m_endpoints.size()) {
                m_answersThisRound = 0;
                ++m_rounds;
            }
            m_updated->setText(tr("updated %1 · every %2 s")
                                   .arg(display::time(QDateTime::currentDateTime()),
                                        QLocale().toString(m_timer.interval() / 1000.0)));
            emit summaryChanged(upCount(), total());
        });
    }
}

int HealthPage::upCount() const
{
    int up = 0;
    for (const HealthReport &r : m_reports)
        if (r.state == HealthReport::State::Up)
            ++up;
    return up;
}

int HealthPage::downCount() const
{
    int down = 0;
    for (const HealthReport &r : m_reports)
        if (r.state == HealthReport::State::Down || r.state == HealthReport::State::Unhealthy)
            ++down;
    return down;
}

void HealthPage::updateBacking()
{
    QMap<QString, HealthReport> byName;
    for (const ServiceEndpoint &e : m_endpoints)
        if (m_reports.contains(e.key))
            byName.insert(e.name, m_reports.value(e.key));
    for (const BackingStatus &b : aggregateBacking(byName))
        if (HealthCard *card = m_cards.value(QStringLiteral("backing:") + b.name))
            card->setBacking(b);

    const int up = upCount();
    const int n = total();
    const bool allUp = up == n && n > 0;
    m_summary->setText(m_reports.isEmpty() ? tr("Checking services…") : tr("%1 of %2 services up").arg(up).arg(n));
    m_summary->setStyleSheet(m_reports.isEmpty() ? QString()
                             : QStringLiteral("color: %1;").arg(QString::fromLatin1(allUp ? theme::Green : theme::Red)));
}
