#include "lab/servicekit.h"

#include "lab/accesspolicy.h"
#include "lab/eventworker.h"
#include "lab/kafkaconsumer.h"
#include "lab/kafkaprobe.h"
#include "lab/kafkaproducer.h"
#include "lab/metrics.h"
#include "lab/redisclient.h"
#include "lab/redismemory.h"
#include "lab/shutdown.h"

#include <QCoreApplication>

#include <cstdlib>

namespace lab::servicekit {

void die(const QString &message)
{
    qCritical("%s", qPrintable(message));
    std::exit(2);
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

QMap<QString, QString> consumerDefaults()
{
    return {
        {QStringLiteral("session.timeout.ms"), QStringLiteral("10000")},
        {QStringLiteral("topic.metadata.refresh.interval.ms"), QStringLiteral("10000")},
    };
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

void drainOnSignal(ShutdownSignal *signal, EventWorker *worker, KafkaConsumer *consumer,
                   KafkaProducer *producer, int drainMs)
{
    QObject::connect(signal, &ShutdownSignal::requested, qApp, [=](int number) {
        qInfo("signal %d: draining", number);
        worker->stopIntake();
        worker->whenIdle(drainMs, [=](bool drained) {
            if (!drained)
                qWarning("handlers still running after %d ms; their records will be redelivered", drainMs);
            consumer->stop(5000);
            producer->flush(5000);
            qInfo("stopped");
            QCoreApplication::quit();
        });
    });
}

} // namespace lab::servicekit
