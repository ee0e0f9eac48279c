// tst_httpservice: the HTTP face every service shares (shared/lab/http/httpservice.h):
// health, metrics, JSON 404, the request guard (413/431/411/400 before the body is
// read; 403 for a Host or Origin the AccessPolicy refuses, before routing and before a
// WebSocket handshake), CORS grants (lab/http/cors.h), a failing listen(), and answers
// given later by asynchronous handlers.
// Everything runs on 127.0.0.1 with an OS-chosen port; waits use QTRY_*, never sleeps.
#include "lab/contract/events.h"
#include "lab/http/accesspolicy.h"
#include "lab/http/cors.h"
#include "lab/http/httpservice.h"
#include "lab/runtime/metrics.h"

#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

#include <memory>

using namespace lab;

namespace {

constexpr int Timeout = 10000;

/// A raw HTTP client that collects whatever the server sends.
class RawClient : public QObject
{
public:
    explicit RawClient(quint16 port)
    {
        connect(&socket, &QTcpSocket::readyRead, this, [this] { received += socket.readAll(); });
        connect(&socket, &QTcpSocket::disconnected, this, [this] { closed = true; });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }

    bool connected() const { return socket.state() == QAbstractSocket::ConnectedState; }
    void send(const QByteArray &bytes) { socket.write(bytes); }

    /// Number of complete responses (header block + Content-Length body) received.
    int responseCount() const { return int(responses().size()); }
    QList<QByteArray> responses() const
    {
        QList<QByteArray> out;
        qsizetype pos = 0;
        while (true) {
            const qsizetype end = received.indexOf("\r\n\r\n", pos);
            if (end < 0)
                break;
            const QByteArray head = received.mid(pos, end - pos);
            qsizetype length = 0;
            for (const QByteArray &line : head.split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            if (received.size() < end + 4 + length)
                break;
            out.append(received.mid(pos, end + 4 + length - pos));
            pos = end + 4 + length;
        }
        return out;
    }

    static int status(const QByteArray &response) { return response.mid(9, 3).toInt(); }
    static QByteArray body(const QByteArray &response)
    {
        return response.mid(response.indexOf("\r\n\r\n") + 4);
    }
    static QByteArray header(const QByteArray &response, const QByteArray &name)
    {
        const QByteArray head = response.left(response.indexOf("\r\n\r\n"));
        for (const QByteArray &line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().toLower() == name.toLower())
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }

    QTcpSocket socket;
    QByteArray received;
    bool closed = false;
};

struct Reply
{
    int status = 0;
    QByteArray contentType;
    QByteArray body;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
};

} // namespace

class TestHttpService : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void healthzShouldBeOkWhenEveryCheckPasses();
    void healthzShouldBe503NamingTheFailingDependency();
    void healthzShouldBeDegradedButOkWhenAnAdvisoryCheckFails();
    void metricsShouldUsePrometheusTextFormat();
    void unknownPathShouldGetJson404();
    void jsonHelpersShouldSetContentTypeAndFields();
    void bodyWithinTheLimitShouldReachTheHandler_data();
    void bodyWithinTheLimitShouldReachTheHandler();
    void oversizedBodyShouldGet413BeforeItIsRead();
    void oversizedBodyFromARealClientShouldStillSee413();
    void guardShouldFollowKeepAliveRequests();
    void expectContinueShouldBeAnsweredForAcceptableBodies();
    void requestErrorsShouldBeAnsweredByTheGuard_data();
    void requestErrorsShouldBeAnsweredByTheGuard();
    void listenOnAPortInUseShouldFailWithAReason();
    void asyncResponderShouldAnswerLater();
    void asyncAnswerToAGoneClientShouldBeDropped();
    void unansweredAsyncRequestShouldGet500();

    void foreignHostShouldGet403BeforeRouting_data();
    void foreignHostShouldGet403BeforeRouting();
    void ourHostsShouldBeServed_data();
    void ourHostsShouldBeServed();
    void listedHostsShouldBeServedAtRequestTime();
    void foreignOriginShouldGet403BeforeRouting_data();
    void foreignOriginShouldGet403BeforeRouting();
    void allowedOriginShouldGetACorsGrant_data();
    void allowedOriginShouldGetACorsGrant();
    void guardErrorsShouldBeReadableOnlyByAllowedOrigins();
    void webSocketFromAForeignOriginShouldGet403BeforeTheHandshake_data();
    void webSocketFromAForeignOriginShouldGet403BeforeTheHandshake();
    void webSocketFromOurPageOrANonBrowserShouldConnect_data();
    void webSocketFromOurPageOrANonBrowserShouldConnect();

private:
    Reply fetch(const QByteArray &verb, const QString &path, const QByteArray &body = {});

    std::unique_ptr<HttpService> m_service;
    QNetworkAccessManager m_nam;
    bool m_kafkaUp = true;
    bool m_memoryOk = true;
    int m_echoCalls = 0;
    bool m_asyncAnswered = false;
    bool m_secondAnswerRefused = false;
    std::shared_ptr<DeferredResponse> m_held;
    int m_webSockets = 0; ///< upgrades QHttpServer handed over
    std::vector<std::unique_ptr<QWebSocket>> m_serverSockets;
};

void TestHttpService::initTestCase()
{
    m_service = std::make_unique<HttpService>(QStringLiteral("tst-service"));
    m_service->setMaxBodyBytes(limits::MaxBodyBytes);
    m_service->addHealthCheck({QStringLiteral("kafka"), [this](QString *detail) {
                                   if (!m_kafkaUp)
                                       *detail = QStringLiteral("no broker reachable");
                                   return m_kafkaUp;
                               }});
    m_service->addHealthCheck({QStringLiteral("redis"), [](QString *) { return true; }});
    m_service->addHealthCheck({QStringLiteral("redis_memory"), [this](QString *detail) {
                                   if (!m_memoryOk)
                                       *detail = QStringLiteral("used 90% of maxmemory");
                                   return m_memoryOk;
                               }, true});

    m_service->server().route(QStringLiteral("/echo"), QHttpServerRequest::Method::Post,
                              [this](const QHttpServerRequest &request) {
                                  ++m_echoCalls;
                                  return HttpService::json({{QStringLiteral("size"), request.body().size()}});
                              });
    m_service->server().route(QStringLiteral("/async"),
                              [this](const QHttpServerRequest &, QHttpServerResponder &&responder) {
                                  auto answer = HttpService::respondLater(std::move(responder));
                                  QTimer::singleShot(20, this, [this, answer] {
                                      m_asyncAnswered = answer->sendJson(
                                          {{QStringLiteral("late"), true}},
                                          QHttpServerResponse::StatusCode::Accepted);
                                      // A second answer is refused.
                                      m_secondAnswerRefused = !answer->sendJson({});
                                  });
                              });
    m_service->server().route(QStringLiteral("/forget"),
                              [](const QHttpServerRequest &, QHttpServerResponder &&responder) {
                                  auto answer = HttpService::respondLater(std::move(responder));
                                  QTimer::singleShot(0, [answer] {}); // drops it unanswered
                              });
    m_service->server().route(QStringLiteral("/hold"),
                              [this](const QHttpServerRequest &, QHttpServerResponder &&responder) {
                                  m_held = HttpService::respondLater(std::move(responder));
                              });

    // What the APIs do: let the allowed pages read the answer (lab::cors).
    m_service->server().route(QStringLiteral("/cors"), [](const QHttpServerRequest &request) {
        QHttpServerResponse r = HttpService::json({{QStringLiteral("ok"), true}});
        cors::allow(r, cors::origin(request));
        return r;
    });
    // What notifier-service does: /ws leaves upgrades to QHttpServer, which hands the
    // socket over as soon as the route matched.
    m_service->server().route(QStringLiteral("/ws"), [](const QHttpServerRequest &, QHttpServerResponder &&) {});
    connect(&m_service->server(), &QAbstractHttpServer::newWebSocketConnection, this, [this] {
        while (m_service->server().hasPendingWebSocketConnections()) {
            ++m_webSockets;
            m_serverSockets.emplace_back(m_service->server().nextPendingWebSocketConnection());
        }
    });

    QString error;
    QVERIFY2(m_service->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    QVERIFY(m_service->port() != 0);
}

void TestHttpService::cleanupTestCase()
{
    m_held.reset();
    m_serverSockets.clear();
    m_service.reset();
}

void TestHttpService::init()
{
    m_kafkaUp = true;
    m_memoryOk = true;
    m_echoCalls = 0;
    m_webSockets = 0;
    AccessPolicy::setCurrent(AccessPolicy()); // the default: the browser UI on :8000
}

Reply TestHttpService::fetch(const QByteArray &verb, const QString &path, const QByteArray &body)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_service->port()).arg(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply = m_nam.sendCustomRequest(request, verb, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(Timeout);
    Reply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    r.body = reply->readAll();
    r.error = reply->error();
    reply->deleteLater();
    return r;
}

void TestHttpService::healthzShouldBeOkWhenEveryCheckPasses()
{
    const Reply r = fetch("GET", QStringLiteral("/healthz"));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.contentType, QByteArrayLiteral("application/json"));
    const QJsonObject o = QJsonDocument::fromJson(r.body).object();
    QCOMPARE(o.value("status").toString(), QStringLiteral("ok"));
    QCOMPARE(o.value("service").toString(), QStringLiteral("tst-service"));
    QCOMPARE(o.value("checks").toObject().value("kafka").toString(), QStringLiteral("ok"));
    QCOMPARE(o.value("checks").toObject().value("redis").toString(), QStringLiteral("ok"));
}

void TestHttpService::healthzShouldBe503NamingTheFailingDependency()
{
    m_kafkaUp = false;
    const Reply r = fetch("GET", QStringLiteral("/healthz"));
    QCOMPARE(r.status, 503);
    const QJsonObject o = QJsonDocument::fromJson(r.body).object();
    QCOMPARE(o.value("status").toString(), QStringLiteral("unavailable"));
    QCOMPARE(o.value("checks").toObject().value("kafka").toString(), QStringLiteral("no broker reachable"));
    QCOMPARE(o.value("checks").toObject().value("redis").toString(), QStringLiteral("ok"));
    QVERIFY(o.value("error").toString().contains(QLatin1String("kafka")));

    m_kafkaUp = true;
    QCOMPARE(fetch("GET", QStringLiteral("/healthz")).status, 200);
}

// An advisory check (Redis memory near its limit) warns: 200 "degraded", the check's
// detail and a warning naming it; a required check failing as well still gives 503.
void TestHttpService::healthzShouldBeDegradedButOkWhenAnAdvisoryCheckFails()
{
    m_memoryOk = false;
    Reply r = fetch("GET", QStringLiteral("/healthz"));
    QCOMPARE(r.status, 200);
    QJsonObject o = QJsonDocument::fromJson(r.body).object();
    QCOMPARE(o.value("status").toString(), QStringLiteral("degraded"));
    QCOMPARE(o.value("checks").toObject().value("redis_memory").toString(), QStringLiteral("used 90% of maxmemory"));
    QCOMPARE(o.value("checks").toObject().value("kafka").toString(), QStringLiteral("ok"));
    QCOMPARE(o.value("warning").toString(), QStringLiteral("degraded: redis_memory"));

    m_kafkaUp = false;
    r = fetch("GET", QStringLiteral("/healthz"));
    QCOMPARE(r.status, 503);
    o = QJsonDocument::fromJson(r.body).object();
    QCOMPARE(o.value("status").toString(), QStringLiteral("unavailable"));
    QCOMPARE(o.value("error").toString(), QStringLiteral("unavailable: kafka"));

    m_kafkaUp = m_memoryOk = true;
    r = fetch("GET", QStringLiteral("/healthz"));
    QCOMPARE(r.status, 200);
    o = QJsonDocument::fromJson(r.body).object();
    QCOMPARE(o.value("status").toString(), QStringLiteral("ok"));
    QVERIFY(!o.contains(QStringLiteral("warning")));
}

void TestHttpService::metricsShouldUsePrometheusTextFormat()
{
    Metrics::instance().increment(QStringLiteral("tst_http_total"), QStringLiteral("A test counter."));
    const Reply r = fetch("GET", QStringLiteral("/metrics"));
    QCOMPARE(r.status, 200);
    QVERIFY2(r.contentType.startsWith("text/plain; version=0.0.4"), r.contentType.constData());
    QVERIFY(r.body.contains("# TYPE tst_http_total counter\ntst_http_total 1\n"));
}

void TestHttpService::unknownPathShouldGetJson404()
{
    const Reply r = fetch("GET", QStringLiteral("/no/such/thing"));
    QCOMPARE(r.status, 404);
    QCOMPARE(r.contentType, QByteArrayLiteral("application/json"));
    QCOMPARE(QJsonDocument::fromJson(r.body).object().value("error").toString(),
             QStringLiteral("not found: /no/such/thing"));
}

void TestHttpService::jsonHelpersShouldSetContentTypeAndFields()
{
    const QHttpServerResponse error = HttpService::jsonError(QHttpServerResponse::StatusCode::BadRequest,
                                                             QStringLiteral("quantity is required"),
                                                             QStringLiteral("quantity"));
    QCOMPARE(error.statusCode(), QHttpServerResponse::StatusCode::BadRequest);
    QCOMPARE(error.mimeType(), QByteArrayLiteral("application/json"));
    const QJsonObject o = QJsonDocument::fromJson(error.data()).object();
    QCOMPARE(o.value("error").toString(), QStringLiteral("quantity is required"));
    QCOMPARE(o.value("field").toString(), QStringLiteral("quantity"));

    const QHttpServerResponse noField = HttpService::jsonError(QHttpServerResponse::StatusCode::NotFound,
                                                               QStringLiteral("x"));
    QVERIFY(!QJsonDocument::fromJson(noField.data()).object().contains("field"));

    const QHttpServerResponse ok = HttpService::json({{QStringLiteral("message"), QStringLiteral("Order created")}},
                                                     QHttpServerResponse::StatusCode::Created);
    QCOMPARE(ok.statusCode(), QHttpServerResponse::StatusCode::Created);
    QCOMPARE(ok.mimeType(), QByteArrayLiteral("application/json"));
    QCOMPARE(ok.data(), QByteArrayLiteral("{\"message\":\"Order created\"}"));
}

void TestHttpService::bodyWithinTheLimitShouldReachTheHandler_data()
{
    QTest::addColumn<int>("size");
    QTest::newRow("empty") << 0;
    QTest::newRow("1 KiB") << 1024;
    QTest::newRow("exactly the limit") << int(limits::MaxBodyBytes);
}

void TestHttpService::bodyWithinTheLimitShouldReachTheHandler()
{
    QFETCH(int, size);
    const Reply r = fetch("POST", QStringLiteral("/echo"), QByteArray(size, 'a'));
    QCOMPARE(r.status, 200);
    QCOMPARE(QJsonDocument::fromJson(r.body).object().value("size").toInt(), size);
    QCOMPARE(m_echoCalls, 1);
}

void TestHttpService::oversizedBodyShouldGet413BeforeItIsRead()
{
    // Announce 70 KiB but send only the headers and a few bytes: an answer can only
    // come from the guard, since the server never got the body it would have to buffer.
    RawClient client(m_service->port());
    QTRY_VERIFY_WITH_TIMEOUT(client.connected(), Timeout);
    client.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                "Content-Length: 71680\r\n\r\n{\"order_id\":");
    QTRY_COMPARE_WITH_TIMEOUT(client.responseCount(), 1, Timeout);
    const QByteArray response = client.responses().first();
    QCOMPARE(RawClient::status(response), 413);
    QCOMPARE(RawClient::header(response, "Content-Type"), QByteArrayLiteral("application/json"));
    QCOMPARE(RawClient::header(response, "Connection"), QByteArrayLiteral("close"));
    QCOMPARE(QJsonDocument::fromJson(RawClient::body(response)).object().value("error").toString(),
             QStringLiteral("request body too large (limit 65536 bytes)"));
    // The server ends the connection, and the handler never ran.
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, Timeout);
    QCOMPARE(m_echoCalls, 0);
}

void TestHttpService::oversizedBodyFromARealClientShouldStillSee413()
{
    // A client that sends the whole 70 KiB at once still reads the 413 (the server
    // drains instead of resetting the connection under it).
    const Reply r = fetch("POST", QStringLiteral("/echo"), QByteArray(70 * 1024, 'x'));
    QCOMPARE(r.status, 413);
    QVERIFY(QJsonDocument::fromJson(r.body).object().value("error").toString().contains(QLatin1String("too large")));
    QCOMPARE(m_echoCalls, 0);
}

void TestHttpService::guardShouldFollowKeepAliveRequests()
{
    // Two requests on one connection, the first with a body whose bytes look like a
    // header block: the guard must count them as body, not judge them as headers.
    RawClient client(m_service->port());
    QTRY_VERIFY_WITH_TIMEOUT(client.connected(), Timeout);
    const QByteArray trickyBody = "Content-Length: 99999999\r\n\r\n";
    client.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + QByteArray::number(trickyBody.size())
                + "\r\n\r\n" + trickyBody);
    QTRY_COMPARE_WITH_TIMEOUT(client.responseCount(), 1, Timeout);
    client.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabc");
    QTRY_COMPARE_WITH_TIMEOUT(client.responseCount(), 2, Timeout);
    QCOMPARE(RawClient::status(client.responses().at(0)), 200);
    QCOMPARE(RawClient::status(client.responses().at(1)), 200);
    QCOMPARE(m_echoCalls, 2);

    // A third, oversized request on the same connection is still caught.
    client.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(client.responseCount(), 3, Timeout);
    QCOMPARE(RawClient::status(client.responses().at(2)), 413);
    QCOMPARE(m_echoCalls, 2);
}

void TestHttpService::expectContinueShouldBeAnsweredForAcceptableBodies()
{
    // curl sends "Expect: 100-continue" for larger bodies and waits (1 s) for it.
    RawClient client(m_service->port());
    QTRY_VERIFY_WITH_TIMEOUT(client.connected(), Timeout);
    client.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(client.received.startsWith("HTTP/1.1 100 Continue\r\n\r\n"), Timeout);
    QCOMPARE(m_echoCalls, 0);
    client.received.clear();
    client.send("abc");
    QTRY_COMPARE_WITH_TIMEOUT(client.responseCount(), 1, Timeout);
    QCOMPARE(RawClient::status(client.responses().first()), 200);
    QCOMPARE(m_echoCalls, 1);

    // Too large: the final 413 instead of 100 Continue.
    RawClient big(m_service->port());
    QTRY_VERIFY_WITH_TIMEOUT(big.connected(), Timeout);
    big.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(big.responseCount(), 1, Timeout);
    QCOMPARE(RawClient::status(big.responses().first()), 413);
}

void TestHttpService::requestErrorsShouldBeAnsweredByTheGuard_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");

    QTest::newRow("chunked body") << QByteArray("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                "5\r\nhello\r\n")
                                  << 411 << "Content-Length";
    QTest::newRow("chunked, odd case") << QByteArray("POST /echo HTTP/1.1\r\nhost: 127.0.0.1\r\ntransfer-encoding: Chunked\r\n\r\n")
                                       << 411 << "Content-Length";
    QTest::newRow("header block over 16 KiB")
        << "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + QByteArray(20 * 1024, 'p')
        << 431 << "header too large";
    QTest::newRow("non-numeric Content-Length")
        << QByteArray("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 12abc\r\n\r\n") << 400
        << "Content-Length";
    QTest::newRow("conflicting Content-Length")
        << QByteArray("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc")
        << 400 << "Content-Length";
    QTest::newRow("absurd Content-Length")
        << QByteArray("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999999999999999\r\n\r\n")
        << 413 << "too large";
    QTest::newRow("bare LF line endings")
        << QByteArray("POST /echo HTTP/1.1\nHost: 127.0.0.1\nContent-Length: 100000\n\n") << 413 << "too large";
}

void TestHttpService::requestErrorsShouldBeAnsweredByTheGuard()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QString, error);
    RawClient client(m_service->port());
    QTRY_VERIFY_WITH_TIMEOUT(client.connected(), Timeout);
    client.send(request);
    QTRY_COMPARE_WITH_TIMEOUT(client.responseCount(), 1, Timeout);
    const QByteArray response = client.responses().first();
    QCOMPARE(RawClient::status(response), status);
    QCOMPARE(RawClient::header(response, "Content-Type"), QByteArrayLiteral("application/json"));
    const QString message = QJsonDocument::fromJson(RawClient::body(response)).object().value("error").toString();
    QVERIFY2(message.contains(error), qPrintable(message));
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, Timeout);
    QCOMPARE(m_echoCalls, 0);
}

void TestHttpService::listenOnAPortInUseShouldFailWithAReason()
{
    HttpService second(QStringLiteral("second"));
    QString error;
    QVERIFY(!second.listen(QHostAddress::LocalHost, m_service->port(), &error));
    QVERIFY2(error.contains(QString::number(m_service->port())), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("use"), Qt::CaseInsensitive), qPrintable(error));
    QCOMPARE(second.port(), quint16(0));

    // A null error pointer is tolerated.
    QVERIFY(!second.listen(QHostAddress::LocalHost, m_service->port(), nullptr));
}

void TestHttpService::asyncResponderShouldAnswerLater()
{
    const Reply r = fetch("GET", QStringLiteral("/async"));
    QCOMPARE(r.status, 202);
    QCOMPARE(r.contentType, QByteArrayLiteral("application/json"));
    QCOMPARE(QJsonDocument::fromJson(r.body).object().value("late").toBool(), true);
    QVERIFY(m_asyncAnswered);
    QVERIFY(m_secondAnswerRefused);

    // The connection stays usable for the next request.
    QCOMPARE(fetch("GET", QStringLiteral("/healthz")).status, 200);
}

void TestHttpService::asyncAnswerToAGoneClientShouldBeDropped()
{
    m_held.reset();
    {
        RawClient client(m_service->port());
        QTRY_VERIFY_WITH_TIMEOUT(client.connected(), Timeout);
        client.send("GET /hold HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(m_held != nullptr, Timeout);
        QVERIFY(m_held->isClientConnected());
        client.socket.abort();
    }
    QTRY_VERIFY_WITH_TIMEOUT(!m_held->isClientConnected(), Timeout);
    QVERIFY(!m_held->sendJson({{QStringLiteral("late"), true}}));
    QVERIFY(m_held->isAnswered());
    m_held.reset();
}

void TestHttpService::unansweredAsyncRequestShouldGet500()
{
    const Reply r = fetch("GET", QStringLiteral("/forget"));
    QCOMPARE(r.status, 500);
    QCOMPARE(r.contentType, QByteArrayLiteral("application/json"));
    QVERIFY(QJsonDocument::fromJson(r.body).object().contains("error"));
}

// ---------------------------------------------------------------- browser access

namespace {

/// One raw request on a fresh connection; the first complete response (empty on timeout).
QByteArray exchange(quint16 port, const QByteArray &request)
{
    RawClient client(port);
    if (!QTest::qWaitFor([&] { return client.connected(); }, Timeout))
        return {};
    client.send(request);
    QTest::qWaitFor([&] { return client.responseCount() > 0 || client.closed; }, Timeout);
    return client.responses().value(0);
}

QString errorOf(const QByteArray &response)
{
    return QJsonDocument::fromJson(RawClient::body(response)).object().value("error").toString();
}

} // namespace

void TestHttpService::foreignHostShouldGet403BeforeRouting_data()
{
    QTest::addColumn<QByteArray>("request");
    const QByteArray body = "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    QTest::newRow("POST, rebound name") << "POST /echo HTTP/1.1\r\nHost: evil.example\r\n" + body;
    QTest::newRow("POST, rebound name with our port") << "POST /echo HTTP/1.1\r\nHost: evil.example:5000\r\n" + body;
    QTest::newRow("/metrics") << QByteArray("GET /metrics HTTP/1.1\r\nHost: evil.example\r\n\r\n");
    QTest::newRow("/healthz, localhost as a subdomain")
        << QByteArray("GET /healthz HTTP/1.1\r\nHost: localhost.evil.example\r\n\r\n");
    QTest::newRow("unknown path, address as a subdomain")
        << QByteArray("GET /nothing HTTP/1.1\r\nHost: 127.0.0.1.evil.example\r\n\r\n");
    QTest::newRow("WebSocket upgrade") << QByteArray("GET /ws HTTP/1.1\r\nHost: evil.example\r\nUpgrade: websocket\r\n"
                                                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                                     "Sec-WebSocket-Version: 13\r\n\r\n");
}

void TestHttpService::foreignHostShouldGet403BeforeRouting()
{
    QFETCH(QByteArray, request);
    const QByteArray response = exchange(m_service->port(), request);
    QCOMPARE(RawClient::status(response), 403);
    QCOMPARE(RawClient::header(response, "Content-Type"), QByteArrayLiteral("application/json"));
    QVERIFY2(errorOf(response).contains(QLatin1String("LAB_ALLOWED_HOSTS")), qPrintable(errorOf(response)));
    QVERIFY(RawClient::header(response, "Access-Control-Allow-Origin").isEmpty());
    QCOMPARE(m_echoCalls, 0);
    QCOMPARE(m_webSockets, 0);
}

void TestHttpService::ourHostsShouldBeServed_data()
{
    QTest::addColumn<QByteArray>("host");
    QTest::newRow("loopback address and port") << QByteArray("127.0.0.1:5000");
    QTest::newRow("localhost") << QByteArray("localhost");
    QTest::newRow("IPv6 loopback") << QByteArray("[::1]:5000");
    QTest::newRow("a LAN address") << QByteArray("192.168.1.10:5000");
}

void TestHttpService::ourHostsShouldBeServed()
{
    QFETCH(QByteArray, host);
    const QByteArray response = exchange(m_service->port(), "GET /healthz HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    QCOMPARE(RawClient::status(response), 200);
    // HTTP/1.0 clients may leave Host out; two Host headers are ambiguous.
    QCOMPARE(RawClient::status(exchange(m_service->port(), "GET /healthz HTTP/1.0\r\n\r\n")), 200);
    QCOMPARE(RawClient::status(exchange(m_service->port(), "GET /healthz HTTP/1.1\r\nHost: " + host
                                                              + "\r\nHost: evil.example\r\n\r\n")),
             400);
}

void TestHttpService::listedHostsShouldBeServedAtRequestTime()
{
    const QByteArray request = "GET /healthz HTTP/1.1\r\nHost: lab.example:8000\r\n\r\n";
    QCOMPARE(RawClient::status(exchange(m_service->port(), request)), 403);
    QString error;
    AccessPolicy::setCurrent(*AccessPolicy::fromSettings({}, QStringLiteral("lab.example"), QHostAddress::LocalHost, 8000, &error));
    QCOMPARE(RawClient::status(exchange(m_service->port(), request)), 200);
    QCOMPARE(RawClient::status(exchange(m_service->port(), "GET /healthz HTTP/1.1\r\nHost: evil.example\r\n\r\n")), 403);
    AccessPolicy::setCurrent(*AccessPolicy::fromSettings({}, QStringLiteral("*"), QHostAddress::LocalHost, 8000, &error));
    QCOMPARE(RawClient::status(exchange(m_service->port(), "GET /healthz HTTP/1.1\r\nHost: evil.example\r\n\r\n")), 200);
}

void TestHttpService::foreignOriginShouldGet403BeforeRouting_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::newRow("preflight") << QByteArray("OPTIONS /cors HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\n"
                                             "Access-Control-Request-Method: POST\r\n\r\n");
    // No preflight protects this one: a page may send it without asking.
    QTest::newRow("simple POST, no Content-Type")
        << QByteArray("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\nContent-Length: 2\r\n\r\n{}");
    QTest::newRow("our page's host on another port")
        << QByteArray("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1:8001\r\nContent-Length: 2\r\n\r\n{}");
    QTest::newRow("null (sandboxed frame)")
        << QByteArray("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: null\r\nContent-Length: 2\r\n\r\n{}");
    QTest::newRow("two Origins") << QByteArray("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1:8000\r\n"
                                               "Origin: http://evil.example\r\nContent-Length: 2\r\n\r\n{}");
    QTest::newRow("/metrics") << QByteArray("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\n\r\n");
}

void TestHttpService::foreignOriginShouldGet403BeforeRouting()
{
    QFETCH(QByteArray, request);
    const QByteArray response = exchange(m_service->port(), request);
    QCOMPARE(RawClient::status(response), 403);
    QCOMPARE(RawClient::header(response, "Content-Type"), QByteArrayLiteral("application/json"));
    QVERIFY2(errorOf(response).contains(QLatin1String("LAB_ALLOWED_ORIGINS")), qPrintable(errorOf(response)));
    QVERIFY(RawClient::header(response, "Access-Control-Allow-Origin").isEmpty());
    QCOMPARE(m_echoCalls, 0);
}

void TestHttpService::allowedOriginShouldGetACorsGrant_data()
{
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<QByteArray>("grant"); // expected Access-Control-Allow-Origin
    QTest::newRow("the browser UI") << QByteArray("http://127.0.0.1:8000") << QByteArray("127.0.0.1:5000")
                                    << QByteArray("http://127.0.0.1:8000");
    QTest::newRow("the browser UI as localhost") << QByteArray("http://localhost:8000") << QByteArray("127.0.0.1:5000")
                                                 << QByteArray("http://localhost:8000");
    // Same origin needs no grant (Swagger UI's "Try it out").
    QTest::newRow("same origin") << QByteArray("http://127.0.0.1:5000") << QByteArray("127.0.0.1:5000") << QByteArray();
    QTest::newRow("no Origin (curl, the console)") << QByteArray() << QByteArray("127.0.0.1:5000") << QByteArray();
}

void TestHttpService::allowedOriginShouldGetACorsGrant()
{
    QFETCH(QByteArray, origin);
    QFETCH(QByteArray, host);
    QFETCH(QByteArray, grant);
    const QByteArray originHeader = origin.isEmpty() ? QByteArray() : "Origin: " + origin + "\r\n";
    const QByteArray response = exchange(m_service->port(), "GET /cors HTTP/1.1\r\nHost: " + host + "\r\n" + originHeader + "\r\n");
    QCOMPARE(RawClient::status(response), 200);
    QCOMPARE(RawClient::header(response, "Access-Control-Allow-Origin"), grant);
    QCOMPARE(RawClient::header(response, "Vary"), QByteArrayLiteral("Origin"));

    const QHttpServerResponse preflight = cors::preflight("POST, OPTIONS", origin);
    QCOMPARE(preflight.statusCode(), QHttpServerResponse::StatusCode::NoContent);
    QCOMPARE(preflight.headers(QByteArrayLiteral("Access-Control-Allow-Origin")),
             grant.isEmpty() ? QList<QByteArray>() : QList<QByteArray>{grant});
    QCOMPARE(preflight.headers(QByteArrayLiteral("Access-Control-Allow-Methods")),
             QList<QByteArray>{QByteArrayLiteral("POST, OPTIONS")});
}

void TestHttpService::guardErrorsShouldBeReadableOnlyByAllowedOrigins()
{
    const QByteArray tooLarge = "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n";
    const QByteArray fromPage = exchange(m_service->port(), tooLarge + "Origin: http://127.0.0.1:8000\r\n\r\n");
    QCOMPARE(RawClient::status(fromPage), 413);
    QCOMPARE(RawClient::header(fromPage, "Access-Control-Allow-Origin"), QByteArrayLiteral("http://127.0.0.1:8000"));
    const QByteArray fromCurl = exchange(m_service->port(), tooLarge + "\r\n");
    QCOMPARE(RawClient::status(fromCurl), 413);
    QCOMPARE(RawClient::header(fromCurl, "Access-Control-Allow-Origin"), QByteArray());

    // On a kept-alive connection a grant belongs to its own request only: a header
    // block too large to read (431) after an allowed request carries none.
    RawClient client(m_service->port());
    QTRY_VERIFY_WITH_TIMEOUT(client.connected(), Timeout);
    client.send("GET /cors HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1:8000\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(client.responseCount(), 1, Timeout);
    QCOMPARE(RawClient::header(client.responses().at(0), "Access-Control-Allow-Origin"), QByteArrayLiteral("http://127.0.0.1:8000"));
    client.send("GET /cors HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + QByteArray(20 * 1024, 'p'));
    QTRY_COMPARE_WITH_TIMEOUT(client.responseCount(), 2, Timeout);
    QCOMPARE(RawClient::status(client.responses().at(1)), 431);
    QCOMPARE(RawClient::header(client.responses().at(1), "Access-Control-Allow-Origin"), QByteArray());
}

void TestHttpService::webSocketFromAForeignOriginShouldGet403BeforeTheHandshake_data()
{
    QTest::addColumn<QString>("origin");
    QTest::newRow("foreign") << QStringLiteral("http://evil.example");
    QTest::newRow("another port of ours") << QStringLiteral("http://127.0.0.1:8001");
    QTest::newRow("suffix trick") << QStringLiteral("http://127.0.0.1:8000.evil.example");
    QTest::newRow("null") << QStringLiteral("null");
}

void TestHttpService::webSocketFromAForeignOriginShouldGet403BeforeTheHandshake()
{
    QFETCH(QString, origin);
    // On the wire: 403 JSON and no 101 Switching Protocols after it.
    RawClient raw(m_service->port());
    QTRY_VERIFY_WITH_TIMEOUT(raw.connected(), Timeout);
    raw.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: "
             + origin.toLatin1() + "\r\n\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(raw.closed, Timeout);
    QCOMPARE(RawClient::status(raw.received), 403);
    QVERIFY2(errorOf(raw.responses().value(0)).contains(QLatin1String("LAB_ALLOWED_ORIGINS")), raw.received.constData());
    QVERIFY2(!raw.received.contains("101"), raw.received.constData());

    // A real client sees a failed handshake, never a connection.
    QWebSocket client(origin);
    QSignalSpy connected(&client, &QWebSocket::connected);
    QSignalSpy failed(&client, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error));
    client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_service->port())));
    QTRY_VERIFY_WITH_TIMEOUT(failed.count() > 0, Timeout);
    QCOMPARE(connected.count(), 0);
    QCOMPARE(m_webSockets, 0); // QHttpServer never saw the upgrade
}

void TestHttpService::webSocketFromOurPageOrANonBrowserShouldConnect_data()
{
    QTest::addColumn<QString>("origin");
    QTest::newRow("the browser UI") << QStringLiteral("http://127.0.0.1:8000");
    QTest::newRow("no Origin (the console, tools)") << QString();
    QTest::newRow("same origin") << QStringLiteral("http://127.0.0.1:%1"); // completed below
}

void TestHttpService::webSocketFromOurPageOrANonBrowserShouldConnect()
{
    QFETCH(QString, origin);
    if (origin.contains(QLatin1String("%1")))
        origin = origin.arg(m_service->port());
    QWebSocket client(origin);
    QSignalSpy connected(&client, &QWebSocket::connected);
    client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_service->port())));
    QVERIFY(connected.wait(Timeout));
    QTRY_COMPARE_WITH_TIMEOUT(m_webSockets, 1, Timeout);
    client.close();
}

QTEST_GUILESS_MAIN(TestHttpService)
#include "tst_httpservice.moc"
