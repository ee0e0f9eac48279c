// tst_log: one compact JSON line per log message (shared/lab/runtime/log.h). The installed
// handler writes to stdout, so those cases run this binary again as a child
// (TST_LOG_CHILD=<scenario>) and parse what it printed.
#include "lab/runtime/log.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <vector>

using namespace lab;

namespace {

Q_LOGGING_CATEGORY(lcTest, "lab.test")

constexpr int ThreadCount = 4;
constexpr int LinesPerThread = 250;

int childMain(int argc, char **argv, const QByteArray &scenario)
{
    QCoreApplication app(argc, argv);
    if (scenario == "levels") {
        log::install(QStringLiteral("tst-service"), QStringLiteral("info"));
        qCDebug(lcKafka) << "hidden debug";
        qCInfo(lcKafka) << "visible info";
        qCWarning(lcRedis).noquote() << "warn \"quoted\"\nsecond line";
        qCCritical(lcElastic) << "an error";
        qInfo("default category");
        log::logJson("INFO", QStringLiteral("lab.http"), QStringLiteral("request"),
                     {{QStringLiteral("status"), 201}, {QStringLiteral("path"), QStringLiteral("/create_order")}});
    } else if (scenario == "debug") {
        log::install(QStringLiteral("tst-service"), QStringLiteral("debug"));
        qCDebug(lcHttp) << "debug shown";
    } else if (scenario == "error") {
        log::install(QStringLiteral("tst-service"), QStringLiteral("error"));
        qCInfo(lcHttp) << "info hidden";
        qCWarning(lcHttp) << "warning hidden";
        qCCritical(lcHttp) << "error shown";
    } else if (scenario == "loop") {
        // Info lines of the main thread are written when the event loop turn ends;
        // a warning in between must come out in its place, and a line of another
        // thread at once.
        log::install(QStringLiteral("tst-service"), QStringLiteral("info"));
        QTimer::singleShot(0, &app, [&app] {
            for (int i = 0; i < LinesPerThread; ++i) {
                if (i == LinesPerThread / 2)
                    qCWarning(lcTest).noquote() << "line" << i;
                else
                    qCInfo(lcTest).noquote() << "line" << i;
            }
            QThread *other = QThread::create([] { qCInfo(lcTest).noquote() << "other thread"; });
            other->start();
            other->wait();
            delete other;
            QTimer::singleShot(0, &app, [] {
                qCInfo(lcTest).noquote() << "next turn";
                QCoreApplication::quit();
            });
        });
        return app.exec();
    } else if (scenario == "threads") {
        log::install(QStringLiteral("tst-service"), QStringLiteral("info"));
        std::vector<QThread *> threads;
        for (int t = 0; t < ThreadCount; ++t) {
            threads.push_back(QThread::create([t] {
                for (int i = 0; i < LinesPerThread; ++i)
                    qCInfo(lcTest).noquote() << "thread" << t << "line" << i << QString(200, QLatin1Char('x'));
            }));
            threads.back()->start();
        }
        for (QThread *t : threads) {
            t->wait();
            delete t;
        }
    }
    return 0;
}

QList<QJsonObject> runChild(const QByteArray &scenario, QString *failure)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TST_LOG_CHILD"), QString::fromLatin1(scenario));
    env.remove(QStringLiteral("QT_LOGGING_RULES"));
    p.setProcessEnvironment(env);
    p.start(QCoreApplication::applicationFilePath(), {});
    QList<QJsonObject> lines;
    if (!p.waitForFinished(30000) || p.exitCode() != 0) {
        *failure = QStringLiteral("child failed: ") + QString::fromUtf8(p.readAllStandardError());
        return lines;
    }
    const QList<QByteArray> raw = p.readAllStandardOutput().split('\n');
    for (const QByteArray &line : raw) {
        if (line.isEmpty())
            continue;
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            *failure = QStringLiteral("not a JSON object line: ") + QString::fromUtf8(line.left(200));
            return {};
        }
        lines.append(doc.object());
    }
    return lines;
}

} // namespace

class TestLog : public QObject
{
    Q_OBJECT

private slots:
    void formattedLineShouldBeOneJsonObjectWithTheFields();
    void formattedLineShouldEscapeHostileMessages_data();
    void formattedLineShouldEscapeHostileMessages();
    void extraFieldsShouldBeMergedWithoutOverridingCoreFields();
    void categoriesShouldHaveTheirNames();
    void installedHandlerShouldHonourInfoLevel();
    void debugLevelShouldShowDebug();
    void errorLevelShouldHideWarnings();
    void concurrentLoggingShouldNeverInterleaveLines();
    void mainThreadLinesShouldKeepTheirOrderAcrossTurns();
};

void TestLog::formattedLineShouldBeOneJsonObjectWithTheFields()
{
    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    const QByteArray line = log::formatLine(QStringLiteral("order-service"), "INFO",
                                            QStringLiteral("lab.kafka"), QStringLiteral("delivered"));
    QVERIFY(!line.contains('\n'));
    QJsonParseError error{};
    const QJsonObject o = QJsonDocument::fromJson(line, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(o.value("severity").toString(), QStringLiteral("INFO"));
    QCOMPARE(o.value("service").toString(), QStringLiteral("order-service"));
    QCOMPARE(o.value("category").toString(), QStringLiteral("lab.kafka"));
    QCOMPARE(o.value("message").toString(), QStringLiteral("delivered"));
    const QString ts = o.value("timestamp").toString();
    QVERIFY2(ts.endsWith(QLatin1Char('Z')) && ts.size() == 24, qPrintable(ts));
    const QDateTime t = QDateTime::fromString(ts, Qt::ISODateWithMs);
    QVERIFY(t.isValid());
    QVERIFY(t >= before);
    QVERIFY(t <= QDateTime::currentDateTimeUtc().addMSecs(1));
}

void TestLog::formattedLineShouldEscapeHostileMessages_data()
{
    QTest::addColumn<QString>("message");
    QTest::newRow("newlines") << QStringLiteral("one\ntwo\r\nthree");
    QTest::newRow("quotes and backslashes") << QStringLiteral("say \"hi\" \\ bye");
    QTest::newRow("NUL and controls") << QString::fromUtf16(u"a\u0000b\u0007c", 5);
    QTest::newRow("unicode") << QStringLiteral("chuột không dây 🖱");
    QTest::newRow("json lookalike") << QStringLiteral("{\"severity\":\"FATAL\"}");
}

void TestLog::formattedLineShouldEscapeHostileMessages()
{
    QFETCH(QString, message);
    const QByteArray line = log::formatLine(QStringLiteral("s"), "WARNING", QStringLiteral("c"), message);
    QVERIFY(!line.contains('\n'));
    QVERIFY(!line.contains('\r'));
    const QJsonObject o = QJsonDocument::fromJson(line).object();
    QCOMPARE(o.value("message").toString(), message);
    QCOMPARE(o.value("severity").toString(), QStringLiteral("WARNING"));
}

void TestLog::extraFieldsShouldBeMergedWithoutOverridingCoreFields()
{
    const QJsonObject fields{{"order_id", 42}, {"topic", "order.created"}, {"message", "spoof"}};
    const QByteArray line = log::formatLine(QStringLiteral("svc"), "INFO", QStringLiteral("lab.kafka"),
                                            QStringLiteral("real"), fields);
    const QJsonObject o = QJsonDocument::fromJson(line).object();
    QCOMPARE(o.value("order_id").toInteger(), 42);
    QCOMPARE(o.value("topic").toString(), QStringLiteral("order.created"));
    QCOMPARE(o.value("message").toString(), QStringLiteral("real"));
    QCOMPARE(o.value("service").toString(), QStringLiteral("svc"));
}

void TestLog::categoriesShouldHaveTheirNames()
{
    QCOMPARE(QByteArray(lcKafka().categoryName()), QByteArray("lab.kafka"));
    QCOMPARE(QByteArray(lcRedis().categoryName()), QByteArray("lab.redis"));
    QCOMPARE(QByteArray(lcElastic().categoryName()), QByteArray("lab.elastic"));
    QCOMPARE(QByteArray(lcHttp().categoryName()), QByteArray("lab.http"));
}

void TestLog::installedHandlerShouldHonourInfoLevel()
{
    QString failure;
    const QList<QJsonObject> lines = runChild("levels", &failure);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QCOMPARE(lines.size(), 5); // the debug line is filtered out

    QCOMPARE(lines[0].value("message").toString(), QStringLiteral("visible info"));
    QCOMPARE(lines[0].value("severity").toString(), QStringLiteral("INFO"));
    QCOMPARE(lines[0].value("category").toString(), QStringLiteral("lab.kafka"));
    QCOMPARE(lines[0].value("service").toString(), QStringLiteral("tst-service"));

    QCOMPARE(lines[1].value("severity").toString(), QStringLiteral("WARNING"));
    QCOMPARE(lines[1].value("category").toString(), QStringLiteral("lab.redis"));
    QCOMPARE(lines[1].value("message").toString(), QStringLiteral("warn \"quoted\"\nsecond line"));

    QCOMPARE(lines[2].value("severity").toString(), QStringLiteral("ERROR"));
    QCOMPARE(lines[2].value("category").toString(), QStringLiteral("lab.elastic"));

    QCOMPARE(lines[3].value("category").toString(), QStringLiteral("default"));

    QCOMPARE(lines[4].value("message").toString(), QStringLiteral("request"));
    QCOMPARE(lines[4].value("status").toInt(), 201);
    QCOMPARE(lines[4].value("path").toString(), QStringLiteral("/create_order"));
    QCOMPARE(lines[4].value("service").toString(), QStringLiteral("tst-service"));
}

void TestLog::debugLevelShouldShowDebug()
{
    QString failure;
    const QList<QJsonObject> lines = runChild("debug", &failure);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines[0].value("severity").toString(), QStringLiteral("DEBUG"));
    QCOMPARE(lines[0].value("message").toString(), QStringLiteral("debug shown"));
}

void TestLog::errorLevelShouldHideWarnings()
{
    QString failure;
    const QList<QJsonObject> lines = runChild("error", &failure);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines[0].value("severity").toString(), QStringLiteral("ERROR"));
}

void TestLog::concurrentLoggingShouldNeverInterleaveLines()
{
    QString failure;
    const QList<QJsonObject> lines = runChild("threads", &failure);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QCOMPARE(lines.size(), ThreadCount * LinesPerThread);
    for (const QJsonObject &o : lines)
        QCOMPARE(o.value("category").toString(), QStringLiteral("lab.test"));
}

void TestLog::mainThreadLinesShouldKeepTheirOrderAcrossTurns()
{
    QString failure;
    const QList<QJsonObject> lines = runChild("loop", &failure);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QStringList messages;
    for (const QJsonObject &o : lines)
        messages << o.value("message").toString();
    QCOMPARE(messages.size(), LinesPerThread + 2);
    // "other thread" was logged after the first half had been flushed by the warning:
    // it comes after the warning, and the rest of the turn after it or around it never
    // out of order among themselves.
    QStringList ownLines = messages;
    ownLines.removeAll(QStringLiteral("other thread"));
    for (int i = 0; i < LinesPerThread; ++i)
        QCOMPARE(ownLines.at(i), QStringLiteral("line %1").arg(i));
    QCOMPARE(ownLines.last(), QStringLiteral("next turn"));
    QVERIFY(messages.indexOf(QStringLiteral("other thread")) > LinesPerThread / 2);
    QCOMPARE(lines.at(LinesPerThread / 2).value("severity").toString(), QStringLiteral("WARNING"));
}

int main(int argc, char **argv)
{
    const QByteArray scenario = qgetenv("TST_LOG_CHILD");
    if (!scenario.isEmpty())
        return childMain(argc, argv, scenario);
    QCoreApplication app(argc, argv);
    TestLog test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_log.moc"
