#include "lab/service/servicekit.h"

#include "lab/http/accesspolicy.h"
#include "lab/http/apidocs.h"
#include "lab/kafka/kafkaadmin.h"
#include "lab/kafka/kafkaconsumer.h"
#include "lab/kafka/kafkaprobe.h"
#include "lab/kafka/kafkaproducer.h"
#include "lab/redis/redisclient.h"
#include "lab/runtime/log.h"
#include "lab/runtime/memory.h"
#include "lab/runtime/metrics.h"
#include "lab/runtime/shutdown.h"
#include "lab/service/redismemory.h"

#include <QCoreApplication>
#include <QFile>

#include <cstdlib>

namespace lab::servicekit {

void die(const QString &message)
{
    qCritical("%s", qPrintable(message));
    std::exit(2);
}

Config start(QCoreApplication &app, const QString &service, const QString &description,
             const QList<ConfigOption> &options)
{
    QCoreApplication::setApplicationName(service);
    QCoreApplication::setApplicationVersion(QStringLiteral("0.1"));
    log::install(service);
    memory::install(&app);
    Config config = Config::load(app, description, Config::commonOptions() + options);
    log::install(service, config.value(QStringLiteral("log-level")));
    installAccessPolicy(config);
    return config;
}

Endpoint endpointOrDie(const Config &config, const QString &portEnv)
{
    bool ok = false;
    const qint64 port = config.intValue(QStringLiteral("port"), &ok);
    if (!ok || port < 0 || port > 65535)
        die(QStringLiteral("--port (%1) must be from 0 to 65535").arg(portEnv));
    const QString bind = config.value(QStringLiteral("bind-address"));
    const QHostAddress address(bind);
    if (address.isNull())
        die(QStringLiteral("--bind-address (BIND_ADDRESS) is not an IP address: %1").arg(bind));
    return {address, quint16(port)};
}

OrderRetention orderRetentionOrDie(const Config &config)
{
    QString error;
    const auto retention = config.orderRetention(&error);
    if (!retention)
        die(error);
    qInfo("order keys expire %lld s after publication, %lld s after creation when never decided",
          retention->decidedMs / 1000, retention->undecidedMs / 1000);
    Metrics::instance().setGauge(QStringLiteral("lab_order_retention_seconds"),
                                 QStringLiteral("ORDER_RETENTION: how long Redis keeps a published order's keys."),
                                 double(retention->decidedMs) / 1000.0);
    Metrics::instance().setGauge(QStringLiteral("lab_order_undecided_retention_seconds"),
                                 QStringLiteral("ORDER_UNDECIDED_RETENTION: how long Redis keeps the keys of an order "
                                                "never decided and published."),
                                 double(retention->undecidedMs) / 1000.0);
    return *retention;
}

void installAccessPolicy(const Config &config)
{
    const QString bind = config.value(QStringLiteral("bind-address"));
    bool ok = false;
    const int notifierPort = qEnvironmentVariableIntValue("NOTIFIER_PORT", &ok);
    if (qEnvironmentVariableIsSet("NOTIFIER_PORT") && (!ok || notifierPort < 1 || notifierPort > 65535))
        die(QStringLiteral("NOTIFIER_PORT must be a port from 1 to 65535 (it names the browser UI's origin)"));
    QString error;
    const auto policy = AccessPolicy::fromSettings(config.value(QStringLiteral("allowed-origins")),
                                                   config.value(QStringLiteral("allowed-hosts")), QHostAddress(bind),
                                                   quint16(ok ? notifierPort : 8000), &error);
    if (!policy)
        die(error + QStringLiteral(" (--allowed-origins / --allowed-hosts)"));
    AccessPolicy::setCurrent(*policy);
    if (policy->allowsAnyOrigin())
        qWarning("LAB_ALLOWED_ORIGINS is *: any web page the operator's browser opens may create orders, read "
                 "the order log and the live feed; list the pages' origins instead");
    if (policy->allowsAnyHost())
        qWarning("LAB_ALLOWED_HOSTS is *: the Host check against DNS rebinding is off");
    const QString origins = policy->allowsAnyOrigin() ? QStringLiteral("any") : policy->origins().join(QStringLiteral(", "));
    QStringList hosts{QStringLiteral("localhost"), QStringLiteral("IP addresses")};
    hosts += policy->allowsAnyHost() ? QStringList{QStringLiteral("any name")} : policy->hosts();
    qInfo("browser access: origins %s; hosts %s", qPrintable(origins), qPrintable(hosts.join(QStringLiteral(", "))));
}

void configureRedis(RedisClient *redis, const Config &config)
{
    QString error;
    const auto sentinels = sentinel::parseAddressList(config.value(QStringLiteral("redis-sentinels")), &error);
    if (!sentinels)
        die(QStringLiteral("--redis-sentinels (REDIS_SENTINELS): %1").arg(error));
    const QByteArray masterName = config.value(QStringLiteral("redis-master-name")).toUtf8();
    if (!sentinels->isEmpty() && masterName.isEmpty())
        die(QStringLiteral("--redis-master-name (REDIS_MASTER_NAME) must not be empty with --redis-sentinels"));
    const QString waitText = config.value(QStringLiteral("redis-replica-wait-ms"));
    bool ok = true;
    const qint64 waitMs = waitText.isEmpty() ? (sentinels->isEmpty() ? 0 : 1000) : waitText.toLongLong(&ok);
    if (!ok || waitMs < 0 || waitMs > 60000)
        die(QStringLiteral("--redis-replica-wait-ms (REDIS_REPLICA_WAIT_MS) must be from 0 to 60000, not \"%1\"").arg(waitText));
    if (!sentinels->isEmpty()) {
        redis->useSentinels(*sentinels, masterName);
        QStringList names;
        for (const sentinel::Address &a : *sentinels)
            names.append(a.toString());
        qInfo("Redis: the master \"%s\" named by the Sentinels %s", masterName.constData(),
              qPrintable(names.join(QStringLiteral(", "))));
    }
    redis->setReplicaWaitMs(int(waitMs));
    if (waitMs > 0)
        qInfo("Redis: script calls wait up to %lld ms for the master's replicas (WAIT)", waitMs);
}

std::unique_ptr<RedisClient> connectRedis(const Config &config)
{
    bool ok = false;
    const qint64 port = config.intValue(QStringLiteral("redis-port"), &ok);
    if (!ok || port < 1 || port > 65535)
        die(QStringLiteral("--redis-port (REDIS_PORT) must be from 1 to 65535, not \"%1\"")
                .arg(config.value(QStringLiteral("redis-port"))));
    auto redis = std::make_unique<RedisClient>(config.value(QStringLiteral("redis-host")), quint16(port));
    configureRedis(redis.get(), config);
    redis->connectToServer();
    return redis;
}

HttpService::HealthCheck redisCheck(const RedisClient *redis)
{
    return {QStringLiteral("redis"), [redis](QString *detail) {
                if (redis->isConnected())
                    return true;
                *detail = QStringLiteral("Redis unreachable");
                return false;
            }};
}

void addRedisChecks(HttpService &http, RedisClient *redis, const Config &config)
{
    bool ok = false;
    const qint64 percent = config.intValue(QStringLiteral("redis-memory-warn-percent"), &ok,
                                           RedisMemoryProbe::DefaultWarnPercent);
    if (!ok || percent < 1 || percent > 100)
        die(QStringLiteral("--redis-memory-warn-percent (REDIS_MEMORY_WARN_PERCENT) must be from 1 to 100"));
    auto *probe = new RedisMemoryProbe(redis, int(percent), 5000, &http);
    probe->start();
    http.addHealthCheck(redisCheck(redis));
    http.addHealthCheck(probe->healthCheck());
}

HttpService::HealthCheck kafkaCheck(const KafkaProbe *probe)
{
    return {QStringLiteral("kafka"), [probe](QString *detail) { return probe->isUp(detail); }};
}

ProbeClient::ProbeClient(const QString &brokers, const QString &service, int intervalMs)
    : m_producer(std::make_unique<KafkaProducer>(
          brokers, QMap<QString, QString>{{QStringLiteral("enable.idempotence"), QStringLiteral("false")},
                                          {QStringLiteral("client.id"), service + QStringLiteral("-probe")}}))
{
    if (!m_producer->isValid())
        die(m_producer->creationError().toString());
    m_producer->setFlushTimeoutMs(0);
    m_probe = std::make_unique<KafkaProbe>(m_producer.get(), intervalMs);
    m_probe->start();
}

ProbeClient::~ProbeClient()
{
    m_probe.reset(); // waits for a probe in progress, which uses the producer
}

void installApiDocs(HttpService &http, const QString &service, const QString &swaggerDefault)
{
    QFile spec(QStringLiteral(":/openapi.json"));
    if (!spec.open(QIODevice::ReadOnly))
        die(QStringLiteral("the embedded OpenAPI document is missing"));
    apidocs::install(http, spec.readAll(), apidocs::swaggerDir(swaggerDefault), service);
}

// ---------------------------------------------------------------- ConsumerService

ConsumerService::ConsumerService(const QString &service, const Config &config)
    : m_service(service), m_config(config), m_names(Names::fromEnvironment()), m_redis(connectRedis(config)),
      m_producer(std::make_unique<KafkaProducer>(config.value(QStringLiteral("kafka-brokers"))))
{
    if (!m_producer->isValid())
        die(m_producer->creationError().toString());
    m_probe = std::make_unique<KafkaProbe>(m_producer.get());
    m_probe->start();
    m_http = std::make_unique<HttpService>(m_service);
    m_http->addHealthCheck(kafkaCheck(m_probe.get()));
    addRedisChecks(*m_http, m_redis.get(), m_config);
}

ConsumerService::~ConsumerService()
{
    // the worker uses the consumer, and the probe the producer: gone before them
    m_worker.reset();
    m_consumer.reset();
    m_probe.reset();
}

QString ConsumerService::brokers() const
{
    return m_config.value(QStringLiteral("kafka-brokers"));
}

void ConsumerService::consume(const QStringList &inputs, EventWorker::Handler handler, int maxInFlight,
                              const QMap<QString, QString> &extraConfig)
{
    // The contract's topics exist before anyone subscribes (a consumer would notice a
    // topic created later only at its next metadata refresh).
    if (const KafkaError e = kafkaadmin::ensureContractTopics(brokers(), m_names))
        qWarning("could not make sure the topics exist (%s); continuing", qPrintable(e.toString()));
    m_inputs = inputs;
    m_consumer = std::make_unique<KafkaConsumer>(brokers(), m_names.group(m_service), inputs, extraConfig);
    if (!m_consumer->isValid())
        die(m_consumer->creationError().toString());
    m_consumer->setMaxInFlight(maxInFlight);
    m_worker = std::make_unique<EventWorker>(m_service, m_consumer.get(), std::move(handler));
}

void ConsumerService::onShutdown(std::function<void()> stopping, std::function<void()> stopped)
{
    m_stopping = std::move(stopping);
    m_stopped = std::move(stopped);
}

void ConsumerService::run(const Endpoint &endpoint, const QStringList &outputs, const QStringList &otherInputs)
{
    Q_ASSERT(m_worker); // consume() first
    QString error;
    if (!m_http->listen(endpoint.address, endpoint.port, &error))
        die(error);

    m_shutdown = std::make_unique<ShutdownSignal>();
    QObject::connect(m_shutdown.get(), &ShutdownSignal::requested, qApp, [this](int number) {
        constexpr int drainMs = 10000;
        qInfo("signal %d: draining", number);
        m_worker->stopIntake();
        if (m_stopping)
            m_stopping();
        m_worker->whenIdle(drainMs, [this](bool drained) {
            if (!drained)
                qWarning("handlers still running after %d ms; their records will be redelivered", drainMs);
            m_consumer->stop(5000);
            m_producer->flush(5000);
            if (m_stopped)
                m_stopped();
            qInfo("stopped");
            QCoreApplication::quit();
        });
    });

    EventWorker::declareTopics(m_inputs + otherInputs, outputs);
    m_worker->start();
}

} // namespace lab::servicekit
