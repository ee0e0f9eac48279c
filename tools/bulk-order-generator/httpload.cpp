// httpload.cpp: keep-alive HTTP/1.1 order load (see httpload.h).
#include "httpload.h"

#include <QRandomGenerator>
#include <QTcpSocket>
#include <cmath>

namespace {

/// Minimal JSON string escaping for item names given on the command line.
QByteArray jsonString(const QString &s)
{
    QByteArray out = "\"";
    for (const QChar ch : s) {
        if (ch == u'"' || ch == u'\\')
            out += '\\';
        out += QString(ch).toUtf8();
    }
    return out + '"';
}

/// Value of a header (name in lower case) in a raw header block, or empty.
QByteArray headerValue(const QByteArray &block, const QByteArray &lowerName)
{
    qsizetype pos = block.indexOf("\r\n");
    while (pos >= 0 && pos < block.size()) {
        const qsizetype start = pos + 2;
        qsizetype end = block.indexOf("\r\n", start);
        if (end < 0)
            end = block.size();
        const qsizetype colon = block.indexOf(':', start);
        if (colon > start && colon < end && block.mid(start, colon - start).trimmed().toLower() == lowerName)
            return block.mid(colon + 1, end - colon - 1).trimmed();
        pos = end < block.size() ? end : -1;
    }
    return {};
}

} // namespace

HttpLoad::HttpLoad(const Options &options, QObject *parent)
    : QObject(parent)
    , m_opt(options)
{
    for (const QString &item : m_opt.items)
        m_itemJson.append(jsonString(item));
    if (m_itemJson.isEmpty())
        m_itemJson.append(jsonString(QStringLiteral("mouse")));
    m_tick.setTimerType(Qt::PreciseTimer);
    m_tick.setInterval(1);
    connect(&m_tick, &QTimer::timeout, this, &HttpLoad::tick);
    m_timeouts.setInterval(100);
    connect(&m_timeouts, &QTimer::timeout, this, &HttpLoad::checkTimeouts);
}

HttpLoad::~HttpLoad()
{
    for (auto &c : m_conns) {
        if (c->socket) {
            c->socket->disconnect(this);
            c->socket->abort();
        }
    }
}

void HttpLoad::start()
{
    m_clock.start();
    for (int i = 0; i < m_opt.concurrency; ++i) {
        m_conns.push_back(std::make_unique<Connection>());
        connectOne(m_conns.back().get());
    }
    m_tick.start();
    m_timeouts.start();
    QTimer::singleShot(5000, this, [this] {
        if (m_everConnected == 0)
            emit fatal(QStringLiteral("cannot connect to %1:%2 (%3)")
                           .arg(m_opt.host)
                           .arg(m_opt.port)
                           .arg(m_errors.isEmpty() ? QStringLiteral("no answer") : m_errors.firstKey()));
    });
}

void HttpLoad::connectOne(Connection *c)
{
    if (c->socket)
        c->socket->deleteLater();
    c->socket = new QTcpSocket(this);
    c->buffer.clear();
    c->connected = false;
    QTcpSocket *s = c->socket;
    connect(s, &QTcpSocket::connected, this, [this, c, s] {
        if (c->socket != s)
            return;
        s->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        c->connected = true;
        ++m_everConnected;
        m_idle.push_back(c);
        dispatch();
    });
    connect(s, &QTcpSocket::readyRead, this, [this, c, s] {
        if (c->socket == s)
            onReadyRead(c);
    });
    connect(s, &QTcpSocket::errorOccurred, this, [this, c, s](QAbstractSocket::SocketError) {
        if (c->socket == s)
            onLost(c, s->errorString());
    });
    connect(s, &QTcpSocket::disconnected, this, [this, c, s] {
        if (c->socket == s)
            onLost(c, QStringLiteral("connection closed by the server"));
    });
    s->connectToHost(m_opt.host, m_opt.port);
}

void HttpLoad::onLost(Connection *c, const QString &why)
{
    if (c->busy) {
        ++m_errors[why];
        c->busy = false;
        ++m_answered;
        ++m_status[0];
        m_lastAnswerNs = monotonicNs();
        emit orderAnswered(c->orderId, 0, m_lastAnswerNs);
    } else if (!c->connected) {
        ++m_errors[QStringLiteral("connect: ") + why];
    }
    std::erase(m_idle, c);
    QTcpSocket *old = c->socket;
    c->connected = false;
    old->disconnect(this);
    old->abort();
    old->deleteLater();
    c->socket = nullptr;
    if (!m_finished)
        QTimer::singleShot(100, this, [this, c] {
            if (!m_finished && !c->socket)
                connectOne(c);
        });
    maybeFinish();
}

void HttpLoad::onReadyRead(Connection *c)
{
    c->buffer += c->socket->readAll();
    while (c->busy) {
        const qsizetype headerEnd = c->buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        const QByteArray head = c->buffer.left(headerEnd);
        const qsizetype bodyLength = headerValue(head, "content-length").toLongLong();
        if (c->buffer.size() < headerEnd + 4 + bodyLength)
            return;
        const int status = head.size() >= 12 ? head.mid(9, 3).toInt() : 0;
        const bool close = headerValue(head, "connection").toLower() == "close";
        c->buffer.remove(0, headerEnd + 4 + bodyLength);
        complete(c, status, close);
        if (close)
            return;
    }
}

void HttpLoad::complete(Connection *c, int status, bool closeAfter)
{
    const qint64 now = monotonicNs();
    c->busy = false;
    ++m_answered;
    ++m_status[status];
    if (status >= 200 && status < 300)
        ++m_ok;
    m_latency.add(now - c->sentNs);
    m_lastAnswerNs = now;
    emit orderAnswered(c->orderId, status, now);
    if (closeAfter) {
        onLost(c, QStringLiteral("server closed the connection"));
        return;
    }
    if (m_opt.rate <= 0 && schedulingOpen()) {
        ++m_scheduled;
        sendOn(c);
        return;
    }
    m_idle.push_back(c);
    dispatch();
    maybeFinish();
}

bool HttpLoad::schedulingOpen() const
{
    if (m_stopped)
        return false;
    if (m_opt.count > 0 && m_scheduled >= m_opt.count)
        return false;
    if (m_opt.durationS > 0 && double(m_clock.nsecsElapsed()) / 1e9 >= m_opt.durationS)
        return false;
    return true;
}

void HttpLoad::tick()
{
    const bool durationOver = m_opt.durationS > 0 && double(m_clock.nsecsElapsed()) / 1e9 >= m_opt.durationS;
    if (!m_stopped && durationOver) {
        m_stopped = true;
        m_unsent = m_due; // the rate could not be met: what was still waiting is dropped
        m_due = 0;
        m_tick.stop();
        maybeFinish();
        return;
    }
    if (m_opt.rate > 0 && schedulingOpen()) {
        qint64 target = qint64(std::floor(double(m_clock.nsecsElapsed()) / 1e9 * m_opt.rate));
        if (m_opt.count > 0)
            target = std::min(target, m_opt.count);
        if (target > m_scheduled) {
            m_due += target - m_scheduled;
            m_scheduled = target;
        }
        m_maxBacklog = std::max(m_maxBacklog, m_due);
    }
    dispatch();
    maybeFinish();
}

void HttpLoad::dispatch()
{
    while (!m_idle.empty()) {
        if (m_opt.rate > 0) {
            if (m_due == 0)
                return;
            --m_due;
        } else {
            if (!schedulingOpen())
                return;
            ++m_scheduled;
        }
        Connection *c = m_idle.back();
        m_idle.pop_back();
        sendOn(c);
    }
}

void HttpLoad::sendOn(Connection *c)
{
    const qint64 id = m_opt.idBase + m_sent;
    QRandomGenerator *rng = QRandomGenerator::global();
    const QByteArray &item = m_itemJson.at(int(rng->bounded(qint64(m_itemJson.size()))));
    const qint64 quantity = m_opt.maxQuantity > 1 ? 1 + rng->bounded(m_opt.maxQuantity) : 1;
    const QByteArray body = "{\"order_id\":" + QByteArray::number(id) + ",\"item\":" + item
                            + ",\"quantity\":" + QByteArray::number(quantity) + '}';
    QByteArray request;
    request.reserve(200 + body.size());
    request += "POST " + m_opt.path + " HTTP/1.1\r\nHost: " + m_opt.host.toUtf8() + ':'
               + QByteArray::number(m_opt.port)
               + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
               + "\r\n\r\n" + body;
    c->busy = true;
    c->orderId = id;
    c->sentNs = monotonicNs();
    if (m_firstSendNs == 0)
        m_firstSendNs = c->sentNs;
    ++m_sent;
    emit orderSent(id, c->sentNs);
    c->socket->write(request);
}

void HttpLoad::checkTimeouts()
{
    const qint64 now = monotonicNs();
    const qint64 limit = qint64(m_opt.timeoutMs) * 1000000;
    for (auto &c : m_conns)
        if (c->busy && now - c->sentNs > limit)
            onLost(c.get(), QStringLiteral("timeout after %1 ms").arg(m_opt.timeoutMs));
    maybeFinish();
}

void HttpLoad::maybeFinish()
{
    if (m_finished || schedulingOpen() || m_due > 0 || inFlight() > 0)
        return;
    if (!m_stopped) {
        m_stopped = true;
        m_tick.stop();
    }
    m_finished = true;
    m_timeouts.stop();
    emit finished();
}

double HttpLoad::activeSeconds() const
{
    if (m_firstSendNs == 0 || m_lastAnswerNs <= m_firstSendNs)
        return 0;
    return double(m_lastAnswerNs - m_firstSendNs) / 1e9;
}
