// servicekit.h: the wiring every service's main.cpp would otherwise repeat: exiting
// on a bad setting, reading the HTTP endpoint, the consumer settings all services
// share, the health checks of Redis and Kafka, and the SIGTERM drain of a consumer
// service (stop taking records, finish the ones in hand, commit, flush, quit).
#pragma once

#include "lab/config.h"
#include "lab/httpservice.h"

#include <QHostAddress>
#include <QMap>
#include <QString>

namespace lab {

class EventWorker;
class KafkaConsumer;
class KafkaProbe;
class KafkaProducer;
class RedisClient;
class ShutdownSignal;

namespace servicekit {

/// Logs the reason and exits with status 2 (a setting or a resource the service
/// cannot do without).
[[noreturn]] void die(const QString &message);

struct Endpoint
{
    QHostAddress address;
    quint16 port = 0;
};
/// The "bind-address" and "port" settings, validated; portEnv names the variable in
/// the message (e.g. "PAYMENT_PORT"). Exits via die() when either is invalid.
Endpoint endpointOrDie(const Config &config, const QString &portEnv);

/// The order-retention settings (Config::orderRetentionOptions()), validated; exits
/// via die() when they are inconsistent.
OrderRetention orderRetentionOrDie(const Config &config);

/// The browser access policy from the allowed-origins and allowed-hosts settings
/// (LAB_ALLOWED_ORIGINS, LAB_ALLOWED_HOSTS), made the process's AccessPolicy::current().
/// The default origins are the browser UI's on port $NOTIFIER_PORT (8000 when unset;
/// `./lab up` passes it to every service). Exits via die() on an invalid entry; logs a
/// warning when an operator opened a check with "*".
void installAccessPolicy(const Config &config);

/// Applies the Redis settings besides host and port to a client not yet connected:
/// redis-sentinels with redis-master-name (RedisClient::useSentinels) and
/// redis-replica-wait-ms (RedisClient::setReplicaWaitMs; default 1000 ms with Sentinels,
/// else off). Exits via die() on an invalid value. Logs where Redis is looked for.
void configureRedis(RedisClient *redis, const Config &config);

/// librdkafka consumer settings every service uses: session.timeout.ms 10 s, so a
/// crashed instance's partitions move to the others after 10 s rather than 45 s, and
/// topic.metadata.refresh.interval.ms 10 s, so topics created later are noticed soon.
QMap<QString, QString> consumerDefaults();

/// /healthz checks answering from cached state (never blocking).
HttpService::HealthCheck redisCheck(const RedisClient *redis);
/// The Redis checks of a service: redisCheck() and, advisory, its memory against
/// maxmemory (RedisMemoryProbe, owned by http; threshold from the
/// redis-memory-warn-percent setting, REDIS_MEMORY_WARN_PERCENT).
void addRedisChecks(HttpService &http, RedisClient *redis, const Config &config);
HttpService::HealthCheck kafkaCheck(const KafkaProbe *probe);

/// On SIGTERM/SIGINT: stop intake, wait up to drainMs for records in hand, stop the
/// consumer (committing what was handled), flush the producer, quit the application.
void drainOnSignal(ShutdownSignal *signal, EventWorker *worker, KafkaConsumer *consumer,
                   KafkaProducer *producer, int drainMs = 10000);

} // namespace servicekit
} // namespace lab
