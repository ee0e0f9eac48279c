// tst_chaos: fault injection under load. The promise under test: an order answered 2xx
// reaches exactly one terminal notification (counted on a WebSocket client) and exactly
// one search document, whatever fails; an order answered 503 reaches neither.
//
// Every test function is one phase: a steady stream of orders (CHAOS_RATE per second)
// goes to POST /create_order while one fault is injected, then a full audit of the
// phase's orders: lost (2xx without a notification or document), duplicates (two
// notifications for one order on one client) and ghosts (503 orders that show up).
//
// Faults stop and start REAL infrastructure, so this test refuses to run unless
// tools/chaos.sh started an isolated Kafka/Redis/Elasticsearch for it (own LAB_STATE,
// own ports, CHAOS_ISOLATED=1): it must never touch the shared lab on 9092/6379/9200.
// CHAOS_LONG=1 selects the long form (higher rate, longer phases, 60 s ES outage,
// Redis SIGKILL). CHAOS_CLUSTER=1 (tools/chaos.sh --cluster: three Kafka nodes, Redis
// behind Sentinel) runs the cluster phases instead: a partition leader SIGKILLed, a
// broker stopped 30 s, a rolling restart, the active controller SIGKILLed, the Redis
// master SIGKILLed, and SIGKILLed while its replica lags 2 s behind
// (CHAOS_REDIS_REPLICA_WAIT_MS sets the services' REDIS_REPLICA_WAIT_MS, to see what
// that costs without it). CHAOS_REPORT=<file> gets a Markdown table of the results.
#include "servicestack.h"
#include "testinfra.h"

#include "lab/contract/events.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>
#include <QtTest>

#include <algorithm>
#include <memory>
#include <vector>

#ifdef Q_OS_UNIX
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

using labtest::ServiceStack;

namespace {

qint64 now() { return QDateTime::currentMSecsSinceEpoch(); }

int envInt(const char *name, int fallback)
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue(name, &ok);
    return ok ? v : fallback;
}

/// What happened to one POST /create_order.
struct Order
{
    qint64 id = 0;
    int phase = 0;
    qint64 sentAt = 0;
    qint64 answeredAt = 0;
    int status = -1; ///< -1 in flight, 0 no HTTP answer, else the status code
    bool duringFault = false;
};

/// A steady stream of orders at a fixed rate, each with its own id; records every answer.
class Load : public QObject
{
public:
    explicit Load(const QUrl &url) : m_url(url)
    {
        // One QNetworkAccessManager opens 6 connections per host: enough of them that a
        // request is never queued behind slow ones (the 503 latency is measured).
        for (int i = 0; i < 64; ++i)
            m_nams.push_back(std::make_unique<QNetworkAccessManager>());
        m_tick.setInterval(10);
        connect(&m_tick, &QTimer::timeout, this, [this] { onTick(); });
    }

    void start(int phase, const QString &item, int ratePerSecond)
    {
        m_phase = phase;
        m_item = item;
        m_rate = ratePerSecond;
        m_sentThisRun = 0;
        m_clock.start();
        m_tick.start();
    }
    void stop() { m_tick.stop(); }
    void setFault(bool on) { m_fault = on; }
    int inFlight() const { return m_inFlight; }
    QHash<qint64, Order> &orders() { return m_orders; }
    const QHash<qint64, Order> &orders() const { return m_orders; }

private:
    void onTick()
    {
        const qint64 due = m_clock.elapsed() * m_rate / 1000 - m_sentThisRun;
        for (qint64 i = 0; i < qMin<qint64>(due, 50); ++i)
            send();
    }

    void send()
    {
        Order o;
        o.id = m_nextId++;
        o.phase = m_phase;
        o.sentAt = now();
        o.duringFault = m_fault;
        m_orders.insert(o.id, o);
        ++m_sentThisRun;
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("order_id"), o.id},
                                                          {QStringLiteral("item"), m_item},
                                                          {QStringLiteral("quantity"), 1}})
                                    .toJson(QJsonDocument::Compact);
        QNetworkRequest req(m_url);
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        req.setTransferTimeout(15000);
        QNetworkReply *reply = m_nams[m_next++ % m_nams.size()]->post(req, body);
        ++m_inFlight;
        const qint64 id = o.id;
        connect(reply, &QNetworkReply::finished, this, [this, reply, id] {
            reply->deleteLater();
            --m_inFlight;
            Order &order = m_orders[id];
            order.answeredAt = now();
            order.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        });
    }

    QUrl m_url;
    std::vector<std::unique_ptr<QNetworkAccessManager>> m_nams;
    size_t m_next = 0;
    QTimer m_tick;
    QElapsedTimer m_clock;
    qint64 m_nextId = 1;
    qint64 m_sentThisRun = 0;
    int m_rate = 50;
    int m_phase = 0;
    QString m_item;
    bool m_fault = false;
    int m_inFlight = 0;
    QHash<qint64, Order> m_orders;
};

/// A WebSocket client counting the notifications it receives per order and their
/// delivery delay. One connection, never reopened: each order must reach it once. The
/// backlog sent on connect counts as a delivery, because an order published just after
/// the client connected may reach it in the backlog instead of live (the hub then does
/// not send it live again): the promise is once, through either.
class Feed : public QObject
{
public:
    explicit Feed(const QUrl &url)
    {
        connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            const auto n = lab::Notification::fromJson(text.toUtf8());
            if (!n.ok()) {
                ++m_malformed;
                return;
            }
            const qint64 t = now();
            ++m_count[n.value->orderId];
            if (n.value->backlog) {
                ++m_backlog;
                return; // no delivery delay: it may have been decided long ago
            }
            m_receivedAt.insert(n.value->orderId, t);
            m_delay.insert(n.value->orderId, t - n.value->notifiedAt.toMSecsSinceEpoch());
        });
        connect(&m_socket, &QWebSocket::connected, this, [this] { m_connectedAt = now(); });
        connect(&m_socket, &QWebSocket::disconnected, this, [this] { ++m_disconnects; });
        m_socket.open(url);
    }
    bool waitConnected()
    {
        if (m_socket.state() == QAbstractSocket::ConnectedState)
            return true;
        QSignalSpy spy(&m_socket, &QWebSocket::connected);
        return spy.wait(10000);
    }
    qint64 connectedAt() const { return m_connectedAt; } ///< 0 until connected
    int backlogMessages() const { return m_backlog; }
    int count(qint64 id) const { return m_count.value(id); }
    qint64 receivedAt(qint64 id) const { return m_receivedAt.value(id); }
    qint64 delay(qint64 id) const { return m_delay.value(id, -1); }
    int disconnects() const { return m_disconnects; }
    int malformed() const { return m_malformed; }
    int distinct() const { return int(m_count.size()); }

private:
    QWebSocket m_socket;
    QHash<qint64, int> m_count;
    QHash<qint64, qint64> m_receivedAt;
    QHash<qint64, qint64> m_delay;
    int m_disconnects = 0;
    int m_malformed = 0;
    int m_backlog = 0;
    qint64 m_connectedAt = 0;
};

/// Asks `./lab infra quorum` (Kafka's MetadataQuorumCommand) in a loop, without blocking
/// the event loop, until a node other than `old` leads the controller quorum.
class ControllerWatch : public QObject
{
public:
    ControllerWatch(const QString &lab, int old) : m_lab(lab), m_old(old) { ask(); }
    int elected() const { return m_elected; }
    qint64 electedAt() const { return m_electedAt; }
    qint64 roundMs() const { return m_rounds ? m_spentMs / m_rounds : 0; }

private:
    void ask()
    {
        auto *p = new QProcess(this);
        const qint64 started = now();
        connect(p, &QProcess::finished, this, [this, p, started] {
            p->deleteLater();
            m_spentMs += now() - started;
            ++m_rounds;
            static const QRegularExpression leader(QStringLiteral("^LeaderId:\\s*(\\d+)"), QRegularExpression::MultilineOption);
            const auto m = leader.match(QString::fromUtf8(p->readAllStandardOutput()));
            const int id = m.hasMatch() ? m.captured(1).toInt() : -1;
            if (id > 0 && id != m_old) {
                m_elected = id;
                m_electedAt = now();
                return;
            }
            ask();
        });
        p->start(m_lab, {QStringLiteral("infra"), QStringLiteral("quorum")});
    }
    QString m_lab;
    int m_old;
    int m_elected = -1;
    qint64 m_electedAt = 0;
    qint64 m_spentMs = 0;
    int m_rounds = 0;
};

/// One phase's numbers, for the summary.
struct PhaseResult
{
    QString name;
    QString fault;
    int faults = 0;
    int sent = 0;
    int duringFault = 0;
    int ok = 0;
    int unavailable = 0;
    int noAnswer = 0;
    int otherStatus = 0;
    int lost = 0;
    int duplicates = 0;
    int ghosts = 0;
    qint64 auditMs = 0;
    qint64 slowestMs = 0; ///< the slowest HTTP answer of the phase
    QString note;
    bool passed = false;
};

} // namespace

class TestChaos : public QObject
{
    Q_OBJECT

private:
    bool m_long = false;
    int m_rate = 50;
    int m_killLoadMs = 10000;
    int m_kafkaDownMs = 20000;
    int m_esDownMs = 15000;
    int m_auditTimeoutMs = 120000;
    bool m_cluster = false;
    int m_kafkaTimeoutMs = 2000; ///< ORDER_KAFKA_TIMEOUT_MS; the service's default 5000 in the cluster form
    int m_redisWaitMs = -1;      ///< CHAOS_REDIS_REPLICA_WAIT_MS for the services; -1: their default

    std::unique_ptr<ServiceStack> m_stack;
    std::unique_ptr<Load> m_load;
    std::unique_ptr<Feed> m_feed;      ///< the auditor: on notifier instance 0, never killed
    std::unique_ptr<Feed> m_feedOther; ///< on notifier instance m_notifierOther (killed once)
    QHash<QString, int> m_current;     ///< service -> index of its live instance
    int m_notifierOther = 1;
    int m_phase = 0;
    QList<PhaseResult> m_results; ///< one row per phase that began, in order
    int m_row = -1;               ///< the current test function's row, -1 before beginPhase()
    bool m_setupDone = false;
    QNetworkAccessManager m_nam;

    // ------------------------------------------------------------ helpers
    /// What a program printed (stdout and stderr) and its exit code (-1: it crashed or
    /// did not end within timeoutMs), run without blocking the event loop: the load
    /// keeps flowing meanwhile.
    struct ToolRun
    {
        int exitCode = -1;
        QByteArray output;
    };
    ToolRun runTool(const QString &program, const QStringList &args, int timeoutMs)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(program, args);
        const bool done = QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, timeoutMs);
        ToolRun r;
        r.output = p.readAll();
        if (!done) {
            p.kill();
            p.waitForFinished(5000);
            qWarning("%s %s timed out:\n%s", qPrintable(program), qPrintable(args.join(' ')), r.output.constData());
            return r;
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        return r;
    }

    /// `./lab ARGS` against the isolated infrastructure (the environment tools/chaos.sh
    /// exported).
    int lab(const QStringList &args, int timeoutMs = 180000)
    {
        const ToolRun r = runTool(labtest::sourceDir() + QStringLiteral("/lab"), args, timeoutMs);
        qInfo("./lab %s -> %d", qPrintable(args.join(' ')), r.exitCode);
        if (r.exitCode != 0)
            qWarning("%s", r.output.constData());
        return r.exitCode;
    }

    // ------------------------------------------------------------ cluster form
    struct KafkaPartition
    {
        QString topic;
        int id = -1;
        int leader = -1;
    };
    /// The cluster as `lab-admin describe` sees it (librdkafka metadata).
    struct KafkaState
    {
        bool ok = false; ///< the metadata request was answered
        QList<int> brokers;
        QList<KafkaPartition> partitions;
        int underReplicated = -1;
        int offline = -1;
        /// every node registered, every partition with a leader and all its replicas in sync
        bool healthy() const { return ok && brokers.size() == 3 && underReplicated == 0 && offline == 0; }
        QHash<int, int> leaders(const QString &topic) const ///< partition -> leader
        {
            QHash<int, int> out;
            for (const KafkaPartition &p : partitions)
                if (p.topic == topic)
                    out.insert(p.id, p.leader);
            return out;
        }
    };
    KafkaState describeKafka()
    {
        KafkaState st;
        const ToolRun r = runTool(labtest::buildDir() + QStringLiteral("/tools/lab-admin/lab-admin"),
                                  {QStringLiteral("describe"), QStringLiteral("--kafka-brokers"), labtest::kafkaBrokers()}, 30000);
        if (r.exitCode != 0)
            return st;
        const auto value = [](const QByteArray &field) { return field.mid(field.indexOf('=') + 1); };
        for (const QByteArray &line : r.output.split('\n')) {
            const QList<QByteArray> f = line.split('\t');
            if (f.first() == "broker" && f.size() >= 3) {
                st.brokers.append(f.at(1).toInt());
            } else if (f.first() == "partition" && f.size() >= 6) {
                st.partitions.append({QString::fromUtf8(f.at(1)), f.at(2).toInt(), value(f.at(3)).toInt()});
            } else if (f.first() == "summary" && f.size() >= 4) {
                st.underReplicated = value(f.at(2)).toInt();
                st.offline = value(f.at(3)).toInt();
                st.ok = true;
            }
        }
        return st;
    }
    QString orderTopic() const { return m_stack->ns() + QStringLiteral(".order.created"); }

    /// Waits until every node is back and every replica in sync (bounded only as a
    /// hang detector); the time it took, -1 if it never happened.
    qint64 waitKafkaHealthy(int timeoutMs = 300000)
    {
        QElapsedTimer t;
        t.start();
        const bool ok = QTest::qWaitFor([this] { return describeKafka().healthy(); }, timeoutMs);
        return ok ? t.elapsed() : -1;
    }

    /// The node id of the active controller (the leader of the controller quorum), from
    /// Kafka's own tool through `./lab infra quorum`; -1 when it cannot be read.
    int activeController()
    {
        const ToolRun r = runTool(labtest::sourceDir() + QStringLiteral("/lab"), {QStringLiteral("infra"), QStringLiteral("quorum")}, 60000);
        static const QRegularExpression leader(QStringLiteral("^LeaderId:\\s*(\\d+)"), QRegularExpression::MultilineOption);
        const auto m = leader.match(QString::fromUtf8(r.output));
        return r.exitCode == 0 && m.hasMatch() ? m.captured(1).toInt() : -1;
    }

    /// SIGKILL a process ./lab started, by its pid file (a crash: nothing is flushed).
    bool killByPidFile(const QString &name)
    {
        QFile pidFile(qEnvironmentVariable("LAB_STATE") + QStringLiteral("/run/%1.pid").arg(name));
        if (!pidFile.open(QIODevice::ReadOnly))
            return false;
        const QByteArray pid = pidFile.readAll().trimmed();
        return QProcess::execute(QStringLiteral("kill"), {QStringLiteral("-KILL"), QString::fromLatin1(pid)}) == 0;
    }

    /// The orders of this phase sent in [from, to): how many, how many got 503, and the
    /// slowest answer among them.
    QString ordersBetween(qint64 from, qint64 to)
    {
        int n = 0, unavailable = 0;
        qint64 slowest = 0;
        for (const Order &o : std::as_const(m_load->orders())) {
            if (o.phase != m_phase || o.sentAt < from || o.sentAt >= to)
                continue;
            ++n;
            unavailable += o.status == 503 ? 1 : 0;
            if (o.answeredAt > 0)
                slowest = qMax(slowest, o.answeredAt - o.sentAt);
        }
        return QStringLiteral("%1 orders, %2 × 503, slowest answer %3 ms").arg(n).arg(unavailable).arg(slowest);
    }

    /// The promise of a failure: an answer within ORDER_KAFKA_TIMEOUT_MS plus scheduling
    /// slack (generous for a busy machine), never a hang. Checked after endPhase().
    void requireBoundedAnswers()
    {
        const qint64 bound = m_kafkaTimeoutMs + 3000;
        row().passed = row().passed && row().slowestMs <= bound;
        QVERIFY2(row().slowestMs <= bound, qPrintable(QStringLiteral("an order waited %1 ms for its answer (bound %2 ms)")
                                                          .arg(row().slowestMs).arg(bound)));
    }

    /// Kafka node `node` fails under load: SIGKILL (kill) or a clean stop (SIGTERM, a
    /// controlled shutdown); the load stays on the other two for downMs, then the node is
    /// started again and the phase waits until every replica is in sync again.
    void brokerFault(int node, bool kill, int downMs)
    {
        const QString name = QStringLiteral("kafka-%1").arg(node);
        const QHash<int, int> before = describeKafka().leaders(orderTopic());
        QList<int> led;
        for (auto it = before.cbegin(); it != before.cend(); ++it)
            if (it.value() == node)
                led.append(it.key());
        m_load->setFault(true);
        const qint64 faultAt = now();
        if (kill)
            QVERIFY2(killByPidFile(name), qPrintable(QStringLiteral("could not SIGKILL %1").arg(name)));
        else
            QCOMPARE(lab({QStringLiteral("infra"), QStringLiteral("stop"), name}), 0);
        ++row().faults;
        const qint64 downAt = now();
        // until another node leads the partitions of order.created that it led
        qint64 movedAt = 0;
        (void)QTest::qWaitFor([&] {
            const KafkaState st = describeKafka();
            if (!st.ok)
                return false;
            const QHash<int, int> leaders = st.leaders(orderTopic());
            for (int p : std::as_const(led))
                if (leaders.value(p, -1) < 0 || leaders.value(p) == node)
                    return false;
            movedAt = now();
            return true;
        }, 60000);
        QTest::qWait(int(qMax<qint64>(0, downMs - (now() - faultAt))));
        const qint64 restartAt = now();
        QCOMPARE(lab({QStringLiteral("infra"), QStringLiteral("start"), name}), 0);
        const qint64 upAt = now();
        const qint64 isrMs = waitKafkaHealthy();
        m_load->setFault(false);
        const qint64 healthyAt = now();
        row().note = QStringLiteral("%1 led %2 of %3's 6 partitions; %4 took %5 ms; their leaders moved %6 ms after the %7; "
                                    "while it was down: %8; %9 started in %10 ms, every replica in sync %11 ms later; "
                                    "orders until then: %12")
                         .arg(name).arg(led.size()).arg(QStringLiteral("order.created"))
                         .arg(kill ? QStringLiteral("SIGKILL") : QStringLiteral("the stop")).arg(downAt - faultAt)
                         .arg(movedAt ? movedAt - faultAt : -1).arg(kill ? QStringLiteral("kill") : QStringLiteral("stop"))
                         .arg(ordersBetween(faultAt, restartAt)).arg(name).arg(upAt - restartAt).arg(isrMs)
                         .arg(ordersBetween(restartAt, healthyAt));
        qInfo("%s", qPrintable(row().note));
        QVERIFY2(movedAt > 0 || led.isEmpty(), "the partitions it led got no other leader within 60 s");
        QVERIFY2(isrMs >= 0, "the replicas were not all in sync again after the restart");
        QTest::qWait(3000);
    }

    QUrl wsUrl(int notifier) const
    {
        QUrl url = m_stack->url(QStringLiteral("notifier-service"), QStringLiteral("/ws"), notifier);
        url.setScheme(QStringLiteral("ws"));
        return url;
    }

    /// ids (of the given ones) that have a document in the order-logs index (_mget:
    /// real-time, no refresh needed). nullopt when Elasticsearch does not answer.
    std::optional<QSet<qint64>> indexed(const QList<qint64> &ids)
    {
        QSet<qint64> found;
        QUrl url = labtest::elasticUrl();
        url.setPath(QStringLiteral("/%1-order-logs/_mget").arg(m_stack->ns().toLower()));
        url.setQuery(QStringLiteral("_source=false"));
        for (qsizetype i = 0; i < ids.size(); i += 1000) {
            QJsonArray chunk;
            for (qint64 id : ids.mid(i, 1000))
                chunk.append(QString::number(id));
            QNetworkRequest req(url);
            req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            req.setTransferTimeout(10000);
            QNetworkReply *reply = m_nam.post(req, QJsonDocument(QJsonObject{{QStringLiteral("ids"), chunk}})
                                                      .toJson(QJsonDocument::Compact));
            if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 15000)) {
                reply->abort();
            }
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status == 404)
                continue; // no index yet: nothing found
            if (status != 200)
                return std::nullopt;
            const QJsonArray docs = QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("docs")).toArray();
            for (const QJsonValue &d : docs)
                if (d.toObject().value(QStringLiteral("found")).toBool())
                    found.insert(d.toObject().value(QStringLiteral("_id")).toString().toLongLong());
        }
        return found;
    }

    /// lab_voided_events_total on the current instance of `service` (records of an
    /// attempt order-service voided after a Kafka timeout, dropped); -1 unreadable.
    qint64 voidedEvents(const QString &service)
    {
        const auto r = labtest::httpGet(m_stack->url(service, QStringLiteral("/metrics"), m_current.value(service)), 20000);
        if (r.status != 200)
            return -1;
        for (const QByteArray &line : r.body.split('\n'))
            if (line.startsWith("lab_voided_events_total "))
                return line.mid(int(qstrlen("lab_voided_events_total "))).trimmed().toLongLong();
        return 0;
    }

    /// GET /search?item=... on search-service: the public view of the same documents.
    int searchHits(const QString &item, int size)
    {
        QUrl url = m_stack->url(QStringLiteral("search-service"), QStringLiteral("/search"), m_current.value(QStringLiteral("search-service")));
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("item"), item);
        q.addQueryItem(QStringLiteral("size"), QString::number(qMin(size, 10000)));
        url.setQuery(q);
        const auto r = labtest::httpGet(url, 20000);
        if (r.status != 200)
            return -1;
        QSet<qint64> ids;
        const QJsonArray hits = r.json().array();
        for (const QJsonValue &h : hits)
            ids.insert(h.toObject().value(QStringLiteral("order_id")).toInteger());
        return hits.size() == ids.size() ? int(ids.size()) : -2; // -2: one order listed twice
    }

    QString phaseItem(const QString &name) const
    {
        QString item = name.toLower();
        item.remove(QRegularExpression(QStringLiteral("[^a-z]")));
        return item;
    }

    /// Adds the phase's row to the summary (failed until its checks pass) and starts
    /// its load.
    void beginPhase(const QString &name, const QString &fault)
    {
        ++m_phase;
        PhaseResult r;
        r.name = name;
        r.fault = fault;
        m_results.append(r);
        m_row = int(m_results.size()) - 1;
        m_load->start(m_phase, phaseItem(name), m_rate);
    }
    /// The current phase's row (after beginPhase()).
    PhaseResult &row() { return m_results[m_row]; }

    /// Stops the load, waits for every answer, then audits the phase's orders. The
    /// caller returns when the test failed here (QVERIFY only leaves this helper).
    void endPhase()
    {
        PhaseResult &r = row();
        m_load->stop();
        m_load->setFault(false);
        QVERIFY2(QTest::qWaitFor([this] { return m_load->inFlight() == 0; }, 30000), "requests still unanswered");
        QList<qint64> accepted, rejected, all;
        for (const Order &o : std::as_const(m_load->orders())) {
            if (o.phase != m_phase)
                continue;
            all.append(o.id);
            ++r.sent;
            if (o.answeredAt > 0)
                r.slowestMs = qMax(r.slowestMs, o.answeredAt - o.sentAt);
            r.duringFault += o.duringFault ? 1 : 0;
            if (o.status / 100 == 2) {
                ++r.ok;
                accepted.append(o.id);
            } else if (o.status == 503) {
                ++r.unavailable;
                rejected.append(o.id);
            } else if (o.status == 0) {
                ++r.noAnswer;
            } else {
                ++r.otherStatus;
                qWarning("order %lld answered %d", o.id, o.status);
            }
        }
        // Wait (bounded) until every accepted order is notified and indexed.
        QElapsedTimer t;
        t.start();
        QSet<qint64> found;
        QList<qint64> missingNotification, missingDocument;
        while (true) {
            missingNotification.clear();
            for (qint64 id : std::as_const(accepted))
                if (m_feed->count(id) == 0)
                    missingNotification.append(id);
            QList<qint64> notFound;
            for (qint64 id : std::as_const(accepted))
                if (!found.contains(id))
                    notFound.append(id);
            if (const auto got = indexed(notFound))
                found.unite(*got);
            missingDocument.clear();
            for (qint64 id : std::as_const(accepted))
                if (!found.contains(id))
                    missingDocument.append(id);
            if ((missingNotification.isEmpty() && missingDocument.isEmpty()) || t.elapsed() > m_auditTimeoutMs
                || m_feed->disconnects() > 0)
                break;
            QTest::qWait(1000);
        }
        r.auditMs = t.elapsed();
        QTest::qWait(3000); // late duplicates would arrive now
        QSet<qint64> lost(missingNotification.cbegin(), missingNotification.cend());
        lost.unite(QSet<qint64>(missingDocument.cbegin(), missingDocument.cend()));
        r.lost = int(lost.size());
        for (qint64 id : std::as_const(all))
            if (m_feed->count(id) > 1)
                ++r.duplicates;
        const auto rejectedIndexed = indexed(rejected);
        for (qint64 id : std::as_const(rejected))
            if (m_feed->count(id) > 0 || (rejectedIndexed && rejectedIndexed->contains(id)))
                ++r.ghosts;
        // the public search API agrees: one hit per indexed order of this phase
        const auto phaseIndexed = indexed(all);
        // (GET /search pages within Elasticsearch's 10000-hit window: a bigger phase is
        // checked for its first 10000, the _mget above covered every order)
        const int expectedHits = phaseIndexed ? qMin(int(phaseIndexed->size()), 10000) : -3;
        int hits = -1;
        (void)QTest::qWaitFor([&] { return (hits = searchHits(phaseItem(r.name), r.sent + 10)) == expectedHits; }, 15000);

        qInfo("AUDIT %-22s sent %d (during fault %d): 2xx %d, 503 %d, no answer %d, other %d, slowest answer %lld ms | "
              "lost %d (no notification %lld, no document %lld), duplicates %d, ghosts %d | search hits %d/%d | audit %lld ms %s",
              qPrintable(r.name), r.sent, r.duringFault, r.ok, r.unavailable, r.noAnswer, r.otherStatus, r.slowestMs, r.lost,
              qlonglong(missingNotification.size()), qlonglong(missingDocument.size()), r.duplicates, r.ghosts, hits,
              expectedHits, r.auditMs, qPrintable(r.note));
        if (!lost.isEmpty())
            qWarning("lost orders (first 20): %s", qPrintable(idList(QList<qint64>(lost.cbegin(), lost.cend()))));
        r.passed = r.lost == 0 && r.duplicates == 0 && r.ghosts == 0 && r.otherStatus == 0 && r.noAnswer == 0
            && r.ok > 0 && hits == expectedHits && m_feed->disconnects() == 0;
        QCOMPARE(r.lost, 0);
        QCOMPARE(r.duplicates, 0);
        QCOMPARE(r.ghosts, 0);
        QCOMPARE(r.noAnswer, 0);
        QCOMPARE(r.otherStatus, 0);
        QVERIFY(r.ok > 0);
        QCOMPARE(hits, expectedHits);
        QCOMPARE(m_feed->disconnects(), 0);
        QCOMPARE(m_feed->malformed(), 0);
    }

    static QString idList(QList<qint64> ids)
    {
        std::sort(ids.begin(), ids.end());
        QStringList out;
        for (qint64 id : ids.mid(0, 20))
            out.append(QString::number(id));
        return out.join(QLatin1Char(' '));
    }

    /// SIGKILL the live instance of a consumer mid-stream, start a new one.
    void killAndRestart(const QString &service, int index)
    {
        if (m_cluster)
            QSKIP("not in the cluster form (tools/chaos.sh --cluster runs the cluster phases)");
        beginPhase(QStringLiteral("kill %1").arg(service), QStringLiteral("SIGKILL %1 mid-stream, restart").arg(service));
        QTest::qWait(m_killLoadMs / 3);
        m_load->setFault(true);
        m_stack->kill(service, index);
        ++row().faults;
        QTest::qWait(1000); // events pile up while it is gone
        QString error;
        const int fresh = m_stack->start(service, &error);
        m_load->setFault(false);
        QVERIFY2(fresh >= 0, qPrintable(error));
        if (service == QLatin1String("notifier-service")) {
            m_notifierOther = fresh;
            m_feedOther = std::make_unique<Feed>(wsUrl(fresh));
            QVERIFY(m_feedOther->waitConnected());
        } else {
            m_current[service] = fresh;
        }
        QTest::qWait(m_killLoadMs * 2 / 3);
        endPhase();
    }

    void requireIsolated()
    {
        const QString state = qEnvironmentVariable("LAB_STATE");
        const bool isolated = qEnvironmentVariable("CHAOS_ISOLATED") == QLatin1String("1") && !state.isEmpty()
            && !state.endsWith(QLatin1String("/kafka-lab/state"))
            && qEnvironmentVariable("LAB_KAFKA_PORT") != QLatin1String("9092")
            && qEnvironmentVariable("LAB_REDIS_PORT") != QLatin1String("6379")
            && qEnvironmentVariable("LAB_ES_PORT") != QLatin1String("9200")
            && labtest::kafkaBrokers().section(QLatin1Char(','), 0, 0)
                == QStringLiteral("127.0.0.1:%1").arg(qEnvironmentVariable("LAB_KAFKA_PORT"));
        QVERIFY2(isolated, "tst_chaos stops and starts Kafka, Redis and Elasticsearch: run it through "
                           "tools/chaos.sh, which starts an isolated set on free ports (never the shared lab)");
    }

private slots:
    void initTestCase()
    {
        requireIsolated();
        LAB_REQUIRE_KAFKA();
        LAB_REQUIRE_REDIS();
        LAB_REQUIRE_ELASTIC();
        m_long = qEnvironmentVariable("CHAOS_LONG") == QLatin1String("1");
        m_cluster = qEnvironmentVariable("CHAOS_CLUSTER") == QLatin1String("1");
        // the cluster form measures what a failover costs with the service's own timeout
        m_kafkaTimeoutMs = envInt("CHAOS_KAFKA_TIMEOUT_MS", m_cluster ? 5000 : 2000);
        m_rate = envInt("CHAOS_RATE", m_long ? 150 : 50);
        m_killLoadMs = m_long ? 30000 : 10000;
        m_esDownMs = envInt("CHAOS_ES_DOWN_MS", m_long ? 60000 : 15000);
        m_kafkaDownMs = envInt("CHAOS_KAFKA_DOWN_MS", 20000);
        m_auditTimeoutMs = m_long ? 300000 : 120000;
        qInfo("chaos %s form: %d orders/s, kill phases %d ms, Kafka down %d ms, Elasticsearch down %d ms, "
              "ORDER_KAFKA_TIMEOUT_MS %d; Kafka %s%s",
              m_cluster ? "cluster" : m_long ? "long" : "short", m_rate, m_killLoadMs, m_kafkaDownMs, m_esDownMs,
              m_kafkaTimeoutMs, qPrintable(labtest::kafkaBrokers()),
              qPrintable(labtest::redisSentinels().isEmpty() ? QString()
                                                             : QStringLiteral("; Redis behind the Sentinels ")
                                                                   + labtest::redisSentinels()));

        m_stack = std::make_unique<ServiceStack>();
        m_stack->setEnv(QStringLiteral("ORDER_KAFKA_TIMEOUT_MS"), QString::number(m_kafkaTimeoutMs));
        m_stack->setEnv(QStringLiteral("INVENTORY_DEFAULT_STOCK"), QStringLiteral("100000000"));
        m_redisWaitMs = envInt("CHAOS_REDIS_REPLICA_WAIT_MS", -1);
        if (m_redisWaitMs >= 0)
            m_stack->setEnv(QStringLiteral("REDIS_REPLICA_WAIT_MS"), QString::number(m_redisWaitMs));
        const QString error = m_stack->startAll();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QString why;
        m_notifierOther = m_stack->start(QStringLiteral("notifier-service"), &why);
        QVERIFY2(m_notifierOther == 1, qPrintable(why));
        for (const QString &s : ServiceStack::serviceNames())
            m_current[s] = 0;

        m_feed = std::make_unique<Feed>(wsUrl(0));
        QVERIFY(m_feed->waitConnected());
        m_feedOther = std::make_unique<Feed>(wsUrl(m_notifierOther));
        QVERIFY(m_feedOther->waitConnected());
        m_load = std::make_unique<Load>(m_stack->url(QStringLiteral("order-service"), QStringLiteral("/create_order")));

        // warm-up: the pipeline works end to end before anything breaks
        beginPhase(QStringLiteral("baseline"), QStringLiteral("none"));
        QTest::qWait(3000);
        if (m_cluster) {
            // Three cold JVMs on a busy machine answer slowly at first (orders time out
            // with 503): the faults start once the last 100 orders were all accepted, so
            // that what they cost is not the warm-up's (bounded: a hang detector).
            QElapsedTimer warm;
            warm.start();
            const bool steady = QTest::qWaitFor([this] {
                QList<const Order *> answered;
                for (const Order &o : std::as_const(m_load->orders()))
                    if (o.phase == m_phase && o.status > 0)
                        answered.append(&o);
                std::sort(answered.begin(), answered.end(), [](const Order *a, const Order *b) { return a->sentAt < b->sentAt; });
                return answered.size() >= 100
                    && std::all_of(answered.cend() - 100, answered.cend(), [](const Order *o) { return o->status / 100 == 2; });
            }, 180000);
            row().note = QStringLiteral("warm-up until 100 orders in a row were accepted: %1 ms%2")
                             .arg(warm.elapsed() + 3000).arg(steady ? QString() : QStringLiteral(" (never steady)"));
        }
        endPhase();
        m_setupDone = !QTest::currentTestFailed();
    }

    void init() { m_row = -1; }

    /// A phase that failed anywhere (before, during or after its audit) is a failed row
    /// of the summary; one that failed before its load began gets a row of its own.
    void cleanup()
    {
        if (!QTest::currentTestFailed())
            return;
        // a phase that failed midway left its load running: stop it, and let every
        // request be answered, so that the next phase starts clean (finalAudit still
        // audits these orders)
        if (m_load) {
            m_load->stop();
            m_load->setFault(false);
            (void)QTest::qWaitFor([this] { return m_load->inFlight() == 0; }, 30000);
        }
        if (m_row >= 0) {
            row().passed = false;
            return;
        }
        PhaseResult r;
        r.name = QString::fromLatin1(QTest::currentTestFunction());
        r.fault = QStringLiteral("(failed before its load began)");
        m_results.append(r);
    }

    void cleanupTestCase()
    {
        int faults = 0, during = 0, ok = 0, unavailable = 0, lost = 0, dups = 0, ghosts = 0, noAnswer = 0, sent = 0;
        int passed = 0, failed = 0;
        QString table = QStringLiteral("| phase | fault | faults | orders sent | during fault | 2xx | 503 | no answer | slowest answer ms | lost | duplicates | ghosts (503 seen) | audit ms | result | notes |\n"
                                       "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        if (!m_setupDone) { // initTestCase failed: no phase ran, and that is a failure
            PhaseResult setup;
            setup.name = QStringLiteral("setup");
            setup.fault = QStringLiteral("(the stack or the baseline failed)");
            m_results.prepend(setup);
        }
        for (const PhaseResult &r : std::as_const(m_results)) {
            faults += r.faults;
            during += r.duringFault;
            sent += r.sent;
            ok += r.ok;
            unavailable += r.unavailable;
            noAnswer += r.noAnswer;
            lost += r.lost;
            dups += r.duplicates;
            ghosts += r.ghosts;
            (r.passed ? passed : failed)++;
            table += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 | %7 | %8 | %9 | %10 | %11 | %12 | %13 | %14 | %15 |\n")
                         .arg(r.name, r.fault).arg(r.faults).arg(r.sent).arg(r.duringFault).arg(r.ok)
                         .arg(r.unavailable).arg(r.noAnswer).arg(r.slowestMs).arg(r.lost).arg(r.duplicates).arg(r.ghosts)
                         .arg(r.auditMs).arg(r.passed ? QStringLiteral("pass") : QStringLiteral("FAIL"), r.note);
        }
        const QString summary = QStringLiteral(
            "CHAOS SUMMARY (%1 form, %2 orders/s): faults injected %3, orders sent %4, during faults %5, 2xx %6, "
            "503 %7, no answer %8, lost %9, duplicates %10, ghosts %11")
            .arg(m_cluster ? QStringLiteral("cluster") : m_long ? QStringLiteral("long") : QStringLiteral("short")).arg(m_rate).arg(faults).arg(sent).arg(during)
            .arg(ok).arg(unavailable).arg(noAnswer).arg(lost).arg(dups).arg(ghosts);
        printf("\n%s\n%s\n%d passed, %d failed\n", qPrintable(table), qPrintable(summary), passed, failed);
        fflush(stdout);
        const QString report = qEnvironmentVariable("CHAOS_REPORT");
        if (!report.isEmpty()) {
            QFile f(report);
            if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
                f.write((table + QLatin1Char('\n') + summary + QStringLiteral("\n%1 passed, %2 failed\n").arg(passed).arg(failed)).toUtf8());
        }
        m_feed.reset();
        m_feedOther.reset();
        m_load.reset();
        m_stack.reset();
    }

    void killPaymentService() { killAndRestart(QStringLiteral("payment-service"), m_current.value(QStringLiteral("payment-service"))); }
    void killInventoryService() { killAndRestart(QStringLiteral("inventory-service"), m_current.value(QStringLiteral("inventory-service"))); }
    void killNotifierService() { killAndRestart(QStringLiteral("notifier-service"), m_notifierOther); }
    void killSearchService() { killAndRestart(QStringLiteral("search-service"), m_current.value(QStringLiteral("search-service"))); }

    void kafkaOutage()
    {
        if (m_cluster)
            QSKIP("not in the cluster form (tools/chaos.sh --cluster runs the cluster phases)");
        beginPhase(QStringLiteral("kafka outage"), QStringLiteral("broker stopped %1 s, restarted").arg(m_kafkaDownMs / 1000));
        QTest::qWait(3000);
        m_load->setFault(true);
        const qint64 stopAt = now();
        QCOMPARE(lab({QStringLiteral("infra"), QStringLiteral("stop"), QStringLiteral("kafka")}), 0);
        ++row().faults;
        const qint64 downAt = now();
        QTest::qWait(m_kafkaDownMs);
        const qint64 restartAt = now();
        QCOMPARE(lab({QStringLiteral("infra"), QStringLiteral("start"), QStringLiteral("kafka")}), 0);
        const qint64 upAt = now();
        // order-service recovers by itself: a 2xx for an order sent after the broker is back
        qint64 recoveredAt = 0;
        (void)QTest::qWaitFor([&] {
            for (const Order &o : std::as_const(m_load->orders()))
                if (o.phase == m_phase && o.sentAt >= upAt && o.status / 100 == 2) {
                    recoveredAt = o.answeredAt;
                    return true;
                }
            return false;
        }, 60000);
        m_load->setFault(false);
        QTest::qWait(5000);
        // while the broker was down, every order got its answer within the Kafka timeout
        qint64 worst = 0;
        int downOrders = 0, down503 = 0, down2xx = 0;
        for (const Order &o : std::as_const(m_load->orders())) {
            if (o.phase != m_phase || o.sentAt < downAt || o.sentAt > restartAt)
                continue;
            ++downOrders;
            down503 += o.status == 503 ? 1 : 0;
            down2xx += o.status / 100 == 2 ? 1 : 0;
            if (o.answeredAt > 0)
                worst = qMax(worst, o.answeredAt - o.sentAt);
        }
        row().note = QStringLiteral("stop took %1 ms; while down: %2 orders, %3 × 503, %4 × 2xx, slowest answer %5 ms "
                                    "(ORDER_KAFKA_TIMEOUT_MS %6); first 2xx %7 ms after the broker was healthy")
                         .arg(downAt - stopAt).arg(downOrders).arg(down503).arg(down2xx).arg(worst).arg(m_kafkaTimeoutMs)
                         .arg(recoveredAt ? recoveredAt - upAt : -1);
        endPhase();
        if (QTest::currentTestFailed())
            return;
        // After the audit every record of the phase was consumed: how many 503 orders
        // Kafka had stored anyway (the ghost window), each dropped by every consumer.
        const QString voided = QStringLiteral("; 503 records Kafka stored anyway, dropped (lab_voided_events_total): "
                                              "payment %1, inventory %2, search %3")
                                   .arg(voidedEvents(QStringLiteral("payment-service")))
                                   .arg(voidedEvents(QStringLiteral("inventory-service")))
                                   .arg(voidedEvents(QStringLiteral("search-service")));
        qInfo("%s", qPrintable(voided.mid(2)));
        row().note += voided;
        // The promise is a 503 within ORDER_KAFKA_TIMEOUT_MS plus scheduling slack, never
        // a hang. The slack is generous (a busy CI machine), yet far below the 10 s
        // bursts that librdkafka's reconnect backoff once caused (docs/RELIABILITY.md).
        const qint64 bound = m_kafkaTimeoutMs + 3000;
        bool alive = true;
        for (const QString &s : ServiceStack::serviceNames())
            alive = alive && m_stack->isRunning(s, m_current.value(s));
        row().passed = row().passed && down503 > 0 && worst <= bound && recoveredAt > 0 && alive;
        QVERIFY2(down503 > 0, "no 503 while Kafka was down");
        QVERIFY2(worst <= bound, qPrintable(QStringLiteral("an order waited %1 ms while Kafka was down").arg(worst)));
        QVERIFY2(recoveredAt > 0, "order-service did not accept orders again within 60 s");
        for (const QString &s : ServiceStack::serviceNames())
            QVERIFY2(m_stack->isRunning(s, m_current.value(s)), qPrintable(s + QStringLiteral(" died during the Kafka outage")));
    }

    void redisRestart()
    {
        if (m_cluster)
            QSKIP("not in the cluster form (tools/chaos.sh --cluster runs the cluster phases)");
        beginPhase(QStringLiteral("redis restart"), QStringLiteral("./lab infra restart redis (SIGTERM, AOF everysec)"));
        QTest::qWait(3000);
        m_load->setFault(true);
        const qint64 t0 = now();
        QCOMPARE(lab({QStringLiteral("infra"), QStringLiteral("restart"), QStringLiteral("redis")}), 0);
        ++row().faults;
        m_load->setFault(false);
        row().note = QStringLiteral("Redis away %1 ms").arg(now() - t0);
        QTest::qWait(qMax(5000, m_killLoadMs / 2));
        endPhase();
    }

    void redisKill()
    {
        if (m_cluster)
            QSKIP("not in the cluster form (tools/chaos.sh --cluster runs the cluster phases)");
        if (!m_long)
            QSKIP("long form only (CHAOS_LONG=1): Redis SIGKILL, where AOF everysec may lose the last second");
        beginPhase(QStringLiteral("redis sigkill"), QStringLiteral("SIGKILL redis-server, ./lab infra start redis"));
        QTest::qWait(5000);
        m_load->setFault(true);
        QFile pidFile(qEnvironmentVariable("LAB_STATE") + QStringLiteral("/run/redis.pid"));
        QVERIFY(pidFile.open(QIODevice::ReadOnly));
        const QByteArray pid = pidFile.readAll().trimmed();
        QCOMPARE(QProcess::execute(QStringLiteral("kill"), {QStringLiteral("-KILL"), QString::fromLatin1(pid)}), 0);
        ++row().faults;
        QTest::qWait(2000);
        QCOMPARE(lab({QStringLiteral("infra"), QStringLiteral("start"), QStringLiteral("redis")}), 0);
        m_load->setFault(false);
        QTest::qWait(10000);
        endPhase();
    }

    void elasticsearchOutage()
    {
        if (m_cluster)
            QSKIP("not in the cluster form (tools/chaos.sh --cluster runs the cluster phases)");
        beginPhase(QStringLiteral("elasticsearch outage"),
                   QStringLiteral("Elasticsearch stopped %1 s, restarted").arg(m_esDownMs / 1000));
        QTest::qWait(3000);
        m_load->setFault(true);
        QCOMPARE(lab({QStringLiteral("infra"), QStringLiteral("stop"), QStringLiteral("elasticsearch")}), 0);
        ++row().faults;
        const qint64 downAt = now();
        QTest::qWait(m_esDownMs);
        // Notifications do not depend on Elasticsearch: every order accepted while it is
        // down gets its notification while it is STILL down. The wait is bounded only as
        // a hang detector (generous: a slow machine must not fail it).
        const qint64 cutAt = now();
        QList<qint64> downAccepted;
        int downOrders = 0;
        for (const Order &o : std::as_const(m_load->orders())) {
            if (o.phase != m_phase || o.sentAt < downAt || o.sentAt > cutAt)
                continue;
            ++downOrders;
            if (o.status / 100 == 2)
                downAccepted.append(o.id);
        }
        int downNotified = 0;
        const auto countNotified = [&] {
            downNotified = int(std::count_if(downAccepted.cbegin(), downAccepted.cend(),
                                             [this](qint64 id) { return m_feed->count(id) > 0; }));
            return downNotified == downAccepted.size();
        };
        (void)QTest::qWaitFor(countNotified, 120000);
        const qint64 notifiedAfter = now() - cutAt;
        const qint64 restartAt = now();
        QCOMPARE(lab({QStringLiteral("infra"), QStringLiteral("start"), QStringLiteral("elasticsearch")}), 0);
        m_load->setFault(false);
        const qint64 upAt = now();
        QTest::qWait(5000);
        // (orders still in flight at the cut are audited with the rest of the phase)
        const int downOk = int(downAccepted.size());
        QString note = QStringLiteral("while down: %1 orders sent, %2 × 2xx, %3 of them notified before Elasticsearch "
                                      "was restarted (the last %4 ms after the cut); ES start took %5 ms")
                           .arg(downOrders).arg(downOk).arg(downNotified).arg(notifiedAfter).arg(upAt - restartAt);
        row().note = note;
        endPhase();
        row().note = note + QStringLiteral("; search caught up %1 ms after the load stopped").arg(row().auditMs);
        if (QTest::currentTestFailed())
            return;
        row().passed = row().passed && downOk > 0 && downNotified == downOk;
        QVERIFY2(downOk > 0, "no order was accepted while only Elasticsearch was down");
        QCOMPARE(downNotified, downOk);
    }

    void slowWebSocketClient()
    {
        if (m_cluster)
            QSKIP("not in the cluster form (tools/chaos.sh --cluster runs the cluster phases)");
#ifndef Q_OS_UNIX
        QSKIP("needs a socket with a tiny receive buffer");
#else
        // A notifier instance of its own with a smaller per-client queue (the default
        // 1 MiB takes minutes of load to fill), a healthy client and a slow one on it.
        // The auditor's client stays on instance 0 with the default limit.
        const QString queueBytes = QString::number(m_long ? 1048576 : 131072);
        m_stack->setEnv(QStringLiteral("NOTIFIER_WS_MAX_QUEUE_BYTES"), queueBytes);
        QString why;
        const int notifier = m_stack->start(QStringLiteral("notifier-service"), &why);
        m_stack->setEnv(QStringLiteral("NOTIFIER_WS_MAX_QUEUE_BYTES"), QStringLiteral("1048576"));
        QVERIFY2(notifier >= 0, qPrintable(why));
        Feed healthy(wsUrl(notifier));
        QVERIFY(healthy.waitConnected());
        // A client that never reads, with a tiny receive window so that the server's
        // queue (not the kernel) has to absorb what it is sent.
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        QVERIFY(fd >= 0);
        int small = 2048;
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        // A small MSS as on a real network: on loopback (64 KiB segments) the kernel
        // would size the server's send buffer for megabytes before Qt queues anything.
        int mss = 536;
        ::setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(m_stack->port(QStringLiteral("notifier-service"), notifier));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
        const QByteArray handshake = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        QCOMPARE(::write(fd, handshake.constData(), size_t(handshake.size())), ssize_t(handshake.size()));
        const QString log = m_stack->logPath(QStringLiteral("notifier-service"), notifier);
        auto slowClosed = [&log] {
            QFile f(log);
            return f.open(QIODevice::ReadOnly) && f.readAll().contains("client too slow");
        };
        QVERIFY2(!slowClosed(), "a client was already closed as too slow");
        beginPhase(QStringLiteral("slow websocket client"), QStringLiteral("a /ws client that never reads"));
        m_load->setFault(true);
        ++row().faults;
        QElapsedTimer t;
        t.start();
        const bool closed = QTest::qWaitFor(slowClosed, m_long ? 120000 : 40000);
        const qint64 closedAfter = t.elapsed();
        m_load->setFault(false);
        ::close(fd);
        endPhase(); // stops the load and waits until the auditor has every order
        if (QTest::currentTestFailed())
            return;
        // The healthy client of the same instance, connected before the phase began, got
        // every order of the phase exactly once (live or in its backlog). How fast is
        // reported, not asserted: speed is the benchmark's business.
        qint64 worstDelay = 0;
        int healthyMissing = 0;
        QList<qint64> missingIds;
        for (const Order &o : std::as_const(m_load->orders()))
            if (o.phase == m_phase && o.status / 100 == 2) {
                worstDelay = qMax(worstDelay, healthy.delay(o.id));
                if (healthy.count(o.id) != 1) {
                    ++healthyMissing;
                    missingIds.append(o.id);
                }
            }
        if (!missingIds.isEmpty())
            qWarning("the healthy client got these not exactly once: %s", qPrintable(idList(missingIds)));
        row().note = QStringLiteral("queue limit %1 B; slow client closed %2 ms into the phase; the healthy "
                                    "client on the same instance missed or repeated %3, worst delivery delay %4 ms, "
                                    "disconnects %5")
                         .arg(queueBytes).arg(closed ? closedAfter : -1).arg(healthyMissing).arg(worstDelay)
                         .arg(healthy.disconnects());
        qInfo("%s", qPrintable(row().note));
        row().passed = row().passed && closed && healthyMissing == 0 && healthy.disconnects() == 0;
        QVERIFY2(closed, "the slow client was never disconnected");
        QCOMPARE(healthyMissing, 0);
        QCOMPARE(healthy.disconnects(), 0);
#endif
    }

    // ------------------------------------------------------------ cluster form
    void killPartitionLeader()
    {
        if (!m_cluster)
            QSKIP("cluster form only (tools/chaos.sh --cluster)");
        beginPhase(QStringLiteral("kill partition leader"), QStringLiteral("SIGKILL the broker leading most of order.created's partitions, restart it after 15 s"));
        QTest::qWait(3000);
        // The broker that leads most of order.created's partitions, the active controller
        // excepted (killing that one is a phase of its own: the election comes first).
        const int controller = activeController();
        QVERIFY2(controller > 0, "./lab infra quorum named no active controller");
        const KafkaState st = describeKafka();
        QVERIFY2(st.healthy(), "the cluster was not healthy before the fault");
        QHash<int, int> count;
        for (int leader : st.leaders(orderTopic()))
            if (leader != controller)
                ++count[leader];
        int node = -1;
        for (auto it = count.cbegin(); it != count.cend(); ++it)
            if (node < 0 || it.value() > count.value(node))
                node = it.key();
        QVERIFY2(node > 0, "only the active controller leads order.created's partitions");
        row().fault = QStringLiteral("SIGKILL kafka-%1 (leader of %2 of order.created's partitions; not the active "
                                     "controller, kafka-%3), restart after 15 s")
                          .arg(node).arg(count.value(node)).arg(controller);
        brokerFault(node, true, 15000);
        if (QTest::currentTestFailed())
            return;
        endPhase();
        if (QTest::currentTestFailed())
            return;
        requireBoundedAnswers();
    }

    void stopBroker30s()
    {
        if (!m_cluster)
            QSKIP("cluster form only (tools/chaos.sh --cluster)");
        beginPhase(QStringLiteral("stop one broker"), QStringLiteral("./lab infra stop kafka-2 (controlled shutdown), start it after 30 s"));
        QTest::qWait(3000);
        QVERIFY2(describeKafka().healthy(), "the cluster was not healthy before the fault");
        brokerFault(2, false, 30000);
        if (QTest::currentTestFailed())
            return;
        endPhase();
        if (QTest::currentTestFailed())
            return;
        requireBoundedAnswers();
    }

    void rollingRestart()
    {
        if (!m_cluster)
            QSKIP("cluster form only (tools/chaos.sh --cluster)");
        beginPhase(QStringLiteral("rolling restart"), QStringLiteral("./lab infra restart kafka-1, -2, -3, each once every replica is in sync again"));
        QTest::qWait(3000);
        QVERIFY2(describeKafka().healthy(), "the cluster was not healthy before the restarts");
        m_load->setFault(true);
        QStringList steps;
        for (int node = 1; node <= 3; ++node) {
            const qint64 t0 = now();
            QCOMPARE(lab({QStringLiteral("infra"), QStringLiteral("restart"), QStringLiteral("kafka-%1").arg(node)}), 0);
            ++row().faults;
            const qint64 restarted = now();
            const qint64 isrMs = waitKafkaHealthy();
            QVERIFY2(isrMs >= 0, qPrintable(QStringLiteral("the replicas were not in sync again after restarting kafka-%1").arg(node)));
            steps.append(QStringLiteral("kafka-%1 restarted in %2 ms, in sync %3 ms later (%4)")
                             .arg(node).arg(restarted - t0).arg(isrMs).arg(ordersBetween(t0, now())));
        }
        m_load->setFault(false);
        row().note = steps.join(QStringLiteral("; "));
        qInfo("%s", qPrintable(row().note));
        QTest::qWait(3000);
        endPhase();
        if (QTest::currentTestFailed())
            return;
        requireBoundedAnswers();
    }

    void killActiveController()
    {
        if (!m_cluster)
            QSKIP("cluster form only (tools/chaos.sh --cluster)");
        beginPhase(QStringLiteral("kill active controller"), QStringLiteral("SIGKILL the active controller (a broker too), restart it after 15 s"));
        QTest::qWait(3000);
        QVERIFY2(describeKafka().healthy(), "the cluster was not healthy before the fault");
        const int controller = activeController();
        QVERIFY2(controller > 0, "./lab infra quorum named no active controller");
        row().fault = QStringLiteral("SIGKILL kafka-%1, the active controller (and a broker), restart after 15 s").arg(controller);
        const qint64 t0 = now();
        // the election, watched with Kafka's tool while brokerFault() watches the partitions
        ControllerWatch watch(labtest::sourceDir() + QStringLiteral("/lab"), controller);
        brokerFault(controller, true, 15000);
        if (QTest::currentTestFailed())
            return;
        QVERIFY2(watch.elected() > 0, "no other node became the active controller");
        row().note = QStringLiteral("kafka-%1 the active controller after ≤ %2 ms (Kafka's tool, asked in a loop of ~%3 ms); ")
                         .arg(watch.elected()).arg(watch.electedAt() - t0).arg(watch.roundMs()) + row().note;
        endPhase();
        if (QTest::currentTestFailed())
            return;
        requireBoundedAnswers();
    }

    void killRedisMaster()
    {
        if (!m_cluster)
            QSKIP("cluster form only (tools/chaos.sh --cluster)");
        beginPhase(QStringLiteral("kill redis master"), QStringLiteral("SIGKILL the Redis master, Sentinel promotes the replica, the old one rejoins as its replica"));
        QTest::qWait(3000);
        const quint16 master = labtest::redisPort(); // through the Sentinels
        const bool first = master == quint16(qEnvironmentVariableIntValue("LAB_REDIS_PORT"));
        const QString name = first ? QStringLiteral("redis") : QStringLiteral("redis-2");
        // ROLE: master, offset, then each replica online. After the broker phases' load the
        // replica may be resynchronising (a full sync is not "online"): waited for,
        // bounded only as a hang detector.
        QByteArray role;
        QTest::qWaitFor([&] {
            role = labtest::redisCall(master, {"ROLE"});
            return role.startsWith("master\n") && role.contains("\n127.0.0.1\n");
        }, 60000);
        QVERIFY2(role.startsWith("master\n") && role.contains("\n127.0.0.1\n"),
                 qPrintable(QStringLiteral("the master had no replica online before the fault (ROLE: %1)")
                                .arg(QString::fromUtf8(role).replace(QLatin1Char('\n'), QLatin1Char(' ')))));
        m_load->setFault(true);
        const qint64 t0 = now();
        QVERIFY2(killByPidFile(name), qPrintable(QStringLiteral("could not SIGKILL %1").arg(name)));
        ++row().faults;
        // The Sentinels promote the replica (bounded only as a hang detector).
        quint16 promoted = 0;
        QVERIFY2(QTest::qWaitFor([&] {
            promoted = labtest::redisPort();
            return promoted != master && labtest::redisCall(promoted, {"ROLE"}).startsWith("master");
        }, 60000), "the Sentinels promoted no replica");
        const qint64 failoverAt = now();
        QTest::qWait(int(qMax<qint64>(0, 10000 - (now() - t0))));
        // ./lab starts it as a replica of the new master
        const qint64 restartAt = now();
        QCOMPARE(lab({QStringLiteral("infra"), QStringLiteral("start"), name}), 0);
        QVERIFY2(QTest::qWaitFor([&] {
            return labtest::redisCall(promoted, {"ROLE"}).contains(QByteArray::number(master));
        }, 120000), "the old master did not come back as a replica of the new one");
        m_load->setFault(false);
        const qint64 backAt = now();
        row().note = QStringLiteral("%1 (:%2) SIGKILLed; the Sentinels named :%3 after %4 ms; until then: %5; "
                                    "the old master a replica again %6 ms after its restart; orders meanwhile: %7")
                         .arg(name).arg(master).arg(promoted).arg(failoverAt - t0).arg(ordersBetween(t0, failoverAt))
                         .arg(backAt - restartAt).arg(ordersBetween(failoverAt, backAt));
        qInfo("%s", qPrintable(row().note));
        QTest::qWait(5000);
        endPhase();
    }

    void killRedisMasterWhileReplicaLags()
    {
        if (!m_cluster)
            QSKIP("cluster form only (tools/chaos.sh --cluster)");
        // What asynchronous replication can lose, made to happen: the replica stops
        // taking the master's writes for 2 s (SIGSTOP: connected, silent), then the
        // master dies and the replica, resumed at once, is promoted without those 2 s.
        // With REDIS_REPLICA_WAIT_MS (the default behind Sentinels) no write of those
        // 2 s was acknowledged to anyone; with it off (CHAOS_REDIS_REPLICA_WAIT_MS=0)
        // this phase shows what the loss costs.
        beginPhase(QStringLiteral("redis failover, replica 2 s behind"),
                   QStringLiteral("SIGSTOP the replica 2 s, SIGKILL the master, SIGCONT the replica: promoted without the master's last 2 s"));
        QTest::qWait(3000);
        const quint16 master = labtest::redisPort();
        const quint16 first = quint16(qEnvironmentVariableIntValue("LAB_REDIS_PORT"));
        const QString name = master == first ? QStringLiteral("redis") : QStringLiteral("redis-2");
        const QString replica = master == first ? QStringLiteral("redis-2") : QStringLiteral("redis");
        QFile pidFile(qEnvironmentVariable("LAB_STATE") + QStringLiteral("/run/%1.pid").arg(replica));
        QVERIFY(pidFile.open(QIODevice::ReadOnly));
        const QString replicaPid = QString::fromLatin1(pidFile.readAll().trimmed());
        m_load->setFault(true);
        const qint64 t0 = now();
        QCOMPARE(QProcess::execute(QStringLiteral("kill"), {QStringLiteral("-STOP"), replicaPid}), 0);
        QTest::qWait(2000);
        const bool killed = killByPidFile(name);
        QProcess::execute(QStringLiteral("kill"), {QStringLiteral("-CONT"), replicaPid});
        QVERIFY2(killed, qPrintable(QStringLiteral("could not SIGKILL %1").arg(name)));
        row().faults += 2;
        quint16 promoted = 0;
        QVERIFY2(QTest::qWaitFor([&] {
            promoted = labtest::redisPort();
            return promoted != master && labtest::redisCall(promoted, {"ROLE"}).startsWith("master");
        }, 60000), "the Sentinels promoted no replica");
        const qint64 failoverAt = now();
        QTest::qWait(int(qMax<qint64>(0, 10000 - (now() - t0))));
        QCOMPARE(lab({QStringLiteral("infra"), QStringLiteral("start"), name}), 0);
        QVERIFY2(QTest::qWaitFor([&] {
            return labtest::redisCall(promoted, {"ROLE"}).contains(QByteArray::number(master));
        }, 120000), "the old master did not come back as a replica of the new one");
        m_load->setFault(false);
        row().note = QStringLiteral("REDIS_REPLICA_WAIT_MS %1; while the replica was stopped and until the Sentinels "
                                    "named it (%2 ms): %3; afterwards: %4")
                         .arg(m_redisWaitMs < 0 ? QStringLiteral("default (1000)") : QString::number(m_redisWaitMs))
                         .arg(failoverAt - t0).arg(ordersBetween(t0, failoverAt)).arg(ordersBetween(failoverAt, now()));
        qInfo("%s", qPrintable(row().note));
        QTest::qWait(5000);
        endPhase();
    }

    void finalAudit()
    {
        // Across all phases: no order notified twice on the auditor's client, which saw
        // every accepted order; and the client of the other notifier instance (connected
        // after that instance was restarted) got every order accepted after it connected,
        // exactly once, live or in its backlog. Orders of a phase that failed before its
        // audit may still be on their way: waited for (bounded, a hang detector).
        int accepted = 0;
        for (const Order &o : std::as_const(m_load->orders()))
            accepted += o.status / 100 == 2 ? 1 : 0;
        (void)QTest::qWaitFor([&] { return m_feed->distinct() >= accepted; }, m_auditTimeoutMs);
        int dups = 0, total = 0, otherExpected = 0, otherWrong = 0;
        QList<qint64> otherWrongIds;
        for (const Order &o : std::as_const(m_load->orders())) {
            dups += m_feed->count(o.id) > 1 ? 1 : 0;
            total += o.status / 100 == 2 ? 1 : 0;
            if (o.status / 100 == 2 && m_feedOther->connectedAt() > 0 && o.sentAt > m_feedOther->connectedAt()) {
                ++otherExpected;
                if (m_feedOther->count(o.id) != 1) {
                    ++otherWrong;
                    otherWrongIds.append(o.id);
                }
            }
        }
        qInfo("final: %d accepted orders, %d distinct notified on the auditor's client, %d duplicates; the other "
              "instance's client: %d orders accepted since it connected, %d of them not received exactly once "
              "(%d backlog messages), disconnects %d",
              total, m_feed->distinct(), dups, otherExpected, otherWrong, m_feedOther->backlogMessages(),
              m_feedOther->disconnects());
        if (!otherWrongIds.isEmpty())
            qWarning("the other instance's client got these not exactly once: %s", qPrintable(idList(otherWrongIds)));
        QCOMPARE(dups, 0);
        QCOMPARE(m_feed->distinct(), total);
        QVERIFY(otherExpected > 0);
        QCOMPARE(otherWrong, 0);
        QCOMPARE(m_feedOther->disconnects(), 0);
    }
};

QTEST_MAIN(TestChaos)
#include "tst_chaos.moc"
