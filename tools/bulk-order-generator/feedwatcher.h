// feedwatcher.h: --watch. Holds one WebSocket on the notifier's live feed and matches
// every live notification (backlog frames are skipped) to the orders this run sent,
// so that the run can report POST -> notification latency and check that every
// accepted order got exactly one notification.
#pragma once

#include "stats.h"

#include <QHash>
#include <QObject>
#include <QUrl>

class QWebSocket;

class FeedWatcher : public QObject
{
    Q_OBJECT
public:
    explicit FeedWatcher(const QUrl &url, QObject *parent = nullptr);

    void open();
    bool isOpen() const { return m_open; }

    /// Slots fed by HttpLoad.
    void orderSent(qint64 orderId, qint64 atNs);
    void orderAnswered(qint64 orderId, int status, qint64 atNs);

    qint64 notifications() const { return m_notifications; }  ///< live frames for our orders
    qint64 acceptedWaiting() const { return m_acceptedWaiting; } ///< 2xx orders not notified yet
    qint64 lastNotificationNs() const { return m_lastNoteNs; }
    qint64 firstNotificationNs() const { return m_firstNoteNs; }

    struct Summary
    {
        qint64 accepted = 0;     ///< answered 2xx
        qint64 exactlyOnce = 0;  ///< accepted, one notification
        qint64 none = 0;         ///< accepted, no notification
        qint64 duplicated = 0;   ///< more than one notification
        qint64 unexpected = 0;   ///< a notification for an order not answered 2xx
        qint64 confirmed = 0;
        qint64 failed = 0;
        LatencyStats latency;    ///< POST written -> first notification received
        bool ok() const { return none == 0 && duplicated == 0; }
    };
    Summary summarize() const;

signals:
    void opened();
    void failed(const QString &message);

private:
    struct Track
    {
        qint64 sentNs = 0;
        qint64 noteNs = 0;
        int status = -1; ///< HTTP status; -1 not answered yet
        int notes = 0;
        bool confirmed = false;
    };
    void onMessage(const QString &text);

    QUrl m_url;
    QWebSocket *m_socket;
    bool m_open = false;
    QHash<qint64, Track> m_tracks;
    qint64 m_notifications = 0;
    qint64 m_acceptedWaiting = 0;
    qint64 m_firstNoteNs = 0;
    qint64 m_lastNoteNs = 0;
};
