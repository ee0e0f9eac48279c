#include "mainwindow.h"

#include "apiclient.h"
#include "feedclient.h"
#include "feedmodel.h"
#include "healthpage.h"
#include "kafkapage.h"
#include "language.h"
#include "livefeedpage.h"
#include "orderdialog.h"
#include "orderpage.h"
#include "searchpage.h"
#include "settingsdialog.h"
#include "theme.h"
#include "throughputpage.h"

#include <QAction>
#include <QApplication>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>

MainWindow::MainWindow(const ConsoleSettings &settings, bool persist, QWidget *parent)
    : QMainWindow(parent)
    , m_settings(settings)
    , m_persist(persist)
{
    setObjectName(QStringLiteral("main-window"));
    setWindowTitle(tr("Ops console · Kafka order lab"));
    resize(1240, 800);

    m_api = new ApiClient(m_settings, this);
    m_feedModel = new FeedModel(5000, this);
    m_feedClient = new FeedClient(this);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_tabs->setDocumentMode(false);
    m_orderPage = new OrderPage(m_api, m_tabs);
    m_orderPage->setObjectName(QStringLiteral("page-order"));
    m_searchPage = new SearchPage(m_api, m_tabs);
    m_searchPage->setObjectName(QStringLiteral("page-search"));
    m_feedPage = new LiveFeedPage(m_feedModel, m_feedClient, m_tabs);
    m_feedPage->setObjectName(QStringLiteral("page-feed"));
    m_healthPage = new HealthPage(m_api, m_tabs);
    m_healthPage->setObjectName(QStringLiteral("page-health"));
    m_throughputPage = new ThroughputPage(m_tabs);
    m_throughputPage->setObjectName(QStringLiteral("page-throughput"));
    m_kafkaPage = new KafkaPage(m_api, m_tabs);
    m_kafkaPage->setObjectName(QStringLiteral("page-kafka"));
    m_tabs->addTab(m_orderPage, tr("New order"));
    m_tabs->addTab(m_searchPage, tr("Search"));
    m_tabs->addTab(m_feedPage, tr("Live feed"));
    m_tabs->addTab(m_healthPage, tr("Health"));
    m_tabs->addTab(m_throughputPage, tr("Throughput"));
    m_tabs->addTab(m_kafkaPage, tr("Kafka"));
    setCentralWidget(m_tabs);

    m_feedStatus = new QLabel(this);
    m_feedStatus->setObjectName(QStringLiteral("status-feed"));
    m_healthStatus = new QLabel(this);
    m_healthStatus->setObjectName(QStringLiteral("status-health"));
    m_endpointStatus = new QLabel(this);
    m_endpointStatus->setObjectName(QStringLiteral("status-endpoints"));
    m_endpointStatus->setProperty("muted", true);
    statusBar()->addWidget(m_feedStatus);
    statusBar()->addWidget(m_healthStatus);
    statusBar()->addPermanentWidget(m_endpointStatus);
    statusBar()->setSizeGripEnabled(false);

    buildMenus();

    connect(m_feedClient, &FeedClient::messageReceived, m_feedModel,
            [this](const QByteArray &message) { m_feedModel->addMessage(message); });
    connect(m_feedModel, &FeedModel::entryAdded, this, [this](const FeedEntry &e) {
        m_orderPage->noteOutcome(e);
        m_throughputPage->record(e);
    });
    connect(m_orderPage, &OrderPage::orderAccepted, this, [this](qint64 id) {
        // An identical retry of an order that was already decided: show its outcome now.
        if (const FeedEntry *e = m_feedModel->find(id))
            m_orderPage->noteOutcome(*e);
    });
    auto open = [this](qint64 id) { openOrder(id); };
    connect(m_orderPage, &OrderPage::openOrderRequested, this, open);
    connect(m_searchPage, &SearchPage::openOrderRequested, this, open);
    connect(m_feedPage, &LiveFeedPage::openOrderRequested, this, open);
    connect(m_feedClient, &FeedClient::stateChanged, this, &MainWindow::updateFeedStatus);
    connect(m_healthPage, &HealthPage::summaryChanged, this, &MainWindow::updateHealthStatus);

    applySettings(m_settings);
    m_feedClient->start();
}

MainWindow::~MainWindow()
{
    // Open order dialogs are children, deleted by ~QWidget after m_orderDialogs is gone:
    // delete them while the hash their destroyed() handler edits still exists.
    const QList<QPointer<OrderDialog>> dialogs = m_orderDialogs.values();
    m_orderDialogs.clear();
    for (const QPointer<OrderDialog> &d : dialogs)
        delete d.data();
}

void MainWindow::buildMenus()
{
    QMenu *console = menuBar()->addMenu(tr("&Console"));
    QAction *settings = console->addAction(tr("&Settings…"), this, [this] { openSettings(); });
    settings->setObjectName(QStringLiteral("action-settings"));
    settings->setShortcut(QKeySequence(QStringLiteral("Ctrl+,")));
    QAction *reconnect = console->addAction(tr("&Reconnect live feed"), m_feedClient,
                                            &FeedClient::reconnectNow);
    reconnect->setObjectName(QStringLiteral("action-reconnect"));
    reconnect->setShortcut(QKeySequence(QStringLiteral("Ctrl+R")));
    QAction *health = console->addAction(tr("Refresh &health"), m_healthPage, &HealthPage::refresh);
    health->setObjectName(QStringLiteral("action-refresh-health"));
    health->setShortcut(QKeySequence(QStringLiteral("F5")));
    console->addSeparator();
    QAction *quit = console->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setObjectName(QStringLiteral("action-quit"));
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_tabs->count(); ++i) {
        QAction *a = view->addAction(m_tabs->tabText(i), this, [this, i] { m_tabs->setCurrentIndex(i); });
        a->setObjectName(QStringLiteral("action-tab-%1").arg(i + 1));
        a->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(i + 1)));
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About"), this, [this] {
        auto *box = new QMessageBox(QMessageBox::Information, tr("About ops-console"),
                                    tr("<h3>ops-console %1</h3>"
                                       "<p>Desktop console of the Kafka order lab: create orders, search "
                                       "the order log, watch outcomes live and keep an eye on the services.</p>"
                                       "<p>Order API <code>%2</code><br>Search API <code>%3</code><br>"
                                       "Notifier <code>%4</code></p>")
                                        .arg(QApplication::applicationVersion(), m_settings.orderUrl.toString(),
                                             m_settings.searchUrl.toString(), m_settings.notifierUrl.toString()),
                                    QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("about-box"));
        language::setStandardButtonTexts(box);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });
    about->setObjectName(QStringLiteral("action-about"));
}

void MainWindow::applySettings(const ConsoleSettings &settings)
{
    m_settings = settings;
    m_api->setSettings(settings);
    m_feedClient->setUrl(settings.notifierUrl);
    m_healthPage->setEndpoints(settings.healthEndpoints(), settings.healthIntervalMs);
    m_orderPage->settingsChanged();
    m_endpointStatus->setText(settings.apiToken.isEmpty()
                                  ? tr("order %1 · search %2").arg(settings.orderUrl.authority(),
                                                                   settings.searchUrl.authority())
                                  : tr("order %1 · search %2 · token set")
                                        .arg(settings.orderUrl.authority(), settings.searchUrl.authority()));
    updateFeedStatus();
}

OrderDialog *MainWindow::openOrder(qint64 orderId)
{
    if (orderId <= 0)
        return nullptr;
    if (OrderDialog *existing = m_orderDialogs.value(orderId)) {
        existing->refresh();
        existing->raise();
        existing->activateWindow();
        return existing;
    }
    auto *dialog = new OrderDialog(m_api, orderId, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_orderDialogs.insert(orderId, dialog);
    connect(dialog, &QObject::destroyed, this, [this, orderId] { m_orderDialogs.remove(orderId); });
    dialog->show();
    return dialog;
}

SettingsDialog *MainWindow::openSettings()
{
    auto *dialog = new SettingsDialog(m_settings, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const ConsoleSettings s = dialog->settings();
        if (m_persist) {
            QSettings store;
            s.save(store);
        }
        const bool newLanguage = s.language != m_settings.language;
        applySettings(s);
        if (newLanguage)
            statusBar()->showMessage(tr("The new language applies at the next start of the console."), 15000);
    });
    dialog->open();
    return dialog;
}

void MainWindow::updateFeedStatus()
{
    const LiveFeedPage::StateLook look = LiveFeedPage::stateLook(m_feedClient->state());
    m_feedStatus->setText(QStringLiteral("<span style='color:%1'>%2</span> %3")
                              .arg(QString::fromLatin1(look.color), look.symbol, tr("live feed %1").arg(look.word)));
    m_tabs->tabBar()->setTabTextColor(FeedTab, m_feedClient->state() == FeedClient::State::WaitingToReconnect
                                                   ? QColor(QString::fromLatin1(theme::Red))
                                                   : QColor());
}

void MainWindow::updateHealthStatus(int up, int total)
{
    const int down = m_healthPage->downCount();
    const QString color = QString::fromLatin1(down > 0 ? theme::Red : up == total ? theme::Green : theme::Grey);
    m_healthStatus->setText(QStringLiteral("<span style='color:%1'>●</span> %2")
                                .arg(color, tr("%1 of %2 services up").arg(up).arg(total)));
    m_tabs->setTabText(HealthTab, down == 0 ? tr("Health") : tr("Health (%1 down)").arg(down));
    m_tabs->tabBar()->setTabTextColor(HealthTab, down == 0 ? QColor() : QColor(color));
}
