#include "livefeedpage.h"

#include "emptyhint.h"
#include "feedclient.h"
#include "feedfilter.h"
#include "feedmodel.h"
#include "orderrow.h"
#include "theme.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

LiveFeedPage::LiveFeedPage(FeedModel *model, FeedClient *client, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_client(client)
{
    QLayout *stateRow = buildStateRow();
    QLayout *filterRow = buildFilterRow();
    buildTable();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 16);
    layout->setSpacing(10);
    layout->addLayout(stateRow);
    layout->addLayout(filterRow);
    layout->addWidget(m_table, 1);
    connectSignals();
    updateState();
    updateCounts();
}

QLayout *LiveFeedPage::buildStateRow()
{
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("feed-state"));
    m_state->setMinimumWidth(120);
    m_detail = new QLabel(this);
    m_detail->setObjectName(QStringLiteral("feed-detail"));
    m_detail->setProperty("muted", true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_reconnect = new QPushButton(tr("Reconnect"), this);
    m_reconnect->setObjectName(QStringLiteral("feed-reconnect"));
    m_reconnect->setToolTip(tr("Drop the WebSocket and connect again now; the notifier "
                               "replays its backlog, which never adds duplicates here."));

    auto *row = new QHBoxLayout;
    row->setSpacing(10);
    row->addWidget(new QLabel(tr("Notifier"), this));
    row->addWidget(m_state);
    row->addWidget(m_detail, 1);
    row->addWidget(m_reconnect);
    return row;
}

QLayout *LiveFeedPage::buildFilterRow()
{
    m_statusFilter = new QComboBox(this);
    m_statusFilter->setObjectName(QStringLiteral("feed-filter"));
    m_statusFilter->addItem(tr("All outcomes"), int(FeedFilter::Status::All));
    m_statusFilter->addItem(tr("Confirmed only"), int(FeedFilter::Status::Confirmed));
    m_statusFilter->addItem(tr("Failed only"), int(FeedFilter::Status::Failed));
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("feed-search"));
    m_text->setPlaceholderText(tr("Filter by order id, item or reason"));
    m_text->setClearButtonEnabled(true);
    m_clear = new QPushButton(tr("Clear"), this);
    m_clear->setObjectName(QStringLiteral("feed-clear"));
    m_clear->setToolTip(tr("Empty the list (orders already seen will not come back)"));
    m_counts = new QLabel(this);
    m_counts->setObjectName(QStringLiteral("feed-counts"));

    auto *row = new QHBoxLayout;
    row->setSpacing(8);
    row->addWidget(m_statusFilter);
    row->addWidget(m_text, 1);
    row->addWidget(m_clear);
    row->addSpacing(12);
    row->addWidget(m_counts);
    return row;
}

void LiveFeedPage::buildTable()
{
    m_filter = new FeedFilter(this);
    m_filter->setSourceModel(m_model);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("feed-table"));
    m_table->setModel(m_filter);
    theme::styleTable(m_table);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setSectionResizeMode(FeedModel::ReasonColumn, QHeaderView::Stretch);
    m_table->setColumnWidth(FeedModel::TimeColumn, 110);
    m_table->setColumnWidth(FeedModel::OrderIdColumn, 140);
    m_table->setColumnWidth(FeedModel::ItemColumn, 180);
    m_table->setColumnWidth(FeedModel::QuantityColumn, 100);
    m_table->setColumnWidth(FeedModel::StatusColumn, 130);
    m_table->setColumnWidth(FeedModel::SourceColumn, 80);
    m_table->setToolTip(tr("Double-click an order for its full status"));
    m_empty = new EmptyHint(m_table, QString());
}

void LiveFeedPage::connectSignals()
{
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, [this] {
        m_filter->setStatus(FeedFilter::Status(m_statusFilter->currentData().toInt()));
        updateCounts();
    });
    connect(m_text, &QLineEdit::textChanged, this, [this](const QString &t) {
        m_filter->setText(t);
        updateCounts();
    });
    connect(m_clear, &QPushButton::clicked, m_model, &FeedModel::clear);
    connect(m_reconnect, &QPushButton::clicked, m_client, &FeedClient::reconnectNow);
    connect(m_model, &FeedModel::countsChanged, this, &LiveFeedPage::updateCounts);
    connect(m_client, &FeedClient::stateChanged, this, &LiveFeedPage::updateState);
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        emit openOrderRequested(index.data(FeedModel::OrderIdRole).toLongLong());
    });
    // The countdown to the next reconnect attempt moves on its own.
    m_tick.setInterval(500);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        if (m_client->state() == FeedClient::State::WaitingToReconnect)
            updateState();
    });
    m_tick.start();
}

LiveFeedPage::StateLook LiveFeedPage::stateLook(FeedClient::State state)
{
    switch (state) {
    case FeedClient::State::Connected:
        return {theme::Green, QStringLiteral("●"), tr("connected")};
    case FeedClient::State::Connecting:
        return {theme::Orange, QStringLiteral("◌"), tr("connecting")};
    case FeedClient::State::WaitingToReconnect:
        return {theme::Red, QStringLiteral("○"), tr("disconnected")};
    case FeedClient::State::Stopped:
        break;
    }
    return {theme::Grey, QStringLiteral("■"), tr("stopped")};
}

void LiveFeedPage::updateState()
{
    const StateLook look = stateLook(m_client->state());
    theme::setPill(m_state, look.symbol + QLatin1Char(' ') + look.word, QString::fromLatin1(look.color));
    QString detail = m_client->url().toString();
    if (m_client->state() != FeedClient::State::Connected)
        detail += QStringLiteral(" · ") + m_client->stateText();
    else if (m_client->connections() > 1)
        detail += QStringLiteral(" · ") + tr("reconnected %1×").arg(m_client->connections() - 1);
    m_detail->setText(detail);
    m_detail->setToolTip(detail);
}

void LiveFeedPage::updateCounts()
{
    m_empty->setText(m_model->rowCount() > 0
                         ? tr("No outcome matches the filter.")
                         : tr("Waiting for order outcomes…\nEach order appears here the moment "
                              "the notifier decides it (confirmed or failed)."));
    // Rich text: the counts are bold and coloured; the words around them are translated.
    QString text = tr("<b>%1</b> shown · <span style='color:%2'><b>%3</b> confirmed</span> · "
                      "<span style='color:%4'><b>%5</b> failed</span>")
                       .arg(display::number(m_filter->rowCount()), QString::fromLatin1(theme::Green),
                            display::number(m_model->confirmedCount()), QString::fromLatin1(theme::Red),
                            display::number(m_model->failedCount()));
    if (m_model->duplicateCount() > 0)
        text += QStringLiteral(" · ") + tr("repeats ignored: %1").arg(display::number(m_model->duplicateCount()));
    if (m_model->invalidCount() > 0)
        text += QStringLiteral(" · <span style='color:%1'>%2</span>")
                    .arg(QString::fromLatin1(theme::Orange),
                         tr("unreadable: %1 (%2)")
                             .arg(display::number(m_model->invalidCount()), m_model->lastError())
                             .toHtmlEscaped());
    m_counts->setText(text);
}
