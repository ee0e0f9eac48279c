// httpload.h: the load half of bulk-order-generator. Sends POST /create_order over
// `concurrency` keep-alive HTTP/1.1 connections (raw QTcpSocket, one request in flight
// per connection: QHttpServer 6.4 answers pipelined requests in completion order),
// either flat out or at a target rate (open loop: orders due but without a free
// connection wait in a backlog, and the backlog is reported). Order ids are idBase +
// a counter; items are drawn at random from a list. Latency is measured per request
// from the moment its bytes are written to the moment its answer is complete.
#pragma once

#include "stats.h"

#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <memory>
#include <vector>

class QTcpSocket;

class HttpLoad : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString host = QStringLiteral("127.0.0.1");
        quint16 port = 5000;
        QByteArray path = "/create_order";
        int concurrency = 32;
        double rate = 0;        ///< orders per second; 0 = flat out
        qint64 count = 0;       ///< orders to send; 0 = until duration ends
        double durationS = 0;   ///< seconds of sending; 0 = until count is reached
        QStringList items;
        qint64 idBase = 1;
        qint64 maxQuantity = 1; ///< quantities are drawn from 1..maxQuantity
        int timeoutMs = 10000;
    };

    explicit HttpLoad(const Options &options, QObject *parent = nullptr);
    ~HttpLoad() override;

    void start();

    qint64 sent() const { return m_sent; }
    qint64 answered() const { return m_answered; }
    qint64 okCount() const { return m_ok; }
    qint64 errorCount() const { return m_answered - m_ok; }
    qint64 inFlight() const { return m_sent - m_answered; }
    qint64 backlog() const { return m_due; }
    qint64 maxBacklog() const { return m_maxBacklog; }
    qint64 unsent() const { return m_unsent; }
    /// Answers by HTTP status; transport failures are under 0 and detailed in errors().
    const QMap<int, qint64> &statusCounts() const { return m_status; }
    const QMap<QString, qint64> &errors() const { return m_errors; }
    LatencyStats &latency() { return m_latency; }
    /// First request written -> last answer received, in seconds.
    double activeSeconds() const;
    qint64 firstSendNs() const { return m_firstSendNs; }

signals:
    void orderSent(qint64 orderId, qint64 atNs);
    /// status 0: no HTTP answer (connection lost, timeout).
    void orderAnswered(qint64 orderId, int status, qint64 atNs);
    void finished();
    /// Nothing could connect: the target is down.
    void fatal(const QString &message);

private:
    struct Connection
    {
        QTcpSocket *socket = nullptr;
        QByteArray buffer;
        bool connected = false;
        bool busy = false;
        qint64 orderId = 0;
        qint64 sentNs = 0;
    };

    void connectOne(Connection *c);
    void onReadyRead(Connection *c);
    void onLost(Connection *c, const QString &why);
    void complete(Connection *c, int status, bool closeAfter);
    void tick();
    void checkTimeouts();
    void dispatch();
    bool schedulingOpen() const;
    void sendOn(Connection *c);
    void maybeFinish();

    Options m_opt;
    std::vector<std::unique_ptr<Connection>> m_conns;
    std::vector<Connection *> m_idle;
    QTimer m_tick;
    QTimer m_timeouts;
    QElapsedTimer m_clock;
    QList<QByteArray> m_itemJson;
    qint64 m_scheduled = 0; ///< orders made due so far
    qint64 m_due = 0;       ///< due and not sent yet
    qint64 m_maxBacklog = 0;
    qint64 m_unsent = 0;
    qint64 m_sent = 0;
    qint64 m_answered = 0;
    qint64 m_ok = 0;
    qint64 m_firstSendNs = 0;
    qint64 m_lastAnswerNs = 0;
    int m_everConnected = 0;
    bool m_stopped = false;
    bool m_finished = false;
    QMap<int, qint64> m_status;
    QMap<QString, qint64> m_errors;
    LatencyStats m_latency;
};
