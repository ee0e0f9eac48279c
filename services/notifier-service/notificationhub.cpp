// notificationhub.cpp: WebSocket clients, backlog and live fan-out (see notificationhub.h).
#include "notificationhub.h"

#include "lab/runtime/metrics.h"

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

NotificationHub::NotificationHub(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_recent(m_options.dedupeWindow)
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
    qCInfo(lcHub, "WebSocket client %llu connected from %s (origin \"%s\"), %d connected, %lld in its backlog", id,
           qPrintable(peer), qPrintable(socket->origin()), clientCount(), qlonglong(m_backlog.size()));
    // The backlog and the live stream are one sequence cut at this point: everything
    // delivered so far (its newest part) now, everything after it live.
    for (lab::Notification n : std::as_const(m_backlog)) {
        if (client->closing)
            return;
        n.backlog = true;
        send(*client, n.toJson());
    }
}

void NotificationHub::keepForBacklog(const lab::Notification &notification)
{
    // Ordered by notified_at: the recent records read at start come partition by
    // partition, live ones nearly in order (so the insertion point is near the end).
    qsizetype at = m_backlog.size();
    while (at > 0 && m_backlog[at - 1].notifiedAt > notification.notifiedAt)
        --at;
    m_backlog.insert(at, notification);
    m_backlog[at].backlog = false;
    while (m_backlog.size() > qMax(0, m_options.backlogSize))
        m_backlog.removeFirst();
}

bool NotificationHub::deliver(const lab::Notification &notification)
{
    if (!m_recent.insert(notification.orderId, notification.createdAt.toMSecsSinceEpoch())) {
        lab::Metrics::instance().increment(QStringLiteral("lab_notifications_duplicates_total"),
                                           QStringLiteral("Republished notifications not sent again."));
        qCDebug(lcHub, "order %lld was delivered already; not sending it again", notification.orderId);
        return false;
    }
    keepForBacklog(notification);
    lab::Notification live = notification;
    live.backlog = false;
    const QByteArray json = live.toJson();
    // Copy: send() may close a client, which edits m_clients.
    const auto clients = m_clients.values();
    for (const auto &c : clients)
        if (!c->closing)
            send(*c, json);
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
