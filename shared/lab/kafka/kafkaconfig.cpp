// kafkaconfig.cpp: librdkafka properties from the environment (see kafkaconfig.h).
#include "lab/kafka/kafkaconfig.h"

#include <QRegularExpression>

namespace lab::kafkaconfig {

QMap<QString, QString> parse(const QString &text)
{
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    QMap<QString, QString> out;
    for (const QString &item : text.split(separators, Qt::SkipEmptyParts)) {
        const qsizetype eq = item.indexOf(QLatin1Char('='));
        if (eq < 0)
            out.insert(item, QString());
        else
            out.insert(item.left(eq).trimmed(), item.mid(eq + 1).trimmed());
    }
    return out;
}

QMap<QString, QString> fromEnvironment(const char *variable)
{
    return parse(qEnvironmentVariable(variable));
}

QMap<QString, QString> withEnvironment(QMap<QString, QString> config, const char *variable)
{
    config.insert(fromEnvironment(variable));
    return config;
}

} // namespace lab::kafkaconfig
