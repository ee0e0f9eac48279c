// notificationhub.h: the WebSocket side of notifier-service. Every client connected to
// this instance's /ws gets
//  1. the backlog: notifications:recent from Redis, oldest first, each marked
//     "backlog": true (so a page opened late still shows what happened), then
//  2. every notification live, one JSON text message each (lab::Notification), in the
//     order this instance receives them from the order.notification fan-out.
// deliver() drops an order_id seen lately (RecentIds), so a notification republished
// after a crash reaches no client twice; a live notification that the client already
// got in its backlog is not sent again either.
// Protection: a client whose unsent bytes exceed maxQueueBytes is closed (1008, policy
// violation) instead of growing memory; binary or oversized client messages close the
// connection; small text messages are ignored; any path but /ws is closed at once
// (1008). Origins are checked before the handshake, by HttpService's request guard
// (lab::AccessPolicy): a foreign page's upgrade gets 403 and never reaches the hub.
#pragma once

#include "recentids.h"

#include "lab/eventworker.h"
#include "lab/events.h"
#include "lab/names.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <memory>

class QWebSocket;

namespace lab {
class RedisClient;
}

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
        int maxPendingLive = 10000;              ///< live messages held while a backlog loads
    };

    NotificationHub(lab::Names names, lab::RedisClient *redis, Options options, QObject *parent = nullptr);
    ~NotificationHub() override;

    /// Takes ownership of a freshly upgraded WebSocket.
    void addClient(QWebSocket *socket);
    /// Fans a notification out to every client, unless its order was delivered lately.
    /// Returns false for such a duplicate.
    bool deliver(const lab::Notification &notification);
    /// An EventWorker::Handler for the order.notification fan-out: deliver() and
    /// acknowledge at once (malformed records are dropped).
    void handleRecord(const lab::KafkaMessage &message, lab::EventWorker::Finish finish);
    /// Closes every client (1001, going away), e.g. on shutdown.
    void closeAll();

    int clientCount() const { return int(m_clients.size()); }

signals:
    void clientCountChanged(int count);

private:
    struct Client;
    void loadBacklog(quint64 id);
    void send(Client &client, const QByteArray &json);
    void drop(quint64 id, int closeCode, const QString &reason);
    void removeClient(quint64 id);
    void updateGauge();

    lab::Names m_names;
    lab::RedisClient *m_redis;
    Options m_options;
    RecentIds m_recent;
    quint64 m_nextId = 1;
    QHash<quint64, std::shared_ptr<Client>> m_clients;
};

} // namespace notifier
