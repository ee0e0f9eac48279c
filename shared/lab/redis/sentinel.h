// sentinel.h: finding the Redis master through Redis Sentinel, as the Sentinel client
// guidelines describe it (redis.io, "Sentinel client spec"): ask the Sentinels in turn
// `SENTINEL get-master-addr-by-name <name>`, take the first answer and move the Sentinel
// that gave it to the front of the list, then check with `ROLE` that the address really
// is a master before using it. RedisClient::useSentinels() runs this at every
// (re)connection and re-checks once a second (shared/lab/redis/redisclient.h).
//
// The parsing is pure (unit-tested in tests/unit/tst_sentinel.cpp); SentinelResolver
// does the asking, over one RedisClient per Sentinel.
#pragma once

#include "lab/redis/redisreply.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace lab {

class RedisClient;

namespace sentinel {

/// A host and port (a Sentinel's or a Redis server's).
struct Address
{
    QString host;
    quint16 port = 0;

    bool isValid() const { return !host.isEmpty() && port != 0; }
    QString toString() const { return QStringLiteral("%1:%2").arg(host).arg(port); }
    friend bool operator==(const Address &a, const Address &b) { return a.host == b.host && a.port == b.port; }
    friend bool operator!=(const Address &a, const Address &b) { return !(a == b); }
};

/// "host:port,host:port" (commas or white space between entries) as REDIS_SENTINELS
/// holds it. nullopt and *error naming the entry when one is not host:port with a port
/// from 1 to 65535; an empty text gives an empty list.
std::optional<QList<Address>> parseAddressList(const QString &text, QString *error = nullptr);

/// The reply to `SENTINEL get-master-addr-by-name`: an array of host and port. nullopt
/// (and *why) for nil (the Sentinel does not know that name), an error, or anything else.
std::optional<Address> parseMasterReply(const RedisReply &reply, QString *why = nullptr);

/// What `ROLE` says about a server.
struct Role
{
    QByteArray name;        ///< "master", "slave" or "sentinel"; empty when unreadable
    int connectedReplicas = 0; ///< for a master: the replicas it lists
};
Role parseRoleReply(const RedisReply &reply);

/// Why a `WAIT <wanted> <timeoutMs>` reply falls short: empty when at least `wanted`
/// replicas acknowledged, else a message for the callers of the writes it covered.
QString replicationShortfall(const RedisReply &waitReply, int wanted, int timeoutMs);

} // namespace sentinel

/// Asks a set of Sentinels where the master of `masterName` is. One connection per
/// Sentinel, opened on first use and kept (each reconnects by itself with backoff).
class SentinelResolver : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(const std::optional<sentinel::Address> &master, const QString &error)>;

    SentinelResolver(const QList<sentinel::Address> &sentinels, const QByteArray &masterName,
                     QObject *parent = nullptr);
    ~SentinelResolver() override;

    QByteArray masterName() const { return m_masterName; }
    QList<sentinel::Address> sentinels() const; ///< in the order they are asked
    /// Asks the Sentinels in turn; done runs once, on this object's thread, never inline,
    /// with the first answer or with an error listing why each Sentinel failed. Dropped
    /// when the resolver is destroyed first.
    void resolve(Done done);
    /// Per Sentinel, how long to wait for its answer (default 1000 ms).
    void setTimeoutMs(int ms);

private:
    struct Entry;
    struct Round
    {
        std::vector<Entry *> order; ///< who is asked, in turn
        QStringList failures;       ///< why each one asked so far did not answer
    };
    void ask(std::shared_ptr<Round> round, size_t index, Done done);

    QByteArray m_masterName;
    std::vector<std::unique_ptr<Entry>> m_entries; ///< in the order they are asked
    int m_timeoutMs = 1000;
};

} // namespace lab
