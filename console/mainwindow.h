// mainwindow.h: the ops console's window: tabs for a new order, search, the live feed,
// service health, throughput and Kafka; a status bar with the feed connection and a health
// summary; settings and order-status dialogs. Owns the network clients.
#pragma once

#include "consolesettings.h"

#include <QHash>
#include <QMainWindow>
#include <QPointer>

class ApiClient;
class FeedClient;
class FeedModel;
class HealthPage;
class KafkaPage;
class LiveFeedPage;
class OrderDialog;
class OrderPage;
class QLabel;
class QTabWidget;
class SearchPage;
class SettingsDialog;
class ThroughputPage;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum Tab { OrderTab, SearchTab, FeedTab, HealthTab, ThroughputTab, KafkaTab };

    /// persist: save the settings (QSettings) when the operator accepts the dialog.
    explicit MainWindow(const ConsoleSettings &settings, bool persist = true, QWidget *parent = nullptr);
    ~MainWindow() override;

    const ConsoleSettings &settings() const { return m_settings; }
    /// Points every client and page at new endpoints (without saving them).
    void applySettings(const ConsoleSettings &settings);

    /// Opens (or raises) the non-modal status dialog of one order.
    OrderDialog *openOrder(qint64 orderId);
    /// Opens the settings dialog (window-modal, does not block the caller).
    SettingsDialog *openSettings();

    QTabWidget *tabs() const { return m_tabs; }
    OrderPage *orderPage() const { return m_orderPage; }
    SearchPage *searchPage() const { return m_searchPage; }
    LiveFeedPage *feedPage() const { return m_feedPage; }
    HealthPage *healthPage() const { return m_healthPage; }
    ThroughputPage *throughputPage() const { return m_throughputPage; }
    KafkaPage *kafkaPage() const { return m_kafkaPage; }
    FeedModel *feedModel() const { return m_feedModel; }
    FeedClient *feedClient() const { return m_feedClient; }
    ApiClient *api() const { return m_api; }

private:
    void buildMenus();
    void updateFeedStatus();
    void updateHealthStatus(int up, int total);

    ConsoleSettings m_settings;
    bool m_persist;
    ApiClient *m_api;
    FeedModel *m_feedModel;
    FeedClient *m_feedClient;
    QTabWidget *m_tabs;
    OrderPage *m_orderPage;
    SearchPage *m_searchPage;
    LiveFeedPage *m_feedPage;
    HealthPage *m_healthPage;
    ThroughputPage *m_throughputPage;
    KafkaPage *m_kafkaPage;
    QLabel *m_feedStatus;
    QLabel *m_healthStatus;
    QLabel *m_endpointStatus;
    QHash<qint64, QPointer<OrderDialog>> m_orderDialogs;
};
