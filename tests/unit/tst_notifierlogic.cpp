// tst_notifierlogic: notifier-service's pieces that need no Kafka or Redis: the bounded
// dedupe set, static file resolution (MIME types, no way out of the UI directory, the
// page's security headers), and the WebSocket hub over loopback (live fan-out,
// deduplication, closing misbehaving clients) with Redis unreachable (so no backlog).
// (Origins are refused before the handshake by HttpService: tst_httpservice.)
#include "notificationhub.h"
#include "recentids.h"
#include "staticfiles.h"

#include "lab/redisclient.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

using notifier::NotificationHub;
using notifier::RecentIds;
using notifier::StaticFiles;

namespace {

lab::Notification notification(qint64 orderId)
{
    lab::Notification n;
    n.orderId = orderId;
    n.item = QStringLiteral("mouse");
    n.quantity = 2;
    n.status = lab::Notification::Status::Confirmed;
    n.createdAt = QDateTime::currentDateTimeUtc();
    n.notifiedAt = n.createdAt;
    return n;
}

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

} // namespace

class TestNotifierLogic : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_root;

    // Loopback WebSocket plumbing for the hub tests.
    std::unique_ptr<lab::RedisClient> m_redis;
    std::unique_ptr<NotificationHub> m_hub;
    std::unique_ptr<QWebSocketServer> m_server;

    std::unique_ptr<QWebSocket> connectClient(const QString &path, QStringList *received)
    {
        auto client = std::make_unique<QWebSocket>();
        connect(client.get(), &QWebSocket::textMessageReceived, this,
                [received](const QString &m) { received->append(m); });
        QSignalSpy connected(client.get(), &QWebSocket::connected);
        client->open(QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(m_server->serverPort()).arg(path)));
        if (!connected.wait(5000))
            return nullptr;
        return client;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_root = m_dir.path() + QStringLiteral("/ui");
        writeFile(m_root + QStringLiteral("/index.html"), "<h1>ui</h1>");
        writeFile(m_root + QStringLiteral("/app.js"), "console.log(1)");
        writeFile(m_root + QStringLiteral("/css/site.css"), "body{}");
        writeFile(m_root + QStringLiteral("/docs/index.html"), "<p>docs</p>");
        writeFile(m_dir.path() + QStringLiteral("/secret.txt"), "secret");
        QVERIFY(QFile::link(m_dir.path() + QStringLiteral("/secret.txt"), m_root + QStringLiteral("/escape.txt")));

        // Nothing listens on port 1: the backlog query fails fast and clients go live.
        m_redis = std::make_unique<lab::RedisClient>(QStringLiteral("127.0.0.1"), 1);
    }

    void init()
    {
        NotificationHub::Options options;
        options.dedupeWindow = 3;
        m_hub = std::make_unique<NotificationHub>(lab::Names(QStringLiteral("tst")), m_redis.get(), options);
        m_server = std::make_unique<QWebSocketServer>(QStringLiteral("tst"), QWebSocketServer::NonSecureMode);
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
        connect(m_server.get(), &QWebSocketServer::newConnection, m_hub.get(), [this] {
            while (auto *s = m_server->nextPendingConnection())
                m_hub->addClient(s);
        });
    }

    void cleanup()
    {
        m_server.reset();
        m_hub.reset();
    }

    // ------------------------------------------------------------ RecentIds

    void shouldRememberRecentIdsWithinCapacity()
    {
        RecentIds ids(3);
        QVERIFY(ids.insert(1));
        QVERIFY(!ids.insert(1));
        QVERIFY(ids.insert(2));
        QVERIFY(ids.insert(3));
        QVERIFY(ids.insert(4)); // evicts 1, the oldest
        QCOMPARE(ids.size(), 3);
        QVERIFY(!ids.contains(1));
        QVERIFY(ids.contains(4));
        QVERIFY(!ids.insert(2));
        QVERIFY(ids.insert(1));
    }

    // ------------------------------------------------------------ StaticFiles

    void shouldServeFilesWithTheirMimeType_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("mime");
        QTest::newRow("root") << "/" << "index.html" << QByteArray("text/html; charset=utf-8");
        QTest::newRow("empty") << "" << "index.html" << QByteArray("text/html; charset=utf-8");
        QTest::newRow("script") << "/app.js" << "app.js" << QByteArray("text/javascript; charset=utf-8");
        QTest::newRow("nested") << "/css/site.css" << "css/site.css" << QByteArray("text/css; charset=utf-8");
        QTest::newRow("directory") << "/docs" << "docs/index.html" << QByteArray("text/html; charset=utf-8");
        QTest::newRow("directory slash") << "/docs/" << "docs/index.html" << QByteArray("text/html; charset=utf-8");
        QTest::newRow("dot segments inside") << "/css/../app.js" << "app.js" << QByteArray("text/javascript; charset=utf-8");
        QTest::newRow("double slash") << "//app.js" << "app.js" << QByteArray("text/javascript; charset=utf-8");
    }
    void shouldServeFilesWithTheirMimeType()
    {
        QFETCH(QString, path);
        QFETCH(QString, file);
        QFETCH(QByteArray, mime);
        const StaticFiles files(m_root);
        QVERIFY(files.isValid());
        const auto found = files.resolve(path);
        QCOMPARE(found.status, StaticFiles::Lookup::Status::Found);
        QCOMPARE(found.filePath, QFileInfo(m_root + u'/' + file).canonicalFilePath());
        QCOMPARE(found.mimeType, mime);
    }

    void shouldNeverLeaveTheDirectory_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("parent") << "/../secret.txt";
        QTest::newRow("deep parent") << "/css/../../secret.txt";
        QTest::newRow("many parents") << "/../../../../../../etc/passwd";
        QTest::newRow("symlink out") << "/escape.txt";
        QTest::newRow("missing") << "/nope.html";
        QTest::newRow("backslash") << "/..\\secret.txt";
        QTest::newRow("nul") << QStringLiteral("/index.html") + QChar(0);
        QTest::newRow("directory without index") << "/css";
    }
    void shouldNeverLeaveTheDirectory()
    {
        QFETCH(QString, path);
        const StaticFiles files(m_root);
        QCOMPARE(files.resolve(path).status, StaticFiles::Lookup::Status::NotFound);
    }

    void shouldServeNothingFromAMissingDirectory()
    {
        const StaticFiles files(m_dir.path() + QStringLiteral("/does-not-exist"));
        QVERIFY(!files.isValid());
        QCOMPARE(files.resolve(QStringLiteral("/")).status, StaticFiles::Lookup::Status::NotFound);
    }

    void shouldKnowCommonMimeTypes_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("mime");
        QTest::newRow("svg") << "a.svg" << QByteArray("image/svg+xml");
        QTest::newRow("png upper") << "A.PNG" << QByteArray("image/png");
        QTest::newRow("json") << "x.json" << QByteArray("application/json");
        QTest::newRow("unknown") << "x.bin" << QByteArray("application/octet-stream");
        QTest::newRow("none") << "Makefile" << QByteArray("application/octet-stream");
    }
    void shouldKnowCommonMimeTypes()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, mime);
        QCOMPARE(StaticFiles::mimeTypeFor(name), mime);
    }

    // ------------------------------------------------------------ hub

    void shouldFanOutEachOrderOnceToEveryClient()
    {
        QStringList a, b;
        auto clientA = connectClient(QStringLiteral("/ws"), &a);
        auto clientB = connectClient(QStringLiteral("/ws"), &b);
        QVERIFY(clientA && clientB);
        QTRY_COMPARE(m_hub->clientCount(), 2);

        QVERIFY(m_hub->deliver(notification(1)));
        QVERIFY(m_hub->deliver(notification(2)));
        QVERIFY(!m_hub->deliver(notification(1))); // republished: dropped
        QTRY_COMPARE(a.size(), 2);
        QTRY_COMPARE(b.size(), 2);
        const auto first = lab::Notification::fromJson(a.first().toUtf8());
        QVERIFY2(first.ok(), qPrintable(first.error));
        QCOMPARE(first.value->orderId, qint64(1));
        QCOMPARE(first.value->backlog, false);
        QCOMPARE(lab::Notification::fromJson(b.last().toUtf8()).value->orderId, qint64(2));
        // Nothing more arrives for the duplicate.
        QVERIFY(m_hub->deliver(notification(3)));
        QTRY_COMPARE(a.size(), 3);
        QCOMPARE(lab::Notification::fromJson(a.last().toUtf8()).value->orderId, qint64(3));
    }

    void shouldForgetOnlyBeyondTheDedupeWindow()
    {
        for (qint64 id = 10; id < 14; ++id) // window 3: 10 falls out
            QVERIFY(m_hub->deliver(notification(id)));
        QVERIFY(!m_hub->deliver(notification(13)));
        QVERIFY(m_hub->deliver(notification(10)));
    }

    void shouldCloseClientsThatSendBinary()
    {
        QStringList got;
        auto client = connectClient(QStringLiteral("/ws"), &got);
        QVERIFY(client);
        QTRY_COMPARE(m_hub->clientCount(), 1);
        client->sendTextMessage(QStringLiteral("hello")); // ignored
        client->sendBinaryMessage(QByteArray("\x01\x02", 2));
        QTRY_COMPARE_WITH_TIMEOUT(client->state(), QAbstractSocket::UnconnectedState, 5000);
        QCOMPARE(client->closeCode(), QWebSocketProtocol::CloseCodeDatatypeNotSupported);
        QTRY_COMPARE(m_hub->clientCount(), 0);
    }

    void shouldCloseClientsThatSendTooMuch()
    {
        QStringList got;
        auto client = connectClient(QStringLiteral("/ws"), &got);
        QVERIFY(client);
        client->sendTextMessage(QString(100000, QLatin1Char('x')));
        QTRY_COMPARE_WITH_TIMEOUT(client->state(), QAbstractSocket::UnconnectedState, 5000);
        QCOMPARE(client->closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    }

    void shouldCloseUnknownPaths()
    {
        QStringList got;
        auto wrongPath = connectClient(QStringLiteral("/other"), &got);
        QVERIFY(wrongPath);
        QTRY_COMPARE_WITH_TIMEOUT(wrongPath->state(), QAbstractSocket::UnconnectedState, 5000);
        QCOMPARE(wrongPath->closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);

        QStringList rightGot;
        auto right = connectClient(QStringLiteral("/ws"), &rightGot);
        QVERIFY(right);
        QTRY_COMPARE(m_hub->clientCount(), 1);
        QVERIFY(m_hub->deliver(notification(77)));
        QTRY_COMPARE(rightGot.size(), 1);
    }

    void shouldCloseClientsThatDoNotRead()
    {
        // A tiny queue limit makes the first message overflow it.
        m_hub.reset();
        NotificationHub::Options options;
        options.maxQueueBytes = 1024;
        m_hub = std::make_unique<NotificationHub>(lab::Names(QStringLiteral("tst")), m_redis.get(), options);
        disconnect(m_server.get(), nullptr, nullptr, nullptr);
        connect(m_server.get(), &QWebSocketServer::newConnection, m_hub.get(), [this] {
            while (auto *s = m_server->nextPendingConnection())
                m_hub->addClient(s);
        });
        QStringList got;
        auto client = connectClient(QStringLiteral("/ws"), &got);
        QVERIFY(client);
        QTRY_COMPARE(m_hub->clientCount(), 1);
        lab::Notification big = notification(5);
        big.item = QString(200, QLatin1Char('m'));
        for (qint64 id = 100; id < 200; ++id) {
            big.orderId = id;
            m_hub->deliver(big);
        }
        QTRY_COMPARE_WITH_TIMEOUT(client->state(), QAbstractSocket::UnconnectedState, 10000);
        QCOMPARE(client->closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    }
};

QTEST_GUILESS_MAIN(TestNotifierLogic)
#include "tst_notifierlogic.moc"
