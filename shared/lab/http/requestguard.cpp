// requestguard.cpp: what stands in front of QHttpServer on every connection (see
// requestguard.h): request limits, the browser access policy, timeouts and the
// lingering close of a refused connection.
#include "lab/http/requestguard.h"

#include "lab/http/accesspolicy.h"
#include "lab/http/httpservice.h"
#include "lab/runtime/log.h"
#include "lab/runtime/metrics.h"

#include <QTcpSocket>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace lab {

namespace {

/// How long, and how many bytes, a rejected connection is drained before it is cut:
/// closing a socket with unread data makes the kernel send RST, which can destroy the
/// error response before the client reads it ("lingering close", as nginx does).
constexpr int LingerMs = 2000;
constexpr qint64 LingerMaxBytes = 4 * 1024 * 1024;

/// Index just past the blank line ending a header block ("\r\n\r\n" or a bare "\n\n",
/// which QHttpServer's parser also accepts), searching from `from`; -1 if none yet.
qsizetype headerEnd(const QByteArray &buf, qsizetype from)
{
    for (qsizetype i = qMax<qsizetype>(from, 0); i < buf.size(); ++i) {
        if (buf.at(i) != '\n')
            continue;
        qsizetype j = i + 1;
        if (j < buf.size() && buf.at(j) == '\r')
            ++j;
        if (j < buf.size() && buf.at(j) == '\n')
            return j + 1;
    }
    return -1;
}

/// Watches the bytes of one connection ahead of QHttpServer. Its readyRead slot is
/// connected before QHttpServer's, so it peeks at every new chunk (QHttpServer then
/// reads each chunk whole) without consuming anything. It follows request boundaries
/// (header block, then Content-Length body bytes) and answers a request itself, closing
/// the connection, when the AccessPolicy refuses its Host or Origin (403), the header
/// block is too big (431), the declared body is too big (413), the body is chunked (411)
/// or Content-Length is malformed (400). It also answers "Expect: 100-continue" for
/// acceptable bodies, which QHttpServer 6.4 ignores.
class RequestGuard : public QObject
{
public:
    RequestGuard(QTcpSocket *socket, const qint64 *maxBodyBytes, int requestTimeoutMs)
        : QObject(socket), m_socket(socket), m_maxBodyBytes(maxBodyBytes)
    {
        connect(socket, &QTcpSocket::readyRead, this, [this] { onReadyRead(); });
        // Slowloris: a connection that holds a half-sent request (or sits idle between
        // requests) would otherwise keep its socket and buffers forever. Every request
        // must arrive whole within requestTimeoutMs of its first byte, and an idle
        // keep-alive connection is closed after as long. The clock stops while a
        // response is being prepared and after a protocol switch (WebSocket).
        if (requestTimeoutMs > 0) {
            m_deadline.setSingleShot(true);
            m_deadline.setInterval(requestTimeoutMs);
            connect(&m_deadline, &QTimer::timeout, this, [this] { onDeadline(); });
            connect(socket, &QTcpSocket::bytesWritten, this, [this] {
                // A response went out completely and no request is pending: idle clock.
                if (m_mode == Mode::Header && m_header.isEmpty() && m_socket->bytesToWrite() == 0
                    && !m_deadline.isActive())
                    m_deadline.start();
            });
            m_deadline.start();
        }
    }

private:
    enum class Mode { Header, Body, Passthrough, Rejected };

    void onReadyRead()
    {
        if (m_mode == Mode::Passthrough || m_mode == Mode::Rejected)
            return;
        const QByteArray fresh = m_socket->peek(m_socket->bytesAvailable());
        // The first byte of a new request starts its clock (a slow request cannot
        // reset it by trickling bytes).
        if (m_mode == Mode::Header && m_header.isEmpty() && !fresh.isEmpty() && m_deadline.interval() > 0)
            m_deadline.start();
        qsizetype pos = 0;
        while (pos < fresh.size() && (m_mode == Mode::Header || m_mode == Mode::Body)) {
            if (m_mode == Mode::Body) {
                const qint64 take = qMin<qint64>(m_bodyRemaining, fresh.size() - pos);
                m_bodyRemaining -= take;
                pos += take;
                if (m_bodyRemaining == 0) {
                    m_mode = Mode::Header;
                    m_deadline.stop(); // complete: the handler's answer may take its time
                }
                continue;
            }
            const qsizetype before = m_header.size();
            // Blank lines before a request line are allowed and carry no header.
            if (before == 0 && (fresh.at(pos) == '\r' || fresh.at(pos) == '\n')) {
                ++pos;
                continue;
            }
            if (before == 0) // a new request: the last one's Origin grants nothing to it
                m_corsOrigin.clear();
            m_header.append(fresh.constData() + pos, fresh.size() - pos);
            const qsizetype end = headerEnd(m_header, before - 3);
            if (end < 0) {
                pos = fresh.size();
                if (m_header.size() > HttpService::MaxHeaderBytes)
                    rejectHeaderTooLarge();
                break;
            }
            if (end > HttpService::MaxHeaderBytes) {
                rejectHeaderTooLarge();
                break;
            }
            pos += end - before;
            const QByteArray header = m_header.left(end);
            m_header.clear();
            inspect(header);
        }
    }

    void rejectHeaderTooLarge()
    {
        reject(431, "Request Header Fields Too Large",
               QStringLiteral("request header too large (limit %1 bytes)").arg(HttpService::MaxHeaderBytes));
    }

    /// Decides about one complete header block.
    void inspect(const QByteArray &header)
    {
        const QList<QByteArray> lines = header.split('\n');
        bool chunked = false;
        bool badLength = false;
        bool haveLength = false;
        qint64 length = 0;
        bool upgrade = false;
        bool expectContinue = false;
        QByteArray host;
        QByteArray origin;
        int hosts = 0;
        int origins = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) { // line 0 is the request line
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "transfer-encoding") {
                chunked = true;
            } else if (name == "content-length") {
                qint64 v = 0;
                if (!parseLength(value, &v) || (haveLength && v != length))
                    badLength = true;
                haveLength = true;
                length = v;
            } else if (name == "upgrade") {
                upgrade = true;
            } else if (name == "expect") {
                expectContinue = value.toLower() == "100-continue";
            } else if (name == "host") {
                host = value;
                ++hosts;
            } else if (name == "origin") {
                origin = value;
                ++origins;
            }
        }
        // Cross-site requests and DNS rebinding are refused here, before QHttpServer
        // routes anything: this covers every path (/docs and /metrics included) and a
        // WebSocket upgrade, which QHttpServer 6.4 hands to QWebSocketServer as soon as
        // a route matches, whatever the route answers. A refused page learns nothing else.
        const AccessPolicy &policy = AccessPolicy::current();
        m_corsOrigin = origins == 1 && policy.grantsCors(origin) ? origin : QByteArray();
        if (hosts > 1) {
            reject(400, "Bad Request", QStringLiteral("more than one Host header"));
            return;
        }
        if (!policy.isHostAllowed(host)) {
            reject(403, "Forbidden",
                   QStringLiteral("host \"%1\" is not allowed: a page reached this service under a name that "
                                  "is not its own (DNS rebinding?); add the name to LAB_ALLOWED_HOSTS if it is")
                       .arg(QString::fromLatin1(host.left(200))));
            return;
        }
        if (origins > 1 || !policy.isOriginAllowed(origin, host)) {
            reject(403, "Forbidden",
                   QStringLiteral("origin \"%1\" is not allowed: add it to LAB_ALLOWED_ORIGINS if that page "
                                  "may use this service")
                       .arg(QString::fromLatin1(origin.left(200))));
            return;
        }
        if (chunked) {
            reject(411, "Length Required",
                   QStringLiteral("chunked request bodies are not supported: send Content-Length"));
            return;
        }
        if (badLength) {
            reject(400, "Bad Request", QStringLiteral("invalid Content-Length header"));
            return;
        }
        const qint64 limit = *m_maxBodyBytes;
        if (haveLength && length > limit) {
            reject(413, "Payload Too Large",
                   QStringLiteral("request body too large (limit %1 bytes)").arg(limit));
            return;
        }
        if (upgrade) {
            // After a protocol switch (WebSocket) the bytes are no longer HTTP requests.
            m_mode = Mode::Passthrough;
            m_deadline.stop();
            return;
        }
        // QHttpServer 6.4 never sends the interim answer, which makes curl wait a second
        // before sending larger bodies; the body is welcome, so say so.
        if (expectContinue && length > 0)
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        m_bodyRemaining = length;
        m_mode = length > 0 ? Mode::Body : Mode::Header;
        if (m_mode == Mode::Header)
            m_deadline.stop(); // complete: the handler's answer may take its time
    }

    void onDeadline()
    {
        if (m_mode == Mode::Passthrough || m_mode == Mode::Rejected)
            return;
        Metrics::instance().increment(QStringLiteral("http_timed_out_connections_total"),
                                      QStringLiteral("Connections closed for an incomplete request or idleness."));
        if (m_mode == Mode::Header && m_header.isEmpty()) {
            // idle between requests: nothing to answer
            qCDebug(lcHttp) << "closing idle connection from" << m_socket->peerAddress().toString();
            m_mode = Mode::Rejected;
            disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
            m_socket->disconnectFromHost();
            QTimer::singleShot(LingerMs, this, [this] { cut(); });
            return;
        }
        reject(408, "Request Timeout",
               QStringLiteral("request not received completely within %1 ms").arg(m_deadline.interval()));
    }

    /// Digits only; anything longer than 18 digits is "too large" rather than an overflow.
    static bool parseLength(const QByteArray &value, qint64 *out)
    {
        if (value.isEmpty())
            return false;
        for (char c : value) {
            if (c < '0' || c > '9')
                return false;
        }
        if (value.size() > 18) {
            *out = std::numeric_limits<qint64>::max();
            return true;
        }
        *out = value.toLongLong();
        return true;
    }

    void reject(int status, const char *reasonPhrase, const QString &message)
    {
        m_mode = Mode::Rejected;
        m_deadline.stop();
        // Stop QHttpServer (and ourselves) from seeing this connection's bytes again;
        // this also skips QHttpServer's slot in the readyRead emission in progress.
        disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
        qCInfo(lcHttp).noquote() << "rejected request from" << m_socket->peerAddress().toString()
                                 << "with" << status << message;
        Metrics::instance().increment(QStringLiteral("http_rejected_requests_total"),
                                      QStringLiteral("Requests refused before routing."),
                                      QStringLiteral("code=\"%1\"").arg(status));

        const QByteArray body = HttpService::errorBody(message);
        QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase + "\r\n";
        response += "Content-Type: application/json\r\n";
        // like lab::cors::allow(): an allowed page on another origin can read the error
        response += "Vary: Origin\r\n";
        if (!m_corsOrigin.isEmpty())
            response += "Access-Control-Allow-Origin: " + m_corsOrigin + "\r\n";
        response += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
        response += "Connection: close\r\n\r\n";
        response += body;

        connect(m_socket, &QTcpSocket::readyRead, this, [this] { drain(); });
        connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
            if (m_socket->bytesToWrite() == 0)
                halfClose();
        });
        auto *linger = new QTimer(this);
        linger->setSingleShot(true);
        connect(linger, &QTimer::timeout, this, [this] { cut(); });
        linger->start(LingerMs);

        m_socket->write(response);
        drain();
    }

    /// Discards whatever the client still sends, within bounds.
    void drain()
    {
        if (m_socket->isTransactionStarted())
            m_socket->commitTransaction(); // drop what QHttpServer had read so far
        m_drained += m_socket->skip(m_socket->bytesAvailable());
        if (m_drained > LingerMaxBytes)
            cut();
    }

    /// The response is out: end our direction so the client sees it complete, keep
    /// reading until the client closes (or the linger ends).
    void halfClose()
    {
        if (m_halfClosed)
            return;
        m_halfClosed = true;
#ifdef Q_OS_UNIX
        if (m_socket->socketDescriptor() >= 0 && ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR) == 0)
            return;
#endif
        m_socket->disconnectFromHost();
    }

    void cut()
    {
        m_socket->abort();
        m_socket->deleteLater();
    }

    QTcpSocket *m_socket;
    const qint64 *m_maxBodyBytes;
    Mode m_mode = Mode::Header;
    QByteArray m_header;
    qint64 m_bodyRemaining = 0;
    qint64 m_drained = 0;
    bool m_halfClosed = false;
    QByteArray m_corsOrigin; ///< the current request's Origin when the policy grants it CORS
    QTimer m_deadline;
};

} // namespace

GuardedTcpServer::GuardedTcpServer(const qint64 *maxBodyBytes, const int *requestTimeoutMs, QObject *parent)
    : QTcpServer(parent), m_maxBodyBytes(maxBodyBytes), m_requestTimeoutMs(requestTimeoutMs)
{
}

void GuardedTcpServer::incomingConnection(qintptr handle)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        qCWarning(lcHttp).noquote() << "cannot adopt connection:" << socket->errorString();
        delete socket;
        return;
    }
    // No Nagle: a WebSocket notification (or a response written in parts) goes out at
    // once instead of waiting for the ACK of the previous segment, which the client may
    // delay up to 40 ms: at 100 orders/s that was the slowest tenth of the notifications
    // (POST -> notification p99 60 ms with Nagle, 32 ms without; docs/BENCHMARKS.md).
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    new RequestGuard(socket, m_maxBodyBytes, *m_requestTimeoutMs); // connects readyRead first
    addPendingConnection(socket);
}

} // namespace lab
