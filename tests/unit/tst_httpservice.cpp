// tst_httpservice: the HTTP face every service shares (shared/lab/httpservice.h):
// health, metrics, JSON 404, the request guard (413/431/411/400 before the body is
// read), a failing listen(), and answers given later by asynchronous handlers.
// Everything runs on 127.0.0.1 with an OS-chosen port; waits use QTRY_*, never sleeps.
#include "lab/events.h"
#include "lab/httpservice.h"
#include "lab/metrics.h"

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

private:
    Reply fetch(const QByteArray &verb, const QString &path, const QByteArray &body = {});

    std::unique_ptr<HttpService> m_service;
    QNetworkAccessManager m_nam;
    bool m_kafkaUp = true;
    int m_echoCalls = 0;
    bool m_asyncAnswered = false;
    bool m_secondAnswerRefused = false;
    std::shared_ptr<DeferredResponse> m_held;
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

    QString error;
    QVERIFY2(m_service->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    QVERIFY(m_service->port() != 0);
}

void TestHttpService::cleanupTestCase()
{
    m_held.reset();
    m_service.reset();
}

void TestHttpService::init()
{
    m_kafkaUp = true;
    m_echoCalls = 0;
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
    client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(trickyBody.size())
                + "\r\n\r\n" + trickyBody);
    QTRY_COMPARE_WITH_TIMEOUT(client.responseCount(), 1, Timeout);
    client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
    QTRY_COMPARE_WITH_TIMEOUT(client.responseCount(), 2, Timeout);
    QCOMPARE(RawClient::status(client.responses().at(0)), 200);
    QCOMPARE(RawClient::status(client.responses().at(1)), 200);
    QCOMPARE(m_echoCalls, 2);

    // A third, oversized request on the same connection is still caught.
    client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(client.responseCount(), 3, Timeout);
    QCOMPARE(RawClient::status(client.responses().at(2)), 413);
    QCOMPARE(m_echoCalls, 2);
}

void TestHttpService::expectContinueShouldBeAnsweredForAcceptableBodies()
{
    // curl sends "Expect: 100-continue" for larger bodies and waits (1 s) for it.
    RawClient client(m_service->port());
    QTRY_VERIFY_WITH_TIMEOUT(client.connected(), Timeout);
    client.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
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
    big.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(big.responseCount(), 1, Timeout);
    QCOMPARE(RawClient::status(big.responses().first()), 413);
}

void TestHttpService::requestErrorsShouldBeAnsweredByTheGuard_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");

    QTest::newRow("chunked body") << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                "5\r\nhello\r\n")
                                  << 411 << "Content-Length";
    QTest::newRow("chunked, odd case") << QByteArray("POST /echo HTTP/1.1\r\nhost: x\r\ntransfer-encoding: Chunked\r\n\r\n")
                                       << 411 << "Content-Length";
    QTest::newRow("header block over 16 KiB")
        << "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + QByteArray(20 * 1024, 'p')
        << 431 << "header too large";
    QTest::newRow("non-numeric Content-Length")
        << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n") << 400
        << "Content-Length";
    QTest::newRow("conflicting Content-Length")
        << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc")
        << 400 << "Content-Length";
    QTest::newRow("absurd Content-Length")
        << QByteArray("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n")
        << 413 << "too large";
    QTest::newRow("bare LF line endings")
        << QByteArray("POST /echo HTTP/1.1\nHost: x\nContent-Length: 100000\n\n") << 413 << "too large";
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
        client.send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
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

QTEST_GUILESS_MAIN(TestHttpService)
#include "tst_httpservice.moc"
