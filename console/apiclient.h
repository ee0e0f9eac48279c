// apiclient.h: every HTTP call the console makes, all asynchronous through one
// QNetworkAccessManager with a transfer timeout on every request, so that a service
// that is down or hangs shows up as an error in the UI and never as a frozen window.
#pragma once

#include "apireply.h"
#include "consolesettings.h"

#include <QDateTime>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <functional>

/// The filters the Search tab applies to both GET /search and GET /stats: item (full
/// text), status (created | confirmed | failed; empty: any) and the creation time, from
/// inclusive, to exclusive (invalid: unbounded).
struct OrderLogFilter
{
    QString item;
    QString status;
    QDateTime from;
    QDateTime to;

    bool operator==(const OrderLogFilter &) const = default;
};

class ApiClient : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const ApiReply &)>;

    explicit ApiClient(const ConsoleSettings &settings, QObject *parent = nullptr);

    void setSettings(const ConsoleSettings &settings) { m_settings = settings; }
    const ConsoleSettings &settings() const { return m_settings; }

    /// POST <order>/create_order with the bearer token when one is set.
    void createOrder(const QJsonObject &body, QObject *context, Callback done);
    /// GET <order>/orders/{id}.
    void fetchOrder(qint64 orderId, QObject *context, Callback done);
    /// GET <search>/search?item=&size=&from= (item omitted when empty).
    void search(const QString &item, int size, int from, QObject *context, Callback done)
    {
        search(OrderLogFilter{item, {}, {}, {}}, size, from, context, std::move(done));
    }
    /// GET <search>/search?item=&status=&from_time=&to_time=&size=&from= (empty filters omitted).
    void search(const OrderLogFilter &filter, int size, int from, QObject *context, Callback done);
    /// GET <search>/stats?interval=&from=&to=&status=&item=: orders per interval by status.
    void stats(const OrderLogFilter &filter, const QString &interval, QObject *context, Callback done);
    /// GET <notifier>/kafka/topics and /kafka/lag (notifier-service's last look at Kafka).
    void kafkaTopics(QObject *context, Callback done);
    void kafkaLag(QObject *context, Callback done);
    /// GET <notifier>/kafka/tail?topic=&n=: the last n records of a topic, read-only.
    void kafkaTail(const QString &topic, int n, QObject *context, Callback done);
    /// GET any URL (health checks) with its own timeout.
    void get(const QUrl &url, int timeoutMs, QObject *context, Callback done);

    /// Requests started and not yet finished (for tests and the status bar).
    int pending() const { return m_pending; }

private:
    void send(QNetworkReply *reply, int timeoutMs, QObject *context, Callback done);
    QNetworkRequest request(const QUrl &url, int timeoutMs) const;

    ConsoleSettings m_settings;
    QNetworkAccessManager m_nam;
    int m_pending = 0;
};
