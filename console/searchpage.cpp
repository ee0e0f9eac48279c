#include "searchpage.h"

#include "apiclient.h"
#include "emptyhint.h"
#include "orderrow.h"
#include "searchmodel.h"
#include "theme.h"

#include <QComboBox>
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
    QLayout *pager = buildPager();
    buildTable();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 16);
    layout->setSpacing(10);
    layout->addLayout(top);
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
    m_query = m_item->text().trimmed();
    m_searched = true;
    load(0);
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
    m_api->search(m_query, size, from, this, [this, generation, from, size](const ApiReply &reply) {
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
        m_empty->setText(from == 0 ? tr("No orders match \"%1\".").arg(m_query)
                                   : tr("No more orders: this is past the last page."));
        m_model->setRows(rows);
        // Counts read "Orders: 3" rather than "3 orders": the same words fit 1 and many,
        // in English and in Vietnamese (which has no plural).
        const QString elapsed = display::number(reply.elapsedMs);
        QString text = rows.isEmpty()
            ? (from == 0 ? tr("No orders match \"%1\".").arg(m_query) : tr("No more orders."))
            : m_query.isEmpty() ? tr("Orders: %1, any item, in %2 ms").arg(display::number(rows.size()), elapsed)
                                : tr("Orders: %1 for \"%2\" in %3 ms").arg(display::number(rows.size()), m_query, elapsed);
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
