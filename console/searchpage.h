// searchpage.h: the "Search" tab: GET /search?item=&size=&from= into a sortable table,
// paged with previous/next; double-clicking an order opens its full status.
#pragma once

#include <QWidget>

class ApiClient;
class QComboBox;
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
    SearchModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }

signals:
    void openOrderRequested(qint64 orderId);
    /// A page arrived (or failed); for tests and the status bar.
    void searchFinished(bool ok);

private:
    QLayout *buildQueryRow();
    QLayout *buildPager();
    void buildTable();
    void connectSignals();
    void load(int from);
    void updatePager();

    ApiClient *m_api;
    QLineEdit *m_item;
    QPushButton *m_searchButton;
    QComboBox *m_pageSize;
    QPushButton *m_prev;
    QPushButton *m_next;
    QLabel *m_pageLabel;
    QLabel *m_status;
    QTableView *m_table;
    SearchModel *m_model;
    QSortFilterProxyModel *m_proxy;
    EmptyHint *m_empty;
    QString m_query;       ///< the item of the page shown
    int m_from = 0;
    bool m_busy = false;
    bool m_searched = false;
    bool m_lastPageFull = false;
    quint64 m_generation = 0;
};
