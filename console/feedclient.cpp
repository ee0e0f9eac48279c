#include "feedclient.h"

#include <QDateTime>
#include <QLocale>
#include <QLoggingCategory>
#include <QWebSocket>

Q_LOGGING_CATEGORY(lcFeed, "lab.console.feed", QtInfoMsg)

namespace {
constexpr int PingIntervalMs = 10000;
/// No pong for this long after a ping: the peer is gone without a FIN (cable, NAT, hang).
constexpr int PongTimeoutMs = 25000;
}

FeedClient::FeedClient(QObject *parent)
    : QObject(parent)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &FeedClient::openSocket);

    m_connectTimeout.setSingleShot(true);
    m_connectTimeout.setInterval(5000);
    connect(&m_connectTimeout, &QTimer::timeout, this, [this] {
        m_lastError = tr("no WebSocket handshake within %1 s").arg(QLocale().toString(m_connectTimeout.interval() / 1000.0));
        if (m_socket)
            m_socket->abort(); // ends in onDisconnected -> scheduleReconnect
    });

    m_pingTimer.setInterval(PingIntervalMs);
    connect(&m_pingTimer, &QTimer::timeout, this, [this] {
        if (!m_socket)
            return;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (m_lastPingMs > m_lastPongMs && now - m_lastPongMs > PongTimeoutMs) {
            m_lastError = tr("the notifier stopped answering pings");
            m_socket->abort();
            return;
        }
        m_lastPingMs = now;
        m_socket->ping();
    });
}

FeedClient::~FeedClient()
{
    // No signals into a half-destroyed object.
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        delete m_socket;
    }
}

void FeedClient::setUrl(const QUrl &url)
{
    if (url == m_url)
        return;
    m_url = url;
    if (m_state != State::Stopped)
        reconnectNow();
}

void FeedClient::start()
{
    if (m_state != State::Stopped)
        return;
    m_backoff.reset();
    openSocket();
}

void FeedClient::stop()
{
    m_retryTimer.stop();
    m_connectTimeout.stop();
    m_pingTimer.stop();
    dropSocket();
    setState(State::Stopped);
}

void FeedClient::reconnectNow()
{
    m_retryTimer.stop();
    dropSocket();
    m_backoff.reset();
    openSocket();
}

int FeedClient::retryInMs() const
{
    return m_retryTimer.isActive() ? m_retryTimer.remainingTime() : 0;
}

QString FeedClient::stateText() const
{
    switch (m_state) {
    case State::Stopped:
        return tr("stopped");
    case State::Connecting:
        return m_backoff.attempts() > 0 ? tr("connecting… (attempt %1)").arg(m_backoff.attempts() + 1)
                                        : tr("connecting…");
    case State::Connected:
        return tr("connected");
    case State::WaitingToReconnect: {
        const double secs = (m_retryTimer.isActive() ? m_retryTimer.remainingTime() : 0) / 1000.0;
        QString s = tr("disconnected, retrying in %1 s (attempt %2)")
                        .arg(QLocale().toString(secs, 'f', secs < 10 ? 1 : 0))
                        .arg(m_backoff.attempts() + 1);
        if (!m_lastError.isEmpty())
            s += QStringLiteral(": ") + m_lastError;
        return s;
    }
    }
    return {};
}

void FeedClient::openSocket()
{
    dropSocket();
    if (!m_url.isValid()) {
        m_lastError = tr("no notifier URL configured");
        scheduleReconnect();
        return;
    }
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket = socket;
    connect(socket, &QWebSocket::connected, this, [this, socket] {
        if (socket == m_socket)
            onConnected();
    });
    // Queued: a refused connect reports its error after the state change, and a failed
    // connect never emits disconnected(); both paths end in onDisconnected() once.
    const QPointer<QWebSocket> guard(socket);
    connect(socket, &QWebSocket::disconnected, this, [this, guard] {
        if (guard)
            onDisconnected(guard);
    }, Qt::QueuedConnection);
    connect(socket, &QWebSocket::stateChanged, this, [this, guard](QAbstractSocket::SocketState s) {
        if (guard && s == QAbstractSocket::UnconnectedState)
            onDisconnected(guard);
    }, Qt::QueuedConnection);
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this, socket](QAbstractSocket::SocketError) {
        if (socket == m_socket)
            m_lastError = socket->errorString();
    });
    connect(socket, &QWebSocket::textMessageReceived, this, [this, socket](const QString &message) {
        if (socket == m_socket)
            emit messageReceived(message.toUtf8());
    });
    connect(socket, &QWebSocket::pong, this, [this, socket](quint64, const QByteArray &) {
        if (socket == m_socket)
            m_lastPongMs = QDateTime::currentMSecsSinceEpoch();
    });
    m_lastError.clear();
    setState(State::Connecting);
    m_connectTimeout.start();
    qCDebug(lcFeed) << "connecting to" << m_url;
    socket->open(m_url);
}

void FeedClient::onConnected()
{
    m_connectTimeout.stop();
    m_backoff.reset();
    m_lastError.clear();
    ++m_connections;
    m_lastPongMs = m_lastPingMs = QDateTime::currentMSecsSinceEpoch();
    m_pingTimer.start();
    qCDebug(lcFeed) << "connected to" << m_url;
    setState(State::Connected);
}

void FeedClient::onDisconnected(QWebSocket *socket)
{
    if (socket != m_socket)
        return; // an old socket we already dropped
    m_connectTimeout.stop();
    m_pingTimer.stop();
    if (m_lastError.isEmpty()) {
        if (!socket->closeReason().isEmpty())
            m_lastError = socket->closeReason();
        else if (socket->error() != QAbstractSocket::UnknownSocketError)
            m_lastError = socket->errorString();
        else
            m_lastError = tr("connection closed");
    }
    m_socket = nullptr;
    socket->deleteLater();
    if (m_state != State::Stopped)
        scheduleReconnect();
}

void FeedClient::scheduleReconnect()
{
    const int delay = m_backoff.nextDelayMs();
    m_retryTimer.start(delay);
    qCDebug(lcFeed) << "reconnecting in" << delay << "ms:" << m_lastError;
    setState(State::WaitingToReconnect);
}

void FeedClient::dropSocket()
{
    if (!m_socket)
        return;
    QWebSocket *socket = m_socket;
    m_socket = nullptr; // its disconnected() is now ignored
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
    m_connectTimeout.stop();
    m_pingTimer.stop();
}

void FeedClient::setState(State state)
{
    // WaitingToReconnect repeats with new numbers: always tell listeners.
    m_state = state;
    emit stateChanged(state);
}
