// requestguard.h: the guard in front of QHttpServer. HttpService listens through a
// GuardedTcpServer, which puts a request guard on every connection before QHttpServer
// reads from it: it answers a request itself, and closes the connection, when the
// AccessPolicy refuses its Host or Origin (403), the header block is too big (431), the
// declared body is too big (413), the body is chunked (411) or Content-Length is
// malformed (400); it answers "Expect: 100-continue", which QHttpServer 6.4 ignores;
// and it closes a connection whose request does not arrive whole within the request
// timeout (slowloris) or that sits idle as long.
#pragma once

#include <QTcpServer>

namespace lab {

class GuardedTcpServer : public QTcpServer
{
public:
    /// Reads the limits through the pointers at each connection, so that HttpService
    /// can change them after listen().
    GuardedTcpServer(const qint64 *maxBodyBytes, const int *requestTimeoutMs, QObject *parent);

protected:
    void incomingConnection(qintptr handle) override;

private:
    const qint64 *m_maxBodyBytes;
    const int *m_requestTimeoutMs;
};

} // namespace lab
