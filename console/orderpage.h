// orderpage.h: the "New order" tab: a form whose checks mirror POST /create_order, the
// API's answer shown plainly (status code, message, offending field), and the orders
// sent this session with their outcome as the live feed reports it.
#pragma once

#include <QWidget>

class ApiClient;
class QFrame;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
struct ApiReply;
struct FeedEntry;

class OrderPage : public QWidget
{
    Q_OBJECT
public:
    explicit OrderPage(ApiClient *api, QWidget *parent = nullptr);

    /// The live feed decided an order: update its row in the session list.
    void noteOutcome(const FeedEntry &entry);
    bool isBusy() const { return m_busy; }
    /// The endpoints changed: refresh the "where orders go" note if nothing was sent yet.
    void settingsChanged();

signals:
    /// The API accepted an order (2xx).
    void orderAccepted(qint64 orderId);
    void openOrderRequested(qint64 orderId);

private:
    QWidget *buildForm();
    QWidget *buildResult();
    QWidget *buildHistory();
    void connectSignals();
    void revalidate();
    void submit();
    void finished(qint64 orderId, const QString &item, qint64 quantity, const ApiReply &reply);
    void setResult(const QString &kind, const QString &title, const QString &detail);
    void markField(const QString &field);
    int historyRow(qint64 orderId) const;

    ApiClient *m_api;
    QLineEdit *m_orderId;
    QPushButton *m_randomId;
    QLineEdit *m_item;
    QLabel *m_itemCount;
    QSpinBox *m_quantity;
    QPushButton *m_submit;
    QLabel *m_hint;
    QFrame *m_result;
    QLabel *m_resultTitle;
    QLabel *m_resultDetail;
    QTableWidget *m_history;
    bool m_busy = false;
    qint64 m_lastAccepted = 0;
};
