// searchpage.h: the "Search" tab, the order-log explorer operators used Kibana Discover
// for: a time range (last 15 min … 7 days, or custom) and a status filter applied to both
// the list (GET /search with item, status, from_time, to_time into a sortable table, paged
// with previous/next) and a time histogram of the orders by status above it (GET /stats,
// an interval giving about 30-120 buckets) with the range's totals. Double-clicking an
// order opens its full status and journey.
#pragma once

#include "apiclient.h"

#include <QWidget>

class ApiClient;
class OrderHistogram;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class EmptyHint;
class QLayout;
class SearchModel;

class SearchPage : public QWidget
{
    Q_OBJECT
public:
    explicit SearchPage(ApiClient *api, QWidget *parent = nullptr);

    /// Runs the search from the first page.
    void search();
    /// Runs the current page again (same item, size, from).
    void reload();
    bool isBusy() const { return m_busy; }
    int from() const { return m_from; }
    int pageSize() const;
    /// The filter of the list and histogram shown (the range resolved when searched).
    const OrderLogFilter &filter() const { return m_filter; }
    /// The histogram's interval for that range ("30s", ...).
    QString interval() const { return m_interval; }
    bool isStatsBusy() const { return m_statsBusy; }
    OrderHistogram *histogram() const { return m_histogram; }

    /// The time-range presets, in the order of the combo box; Custom uses the date edits.
    enum Range { Last15Minutes, LastHour, Last6Hours, Last24Hours, Last7Days, Custom };
    static qint64 rangeMs(Range range);
    SearchModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }

signals:
    void openOrderRequested(qint64 orderId);
    /// A page arrived (or failed); for tests and the status bar.
    void searchFinished(bool ok);
    /// The histogram's answer arrived (or failed).
    void statsFinished(bool ok);

private:
    QLayout *buildQueryRow();
    QLayout *buildPager();
    QLayout *buildFilterRow();
    OrderLogFilter currentFilter() const;
    void loadStats();
    void buildTable();
    void connectSignals();
    void load(int from);
    void updatePager();

    ApiClient *m_api;
    QLineEdit *m_item;
    QPushButton *m_searchButton;
    QComboBox *m_pageSize;
    QComboBox *m_range;
    QDateTimeEdit *m_customFrom;
    QDateTimeEdit *m_customTo;
    QComboBox *m_statusFilter;
    QLabel *m_totals;
    OrderHistogram *m_histogram;
    QPushButton *m_prev;
    QPushButton *m_next;
    QLabel *m_pageLabel;
    QLabel *m_status;
    QTableView *m_table;
    SearchModel *m_model;
    QSortFilterProxyModel *m_proxy;
    EmptyHint *m_empty;
    OrderLogFilter m_filter; ///< the filter of the page shown
    QString m_interval;
    int m_from = 0;
    bool m_busy = false;
    bool m_searched = false;
    bool m_lastPageFull = false;
    quint64 m_generation = 0;
    quint64 m_statsGeneration = 0;
    bool m_statsBusy = false;
};
