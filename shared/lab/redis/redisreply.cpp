#include "lab/redis/redisreply.h"

namespace lab {

qint64 RedisReply::toInteger(qint64 fallback) const
{
    switch (type) {
    case Type::Integer:
        return integer;
    case Type::String:
    case Type::Status: {
        bool ok = false;
        const qint64 v = string.trimmed().toLongLong(&ok);
        return ok ? v : fallback;
    }
    default:
        return fallback;
    }
}

RedisReply RedisReply::error(const QString &message)
{
    RedisReply r;
    r.type = Type::Error;
    r.string = message.toUtf8();
    return r;
}

} // namespace lab
