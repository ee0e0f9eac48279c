// notificationhub.h: the WebSocket side of notifier-service. Every client connected to
// this instance's /ws gets
//  1. the backlog: the last backlogSize notifications this hub delivered, oldest first
//     (by notified_at), each marked "backlog": true (so a page opened late still shows
//     what happened), then
//  2. every notification delivered after that, live, one JSON text message each
//     (lab::Notification), in the order this instance reads them from the
//     order.notification fan-out.
// Both come from the same stream in the same thread: the backlog is what the hub
// delivered before the client connected, the live messages what it delivers after, so
// each notification reaches a client once, in one or the other (main.cpp fills the
// backlog from Kafka's recent records before it lets clients connect).
// deliver() drops an order seen lately (RecentIds: its order_id and created_at), so a
// notification republished after a crash reaches no client twice.
// Protection: a client whose unsent bytes exceed maxQueueBytes is closed (1008, policy
// violation) instead of growing memory; binary or oversized client messages close the
// connection; small text messages are ignored; any path but /ws is closed at once
// (1008). Origins are checked before the handshake, by HttpService's request guard
// (lab::AccessPolicy): a foreign page's upgrade gets 403 and never reaches the hub.
#pragma once

#include "recentids.h"

#include "lab/contract/events.h"
#include "lab/kafka/eventworker.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QStringList>
#include <memory>

class QWebSocket;

namespace notifier {

class NotificationHub : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        qint64 maxQueueBytes = 1024 * 1024;      ///< unsent bytes per client before it is closed
        qint64 maxIncomingBytes = 4096;          ///< largest client message/frame accepted
        int dedupeWindow = 100000;               ///< order ids remembered for deduplication
        int backlogSize = 100;                   ///< notifications sent to a client on connect
    };

    explicit NotificationHub(Options options, QObject *parent = nullptr);
    ~NotificationHub() override;

    /// Takes ownership of a freshly upgraded WebSocket and sends it the backlog.
    void addClient(QWebSocket *socket);
    /// Fans a notification out to every client and keeps it for the backlog, unless its
    /// order was delivered lately. Returns false for such a duplicate.
    bool deliver(const lab::Notification &notification);
    /// An EventWorker::Handler for the order.notification fan-out: deliver() and
    /// acknowledge at once (malformed records are dropped).
    void handleRecord(const lab::KafkaMessage &message, lab::EventWorker::Finish finish);
    /// Closes every client (1001, going away), e.g. on shutdown.
    void closeAll();

    int clientCount() const { return int(m_clients.size()); }
    /// The backlog a client connecting now would get, oldest first.
    const QList<lab::Notification> &backlog() const { return m_backlog; }

signals:
    void clientCountChanged(int count);

private:
    struct Client;
    void keepForBacklog(const lab::Notification &notification);
    void send(Client &client, const QByteArray &json);
    void drop(quint64 id, int closeCode, const QString &reason);
    void removeClient(quint64 id);
    void updateGauge();

    Options m_options;
    RecentIds m_recent;
    QList<lab::Notification> m_backlog; ///< newest last, at most backlogSize
    quint64 m_nextId = 1;
    QHash<quint64, std::shared_ptr<Client>> m_clients;
};

} // namespace notifier
