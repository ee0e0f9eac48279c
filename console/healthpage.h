// healthpage.h: the "Health" tab: every service's GET /healthz polled every ~2 s (never
// two requests in flight to one service, each bounded by a timeout), shown as cards, and
// the backing services (Kafka, Redis, Elasticsearch) as the answering services see them.
#pragma once

#include "consolesettings.h"
#include "healthreport.h"

#include <QMap>
#include <QSet>
#include <QTimer>
#include <QWidget>

class ApiClient;
class HealthCard;
class QCheckBox;
class QGridLayout;
class QLabel;
class QPushButton;

class HealthPage : public QWidget
{
    Q_OBJECT
public:
    explicit HealthPage(ApiClient *api, QWidget *parent = nullptr);

    void setEndpoints(const QList<ServiceEndpoint> &endpoints, int intervalMs);
    /// Asks every service whose previous answer is in (others are still pending).
    void refresh();
    HealthReport report(const QString &key) const { return m_reports.value(key); }
    int rounds() const { return m_rounds; } ///< refresh rounds completed by every service
    int upCount() const;
    int downCount() const; ///< answered badly or not at all (not merely unchecked yet)
    int total() const { return int(m_endpoints.size()); }

    static constexpr int HealthTimeoutMs = 3000;

signals:
    /// After each answer: how many services are up of how many.
    void summaryChanged(int up, int total);

private:
    void rebuild();
    void updateBacking();

    ApiClient *m_api;
    QList<ServiceEndpoint> m_endpoints;
    QMap<QString, HealthReport> m_reports;   ///< by key
    QMap<QString, HealthCard *> m_cards;     ///< by key (services and backing services)
    QSet<QString> m_pending;
    QGridLayout *m_serviceGrid;
    QGridLayout *m_backingGrid;
    QCheckBox *m_auto;
    QPushButton *m_refresh;
    QLabel *m_updated;
    QLabel *m_summary;
    QTimer m_timer;
    int m_rounds = 0;
    int m_answersThisRound = 0;
};
