// redisclient.cpp: hiredis' async API on the Qt event loop.
//
// Two rules keep the hiredis side safe:
//  1. No user code ever runs inside a hiredis call. hiredis callbacks only copy the reply
//     and append a closure to a queue; the queue is drained from the event loop. So a
//     user callback may send commands, disconnect or delete the client without hiredis
//     being on the stack (redisAsyncFree from inside a hiredis callback would be deferred,
//     and deleting the client there would be a use-after-free).
//  2. Each command owns one InFlight record. Whoever removes the record (its reply, a
//     NULL reply while hiredis frees the context, or the sweep after the context is gone)
//     delivers its callback, so every callback runs exactly once, in command order.
//
// The end of a context, whatever its cause (server closed the socket, connect refused,
// our watchdog, disconnectFromServer), is observed in one place: the event-library
// `cleanup` hook, which hiredis calls from __redisAsyncFree after it has run the pending
// callbacks with NULL replies.
#include "lab/redis/redisclient.h"
#include "lab/runtime/log.h"
#include "lab/runtime/metrics.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QSet>
#include <QSocketNotifier>
#include <QTimer>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <vector>

namespace lab {

namespace {

constexpr int kMinBackoffMs = 100;
constexpr int kMaxBackoffMs = 2000;
// Behind Sentinels a retry is a question to a Sentinel plus a refused connection at
// most: cheap, and after a failover the sooner the better (the chaos test's Redis
// master kill lost ~0.8 s of orders to a 1.6 s backoff step).
constexpr int kMaxBackoffWithSentinelsMs = 500;

RedisReply copyReply(const redisReply *r)
{
    RedisReply out;
    switch (r->type) {
    case REDIS_REPLY_STRING:
        out.type = RedisReply::Type::String;
        out.string = QByteArray(r->str, int(r->len));
        break;
    case REDIS_REPLY_STATUS:
        out.type = RedisReply::Type::Status;
        out.string = QByteArray(r->str, int(r->len));
        break;
    case REDIS_REPLY_ERROR:
        out.type = RedisReply::Type::Error;
        out.string = QByteArray(r->str, int(r->len));
        break;
    case REDIS_REPLY_INTEGER:
        out.type = RedisReply::Type::Integer;
        out.integer = r->integer;
        break;
    case REDIS_REPLY_ARRAY:
        out.type = RedisReply::Type::Array;
        out.array.reserve(qsizetype(r->elements));
        for (size_t i = 0; i < r->elements; ++i)
            out.array.append(copyReply(r->element[i]));
        break;
    case REDIS_REPLY_NIL:
    default:
        out.type = RedisReply::Type::Nil;
        break;
    }
    return out;
}

} // namespace

class RedisClient::Private
{
public:
    struct InFlight
    {
        quint64 id;
        Callback cb;
        qint64 sentAtNs;
    };

    Private(RedisClient *owner, const QString &h, quint16 p)
        : q(owner), host(h), port(p), hostUtf8(h.toUtf8())
    {
        clock.start();
        reconnectTimer.setSingleShot(true);
        QObject::connect(&reconnectTimer, &QTimer::timeout, q, [this] { connectNow(); });
        QObject::connect(&watchdog, &QTimer::timeout, q, [this] { checkTimeouts(); });
        applyWatchdogInterval();
        checkTimer.setInterval(CheckIntervalMs);
        QObject::connect(&checkTimer, &QTimer::timeout, q, [this] { checkServer(); });
    }

    ~Private()
    {
        resolver.reset(); // its pending answers are dropped with it
        destroying = true;
        wantConnected = false;
        reconnectTimer.stop();
        watchdog.stop();
        // The owner is going away: callbacks still pending are dropped, not called
        // (they would run inside the owner's destructor).
        inFlight.clear();
        events.clear();
        if (ctx)
            redisAsyncFree(ctx); // NULL replies find no records; cleanup hook clears ctx
    }

    QString where() const { return QStringLiteral("%1:%2").arg(host).arg(port); }

    // ------------------------------------------------------------ delivery queue
    void post(std::function<void()> fn)
    {
        events.push_back(std::move(fn));
        if (!drainScheduled && !destroying) {
            drainScheduled = true;
            QMetaObject::invokeMethod(q, [this] { drain(); }, Qt::QueuedConnection);
        }
    }

    void drain()
    {
        drainScheduled = false;
        QPointer<RedisClient> guard(q);
        while (!events.empty()) {
            std::function<void()> fn = std::move(events.front());
            events.pop_front();
            fn();
            if (!guard)
                return; // a callback deleted the client
        }
    }

    void deliver(Callback cb, RedisReply reply)
    {
        post([this, cb = std::move(cb), reply = std::move(reply)] {
            --pendingCount;
            if (cb)
                cb(reply);
        });
    }

    void fail(Callback cb, const QString &message) { deliver(std::move(cb), RedisReply::error(message)); }

    void complete(quint64 id, RedisReply reply)
    {
        auto it = std::find_if(inFlight.begin(), inFlight.end(),
                               [id](const InFlight &f) { return f.id == id; });
        if (it == inFlight.end())
            return; // already answered (e.g. failed by the sweep)
        Callback cb = std::move(it->cb);
        Metrics::instance().observe(QStringLiteral("lab_redis_command_seconds"),
                                    QStringLiteral("Time from sending a Redis command to its reply."),
                                    double(clock.nsecsElapsed() - it->sentAtNs) / 1e9);
        inFlight.erase(it);
        deliver(std::move(cb), std::move(reply));
    }

    void failAllInFlight(const QString &reason)
    {
        std::deque<InFlight> lost;
        lost.swap(inFlight);
        for (InFlight &f : lost)
            fail(std::move(f.cb), reason);
    }

    // ------------------------------------------------------------ connection
    QString lossReason(const redisAsyncContext *ac) const
    {
        if (!closeReason.isEmpty())
            return closeReason;
        if (ac && ac->c.err)
            return QStringLiteral("Redis at %1: %2").arg(where(), QString::fromUtf8(ac->c.errstr));
        return QStringLiteral("connection to Redis at %1 lost").arg(where());
    }

    void connectNow()
    {
        if (ctx || !wantConnected || destroying)
            return;
        if (!resolver) {
            connectTo();
            return;
        }
        if (resolving)
            return;
        resolving = true;
        resolver->resolve([this](const std::optional<sentinel::Address> &master, const QString &error) {
            resolving = false;
            if (ctx || !wantConnected || destroying)
                return;
            if (!master) {
                attemptEnded(error, false);
                return;
            }
            setServer(*master);
            connectTo();
        });
    }

    void setServer(const sentinel::Address &address)
    {
        if (address.host == host && address.port == port)
            return;
        if (everConnected)
            qCWarning(lcRedis).noquote() << "the Sentinels name" << address.toString() << "as the master of"
                                         << resolver->masterName() << "now (was" << where() + QStringLiteral(")");
        host = address.host;
        port = address.port;
        hostUtf8 = host.toUtf8();
    }

    // Ends the connection from the event loop (never from inside a hiredis callback);
    // the reconnection asks the Sentinels again.
    void dropConnection(const QString &why)
    {
        if (!ctx)
            return;
        qCWarning(lcRedis).noquote() << why;
        closeReason = why;
        redisAsyncFree(ctx);
        closeReason.clear();
    }

    // (not on a pub/sub connection, which takes no other commands)
    int maxBackoffMs() const { return resolver ? kMaxBackoffWithSentinelsMs : kMaxBackoffMs; }

    bool checksServer() const { return (resolver || replicaWaitMs > 0) && subscriptions.isEmpty(); }

    // Once a second while connected: is it still the master (ROLE, and the Sentinels'
    // answer), and how many replicas does it have online (what WAIT waits for).
    void checkServer()
    {
        if (!ctx || !connected)
            return;
        if (!roleCheckOut) {
            roleCheckOut = true;
            redisAsyncContext *ac = ctx;
            sendRole([this, ac](const RedisReply &reply) {
                roleCheckOut = false;
                if (ctx == ac)
                    applyRole(reply, ac);
            });
        }
        if (resolver && !resolving && !resolveCheckOut) {
            resolveCheckOut = true;
            redisAsyncContext *ac = ctx;
            resolver->resolve([this, ac](const std::optional<sentinel::Address> &master, const QString &) {
                resolveCheckOut = false;
                if (ctx == ac && master && (master->host != host || master->port != port))
                    dropConnection(QStringLiteral("the Sentinels name %1 as the master now; leaving %2")
                                       .arg(master->toString(), where()));
            });
        }
    }

    // ROLE goes through command(): its reply arrives in order with the others, and its
    // callback runs from the delivery queue (outside hiredis).
    void sendRole(Callback cb) { q->command({"ROLE"}, std::move(cb)); }

    /// Takes a ROLE reply of connection ac into account; false when the server is not
    /// a master although the Sentinels named it (the connection is dropped then).
    bool applyRole(const RedisReply &reply, redisAsyncContext *ac)
    {
        const sentinel::Role role = sentinel::parseRoleReply(reply);
        if (resolver && role.name != "master") {
            if (ctx == ac)
                dropConnection(QStringLiteral("Redis at %1 is not a master (ROLE: %2); asking the Sentinels again")
                                   .arg(where(), role.name.isEmpty() ? reply.errorMessage() : QString::fromUtf8(role.name)));
            return false;
        }
        if (role.connectedReplicas != replicas && replicaWaitMs > 0)
            qCInfo(lcRedis).noquote() << "Redis at" << where() << "has" << role.connectedReplicas
                                      << "replica(s) online: script calls wait for" << role.connectedReplicas;
        replicas = role.connectedReplicas;
        return true;
    }

    void connectTo()
    {
        redisAsyncContext *ac = redisAsyncConnect(hostUtf8.constData(), int(port));
        if (!ac) {
            attemptEnded(QStringLiteral("Redis at %1: cannot allocate a context").arg(where()), false);
            return;
        }
        if (ac->err) {
            const QString why = QStringLiteral("Redis at %1: %2").arg(where(), QString::fromUtf8(ac->errstr));
            redisAsyncFree(ac); // no hooks attached yet: nothing calls back
            attemptEnded(why, false);
            return;
        }
        ctx = ac;
        ac->data = this;
        ac->ev.data = this;
        ac->ev.addRead = &Private::hookAddRead;
        ac->ev.delRead = &Private::hookDelRead;
        ac->ev.addWrite = &Private::hookAddWrite;
        ac->ev.delWrite = &Private::hookDelWrite;
        ac->ev.cleanup = &Private::hookCleanup;
        redisEnableKeepAlive(&ac->c); // notices a vanished peer on an idle (pub/sub) link
        // Hooks first: setting the connect callback arms the write notifier.
        redisAsyncSetConnectCallback(ac, &Private::onConnectHook);
        connectStartedMs = clock.elapsed();
        // Commands and subscriptions sent now are buffered until the socket is up.
        for (auto it = subscriptions.cbegin(); it != subscriptions.cend(); ++it)
            sendSubscribe(it.key());
        watchdog.start();
    }

    void scheduleReconnect()
    {
        if (!wantConnected || destroying)
            return;
        reconnectTimer.start(backoffMs);
        backoffMs = std::min(backoffMs * 2, maxBackoffMs());
    }

    // A connection attempt or an established connection ended.
    void attemptEnded(const QString &reason, bool wasConnected)
    {
        lastError = reason;
        if (destroying)
            return;
        if (wasConnected) {
            qCWarning(lcRedis).noquote() << "disconnected:" << reason;
            post([this, reason] { emit q->disconnected(reason); });
        } else if (wantConnected) {
            if (failedAttempts++ == 0)
                qCWarning(lcRedis).noquote() << "cannot connect:" << reason << "(retrying with backoff up to"
                                             << maxBackoffMs() << "ms)";
            else
                qCDebug(lcRedis).noquote() << "reconnect attempt" << failedAttempts << "failed:" << reason;
        }
        scheduleReconnect();
    }

    void contextGone()
    {
        const QString reason = lossReason(ctx);
        ctx = nullptr;
        watchdog.stop();
        for (QSocketNotifier **n : {&readNotifier, &writeNotifier}) {
            if (*n) {
                (*n)->setEnabled(false);
                (*n)->deleteLater(); // may be inside its own activated() signal
                *n = nullptr;
            }
        }
        const bool wasConnected = connected;
        connected = false;
        verifying = false;
        checkTimer.stop();
        failAllInFlight(reason);
        attemptEnded(reason, wasConnected);
    }

    void checkTimeouts()
    {
        if (!ctx) {
            watchdog.stop();
            return;
        }
        if (timeoutMs <= 0)
            return;
        const qint64 now = clock.elapsed();
        QString why;
        if (!connected && now - connectStartedMs > timeoutMs)
            why = QStringLiteral("connecting to Redis at %1 timed out after %2 ms").arg(where()).arg(timeoutMs);
        else if (!inFlight.empty() && now - inFlight.front().sentAtNs / 1000000 > timeoutMs)
            why = QStringLiteral("Redis at %1 did not answer within %2 ms; connection reset")
                      .arg(where()).arg(timeoutMs);
        if (why.isEmpty())
            return;
        // The link is treated as dead: free the context (not a graceful redisAsyncDisconnect,
        // which would wait for the very replies that are missing). We are in a timer slot,
        // never inside a hiredis callback, so the free happens now and calls back through
        // the NULL replies and the cleanup hook.
        closeReason = why;
        redisAsyncFree(ctx);
        closeReason.clear();
    }

    void applyWatchdogInterval()
    {
        watchdog.setInterval(timeoutMs > 0 ? std::clamp(timeoutMs / 10, 10, 250) : 1000);
    }

    void sendSubscribe(const QByteArray &channel)
    {
        const char *argv[] = {"SUBSCRIBE", channel.constData()};
        const size_t lens[] = {9, size_t(channel.size())};
        redisAsyncCommandArgv(ctx, &Private::onSubscribeReply, nullptr, 2, argv, lens);
    }

    // ------------------------------------------------------------ notifiers
    QSocketNotifier *makeNotifier(QSocketNotifier::Type type)
    {
        auto *n = new QSocketNotifier(ctx->c.fd, type, q);
        redisAsyncContext *ac = ctx;
        if (type == QSocketNotifier::Read)
            QObject::connect(n, &QSocketNotifier::activated, q, [this, ac] {
                if (ctx == ac)
                    redisAsyncHandleRead(ac); // may free ac: nothing touches it afterwards
            });
        else
            QObject::connect(n, &QSocketNotifier::activated, q, [this, ac] {
                if (ctx == ac)
                    redisAsyncHandleWrite(ac);
            });
        return n;
    }

    void setNotifier(QSocketNotifier::Type type, bool on)
    {
        QSocketNotifier *&n = type == QSocketNotifier::Read ? readNotifier : writeNotifier;
        if (!ctx)
            return;
        if (!n) {
            if (!on)
                return;
            n = makeNotifier(type);
        }
        n->setEnabled(on);
    }

    // ------------------------------------------------------------ hiredis hooks
    static void hookAddRead(void *p) { static_cast<Private *>(p)->setNotifier(QSocketNotifier::Read, true); }
    static void hookDelRead(void *p) { static_cast<Private *>(p)->setNotifier(QSocketNotifier::Read, false); }
    static void hookAddWrite(void *p) { static_cast<Private *>(p)->setNotifier(QSocketNotifier::Write, true); }
    static void hookDelWrite(void *p) { static_cast<Private *>(p)->setNotifier(QSocketNotifier::Write, false); }
    static void hookCleanup(void *p) { static_cast<Private *>(p)->contextGone(); }

    static void onConnectHook(const redisAsyncContext *ac, int status)
    {
        auto *d = static_cast<Private *>(ac->data);
        if (status != REDIS_OK)
            return; // hiredis frees the context next; the cleanup hook reports it
        d->loadedScripts.clear(); // a new connection may be a restarted server: send scripts whole once
        if (!d->checksServer()) {
            d->markConnected();
            return;
        }
        // Connected only once ROLE says what the server is (and, with Sentinels, that it
        // is the master). Commands sent meanwhile are queued behind ROLE; if the server
        // turns out to be a replica, they fail with the connection.
        d->verifying = true;
        auto *ctx = const_cast<redisAsyncContext *>(ac);
        d->post([d, ctx] {
            if (d->ctx != ctx || !d->verifying)
                return;
            d->sendRole([d, ctx](const RedisReply &reply) {
                if (d->ctx != ctx || !d->verifying)
                    return;
                d->verifying = false;
                if (reply.isError() && !d->resolver) {
                    d->markConnected(); // a server without ROLE (very old): no replica count
                    return;
                }
                if (d->applyRole(reply, ctx))
                    d->markConnected();
            });
        });
    }

    void markConnected()
    {
        Private *d = this;
        d->connected = true;
        d->backoffMs = kMinBackoffMs;
        if (d->failedAttempts > 0 || d->everConnected)
            qCInfo(lcRedis).noquote() << "reconnected to Redis at" << d->where();
        else
            qCInfo(lcRedis).noquote() << "connected to Redis at" << d->where();
        d->failedAttempts = 0;
        d->everConnected = true;
        d->lastError.clear();
        if (d->checksServer())
            d->checkTimer.start();
        d->post([d] { emit d->q->connected(); });
    }

    static void onCommandReply(redisAsyncContext *ac, void *r, void *privdata)
    {
        auto *d = static_cast<Private *>(ac->data);
        const auto id = quint64(reinterpret_cast<std::uintptr_t>(privdata));
        RedisReply reply = r ? copyReply(static_cast<const redisReply *>(r)) : RedisReply::error(d->lossReason(ac));
        if (d->resolver && reply.isError() && reply.string.startsWith("READONLY")) {
            // The master was turned into a replica under us (a failover): move at once.
            d->post([d, ac] {
                if (d->ctx == ac)
                    d->dropConnection(QStringLiteral("Redis at %1 answered READONLY (a replica now); asking the Sentinels again")
                                          .arg(d->where()));
            });
        }
        d->complete(id, std::move(reply));
    }

    static void onSubscribeReply(redisAsyncContext *ac, void *r, void *)
    {
        auto *d = static_cast<Private *>(ac->data);
        const auto *reply = static_cast<const redisReply *>(r);
        if (!reply) // the context is being freed; the subscription is re-sent on reconnect
            return;
        if (reply->type == REDIS_REPLY_ERROR) {
            qCWarning(lcRedis).noquote() << "subscribe failed:" << QByteArray(reply->str, int(reply->len));
            return;
        }
        if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 3
            || reply->element[0]->type != REDIS_REPLY_STRING || reply->element[1]->type != REDIS_REPLY_STRING)
            return;
        const QByteArray kind(reply->element[0]->str, int(reply->element[0]->len));
        const QByteArray channel(reply->element[1]->str, int(reply->element[1]->len));
        if (kind == "message" && reply->element[2]->type == REDIS_REPLY_STRING) {
            const QByteArray payload(reply->element[2]->str, int(reply->element[2]->len));
            d->post([d, channel, payload] {
                const auto it = d->subscriptions.constFind(channel);
                if (it == d->subscriptions.cend())
                    return;
                const MessageCallback cb = it.value(); // the callback may subscribe again
                if (cb)
                    cb(channel, payload);
            });
        } else if (kind == "subscribe") {
            qCDebug(lcRedis).noquote() << "subscribed to" << channel;
        }
    }

    RedisClient *q;
    QString host;
    quint16 port;
    QByteArray hostUtf8;

    std::unique_ptr<SentinelResolver> resolver; ///< set by useSentinels()
    bool resolving = false;       ///< asking the Sentinels before connecting
    bool resolveCheckOut = false; ///< the periodic Sentinel check awaits its answer
    bool roleCheckOut = false;    ///< the periodic ROLE awaits its answer
    bool verifying = false;       ///< connected, ROLE not answered yet
    int replicaWaitMs = 0;
    int replicas = 0; ///< online replicas of the server at the last ROLE
    QTimer checkTimer;

    redisAsyncContext *ctx = nullptr;
    QSocketNotifier *readNotifier = nullptr;
    QSocketNotifier *writeNotifier = nullptr;

    bool wantConnected = false;
    bool connected = false;
    bool everConnected = false;
    bool destroying = false;
    QString closeReason; ///< why we are freeing the context ourselves
    QString lastError;   ///< why the last connection or attempt ended
    int backoffMs = kMinBackoffMs;
    int failedAttempts = 0;
    int timeoutMs = 5000;

    QElapsedTimer clock;
    qint64 connectStartedMs = 0;
    QTimer reconnectTimer;
    QTimer watchdog;

    std::deque<InFlight> inFlight;
    quint64 nextId = 1;
    int pendingCount = 0;
    QHash<QByteArray, MessageCallback> subscriptions;

    std::deque<std::function<void()>> events;
    bool drainScheduled = false;

    // ------------------------------------------------------------ eval batching
    struct DeferredEval
    {
        QByteArrayList keys;
        QByteArrayList args;
        Callback cb;
    };
    struct EvalRun
    {
        QByteArray script;
        std::vector<DeferredEval> calls;
    };
    std::vector<EvalRun> evalRuns; ///< this turn's eval() calls, in call order
    int deferredEvals = 0;
    bool evalFlushScheduled = false;
    bool evalBatching = true;
    struct ScriptInfo
    {
        QByteArray script; ///< held so that the data (the cache key) stays alive
        QByteArray sha;
        QByteArray batchScript;
        QByteArray batchSha;
    };
    QHash<const char *, ScriptInfo> scripts; ///< by the script's data pointer
    QSet<QByteArray> loadedScripts; ///< SHA-1s sent whole (EVAL) on this connection

    struct ReplicaWait;
    ScriptInfo &scriptInfo(const QByteArray &script);
    void sendEval(const QByteArray &script, const QByteArray &sha, const QByteArrayList &keys,
                  const QByteArrayList &args, Callback cb);
    void flushEvals();
};

// A script's SHA-1 is computed once (not per call), keyed by the address of its data,
// which the cache keeps alive; the wrapper that runs a batch of its calls too.
RedisClient::Private::ScriptInfo &RedisClient::Private::scriptInfo(const QByteArray &script)
{
    auto it = scripts.find(script.constData());
    if (it != scripts.end() && it->script.size() == script.size())
        return *it;
    if (scripts.size() >= 64) // scripts built at run time: keep the cache bounded
        scripts.clear();
    ScriptInfo info;
    info.script = script;
    info.sha = QCryptographicHash::hash(script, QCryptographicHash::Sha1).toHex();
    // The script becomes a function whose parameters shadow KEYS and ARGV; the batch
    // passes ARGV = {calls, then per call: #keys, #args, its args...}, KEYS = every
    // call's keys in order, and answers one array per call: {reply}, or {} for nil.
    info.batchScript = QByteArrayLiteral("local function lab_one(KEYS, ARGV)\n") + script
        + QByteArrayLiteral(R"lua(
end
local out, k, a = {}, 1, 2
for i = 1, tonumber(ARGV[1]) do
  local nk, na = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  a = a + 2
  local keys, args = {}, {}
  for j = 1, nk do keys[j] = KEYS[k]; k = k + 1 end
  for j = 1, na do args[j] = ARGV[a]; a = a + 1 end
  out[i] = {lab_one(keys, args)}
end
return out
)lua");
    info.batchSha = QCryptographicHash::hash(info.batchScript, QCryptographicHash::Sha1).toHex();
    return *scripts.insert(script.constData(), info);
}

// A script call whose answer waits for the replicas (setReplicaWaitMs): the script's
// reply and the WAIT that follows it on the connection, whichever comes last delivers.
struct RedisClient::Private::ReplicaWait
{
    RedisClient::Callback cb;
    int wanted = 0;
    int timeoutMs = 0;
    int generation = 0; ///< of the WAIT that counts (a NOSCRIPT retry sends another)
    bool haveReply = false;
    bool haveWait = false;
    bool delivered = false;
    RedisReply reply;
    RedisReply waitReply;

    void finishIfDone()
    {
        if (delivered || !haveReply)
            return;
        if (reply.isError()) { // nothing to wait for; the caller retries
            delivered = true;
            if (cb)
                cb(reply);
            return;
        }
        if (!haveWait)
            return;
        delivered = true;
        const QString shortfall = sentinel::replicationShortfall(waitReply, wanted, timeoutMs);
        if (cb)
            cb(shortfall.isEmpty() ? reply : RedisReply::error(shortfall));
    }
};

void RedisClient::Private::sendEval(const QByteArray &script, const QByteArray &sha, const QByteArrayList &keys,
                                    const QByteArrayList &args, Callback cb)
{
    QByteArrayList tail;
    tail.reserve(1 + keys.size() + args.size());
    tail << QByteArray::number(keys.size()) << keys << args;
    // WAIT right behind the script on the same connection (pipelined: no extra round
    // trip before it); it covers every write this connection made before it.
    std::shared_ptr<ReplicaWait> wait;
    if (replicaWaitMs > 0 && replicas > 0) {
        wait = std::make_shared<ReplicaWait>();
        wait->cb = std::move(cb);
        wait->wanted = replicas;
        wait->timeoutMs = replicaWaitMs;
        cb = [wait](const RedisReply &reply) {
            wait->reply = reply;
            wait->haveReply = true;
            wait->finishIfDone();
        };
    }
    const auto sendWait = [this, wait] {
        if (!wait)
            return;
        const int generation = ++wait->generation;
        wait->haveWait = false;
        q->command({"WAIT", QByteArray::number(wait->wanted), QByteArray::number(wait->timeoutMs)},
                   [wait, generation](const RedisReply &reply) {
                       if (generation != wait->generation)
                           return; // the WAIT before a NOSCRIPT retry: another one follows it
                       wait->waitReply = reply;
                       wait->haveWait = true;
                       wait->finishIfDone();
                   });
    };
    // The first call of a script on a connection sends it whole, which also caches it
    // on the server: EVALSHA would fail with NOSCRIPT and its EVAL retry would run
    // after commands sent meanwhile (calls must run in the order they were made).
    if (!loadedScripts.contains(sha)) {
        loadedScripts.insert(sha);
        q->command(QByteArrayList{"EVAL", script} + tail, std::move(cb));
        sendWait();
        return;
    }
    // The callback only runs from the delivery queue, which dies with the client.
    // NOSCRIPT now means SCRIPT FLUSH by someone else: resend it whole.
    q->command(QByteArrayList{"EVALSHA", sha} + tail, [this, script, tail, cb, sendWait](const RedisReply &reply) {
        if (reply.isError() && reply.string.startsWith("NOSCRIPT")) {
            q->command(QByteArrayList{"EVAL", script} + tail, cb);
            sendWait();
            return;
        }
        if (cb)
            cb(reply);
    });
    sendWait();
}

void RedisClient::Private::flushEvals()
{
    evalFlushScheduled = false;
    std::vector<EvalRun> runs;
    runs.swap(evalRuns);
    deferredEvals = 0;
    for (EvalRun &run : runs) {
        ScriptInfo &info = scriptInfo(run.script);
        if (run.calls.size() == 1) {
            DeferredEval &c = run.calls.front();
            sendEval(info.script, info.sha, c.keys, c.args, std::move(c.cb));
            continue;
        }
        QByteArrayList keys, args;
        args << QByteArray::number(qsizetype(run.calls.size()));
        auto callbacks = std::make_shared<std::vector<Callback>>();
        callbacks->reserve(run.calls.size());
        for (DeferredEval &c : run.calls) {
            keys += c.keys;
            args << QByteArray::number(c.keys.size()) << QByteArray::number(c.args.size());
            args += c.args;
            callbacks->push_back(std::move(c.cb));
        }
        sendEval(info.batchScript, info.batchSha, keys, args, [this, callbacks](const RedisReply &reply) {
            const bool shaped = reply.type == RedisReply::Type::Array && reply.array.size() == qsizetype(callbacks->size());
            QPointer<RedisClient> guard(q);
            for (size_t i = 0; i < callbacks->size(); ++i) {
                RedisReply one;
                if (!shaped) {
                    one = reply.isError() ? reply
                                          : RedisReply::error(QStringLiteral("unexpected reply to a batch of %1 script calls")
                                                                  .arg(callbacks->size()));
                } else if (const RedisReply &e = reply.array.at(qsizetype(i)); e.type == RedisReply::Type::Array
                                                                              && e.array.size() <= 1) {
                    if (e.array.size() == 1)
                        one = e.array.first(); // else: nil
                } else {
                    one = RedisReply::error(QStringLiteral("unexpected reply to a batched script call"));
                }
                if ((*callbacks)[i])
                    (*callbacks)[i](one);
                if (!guard)
                    return; // a callback deleted the client
            }
        });
    }
}

RedisClient::RedisClient(const QString &host, quint16 port, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, host, port))
{
}

RedisClient::~RedisClient() = default;

void RedisClient::useSentinels(const QList<sentinel::Address> &sentinels, const QByteArray &masterName)
{
    d->resolver = std::make_unique<SentinelResolver>(sentinels, masterName);
}

void RedisClient::setReplicaWaitMs(int timeoutMs)
{
    d->replicaWaitMs = std::max(0, timeoutMs);
}

QString RedisClient::serverAddress() const
{
    return d->where();
}

void RedisClient::connectToServer()
{
    d->wantConnected = true;
    if (!d->ctx && !d->reconnectTimer.isActive())
        d->connectNow();
}

void RedisClient::disconnectFromServer()
{
    d->wantConnected = false;
    d->reconnectTimer.stop();
    d->backoffMs = kMinBackoffMs;
    if (d->ctx) {
        d->closeReason = QStringLiteral("disconnected from Redis at %1 by the client").arg(d->where());
        redisAsyncFree(d->ctx);
        d->closeReason.clear();
    }
}

bool RedisClient::isConnected() const
{
    return d->connected;
}

void RedisClient::command(const QByteArrayList &args, Callback cb)
{
    if (!d->evalRuns.empty())
        d->flushEvals(); // keep the order in which calls were made
    ++d->pendingCount;
    if (args.isEmpty()) {
        d->fail(std::move(cb), QStringLiteral("empty Redis command"));
        return;
    }
    if (!d->subscriptions.isEmpty()) {
        d->fail(std::move(cb), QStringLiteral("this Redis client is in pub/sub mode; use another client for %1")
                                   .arg(QString::fromUtf8(args.first())));
        return;
    }
    if (!d->ctx) {
        QString why = QStringLiteral("not connected to Redis at %1").arg(d->where());
        if (!d->lastError.isEmpty())
            why += QStringLiteral(" (%1)").arg(d->lastError);
        d->fail(std::move(cb), why);
        return;
    }

    std::vector<const char *> argv;
    std::vector<size_t> lens;
    argv.reserve(size_t(args.size()));
    lens.reserve(size_t(args.size()));
    for (const QByteArray &a : args) {
        argv.push_back(a.constData());
        lens.push_back(size_t(a.size()));
    }
    const quint64 id = d->nextId++;
    d->inFlight.push_back({id, std::move(cb), d->clock.nsecsElapsed()});
    if (redisAsyncCommandArgv(d->ctx, &Private::onCommandReply, reinterpret_cast<void *>(std::uintptr_t(id)),
                              int(argv.size()), argv.data(), lens.data())
        != REDIS_OK) {
        Callback failed = std::move(d->inFlight.back().cb);
        d->inFlight.pop_back();
        d->fail(std::move(failed), QStringLiteral("Redis at %1: connection is closing").arg(d->where()));
    }
}

void RedisClient::eval(const QByteArray &script, const QByteArrayList &keys, const QByteArrayList &args,
                       Callback cb)
{
    if (!d->evalBatching) {
        const Private::ScriptInfo &info = d->scriptInfo(script);
        d->sendEval(info.script, info.sha, keys, args, std::move(cb));
        return;
    }
    const auto sameScript = [&script](const QByteArray &other) {
        return other.constData() == script.constData() || other == script;
    };
    if (d->evalRuns.empty() || !sameScript(d->evalRuns.back().script)
        || d->evalRuns.back().calls.size() >= size_t(MaxEvalBatch))
        d->evalRuns.push_back({script, {}});
    d->evalRuns.back().calls.push_back({keys, args, std::move(cb)});
    ++d->deferredEvals;
    if (!d->evalFlushScheduled) {
        d->evalFlushScheduled = true;
        // Posted: runs once this turn's other events (the rest of a Kafka batch, other
        // sockets' requests) have made their calls.
        QPointer<RedisClient> self(this);
        QMetaObject::invokeMethod(this, [self] {
            if (self && self->d->evalFlushScheduled)
                self->d->flushEvals();
        }, Qt::QueuedConnection);
    }
}

void RedisClient::setEvalBatching(bool on)
{
    if (!on && !d->evalRuns.empty())
        d->flushEvals();
    d->evalBatching = on;
}

void RedisClient::subscribe(const QByteArray &channel, MessageCallback onMessage)
{
    const bool isNew = !d->subscriptions.contains(channel);
    d->subscriptions.insert(channel, std::move(onMessage));
    if (isNew && d->ctx)
        d->sendSubscribe(channel);
}

int RedisClient::pending() const
{
    return d->pendingCount + d->deferredEvals;
}

void RedisClient::setCommandTimeoutMs(int ms)
{
    d->timeoutMs = ms;
    d->applyWatchdogInterval();
}

} // namespace lab
