// redismemory.h: Redis memory use against its limit, so that an operator sees a full
// Redis coming. Redis runs with a maxmemory and noeviction (deps/redis/redis.conf): at
// the limit it refuses every write, and orders get 503 until keys expire
// (ORDER_RETENTION) or the limit is raised. The probe reads INFO memory on the
// service's own connection every intervalMs (never on a request's path), exports
// lab_redis_used_memory_bytes, lab_redis_maxmemory_bytes and lab_redis_memory_warn_bytes
// (the threshold) on /metrics, and answers the advisory /healthz check "redis_memory":
// degraded (still 200) once used_memory reaches warnPercent of maxmemory.
#pragma once

#include "lab/http/httpservice.h"

#include <QObject>
#include <QTimer>
#include <optional>

namespace lab {

class RedisClient;

class RedisMemoryProbe : public QObject
{
    Q_OBJECT
public:
    /// redis must outlive the probe. warnPercent: 1..100.
    explicit RedisMemoryProbe(RedisClient *redis, int warnPercent = DefaultWarnPercent, int intervalMs = 5000,
                              QObject *parent = nullptr);

    static constexpr int DefaultWarnPercent = 80;

    struct Reading
    {
        qint64 usedBytes = 0;
        qint64 maxBytes = 0; ///< 0: no maxmemory set
    };
    /// used_memory and maxmemory from an INFO memory reply; nullopt when either is missing.
    static std::optional<Reading> parseInfo(const QByteArray &info);
    /// The threshold in bytes (0 without a maxmemory: nothing to warn against).
    static qint64 warnBytes(const Reading &reading, int warnPercent);

    void start();
    /// The last reading; nullopt before the first one and after a failed one.
    std::optional<Reading> reading() const { return m_reading; }
    /// The advisory check: passes below the threshold, without a maxmemory, and while
    /// Redis does not answer (the "redis" check reports that).
    HttpService::HealthCheck healthCheck() const;

signals:
    void updated();

private:
    void poll();

    RedisClient *m_redis;
    int m_warnPercent;
    QTimer m_timer;
    bool m_inFlight = false;
    std::optional<Reading> m_reading;
};

} // namespace lab
