// config.h: settings of a binary, read from environment variables with defaults and
// overridable by command-line flags (QCommandLineParser), with --help listing both.
// A missing required setting or an invalid number ends the program with exit code 2
// and a message naming the setting. A setting whose default is a number must be an
// integer; one whose default is a duration ("7d") must be a duration.
#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QList>
#include <QString>
#include <optional>

namespace lab {

struct ConfigOption
{
    QString name;          ///< flag name, e.g. "kafka-brokers" (--kafka-brokers)
    QString env;           ///< environment variable, e.g. "KAFKA_BROKERS"
    QString defaultValue;  ///< empty + required => must be given
    QString description;
    bool required = false;
};

/// How long Redis keeps the keys of one order (order:{id}, payment:{id},
/// reservation:{id}); docs/RELIABILITY.md, "Retention". Stock keys have no expiry.
struct OrderRetention
{
    static constexpr qint64 DefaultDecidedMs = 7LL * 24 * 3600 * 1000;
    static constexpr qint64 DefaultUndecidedMs = 30LL * 24 * 3600 * 1000;
    /// ORDER_RETENTION: from the moment the order's notification reached Kafka. Until
    /// then an identical retry is answered like the first request; after it the id is
    /// free and a retry is a new order.
    qint64 decidedMs = DefaultDecidedMs;
    /// ORDER_UNDECIDED_RETENTION: every key of an order not (yet) decided and published
    /// (a claim that never completed, a voided attempt, an order missing an outcome)
    /// expires this long after it was created. Never shorter than decidedMs.
    qint64 undecidedMs = DefaultUndecidedMs;
};

class Config
{
public:
    /// Options every service shares: kafka-brokers, redis-host, redis-port,
    /// redis-sentinels, redis-master-name, redis-replica-wait-ms,
    /// redis-memory-warn-percent, elasticsearch-url, bind-address, log-level,
    /// allowed-origins, allowed-hosts.
    static QList<ConfigOption> commonOptions();

    /// order-retention (ORDER_RETENTION) and order-undecided-retention
    /// (ORDER_UNDECIDED_RETENTION): the services that write an order's keys add these.
    static QList<ConfigOption> orderRetentionOptions();

    /// "<number><unit>", unit ms, s, m, h or d ("7d", "90s", "1500ms"); a bare number
    /// is seconds. nullopt when it is not a duration or not above zero.
    static std::optional<qint64> parseDurationMs(const QString &text);

    /// Parses argv and the environment. Exits (code 0 for --help, 2 for errors).
    static Config load(const QCoreApplication &app, const QString &description,
                       const QList<ConfigOption> &options);
    /// Same, without exiting: returns false and sets *error. For tests.
    static bool tryLoad(const QStringList &arguments, const QHash<QString, QString> &environment,
                        const QList<ConfigOption> &options, Config *out, QString *error);

    QString value(const QString &name) const;
    /// Integer value; `ok` false (and fallback returned) when it is not an integer.
    qint64 intValue(const QString &name, bool *ok = nullptr, qint64 fallback = 0) const;
    /// Duration value in milliseconds (parseDurationMs); `ok` false (and fallback
    /// returned) when it is not a duration.
    qint64 durationMs(const QString &name, bool *ok = nullptr, qint64 fallback = 0) const;
    /// The orderRetentionOptions() values; nullopt and *error when the undecided
    /// window is shorter than the decided one or either is under a second.
    std::optional<OrderRetention> orderRetention(QString *error) const;
    bool contains(const QString &name) const { return m_values.contains(name); }
    void set(const QString &name, const QString &value) { m_values.insert(name, value); }

private:
    QHash<QString, QString> m_values;
};

} // namespace lab
