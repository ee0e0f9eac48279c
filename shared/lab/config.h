// config.h: settings of a binary, read from environment variables with defaults and
// overridable by command-line flags (QCommandLineParser), with --help listing both.
// A missing required setting or an invalid number ends the program with exit code 2
// and a message naming the setting.
#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QList>
#include <QString>

namespace lab {

struct ConfigOption
{
    QString name;          ///< flag name, e.g. "kafka-brokers" (--kafka-brokers)
    QString env;           ///< environment variable, e.g. "KAFKA_BROKERS"
    QString defaultValue;  ///< empty + required => must be given
    QString description;
    bool required = false;
};

class Config
{
public:
    /// Options every service shares: kafka-brokers, redis-host, redis-port,
    /// redis-sentinels, redis-master-name, redis-replica-wait-ms, elasticsearch-url,
    /// bind-address, log-level, allowed-origins, allowed-hosts.
    static QList<ConfigOption> commonOptions();

    /// Parses argv and the environment. Exits (code 0 for --help, 2 for errors).
    static Config load(const QCoreApplication &app, const QString &description,
                       const QList<ConfigOption> &options);
    /// Same, without exiting: returns false and sets *error. For tests.
    static bool tryLoad(const QStringList &arguments, const QHash<QString, QString> &environment,
                        const QList<ConfigOption> &options, Config *out, QString *error);

    QString value(const QString &name) const;
    /// Integer value; `ok` false (and fallback returned) when it is not an integer.
    qint64 intValue(const QString &name, bool *ok = nullptr, qint64 fallback = 0) const;
    bool contains(const QString &name) const { return m_values.contains(name); }
    void set(const QString &name, const QString &value) { m_values.insert(name, value); }

private:
    QHash<QString, QString> m_values;
};

} // namespace lab
