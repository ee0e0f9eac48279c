// feedwatcher.cpp: live feed matching (see feedwatcher.h).
#include "feedwatcher.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QWebSocket>

FeedWatcher::FeedWatcher(const QUrl &url, QObject *parent)
    : QObject(parent)
    , m_url(url)
    , m_socket(new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this))
{
    connect(m_socket, &QWebSocket::connected, this, [this] {
        m_open = true;
        emit opened();
    });
    connect(m_socket, &QWebSocket::disconnected, this, [this] {
        const bool was = m_open;
        m_open = false;
        emit failed(was ? QStringLiteral("the feed %1 closed during the run").arg(m_url.toString())
                        : QStringLiteral("cannot open the feed %1: %2").arg(m_url.toString(), m_socket->errorString()));
    });
    connect(m_socket, &QWebSocket::textMessageReceived, this, &FeedWatcher::onMessage);
}

void FeedWatcher::open()
{
    m_socket->open(m_url);
}

void FeedWatcher::orderSent(qint64 orderId, qint64 atNs)
{
    Track &t = m_tracks[orderId];
    t.sentNs = atNs;
}

void FeedWatcher::orderAnswered(qint64 orderId, int status, qint64)
{
    auto it = m_tracks.find(orderId);
    if (it == m_tracks.end())
        return;
    it->status = status;
    if (status >= 200 && status < 300 && it->notes == 0)
        ++m_acceptedWaiting;
}

void FeedWatcher::onMessage(const QString &text)
{
    const qint64 now = monotonicNs();
    const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
    if (o.value(QLatin1String("backlog")).toBool())
        return;
    const qint64 id = qint64(o.value(QLatin1String("order_id")).toDouble());
    auto it = m_tracks.find(id);
    if (it == m_tracks.end())
        return; // someone else's order
    if (++it->notes == 1) {
        it->noteNs = now;
        it->confirmed = o.value(QLatin1String("status")).toString() == QLatin1String("confirmed");
        if (it->status >= 200 && it->status < 300)
            --m_acceptedWaiting;
    }
    ++m_notifications;
    if (m_firstNoteNs == 0)
        m_firstNoteNs = now;
    m_lastNoteNs = now;
}

FeedWatcher::Summary FeedWatcher::summarize() const
{
    Summary s;
    for (const Track &t : m_tracks) {
        const bool accepted = t.status >= 200 && t.status < 300;
        if (accepted)
            ++s.accepted;
        if (t.notes > 1)
            ++s.duplicated;
        if (t.notes == 0) {
            if (accepted)
                ++s.none;
            continue;
        }
        if (!accepted)
            ++s.unexpected;
        else if (t.notes == 1)
            ++s.exactlyOnce;
        (t.confirmed ? s.confirmed : s.failed) += 1;
        s.latency.add(t.noteNs - t.sentNs);
    }
    return s;
}
