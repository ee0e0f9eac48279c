// servicekit.h: the wiring every service's main.cpp would otherwise repeat: the
// start-up (name, log, settings, access policy), exiting on a bad setting, reading the
// HTTP endpoint, the Redis client, the consumer settings all services share, the
// health checks of Redis and Kafka, the SIGTERM drain of a consumer service (stop
// taking records, finish the ones in hand, commit, flush, quit), and ConsumerService,
// the whole wiring of a service that turns records into records.
#pragma once

#include "lab/contract/names.h"
#include "lab/http/httpservice.h"
#include "lab/kafka/eventworker.h"
#include "lab/runtime/config.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QMap>
#include <QString>

#include <functional>
#include <memory>

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

/// A service's start-up, the same in every one: the application's name and version,
/// the JSON log, the allocator's settings, then the settings (Config::commonOptions(),
/// then `options`; --help and --version answer and exit here; a bad value exits 2),
/// the log level they name and the browser access policy (installAccessPolicy()).
Config start(QCoreApplication &app, const QString &service, const QString &description,
             const QList<ConfigOption> &options);

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
/// A Redis client for the redis-host and redis-port settings (a port from 1 to 65535,
/// else die()), configured (configureRedis()) and connecting.
std::unique_ptr<RedisClient> connectRedis(const Config &config);

/// /healthz checks answering from cached state (never blocking).
HttpService::HealthCheck redisCheck(const RedisClient *redis);
/// The Redis checks of a service: redisCheck() and, advisory, its memory against
/// maxmemory (RedisMemoryProbe, owned by http; threshold from the
/// redis-memory-warn-percent setting, REDIS_MEMORY_WARN_PERCENT).
void addRedisChecks(HttpService &http, RedisClient *redis, const Config &config);
HttpService::HealthCheck kafkaCheck(const KafkaProbe *probe);

/// A Kafka producer of its own for the /healthz probe of a service whose real producer
/// may be recreated or does not exist (order-service, search-service): no idempotence,
/// client.id "<service>-probe", probing every intervalMs. Exits via die() when the
/// client cannot be made.
class ProbeClient
{
public:
    ProbeClient(const QString &brokers, const QString &service, int intervalMs = 2000);
    ~ProbeClient();
    const KafkaProbe *probe() const { return m_probe.get(); }

private:
    std::unique_ptr<KafkaProducer> m_producer;
    std::unique_ptr<KafkaProbe> m_probe;
};

/// The service's embedded OpenAPI document (the resource :/openapi.json) on
/// GET /openapi.json and Swagger UI on /docs (apidocs::install; swaggerDefault: the
/// compiled-in LAB_SWAGGER_UI_DIR). Exits via die() when the document is missing.
void installApiDocs(HttpService &http, const QString &service, const QString &swaggerDefault);

/// The wiring of a service that consumes records, keeps its state in Redis and
/// publishes records (payment-service, inventory-service, notifier-service). The
/// constructor makes the Redis client (connecting), the producer and its Kafka probe,
/// and the HTTP service (/healthz with the Kafka, Redis and Redis memory checks, and
/// /metrics), to which main() may add routes and checks. consume() makes sure the
/// contract's topics exist and subscribes the service's consumer group to `inputs`,
/// handing every record to `handler` through an EventWorker; run() listens on the
/// endpoint, declares the topics, drains on SIGTERM/SIGINT and starts consuming; main()
/// then returns app.exec(). Exits via die() when a client cannot be made or the port
/// cannot be bound.
class ConsumerService
{
public:
    ConsumerService(const QString &service, const Config &config);
    ~ConsumerService();

    const Names &names() const { return m_names; }
    QString brokers() const;
    RedisClient *redis() const { return m_redis.get(); }
    KafkaProducer *producer() const { return m_producer.get(); }
    HttpService &http() const { return *m_http; }

    /// At most maxInFlight records in hand at a time; extraConfig over the consumer's
    /// defaults (kafkaconsumer.cpp).
    void consume(const QStringList &inputs, EventWorker::Handler handler, int maxInFlight = 2000,
                 const QMap<QString, QString> &extraConfig = {});
    /// On SIGTERM/SIGINT: intake stops (and `stopping` runs, e.g. to stop another
    /// worker's intake), the records in hand finish (up to 10 s), the consumer commits
    /// and stops, the producer flushes, `stopped` runs, the application quits.
    void onShutdown(std::function<void()> stopping, std::function<void()> stopped);
    /// otherInputs: topics read by other consumers of the service (EventWorker::declareTopics).
    void run(const Endpoint &endpoint, const QStringList &outputs, const QStringList &otherInputs = {});

private:
    QString m_service;
    const Config &m_config;
    Names m_names;
    std::unique_ptr<RedisClient> m_redis;
    std::unique_ptr<KafkaProducer> m_producer;
    std::unique_ptr<KafkaProbe> m_probe;
    std::unique_ptr<HttpService> m_http;
    QStringList m_inputs;
    std::unique_ptr<KafkaConsumer> m_consumer;
    std::unique_ptr<EventWorker> m_worker;
    std::unique_ptr<ShutdownSignal> m_shutdown;
    std::function<void()> m_stopping;
    std::function<void()> m_stopped;
};

} // namespace servicekit
} // namespace lab
