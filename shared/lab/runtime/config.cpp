// config.cpp: settings from flags, environment and defaults (see config.h).
#include "lab/runtime/config.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QProcessEnvironment>

#include <cstdio>
#include <cstdlib>

namespace lab {

namespace {

const QStringList kLogLevels = {QStringLiteral("debug"), QStringLiteral("info"),
                                QStringLiteral("warning"), QStringLiteral("error")};

bool isInteger(const QString &s, qint64 *out = nullptr)
{
    bool ok = false;
    const qint64 v = s.trimmed().toLongLong(&ok);
    if (ok && out)
        *out = v;
    return ok;
}

/// A duration that is not also a plain integer: the defaults that make a setting a duration.
bool isDurationWithUnit(const QString &s)
{
    return !isInteger(s) && Config::parseDurationMs(s).has_value();
}

QString describe(const ConfigOption &o)
{
    QString tail;
    if (o.required && o.defaultValue.isEmpty())
        tail = QStringLiteral("(env %1, required)").arg(o.env);
    else if (o.defaultValue.isEmpty())
        tail = QStringLiteral("(env %1, default empty)").arg(o.env);
    else
        tail = QStringLiteral("(env %1, default %2)").arg(o.env, o.defaultValue);
    return o.description.isEmpty() ? tail : o.description + QLatin1Char(' ') + tail;
}

/// Adds --help, --version and one option per setting.
void setUp(QCommandLineParser &parser, const QList<ConfigOption> &options)
{
    parser.addHelpOption();
    parser.addVersionOption();
    for (const ConfigOption &o : options)
        parser.addOption(QCommandLineOption(o.name, describe(o), o.name.toUpper()));
}

/// Resolves every setting from an already-parsed parser: flag > env > default.
bool resolve(const QCommandLineParser &parser, const QHash<QString, QString> &environment,
             const QList<ConfigOption> &options, Config *out, QString *error)
{
    Config config;
    for (const ConfigOption &o : options) {
        QString value;
        QString source;
        if (parser.isSet(o.name)) {
            value = parser.value(o.name);
            source = QStringLiteral("--%1").arg(o.name);
        } else if (!o.env.isEmpty() && !environment.value(o.env).isEmpty()) {
            value = environment.value(o.env);
            source = o.env;
        } else {
            value = o.defaultValue;
            source = QStringLiteral("the default");
        }
        value = value.trimmed();

        if (value.isEmpty() && o.required) {
            *error = QStringLiteral("missing required setting --%1 (env %2)").arg(o.name, o.env);
            return false;
        }
        // A setting whose default is a number (a port, a size, a count) must stay one.
        if (!value.isEmpty() && isInteger(o.defaultValue) && !isInteger(value)) {
            *error = QStringLiteral("invalid value \"%1\" for --%2 (env %3) from %4: "
                                    "expected an integer")
                         .arg(value, o.name, o.env, source);
            return false;
        }
        if (!value.isEmpty() && isDurationWithUnit(o.defaultValue) && !Config::parseDurationMs(value)) {
            *error = QStringLiteral("invalid value \"%1\" for --%2 (env %3) from %4: "
                                    "expected a duration above zero such as 90s, 15m, 12h or 7d")
                         .arg(value, o.name, o.env, source);
            return false;
        }
        if (o.name == QLatin1String("log-level") && !kLogLevels.contains(value.toLower())) {
            *error = QStringLiteral("invalid value \"%1\" for --%2 (env %3): expected one of %4")
                         .arg(value, o.name, o.env, kLogLevels.join(QStringLiteral(", ")));
            return false;
        }
        config.set(o.name, value);
    }
    const QStringList extra = parser.positionalArguments();
    if (!extra.isEmpty()) {
        *error = QStringLiteral("unexpected argument \"%1\"").arg(extra.first());
        return false;
    }
    *out = config;
    return true;
}

QHash<QString, QString> systemEnvironment()
{
    QHash<QString, QString> env;
    const QProcessEnvironment pe = QProcessEnvironment::systemEnvironment();
    const QStringList keys = pe.keys();
    for (const QString &k : keys)
        env.insert(k, pe.value(k));
    return env;
}

} // namespace

QList<ConfigOption> Config::commonOptions()
{
    return {
        {QStringLiteral("kafka-brokers"), QStringLiteral("KAFKA_BROKERS"),
         QStringLiteral("127.0.0.1:9092"), QStringLiteral("Kafka bootstrap servers, comma-separated."), false},
        {QStringLiteral("redis-host"), QStringLiteral("REDIS_HOST"), QStringLiteral("127.0.0.1"),
         QStringLiteral("Redis host."), false},
        {QStringLiteral("redis-port"), QStringLiteral("REDIS_PORT"), QStringLiteral("6379"),
         QStringLiteral("Redis port."), false},
        {QStringLiteral("redis-sentinels"), QStringLiteral("REDIS_SENTINELS"), QString(),
         QStringLiteral("Redis Sentinels, host:port,host:port,...: connect to the master they name for "
                        "--redis-master-name and follow it through a failover (then --redis-host and "
                        "--redis-port are not used)."), false},
        {QStringLiteral("redis-master-name"), QStringLiteral("REDIS_MASTER_NAME"), QStringLiteral("lab"),
         QStringLiteral("The master's name in the Sentinels' configuration."), false},
        {QStringLiteral("redis-replica-wait-ms"), QStringLiteral("REDIS_REPLICA_WAIT_MS"), QString(),
         QStringLiteral("Script calls answer only once the master's online replicas acknowledged their "
                        "writes (WAIT), failing after this many ms; 0: off (default: 1000 with "
                        "--redis-sentinels, else 0)."), false},
        {QStringLiteral("redis-memory-warn-percent"), QStringLiteral("REDIS_MEMORY_WARN_PERCENT"), QStringLiteral("80"),
         QStringLiteral("Share of Redis' maxmemory from which /healthz reports degraded."), false},
        {QStringLiteral("elasticsearch-url"), QStringLiteral("ELASTICSEARCH_URL"),
         QStringLiteral("http://127.0.0.1:9200"), QStringLiteral("Elasticsearch base URL."), false},
        {QStringLiteral("bind-address"), QStringLiteral("BIND_ADDRESS"), QStringLiteral("127.0.0.1"),
         QStringLiteral("Address the HTTP server listens on."), false},
        {QStringLiteral("log-level"), QStringLiteral("LOG_LEVEL"), QStringLiteral("info"),
         QStringLiteral("Log level: debug, info, warning or error."), false},
        {QStringLiteral("allowed-origins"), QStringLiteral("LAB_ALLOWED_ORIGINS"), QString(),
         QStringLiteral("Comma-separated origins of the web pages that may call this service, e.g. "
                        "http://lab.example:8000, or * for any (empty: the browser UI, "
                        "http://127.0.0.1:$NOTIFIER_PORT, http://localhost:$NOTIFIER_PORT and the bind address)."),
         false},
        {QStringLiteral("allowed-hosts"), QStringLiteral("LAB_ALLOWED_HOSTS"), QString(),
         QStringLiteral("Comma-separated host names requests may be addressed to besides localhost and IP "
                        "addresses (Host header; against DNS rebinding), or * for any."),
         false},
    };
}

QList<ConfigOption> Config::orderRetentionOptions()
{
    return {
        {QStringLiteral("order-retention"), QStringLiteral("ORDER_RETENTION"), QStringLiteral("7d"),
         QStringLiteral("How long Redis keeps an order's keys once its notification is published; until then an "
                        "identical retry is answered like the first request, after it the id is a new order."),
         false},
        {QStringLiteral("order-undecided-retention"), QStringLiteral("ORDER_UNDECIDED_RETENTION"),
         QStringLiteral("30d"),
         QStringLiteral("How long Redis keeps the keys of an order that was never decided and published (a claim "
                        "that never completed, a voided attempt); at least ORDER_RETENTION."),
         false},
    };
}

std::optional<qint64> Config::parseDurationMs(const QString &text)
{
    static const struct { const char *suffix; qint64 ms; } units[] = {
        {"ms", 1}, {"s", 1000}, {"m", 60 * 1000}, {"h", 3600 * 1000}, {"d", 24 * 3600 * 1000},
    };
    const QString t = text.trimmed().toLower();
    QString number = t;
    qint64 unit = 1000; // a bare number is seconds
    for (const auto &u : units) {
        const QLatin1String suffix(u.suffix);
        if (t.endsWith(suffix)) { // "ms" is tried before "s" and "m"
            number = t.chopped(suffix.size()).trimmed();
            unit = u.ms;
            break;
        }
    }
    bool ok = false;
    const qint64 n = number.toLongLong(&ok);
    // 100 years is beyond any retention; the cap keeps n * unit far from overflowing.
    if (!ok || n <= 0 || n > 100LL * 365 * 24 * 3600 * 1000 / unit)
        return std::nullopt;
    return n * unit;
}

Config Config::load(const QCoreApplication &app, const QString &description,
                    const QList<ConfigOption> &options)
{
    Q_UNUSED(app);
    QCommandLineParser parser;
    parser.setApplicationDescription(description);
    setUp(parser, options);

    const QStringList arguments = QCoreApplication::arguments();
    const bool parsed = parser.parse(arguments);
    // --help and --version win over any other problem on the command line.
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();

    QString error;
    Config config;
    if (!parsed)
        error = parser.errorText();
    else if (resolve(parser, systemEnvironment(), options, &config, &error))
        return config;

    const QString name = QCoreApplication::applicationName();
    std::fprintf(stderr, "%s: %s\nRun '%s --help' for the list of settings.\n",
                 qPrintable(name), qPrintable(error), qPrintable(name));
    std::fflush(stderr);
    std::exit(2);
}

bool Config::tryLoad(const QStringList &arguments, const QHash<QString, QString> &environment,
                     const QList<ConfigOption> &options, Config *out, QString *error)
{
    QString ignored;
    QString *err = error ? error : &ignored;
    QCommandLineParser parser;
    setUp(parser, options);
    // Arguments start with the program name, like argv; tolerate lists without one.
    QStringList args = arguments;
    if (args.isEmpty() || args.first().startsWith(QLatin1Char('-')))
        args.prepend(QStringLiteral("program"));
    if (!parser.parse(args)) {
        *err = parser.errorText();
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        *err = parser.helpText();
        return false;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        *err = QStringLiteral("version requested");
        return false;
    }
    Config config;
    if (!resolve(parser, environment, options, &config, err))
        return false;
    if (out)
        *out = config;
    return true;
}

QString Config::value(const QString &name) const
{
    return m_values.value(name);
}

qint64 Config::intValue(const QString &name, bool *ok, qint64 fallback) const
{
    qint64 v = 0;
    const bool good = m_values.contains(name) && isInteger(m_values.value(name), &v);
    if (ok)
        *ok = good;
    return good ? v : fallback;
}

qint64 Config::durationMs(const QString &name, bool *ok, qint64 fallback) const
{
    const auto ms = m_values.contains(name) ? parseDurationMs(m_values.value(name)) : std::nullopt;
    if (ok)
        *ok = ms.has_value();
    return ms.value_or(fallback);
}

std::optional<OrderRetention> Config::orderRetention(QString *error) const
{
    bool decidedOk = false, undecidedOk = false;
    OrderRetention r;
    r.decidedMs = durationMs(QStringLiteral("order-retention"), &decidedOk, OrderRetention::DefaultDecidedMs);
    r.undecidedMs = durationMs(QStringLiteral("order-undecided-retention"), &undecidedOk,
                               OrderRetention::DefaultUndecidedMs);
    QString problem;
    if (!decidedOk || !undecidedOk)
        problem = QStringLiteral("--order-retention and --order-undecided-retention must be durations (e.g. 7d)");
    else if (r.decidedMs < 1000)
        problem = QStringLiteral("--order-retention (ORDER_RETENTION) must be at least 1s");
    else if (r.undecidedMs < r.decidedMs)
        problem = QStringLiteral("--order-undecided-retention (ORDER_UNDECIDED_RETENTION, %1 ms) must not be shorter "
                                 "than --order-retention (ORDER_RETENTION, %2 ms)")
                      .arg(r.undecidedMs)
                      .arg(r.decidedMs);
    if (!problem.isEmpty()) {
        if (error)
            *error = problem;
        return std::nullopt;
    }
    return r;
}

} // namespace lab
