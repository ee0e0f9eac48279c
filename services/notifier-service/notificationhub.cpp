// notificationhub.cpp: WebSocket clients, backlog and live fan-out (see notificationhub.h).
#include "notificationhub.h"

#include "lab/metrics.h"
#include "lab/outcomescripts.h"
#include "lab/redisclient.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QTimer>
#include <QWebSocket>

Q_LOGGING_CATEGORY(lcHub, "lab.notifier.ws")

namespace notifier {

struct NotificationHub::Client
{
    quint64 id = 0;
    QPointer<QWebSocket> socket;
    bool ready = false;                         ///< backlog sent: live messages go out at once
    QList<QPair<qint64, QByteArray>> pending;   ///< live messages held until then
    QSet<qint64> backlogIds;                    ///< orders the backlog covered
    bool closing = false;
};

namespace {

void countSent(int n = 1)
{
    lab::Metrics::instance().increment(QStringLiteral("lab_notifications_sent_total"),
                                       QStringLiteral("Notification messages written to WebSocket clients."),
                                       {}, n);
}

} // namespace

NotificationHub::NotificationHub(lab::Names names, lab::RedisClient *redis, Options options, QObject *parent)
    : QObject(parent), m_names(std::move(names)), m_redis(redis), m_options(std::move(options)),
      m_recent(m_options.dedupeWindow)
{
    updateGauge();
}

NotificationHub::~NotificationHub()
{
    for (const auto &c : std::as_const(m_clients))
        if (c->socket) {
            c->socket->disconnect(this);
            c->socket->abort();
            delete c->socket;
        }
}

void NotificationHub::addClient(QWebSocket *socket)
{
    socket->setParent(this);
    auto client = std::make_shared<Client>();
    client->id = m_nextId++;
    client->socket = socket;
    const quint64 id = client->id;
    m_clients.insert(id, client);
    updateGauge();

    const QString peer = QStringLiteral("%1:%2").arg(socket->peerAddress().toString()).arg(socket->peerPort());
    connect(socket, &QWebSocket::disconnected, this, [this, id] { removeClient(id); });

    const QString path = socket->requestUrl().path();
    if (path != QLatin1String("/ws")) {
        qCInfo(lcHub, "closing WebSocket from %s: unknown path %s", qPrintable(peer), qPrintable(path));
        drop(id, QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("unknown WebSocket path; use /ws"));
        return;
    }

    socket->setMaxAllowedIncomingFrameSize(quint64(m_options.maxIncomingBytes));
    socket->setMaxAllowedIncomingMessageSize(quint64(m_options.maxIncomingBytes));
    // Clients have nothing to tell us; small text (e.g. an application ping) is ignored.
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this, id](const QByteArray &) {
        drop(id, QWebSocketProtocol::CloseCodeDatatypeNotSupported, QStringLiteral("binary messages are not accepted"));
    });
    connect(socket, &QWebSocket::bytesWritten, this, [this, id] {
        const auto c = m_clients.value(id);
        if (c && c->socket && !c->closing && c->socket->bytesToWrite() > m_options.maxQueueBytes)
            drop(id, QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("client too slow"));
    });
    qCInfo(lcHub, "WebSocket client %llu connected from %s (origin \"%s\"), %d connected", id, qPrintable(peer),
           qPrintable(socket->origin()), clientCount());
    loadBacklog(id);
}

void NotificationHub::loadBacklog(quint64 id)
{
    QPointer<NotificationHub> self(this);
    lab::outcomes::recentNotifications(*m_redis, m_names,
                                       [self, id](const QList<lab::Notification> &recent, const QString &error) {
        if (!self)
            return;
        const auto client = self->m_clients.value(id);
        if (!client || client->closing)
            return;
        if (!error.isEmpty())
            qCWarning(lcHub, "no backlog for client %llu: %s", id, qPrintable(error));
        for (lab::Notification n : recent) {
            if (client->closing)
                return;
            n.backlog = true;
            client->backlogIds.insert(n.orderId);
            self->send(*client, n.toJson());
        }
        client->ready = true;
        const auto pending = std::move(client->pending);
        client->pending.clear();
        for (const auto &[orderId, json] : pending) {
            if (client->closing)
                return;
            if (!client->backlogIds.contains(orderId))
                self->send(*client, json);
        }
    });
}

bool NotificationHub::deliver(const lab::Notification &notification)
{
    if (!m_recent.insert(notification.orderId)) {
        lab::Metrics::instance().increment(QStringLiteral("lab_notifications_duplicates_total"),
                                           QStringLiteral("Republished notifications not sent again."));
        qCDebug(lcHub, "order %lld was delivered already; not sending it again", notification.orderId);
        return false;
    }
    lab::Notification live = notification;
    live.backlog = false;
    const QByteArray json = live.toJson();
    // Copy: send() may close a client, which edits m_clients.
    const auto clients = m_clients.values();
    for (const auto &c : clients) {
        if (c->closing)
            continue;
        if (!c->ready) {
            if (c->pending.size() >= m_options.maxPendingLive) {
                drop(c->id, QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("client too slow"));
                continue;
            }
            c->pending.append({notification.orderId, json});
            continue;
        }
        if (c->backlogIds.contains(notification.orderId))
            continue;
        send(*c, json);
    }
    return true;
}

void NotificationHub::handleRecord(const lab::KafkaMessage &message, lab::EventWorker::Finish finish)
{
    const auto n = lab::Notification::fromJson(message.value);
    if (!n.ok()) {
        finish(lab::EventWorker::Result::dropped(QStringLiteral("malformed"),
                                                 QStringLiteral("not an order.notification: %1").arg(n.error)));
        return;
    }
    deliver(*n.value);
    finish(lab::EventWorker::Result::ack());
}

void NotificationHub::send(Client &client, const QByteArray &json)
{
    if (!client.socket || client.closing)
        return;
    client.socket->sendTextMessage(QString::fromUtf8(json));
    countSent();
    if (client.socket->bytesToWrite() > m_options.maxQueueBytes)
        drop(client.id, QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("client too slow"));
}

void NotificationHub::drop(quint64 id, int closeCode, const QString &reason)
{
    const auto client = m_clients.value(id);
    if (!client || client->closing)
        return;
    client->closing = true;
    client->pending.clear();
    qCInfo(lcHub, "closing WebSocket client %llu (%d): %s", id, closeCode, qPrintable(reason));
    if (client->socket) {
        client->socket->close(QWebSocketProtocol::CloseCode(closeCode), reason);
        // A client that does not finish the closing handshake is cut after a while.
        QPointer<QWebSocket> socket = client->socket;
        QTimer::singleShot(5000, this, [socket] {
            if (socket)
                socket->abort();
        });
    }
}

void NotificationHub::removeClient(quint64 id)
{
    const auto client = m_clients.take(id);
    if (!client)
        return;
    if (client->socket)
        client->socket->deleteLater();
    qCInfo(lcHub, "WebSocket client %llu disconnected, %d connected", id, clientCount());
    updateGauge();
}

void NotificationHub::closeAll()
{
    const auto ids = m_clients.keys();
    for (quint64 id : ids)
        drop(id, QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("server shutting down"));
}

void NotificationHub::updateGauge()
{
    lab::Metrics::instance().setGauge(QStringLiteral("lab_ws_clients"),
                                      QStringLiteral("WebSocket clients connected to this instance."), clientCount());
    emit clientCountChanged(clientCount());
}

} // namespace notifier
