// tst_console: the ops console (console/) driven through its real widgets. First the
// logic without a network (validators, JSON -> rows, feed de-duplication, per-second
// buckets, backoff, health parsing, settings), then the console against closed and
// hanging ports (down must show as down, never as a frozen window), then against the
// five real services of labtest::ServiceStack: an order typed into the form reaches the
// live feed and the search, the backlog replayed on reconnect never duplicates a row, a
// stopped search-service turns red while the event loop keeps running. Screenshots of
// every tab go to $LAB_BUILD_DIR/screenshots/console-*.png.
#include "apiclient.h"
#include "consolesettings.h"
#include "feedclient.h"
#include "feedfilter.h"
#include "feedmodel.h"
#include "healthcard.h"
#include "healthpage.h"
#include "healthreport.h"
#include "journey.h"
#include "journeyview.h"
#include "kafkapage.h"
#include "language.h"
#include "livefeedpage.h"
#include "mainwindow.h"
#include "orderdialog.h"
#include "orderhistogram.h"
#include "orderinput.h"
#include "orderpage.h"
#include "orderrow.h"
#include "orderstats.h"
#include "reconnectbackoff.h"
#include "searchmodel.h"
#include "searchpage.h"
#include "settingsdialog.h"
#include "theme.h"
#include "throughputbuckets.h"
#include "throughputchart.h"
#include "throughputpage.h"

#include "lab/contract/topics.h"
#include "servicestack.h"
#include "testinfra.h"

#include <QApplication>
#include <QBrush>
#include <QFont>
#include <QSet>
#include <QCheckBox>
#include <QComboBox>
#include <QCommandLineParser>
#include <QDateTimeEdit>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QHeaderView>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>
#include <functional>
#include <memory>

namespace {

/// Finds a named child or fails loudly (a renamed objectName should not look like a bug elsewhere).
template <typename T>
T *child(const QObject *root, const QString &name)
{
    T *w = root->findChild<T *>(name);
    if (!w)
        qWarning("no child %s named '%s'", T::staticMetaObject.className(), qPrintable(name));
    return w;
}

/// Double-clicks a cell as a person does: scrolled into view, a click, then the double click.
void doubleClick(QTableView *table, const QModelIndex &index)
{
    table->scrollTo(index);
    const QPoint at = table->visualRect(index).center();
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, at);
}

/// Proves that the GUI thread is not blocked by network calls without timing it (a slow
/// or busy machine stretches every gap between two turns of the event loop): a 20 ms
/// timer counts the turns, and those taken while the console had a request in flight.
/// A call that held the GUI thread until its answer, however fast the machine, would
/// leave no turn with its request in flight (the timeout that ends a hanging request is
/// due long after the next tick, so a live loop always ticks first).
class LoopProbe
{
public:
    explicit LoopProbe(const ApiClient *api)
    {
        m_timer.setInterval(20);
        QObject::connect(&m_timer, &QTimer::timeout, [this, api] {
            ++m_ticks;
            if (api->pending() > 0)
                ++m_ticksInFlight;
        });
        m_timer.start();
    }
    void reset() { m_ticks = m_ticksInFlight = 0; }
    int ticks() const { return m_ticks; }
    int ticksWithRequestsInFlight() const { return m_ticksInFlight; }

private:
    QTimer m_timer;
    int m_ticks = 0;
    int m_ticksInFlight = 0;
};

QByteArray notification(qint64 id, const QString &status, const QString &notifiedAt, bool backlog = false,
                        const QString &item = QStringLiteral("mouse"))
{
    QJsonObject o{{QStringLiteral("event"), QStringLiteral("order.notification")},
                  {QStringLiteral("order_id"), id},
                  {QStringLiteral("item"), item},
                  {QStringLiteral("quantity"), 2},
                  {QStringLiteral("status"), status},
                  {QStringLiteral("created_at"), QStringLiteral("2026-11-25T14:51:15.000Z")},
                  {QStringLiteral("notified_at"), notifiedAt},
                  {QStringLiteral("backlog"), backlog}};
    if (status == QLatin1String("failed"))
        o.insert(QStringLiteral("reason"), QStringLiteral("insufficient stock"));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

ConsoleSettings closedPortSettings()
{
    ConsoleSettings s;
    auto http = [](quint16 port, const QString &path = {}) {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path));
    };
    s.orderUrl = http(labtest::freePort());
    s.searchUrl = http(labtest::freePort());
    s.notifierUrl = QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(labtest::freePort()));
    s.paymentHealthUrl = http(labtest::freePort(), QStringLiteral("/healthz"));
    s.inventoryHealthUrl = http(labtest::freePort(), QStringLiteral("/healthz"));
    s.requestTimeoutMs = 1500;
    s.healthIntervalMs = 500;
    return s;
}

QString stateOf(const QWidget *root, const QString &key)
{
    const auto *pill = root->findChild<QLabel *>(QStringLiteral("health-state-") + key);
    return pill ? pill->text() : QString();
}

} // namespace

class TestConsole : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    // --- logic, no network ---
    void shouldRejectBadOrderInput_data();
    void shouldRejectBadOrderInput();
    void shouldAcceptGoodOrderInput();
    void orderIdValidatorKeepsDigitsInRange_data();
    void orderIdValidatorKeepsDigitsInRange();
    void formShouldBlockInvalidInput();
    void shouldDescribeApiRepliesPlainly();
    void shouldMapSearchJsonToRows();
    void feedShouldDedupeAndKeepNewestFirst();
    void feedFilterShouldSelectByStatus();
    void statusCellsLookTheSameInEveryTable();
    void throughputShouldBucketPerSecond();
    void backoffShouldGrowAndReset();
    void healthReportShouldReadChecks();
    void settingsShouldPersistAndTakeFlags();
    void settingsShouldFindNotifierHttp();
    void journeyShouldReadHopsAndGaps();
    void statsShouldParseAndChooseInterval_data();
    void statsShouldParseAndChooseInterval();

    // --- the real widgets against closed and hanging ports ---
    void unreachableServicesShowAsDownWithoutFreezing();
    void hangingServiceTimesOutWithoutFreezing();
    void settingsDialogShouldValidateAndApply();
    void createOrderShouldSendBearerToken();
    void feedClientReconnectsOnItsOwn();

    // --- the real widgets against the real services ---
    void shouldCreateOrderAndSeeItInFeedAndSearch();
    void shouldShowFailedOrderAndConflict();
    void orderDialogShowsFullStatus();
    void feedShouldNotDuplicateBacklogAfterReconnect();
    void healthShowsEveryServiceUp();
    void kafkaTabShowsTopicsLagAndTail();
    void doubleClickOnFeedRowShowsJourney();
    void searchHistogramMatchesStatsAndFilters();
    void screenshots();
    void searchShouldPageAndSort();
    void stoppedSearchServiceShowsDownWithoutFreezing();

private:
    bool ensureStack();
    ConsoleSettings stackSettings() const;
    void submitOrder(MainWindow *w, qint64 id, const QString &item, int quantity);
    bool searchShows(MainWindow *w, const QString &item, qint64 id);
    QString saveShot(QWidget *widget, const QString &name);
    bool searchSettled(MainWindow *w, const std::function<bool()> &done);

    QTemporaryDir m_settingsDir;
    std::unique_ptr<labtest::ServiceStack> m_stack;
    std::unique_ptr<MainWindow> m_window;
    QString m_stackError;
    bool m_stackTried = false;
    qint64 m_idBase = 0;
    qint64 m_confirmedId = 0;
    QString m_item;
};

void TestConsole::initTestCase()
{
    // Never touch the operator's real settings.
    QVERIFY(m_settingsDir.isValid());
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    QCoreApplication::setOrganizationName(QStringLiteral("KafkaLabTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_console"));
    // The console's source language and number format, whatever this machine's locale
    // (tst_console_i18n covers Vietnamese).
    language::apply(QStringLiteral("en"));
    theme::apply(*qApp);
    // Unique, readable ids per run: the namespace isolates Redis/Kafka/ES, ids just have to differ.
    m_idBase = (QDateTime::currentMSecsSinceEpoch() % 100000000) * 1000;
    m_item = QStringLiteral("keyboard");
}

void TestConsole::cleanupTestCase()
{
    m_window.reset();
    m_stack.reset();
}

// ---------------------------------------------------------------- logic, no network

void TestConsole::shouldRejectBadOrderInput_data()
{
    QTest::addColumn<QString>("orderId");
    QTest::addColumn<QString>("item");
    QTest::addColumn<qint64>("quantity");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("empty id") << "" << "mouse" << qint64(1) << "order_id" << "required";
    QTest::newRow("zero id") << "0" << "mouse" << qint64(1) << "order_id" << "from 1 to 9007199254740991";
    QTest::newRow("negative id") << "-5" << "mouse" << qint64(1) << "order_id" << "integer";
    QTest::newRow("letters") << "12ab" << "mouse" << qint64(1) << "order_id" << "integer";
    QTest::newRow("fraction") << "1.5" << "mouse" << qint64(1) << "order_id" << "integer";
    QTest::newRow("2^53") << "9007199254740992" << "mouse" << qint64(1) << "order_id" << "9007199254740991";
    QTest::newRow("huge") << "99999999999999999999" << "mouse" << qint64(1) << "order_id" << "integer";
    QTest::newRow("empty item") << "1" << "" << qint64(1) << "item" << "empty";
    QTest::newRow("blank item") << "1" << "   \t " << qint64(1) << "item" << "empty";
    QTest::newRow("201 chars") << "1" << QString(201, QLatin1Char('x')) << qint64(1) << "item" << "at most 200";
    QTest::newRow("control char") << "1" << QStringLiteral("mo\x01use") << qint64(1) << "item" << "control";
    QTest::newRow("zero quantity") << "1" << "mouse" << qint64(0) << "quantity" << "from 1 to 1000000";
    QTest::newRow("too many") << "1" << "mouse" << qint64(1000001) << "quantity" << "from 1 to 1000000";
}

void TestConsole::shouldRejectBadOrderInput()
{
    QFETCH(QString, orderId);
    QFETCH(QString, item);
    QFETCH(qint64, quantity);
    QFETCH(QString, field);
    QFETCH(QString, messagePart);

    const OrderInputCheck c = OrderInput::check(orderId, item, quantity);
    QVERIFY(!c.ok);
    QCOMPARE(c.field, field);
    QVERIFY2(c.message.contains(messagePart), qPrintable(c.message));
    QVERIFY(c.body.isEmpty());
}

void TestConsole::shouldAcceptGoodOrderInput()
{
    OrderInputCheck c = OrderInput::check(QStringLiteral("9007199254740991"), QStringLiteral("  mouse  "), 1000000);
    QVERIFY2(c.ok, qPrintable(c.message));
    QCOMPARE(c.body.value(QStringLiteral("order_id")).toInteger(), qint64(9007199254740991));
    QCOMPARE(c.body.value(QStringLiteral("item")).toString(), QStringLiteral("mouse")); // trimmed like the API
    QCOMPARE(c.body.value(QStringLiteral("quantity")).toInteger(), qint64(1000000));

    // 200 characters after trimming pass, whatever the padding.
    c = OrderInput::check(QStringLiteral("1"), QStringLiteral("  ") + QString(200, QLatin1Char('y')) + QStringLiteral("  "), 1);
    QVERIFY2(c.ok, qPrintable(c.message));
    // Unicode counts as characters, not bytes.
    c = OrderInput::check(QStringLiteral("1"), QStringLiteral("chuột không dây"), 3);
    QVERIFY2(c.ok, qPrintable(c.message));

    for (int i = 0; i < 100; ++i) {
        const qint64 id = OrderInput::randomOrderId();
        QVERIFY(id >= 1 && id <= OrderInput::maxOrderId());
    }
}

void TestConsole::orderIdValidatorKeepsDigitsInRange_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<int>("state");
    QTest::newRow("empty") << "" << int(QValidator::Intermediate);
    QTest::newRow("zero") << "0" << int(QValidator::Intermediate);
    QTest::newRow("one") << "1" << int(QValidator::Acceptable);
    QTest::newRow("max") << "9007199254740991" << int(QValidator::Acceptable);
    QTest::newRow("max+1") << "9007199254740992" << int(QValidator::Invalid);
    QTest::newRow("17 digits") << "10000000000000000" << int(QValidator::Invalid);
    QTest::newRow("minus") << "-1" << int(QValidator::Invalid);
    QTest::newRow("space") << "1 2" << int(QValidator::Invalid);
    QTest::newRow("letter") << "4a" << int(QValidator::Invalid);
    QTest::newRow("exponent") << "1e5" << int(QValidator::Invalid);
}

void TestConsole::orderIdValidatorKeepsDigitsInRange()
{
    QFETCH(QString, input);
    QFETCH(int, state);
    OrderIdValidator v;
    int pos = 0;
    QCOMPARE(int(v.validate(input, pos)), state);
}

void TestConsole::formShouldBlockInvalidInput()
{
    ApiClient api(closedPortSettings());
    OrderPage page(&api);
    page.resize(900, 600);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));

    auto *id = child<QLineEdit>(&page, QStringLiteral("order-id"));
    auto *item = child<QLineEdit>(&page, QStringLiteral("order-item"));
    auto *quantity = child<QSpinBox>(&page, QStringLiteral("order-quantity"));
    auto *submit = child<QPushButton>(&page, QStringLiteral("order-submit"));
    auto *hint = child<QLabel>(&page, QStringLiteral("order-hint"));
    auto *random = child<QPushButton>(&page, QStringLiteral("order-random-id"));
    QVERIFY(id && item && quantity && submit && hint && random);

    QVERIFY(!submit->isEnabled()); // nothing typed yet

    // The validator drops what cannot be part of an order id while typing.
    QTest::keyClicks(id, QStringLiteral("12a-3.4 "));
    QCOMPARE(id->text(), QStringLiteral("1234"));
    id->clear();
    QTest::keyClicks(id, QStringLiteral("90071992547409919")); // the 17th digit is refused
    QCOMPARE(id->text(), QStringLiteral("9007199254740991"));
    id->clear();
    QTest::keyClicks(id, QStringLiteral("9007199254740992")); // the last digit would leave the range
    QCOMPARE(id->text(), QStringLiteral("900719925474099"));

    // Item: empty and too long are refused with the API's wording; the button stays off.
    QVERIFY(!submit->isEnabled());
    QVERIFY2(hint->text().contains(QStringLiteral("item must not be empty")), qPrintable(hint->text()));
    item->setText(QString(201, QLatin1Char('k')));
    QVERIFY(!submit->isEnabled());
    QVERIFY2(hint->text().contains(QStringLiteral("at most 200")), qPrintable(hint->text()));
    QCOMPARE(item->property("invalid").toBool(), true);
    item->setText(QStringLiteral("   "));
    QVERIFY(!submit->isEnabled());
    QTest::keyClicks(item, QStringLiteral("mouse"));
    QVERIFY(submit->isEnabled());
    QCOMPARE(item->property("invalid").toBool(), false);

    // Quantity: the spin box cannot leave 1..1,000,000.
    QCOMPARE(quantity->minimum(), 1);
    QCOMPARE(quantity->maximum(), 1000000);
    quantity->setValue(2000000);
    QCOMPARE(quantity->value(), 1000000);
    quantity->setValue(-3);
    QCOMPARE(quantity->value(), 1);

    // Clearing the id disables the button again; the random id helper fills a valid one.
    id->clear();
    QVERIFY(!submit->isEnabled());
    QTest::mouseClick(random, Qt::LeftButton);
    QString error;
    QVERIFY(OrderInput::parseOrderId(id->text(), &error) > 0);
    QVERIFY(submit->isEnabled());
}

void TestConsole::shouldDescribeApiRepliesPlainly()
{
    ApiReply ok;
    ok.httpStatus = 200;
    ok.body = R"({"message":"Order created"})";
    QCOMPARE(ok.summary(), QStringLiteral("200 OK: Order created"));

    ApiReply bad;
    bad.httpStatus = 400;
    bad.body = R"({"error":"item must not be empty","field":"item"})";
    QCOMPARE(bad.summary(), QStringLiteral("400 Bad Request: item must not be empty (field: item)"));
    QCOMPARE(bad.field(), QStringLiteral("item"));

    ApiReply conflict;
    conflict.httpStatus = 409;
    conflict.body = "not json at all";
    QCOMPARE(conflict.summary(), QStringLiteral("409 Conflict: not json at all"));

    ApiReply refused;
    refused.networkError = QStringLiteral("Connection refused");
    QCOMPARE(refused.summary(), QStringLiteral("no answer: Connection refused"));
    QVERIFY(!refused.answered());

    ApiReply slow;
    slow.timedOut = true;
    slow.elapsedMs = 1500;
    QCOMPARE(slow.summary(), QStringLiteral("no answer within 1.5 s"));
}

void TestConsole::shouldMapSearchJsonToRows()
{
    const QByteArray json = R"([
      {"order_id": 42, "item": "mouse", "quantity": 2000, "status": "confirmed", "timestamp": "2026-11-25T14:51:16.123Z"},
      {"order_id": "43", "item": "gpu", "quantity": 5, "status": "FAILED", "reason": "insufficient stock", "timestamp": "2026-11-25T14:51:17Z"},
      {"_source": {"order_id": 44, "item": "cable", "quantity": 1}},
      {"item": "no id"},
      {"order_id": 1.5, "item": "fraction"},
      "garbage"
    ])";
    QString error;
    int skipped = 0;
    const QList<OrderRow> rows = OrderRow::listFromJson(json, &error, &skipped);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(rows.size(), 3);
    QCOMPARE(skipped, 3);
    QCOMPARE(rows[0].orderId, qint64(42));
    QCOMPARE(rows[0].quantity, qint64(2000));
    QCOMPARE(rows[0].status, QStringLiteral("confirmed"));
    QCOMPARE(rows[0].timestamp, QDateTime(QDate(2026, 11, 25), QTime(14, 51, 16, 123), Qt::UTC));
    QCOMPARE(rows[1].orderId, qint64(43));
    QCOMPARE(rows[1].status, QStringLiteral("failed"));
    QCOMPARE(rows[1].reason, QStringLiteral("insufficient stock"));
    QCOMPARE(rows[2].orderId, qint64(44));
    QVERIFY(!rows[2].timestamp.isValid());

    SearchModel model;
    model.setRows(rows);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(), int(SearchModel::ColumnCount));
    QCOMPARE(model.index(0, SearchModel::OrderIdColumn).data().toString(), QStringLiteral("42"));
    QCOMPARE(model.index(0, SearchModel::QuantityColumn).data().toString(), QStringLiteral("2,000"));
    QCOMPARE(model.index(0, SearchModel::QuantityColumn).data(SearchModel::SortRole).toLongLong(), qint64(2000));
    QCOMPARE(model.index(2, SearchModel::StatusColumn).data().toString(), QStringLiteral("—"));
    QVERIFY(model.containsOrder(43));
    QCOMPARE(model.headerData(SearchModel::TimeColumn, Qt::Horizontal).toString(), QStringLiteral("Time"));

    // Not a list, not JSON: an error to show, never a crash.
    OrderRow::listFromJson(R"({"error":"x"})", &error);
    QVERIFY(!error.isEmpty());
    error.clear();
    OrderRow::listFromJson("<html>", &error);
    QVERIFY(error.contains(QStringLiteral("not JSON")));
}

void TestConsole::feedShouldDedupeAndKeepNewestFirst()
{
    FeedModel model;
    QSignalSpy added(&model, &FeedModel::entryAdded);
    // A backlog arrives newest first...
    QCOMPARE(model.addMessage(notification(3, QStringLiteral("confirmed"), QStringLiteral("2026-11-25T14:51:20.000Z"), true)),
             FeedModel::AddResult::Added);
    QCOMPARE(model.addMessage(notification(2, QStringLiteral("failed"), QStringLiteral("2026-11-25T14:51:19.000Z"), true)),
             FeedModel::AddResult::Added);
    QCOMPARE(model.addMessage(notification(1, QStringLiteral("confirmed"), QStringLiteral("2026-11-25T14:51:18.000Z"), true)),
             FeedModel::AddResult::Added);
    // ...then live messages, then a reconnect replays the same backlog.
    QCOMPARE(model.addMessage(notification(4, QStringLiteral("confirmed"), QStringLiteral("2026-11-25T14:51:21.000Z"))),
             FeedModel::AddResult::Added);
    for (qint64 id : {4, 3, 2, 1})
        QCOMPARE(model.addMessage(notification(id, QStringLiteral("confirmed"), QStringLiteral("2026-11-25T14:51:22.000Z"), true)),
                 FeedModel::AddResult::Duplicate);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(added.count(), 4);
    QCOMPARE(model.duplicateCount(), 4);
    QList<qint64> order;
    for (int r = 0; r < model.rowCount(); ++r)
        order << model.index(r, 0).data(FeedModel::OrderIdRole).toLongLong();
    QCOMPARE(order, (QList<qint64>{4, 3, 2, 1}));
    QCOMPARE(model.confirmedCount(), 3);
    QCOMPARE(model.failedCount(), 1);
    QCOMPARE(model.index(2, FeedModel::ReasonColumn).data().toString(), QStringLiteral("insufficient stock"));
    QCOMPARE(model.index(0, FeedModel::SourceColumn).data().toString(), QStringLiteral("live"));
    QCOMPARE(model.index(1, FeedModel::SourceColumn).data().toString(), QStringLiteral("backlog"));

    // Contract breakers are counted, not shown; other event kinds are ignored.
    QCOMPARE(model.addMessage(R"({"event":"order.notification","order_id":9,"item":"x","quantity":1,"status":"maybe"})"),
             FeedModel::AddResult::Invalid);
    QVERIFY(model.lastError().contains(QStringLiteral("status")));
    QCOMPARE(model.addMessage("not json"), FeedModel::AddResult::Invalid);
    QCOMPARE(model.addMessage(R"({"event":"hello"})"), FeedModel::AddResult::Ignored);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.invalidCount(), 2);

    // Clearing keeps the memory of what was seen: a later replay does not bring rows back.
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.addMessage(notification(3, QStringLiteral("confirmed"), QStringLiteral("2026-11-25T14:51:20.000Z"), true)),
             FeedModel::AddResult::Duplicate);

    // The table is bounded; the oldest rows go first.
    FeedModel small(2);
    for (qint64 id = 1; id <= 3; ++id)
        small.addMessage(notification(id, QStringLiteral("confirmed"),
                                      QStringLiteral("2026-11-25T14:51:%1.000Z").arg(10 + id)));
    QCOMPARE(small.rowCount(), 2);
    QCOMPARE(small.index(1, 0).data(FeedModel::OrderIdRole).toLongLong(), qint64(2));
    QVERIFY(small.contains(1));
}

void TestConsole::feedFilterShouldSelectByStatus()
{
    FeedModel model;
    model.addMessage(notification(1, QStringLiteral("confirmed"), QStringLiteral("2026-11-25T14:51:18.000Z")));
    model.addMessage(notification(2, QStringLiteral("failed"), QStringLiteral("2026-11-25T14:51:19.000Z"), false,
                                  QStringLiteral("gpu")));
    model.addMessage(notification(3, QStringLiteral("confirmed"), QStringLiteral("2026-11-25T14:51:20.000Z")));
    FeedFilter filter;
    filter.setSourceModel(&model);
    QCOMPARE(filter.rowCount(), 3);
    filter.setStatus(FeedFilter::Status::Failed);
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.index(0, 0).data(FeedModel::OrderIdRole).toLongLong(), qint64(2));
    filter.setStatus(FeedFilter::Status::Confirmed);
    QCOMPARE(filter.rowCount(), 2);
    QCOMPARE(filter.index(0, 0).data(FeedModel::OrderIdRole).toLongLong(), qint64(3)); // still newest first
    filter.setStatus(FeedFilter::Status::All);
    filter.setText(QStringLiteral("GPU"));
    QCOMPARE(filter.rowCount(), 1);
    filter.setText(QStringLiteral("3"));
    QCOMPARE(filter.rowCount(), 1);
    filter.setText(QString());
    QCOMPARE(filter.rowCount(), 3);
}

void TestConsole::statusCellsLookTheSameInEveryTable()
{
    // The live feed and the search results style their status column through one helper
    // (display::statusStyle): the same colour, tint and weight for the same word.
    FeedModel feed;
    feed.addMessage(notification(1, QStringLiteral("confirmed"), QStringLiteral("2026-11-25T14:51:18.000Z")));
    feed.addMessage(notification(2, QStringLiteral("failed"), QStringLiteral("2026-11-25T14:51:19.000Z"), false,
                                 QStringLiteral("gpu")));
    SearchModel search;
    OrderRow confirmed, failed;
    confirmed.orderId = 1;
    confirmed.status = QStringLiteral("confirmed");
    failed.orderId = 2;
    failed.status = QStringLiteral("failed");
    search.setRows({failed, confirmed}); // the feed is newest first: order 2, then order 1
    for (int row = 0; row < 2; ++row) {
        const QModelIndex f = feed.index(row, FeedModel::StatusColumn);
        const QModelIndex s = search.index(row, SearchModel::StatusColumn);
        QCOMPARE(f.data(FeedModel::OrderIdRole), s.data(SearchModel::OrderIdRole));
        const QString status = row == 0 ? QStringLiteral("failed") : QStringLiteral("confirmed");
        QCOMPARE(f.data(Qt::ForegroundRole).value<QBrush>().color(), QColor(display::statusColor(status)));
        QCOMPARE(s.data(Qt::ForegroundRole).value<QBrush>().color(), QColor(display::statusColor(status)));
        QCOMPARE(f.data(Qt::BackgroundRole).value<QBrush>().color(), QColor(display::statusTint(status)));
        QCOMPARE(s.data(Qt::BackgroundRole).value<QBrush>().color(), QColor(display::statusTint(status)));
        QVERIFY(f.data(Qt::FontRole).value<QFont>().bold());
        QVERIFY(s.data(Qt::FontRole).value<QFont>().bold());
    }
    QVERIFY(QColor(display::statusColor(QStringLiteral("confirmed"))) != QColor(display::statusColor(QStringLiteral("failed"))));
    // a word without a tint has no background, and other columns are not styled as status
    QVERIFY(!display::statusStyle(QStringLiteral("unknown"), Qt::BackgroundRole).isValid());
    QVERIFY(!display::statusStyle(QStringLiteral("confirmed"), Qt::DisplayRole).isValid());
    QVERIFY(!search.index(0, SearchModel::ItemColumn).data(Qt::FontRole).isValid());

    // one look per live-feed state, each state its own colour and word
    QSet<QString> colors, words;
    for (auto state : {FeedClient::State::Connected, FeedClient::State::Connecting,
                       FeedClient::State::WaitingToReconnect, FeedClient::State::Stopped}) {
        const LiveFeedPage::StateLook look = LiveFeedPage::stateLook(state);
        colors.insert(QString::fromLatin1(look.color));
        words.insert(look.word);
    }
    QCOMPARE(colors.size(), 4);
    QCOMPARE(words.size(), 4);
    QCOMPARE(LiveFeedPage::stateLook(FeedClient::State::WaitingToReconnect).word, QStringLiteral("disconnected"));
}

void TestConsole::throughputShouldBucketPerSecond()
{
    ThroughputBuckets b(300);
    const qint64 now = 1'800'000'000;
    QVERIFY(b.record(now, true, now));
    QVERIFY(b.record(now, true, now));
    QVERIFY(b.record(now, false, now));
    QVERIFY(b.record(now - 2, true, now));
    QVERIFY(b.record(now + 30, false, now));   // clock skew: counted now
    QVERIFY(!b.record(now - 300, true, now));  // older than the retention
    QVERIFY(b.record(now - 299, true, now));

    const auto last5 = b.series(now, 5);
    QCOMPARE(last5.size(), 5);
    QCOMPARE(last5.first().second, now - 4);
    QCOMPARE(last5.last().second, now);
    QCOMPARE(last5.last().confirmed, 2);
    QCOMPARE(last5.last().failed, 2);
    QCOMPARE(last5[2].confirmed, 1); // now - 2
    QCOMPARE(last5[3].confirmed + last5[3].failed, 0);

    const auto total = b.total(now, 10);
    QCOMPARE(total.confirmed, 3);
    QCOMPARE(total.failed, 2);
    QCOMPARE(b.total(now, 300).confirmed, 4);
    QCOMPARE(b.peak(now, 10), 4);

    b.prune(now + 10); // now-299 falls out
    QCOMPARE(b.total(now + 10, 300).confirmed, 3);

    // QDateTime overload: invalid times count as now.
    ThroughputBuckets c;
    const QDateTime t = QDateTime::fromSecsSinceEpoch(now, Qt::UTC);
    QVERIFY(c.record(QDateTime(), true, t));
    QCOMPARE(c.total(now, 1).confirmed, 1);

    QCOMPARE(ThroughputChart::niceMax(0), 5);
    QCOMPARE(ThroughputChart::niceMax(5), 10);
    QCOMPARE(ThroughputChart::niceMax(9), 20);
    QCOMPARE(ThroughputChart::niceMax(40), 50);
    QCOMPARE(ThroughputChart::niceMax(180), 400);
}

void TestConsole::backoffShouldGrowAndReset()
{
    ReconnectBackoff b(500, 8000);
    QList<int> delays;
    for (int i = 0; i < 7; ++i)
        delays << b.nextDelayMs();
    QCOMPARE(delays, (QList<int>{500, 1000, 2000, 4000, 8000, 8000, 8000}));
    QCOMPARE(b.attempts(), 7);
    b.reset();
    QCOMPARE(b.nextDelayMs(), 500);

    ReconnectBackoff jittered(1000, 1000, 0.2);
    for (int i = 0; i < 50; ++i) {
        const int d = jittered.nextDelayMs();
        QVERIFY2(d >= 800 && d <= 1200, qPrintable(QString::number(d)));
    }
}

void TestConsole::healthReportShouldReadChecks()
{
    ApiReply up;
    up.httpStatus = 200;
    up.elapsedMs = 4;
    up.body = R"({"service":"search-service","status":"ok","checks":{"kafka":"ok","redis":"ok","elasticsearch":"ok"}})";
    const HealthReport a = HealthReport::fromReply(up);
    QCOMPARE(a.state, HealthReport::State::Up);
    QCOMPARE(a.checks.size(), 3);
    QVERIFY(std::all_of(a.checks.cbegin(), a.checks.cend(), [](const HealthCheckEntry &c) { return c.ok; }));

    ApiReply sick;
    sick.httpStatus = 503;
    sick.body = R"({"service":"order-service","status":"unavailable","checks":{"kafka":"ok","redis":"connection refused"},"error":"unavailable: redis"})";
    const HealthReport b = HealthReport::fromReply(sick);
    QCOMPARE(b.state, HealthReport::State::Unhealthy);
    QVERIFY2(b.error.contains(QStringLiteral("redis")), qPrintable(b.error));

    ApiReply gone;
    gone.networkError = QStringLiteral("Connection refused");
    const HealthReport c = HealthReport::fromReply(gone);
    QCOMPARE(c.state, HealthReport::State::Down);
    QCOMPARE(HealthReport::stateName(c.state), QStringLiteral("DOWN"));

    QMap<QString, HealthReport> reports{{QStringLiteral("search-service"), a},
                                        {QStringLiteral("order-service"), b},
                                        {QStringLiteral("payment-service"), c}};
    const QList<BackingStatus> backing = aggregateBacking(reports);
    QCOMPARE(backing.size(), 3);
    QCOMPARE(backing[0].name, QStringLiteral("Kafka"));
    QCOMPARE(backing[0].state, HealthReport::State::Up);
    QCOMPARE(backing[0].okBy, (QStringList{QStringLiteral("order-service"), QStringLiteral("search-service")}));
    QCOMPARE(backing[1].name, QStringLiteral("Redis"));
    QCOMPARE(backing[1].state, HealthReport::State::Unhealthy);
    QCOMPARE(backing[1].failingBy, QStringList{QStringLiteral("order-service: connection refused")});
    QCOMPARE(backing[2].state, HealthReport::State::Up);

    QCOMPARE(aggregateBacking({{QStringLiteral("x"), c}}).at(0).state, HealthReport::State::Unknown);
    QCOMPARE(backingNameOf(QStringLiteral("kafka-producer")), QStringLiteral("Kafka"));
}

void TestConsole::settingsShouldPersistAndTakeFlags()
{
    // Defaults are the local stack of ./lab up.
    const ConsoleSettings d;
    QCOMPARE(d.orderUrl, QUrl(QStringLiteral("http://127.0.0.1:5000")));
    QCOMPARE(d.notifierUrl, QUrl(QStringLiteral("ws://127.0.0.1:8000/ws")));
    const auto endpoints = d.healthEndpoints();
    QCOMPARE(endpoints.size(), 5);
    QCOMPARE(endpoints[0].healthUrl, QUrl(QStringLiteral("http://127.0.0.1:5000/healthz")));
    QCOMPARE(endpoints[4].healthUrl, QUrl(QStringLiteral("http://127.0.0.1:8000/healthz")));
    QCOMPARE(ConsoleSettings::notifierHealthUrl(QUrl(QStringLiteral("wss://lab.example/x/ws"))),
             QUrl(QStringLiteral("https://lab.example/x/healthz")));
    QCOMPARE(ConsoleSettings::join(QUrl(QStringLiteral("http://h:1/api/")), QStringLiteral("/create_order")),
             QUrl(QStringLiteral("http://h:1/api/create_order")));

    // Persisted with QSettings (into this test's temporary directory).
    ConsoleSettings s;
    s.orderUrl = QUrl(QStringLiteral("http://10.0.0.5:5000"));
    s.notifierUrl = QUrl(QStringLiteral("ws://10.0.0.5:8000/ws"));
    s.apiToken = QStringLiteral("s3cret");
    s.requestTimeoutMs = 2500;
    {
        QSettings store;
        s.save(store);
    }
    {
        QSettings store;
        QVERIFY2(store.fileName().startsWith(m_settingsDir.path()), qPrintable(store.fileName()));
        QCOMPARE(ConsoleSettings::load(store), s);
        store.setValue(QStringLiteral("endpoints/search"), QStringLiteral("ftp://nope"));
        QCOMPARE(ConsoleSettings::load(store).searchUrl, d.searchUrl); // unusable -> default
        store.clear();
    }

    // Command-line flags override.
    QCommandLineParser parser;
    ConsoleSettings::addOptions(parser);
    QVERIFY(parser.parse({QStringLiteral("ops-console"), QStringLiteral("--host"), QStringLiteral("lab.local"),
                          QStringLiteral("--search-url"), QStringLiteral("http://search:9100"),
                          QStringLiteral("--payment-url"), QStringLiteral("http://pay:5200"),
                          QStringLiteral("--token"), QStringLiteral("t0k"), QStringLiteral("--timeout-ms"),
                          QStringLiteral("3000")}));
    ConsoleSettings f;
    QString error;
    QVERIFY2(f.applyOptions(parser, &error), qPrintable(error));
    QCOMPARE(f.orderUrl, QUrl(QStringLiteral("http://lab.local:5000")));
    QCOMPARE(f.notifierUrl, QUrl(QStringLiteral("ws://lab.local:8000/ws")));
    QCOMPARE(f.searchUrl, QUrl(QStringLiteral("http://search:9100")));
    QCOMPARE(f.paymentHealthUrl, QUrl(QStringLiteral("http://pay:5200/healthz")));
    QCOMPARE(f.apiToken, QStringLiteral("t0k"));
    QCOMPARE(f.requestTimeoutMs, 3000);

    QCommandLineParser bad;
    ConsoleSettings::addOptions(bad);
    QVERIFY(bad.parse({QStringLiteral("ops-console"), QStringLiteral("--notifier-url"), QStringLiteral("http://x:8000/ws")}));
    ConsoleSettings g;
    QVERIFY(!g.applyOptions(bad, &error));
    QVERIFY2(error.contains(QStringLiteral("--notifier-url")), qPrintable(error));
    QCOMPARE(g, ConsoleSettings()); // nothing half-applied
}

void TestConsole::settingsShouldFindNotifierHttp()
{
    // Derived from the feed's URL unless set: the Kafka tab and the health card agree.
    ConsoleSettings d;
    QCOMPARE(d.notifierApiUrl(), QUrl(QStringLiteral("http://127.0.0.1:8000")));
    d.notifierUrl = QUrl(QStringLiteral("wss://lab.example/x/ws"));
    QCOMPARE(d.notifierApiUrl(), QUrl(QStringLiteral("https://lab.example/x")));
    QCOMPARE(ConsoleSettings::join(d.notifierApiUrl(), QStringLiteral("/kafka/lag")),
             QUrl(QStringLiteral("https://lab.example/x/kafka/lag")));
    d.notifierHttpUrl = QUrl(QStringLiteral("http://kafka-ops:8800"));
    QCOMPARE(d.notifierApiUrl(), QUrl(QStringLiteral("http://kafka-ops:8800")));
    QVERIFY(d.problem().isEmpty());
    {
        QSettings store;
        d.save(store);
    }
    {
        QSettings store;
        QCOMPARE(ConsoleSettings::load(store).notifierHttpUrl, d.notifierHttpUrl);
        store.clear();
    }
    ConsoleSettings bad;
    bad.notifierHttpUrl = QUrl(QStringLiteral("ws://x:8000"));
    QVERIFY2(bad.problem().contains(QStringLiteral("Notifier HTTP")), qPrintable(bad.problem()));

    QCommandLineParser parser;
    ConsoleSettings::addOptions(parser);
    QVERIFY(parser.parse({QStringLiteral("ops-console"), QStringLiteral("--notifier-http-url"),
                          QStringLiteral("http://n:8001")}));
    ConsoleSettings f;
    QString error;
    QVERIFY2(f.applyOptions(parser, &error), qPrintable(error));
    QCOMPARE(f.notifierApiUrl(), QUrl(QStringLiteral("http://n:8001")));
    QCOMPARE(f.notifierUrl, ConsoleSettings().notifierUrl);
}

void TestConsole::journeyShouldReadHopsAndGaps()
{
    const QByteArray json = R"({"order_id":7,"status":"confirmed","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736",
        "timeline":[{"hop":"received","at_us":1000000,"elapsed_ms":0},
                    {"hop":"kafka_acknowledged","at_us":1002500,"elapsed_ms":2.5},
                    {"hop":"payment_decided","at_us":1010000,"elapsed_ms":10},
                    {"hop":"stock_decided","at_us":1012000,"elapsed_ms":12},
                    {"hop":"correlated","at_us":1015000,"elapsed_ms":15},
                    {"hop":"notified","at_us":1018800,"elapsed_ms":18.8}]})";
    const Journey j = Journey::fromJson(QJsonDocument::fromJson(json).object());
    QCOMPARE(j.traceId, QStringLiteral("4bf92f3577b34da6a3ce929d0e0e4736"));
    QStringList keys;
    for (const Journey::Hop &h : j.hops)
        keys << h.key;
    QCOMPARE(keys, Journey::pipeline());
    QCOMPARE(Journey::pipeline().size(), 6);
    QCOMPARE(j.hops.at(1).gapMs, 2.5);
    QCOMPARE(j.hops.at(2).gapMs, 7.5);
    QCOMPARE(j.hops.at(5).elapsedMs, 18.8);
    QCOMPARE(j.hops.at(0).gapMs, 0.0);
    QCOMPARE(j.hops.at(1).atUs, qint64(1002500));
    // Payment and stock are decided in parallel: a stock decision stamped before the
    // payment counts from the Kafka acknowledgement, and "correlated" from the later
    // decision, so no gap is negative.
    const QByteArray parallel = R"({"timeline":[{"hop":"received","at_us":1000000,"elapsed_ms":0},
                    {"hop":"kafka_acknowledged","at_us":1002000,"elapsed_ms":2},
                    {"hop":"payment_decided","at_us":1030000,"elapsed_ms":30},
                    {"hop":"stock_decided","at_us":1005000,"elapsed_ms":5},
                    {"hop":"correlated","at_us":1031000,"elapsed_ms":31},
                    {"hop":"notified","at_us":1033000,"elapsed_ms":33}]})";
    const Journey p = Journey::fromJson(QJsonDocument::fromJson(parallel).object());
    QCOMPARE(p.hops.size(), 6);
    QCOMPARE(p.hops.at(2).gapMs, 28.0); // payment: from the acknowledgement
    QCOMPARE(p.hops.at(3).gapMs, 3.0);  // stock: from the acknowledgement, not -25 from payment
    QCOMPARE(p.hops.at(4).gapMs, 1.0);  // correlated: from the later decision (payment)
    QCOMPARE(p.hops.at(5).gapMs, 2.0);
    // Readable names, each its own.
    QSet<QString> names;
    for (const QString &key : Journey::pipeline()) {
        QVERIFY2(Journey::hopName(key) != key, qPrintable(key));
        names.insert(Journey::hopName(key));
    }
    QCOMPARE(names.size(), 6);
    QCOMPARE(Journey::hopName(QStringLiteral("kafka_acknowledged")), QStringLiteral("Kafka acknowledged"));
    QCOMPARE(Journey::millis(2.5), QStringLiteral("2.50 ms"));
    QCOMPARE(Journey::millis(1204), QStringLiteral("1,204 ms"));
    QCOMPARE(Journey::gap(12.34), QStringLiteral("+12.3 ms"));
    QCOMPARE(Journey::gap(-15.4), QStringLiteral("−15.4 ms"));
    // An order from before journeys were stamped: nothing to draw, and the view says so.
    QVERIFY(Journey::fromJson(QJsonObject{{QStringLiteral("order_id"), 1}}).hops.isEmpty());
    JourneyView view;
    view.setJourney(Journey::fromJson(QJsonObject{{QStringLiteral("order_id"), 1}}));
    QVERIFY(!view.message().isEmpty());
}

void TestConsole::statsShouldParseAndChooseInterval_data()
{
    QTest::addColumn<int>("range");
    QTest::addColumn<QString>("interval");
    QTest::newRow("15 min") << int(SearchPage::Last15Minutes) << QStringLiteral("10s");
    QTest::newRow("1 h") << int(SearchPage::LastHour) << QStringLiteral("30s");
    QTest::newRow("6 h") << int(SearchPage::Last6Hours) << QStringLiteral("5m");
    QTest::newRow("24 h") << int(SearchPage::Last24Hours) << QStringLiteral("15m");
    QTest::newRow("7 days") << int(SearchPage::Last7Days) << QStringLiteral("2h");
}

void TestConsole::statsShouldParseAndChooseInterval()
{
    QFETCH(int, range);
    QFETCH(QString, interval);
    const qint64 ms = SearchPage::rangeMs(SearchPage::Range(range));
    QCOMPARE(OrderStats::intervalFor(ms), interval);
    const qint64 buckets = ms / OrderStats::intervalMsOf(interval);
    QVERIFY2(buckets >= 30 && buckets <= 120, qPrintable(QString::number(buckets)));

    const QByteArray json = R"({"interval":"1m","from":"2026-11-25T14:00:00.000Z","to":"2026-11-25T14:03:00.000Z",
        "total":7,"statuses":{"created":1,"confirmed":4,"failed":2},
        "buckets":[{"start":"2026-11-25T14:00:00.000Z","total":0,"statuses":{}},
                   {"start":"2026-11-25T14:01:00.000Z","total":5,"statuses":{"confirmed":3,"failed":2}},
                   {"start":"2026-11-25T14:02:00.000Z","total":2,"statuses":{"confirmed":1,"created":1}}]})";
    QString error;
    const auto stats = OrderStats::fromJson(json, &error);
    QVERIFY2(stats, qPrintable(error));
    QCOMPARE(stats->total, qint64(7));
    QCOMPARE(stats->intervalMs, qint64(60000));
    QCOMPARE(stats->buckets.size(), 3);
    QCOMPARE(stats->buckets.at(1).failed, qint64(2));
    QCOMPARE(stats->buckets.at(2).created, qint64(1));
    QCOMPARE(stats->buckets.at(1).start, QDateTime(QDate(2026, 11, 25), QTime(14, 1), Qt::UTC));
    OrderHistogram histogram;
    histogram.setStats(*stats);
    QCOMPARE(histogram.total(), qint64(7));
    QCOMPARE(histogram.axisMax(), 10); // the busiest bucket (5) on a calm scale
    QVERIFY(!OrderStats::fromJson("[]", &error));
    QVERIFY(!error.isEmpty());
}

// ---------------------------------------------------- real widgets, closed/hanging ports

void TestConsole::unreachableServicesShowAsDownWithoutFreezing()
{
    MainWindow w(closedPortSettings(), false);
    LoopProbe probe(w.api());
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));

    // Every service shows DOWN, promptly.
    for (const char *key : {"order", "search", "payment", "inventory", "notifier"})
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(&w, QString::fromLatin1(key)), QStringLiteral("DOWN"), 10000);
    auto *detail = child<QLabel>(&w, QStringLiteral("health-detail-search"));
    QVERIFY(detail && detail->text().contains(QStringLiteral("refused"), Qt::CaseInsensitive));
    QCOMPARE(w.tabs()->tabText(MainWindow::HealthTab), QStringLiteral("Health (5 down)"));

    // The feed says it is disconnected and keeps retrying on its own.
    QTRY_COMPARE_WITH_TIMEOUT(w.feedClient()->state(), FeedClient::State::WaitingToReconnect, 10000);
    auto *feedState = child<QLabel>(&w, QStringLiteral("feed-state"));
    QVERIFY(feedState && feedState->text().contains(QStringLiteral("disconnected")));
    const int attempts = w.feedClient()->attempts();
    QTRY_VERIFY_WITH_TIMEOUT(w.feedClient()->attempts() > attempts, 10000);

    // An order to a dead API: an answer in words, and the form is usable again.
    auto *id = child<QLineEdit>(&w, QStringLiteral("order-id"));
    auto *item = child<QLineEdit>(&w, QStringLiteral("order-item"));
    auto *submit = child<QPushButton>(&w, QStringLiteral("order-submit"));
    auto *title = child<QLabel>(&w, QStringLiteral("order-result-title"));
    auto *resultDetail = child<QLabel>(&w, QStringLiteral("order-result-detail"));
    QVERIFY(id && item && submit && title && resultDetail);
    id->setText(QStringLiteral("7"));
    item->setText(QStringLiteral("mouse"));
    QTest::mouseClick(submit, Qt::LeftButton);
    // Asynchronous: the click returns before the answer, even a refused connection's.
    QVERIFY(w.orderPage()->isBusy());
    QVERIFY2(!title->text().contains(QStringLiteral("No answer")), "the click waited for the answer");
    QTRY_VERIFY_WITH_TIMEOUT(title->text().contains(QStringLiteral("No answer")), 10000);
    QVERIFY2(resultDetail->text().contains(QStringLiteral("refused"), Qt::CaseInsensitive), qPrintable(resultDetail->text()));
    QVERIFY(submit->isEnabled());

    // A search against a dead API says so.
    w.tabs()->setCurrentIndex(MainWindow::SearchTab);
    auto *searchButton = child<QPushButton>(&w, QStringLiteral("search-button"));
    auto *status = child<QLabel>(&w, QStringLiteral("search-status"));
    QVERIFY(searchButton && status);
    QTest::mouseClick(searchButton, Qt::LeftButton);
    QVERIFY(w.searchPage()->isBusy());
    QVERIFY2(!status->text().startsWith(QStringLiteral("Search failed")), "the click waited for the answer");
    QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Search failed")), 10000);
    // ... and the histogram beside the list too.
    QTRY_VERIFY_WITH_TIMEOUT(!w.searchPage()->isStatsBusy(), 10000);
    QCOMPARE(w.searchPage()->histogram()->total(), qint64(0));

    // The Kafka tab: notifier-service does not answer, said in words, the tab stays usable.
    w.tabs()->setCurrentIndex(MainWindow::KafkaTab);
    auto *kafkaError = child<QLabel>(&w, QStringLiteral("kafka-error"));
    QVERIFY(kafkaError);
    QTRY_VERIFY_WITH_TIMEOUT(w.kafkaPage()->rounds() >= 1, 10000);
    QVERIFY(kafkaError->isVisible());
    QVERIFY2(kafkaError->text().contains(QStringLiteral("Consumer lag: no answer")), qPrintable(kafkaError->text()));
    QVERIFY2(kafkaError->text().contains(QStringLiteral("Topics: no answer")), qPrintable(kafkaError->text()));
    QTest::mouseClick(child<QPushButton>(&w, QStringLiteral("kafka-tail-fetch")), Qt::LeftButton);
    QVERIFY(w.kafkaPage()->isTailing());
    auto *tailStatus = child<QLabel>(&w, QStringLiteral("kafka-tail-status"));
    QTRY_VERIFY_WITH_TIMEOUT(tailStatus->text().startsWith(QStringLiteral("Tail failed: no answer")), 10000);

    QVERIFY2(probe.ticks() > 10, qPrintable(QString::number(probe.ticks())));
}

void TestConsole::hangingServiceTimesOutWithoutFreezing()
{
    // Accepts connections and never answers: the worst kind of "down".
    QTcpServer hang;
    QVERIFY(hang.listen(QHostAddress::LocalHost, 0));
    QList<QTcpSocket *> held;
    connect(&hang, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *s = hang.nextPendingConnection())
            held.append(s);
    });
    ConsoleSettings s = closedPortSettings();
    s.searchUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(hang.serverPort()));
    s.requestTimeoutMs = 1500;

    MainWindow w(s, false);
    LoopProbe probe(w.api());
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.tabs()->setCurrentIndex(MainWindow::SearchTab);
    auto *searchButton = child<QPushButton>(&w, QStringLiteral("search-button"));
    auto *status = child<QLabel>(&w, QStringLiteral("search-status"));
    QVERIFY(searchButton && status);
    QTest::mouseClick(searchButton, Qt::LeftButton);
    QVERIFY(w.searchPage()->isBusy());
    QVERIFY2(!status->text().contains(QStringLiteral("no answer within")), "the click waited for the timeout");
    // The 1.5 s timeout ends the wait; 30 s only detects a hang (no timeout at all).
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("no answer within")), 30000);
    // Health gives up on it too (its own 3 s bound) and calls it down.
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(&w, QStringLiteral("search")), QStringLiteral("DOWN"), 30000);
    auto *detail = child<QLabel>(&w, QStringLiteral("health-detail-search"));
    QVERIFY2(detail && detail->text().contains(QStringLiteral("no answer within")), qPrintable(detail->text()));
    // Health keeps asking every service on its timer, the hanging one included (now
    // the only requests): the event loop turns while they are in flight.
    probe.reset();
    const int rounds = w.healthPage()->rounds();
    QTRY_VERIFY_WITH_TIMEOUT(w.healthPage()->rounds() >= rounds + 2, 30000);
    QVERIFY2(probe.ticksWithRequestsInFlight() > 0, "health checks held the GUI thread until their answer");
    qDeleteAll(held);
}

void TestConsole::settingsDialogShouldValidateAndApply()
{
    {
        QSettings store;
        store.clear();
    }
    MainWindow w(closedPortSettings(), true);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));

    SettingsDialog *dialog = w.openSettings();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    auto *search = child<QLineEdit>(dialog, QStringLiteral("settings-search-url"));
    auto *notifier = child<QLineEdit>(dialog, QStringLiteral("settings-notifier-url"));
    auto *token = child<QLineEdit>(dialog, QStringLiteral("settings-token"));
    auto *ok = child<QPushButton>(dialog, QStringLiteral("settings-ok"));
    auto *error = child<QLabel>(dialog, QStringLiteral("settings-error"));
    QVERIFY(search && notifier && token && ok && error);
    QCOMPARE(token->echoMode(), QLineEdit::Password);

    // A bad URL keeps the dialog open with the reason.
    notifier->setText(QStringLiteral("http://127.0.0.1:8000/ws"));
    QTest::mouseClick(ok, Qt::LeftButton);
    QVERIFY(dialog->isVisible());
    QVERIFY(error->isVisible());
    QVERIFY(error->text().contains(QStringLiteral("Notifier")));

    const QUrl newSearch(QStringLiteral("http://127.0.0.1:%1").arg(labtest::freePort()));
    const QUrl newNotifier(QStringLiteral("ws://127.0.0.1:%1/ws").arg(labtest::freePort()));
    search->setText(newSearch.toString());
    notifier->setText(newNotifier.toString());
    token->setText(QStringLiteral("abc"));
    QPointer<SettingsDialog> guard(dialog);
    QTest::mouseClick(ok, Qt::LeftButton);
    QTRY_VERIFY(guard.isNull()); // accepted and closed (deletes itself)

    QCOMPARE(w.settings().searchUrl, newSearch);
    QCOMPARE(w.settings().apiToken, QStringLiteral("abc"));
    QCOMPARE(w.api()->settings().searchUrl, newSearch);
    QCOMPARE(w.feedClient()->url(), newNotifier);
    auto *url = child<QLabel>(&w, QStringLiteral("health-url-search"));
    QVERIFY(url && url->text() == newSearch.toString() + QStringLiteral("/healthz"));
    QSettings store;
    QCOMPARE(ConsoleSettings::load(store).searchUrl, newSearch);
    QCOMPARE(ConsoleSettings::load(store).apiToken, QStringLiteral("abc"));
    store.clear();
}

void TestConsole::createOrderShouldSendBearerToken()
{
    // A stand-in order API that records the request and accepts it.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QByteArray request;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *socket = server.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [&, socket] {
            request += socket->readAll();
            const qsizetype end = request.indexOf("\r\n\r\n");
            if (end < 0 || !request.contains("\"quantity\"")) // wait for the whole body
                return;
            const QByteArray body = R"({"message":"Order created"})";
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                          + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
            socket->disconnectFromHost();
        });
    });
    ConsoleSettings s = closedPortSettings();
    s.orderUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort()));
    s.apiToken = QStringLiteral("t0k-en");
    ApiClient api(s);
    OrderPage page(&api);
    page.show();
    child<QLineEdit>(&page, QStringLiteral("order-id"))->setText(QStringLiteral("42"));
    child<QLineEdit>(&page, QStringLiteral("order-item"))->setText(QStringLiteral("  mouse "));
    child<QSpinBox>(&page, QStringLiteral("order-quantity"))->setValue(2000);
    QSignalSpy accepted(&page, &OrderPage::orderAccepted);
    QTest::mouseClick(child<QPushButton>(&page, QStringLiteral("order-submit")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 10000);
    QCOMPARE(accepted.first().first().toLongLong(), qint64(42));
    QVERIFY2(request.startsWith("POST /create_order HTTP/1.1\r\n"), request.constData());
    QVERIFY2(request.contains("\r\nAuthorization: Bearer t0k-en\r\n"), request.constData());
    QVERIFY2(request.toLower().contains("content-type: application/json"), request.constData());
    const QJsonObject body = QJsonDocument::fromJson(request.mid(request.indexOf("\r\n\r\n") + 4)).object();
    QCOMPARE(body, (QJsonObject{{QStringLiteral("order_id"), 42}, {QStringLiteral("item"), QStringLiteral("mouse")},
                                {QStringLiteral("quantity"), 2000}}));
    auto *title = child<QLabel>(&page, QStringLiteral("order-result-title"));
    QVERIFY2(title->text().contains(QStringLiteral("Order 42 created")), qPrintable(title->text()));
}

void TestConsole::feedClientReconnectsOnItsOwn()
{
    // A stand-in notifier that greets every client with the same two-entry backlog.
    QWebSocketServer server(QStringLiteral("fake-notifier"), QWebSocketServer::NonSecureMode);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    const quint16 port = server.serverPort();
    QList<QWebSocket *> clients;
    auto greet = [&] {
        while (QWebSocket *c = server.nextPendingConnection()) {
            clients.append(c);
            c->sendTextMessage(QString::fromUtf8(notification(11, QStringLiteral("confirmed"),
                                                              QStringLiteral("2026-11-25T14:51:21.000Z"), true)));
            c->sendTextMessage(QString::fromUtf8(notification(10, QStringLiteral("failed"),
                                                              QStringLiteral("2026-11-25T14:51:20.000Z"), true)));
        }
    };
    connect(&server, &QWebSocketServer::newConnection, this, greet);

    FeedModel model;
    FeedClient client;
    connect(&client, &FeedClient::messageReceived, &model, [&model](const QByteArray &m) { model.addMessage(m); });
    client.setUrl(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(port)));
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), FeedClient::State::Connected, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 2, 10000);

    // The notifier goes away: the client notices and schedules retries by itself.
    server.close();
    for (QWebSocket *c : clients)
        c->abort();
    qDeleteAll(clients);
    clients.clear();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), FeedClient::State::WaitingToReconnect, 10000);
    QVERIFY2(client.stateText().contains(QStringLiteral("retrying in")), qPrintable(client.stateText()));
    QTRY_VERIFY_WITH_TIMEOUT(client.attempts() >= 2, 10000); // refused again at least once: backing off

    // It comes back on the same port: the client reconnects unasked, the replayed backlog
    // adds nothing, a new live outcome is added on top.
    QVERIFY(server.listen(QHostAddress::LocalHost, port));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), FeedClient::State::Connected, 20000);
    QCOMPARE(client.connections(), 2);
    QCOMPARE(client.attempts(), 0); // backoff reset after a success
    QTRY_COMPARE_WITH_TIMEOUT(model.duplicateCount(), 2, 10000);
    QCOMPARE(model.rowCount(), 2);
    QTRY_VERIFY(!clients.isEmpty());
    clients.first()->sendTextMessage(QString::fromUtf8(notification(12, QStringLiteral("confirmed"),
                                                                    QStringLiteral("2026-11-25T14:51:22.000Z"))));
    QTRY_COMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0, 0).data(FeedModel::OrderIdRole).toLongLong(), qint64(12));
    client.stop();
    qDeleteAll(clients);

    // A peer that accepts TCP but never completes the WebSocket handshake: bounded wait.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    FeedClient stuck;
    stuck.setConnectTimeoutMs(500);
    stuck.setUrl(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(silent.serverPort())));
    stuck.start();
    QTRY_COMPARE_WITH_TIMEOUT(stuck.state(), FeedClient::State::WaitingToReconnect, 5000);
    QVERIFY2(stuck.lastError().contains(QStringLiteral("handshake")), qPrintable(stuck.lastError()));
    stuck.stop();
}

// ----------------------------------------------------------- against the real services

bool TestConsole::ensureStack()
{
    if (m_stackTried)
        return m_stackError.isEmpty();
    m_stackTried = true;
    for (const QString &p : {labtest::kafkaProblem(), labtest::redisProblem(), labtest::elasticProblem()})
        if (!p.isEmpty()) {
            m_stackError = p;
            return false;
        }
    m_stack = std::make_unique<labtest::ServiceStack>();
    // A few failures to look at: gpus are scarce, monitors are pricey.
    m_stack->setEnv(QStringLiteral("INVENTORY_STOCK"), QStringLiteral("gpu=3"));
    m_stack->setEnv(QStringLiteral("PAYMENT_PRICES"), QStringLiteral("mouse=1999,keyboard=4999,monitor=18999,gpu=59999"));
    m_stack->setEnv(QStringLiteral("PAYMENT_LIMIT_CENTS"), QStringLiteral("500000"));
    m_stackError = m_stack->startAll(90000);
    if (!m_stackError.isEmpty())
        return false;
    m_window = std::make_unique<MainWindow>(stackSettings(), false);
    m_window->resize(1280, 800);
    m_window->show();
    if (!QTest::qWaitForWindowExposed(m_window.get())) {
        m_stackError = QStringLiteral("the console window was never exposed");
        return false;
    }
    return true;
}

ConsoleSettings TestConsole::stackSettings() const
{
    ConsoleSettings s;
    s.orderUrl = m_stack->url(QStringLiteral("order-service"), QString());
    s.searchUrl = m_stack->url(QStringLiteral("search-service"), QString());
    s.notifierUrl = QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_stack->port(QStringLiteral("notifier-service"))));
    s.paymentHealthUrl = m_stack->url(QStringLiteral("payment-service"), QStringLiteral("/healthz"));
    s.inventoryHealthUrl = m_stack->url(QStringLiteral("inventory-service"), QStringLiteral("/healthz"));
    s.requestTimeoutMs = 15000;
    return s;
}

void TestConsole::submitOrder(MainWindow *w, qint64 id, const QString &item, int quantity)
{
    w->tabs()->setCurrentIndex(MainWindow::OrderTab);
    auto *idEdit = child<QLineEdit>(w, QStringLiteral("order-id"));
    auto *itemEdit = child<QLineEdit>(w, QStringLiteral("order-item"));
    auto *qty = child<QSpinBox>(w, QStringLiteral("order-quantity"));
    auto *submit = child<QPushButton>(w, QStringLiteral("order-submit"));
    QVERIFY(idEdit && itemEdit && qty && submit);
    idEdit->clear();
    QTest::keyClicks(idEdit, QString::number(id));
    itemEdit->clear();
    QTest::keyClicks(itemEdit, item);
    qty->setValue(quantity);
    QVERIFY(submit->isEnabled());
    QTest::mouseClick(submit, Qt::LeftButton);
    QVERIFY(w->orderPage()->isBusy()); // asynchronous: the click returns at once
    QTRY_VERIFY_WITH_TIMEOUT(!w->orderPage()->isBusy(), 20000);
}

bool TestConsole::searchShows(MainWindow *w, const QString &item, qint64 id)
{
    SearchPage *page = w->searchPage();
    if (page->model()->containsOrder(id))
        return true;
    if (!page->isBusy()) {
        auto *edit = w->findChild<QLineEdit *>(QStringLiteral("search-item"));
        edit->setText(item);
        QTest::mouseClick(w->findChild<QPushButton *>(QStringLiteral("search-button")), Qt::LeftButton);
    }
    return false;
}

void TestConsole::shouldCreateOrderAndSeeItInFeedAndSearch()
{
    QVERIFY2(ensureStack(), qPrintable(m_stackError));
    MainWindow *w = m_window.get();
    QTRY_COMPARE_WITH_TIMEOUT(w->feedClient()->state(), FeedClient::State::Connected, 15000);

    // 1. the form: typed, submitted, the API's answer shown.
    const qint64 id = m_idBase + 1;
    m_confirmedId = id;
    submitOrder(w, id, m_item, 3);
    if (QTest::currentTestFailed())
        return;
    auto *title = child<QLabel>(w, QStringLiteral("order-result-title"));
    auto *detail = child<QLabel>(w, QStringLiteral("order-result-detail"));
    QVERIFY(title && detail);
    QVERIFY2(title->text().contains(QStringLiteral("Order %1").arg(id)), qPrintable(title->text()));
    QVERIFY2(detail->text().contains(QStringLiteral("200 OK: Order created")), qPrintable(detail->text()));

    // 2. the live feed: the outcome arrives over the WebSocket.
    QTRY_VERIFY_WITH_TIMEOUT(w->feedModel()->contains(id), 30000);
    const FeedEntry *entry = w->feedModel()->find(id);
    QVERIFY(entry);
    QVERIFY2(entry->confirmed, qPrintable(entry->reason));
    QCOMPARE(entry->item, m_item);
    QCOMPARE(entry->quantity, qint64(3));
    QVERIFY(!entry->backlog);
    w->tabs()->setCurrentIndex(MainWindow::FeedTab);
    auto *table = child<QTableView>(w, QStringLiteral("feed-table"));
    QVERIFY(table);
    QCOMPARE(table->model()->index(0, FeedModel::OrderIdColumn).data().toString(), QString::number(id));
    QVERIFY(table->model()->index(0, FeedModel::StatusColumn).data().toString().contains(QStringLiteral("confirmed")));
    // ... and the order form's session list learned the outcome as well.
    auto *history = child<QTableWidget>(w, QStringLiteral("order-history"));
    QVERIFY(history);
    QTRY_VERIFY(history->item(0, 5) && history->item(0, 5)->text() == QStringLiteral("confirmed"));
    QTRY_VERIFY(title->text().contains(QStringLiteral("confirmed")));

    // 3. the search: Elasticsearch has it (refreshes about once a second).
    w->tabs()->setCurrentIndex(MainWindow::SearchTab);
    QTRY_VERIFY_WITH_TIMEOUT(searchShows(w, m_item, id), 30000);
    const auto rows = w->searchPage()->model()->rows();
    const auto row = std::find_if(rows.cbegin(), rows.cend(), [id](const OrderRow &r) { return r.orderId == id; });
    QVERIFY(row != rows.cend());
    QCOMPARE(row->item, m_item);
    QCOMPARE(row->quantity, qint64(3));
    QVERIFY(row->timestamp.isValid());
    auto *status = child<QLabel>(w, QStringLiteral("search-status"));
    QVERIFY2(status->text().startsWith(QStringLiteral("Orders: ")), qPrintable(status->text()));
}

void TestConsole::shouldShowFailedOrderAndConflict()
{
    QVERIFY2(ensureStack(), qPrintable(m_stackError));
    MainWindow *w = m_window.get();

    // Only 3 gpus in stock: 5 fail, with the reason in the feed.
    const qint64 id = m_idBase + 2;
    submitOrder(w, id, QStringLiteral("gpu"), 5);
    if (QTest::currentTestFailed())
        return;
    auto *detail = child<QLabel>(w, QStringLiteral("order-result-detail"));
    QVERIFY2(detail->text().startsWith(QStringLiteral("200 OK")), qPrintable(detail->text()));
    QTRY_VERIFY_WITH_TIMEOUT(w->feedModel()->contains(id), 30000);
    const FeedEntry *entry = w->feedModel()->find(id);
    QVERIFY(!entry->confirmed);
    QVERIFY(!entry->reason.isEmpty());
    auto *title = child<QLabel>(w, QStringLiteral("order-result-title"));
    QTRY_VERIFY(title->text().contains(QStringLiteral("failed")));

    // The feed filter shows it among the failed and hides it among the confirmed.
    w->tabs()->setCurrentIndex(MainWindow::FeedTab);
    auto *filter = child<QComboBox>(w, QStringLiteral("feed-filter"));
    auto *table = child<QTableView>(w, QStringLiteral("feed-table"));
    QVERIFY(filter && table);
    filter->setCurrentIndex(2); // failed only
    QCOMPARE(table->model()->rowCount(), 1);
    QCOMPARE(table->model()->index(0, FeedModel::OrderIdColumn).data().toString(), QString::number(id));
    filter->setCurrentIndex(1); // confirmed only
    for (int r = 0; r < table->model()->rowCount(); ++r)
        QVERIFY(table->model()->index(r, FeedModel::OrderIdColumn).data().toString() != QString::number(id));
    filter->setCurrentIndex(0);

    // Reusing an id with another quantity: 409, said plainly, the field highlighted.
    submitOrder(w, m_confirmedId, m_item, 4);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(detail->text().startsWith(QStringLiteral("409 Conflict")), qPrintable(detail->text()));
    QVERIFY2(title->text().contains(QStringLiteral("not accepted")), qPrintable(title->text()));
}

void TestConsole::orderDialogShowsFullStatus()
{
    QVERIFY2(ensureStack(), qPrintable(m_stackError));
    MainWindow *w = m_window.get();
    w->tabs()->setCurrentIndex(MainWindow::SearchTab);
    QTRY_VERIFY_WITH_TIMEOUT(searchShows(w, m_item, m_confirmedId), 30000);

    // Double-click the order's row in the search table.
    auto *table = child<QTableView>(w, QStringLiteral("search-table"));
    QVERIFY(table);
    QModelIndex index;
    for (int r = 0; r < table->model()->rowCount(); ++r)
        if (table->model()->index(r, SearchModel::OrderIdColumn).data().toString() == QString::number(m_confirmedId))
            index = table->model()->index(r, SearchModel::ItemColumn);
    QVERIFY(index.isValid());
    doubleClick(table, index);

    OrderDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = w->findChild<OrderDialog *>(QStringLiteral("order-dialog"))) != nullptr);
    QCOMPARE(dialog->orderId(), m_confirmedId);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isLoading(), 15000);
    QCOMPARE(dialog->status(), QStringLiteral("confirmed"));
    auto *state = child<QLabel>(dialog, QStringLiteral("order-dialog-state"));
    QCOMPARE(state->text(), QStringLiteral("confirmed"));
    auto *fields = child<QTreeWidget>(dialog, QStringLiteral("order-dialog-fields"));
    QVERIFY(fields);
    QStringList keys;
    for (int i = 0; i < fields->topLevelItemCount(); ++i)
        keys << fields->topLevelItem(i)->text(0);
    for (const char *k : {"order_id", "item", "quantity", "status"})
        QVERIFY2(keys.contains(QString::fromLatin1(k)), qPrintable(keys.join(QLatin1Char(','))));
    QCOMPARE(fields->topLevelItem(0)->text(1), QString::number(m_confirmedId));
    // Opened from the search as well, the journey comes first, with the API's trace id.
    const labtest::HttpResult api = labtest::httpGet(
        m_stack->url(QStringLiteral("order-service"), QStringLiteral("/orders/%1").arg(m_confirmedId)));
    QCOMPARE(child<QLineEdit>(dialog, QStringLiteral("order-dialog-trace"))->text(),
             api.json().object().value(QStringLiteral("trace_id")).toString());
    QCOMPARE(dialog->journeyView()->journey().hops.size(),
             api.json().object().value(QStringLiteral("timeline")).toArray().size());
    QVERIFY(!dialog->journeyView()->journey().hops.isEmpty());

    child<QTabWidget>(dialog, QStringLiteral("order-dialog-tabs"))->setCurrentIndex(OrderDialog::StatusTab);
    dialog->resize(640, 520);
    saveShot(dialog, QStringLiteral("console-order-dialog"));

    // Unknown orders get a clear 404.
    OrderDialog *missing = w->openOrder(m_idBase + 999);
    QTRY_VERIFY_WITH_TIMEOUT(!missing->isLoading(), 15000);
    auto *message = child<QLabel>(missing, QStringLiteral("order-dialog-message"));
    QVERIFY2(message->text().contains(QStringLiteral("404")), qPrintable(message->text()));
    missing->close();
    dialog->close();
}

void TestConsole::feedShouldNotDuplicateBacklogAfterReconnect()
{
    QVERIFY2(ensureStack(), qPrintable(m_stackError));
    MainWindow *w = m_window.get();
    FeedModel *model = w->feedModel();
    QTRY_COMPARE_WITH_TIMEOUT(w->feedClient()->state(), FeedClient::State::Connected, 15000);
    const int rows = model->rowCount();
    QVERIFY(rows >= 2);
    const int duplicates = model->duplicateCount();
    const int connections = w->feedClient()->connections();

    // Reconnect twice with the button; each time the notifier replays its backlog.
    auto *reconnect = child<QPushButton>(w, QStringLiteral("feed-reconnect"));
    QVERIFY(reconnect);
    for (int round = 1; round <= 2; ++round) {
        QTest::mouseClick(reconnect, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(w->feedClient()->connections() == connections + round
                                     && w->feedClient()->state() == FeedClient::State::Connected,
                                 15000);
        // The whole backlog (at least our orders) came again and was recognised.
        QTRY_VERIFY_WITH_TIMEOUT(model->duplicateCount() >= duplicates + round * rows, 15000);
        QCOMPARE(model->rowCount(), rows);
    }
    QSet<qint64> ids;
    for (int r = 0; r < model->rowCount(); ++r)
        ids.insert(model->index(r, 0).data(FeedModel::OrderIdRole).toLongLong());
    QCOMPARE(ids.size(), rows);

    // A fresh console (a new connection) gets the backlog flagged as such.
    FeedModel fresh;
    FeedClient client;
    connect(&client, &FeedClient::messageReceived, &fresh, [&fresh](const QByteArray &m) { fresh.addMessage(m); });
    client.setUrl(w->settings().notifierUrl);
    client.start();
    QTRY_VERIFY_WITH_TIMEOUT(fresh.rowCount() >= rows, 15000);
    for (int r = 0; r < fresh.rowCount(); ++r)
        QVERIFY(fresh.entryAt(r)->backlog);
    client.stop();
    QCOMPARE(client.state(), FeedClient::State::Stopped);
}

void TestConsole::healthShowsEveryServiceUp()
{
    QVERIFY2(ensureStack(), qPrintable(m_stackError));
    MainWindow *w = m_window.get();
    w->tabs()->setCurrentIndex(MainWindow::HealthTab);
    for (const char *key : {"order", "search", "payment", "inventory", "notifier"})
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(w, QString::fromLatin1(key)), QStringLiteral("UP"), 15000);
    // The backing services, as the services report them.
    for (const char *key : {"kafka", "redis", "elasticsearch"})
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(w, QString::fromLatin1(key)), QStringLiteral("UP"), 15000);
    auto *checks = child<QLabel>(w, QStringLiteral("health-checks-search"));
    QVERIFY2(checks->text().contains(QStringLiteral("elasticsearch")), qPrintable(checks->text()));
    QCOMPARE(w->tabs()->tabText(MainWindow::HealthTab), QStringLiteral("Health"));
    QCOMPARE(w->healthPage()->upCount(), 5);
}

void TestConsole::kafkaTabShowsTopicsLagAndTail()
{
    QVERIFY2(ensureStack(), qPrintable(m_stackError));
    MainWindow *w = m_window.get();
    QVERIFY2(m_confirmedId > 0, "shouldCreateOrderAndSeeItInFeedAndSearch did not post its order");
    const QString ns = m_stack->ns();
    // No setting: the console reaches notifier-service where its feed is.
    QCOMPARE(w->settings().notifierApiUrl().port(), int(m_stack->port(QStringLiteral("notifier-service"))));

    w->tabs()->setCurrentIndex(MainWindow::KafkaTab);
    KafkaPage *page = w->kafkaPage();
    QVERIFY(page->isVisible());
    // Refreshed on its own while shown (every 5 s): two rounds come without a click.
    const int rounds = page->rounds();
    QTRY_VERIFY_WITH_TIMEOUT(page->rounds() >= rounds + 2, 20000);
    QTableWidget *topics = page->topicsTable();
    QTreeWidget *groups = page->groupsTree();

    // The tables show what the endpoints answer. The notifier asks Kafka every 5 s, so
    // compare against a fresh answer and ask again until one round is seen by both.
    const QUrl topicsUrl = m_stack->url(QStringLiteral("notifier-service"), QStringLiteral("/kafka/topics"));
    const QUrl lagUrl = m_stack->url(QStringLiteral("notifier-service"), QStringLiteral("/kafka/lag"));
    QString mismatch;
    auto tablesMatch = [&] {
        const labtest::HttpResult t = labtest::httpGet(topicsUrl);
        const labtest::HttpResult l = labtest::httpGet(lagUrl);
        mismatch.clear();
        if (t.status != 200 || l.status != 200) {
            mismatch = QStringLiteral("GET /kafka/topics %1, /kafka/lag %2").arg(t.status).arg(l.status);
            return false;
        }
        // Topics: one row per partition, its end offset as answered.
        QHash<QString, QString> expected; // "topic/partition" -> end
        qint64 createdEnd = 0;
        for (const QJsonValue &tv : t.json().object().value(QStringLiteral("topics")).toArray()) {
            const QJsonObject topic = tv.toObject();
            for (const QJsonValue &pv : topic.value(QStringLiteral("partitions")).toArray()) {
                const QJsonObject part = pv.toObject();
                expected.insert(topic.value(QStringLiteral("topic")).toString() + QLatin1Char('/')
                                    + QString::number(part.value(QStringLiteral("partition")).toInt()),
                                display::number(qint64(part.value(QStringLiteral("end")).toDouble())));
                if (topic.value(QStringLiteral("topic")).toString() == ns + QStringLiteral(".order.created"))
                    createdEnd += qint64(part.value(QStringLiteral("end")).toDouble());
            }
        }
        QHash<QString, QString> shown;
        for (int r = 0; r < topics->rowCount(); ++r)
            shown.insert(topics->item(r, KafkaPage::TopicNameColumn)->text() + QLatin1Char('/')
                             + topics->item(r, KafkaPage::TopicPartitionColumn)->text(),
                         topics->item(r, KafkaPage::EndColumn)->text());
        if (createdEnd < 1)
            mismatch = QStringLiteral("order.created has no record yet");
        else if (shown != expected)
            mismatch = QStringLiteral("topics table differs from /kafka/topics");
        // Groups: each with its total lag and one row per partition, lag as answered.
        QHash<QString, QString> expectedLag; // "group" and "group/topic/partition" -> lag
        for (const QJsonValue &gv : l.json().object().value(QStringLiteral("groups")).toArray()) {
            const QJsonObject g = gv.toObject();
            const QString name = g.value(QStringLiteral("group")).toString();
            expectedLag.insert(name, display::number(qint64(g.value(QStringLiteral("lag")).toDouble())));
            for (const QJsonValue &tv : g.value(QStringLiteral("topics")).toArray())
                for (const QJsonValue &pv : tv.toObject().value(QStringLiteral("partitions")).toArray())
                    expectedLag.insert(name + QLatin1Char('/') + tv.toObject().value(QStringLiteral("topic")).toString()
                                           + QLatin1Char('/') + QString::number(pv.toObject().value(QStringLiteral("partition")).toInt()),
                                       display::number(qint64(pv.toObject().value(QStringLiteral("lag")).toDouble())));
        }
        QHash<QString, QString> shownLag;
        for (int i = 0; i < groups->topLevelItemCount(); ++i) {
            const QTreeWidgetItem *g = groups->topLevelItem(i);
            shownLag.insert(g->text(KafkaPage::GroupNameColumn), g->text(KafkaPage::LagColumn));
            for (int c = 0; c < g->childCount(); ++c)
                shownLag.insert(g->text(KafkaPage::GroupNameColumn) + QLatin1Char('/') + g->child(c)->text(KafkaPage::GroupNameColumn)
                                    + QLatin1Char('/') + g->child(c)->text(KafkaPage::GroupPartitionColumn),
                                g->child(c)->text(KafkaPage::LagColumn));
        }
        if (mismatch.isEmpty() && shownLag != expectedLag)
            mismatch = QStringLiteral("groups tree differs from /kafka/lag");
        if (!mismatch.isEmpty() && !page->isRefreshing())
            page->refresh();
        return mismatch.isEmpty();
    };
    QVERIFY2(QTest::qWaitFor(tablesMatch, 60000), qPrintable(mismatch));

    // The lab's six topics, under the test's namespace; the four groups of the pipeline.
    QSet<QString> topicNames;
    for (int r = 0; r < topics->rowCount(); ++r)
        topicNames.insert(topics->item(r, KafkaPage::TopicNameColumn)->text());
    QSet<QString> expectedTopics;
    for (const QString &t : lab::topics::all())
        expectedTopics.insert(ns + QLatin1Char('.') + t);
    QCOMPARE(topicNames, expectedTopics);
    QSet<QString> groupNames;
    for (int i = 0; i < groups->topLevelItemCount(); ++i)
        groupNames.insert(groups->topLevelItem(i)->text(KafkaPage::GroupNameColumn));
    QSet<QString> expectedGroups;
    for (const char *service : {"payment-service", "inventory-service", "notifier-service", "search-service"})
        expectedGroups.insert(ns + QLatin1Char('.') + QString::fromLatin1(service));
    QCOMPARE(groupNames, expectedGroups);
    // A lag of 0 is calm (green), any other highlighted (orange, bold); every group has members.
    auto lagLooksRight = [](const QTreeWidgetItem *item) {
        const bool zero = item->text(KafkaPage::LagColumn) == QLatin1String("0");
        return item->foreground(KafkaPage::LagColumn).color()
                   == QColor(QString::fromLatin1(zero ? theme::Green : theme::Orange))
            && item->font(KafkaPage::LagColumn).bold() == !zero;
    };
    int zeros = 0;
    for (int i = 0; i < groups->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *g = groups->topLevelItem(i);
        QVERIFY(g->childCount() >= 1);
        QVERIFY2(g->text(KafkaPage::MembersColumn).toInt() >= 1, qPrintable(g->text(KafkaPage::GroupNameColumn)));
        QVERIFY2(lagLooksRight(g), qPrintable(g->text(KafkaPage::GroupNameColumn)));
        for (int c = 0; c < g->childCount(); ++c) {
            QVERIFY2(lagLooksRight(g->child(c)), qPrintable(g->child(c)->text(KafkaPage::GroupNameColumn)));
            zeros += g->child(c)->text(KafkaPage::LagColumn) == QLatin1String("0");
        }
    }
    QVERIFY(zeros > 0); // caught up somewhere at least: nothing is being posted now
    auto *updated = child<QLabel>(w, QStringLiteral("kafka-updated"));
    QVERIFY2(updated->text().startsWith(QStringLiteral("Last answer ")), qPrintable(updated->text()));
    QVERIFY(!child<QLabel>(w, QStringLiteral("kafka-error"))->isVisible());

    // The tail of order.created: the order this test posted, with its trace header.
    QComboBox *topic = page->tailTopic();
    QCOMPARE(topic->count(), 6);
    QCOMPARE(topic->currentText(), ns + QStringLiteral(".order.created"));
    page->tailCount()->setValue(100);
    QSignalSpy fetched(page, &KafkaPage::tailFetched);
    QTest::mouseClick(child<QPushButton>(w, QStringLiteral("kafka-tail-fetch")), Qt::LeftButton);
    QVERIFY(page->isTailing()); // asynchronous
    QTRY_VERIFY_WITH_TIMEOUT(fetched.count() == 1, 15000);
    QCOMPARE(fetched.first().first().toBool(), true);
    QTableWidget *tail = page->tailTable();
    const QString idText = QStringLiteral("\"order_id\":%1").arg(m_confirmedId);
    int row = -1;
    for (int r = 0; r < tail->rowCount(); ++r)
        if (tail->item(r, KafkaPage::ValueColumn)->toolTip().contains(idText))
            row = r;
    QVERIFY2(row >= 0, qPrintable(QStringLiteral("order %1 not in the tail of %2 records").arg(m_confirmedId).arg(tail->rowCount())));
    const QString headers = tail->item(row, KafkaPage::HeadersColumn)->text();
    const labtest::HttpResult order = labtest::httpGet(
        m_stack->url(QStringLiteral("order-service"), QStringLiteral("/orders/%1").arg(m_confirmedId)));
    QCOMPARE(order.status, 200);
    const QString traceId = order.json().object().value(QStringLiteral("trace_id")).toString();
    QVERIFY(!traceId.isEmpty());
    QVERIFY2(headers.contains(QStringLiteral("traceparent=00-%1-").arg(traceId)), qPrintable(headers));
    QCOMPARE(tail->item(row, KafkaPage::KeyColumn)->text(), QString::number(m_confirmedId));
    // The detail pane shows the selected record whole.
    tail->selectRow(row);
    auto *record = child<QPlainTextEdit>(w, QStringLiteral("kafka-tail-record"));
    QVERIFY(record->toPlainText().contains(QStringLiteral("\"order_id\": %1").arg(m_confirmedId)));
    QVERIFY(record->toPlainText().contains(QStringLiteral("traceparent")));

    // Hidden, the tab stops asking.
    w->tabs()->setCurrentIndex(MainWindow::HealthTab);
    QVERIFY(!page->isAutoRefreshing());
    w->tabs()->setCurrentIndex(MainWindow::KafkaTab);
    QVERIFY(page->isAutoRefreshing());
}

void TestConsole::doubleClickOnFeedRowShowsJourney()
{
    QVERIFY2(ensureStack(), qPrintable(m_stackError));
    MainWindow *w = m_window.get();
    QVERIFY2(m_confirmedId > 0, "shouldCreateOrderAndSeeItInFeedAndSearch did not post its order");
    w->tabs()->setCurrentIndex(MainWindow::FeedTab);
    auto *table = child<QTableView>(w, QStringLiteral("feed-table"));
    QVERIFY(table);
    QModelIndex index;
    for (int r = 0; r < table->model()->rowCount(); ++r)
        if (table->model()->index(r, 0).data(FeedModel::OrderIdRole).toLongLong() == m_confirmedId)
            index = table->model()->index(r, FeedModel::ItemColumn);
    QVERIFY(index.isValid());
    doubleClick(table, index);

    OrderDialog *dialog = nullptr;
    QTRY_VERIFY([&] {
        for (OrderDialog *d : w->findChildren<OrderDialog *>())
            if (d->orderId() == m_confirmedId && d->isVisible())
                dialog = d;
        return dialog != nullptr;
    }());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isLoading(), 15000);
    auto *tabs = child<QTabWidget>(dialog, QStringLiteral("order-dialog-tabs"));
    QCOMPARE(tabs->currentIndex(), int(OrderDialog::JourneyTab));
    QCOMPARE(tabs->tabText(OrderDialog::JourneyTab), QStringLiteral("Journey"));

    // The API's journey: all six hops once the order was notified (it was: it is in the feed).
    const QUrl url = m_stack->url(QStringLiteral("order-service"), QStringLiteral("/orders/%1").arg(m_confirmedId));
    const labtest::HttpResult r = labtest::httpGet(url);
    QCOMPARE(r.status, 200);
    const QJsonObject order = r.json().object();
    const QJsonArray timeline = order.value(QStringLiteral("timeline")).toArray();
    QCOMPARE(timeline.size(), 6);
    JourneyView *view = dialog->journeyView();
    QStringList hops;
    for (const Journey::Hop &h : view->journey().hops)
        hops << h.key;
    QCOMPARE(hops, Journey::pipeline());
    for (int i = 0; i < 6; ++i) {
        QCOMPARE(view->journey().hops.at(i).key, timeline.at(i).toObject().value(QStringLiteral("hop")).toString());
        QCOMPARE(view->journey().hops.at(i).elapsedMs, timeline.at(i).toObject().value(QStringLiteral("elapsed_ms")).toDouble());
    }
    // The trace id: the API's, selectable and copyable, not editable.
    auto *trace = child<QLineEdit>(dialog, QStringLiteral("order-dialog-trace"));
    QVERIFY(trace);
    QCOMPARE(trace->text(), order.value(QStringLiteral("trace_id")).toString());
    QCOMPARE(trace->text().size(), 32);
    QVERIFY(trace->isReadOnly());
    trace->selectAll();
    QCOMPARE(trace->selectedText(), trace->text());
    trace->deselect();

    dialog->resize(680, 540);
    saveShot(dialog, QStringLiteral("console-timeline"));
    dialog->close();

    // An order the API does not know: no journey, and the view says why.
    OrderDialog *missing = w->openOrder(m_idBase + 998);
    QTRY_VERIFY_WITH_TIMEOUT(!missing->isLoading(), 15000);
    QVERIFY(missing->journeyView()->journey().hops.isEmpty());
    QVERIFY2(missing->journeyView()->message().contains(QStringLiteral("404")), qPrintable(missing->journeyView()->message()));
    QVERIFY(child<QLineEdit>(missing, QStringLiteral("order-dialog-trace"))->text().isEmpty());
    missing->close();
}

bool TestConsole::searchSettled(MainWindow *w, const std::function<bool()> &done)
{
    SearchPage *page = w->searchPage();
    if (page->isBusy() || page->isStatsBusy())
        return false;
    if (done())
        return true;
    page->search(); // Elasticsearch refreshes about once a second: ask again
    return false;
}

void TestConsole::searchHistogramMatchesStatsAndFilters()
{
    QVERIFY2(ensureStack(), qPrintable(m_stackError));
    MainWindow *w = m_window.get();
    QVERIFY2(m_confirmedId > 0, "shouldCreateOrderAndSeeItInFeedAndSearch did not post its order");
    const qint64 failedId = m_idBase + 2; // shouldShowFailedOrderAndConflict's gpus
    w->tabs()->setCurrentIndex(MainWindow::SearchTab);
    SearchPage *page = w->searchPage();
    auto *item = child<QLineEdit>(w, QStringLiteral("search-item"));
    auto *range = child<QComboBox>(w, QStringLiteral("search-range"));
    auto *statusFilter = child<QComboBox>(w, QStringLiteral("search-status-filter"));
    auto *totals = child<QLabel>(w, QStringLiteral("search-totals"));
    QVERIFY(item && range && statusFilter && totals);
    // However this test ends, the tests after it find the Search tab as it was.
    const auto restore = qScopeGuard([range, statusFilter] {
        statusFilter->setCurrentIndex(0);
        range->setCurrentIndex(range->findData(int(SearchPage::LastHour)));
    });
    item->clear();
    QCOMPARE(range->currentData().toInt(), int(SearchPage::LastHour));
    QCOMPARE(statusFilter->currentData().toString(), QString());

    // GET /stats for exactly what the page asked.
    auto statsOf = [&](const OrderLogFilter &f, const QString &interval) {
        QUrl url = m_stack->url(QStringLiteral("search-service"), QStringLiteral("/stats"));
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("interval"), interval);
        q.addQueryItem(QStringLiteral("from"), QString::number(f.from.toMSecsSinceEpoch()));
        q.addQueryItem(QStringLiteral("to"), QString::number(f.to.toMSecsSinceEpoch()));
        if (!f.status.isEmpty())
            q.addQueryItem(QStringLiteral("status"), f.status);
        url.setQuery(q);
        return labtest::httpGet(url).json().object();
    };
    auto listed = [page](qint64 id) { return page->model()->containsOrder(id); };
    auto decided = [page] {
        const auto rows = page->model()->rows();
        return std::all_of(rows.cbegin(), rows.cend(), [](const OrderRow &r) { return r.status != QLatin1String("created"); });
    };

    // All statuses, the last hour: the orders of this test, counted as /stats counts them.
    QVERIFY(QTest::qWaitFor([&] { return searchSettled(w, [&] { return listed(m_confirmedId) && listed(failedId) && decided(); }); }, 30000));
    QCOMPARE(page->interval(), QStringLiteral("30s"));
    QCOMPARE(page->filter().from.msecsTo(page->filter().to), qint64(3600000));
    OrderHistogram *histogram = page->histogram();
    QJsonObject stats = statsOf(page->filter(), page->interval());
    QCOMPARE(histogram->total(), qint64(stats.value(QStringLiteral("total")).toDouble()));
    QCOMPARE(histogram->stats().buckets.size(), stats.value(QStringLiteral("buckets")).toArray().size());
    QVERIFY(histogram->stats().buckets.size() >= 120 && histogram->stats().buckets.size() <= 121);
    QVERIFY(histogram->total() >= 2);
    QVERIFY(histogram->stats().confirmed >= 1 && histogram->stats().failed >= 1);
    qint64 sum = 0;
    for (const OrderStats::Bucket &b : histogram->stats().buckets)
        sum += b.total;
    QCOMPARE(sum, histogram->total());
    QVERIFY2(totals->text().startsWith(QStringLiteral("Orders in the range: %1 ").arg(display::number(histogram->total()))),
             qPrintable(totals->text()));
    const qint64 all = histogram->total();

    // Failed only: the gpu order is there, the confirmed one is not, in the list and the bars.
    statusFilter->setCurrentIndex(statusFilter->findData(QStringLiteral("failed")));
    QCOMPARE(page->filter().status, QStringLiteral("failed"));
    QVERIFY(QTest::qWaitFor([&] { return searchSettled(w, [&] { return listed(failedId); }); }, 30000));
    QVERIFY(!listed(m_confirmedId));
    for (const OrderRow &r : page->model()->rows())
        QCOMPARE(r.status, QStringLiteral("failed"));
    stats = statsOf(page->filter(), page->interval());
    QCOMPARE(histogram->total(), qint64(stats.value(QStringLiteral("total")).toDouble()));
    QCOMPARE(histogram->stats().confirmed, qint64(0));
    QCOMPARE(histogram->stats().failed, histogram->total());
    QVERIFY(histogram->total() >= 1 && histogram->total() < all);

    // Confirmed only: the other way round.
    statusFilter->setCurrentIndex(statusFilter->findData(QStringLiteral("confirmed")));
    QVERIFY(QTest::qWaitFor([&] { return searchSettled(w, [&] { return listed(m_confirmedId); }); }, 30000));
    QVERIFY(!listed(failedId));
    QCOMPARE(histogram->stats().failed, qint64(0));
    QCOMPARE(histogram->total(), qint64(statsOf(page->filter(), page->interval()).value(QStringLiteral("total")).toDouble()));

    // A custom range before the test began: nothing in it, in the list or the bars.
    statusFilter->setCurrentIndex(0);
    auto *from = child<QDateTimeEdit>(w, QStringLiteral("search-from"));
    auto *to = child<QDateTimeEdit>(w, QStringLiteral("search-to"));
    QVERIFY(from && to && !from->isEnabled());
    range->setCurrentIndex(range->findData(int(SearchPage::Custom)));
    QVERIFY(from->isEnabled() && to->isEnabled());
    from->setDateTime(QDateTime::currentDateTime().addDays(-2));
    to->setDateTime(QDateTime::currentDateTime().addDays(-1));
    page->search();
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && !page->isStatsBusy(), 15000);
    QCOMPARE(page->model()->rowCount(), 0);
    QCOMPARE(histogram->total(), qint64(0));
    QCOMPARE(page->interval(), QStringLiteral("15m"));
    QCOMPARE(page->filter().from, from->dateTime().toUTC());
    // A range after every order: only its start keeps them out.
    from->setDateTime(QDateTime::currentDateTime().addSecs(60));
    to->setDateTime(QDateTime::currentDateTime().addSecs(180));
    page->search();
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && !page->isStatsBusy(), 15000);
    QCOMPARE(page->model()->rowCount(), 0);
    QCOMPARE(histogram->total(), qint64(0));
    QCOMPARE(histogram->stats().from, page->filter().from); // /stats counted the range asked
    QCOMPARE(histogram->stats().to, page->filter().to);

    // The last 15 minutes hold every order of this test.
    range->setCurrentIndex(range->findData(int(SearchPage::Last15Minutes)));
    QVERIFY(QTest::qWaitFor([&] { return searchSettled(w, [&] { return listed(m_confirmedId); }); }, 30000));
    QCOMPARE(page->interval(), QStringLiteral("10s"));
    QCOMPARE(histogram->total(), all);
    QCOMPARE(histogram->stats().from, page->filter().from);
    QCOMPARE(histogram->stats().to, page->filter().to);
}

QString TestConsole::saveShot(QWidget *widget, const QString &name)
{
    const QString dir = labtest::buildDir() + QStringLiteral("/screenshots");
    QDir().mkpath(dir);
    const QString path = dir + QLatin1Char('/') + name + QStringLiteral(".png");
    QCoreApplication::processEvents(); // let layouts settle after a tab switch
    const QPixmap shot = widget->grab();
    if (!shot.save(path))
        qWarning("cannot write %s", qPrintable(path));
    return path;
}

void TestConsole::screenshots()
{
    QVERIFY2(ensureStack(), qPrintable(m_stackError));
    MainWindow *w = m_window.get();

    // Traffic for a dozen seconds so that every tab has something to show: one order every
    // 250 ms, a mix of items, and failures (30 monitors exceed the payment limit, the gpus
    // run out). Posted asynchronously from a timer: the console keeps running meanwhile.
    const QStringList items{QStringLiteral("mouse"), QStringLiteral("keyboard"), QStringLiteral("monitor"),
                            QStringLiteral("usb cable"), QStringLiteral("gpu"), QStringLiteral("headset"),
                            QStringLiteral("webcam")};
    const int quantities[] = {2, 1, 4, 10, 1, 1, 3, 5, 1, 30, 40, 2, 6, 1, 2, 1, 30};
    QNetworkAccessManager nam;
    QList<qint64> ids;
    QList<qint64> acceptedIds;
    int answered = 0;
    QTimer pump;
    pump.setInterval(250);
    connect(&pump, &QTimer::timeout, this, [&] {
        const int i = int(ids.size());
        if (i >= 48) {
            pump.stop();
            return;
        }
        const qint64 id = m_idBase + 100 + i;
        ids << id;
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("order_id"), id},
                                                          {QStringLiteral("item"), items.at(i % items.size())},
                                                          {QStringLiteral("quantity"), quantities[i % 17]}})
                                    .toJson(QJsonDocument::Compact);
        QNetworkRequest req(w->settings().orderUrl.resolved(QUrl(QStringLiteral("/create_order"))));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        req.setTransferTimeout(15000);
        QNetworkReply *reply = nam.post(req, body);
        connect(reply, &QNetworkReply::finished, this, [&, reply, id] {
            ++answered;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status == 200)
                acceptedIds << id;
            else
                qWarning("order refused: %d %s %s", status, reply->readAll().constData(),
                         qPrintable(reply->errorString()));
            reply->deleteLater();
        });
    });
    pump.start();
    QTRY_VERIFY_WITH_TIMEOUT(answered == 48, 60000);
    // This is decoration, not the contract under test (the tests above are strict): a 503
    // from a loaded machine (Kafka slower than the order API's timeout) is tolerated.
    QVERIFY2(acceptedIds.size() >= 40, qPrintable(QStringLiteral("only %1 of 48 orders accepted").arg(acceptedIds.size())));
    for (qint64 id : acceptedIds)
        QTRY_VERIFY_WITH_TIMEOUT(w->feedModel()->contains(id), 30000);
    QVERIFY(w->feedModel()->failedCount() >= 3);

    // A form filled in, as an operator would leave it, on top of the last answer.
    submitOrder(w, m_idBase + 200, QStringLiteral("wireless mouse"), 2);
    if (QTest::currentTestFailed())
        return;
    QTRY_VERIFY_WITH_TIMEOUT(w->feedModel()->contains(m_idBase + 200), 30000);
    QTRY_VERIFY(child<QLabel>(w, QStringLiteral("order-result-title"))->text().contains(QStringLiteral("confirmed")));
    QStringList paths;
    paths << saveShot(w, QStringLiteral("console-order"));

    w->tabs()->setCurrentIndex(MainWindow::SearchTab);
    QTRY_VERIFY_WITH_TIMEOUT(searchShows(w, QString(), m_idBase + 200), 30000);
    // The index catches up with the outcomes shortly after; show it settled when it does.
    const bool settled = QTest::qWaitFor([&] {
        const auto rows = w->searchPage()->model()->rows();
        const bool done = std::all_of(rows.cbegin(), rows.cend(), [](const OrderRow &r) {
            return r.status == QLatin1String("confirmed") || r.status == QLatin1String("failed");
        });
        if (!done && !w->searchPage()->isBusy())
            w->searchPage()->reload();
        return done;
    }, 20000);
    if (!settled)
        qWarning("search still lists orders without their final status after 20 s");
    paths << saveShot(w, QStringLiteral("console-search"));

    w->tabs()->setCurrentIndex(MainWindow::FeedTab);
    paths << saveShot(w, QStringLiteral("console-feed"));

    w->tabs()->setCurrentIndex(MainWindow::HealthTab);
    for (const char *key : {"order", "search", "payment", "inventory", "notifier"})
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(w, QString::fromLatin1(key)), QStringLiteral("UP"), 15000);
    paths << saveShot(w, QStringLiteral("console-health"));

    // The histogram over the last two minutes: the traffic above, bar by bar.
    w->tabs()->setCurrentIndex(MainWindow::SearchTab);
    {
        auto *range = child<QComboBox>(w, QStringLiteral("search-range"));
        auto *from = child<QDateTimeEdit>(w, QStringLiteral("search-from"));
        auto *to = child<QDateTimeEdit>(w, QStringLiteral("search-to"));
        QVERIFY(range && from && to);
        range->setCurrentIndex(range->findData(int(SearchPage::Custom)));
        const QDateTime now = QDateTime::currentDateTime();
        from->setDateTime(now.addSecs(-100));
        to->setDateTime(now.addSecs(20));
        w->searchPage()->search();
        QTRY_VERIFY_WITH_TIMEOUT(!w->searchPage()->isBusy() && !w->searchPage()->isStatsBusy(), 15000);
        QVERIFY(w->searchPage()->histogram()->total() >= 40);
        paths << saveShot(w, QStringLiteral("console-search-histogram"));
        range->setCurrentIndex(range->findData(int(SearchPage::LastHour)));
        QTRY_VERIFY_WITH_TIMEOUT(!w->searchPage()->isBusy() && !w->searchPage()->isStatsBusy(), 15000);
    }

    // Kafka: the topics after the traffic, the groups caught up, the tail of order.created.
    w->tabs()->setCurrentIndex(MainWindow::KafkaTab);
    {
        KafkaPage *kafka = w->kafkaPage();
        QSignalSpy fetched(kafka, &KafkaPage::tailFetched);
        kafka->tailCount()->setValue(20);
        kafka->fetchTail();
        QTRY_VERIFY_WITH_TIMEOUT(fetched.count() == 1, 15000);
        const int rounds = kafka->rounds();
        kafka->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(kafka->rounds() > rounds, 15000);
        QVERIFY(kafka->tailTable()->rowCount() == 20);
        kafka->tailTable()->selectRow(0);
        paths << saveShot(w, QStringLiteral("console-kafka"));
    }

    w->tabs()->setCurrentIndex(MainWindow::ThroughputTab);
    child<QComboBox>(w, QStringLiteral("throughput-window"))->setCurrentIndex(0); // last minute
    w->throughputPage()->redraw();
    auto *confirmed = child<QLabel>(w, QStringLiteral("throughput-confirmed"));
    QVERIFY(confirmed && confirmed->text().toInt() >= 1);
    paths << saveShot(w, QStringLiteral("console-throughput"));

    SettingsDialog *settings = w->openSettings();
    QTRY_VERIFY(settings->isVisible());
    paths << saveShot(settings, QStringLiteral("console-settings"));
    settings->reject();

    for (const QString &path : paths) {
        QImage image(path);
        QVERIFY2(!image.isNull(), qPrintable(path));
        QVERIFY2(image.width() >= 500 && image.height() >= 300, qPrintable(path));
        qInfo("screenshot %s", qPrintable(path));
    }
}

void TestConsole::searchShouldPageAndSort()
{
    QVERIFY2(ensureStack(), qPrintable(m_stackError));
    MainWindow *w = m_window.get();
    w->tabs()->setCurrentIndex(MainWindow::SearchTab);
    SearchPage *page = w->searchPage();
    auto *item = child<QLineEdit>(w, QStringLiteral("search-item"));
    auto *size = child<QComboBox>(w, QStringLiteral("search-page-size"));
    auto *next = child<QPushButton>(w, QStringLiteral("search-next"));
    auto *prev = child<QPushButton>(w, QStringLiteral("search-prev"));
    auto *label = child<QLabel>(w, QStringLiteral("search-page-label"));
    auto *table = child<QTableView>(w, QStringLiteral("search-table"));
    QVERIFY(item && size && next && prev && label && table);

    // Every order (the screenshots made ~50), ten per page.
    item->clear();
    QTest::mouseClick(child<QPushButton>(w, QStringLiteral("search-button")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy(), 15000);
    size->setCurrentIndex(size->findData(10));
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->pageSize() == 10, 15000);
    QCOMPARE(page->model()->rowCount(), 10);
    QCOMPARE(page->from(), 0);
    QVERIFY(!prev->isEnabled());
    QVERIFY(next->isEnabled());
    QCOMPARE(label->text(), QStringLiteral("orders 1–10"));
    QSet<qint64> first;
    for (const OrderRow &r : page->model()->rows())
        first.insert(r.orderId);
    const QDateTime oldestOfFirstPage = page->model()->rows().last().timestamp;

    QTest::mouseClick(next, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->from() == 10, 15000);
    QCOMPARE(page->model()->rowCount(), 10);
    QCOMPARE(label->text(), QStringLiteral("orders 11–20"));
    for (const OrderRow &r : page->model()->rows())
        QVERIFY2(!first.contains(r.orderId), "a page repeats an order of the page before");
    // Newest first across pages: the second page starts where the first one ended.
    const QDateTime newestOfSecondPage = page->model()->rows().first().timestamp;
    QVERIFY2(newestOfSecondPage.isValid() && newestOfSecondPage <= oldestOfFirstPage,
             qPrintable(QStringLiteral("page 2 starts at %1, page 1 ends at %2")
                            .arg(newestOfSecondPage.toString(Qt::ISODateWithMs),
                                 oldestOfFirstPage.toString(Qt::ISODateWithMs))));
    QVERIFY(prev->isEnabled());
    QTest::mouseClick(prev, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->from() == 0, 15000);

    // Clicking a header sorts the page by that column (numerically for quantities).
    const int x = table->horizontalHeader()->sectionViewportPosition(SearchModel::QuantityColumn) + 10;
    QTest::mouseClick(table->horizontalHeader()->viewport(), Qt::LeftButton, {}, QPoint(x, 5));
    const Qt::SortOrder order = table->horizontalHeader()->sortIndicatorOrder();
    QCOMPARE(table->horizontalHeader()->sortIndicatorSection(), int(SearchModel::QuantityColumn));
    for (int r = 1; r < table->model()->rowCount(); ++r) {
        const qint64 a = table->model()->index(r - 1, SearchModel::QuantityColumn).data(SearchModel::SortRole).toLongLong();
        const qint64 b = table->model()->index(r, SearchModel::QuantityColumn).data(SearchModel::SortRole).toLongLong();
        QVERIFY(order == Qt::AscendingOrder ? a <= b : a >= b);
    }
    table->sortByColumn(SearchModel::TimeColumn, Qt::DescendingOrder);
    size->setCurrentIndex(size->findData(25));
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy(), 15000);
}

void TestConsole::stoppedSearchServiceShowsDownWithoutFreezing()
{
    QVERIFY2(ensureStack(), qPrintable(m_stackError));
    MainWindow *w = m_window.get();
    w->tabs()->setCurrentIndex(MainWindow::HealthTab);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(w, QStringLiteral("search")), QStringLiteral("UP"), 15000);

    m_stack->terminate(QStringLiteral("search-service")); // blocks this test, not the console
    QVERIFY(!m_stack->isRunning(QStringLiteral("search-service")));

    QElapsedTimer t;
    t.start();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(w, QStringLiteral("search")), QStringLiteral("DOWN"), 10000);
    qInfo("search-service shown DOWN %lld ms after it stopped", t.elapsed());
    auto *card = child<HealthCard>(w, QStringLiteral("health-card-search"));
    QCOMPARE(card->state(), HealthReport::State::Down);
    for (const char *key : {"order", "payment", "inventory", "notifier"})
        QCOMPARE(stateOf(w, QString::fromLatin1(key)), QStringLiteral("UP"));
    QTRY_COMPARE(w->tabs()->tabText(MainWindow::HealthTab), QStringLiteral("Health (1 down)"));

    // Keep watching for a few refresh rounds (a timer starts each: the UI stays live).
    const int rounds = w->healthPage()->rounds();
    QTRY_VERIFY_WITH_TIMEOUT(w->healthPage()->rounds() >= rounds + 2, 15000);
    QCOMPARE(stateOf(w, QStringLiteral("search")), QStringLiteral("DOWN"));
    saveShot(w, QStringLiteral("console-health-search-down"));

    // The search tab says the search API is gone, without the click waiting for it;
    // the order form still works (submitOrder checks that its click returns at once).
    w->tabs()->setCurrentIndex(MainWindow::SearchTab);
    QTest::mouseClick(child<QPushButton>(w, QStringLiteral("search-button")), Qt::LeftButton);
    auto *status = child<QLabel>(w, QStringLiteral("search-status"));
    QVERIFY(w->searchPage()->isBusy());
    QVERIFY2(!status->text().startsWith(QStringLiteral("Search failed")), "the click waited for the answer");
    QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Search failed")), 10000);
    const qint64 id = m_idBase + 300;
    submitOrder(w, id, QStringLiteral("mouse"), 1);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(child<QLabel>(w, QStringLiteral("order-result-detail"))->text().startsWith(QStringLiteral("200 OK")));
    QTRY_VERIFY_WITH_TIMEOUT(w->feedModel()->contains(id), 30000);
}

QTEST_MAIN(TestConsole)
#include "tst_console.moc"
