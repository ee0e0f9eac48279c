// redisreply.h: a Redis reply copied out of hiredis (which frees its own after the
// callback), so callers can keep it. Errors are values: a connection loss or a timeout
// arrives as a reply of type Error with a message saying so.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace lab {

struct RedisReply
{
    enum class Type { Nil, Status, Integer, String, Array, Error };
    Type type = Type::Nil;
    qint64 integer = 0;
    QByteArray string;        ///< String, Status and Error payloads
    QList<RedisReply> array;

    bool isError() const { return type == Type::Error; }
    bool isNil() const { return type == Type::Nil; }
    /// The error text; never empty for an Error reply (callers treat empty as success).
    QString errorMessage() const
    {
        if (!isError())
            return {};
        const QString message = QString::fromUtf8(string).trimmed();
        return message.isEmpty() ? QStringLiteral("Redis answered an error without a message") : message;
    }
    /// Integer replies, or a String holding a decimal number.
    qint64 toInteger(qint64 fallback = 0) const;

    static RedisReply error(const QString &message);
};

} // namespace lab
