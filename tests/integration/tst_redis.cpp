// tst_redis: lab::RedisClient against the real Redis started by `./lab infra up`:
// replies of every type, Lua with the NOSCRIPT fallback, pipelining, pub/sub, an
// unreachable server, the per-command timeout, and recovery when Redis restarts.
#include "lab/redis/redisclient.h"
#include "testinfra.h"

#include <QCryptographicHash>
#include <QPointer>
#include <QSignalSpy>
#include <QtTest>

#include <algorithm>
#include <memory>
#include <optional>

using lab::RedisClient;
using lab::RedisReply;

namespace {

/// Sends one command and waits (bounded) for its answer; nullopt when none came.
std::optional<RedisReply> call(RedisClient &c, const QByteArrayList &args, int timeoutMs = 10000)
{
    auto got = std::make_shared<std::optional<RedisReply>>();
    c.command(args, [got](const RedisReply &r) { *got = r; });
    (void)QTest::qWaitFor([&] { return got->has_value(); }, timeoutMs);
    return *got;
}

std::unique_ptr<RedisClient> connectedClient(int timeoutMs = 5000)
{
    auto c = std::make_unique<RedisClient>(labtest::redisHost(), labtest::redisPort());
    c->setCommandTimeoutMs(timeoutMs);
    QSignalSpy spy(c.get(), &RedisClient::connected);
    c->connectToServer();
    if (!spy.wait(10000))
        return nullptr;
    return c;
}

QByteArray key(const char *prefix)
{
    return labtest::uniqueName(QString::fromLatin1(prefix)).toUtf8();
}

/// Asks (through `probe`, repeatedly while the expression is re-evaluated) whether
/// `channel` has a subscriber. Use inside QTRY_VERIFY.
class SubscriberProbe
{
public:
    SubscriberProbe(RedisClient &probe, QByteArray channel) : m_probe(probe), m_channel(std::move(channel)) {}
    bool operator()()
    {
        if (!*m_waiting) {
            *m_waiting = true;
            auto waiting = m_waiting;
            auto seen = m_seen;
            m_probe.command({"PUBSUB", "NUMSUB", m_channel}, [waiting, seen](const RedisReply &r) {
                *waiting = false;
                if (r.type == RedisReply::Type::Array && r.array.size() == 2 && r.array.at(1).toInteger() >= 1)
                    *seen = true;
            });
        }
        return *m_seen;
    }

private:
    RedisClient &m_probe;
    QByteArray m_channel;
    std::shared_ptr<bool> m_waiting = std::make_shared<bool>(false);
    std::shared_ptr<bool> m_seen = std::make_shared<bool>(false);
};

} // namespace

class TstRedis : public QObject
{
    Q_OBJECT

private slots:
    void setGetRoundTrip();
    void integerAndArrayReplies();
    void errorReplyComesBackAsError();
    void callbacksNeverRunInsideCommand();
    void evalRunsScriptAndFallsBackAfterScriptFlush();
    void evalCallsOfOneTurnGoAsOneScriptCall();
    void evalBatchKeepsOrderAndFailsTogether();
    void pipelinedCommandsAreAnsweredInOrder();
    void subscribeReceivesPublishedMessages();
    void unreachableServerGivesErrorReply();
    void commandTimeoutResetsConnectionAndRecovers();
    void deletingClientInsideCallbackIsSafe();
    void disconnectFailsPendingCommandsOnce();
    void recoversAfterServerRestart();
};

void TstRedis::setGetRoundTrip()
{
    LAB_REQUIRE_REDIS();
    auto c = connectedClient();
    QVERIFY2(c, "client did not connect");
    QVERIFY(c->isConnected());
    const QByteArray k = key("tst-redis-setget");
    const QByteArray value("h\xC3\xA9llo\0world", 12); // binary-safe, embedded NUL

    auto set = call(*c, {"SET", k, value, "EX", "60"});
    QVERIFY(set);
    QCOMPARE(set->type, RedisReply::Type::Status);
    QCOMPARE(set->string, QByteArray("OK"));

    auto get = call(*c, {"GET", k});
    QVERIFY(get);
    QCOMPARE(get->type, RedisReply::Type::String);
    QCOMPARE(get->string, value);

    auto missing = call(*c, {"GET", k + "-absent"});
    QVERIFY(missing);
    QVERIFY(missing->isNil());
    QCOMPARE(c->pending(), 0);
}

void TstRedis::integerAndArrayReplies()
{
    LAB_REQUIRE_REDIS();
    auto c = connectedClient();
    QVERIFY2(c, "client did not connect");
    const QByteArray counter = key("tst-redis-incr");
    const QByteArray list = key("tst-redis-list");

    auto one = call(*c, {"INCR", counter});
    QVERIFY(one);
    QCOMPARE(one->type, RedisReply::Type::Integer);
    QCOMPARE(one->integer, 1);
    auto six = call(*c, {"INCRBY", counter, "5"});
    QVERIFY(six);
    QCOMPARE(six->toInteger(), 6);
    auto asString = call(*c, {"GET", counter});
    QVERIFY(asString);
    QCOMPARE(asString->toInteger(), 6); // a String holding a number

    auto pushed = call(*c, {"RPUSH", list, "a", "b", "c"});
    QVERIFY(pushed);
    QCOMPARE(pushed->integer, 3);
    auto range = call(*c, {"LRANGE", list, "0", "-1"});
    QVERIFY(range);
    QCOMPARE(range->type, RedisReply::Type::Array);
    QCOMPARE(range->array.size(), 3);
    QCOMPARE(range->array.at(0).string, QByteArray("a"));
    QCOMPARE(range->array.at(2).string, QByteArray("c"));

    auto empty = call(*c, {"LRANGE", list + "-absent", "0", "-1"});
    QVERIFY(empty);
    QCOMPARE(empty->type, RedisReply::Type::Array);
    QVERIFY(empty->array.isEmpty());
    call(*c, {"DEL", counter, list});
}

void TstRedis::errorReplyComesBackAsError()
{
    LAB_REQUIRE_REDIS();
    auto c = connectedClient();
    QVERIFY2(c, "client did not connect");
    const QByteArray k = key("tst-redis-wrongtype");
    QVERIFY(call(*c, {"SET", k, "text", "EX", "60"}));

    auto wrong = call(*c, {"LPUSH", k, "x"});
    QVERIFY(wrong);
    QVERIFY(wrong->isError());
    QVERIFY2(wrong->errorMessage().startsWith(QLatin1String("WRONGTYPE")), qPrintable(wrong->errorMessage()));

    auto unknown = call(*c, {"NO-SUCH-COMMAND"});
    QVERIFY(unknown);
    QVERIFY(unknown->isError());

    // The connection is still fine after error replies.
    auto ping = call(*c, {"PING"});
    QVERIFY(ping);
    QCOMPARE(ping->string, QByteArray("PONG"));
    QVERIFY(c->isConnected());
}

void TstRedis::callbacksNeverRunInsideCommand()
{
    LAB_REQUIRE_REDIS();
    auto c = connectedClient();
    QVERIFY2(c, "client did not connect");
    bool ran = false;
    c->command({}, [&ran](const RedisReply &r) { ran = r.isError(); });
    QVERIFY(!ran); // even an immediate error is queued
    QCOMPARE(c->pending(), 1);
    QTRY_VERIFY(ran);
    QCOMPARE(c->pending(), 0);

    RedisClient idle(labtest::redisHost(), labtest::redisPort()); // never connected
    QString error;
    idle.command({"PING"}, [&error](const RedisReply &r) { error = r.errorMessage(); });
    QVERIFY(error.isEmpty());
    QTRY_VERIFY(!error.isEmpty());
    QVERIFY2(error.contains(QLatin1String("not connected")), qPrintable(error));
}

void TstRedis::evalRunsScriptAndFallsBackAfterScriptFlush()
{
    LAB_REQUIRE_REDIS();
    auto c = connectedClient();
    QVERIFY2(c, "client did not connect");
    const QByteArray k = key("tst-redis-eval");
    // A script unique to this run, so the first EVALSHA is certain to miss.
    const QByteArray script = "-- " + k + "\n"
                              "redis.call('SET', KEYS[1], ARGV[1], 'EX', 60)\n"
                              "return redis.call('INCRBY', KEYS[1], ARGV[2])";

    auto run = [&](const QByteArray &start, const QByteArray &by) {
        auto got = std::make_shared<std::optional<RedisReply>>();
        c->eval(script, {k}, {start, by}, [got](const RedisReply &r) { *got = r; });
        (void)QTest::qWaitFor([&] { return got->has_value(); }, 10000);
        return *got;
    };

    auto first = run("10", "5"); // NOSCRIPT, then EVAL
    QVERIFY(first);
    QVERIFY2(!first->isError(), qPrintable(first->errorMessage()));
    QCOMPARE(first->integer, 15);

    const QByteArray sha = QCryptographicHash::hash(script, QCryptographicHash::Sha1).toHex();
    auto exists = call(*c, {"SCRIPT", "EXISTS", sha});
    QVERIFY(exists);
    QCOMPARE(exists->array.value(0).integer, 1); // EVAL loaded it under our SHA1

    auto second = run("1", "1"); // EVALSHA hits
    QVERIFY(second);
    QCOMPARE(second->integer, 2);

    auto flushed = call(*c, {"SCRIPT", "FLUSH"});
    QVERIFY(flushed && !flushed->isError());
    auto third = run("100", "1"); // NOSCRIPT again, fallback again
    QVERIFY(third);
    QVERIFY2(!third->isError(), qPrintable(third->errorMessage()));
    QCOMPARE(third->integer, 101);

    // A script error is an Error reply, not a retry loop.
    auto bad = std::make_shared<std::optional<RedisReply>>();
    c->eval("return redis.call('NO-SUCH-COMMAND')", {}, {}, [bad](const RedisReply &r) { *bad = r; });
    QTRY_VERIFY(bad->has_value());
    QVERIFY((*bad)->isError());
    QCOMPARE(c->pending(), 0);
    call(*c, {"DEL", k});
}

void TstRedis::pipelinedCommandsAreAnsweredInOrder()
{
    LAB_REQUIRE_REDIS();
    auto c = connectedClient(30000);
    QVERIFY2(c, "client did not connect");
    const QByteArray k = key("tst-redis-pipeline");
    constexpr int n = 10000;
    QList<qint64> answers;
    answers.reserve(n);
    int errors = 0;
    for (int i = 0; i < n; ++i)
        c->command({"INCR", k}, [&answers, &errors](const RedisReply &r) {
            if (r.isError())
                ++errors;
            answers.append(r.integer);
        });
    QCOMPARE(c->pending(), n);
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), n, 30000);
    QCOMPARE(errors, 0);
    for (int i = 0; i < n; ++i)
        QCOMPARE(answers.at(i), qint64(i + 1));
    QCOMPARE(c->pending(), 0);
    call(*c, {"DEL", k});
}

void TstRedis::subscribeReceivesPublishedMessages()
{
    LAB_REQUIRE_REDIS();
    auto publisher = connectedClient();
    auto subscriber = connectedClient();
    QVERIFY2(publisher && subscriber, "clients did not connect");
    const QByteArray channel = key("tst-redis-channel");
    const QByteArray other = channel + "-other";

    QList<QByteArray> received;
    QList<QByteArray> receivedOther;
    subscriber->subscribe(channel, [&](const QByteArray &ch, const QByteArray &msg) {
        QCOMPARE(ch, channel);
        received.append(msg);
    });
    subscriber->subscribe(other, [&](const QByteArray &, const QByteArray &msg) { receivedOther.append(msg); });
    SubscriberProbe probe1(*publisher, channel);
    QTRY_VERIFY_WITH_TIMEOUT(probe1(), 10000);
    SubscriberProbe probe2(*publisher, other);
    QTRY_VERIFY_WITH_TIMEOUT(probe2(), 10000);

    for (const char *m : {"one", "two", "three"}) {
        auto r = call(*publisher, {"PUBLISH", channel, m});
        QVERIFY(r);
        QCOMPARE(r->integer, 1); // one receiver: our subscriber
    }
    QVERIFY(call(*publisher, {"PUBLISH", other, "x"}));
    QTRY_COMPARE(received.size(), 3);
    QCOMPARE(received, (QList<QByteArray>{"one", "two", "three"}));
    QTRY_COMPARE(receivedOther, QList<QByteArray>{"x"});

    // Pub/sub mode: ordinary commands are refused with an Error (never sent).
    auto refused = call(*subscriber, {"GET", "x"});
    QVERIFY(refused);
    QVERIFY(refused->isError());
    QVERIFY2(refused->errorMessage().contains(QLatin1String("pub/sub")), qPrintable(refused->errorMessage()));
}

void TstRedis::unreachableServerGivesErrorReply()
{
    LAB_REQUIRE_REDIS(); // the suite runs against real infrastructure; this one uses a dead port
    RedisClient c(QStringLiteral("127.0.0.1"), labtest::freePort());
    QSignalSpy connectedSpy(&c, &RedisClient::connected);
    c.connectToServer();

    std::optional<RedisReply> reply;
    c.command({"PING"}, [&reply](const RedisReply &r) { reply = r; });
    QVERIFY(!reply); // never inline
    QTRY_VERIFY_WITH_TIMEOUT(reply.has_value(), 5000);
    QVERIFY(reply->isError());
    QVERIFY2(!reply->errorMessage().isEmpty(), "the error says why");

    // While it keeps retrying in the background, commands still fail fast.
    std::optional<RedisReply> again;
    c.command({"PING"}, [&again](const RedisReply &r) { again = r; });
    QTRY_VERIFY_WITH_TIMEOUT(again.has_value(), 5000);
    QVERIFY(again->isError());
    QVERIFY(!c.isConnected());
    QCOMPARE(connectedSpy.count(), 0);
    QCOMPARE(c.pending(), 0);
}

void TstRedis::commandTimeoutResetsConnectionAndRecovers()
{
    LAB_REQUIRE_REDIS();
    auto c = connectedClient(300);
    QVERIFY2(c, "client did not connect");
    QSignalSpy disconnectedSpy(c.get(), &RedisClient::disconnected);
    QSignalSpy connectedSpy(c.get(), &RedisClient::connected);
    const QByteArray k = key("tst-redis-timeout");

    // BLPOP on an empty list with no server-side timeout never answers: the watchdog must.
    int calls = 0;
    std::optional<RedisReply> blocked;
    c->command({"BLPOP", k, "0"}, [&](const RedisReply &r) {
        ++calls;
        blocked = r;
    });
    int behindCalls = 0;
    c->command({"PING"}, [&](const RedisReply &r) {
        ++behindCalls;
        QVERIFY(r.isError());
    });
    QTRY_VERIFY_WITH_TIMEOUT(blocked.has_value(), 5000);
    QVERIFY(blocked->isError());
    QVERIFY2(blocked->errorMessage().contains(QLatin1String("300 ms")), qPrintable(blocked->errorMessage()));
    QTRY_COMPARE(behindCalls, 1);
    QTRY_COMPARE(disconnectedSpy.count(), 1);

    QTRY_VERIFY_WITH_TIMEOUT(connectedSpy.count() >= 1, 5000);
    auto ping = call(*c, {"PING"});
    QVERIFY(ping);
    QCOMPARE(ping->string, QByteArray("PONG"));
    QCOMPARE(calls, 1);
    QCOMPARE(behindCalls, 1);
    QCOMPARE(c->pending(), 0);
}

void TstRedis::deletingClientInsideCallbackIsSafe()
{
    LAB_REQUIRE_REDIS();
    auto owned = connectedClient();
    QVERIFY2(owned, "client did not connect");
    RedisClient *c = owned.release();
    QPointer<RedisClient> alive(c);
    bool first = false;
    bool second = false;
    c->command({"PING"}, [&](const RedisReply &) {
        first = true;
        delete c; // the next callback is dropped with the client, nothing dangles
    });
    c->command({"PING"}, [&](const RedisReply &) { second = true; });
    QTRY_VERIFY(first);
    QVERIFY(!alive);

    // Destroying a client with commands in flight is quiet too.
    auto other = connectedClient();
    QVERIFY2(other, "client did not connect");
    bool late = false;
    for (int i = 0; i < 100; ++i)
        other->command({"PING"}, [&late](const RedisReply &) { late = true; });
    other.reset();
    QCoreApplication::sendPostedEvents(); // run anything (wrongly) still queued
    QCoreApplication::processEvents();
    QVERIFY(!late);
    QVERIFY(!second);
}

void TstRedis::disconnectFailsPendingCommandsOnce()
{
    LAB_REQUIRE_REDIS();
    auto c = connectedClient();
    QVERIFY2(c, "client did not connect");
    QSignalSpy lost(c.get(), &RedisClient::disconnected);
    QSignalSpy back(c.get(), &RedisClient::connected);
    const QByteArray list = key("tst-redis-disconnect");
    QList<int> calls(3, 0);
    QList<bool> wasError(3, false);
    for (int i = 0; i < 3; ++i)
        c->command(i == 0 ? QByteArrayList{"BLPOP", list, "0"} : QByteArrayList{"PING"},
                   [&calls, &wasError, i](const RedisReply &r) {
                       ++calls[i];
                       wasError[i] = r.isError();
                   });
    c->disconnectFromServer();
    QVERIFY(!c->isConnected());
    QCOMPARE(calls, (QList<int>{0, 0, 0})); // not inline
    QTRY_COMPARE(calls, (QList<int>{1, 1, 1}));
    QCOMPARE(wasError, (QList<bool>{true, true, true}));
    QTRY_COMPARE(lost.count(), 1);

    // It stays down until asked, then comes back.
    auto refused = call(*c, {"PING"});
    QVERIFY(refused && refused->isError());
    QCOMPARE(back.count(), 0);
    c->connectToServer();
    QTRY_COMPARE(back.count(), 1);
    auto ping = call(*c, {"PING"});
    QVERIFY(ping);
    QCOMPARE(ping->string, QByteArray("PONG"));
    QCOMPARE(calls, (QList<int>{1, 1, 1}));
    QCOMPARE(c->pending(), 0);
}

void TstRedis::recoversAfterServerRestart()
{
    LAB_REQUIRE_REDIS();
    // A long timeout: the pending commands must fail because the server went away.
    auto c = connectedClient(120000);
    auto subscriber = connectedClient(120000);
    QVERIFY2(c && subscriber, "clients did not connect");
    const QByteArray channel = key("tst-redis-restart-channel");
    QList<QByteArray> received;
    subscriber->subscribe(channel, [&received](const QByteArray &, const QByteArray &m) { received.append(m); });
    SubscriberProbe probe3(*c, channel);
    QTRY_VERIFY_WITH_TIMEOUT(probe3(), 10000);

    QSignalSpy lost(c.get(), &RedisClient::disconnected);
    QSignalSpy back(c.get(), &RedisClient::connected);
    QSignalSpy subLost(subscriber.get(), &RedisClient::disconnected);
    QSignalSpy subBack(subscriber.get(), &RedisClient::connected);

    // Pending while the server dies: a BLPOP that never answers and commands queued behind it.
    const QByteArray list = key("tst-redis-restart-list");
    constexpr int pendingCount = 4;
    QList<int> calls(pendingCount, 0);
    QList<bool> wasError(pendingCount, false);
    for (int i = 0; i < pendingCount; ++i) {
        const QByteArrayList args = i == 0 ? QByteArrayList{"BLPOP", list, "0"} : QByteArrayList{"INCR", list + "-n"};
        c->command(args, [&calls, &wasError, i](const RedisReply &r) {
            ++calls[i];
            wasError[i] = r.isError();
        });
    }
    QTRY_COMPARE(c->pending(), pendingCount); // sent (nothing answers)

    QString output;
    const int rc = labtest::runLab({QStringLiteral("infra"), QStringLiteral("restart"), QStringLiteral("redis")},
                                   120000, &output);
    QVERIFY2(rc == 0, qPrintable(QStringLiteral("./lab infra restart redis failed (%1):\n%2").arg(rc).arg(output)));

    QTRY_VERIFY_WITH_TIMEOUT(lost.count() >= 1, 10000);
    QVERIFY2(!lost.first().value(0).toString().isEmpty(), "disconnected() carries a reason");
    for (int i = 0; i < pendingCount; ++i) {
        QTRY_COMPARE_WITH_TIMEOUT(calls.at(i), 1, 10000);
        QVERIFY2(wasError.at(i), qPrintable(QStringLiteral("pending command %1 did not get an Error").arg(i)));
    }

    // It reconnects by itself and works again.
    QTRY_VERIFY_WITH_TIMEOUT(back.count() >= 1 && c->isConnected(), 15000);
    const QByteArray k = key("tst-redis-restart");
    auto set = call(*c, {"SET", k, "after-restart", "EX", "60"});
    QVERIFY(set);
    QVERIFY2(!set->isError(), qPrintable(set->errorMessage()));
    auto get = call(*c, {"GET", k});
    QVERIFY(get);
    QCOMPARE(get->string, QByteArray("after-restart"));

    // The subscriber lost its link too, came back and subscribed again.
    QTRY_VERIFY_WITH_TIMEOUT(subLost.count() >= 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(subBack.count() >= 1, 15000);
    SubscriberProbe probe4(*c, channel);
    QTRY_VERIFY_WITH_TIMEOUT(probe4(), 10000);
    QVERIFY(call(*c, {"PUBLISH", channel, "after-restart"}));
    QTRY_COMPARE(received, QList<QByteArray>{"after-restart"});

    // Exactly once: nothing was answered twice by the loss, the free or the reconnect.
    for (int i = 0; i < pendingCount; ++i)
        QCOMPARE(calls.at(i), 1);
    QCOMPARE(c->pending(), 0);
    call(*c, {"DEL", list + "-n"});
}


namespace {

/// Calls of `command` in the server's INFO commandstats (0 when never called, -1 when
/// INFO failed).
qint64 commandCalls(RedisClient &c, const QByteArray &command)
{
    const auto info = call(c, {"INFO", "commandstats"});
    if (!info || info->isError())
        return -1;
    const QByteArray prefix = "cmdstat_" + command + ":calls=";
    for (const QByteArray &line : info->string.split('\n'))
        if (line.startsWith(prefix))
            return line.mid(prefix.size(), line.indexOf(',') - prefix.size()).toLongLong();
    return 0;
}

} // namespace

// A Kafka batch makes one call of the same script per record, in one turn: Redis sees
// one script call for all of them (counted by the server itself), and each caller gets
// its own reply: a string, an array, nil, an integer, in call order.
void TstRedis::evalCallsOfOneTurnGoAsOneScriptCall()
{
    labtest::PrivateRedis server; // its counters are ours alone
    const QString started = server.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    RedisClient c(QStringLiteral("127.0.0.1"), server.port());
    QSignalSpy up(&c, &RedisClient::connected);
    c.connectToServer();
    QTRY_VERIFY_WITH_TIMEOUT(!up.isEmpty(), 10000); // (a fresh server may take a moment)
    const QByteArray script = "local v = redis.call('INCRBY', KEYS[1], ARGV[1])\n"
                              "if ARGV[2] == 'nil' then return nil end\n"
                              "if ARGV[2] == 'array' then return {v, KEYS[1]} end\n"
                              "if ARGV[2] == 'int' then return v end\n"
                              "return 'v' .. v";
    const QList<QByteArray> kinds{"str", "array", "nil", "int"};
    constexpr int N = 40;
    QList<std::optional<RedisReply>> replies(N);
    for (int i = 0; i < N; ++i)
        c.eval(script, {"k" + QByteArray::number(i % 3)}, {QByteArray::number(i + 1), kinds[i % 4]},
               [&replies, i](const RedisReply &r) { replies[i] = r; });
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(replies.cbegin(), replies.cend(), [](const auto &r) { return r.has_value(); }),
                             10000);
    QHash<int, qint64> sum; // each counter as the calls saw it, in call order
    for (int i = 0; i < N; ++i) {
        const qint64 expected = (sum[i % 3] += i + 1);
        const RedisReply &r = *replies[i];
        QVERIFY2(!r.isError(), qPrintable(QString::fromUtf8(r.string)));
        switch (i % 4) {
        case 0:
            QCOMPARE(r.string, "v" + QByteArray::number(expected));
            break;
        case 1:
            QCOMPARE(r.type, RedisReply::Type::Array);
            QCOMPARE(r.array.size(), 2);
            QCOMPARE(r.array.at(0).toInteger(), expected);
            QCOMPARE(r.array.at(1).string, "k" + QByteArray::number(i % 3));
            break;
        case 2:
            QVERIFY2(r.isNil(), qPrintable(QString::number(int(r.type))));
            break;
        default:
            QCOMPARE(r.toInteger(), expected);
        }
    }
    // One script call (EVAL: the script's first call on this connection sends it whole).
    QCOMPARE(commandCalls(c, "evalsha") + commandCalls(c, "eval"), qint64(1));

    // Without batching every call is a script call of its own.
    c.setEvalBatching(false);
    int answered = 0;
    c.eval(script, {"k0"}, {"1", "int"}, [&answered](const RedisReply &) { ++answered; }); // loads it
    QTRY_COMPARE_WITH_TIMEOUT(answered, 1, 10000);
    const qint64 before = commandCalls(c, "evalsha");
    for (int i = 0; i < 5; ++i)
        c.eval(script, {"k0"}, {"1", "int"}, [&answered](const RedisReply &) { ++answered; });
    QTRY_COMPARE_WITH_TIMEOUT(answered, 6, 10000);
    QCOMPARE(commandCalls(c, "evalsha") - before, qint64(5));
}

// Calls keep their order relative to plain commands made in between; an error reply
// belongs to its call alone, while a raised error stops the script and fails every
// call of its batch (each gets the error, none a wrong reply).
void TstRedis::evalBatchKeepsOrderAndFailsTogether()
{
    auto c = connectedClient();
    QVERIFY(c);
    const QByteArray k = key("tst-batch");
    const QByteArray get = "return redis.call('GET', KEYS[1])";
    std::optional<RedisReply> before, after;
    c->eval(get, {k}, {}, [&before](const RedisReply &r) { before = r; });
    c->command({"SET", k, "set-between"});
    c->eval(get, {k}, {}, [&after](const RedisReply &r) { after = r; });
    QTRY_VERIFY_WITH_TIMEOUT(before && after, 10000);
    QVERIFY2(before->isNil(), qPrintable(QStringLiteral("type %1: %2").arg(int(before->type)).arg(QString::fromUtf8(before->string))));
    QCOMPARE(after->string, QByteArray("set-between"));

    const QByteArray failing = "if ARGV[1] == 'boom' then return redis.error_reply('boom') end\n"
                               "if ARGV[1] == 'raise' then error('raised') end\n"
                               "return ARGV[1]";
    QList<std::optional<RedisReply>> got(3);
    const QList<QByteArray> args{"ok", "boom", "ok2"};
    for (int i = 0; i < 3; ++i)
        c->eval(failing, {k}, {args[i]}, [&got, i](const RedisReply &r) { got[i] = r; });
    QTRY_VERIFY_WITH_TIMEOUT(got[0] && got[1] && got[2], 10000);
    QCOMPARE(got[0]->string, QByteArray("ok"));
    QVERIFY(got[1]->isError());
    QCOMPARE(got[2]->string, QByteArray("ok2"));

    QList<std::optional<RedisReply>> raised(3);
    const QList<QByteArray> args2{"a", "raise", "b"};
    for (int i = 0; i < 3; ++i)
        c->eval(failing, {k}, {args2[i]}, [&raised, i](const RedisReply &r) { raised[i] = r; });
    QTRY_VERIFY_WITH_TIMEOUT(raised[0] && raised[1] && raised[2], 10000);
    for (const auto &r : raised)
        QVERIFY2(r->isError(), qPrintable(QString::fromUtf8(r->string)));
    QVERIFY(call(*c, {"DEL", k}));
}

QTEST_GUILESS_MAIN(TstRedis)
#include "tst_redis.moc"
