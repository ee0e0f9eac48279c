// tst_config: settings from flags, environment and defaults (shared/lab/runtime/config.h).
// Config::load() exits the process, so those cases run this binary again as a child
// (TST_CONFIG_CHILD=1) and check its exit code and output.
#include "lab/runtime/config.h"

#include <QProcess>
#include <QTest>

#include <cstdio>

using namespace lab;

namespace {

using Env = QHash<QString, QString>;

QList<ConfigOption> withPort()
{
    QList<ConfigOption> options = Config::commonOptions();
    options.append({QStringLiteral("port"), QStringLiteral("ORDER_PORT"), QStringLiteral("5000"),
                    QStringLiteral("HTTP port."), false});
    return options;
}

QList<ConfigOption> withRequired()
{
    QList<ConfigOption> options = Config::commonOptions();
    options.append({QStringLiteral("api-token"), QStringLiteral("API_TOKEN"), QString(),
                    QStringLiteral("Token for the API."), true});
    return options;
}

/// The child: what a service's main() does.
int childMain(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tst-config-child"));
    QCoreApplication::setApplicationVersion(QStringLiteral("1.2.3"));
    const Config config = Config::load(app, QStringLiteral("A child for tst_config."), withRequired());
    std::printf("api-token=%s redis-port=%s\n", qPrintable(config.value(QStringLiteral("api-token"))),
                qPrintable(config.value(QStringLiteral("redis-port"))));
    return 0;
}

struct ChildResult
{
    int exitCode = -1;
    QString out;
    QString err;
};

ChildResult runChild(const QStringList &args, const Env &env = {})
{
    QProcess p;
    QProcessEnvironment pe = QProcessEnvironment::systemEnvironment();
    pe.insert(QStringLiteral("TST_CONFIG_CHILD"), QStringLiteral("1"));
    pe.remove(QStringLiteral("API_TOKEN"));
    pe.remove(QStringLiteral("REDIS_PORT"));
    for (auto it = env.cbegin(); it != env.cend(); ++it)
        pe.insert(it.key(), it.value());
    p.setProcessEnvironment(pe);
    p.start(QCoreApplication::applicationFilePath(), args);
    ChildResult r;
    if (!p.waitForFinished(30000))
        return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace

class TestConfig : public QObject
{
    Q_OBJECT

private slots:
    void commonOptionsShouldHaveDocumentedDefaults_data();
    void commonOptionsShouldHaveDocumentedDefaults();
    void flagShouldBeatEnvShouldBeatDefault_data();
    void flagShouldBeatEnvShouldBeatDefault();
    void missingRequiredSettingShouldNameFlagAndEnv();
    void requiredSettingShouldComeFromEnvOrFlag();
    void invalidIntegerShouldBeRejected_data();
    void invalidIntegerShouldBeRejected();
    void intValueShouldParseOrFallBack();
    void unknownFlagOrStrayArgumentShouldBeRejected_data();
    void unknownFlagOrStrayArgumentShouldBeRejected();
    void invalidLogLevelShouldBeRejected();
    void helpShouldListFlagsEnvAndDefaults();

    void durationsShouldParseWithUnits_data();
    void durationsShouldParseWithUnits();
    void invalidDurationShouldBeRejected_data();
    void invalidDurationShouldBeRejected();
    void orderRetentionShouldDefaultToSevenAndThirtyDays();
    void orderRetentionShouldRefuseAnUndecidedWindowShorterThanTheDecidedOne();
    void loadShouldExitTwoNamingTheMissingSetting();
    void loadShouldExitTwoOnInvalidNumber();
    void loadShouldPrintHelpAndExitZero();
    void loadShouldPrintVersion();
    void loadShouldReturnConfigWhenComplete();
};

void TestConfig::commonOptionsShouldHaveDocumentedDefaults_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("env");
    QTest::addColumn<QString>("value");
    QTest::newRow("kafka") << "kafka-brokers" << "KAFKA_BROKERS" << "127.0.0.1:9092";
    QTest::newRow("redis host") << "redis-host" << "REDIS_HOST" << "127.0.0.1";
    QTest::newRow("redis port") << "redis-port" << "REDIS_PORT" << "6379";
    QTest::newRow("redis sentinels") << "redis-sentinels" << "REDIS_SENTINELS" << "";
    QTest::newRow("redis master name") << "redis-master-name" << "REDIS_MASTER_NAME" << "lab";
    QTest::newRow("elasticsearch") << "elasticsearch-url" << "ELASTICSEARCH_URL" << "http://127.0.0.1:9200";
    QTest::newRow("bind address") << "bind-address" << "BIND_ADDRESS" << "127.0.0.1";
    QTest::newRow("log level") << "log-level" << "LOG_LEVEL" << "info";
}

void TestConfig::commonOptionsShouldHaveDocumentedDefaults()
{
    QFETCH(QString, name);
    QFETCH(QString, env);
    QFETCH(QString, value);
    const QList<ConfigOption> options = Config::commonOptions();
    const auto it = std::find_if(options.cbegin(), options.cend(),
                                 [&](const ConfigOption &o) { return o.name == name; });
    QVERIFY(it != options.cend());
    QCOMPARE(it->env, env);
    QCOMPARE(it->defaultValue, value);
    QVERIFY(!it->required);

    Config config;
    QString error;
    QVERIFY2(Config::tryLoad({QStringLiteral("svc")}, {}, options, &config, &error), qPrintable(error));
    QCOMPARE(config.value(name), value);
}

void TestConfig::flagShouldBeatEnvShouldBeatDefault_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("envValue"); // empty: ORDER_PORT unset
    QTest::addColumn<QString>("expected");
    QTest::newRow("default") << QStringList() << QString() << "5000";
    QTest::newRow("env over default") << QStringList() << "5001" << "5001";
    QTest::newRow("flag over default") << QStringList{"--port", "5002"} << QString() << "5002";
    QTest::newRow("flag over env") << QStringList{"--port=5003"} << "5001" << "5003";
    QTest::newRow("empty env is unset") << QStringList() << "" << "5000";
}

void TestConfig::flagShouldBeatEnvShouldBeatDefault()
{
    QFETCH(QStringList, args);
    QFETCH(QString, envValue);
    QFETCH(QString, expected);
    Env env;
    if (!envValue.isNull())
        env.insert(QStringLiteral("ORDER_PORT"), envValue);
    Config config;
    QString error;
    QVERIFY2(Config::tryLoad(QStringList{"svc"} + args, env, withPort(), &config, &error),
             qPrintable(error));
    QCOMPARE(config.value(QStringLiteral("port")), expected);
    bool ok = false;
    QCOMPARE(config.intValue(QStringLiteral("port"), &ok), expected.toLongLong());
    QVERIFY(ok);
}

void TestConfig::missingRequiredSettingShouldNameFlagAndEnv()
{
    Config config;
    QString error;
    QVERIFY(!Config::tryLoad({QStringLiteral("svc")}, {}, withRequired(), &config, &error));
    QVERIFY2(error.contains(QLatin1String("--api-token")), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("API_TOKEN")), qPrintable(error));

    // An empty environment value counts as missing, as does a blank flag.
    QVERIFY(!Config::tryLoad({QStringLiteral("svc")}, {{QStringLiteral("API_TOKEN"), QString()}},
                             withRequired(), &config, &error));
    QVERIFY(!Config::tryLoad({QStringLiteral("svc"), QStringLiteral("--api-token="), }, {},
                             withRequired(), &config, &error));
}

void TestConfig::requiredSettingShouldComeFromEnvOrFlag()
{
    Config config;
    QString error;
    QVERIFY2(Config::tryLoad({QStringLiteral("svc")}, {{QStringLiteral("API_TOKEN"), QStringLiteral("s3")}},
                             withRequired(), &config, &error),
             qPrintable(error));
    QCOMPARE(config.value(QStringLiteral("api-token")), QStringLiteral("s3"));
    QVERIFY2(Config::tryLoad({QStringLiteral("svc"), QStringLiteral("--api-token"), QStringLiteral("f1")},
                             {}, withRequired(), &config, &error),
             qPrintable(error));
    QCOMPARE(config.value(QStringLiteral("api-token")), QStringLiteral("f1"));
    QVERIFY(config.contains(QStringLiteral("kafka-brokers")));
}

void TestConfig::invalidIntegerShouldBeRejected_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("envValue");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("env not a number") << QStringList() << "abc" << "REDIS_PORT";
    QTest::newRow("env with unit") << QStringList() << "6379tcp" << "REDIS_PORT";
    QTest::newRow("flag not a number") << QStringList{"--redis-port", "six"} << QString() << "--redis-port";
    QTest::newRow("flag fractional") << QStringList{"--redis-port=63.79"} << QString() << "--redis-port";
}

void TestConfig::invalidIntegerShouldBeRejected()
{
    QFETCH(QStringList, args);
    QFETCH(QString, envValue);
    QFETCH(QString, mentions);
    Env env;
    if (!envValue.isNull())
        env.insert(QStringLiteral("REDIS_PORT"), envValue);
    Config config;
    QString error;
    QVERIFY(!Config::tryLoad(QStringList{"svc"} + args, env, Config::commonOptions(), &config, &error));
    QVERIFY2(error.contains(mentions), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("integer")), qPrintable(error));
}

void TestConfig::intValueShouldParseOrFallBack()
{
    Config config;
    config.set(QStringLiteral("n"), QStringLiteral("42"));
    config.set(QStringLiteral("bad"), QStringLiteral("4x2"));
    bool ok = false;
    QCOMPARE(config.intValue(QStringLiteral("n"), &ok, 7), 42);
    QVERIFY(ok);
    QCOMPARE(config.intValue(QStringLiteral("bad"), &ok, 7), 7);
    QVERIFY(!ok);
    QCOMPARE(config.intValue(QStringLiteral("absent"), &ok, 9), 9);
    QVERIFY(!ok);
    QVERIFY(config.value(QStringLiteral("absent")).isEmpty());
}

void TestConfig::unknownFlagOrStrayArgumentShouldBeRejected_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("unknown flag") << QStringList{"--kafka-borkers=x"} << "kafka-borkers";
    QTest::newRow("flag without value") << QStringList{"--redis-host"} << "redis-host";
    QTest::newRow("stray argument") << QStringList{"extra"} << "extra";
}

void TestConfig::unknownFlagOrStrayArgumentShouldBeRejected()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mentions);
    Config config;
    QString error;
    QVERIFY(!Config::tryLoad(QStringList{"svc"} + args, {}, Config::commonOptions(), &config, &error));
    QVERIFY2(error.contains(mentions), qPrintable(error));
}

void TestConfig::invalidLogLevelShouldBeRejected()
{
    Config config;
    QString error;
    QVERIFY(!Config::tryLoad({QStringLiteral("svc")}, {{QStringLiteral("LOG_LEVEL"), QStringLiteral("loud")}},
                             Config::commonOptions(), &config, &error));
    QVERIFY2(error.contains(QLatin1String("LOG_LEVEL")), qPrintable(error));
    QVERIFY(Config::tryLoad({QStringLiteral("svc"), QStringLiteral("--log-level=debug")}, {},
                            Config::commonOptions(), &config, &error));
    QCOMPARE(config.value(QStringLiteral("log-level")), QStringLiteral("debug"));
}

void TestConfig::helpShouldListFlagsEnvAndDefaults()
{
    Config config;
    QString help;
    QVERIFY(!Config::tryLoad({QStringLiteral("svc"), QStringLiteral("--help")}, {}, withRequired(),
                             &config, &help));
    help = help.simplified(); // the help text wraps long descriptions
    QVERIFY2(help.contains(QLatin1String("--kafka-brokers <KAFKA-BROKERS>")), qPrintable(help));
    QVERIFY2(help.contains(QLatin1String("(env KAFKA_BROKERS, default 127.0.0.1:9092)")), qPrintable(help));
    QVERIFY2(help.contains(QLatin1String("(env API_TOKEN, required)")), qPrintable(help));
}

void TestConfig::durationsShouldParseWithUnits_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms"); // -1: not a duration
    QTest::newRow("days") << "7d" << qint64(7) * 24 * 3600 * 1000;
    QTest::newRow("hours") << "12h" << qint64(12) * 3600 * 1000;
    QTest::newRow("minutes") << "15m" << qint64(15) * 60 * 1000;
    QTest::newRow("seconds") << "90s" << qint64(90000);
    QTest::newRow("milliseconds") << "1500ms" << qint64(1500);
    QTest::newRow("bare number is seconds") << "30" << qint64(30000);
    QTest::newRow("spaces and case") << " 2 D " << qint64(2) * 24 * 3600 * 1000;
    QTest::newRow("zero") << "0s" << qint64(-1);
    QTest::newRow("negative") << "-5m" << qint64(-1);
    QTest::newRow("fraction") << "1.5h" << qint64(-1);
    QTest::newRow("unknown unit") << "3w" << qint64(-1);
    QTest::newRow("unit only") << "d" << qint64(-1);
    QTest::newRow("empty") << "" << qint64(-1);
    QTest::newRow("overflow") << "99999999999999d" << qint64(-1);
}

void TestConfig::durationsShouldParseWithUnits()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    const auto parsed = Config::parseDurationMs(text);
    if (ms < 0)
        QVERIFY2(!parsed, qPrintable(QString::number(parsed.value_or(0))));
    else
        QCOMPARE(parsed.value_or(-1), ms);
}

void TestConfig::invalidDurationShouldBeRejected_data()
{
    QTest::addColumn<QString>("value");
    QTest::newRow("words") << "a week";
    QTest::newRow("zero") << "0";
    QTest::newRow("unknown unit") << "7w";
}

void TestConfig::invalidDurationShouldBeRejected()
{
    QFETCH(QString, value);
    Config config;
    QString error;
    QVERIFY(!Config::tryLoad({QStringLiteral("svc")}, {{QStringLiteral("ORDER_RETENTION"), value}},
                             Config::orderRetentionOptions(), &config, &error));
    QVERIFY2(error.contains(QLatin1String("ORDER_RETENTION")) && error.contains(QLatin1String("duration")),
             qPrintable(error));
}

void TestConfig::orderRetentionShouldDefaultToSevenAndThirtyDays()
{
    Config config;
    QString error;
    QVERIFY2(Config::tryLoad({QStringLiteral("svc")}, {}, Config::orderRetentionOptions(), &config, &error),
             qPrintable(error));
    const auto r = config.orderRetention(&error);
    QVERIFY2(r, qPrintable(error));
    QCOMPARE(r->decidedMs, qint64(7) * 24 * 3600 * 1000);
    QCOMPARE(r->undecidedMs, qint64(30) * 24 * 3600 * 1000);

    QVERIFY2(Config::tryLoad({QStringLiteral("svc"), QStringLiteral("--order-retention=90s")},
                             {{QStringLiteral("ORDER_UNDECIDED_RETENTION"), QStringLiteral("10m")}},
                             Config::orderRetentionOptions(), &config, &error),
             qPrintable(error));
    const auto shortOnes = config.orderRetention(&error);
    QVERIFY2(shortOnes, qPrintable(error));
    QCOMPARE(shortOnes->decidedMs, qint64(90000));
    QCOMPARE(shortOnes->undecidedMs, qint64(600000));
}

void TestConfig::orderRetentionShouldRefuseAnUndecidedWindowShorterThanTheDecidedOne()
{
    Config config;
    QString error;
    QVERIFY2(Config::tryLoad({QStringLiteral("svc")},
                             {{QStringLiteral("ORDER_RETENTION"), QStringLiteral("2d")},
                              {QStringLiteral("ORDER_UNDECIDED_RETENTION"), QStringLiteral("1d")}},
                             Config::orderRetentionOptions(), &config, &error),
             qPrintable(error));
    QVERIFY(!config.orderRetention(&error));
    QVERIFY2(error.contains(QLatin1String("ORDER_UNDECIDED_RETENTION")), qPrintable(error));

    QVERIFY(Config::tryLoad({QStringLiteral("svc"), QStringLiteral("--order-retention=500ms")}, {},
                            Config::orderRetentionOptions(), &config, &error));
    QVERIFY(!config.orderRetention(&error));
    QVERIFY2(error.contains(QLatin1String("at least 1s")), qPrintable(error));
}

void TestConfig::loadShouldExitTwoNamingTheMissingSetting()
{
    const ChildResult r = runChild({});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QLatin1String("--api-token")) && r.err.contains(QLatin1String("API_TOKEN")),
             qPrintable(r.err));
    QVERIFY(r.out.isEmpty());
}

void TestConfig::loadShouldExitTwoOnInvalidNumber()
{
    const ChildResult r = runChild({QStringLiteral("--api-token=t")}, {{QStringLiteral("REDIS_PORT"), QStringLiteral("nope")}});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QLatin1String("REDIS_PORT")), qPrintable(r.err));
}

void TestConfig::loadShouldPrintHelpAndExitZero()
{
    const ChildResult r = runChild({QStringLiteral("--help")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QLatin1String("A child for tst_config.")), qPrintable(r.out));
    QVERIFY2(r.out.simplified().contains(QLatin1String("(env REDIS_PORT, default 6379)")), qPrintable(r.out));
}

void TestConfig::loadShouldPrintVersion()
{
    const ChildResult r = runChild({QStringLiteral("--version")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QLatin1String("1.2.3")), qPrintable(r.out));
}

void TestConfig::loadShouldReturnConfigWhenComplete()
{
    const ChildResult r = runChild({QStringLiteral("--redis-port"), QStringLiteral("7000")},
                                   {{QStringLiteral("API_TOKEN"), QStringLiteral("tok")}});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out.trimmed(), QStringLiteral("api-token=tok redis-port=7000"));
}

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsSet("TST_CONFIG_CHILD"))
        return childMain(argc, argv);
    QCoreApplication app(argc, argv);
    TestConfig test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_config.moc"
