// feedclient.h: the console's connection to the notifier's WebSocket (ws://HOST:8000/ws).
// Reconnects on its own with exponential backoff, gives up on a connect that hangs, and
// detects a dead peer with pings, so the live feed either flows or says why it does not.
#pragma once

#include "reconnectbackoff.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QWebSocket;

class FeedClient : public QObject
{
    Q_OBJECT
public:
    enum class State { Stopped, Connecting, Connected, WaitingToReconnect };
    Q_ENUM(State)

    explicit FeedClient(QObject *parent = nullptr);
    ~FeedClient() override;

    /// Sets the URL and (re)connects if started.
    void setUrl(const QUrl &url);
    QUrl url() const { return m_url; }

    void start();
    void stop();
    /// Drops the current connection (if any) and connects again at once.
    void reconnectNow();

    State state() const { return m_state; }
    /// "connected", "connecting…", "reconnecting in 4 s (attempt 3)", with the last error.
    QString stateText() const;
    QString lastError() const { return m_lastError; }
    int attempts() const { return m_backoff.attempts(); }
    int connections() const { return m_connections; } ///< successful connects so far
    int retryInMs() const;

    void setConnectTimeoutMs(int ms) { m_connectTimeout.setInterval(ms); }
    void setBackoff(const ReconnectBackoff &backoff) { m_backoff = backoff; }

signals:
    void stateChanged(FeedClient::State state);
    void messageReceived(const QByteArray &message);

private:
    void openSocket();
    void onConnected();
    void onDisconnected(QWebSocket *socket);
    void scheduleReconnect();
    void setState(State state);
    void dropSocket();

    QUrl m_url;
    QPointer<QWebSocket> m_socket;
    State m_state = State::Stopped;
    ReconnectBackoff m_backoff{500, 15000, 0.2};
    QTimer m_retryTimer;
    QTimer m_connectTimeout;
    QTimer m_pingTimer;
    qint64 m_lastPongMs = 0;
    qint64 m_lastPingMs = 0;
    QString m_lastError;
    int m_connections = 0;
};
