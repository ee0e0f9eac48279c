// livefeedpage.h: the "Live feed" tab: every order outcome the notifier pushes over its
// WebSocket, newest first, filterable by status and text, with the connection state
// always visible (and a button to reconnect at once).
#pragma once

#include "feedclient.h"

#include <QTimer>
#include <QWidget>

class EmptyHint;
class QLayout;
class FeedFilter;
class FeedModel;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

class LiveFeedPage : public QWidget
{
    Q_OBJECT
public:
    LiveFeedPage(FeedModel *model, FeedClient *client, QWidget *parent = nullptr);

    /// How a state of the live feed looks wherever it is shown (this page's pill, the
    /// main window's status bar and tab): a theme colour, a symbol and a word.
    struct StateLook
    {
        const char *color;
        QString symbol;
        QString word;
    };
    static StateLook stateLook(FeedClient::State state);

    FeedFilter *filter() const { return m_filter; }
    QTableView *table() const { return m_table; }

signals:
    void openOrderRequested(qint64 orderId);

private:
    QLayout *buildStateRow();
    QLayout *buildFilterRow();
    void buildTable();
    void connectSignals();
    void updateState();
    void updateCounts();

    FeedModel *m_model;
    FeedClient *m_client;
    FeedFilter *m_filter;
    QLabel *m_state;
    QLabel *m_detail;
    QPushButton *m_reconnect;
    QComboBox *m_statusFilter;
    QLineEdit *m_text;
    QPushButton *m_clear;
    QLabel *m_counts;
    QTableView *m_table;
    EmptyHint *m_empty;
    QTimer m_tick;
};
