// orderdialog.h: one order's full status from GET /orders/{id}: status pill, its journey
// (each hop's time and the gap before it, drawn as steps, and the trace id), the known
// fields first, then everything else the API returned, and the raw JSON.
// Non-modal; loads asynchronously and can be refreshed while the order progresses.
#pragma once

#include <QDialog>

class ApiClient;
class JourneyView;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTreeWidget;
struct ApiReply;

class OrderDialog : public QDialog
{
    Q_OBJECT
public:
    OrderDialog(ApiClient *api, qint64 orderId, QWidget *parent = nullptr);

    qint64 orderId() const { return m_orderId; }
    void refresh();
    bool isLoading() const { return m_loading; }
    /// The status the API reported ("confirmed", ...), empty before an answer.
    QString status() const { return m_status; }
    JourneyView *journeyView() const { return m_journey; }
    /// The tab shown first: the journey.
    enum Tab { JourneyTab, StatusTab, RawTab };

signals:
    void loaded(bool ok);

private:
    void showReply(const ApiReply &reply);

    ApiClient *m_api;
    qint64 m_orderId;
    QLabel *m_title;
    QLabel *m_state;
    QLabel *m_message;
    QTabWidget *m_tabs;
    JourneyView *m_journey;
    QLineEdit *m_traceId;
    QTreeWidget *m_fields;
    QPlainTextEdit *m_raw;
    QPushButton *m_refresh;
    QString m_status;
    bool m_loading = false;
};
