#include "searchpage.h"

#include "apiclient.h"
#include "emptyhint.h"
#include "orderhistogram.h"
#include "orderrow.h"
#include "searchmodel.h"
#include "theme.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

SearchPage::SearchPage(ApiClient *api, QWidget *parent)
    : QWidget(parent)
    , m_api(api)
{
    QLayout *top = buildQueryRow();
    QLayout *filters = buildFilterRow();
    QLayout *pager = buildPager();
    buildTable();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 16);
    layout->setSpacing(10);
    layout->addLayout(top);
    layout->addLayout(filters);
    layout->addWidget(m_histogram);
    layout->addWidget(m_table, 1);
    layout->addLayout(pager);
    connectSignals();
    m_status->setText(tr("Type an item and press Enter. Double-click an order for its full status."));
    updatePager();
}

QLayout *SearchPage::buildQueryRow()
{
    m_item = new QLineEdit(this);
    m_item->setObjectName(QStringLiteral("search-item"));
    m_item->setPlaceholderText(tr("Item to search for (empty lists every order)"));
    m_item->setClearButtonEnabled(true);

    m_searchButton = new QPushButton(tr("Search"), this);
    m_searchButton->setObjectName(QStringLiteral("search-button"));
    m_searchButton->setProperty("primary", true);
    m_searchButton->setMinimumWidth(100);

    m_pageSize = new QComboBox(this);
    m_pageSize->setObjectName(QStringLiteral("search-page-size"));
    for (int n : {10, 25, 50, 100, 250, 1000})
        m_pageSize->addItem(tr("%1 per page").arg(display::number(n)), n);
    m_pageSize->setCurrentIndex(1);

    auto *row = new QHBoxLayout;
    row->setSpacing(8);
    row->addWidget(m_item, 1);
    row->addWidget(m_searchButton);
    row->addSpacing(8);
    row->addWidget(m_pageSize);
    return row;
}

/// The time range (presets or custom from/to) and the status, for the list and the histogram.
QLayout *SearchPage::buildFilterRow()
{
    m_range = new QComboBox(this);
    m_range->setObjectName(QStringLiteral("search-range"));
    m_range->addItem(tr("Last 15 minutes"), Last15Minutes);
    m_range->addItem(tr("Last hour"), LastHour);
    m_range->addItem(tr("Last 6 hours"), Last6Hours);
    m_range->addItem(tr("Last 24 hours"), Last24Hours);
    m_range->addItem(tr("Last 7 days"), Last7Days);
    m_range->addItem(tr("Custom range"), Custom);
    m_range->setCurrentIndex(LastHour);

    const QDateTime now = QDateTime::currentDateTime();
    auto dateEdit = [this](const QString &name, const QDateTime &value) {
        auto *e = new QDateTimeEdit(value, this);
        e->setObjectName(name);
        e->setCalendarPopup(true);
        e->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        e->setEnabled(false);
        return e;
    };
    m_customFrom = dateEdit(QStringLiteral("search-from"), now.addSecs(-3600));
    m_customTo = dateEdit(QStringLiteral("search-to"), now);

    m_statusFilter = new QComboBox(this);
    m_statusFilter->setObjectName(QStringLiteral("search-status-filter"));
    m_statusFilter->addItem(tr("All statuses"), QString());
    for (const char *status : {"created", "confirmed", "failed"})
        m_statusFilter->addItem(display::statusText(QString::fromLatin1(status)), QString::fromLatin1(status));

    m_totals = new QLabel(this);
    m_totals->setObjectName(QStringLiteral("search-totals"));
    m_totals->setProperty("muted", true);
    m_totals->setWordWrap(true); // longer in Vietnamese: wraps rather than being cut
    m_totals->setAlignment(Qt::AlignRight | Qt::AlignVCenter);

    m_histogram = new OrderHistogram(this);
    m_histogram->setObjectName(QStringLiteral("search-histogram"));
    m_histogram->setFixedHeight(170);

    auto *row = new QHBoxLayout;
    row->setSpacing(8);
    row->addWidget(new QLabel(tr("Time"), this));
    row->addWidget(m_range);
    row->addWidget(m_customFrom);
    row->addWidget(new QLabel(QStringLiteral("–"), this));
    row->addWidget(m_customTo);
    row->addSpacing(12);
    row->addWidget(new QLabel(tr("Status"), this));
    row->addWidget(m_statusFilter);
    row->addSpacing(12);
    row->addWidget(m_totals, 1);
    return row;
}

qint64 SearchPage::rangeMs(Range range)
{
    switch (range) {
    case Last15Minutes: return 15 * 60000;
    case LastHour: return 3600000;
    case Last6Hours: return 6 * 3600000;
    case Last24Hours: return 24 * 3600000;
    case Last7Days: return 7 * 24 * qint64(3600000);
    case Custom: break;
    }
    return 0;
}

OrderLogFilter SearchPage::currentFilter() const
{
    OrderLogFilter f;
    f.item = m_item->text().trimmed();
    f.status = m_statusFilter->currentData().toString();
    const auto range = Range(m_range->currentData().toInt());
    if (range == Custom) {
        f.from = m_customFrom->dateTime().toUTC();
        f.to = m_customTo->dateTime().toUTC();
    } else {
        // "Now" to the next whole second: an order created this very second is in.
        const qint64 now = (QDateTime::currentMSecsSinceEpoch() / 1000 + 1) * 1000;
        f.to = QDateTime::fromMSecsSinceEpoch(now, Qt::UTC);
        f.from = f.to.addMSecs(-rangeMs(range));
    }
    return f;
}

QLayout *SearchPage::buildPager()
{
    m_prev = new QPushButton(tr("◀ Previous"), this);
    m_prev->setObjectName(QStringLiteral("search-prev"));
    m_next = new QPushButton(tr("Next ▶"), this);
    m_next->setObjectName(QStringLiteral("search-next"));
    m_pageLabel = new QLabel(this);
    m_pageLabel->setObjectName(QStringLiteral("search-page-label"));
    m_pageLabel->setMinimumWidth(140);
    m_pageLabel->setAlignment(Qt::AlignCenter);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("search-status"));
    m_status->setWordWrap(true);
    m_status->setProperty("muted", true);

    auto *row = new QHBoxLayout;
    row->addWidget(m_status, 1);
    row->addWidget(m_prev);
    row->addWidget(m_pageLabel);
    row->addWidget(m_next);
    return row;
}

void SearchPage::buildTable()
{
    m_model = new SearchModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(SearchModel::SortRole);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("search-table"));
    m_table->setModel(m_proxy);
    theme::styleTable(m_table);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(SearchModel::ItemColumn, QHeaderView::Stretch);
    m_table->setColumnWidth(SearchModel::OrderIdColumn, 150);
    m_table->setColumnWidth(SearchModel::QuantityColumn, 110);
    m_table->setColumnWidth(SearchModel::StatusColumn, 130);
    m_table->setColumnWidth(SearchModel::TimeColumn, 190);
    // Newest first, like the API; clicking a header sorts the page by that column.
    m_table->horizontalHeader()->setSortIndicator(SearchModel::TimeColumn, Qt::DescendingOrder);
    m_table->setSortingEnabled(true);
    m_empty = new EmptyHint(m_table, tr("Search the order log: type an item and press Enter\n"
                                        "(leave it empty to list every order, newest first)."));
}

void SearchPage::connectSignals()
{
    connect(m_searchButton, &QPushButton::clicked, this, &SearchPage::search);
    connect(m_item, &QLineEdit::returnPressed, this, &SearchPage::search);
    connect(m_pageSize, &QComboBox::currentIndexChanged, this, [this] {
        if (m_searched)
            load(0);
    });
    // A new range or status searches again (from the first page) once a search was made.
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        const bool custom = m_range->currentData().toInt() == Custom;
        m_customFrom->setEnabled(custom);
        m_customTo->setEnabled(custom);
        if (m_searched)
            search();
    });
    for (QDateTimeEdit *e : {m_customFrom, m_customTo})
        connect(e, &QDateTimeEdit::editingFinished, this, [this] {
            if (m_searched)
                search();
        });
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, [this] {
        if (m_searched)
            search();
    });
    connect(m_prev, &QPushButton::clicked, this, [this] { load(qMax(0, m_from - pageSize())); });
    connect(m_next, &QPushButton::clicked, this, [this] { load(m_from + pageSize()); });
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        emit openOrderRequested(index.data(SearchModel::OrderIdRole).toLongLong());
    });
}

int SearchPage::pageSize() const
{
    return m_pageSize->currentData().toInt();
}

void SearchPage::search()
{
    m_filter = currentFilter();
    m_searched = true;
    if (m_filter.from.isValid() && m_filter.to.isValid() && m_filter.from >= m_filter.to) {
        m_status->setText(tr("The range ends before it starts: choose a \"from\" before the \"to\"."));
        m_status->setStyleSheet(QStringLiteral("color: #c62828;"));
        return;
    }
    load(0);
    loadStats();
}

void SearchPage::loadStats()
{
    const quint64 generation = ++m_statsGeneration;
    m_statsBusy = true;
    m_interval = OrderStats::intervalFor(m_filter.from.msecsTo(m_filter.to));
    m_totals->setText(tr("Counting…"));
    m_api->stats(m_filter, m_interval, this, [this, generation](const ApiReply &reply) {
        if (generation != m_statsGeneration)
            return;
        m_statsBusy = false;
        QString error;
        const std::optional<OrderStats> stats = reply.ok() ? OrderStats::fromJson(reply.body, &error) : std::nullopt;
        if (!stats) {
            const QString why = reply.ok() ? error : reply.summary();
            m_histogram->setMessage(tr("No histogram: %1").arg(why));
            m_totals->setText(QString());
            emit statsFinished(false);
            return;
        }
        m_histogram->setStats(*stats);
        m_totals->setText(tr("Orders in the range: %1 · confirmed %2 · failed %3 · created %4 · one bar per %5")
                              .arg(display::number(stats->total), display::number(stats->confirmed),
                                   display::number(stats->failed), display::number(stats->created), stats->interval));
        emit statsFinished(true);
    });
}

void SearchPage::reload()
{
    if (!m_searched)
        search();
    else
        load(m_from);
}

void SearchPage::load(int from)
{
    const quint64 generation = ++m_generation; // a newer request makes older answers stale
    m_busy = true;
    const int size = pageSize();
    m_status->setText(tr("Searching…"));
    m_status->setStyleSheet(QString());
    updatePager();
    m_api->search(m_filter, size, from, this, [this, generation, from, size](const ApiReply &reply) {
        if (generation != m_generation)
            return;
        m_busy = false;
        if (!reply.ok()) {
            if (m_model->rowCount() == 0)
                m_empty->setText(tr("The search API did not answer as expected."));
            m_status->setText(tr("Search failed: %1").arg(reply.summary()));
            m_status->setStyleSheet(QStringLiteral("color: #c62828;"));
            updatePager();
            emit searchFinished(false);
            return;
        }
        QString error;
        int skipped = 0;
        const QList<OrderRow> rows = OrderRow::listFromJson(reply.body, &error, &skipped);
        if (!error.isEmpty()) {
            m_status->setText(tr("Search failed: %1").arg(error));
            m_status->setStyleSheet(QStringLiteral("color: #c62828;"));
            updatePager();
            emit searchFinished(false);
            return;
        }
        m_from = from;
        m_lastPageFull = rows.size() >= size;
        m_empty->setText(from == 0 ? tr("No orders match \"%1\".").arg(m_filter.item)
                                   : tr("No more orders: this is past the last page."));
        m_model->setRows(rows);
        // Counts read "Orders: 3" rather than "3 orders": the same words fit 1 and many,
        // in English and in Vietnamese (which has no plural).
        const QString elapsed = display::number(reply.elapsedMs);
        QString text = rows.isEmpty()
            ? (from == 0 ? tr("No orders match \"%1\".").arg(m_filter.item) : tr("No more orders."))
            : m_filter.item.isEmpty() ? tr("Orders: %1, any item, in %2 ms").arg(display::number(rows.size()), elapsed)
                                : tr("Orders: %1 for \"%2\" in %3 ms").arg(display::number(rows.size()), m_filter.item, elapsed);
        if (skipped > 0)
            text += QLatin1Char(' ') + tr("(unreadable, skipped: %1)").arg(display::number(skipped));
        m_status->setText(text);
        updatePager();
        emit searchFinished(true);
    });
}

void SearchPage::updatePager()
{
    const int n = m_model->rowCount();
    m_pageLabel->setText(n == 0 ? QStringLiteral("—")
                                : tr("orders %1–%2").arg(display::number(m_from + 1), display::number(m_from + n)));
    m_prev->setEnabled(!m_busy && m_from > 0);
    m_next->setEnabled(!m_busy && m_lastPageFull);
    m_searchButton->setEnabled(true);
}
