// redismemory.cpp: see redismemory.h.
#include "lab/service/redismemory.h"

#include "lab/redis/redisclient.h"
#include "lab/runtime/metrics.h"

#include <QPointer>

namespace lab {

RedisMemoryProbe::RedisMemoryProbe(RedisClient *redis, int warnPercent, int intervalMs, QObject *parent)
    : QObject(parent), m_redis(redis), m_warnPercent(qBound(1, warnPercent, 100))
{
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &RedisMemoryProbe::poll);
    // A fresh connection (first or after a restart): read at once rather than on the next tick.
    connect(m_redis, &RedisClient::connected, this, &RedisMemoryProbe::poll);
}

std::optional<RedisMemoryProbe::Reading> RedisMemoryProbe::parseInfo(const QByteArray &info)
{
    std::optional<qint64> used, max;
    for (const QByteArray &raw : info.split('\n')) {
        const QByteArray line = raw.trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon);
        if (name != "used_memory" && name != "maxmemory")
            continue;
        bool ok = false;
        const qint64 value = line.mid(colon + 1).toLongLong(&ok);
        if (!ok || value < 0)
            return std::nullopt;
        (name == "used_memory" ? used : max) = value;
    }
    if (!used || !max)
        return std::nullopt;
    return Reading{*used, *max};
}

qint64 RedisMemoryProbe::warnBytes(const Reading &reading, int warnPercent)
{
    return reading.maxBytes / 100 * warnPercent + reading.maxBytes % 100 * warnPercent / 100;
}

void RedisMemoryProbe::start()
{
    m_timer.start();
    poll();
}

void RedisMemoryProbe::poll()
{
    if (m_inFlight || !m_redis->isConnected())
        return;
    m_inFlight = true;
    QPointer<RedisMemoryProbe> self(this);
    m_redis->command({"INFO", "memory"}, [self](const RedisReply &reply) {
        if (!self)
            return;
        self->m_inFlight = false;
        self->m_reading = reply.type == RedisReply::Type::String ? parseInfo(reply.string) : std::nullopt;
        if (self->m_reading) {
            Metrics &m = Metrics::instance();
            m.setGauge(QStringLiteral("lab_redis_used_memory_bytes"),
                       QStringLiteral("Redis used_memory (INFO memory), read every few seconds."),
                       double(self->m_reading->usedBytes));
            m.setGauge(QStringLiteral("lab_redis_maxmemory_bytes"),
                       QStringLiteral("Redis maxmemory; 0 when unlimited. At the limit Redis refuses writes (noeviction)."),
                       double(self->m_reading->maxBytes));
            m.setGauge(QStringLiteral("lab_redis_memory_warn_bytes"),
                       QStringLiteral("used_memory from which /healthz reports degraded (REDIS_MEMORY_WARN_PERCENT of "
                                      "maxmemory); 0 when unlimited."),
                       double(warnBytes(*self->m_reading, self->m_warnPercent)));
        }
        emit self->updated();
    });
}

HttpService::HealthCheck RedisMemoryProbe::healthCheck() const
{
    return {QStringLiteral("redis_memory"),
            [this](QString *detail) {
                if (!m_reading || m_reading->maxBytes == 0)
                    return true;
                const qint64 warn = warnBytes(*m_reading, m_warnPercent);
                if (m_reading->usedBytes < warn)
                    return true;
                *detail = QStringLiteral("Redis uses %1 MiB of its %2 MiB maxmemory (warning from %3%): writes stop "
                                         "at the limit; lower ORDER_RETENTION or raise maxmemory")
                              .arg(double(m_reading->usedBytes) / 1048576.0, 0, 'f', 1)
                              .arg(double(m_reading->maxBytes) / 1048576.0, 0, 'f', 1)
                              .arg(m_warnPercent);
                return false;
            },
            true};
}

} // namespace lab
