// redisclient.h: an asynchronous Redis client (hiredis async) driven by the Qt event
// loop through QSocketNotifiers, modelled on hiredis' adapters/qt.h with Qt 6 connects,
// a per-command timeout (hiredis 0.14 has no timer hook) and automatic reconnection with
// backoff after the server goes away. Every command's callback runs exactly once on
// the owner's thread: with the reply, or with an Error reply when the connection was
// lost or the command timed out.
//
// With useSentinels() it connects to whatever master the Sentinels name and follows it
// through a failover (sentinel.h); with setReplicaWaitMs() a script call answers only
// once the master's replicas have its writes (docs/RELIABILITY.md, "Redis failover").
//
// A client that called subscribe() is in pub/sub mode: use another client for commands
// (they get an Error reply). Callbacks of commands still pending when the client is
// destroyed are dropped, never called; a callback may itself delete the client.
#pragma once

#include "lab/redis/redisreply.h"
#include "lab/redis/sentinel.h"

#include <QObject>
#include <QByteArrayList>
#include <functional>
#include <memory>

namespace lab {

class RedisClient : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const lab::RedisReply &reply)>;
    using MessageCallback = std::function<void(const QByteArray &channel, const QByteArray &message)>;

    /// host, port: the Redis server. Connects when connectToServer() is called.
    explicit RedisClient(const QString &host, quint16 port, QObject *parent = nullptr);
    ~RedisClient() override;

    /// Connect to the master that these Sentinels name for masterName instead of the
    /// host and port given above. At every (re)connection the Sentinels are asked again
    /// and the server must answer ROLE with "master"; while connected, both are checked
    /// again every CheckIntervalMs, and the connection moves when the master does (also
    /// on a READONLY reply). Call before connectToServer().
    void useSentinels(const QList<sentinel::Address> &sentinels, const QByteArray &masterName);
    /// timeoutMs > 0: a script call (eval) answers only once every replica the master had
    /// online at the last check (ROLE, every CheckIntervalMs) acknowledged its writes:
    /// `WAIT <replicas> <timeoutMs>` follows each script call or batch on the connection.
    /// Fewer acknowledgements within the time make the calls fail with an Error reply
    /// (the writes stay on the master; callers retry, scripts are idempotent). A master
    /// without replicas is not waited for. 0 (the default): no WAIT.
    void setReplicaWaitMs(int timeoutMs);
    static constexpr int CheckIntervalMs = 1000;
    /// host:port of the server this client is connected or connecting to (with
    /// Sentinels: the master they named last).
    QString serverAddress() const;

    /// Starts connecting; reconnects by itself after losses (backoff 100 ms .. 2 s; with
    /// Sentinels .. 500 ms).
    void connectToServer();
    void disconnectFromServer();
    bool isConnected() const;

    /// Sends one command, e.g. command({"SET", key, value}, cb). cb may be empty.
    /// While disconnected the callback gets an Error reply at once (queued, never inline).
    void command(const QByteArrayList &args, Callback cb = {});
    /// Runs a Lua script: EVALSHA first, EVAL when the server answers NOSCRIPT (after a
    /// restart or SCRIPT FLUSH), so scripts are sent whole only when needed.
    ///
    /// Calls of the same script made one after the other in one event-loop turn (e.g.
    /// one per record of a Kafka batch) go to Redis as ONE script call that runs each of
    /// them in turn (up to MaxEvalBatch): one command, one reply and one Lua invocation
    /// instead of N. Each callback still gets its own call's reply, as if it had run
    /// alone; calls run in the order they were made, also relative to command(). A
    /// script error fails every call of its batch (callers retry; scripts are
    /// idempotent). Alone in its turn, a call is sent as it is. On Redis Cluster a
    /// batch's keys would have to share a hash slot.
    void eval(const QByteArray &script, const QByteArrayList &keys, const QByteArrayList &args,
              Callback cb);
    /// Batching of eval() calls (default on); off: every call is its own EVALSHA.
    void setEvalBatching(bool on);
    static constexpr int MaxEvalBatch = 256;
    /// Subscribes to a channel; onMessage runs for every message. Re-subscribes after
    /// a reconnect.
    void subscribe(const QByteArray &channel, MessageCallback onMessage);

    /// Commands whose callback has not run yet (a batch of script calls counts once
    /// it is sent).
    int pending() const;
    void setCommandTimeoutMs(int ms); ///< default 5000; 0 or less: no timeout

signals:
    /// The connection is up (first time and after every reconnect).
    void connected();
    /// An established connection ended (server gone, timeout, disconnectFromServer());
    /// failed connection attempts are only logged.
    void disconnected(const QString &reason);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace lab
