// tst_notifierlogic: notifier-service's pieces that need no Kafka or Redis: the bounded
// dedupe set, static file resolution (MIME types, no way out of the UI directory, the
// page's security headers), and the WebSocket hub over loopback (backlog then live
// fan-out, deduplication, closing misbehaving clients).
// (Origins are refused before the handshake by HttpService: tst_httpservice.)
#include "notificationhub.h"
#include "recentids.h"
#include "staticfiles.h"

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
    // One order, one created_at: a republished notification repeats it.
    n.createdAt = QDateTime::fromMSecsSinceEpoch(1764547200000 + orderId, Qt::UTC);
    n.notifiedAt = QDateTime::currentDateTimeUtc();
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
    }

    void init()
    {
        NotificationHub::Options options;
        options.dedupeWindow = 3;
        options.backlogSize = 4;
        m_hub = std::make_unique<NotificationHub>(options);
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
        QVERIFY(ids.insert(1, 100));
        QVERIFY(!ids.insert(1, 100));
        QVERIFY(ids.insert(2, 100));
        QVERIFY(ids.insert(3, 100));
        QVERIFY(ids.insert(4, 100)); // evicts 1, the oldest
        QCOMPARE(ids.size(), 3);
        QVERIFY(!ids.contains(1, 100));
        QVERIFY(ids.contains(4, 100));
        QVERIFY(!ids.insert(2, 100));
        QVERIFY(ids.insert(1, 100));
    }

    // An id used again after ORDER_RETENTION freed it is a new order (a new
    // created_at): delivered, while a republication of either stays a duplicate.
    void shouldTellAReusedIdFromARepublication()
    {
        RecentIds ids(10);
        QVERIFY(ids.insert(7, 1000));
        QVERIFY(ids.insert(7, 2000));
        QVERIFY(!ids.insert(7, 1000));
        QVERIFY(!ids.insert(7, 2000));
        QCOMPARE(ids.size(), 2);

        lab::Notification first = notification(8);
        lab::Notification reused = notification(8);
        reused.createdAt = first.createdAt.addDays(8);
        QVERIFY(m_hub->deliver(first));
        QVERIFY(m_hub->deliver(reused));
        QVERIFY(!m_hub->deliver(first));
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

    // A client gets what the hub delivered before it connected (the newest backlogSize,
    // oldest first by notified_at, marked backlog) and then every later one live: each
    // order once, in one or the other.
    void shouldSendTheBacklogThenLiveEachOnce()
    {
        NotificationHub::Options options;
        options.backlogSize = 3;
        NotificationHub hub(options);
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        const auto at = [&](qint64 id, int ms) {
            lab::Notification n = notification(id);
            n.notifiedAt = t0.addMSecs(ms);
            return n;
        };
        // Read from several partitions at start: not in notified_at order.
        QVERIFY(hub.deliver(at(1, 10)));
        QVERIFY(hub.deliver(at(4, 40)));
        QVERIFY(hub.deliver(at(2, 20)));
        QVERIFY(hub.deliver(at(5, 50)));
        QVERIFY(hub.deliver(at(3, 30)));
        QCOMPARE(hub.backlog().size(), 3); // the newest three
        QCOMPARE(hub.backlog().first().orderId, qint64(3));
        QCOMPARE(hub.backlog().last().orderId, qint64(5));

        QWebSocketServer server(QStringLiteral("tst"), QWebSocketServer::NonSecureMode);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        connect(&server, &QWebSocketServer::newConnection, &hub, [&] {
            while (auto *s = server.nextPendingConnection()) {
                hub.addClient(s);
                QVERIFY(hub.deliver(at(6, 60))); // right after the backlog: live
                QVERIFY(!hub.deliver(at(5, 50))); // republished: not again
            }
        });
        QWebSocket client;
        QList<lab::Notification> got;
        connect(&client, &QWebSocket::textMessageReceived, this, [&got](const QString &text) {
            const auto n = lab::Notification::fromJson(text.toUtf8());
            QVERIFY2(n.ok(), qPrintable(n.error));
            got.append(*n.value);
        });
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(server.serverPort())));
        QTRY_COMPARE(got.size(), 4);
        QVERIFY(hub.deliver(at(7, 70)));
        QTRY_COMPARE(got.size(), 5);
        const QList<qint64> order{3, 4, 5, 6, 7};
        for (int i = 0; i < got.size(); ++i) {
            QCOMPARE(got[i].orderId, order[i]);
            QCOMPARE(got[i].backlog, i < 3);
        }
        QCOMPARE(hub.backlog().size(), 3);
        QCOMPARE(hub.backlog().last().orderId, qint64(7));
        QCOMPARE(hub.backlog().last().backlog, false);
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
        m_hub = std::make_unique<NotificationHub>(options);
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
