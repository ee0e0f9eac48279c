// tst_events: the one validating parser and serializer of every event type
// (shared/lab/contract/events.h): hostile order bodies, round trips, strict event parsers.
#include "lab/contract/events.h"
#include "lab/contract/topics.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace lab;

namespace {

QByteArray order(const QByteArray &orderId, const QByteArray &item, const QByteArray &quantity)
{
    return "{\"order_id\":" + orderId + ",\"item\":" + item + ",\"quantity\":" + quantity + "}";
}

QDateTime at(int msOffset = 0)
{
    return QDateTime(QDate(2026, 11, 25), QTime(14, 51, 16, 123), Qt::UTC).addMSecs(msOffset);
}

QJsonObject objectOf(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

QByteArray withField(const QByteArray &json, const QString &field, const QJsonValue &value)
{
    QJsonObject o = objectOf(json);
    if (value.isUndefined())
        o.remove(field);
    else
        o.insert(field, value);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

/// Parses with the parser of `kind`; returns the error field, or "<ok>" on success.
QString parseField(const QString &kind, const QByteArray &json, QString *error)
{
    auto result = [&](const auto &parsed) {
        *error = parsed.error;
        return parsed.ok() ? QStringLiteral("<ok>") : parsed.field;
    };
    if (kind == QLatin1String("created"))
        return result(OrderCreated::fromJson(json));
    if (kind == QLatin1String("payment"))
        return result(PaymentOutcome::fromJson(json));
    if (kind == QLatin1String("inventory"))
        return result(InventoryOutcome::fromJson(json));
    return result(Notification::fromJson(json));
}

QByteArray validEvent(const QString &kind, bool failure = false)
{
    if (kind == QLatin1String("created"))
        return OrderCreated{7, QStringLiteral("mouse"), 2, at()}.toJson();
    if (kind == QLatin1String("payment")) {
        PaymentOutcome p{7, QStringLiteral("mouse"), 2, !failure, 2998, {}, at()};
        if (failure)
            p.reason = QStringLiteral("card declined");
        return p.toJson();
    }
    if (kind == QLatin1String("inventory")) {
        InventoryOutcome i{7, QStringLiteral("mouse"), 2, !failure, failure ? -1 : 40, {}, at()};
        if (failure)
            i.reason = QStringLiteral("out of stock");
        return i.toJson();
    }
    Notification n;
    n.orderId = 7;
    n.item = QStringLiteral("mouse");
    n.quantity = 2;
    n.status = failure ? Notification::Status::Failed : Notification::Status::Confirmed;
    n.reason = failure ? QStringLiteral("payment failed: card declined") : QString();
    n.createdAt = at();
    n.notifiedAt = at(500);
    return n.toJson();
}

} // namespace

class TestEvents : public QObject
{
    Q_OBJECT

private slots:
    void orderRequestShouldValidateEveryField_data();
    void orderRequestShouldValidateEveryField();
    void orderRequestShouldTrimItemAndIgnoreUnknownFields();
    void orderRequestShouldSurviveHugeInput();
    void orderRequestShouldSerializeSnakeCase();

    void timestampsShouldUseUtcWithMilliseconds();
    void timestampParserShouldRejectZonelessAndGarbage_data();
    void timestampParserShouldRejectZonelessAndGarbage();

    void orderCreatedShouldRoundTrip();
    void paymentOutcomeShouldRoundTrip_data();
    void paymentOutcomeShouldRoundTrip();
    void inventoryOutcomeShouldRoundTrip_data();
    void inventoryOutcomeShouldRoundTrip();
    void notificationShouldRoundTrip_data();
    void notificationShouldRoundTrip();
    void everyEventShouldNameItsTopic();

    void eventParsersShouldRejectBadFields_data();
    void eventParsersShouldRejectBadFields();
};

void TestEvents::orderRequestShouldValidateEveryField_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("error"); // substring of the expected error

    const QByteArray item200 = '"' + QByteArray(200, 'a') + '"';
    const QByteArray item201 = '"' + QByteArray(201, 'a') + '"';

    QTest::newRow("valid") << order("1", "\"mouse\"", "2") << true << "" << "";
    QTest::newRow("unknown fields ignored")
        << QByteArray(R"({"order_id":3,"item":"pen","quantity":1,"colour":"red","x":[1,{}]})")
        << true << "" << "";
    QTest::newRow("unicode item") << order("1", "\"chuột không dây 🖱\"", "1") << true << "" << "";
    // found by fuzz_orderrequest: a byte-order mark would be dropped by the next hop's parser
    QTest::newRow("byte-order mark item") << order("1", "\"\\ufeff\"", "1") << false << "item" << "";
    QTest::newRow("byte-order mark before item") << order("1", "\"\\ufeffmouse\"", "1") << false << "item" << "";

    // the body as a whole
    QTest::newRow("empty body") << QByteArray() << false << "" << "request body is empty";
    QTest::newRow("whitespace body") << QByteArray(" \n\t ") << false << "" << "request body is empty";
    QTest::newRow("array body") << QByteArray("[1,2]") << false << "" << "JSON object";
    QTest::newRow("number body") << QByteArray("42") << false << "" << "JSON object";
    QTest::newRow("null body") << QByteArray("null") << false << "" << "JSON object";
    QTest::newRow("truncated json") << QByteArray(R"({"order_id":1,)") << false << "" << "invalid JSON";
    QTest::newRow("trailing garbage") << order("1", "\"a\"", "1") + "x" << false << "" << "invalid JSON";
    QTest::newRow("invalid utf-8 bytes") << order("1", "\"mo\xff\xfeuse\"", "1") << false << ""
                                         << "UTF-8";
    QTest::newRow("overlong utf-8") << order("1", "\"\xc0\xaf\"", "1") << false << "" << "UTF-8";
    QTest::newRow("utf-8 encoded surrogate") << order("1", "\"\xed\xa0\x80\"", "1") << false << ""
                                             << "UTF-8";
    const QByteArray rawNul = order("1", QByteArray("\"mo") + '\0' + QByteArray("use\""), "1");
    QTest::newRow("raw NUL byte in item") << rawNul << false << "" << "NUL";
    QTest::newRow("deep nesting 100000 [") << QByteArray(100000, '[') << false << "" << "JSON object";
    QTest::newRow("deep nesting 100000 {") << QByteArray(100000, '{') << false << "" << "invalid JSON";
    QTest::newRow("deep nesting inside a field")
        << "{\"order_id\":1,\"item\":\"a\",\"quantity\":1,\"x\":" + QByteArray(100000, '[') + "}"
        << false << "" << "invalid JSON";

    // order_id
    QTest::newRow("order_id missing") << QByteArray(R"({"item":"a","quantity":1})") << false
                                      << "order_id" << "order_id is required";
    QTest::newRow("order_id string") << order("\"1\"", "\"a\"", "1") << false << "order_id" << "integer";
    QTest::newRow("order_id float") << order("1.5", "\"a\"", "1") << false << "order_id" << "integer";
    QTest::newRow("order_id 1e300") << order("1e300", "\"a\"", "1") << false << "order_id" << "integer";
    QTest::newRow("order_id negative") << order("-4", "\"a\"", "1") << false << "order_id" << "integer";
    QTest::newRow("order_id zero") << order("0", "\"a\"", "1") << false << "order_id" << "integer";
    QTest::newRow("order_id boolean") << order("true", "\"a\"", "1") << false << "order_id" << "integer";
    QTest::newRow("order_id null") << order("null", "\"a\"", "1") << false << "order_id" << "integer";
    QTest::newRow("order_id object") << order("{}", "\"a\"", "1") << false << "order_id" << "integer";
    QTest::newRow("order_id 2^53 rejected") << order("9007199254740992", "\"a\"", "1") << false
                                            << "order_id" << "9007199254740991";
    QTest::newRow("order_id 2^53-1 accepted") << order("9007199254740991", "\"a\"", "1") << true << ""
                                              << "";
    QTest::newRow("order_id huge number") << order(QByteArray(30, '9'), "\"a\"", "1") << false
                                          << "order_id" << "integer";
    QTest::newRow("order_id beyond double range") << order(QByteArray(400, '9'), "\"a\"", "1")
                                                  << false << "" << "invalid JSON";
    QTest::newRow("order_id 1.0 is an integer") << order("1.0", "\"a\"", "1") << true << "" << "";

    // item
    QTest::newRow("item missing") << QByteArray(R"({"order_id":1,"quantity":1})") << false << "item"
                                  << "item is required";
    QTest::newRow("item number") << order("1", "5", "1") << false << "item" << "string";
    QTest::newRow("item null") << order("1", "null", "1") << false << "item" << "string";
    QTest::newRow("item array") << order("1", "[\"a\"]", "1") << false << "item" << "string";
    QTest::newRow("item empty") << order("1", "\"\"", "1") << false << "item" << "empty";
    QTest::newRow("item whitespace only") << order("1", "\" \\t\\n \"", "1") << false << "item" << "empty";
    QTest::newRow("item 200 chars accepted") << order("1", item200, "1") << true << "" << "";
    QTest::newRow("item 201 chars rejected") << order("1", item201, "1") << false << "item" << "200";
    QTest::newRow("item 200 chars plus spaces accepted")
        << order("1", "\"   " + QByteArray(200, 'b') + "   \"", "1") << true << "" << "";
    QTest::newRow("item escaped NUL") << order("1", "\"mo\\u0000use\"", "1") << false << "item"
                                      << "control";
    QTest::newRow("item inner tab") << order("1", "\"mo\\tuse\"", "1") << false << "item" << "control";
    QTest::newRow("item C1 control") << order("1", "\"mo\\u0085use\"", "1") << false << "item"
                                     << "control";
    QTest::newRow("item lone surrogate") << order("1", "\"\\ud800x\"", "1") << false << "item"
                                         << "control";

    // quantity
    QTest::newRow("quantity missing") << QByteArray(R"({"order_id":1,"item":"a"})") << false
                                      << "quantity" << "quantity is required";
    QTest::newRow("quantity zero") << order("1", "\"a\"", "0") << false << "quantity" << "1000000";
    QTest::newRow("quantity negative") << order("1", "\"a\"", "-2") << false << "quantity" << "integer";
    QTest::newRow("quantity float") << order("1", "\"a\"", "2.5") << false << "quantity" << "integer";
    QTest::newRow("quantity string") << order("1", "\"a\"", "\"2\"") << false << "quantity" << "integer";
    QTest::newRow("quantity boolean") << order("1", "\"a\"", "false") << false << "quantity" << "integer";
    QTest::newRow("quantity 1000000 accepted") << order("1", "\"a\"", "1000000") << true << "" << "";
    QTest::newRow("quantity 1000001 rejected") << order("1", "\"a\"", "1000001") << false << "quantity"
                                               << "1000000";
}

void TestEvents::orderRequestShouldValidateEveryField()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, ok);
    QFETCH(QString, field);
    QFETCH(QString, error);

    const Parsed<OrderRequest> parsed = OrderRequest::fromJson(body);
    QCOMPARE(parsed.ok(), ok);
    QCOMPARE(parsed.field, field);
    if (ok) {
        QVERIFY(parsed.error.isEmpty());
    } else {
        QVERIFY2(parsed.error.contains(error, Qt::CaseInsensitive),
                 qPrintable(QStringLiteral("error \"%1\" lacks \"%2\"").arg(parsed.error, error)));
    }
}

void TestEvents::orderRequestShouldTrimItemAndIgnoreUnknownFields()
{
    const auto parsed = OrderRequest::fromJson(
        R"({"order_id":42,"item":"  mouse  ","quantity":3,"unknown":{"deep":[1,2,3]}})");
    QVERIFY(parsed.ok());
    QCOMPARE(parsed.value->orderId, 42);
    QCOMPARE(parsed.value->item, QStringLiteral("mouse"));
    QCOMPARE(parsed.value->quantity, 3);
}

void TestEvents::orderRequestShouldSurviveHugeInput()
{
    // 8 MiB item: rejected for its length, not a crash or a hang.
    const QByteArray big = order("1", '"' + QByteArray(8 * 1024 * 1024, 'x') + '"', "1");
    const auto parsed = OrderRequest::fromJson(big);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.field, QStringLiteral("item"));

    // Many unknown fields are ignored.
    QByteArray many = "{";
    for (int i = 0; i < 20000; ++i)
        many += "\"f" + QByteArray::number(i) + "\":" + QByteArray::number(i) + ',';
    many += R"("order_id":5,"item":"a","quantity":1})";
    QVERIFY(OrderRequest::fromJson(many).ok());

    // Deeply nested objects at every depth up to and beyond Qt's limit never crash.
    for (int depth : {10, 1000, 1025, 5000, 200000}) {
        QByteArray nested = QByteArray(depth, '[') + QByteArray(depth, ']');
        QVERIFY(!OrderRequest::fromJson(nested).ok());
        QVERIFY(!OrderCreated::fromJson(nested).ok());
        QVERIFY(!Notification::fromJson(nested).ok());
    }
}

void TestEvents::orderRequestShouldSerializeSnakeCase()
{
    const OrderRequest r{9, QStringLiteral("keyboard"), 4};
    const QJsonObject o = r.toObject();
    QCOMPARE(o.value("order_id").toInteger(), 9);
    QCOMPARE(o.value("item").toString(), QStringLiteral("keyboard"));
    QCOMPARE(o.value("quantity").toInteger(), 4);
    const auto back = OrderRequest::fromObject(o);
    QVERIFY(back.ok());
    QCOMPARE(*back.value, r);
}

void TestEvents::timestampsShouldUseUtcWithMilliseconds()
{
    QCOMPARE(isoTimestamp(at()), QStringLiteral("2026-11-25T14:51:16.123Z"));
    const QDateTime plusTwo = at().toOffsetFromUtc(2 * 3600);
    QCOMPARE(isoTimestamp(plusTwo), QStringLiteral("2026-11-25T14:51:16.123Z"));
    QCOMPARE(parseTimestamp(QStringLiteral("2026-11-25T14:51:16.123Z")), at());
    QCOMPARE(parseTimestamp(QStringLiteral("2026-11-25T16:51:16.123+02:00")), at());
    QCOMPARE(parseTimestamp(QStringLiteral("2026-11-25T14:51:16Z")), at(-123));
    QCOMPARE(parseTimestamp(isoTimestamp(at())).timeSpec(), Qt::UTC);
    QVERIFY(isoTimestamp(QDateTime()).isEmpty());
}

void TestEvents::timestampParserShouldRejectZonelessAndGarbage_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("no zone") << QStringLiteral("2026-11-25T14:51:16.123");
    QTest::newRow("date only") << QStringLiteral("2026-11-25");
    QTest::newRow("words") << QStringLiteral("yesterday");
    QTest::newRow("bad month") << QStringLiteral("2026-13-25T14:51:16.123Z");
    QTest::newRow("bad hour") << QStringLiteral("2026-11-25T25:51:16.123Z");
    QTest::newRow("very long") << QString(100000, QLatin1Char('9')) + QLatin1Char('Z');
    // found by the fuzzers: instants whose UTC year isoTimestamp() cannot write back
    QTest::newRow("year 10000 in UTC") << QStringLiteral("9999-12-31T23:59:59.999-14:00");
    QTest::newRow("year 0 in UTC") << QStringLiteral("0001-01-01T00:00:00.000+14:00");
}

void TestEvents::timestampParserShouldRejectZonelessAndGarbage()
{
    QFETCH(QString, text);
    QVERIFY(!parseTimestamp(text).isValid());
}

void TestEvents::orderCreatedShouldRoundTrip()
{
    const OrderCreated e{123, QStringLiteral("mouse"), 2, at()};
    const QByteArray json = e.toJson();
    const QJsonObject o = objectOf(json);
    QCOMPARE(o.value("event").toString(), topics::OrderCreated);
    QCOMPARE(o.value("order_id").toInteger(), 123);
    QCOMPARE(o.value("created_at").toString(), QStringLiteral("2026-11-25T14:51:16.123Z"));
    QCOMPARE(e.toObject(), o);

    const auto back = OrderCreated::fromJson(json);
    QVERIFY2(back.ok(), qPrintable(back.error));
    QCOMPARE(back.value->orderId, e.orderId);
    QCOMPARE(back.value->item, e.item);
    QCOMPARE(back.value->quantity, e.quantity);
    QCOMPARE(back.value->createdAt, e.createdAt);
}

void TestEvents::paymentOutcomeShouldRoundTrip_data()
{
    QTest::addColumn<bool>("success");
    QTest::newRow("payment.success") << true;
    QTest::newRow("payment.failed") << false;
}

void TestEvents::paymentOutcomeShouldRoundTrip()
{
    QFETCH(bool, success);
    PaymentOutcome e{55, QStringLiteral("monitor"), 3, success, 59997,
                     success ? QString() : QStringLiteral("card declined"), at()};
    const QByteArray json = e.toJson();
    const QJsonObject o = objectOf(json);
    QCOMPARE(o.value("event").toString(), success ? topics::PaymentSuccess : topics::PaymentFailed);
    QCOMPARE(e.topic(), o.value("event").toString());
    QCOMPARE(o.value("amount_cents").toInteger(), 59997);
    QCOMPARE(o.contains("reason"), !success);
    QCOMPARE(o.value("at").toString(), isoTimestamp(at()));

    const auto back = PaymentOutcome::fromJson(json);
    QVERIFY2(back.ok(), qPrintable(back.error));
    QCOMPARE(back.value->orderId, e.orderId);
    QCOMPARE(back.value->item, e.item);
    QCOMPARE(back.value->quantity, e.quantity);
    QCOMPARE(back.value->success, e.success);
    QCOMPARE(back.value->amountCents, e.amountCents);
    QCOMPARE(back.value->reason, e.reason);
    QCOMPARE(back.value->at, e.at);
}

void TestEvents::inventoryOutcomeShouldRoundTrip_data()
{
    QTest::addColumn<bool>("reserved");
    QTest::addColumn<qint64>("remaining");
    QTest::newRow("inventory.reserved") << true << qint64(17);
    QTest::newRow("inventory.reserved, stock unknown") << true << qint64(-1);
    QTest::newRow("inventory.rejected") << false << qint64(0);
}

void TestEvents::inventoryOutcomeShouldRoundTrip()
{
    QFETCH(bool, reserved);
    QFETCH(qint64, remaining);
    InventoryOutcome e{56, QStringLiteral("cable"), 10, reserved, remaining,
                       reserved ? QString() : QStringLiteral("out of stock"), at()};
    const QByteArray json = e.toJson();
    const QJsonObject o = objectOf(json);
    QCOMPARE(o.value("event").toString(),
             reserved ? topics::InventoryReserved : topics::InventoryRejected);
    QCOMPARE(e.topic(), o.value("event").toString());
    QCOMPARE(o.value("remaining").toInteger(), remaining);
    QCOMPARE(o.contains("reason"), !reserved);

    const auto back = InventoryOutcome::fromJson(json);
    QVERIFY2(back.ok(), qPrintable(back.error));
    QCOMPARE(back.value->orderId, e.orderId);
    QCOMPARE(back.value->reserved, e.reserved);
    QCOMPARE(back.value->remaining, e.remaining);
    QCOMPARE(back.value->reason, e.reason);
    QCOMPARE(back.value->at, e.at);

    // remaining may be left out: unknown.
    const auto noRemaining = InventoryOutcome::fromJson(withField(json, "remaining", QJsonValue::Undefined));
    QVERIFY2(noRemaining.ok(), qPrintable(noRemaining.error));
    QCOMPARE(noRemaining.value->remaining, -1);
}

void TestEvents::notificationShouldRoundTrip_data()
{
    QTest::addColumn<bool>("failed");
    QTest::addColumn<bool>("backlog");
    QTest::newRow("confirmed") << false << false;
    QTest::newRow("failed") << true << false;
    QTest::newRow("confirmed, from the backlog") << false << true;
}

void TestEvents::notificationShouldRoundTrip()
{
    QFETCH(bool, failed);
    QFETCH(bool, backlog);
    Notification n;
    n.orderId = 77;
    n.item = QStringLiteral("headset");
    n.quantity = 1;
    n.status = failed ? Notification::Status::Failed : Notification::Status::Confirmed;
    n.reason = failed ? QStringLiteral("inventory rejected: out of stock") : QString();
    n.createdAt = at();
    n.notifiedAt = at(1500);
    n.backlog = backlog;

    const QByteArray json = n.toJson();
    const QJsonObject o = objectOf(json);
    QCOMPARE(o, n.toObject());
    QCOMPARE(o.value("event").toString(), topics::OrderNotification);
    QCOMPARE(o.value("status").toString(), failed ? QStringLiteral("failed") : QStringLiteral("confirmed"));
    QCOMPARE(o.value("created_at").toString(), isoTimestamp(at()));
    QCOMPARE(o.value("notified_at").toString(), isoTimestamp(at(1500)));
    QCOMPARE(o.value("backlog").toBool(), backlog);
    QCOMPARE(o.contains("reason"), failed);

    const auto back = Notification::fromJson(json);
    QVERIFY2(back.ok(), qPrintable(back.error));
    QCOMPARE(back.value->orderId, n.orderId);
    QCOMPARE(back.value->item, n.item);
    QCOMPARE(back.value->quantity, n.quantity);
    QCOMPARE(back.value->status, n.status);
    QCOMPARE(back.value->reason, n.reason);
    QCOMPARE(back.value->createdAt, n.createdAt);
    QCOMPARE(back.value->notifiedAt, n.notifiedAt);
    QCOMPARE(back.value->backlog, n.backlog);
}

void TestEvents::everyEventShouldNameItsTopic()
{
    QSet<QString> seen;
    for (const char *kind : {"created", "payment", "inventory", "notification"}) {
        for (bool failure : {false, true}) {
            const QJsonObject o = objectOf(validEvent(kind, failure));
            QVERIFY(topics::all().contains(o.value("event").toString()));
            seen.insert(o.value("event").toString());
        }
    }
    QCOMPARE(seen.size(), topics::all().size());
}

void TestEvents::eventParsersShouldRejectBadFields_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("field"); // "<ok>" when it must parse

    struct Row { const char *name; const char *kind; bool failure; const char *field; QJsonValue value; const char *expect; };
    const QJsonValue missing = QJsonValue::Undefined;
    const QList<Row> rows = {
        // sanity: the base events parse
        {"created valid", "created", false, "order_id", QJsonValue(7), "<ok>"},
        {"payment failed valid", "payment", true, "order_id", QJsonValue(7), "<ok>"},
        {"inventory rejected valid", "inventory", true, "order_id", QJsonValue(7), "<ok>"},
        {"notification failed valid", "notification", true, "order_id", QJsonValue(7), "<ok>"},
        {"notification without backlog", "notification", false, "backlog", missing, "<ok>"},
        // the event discriminator
        {"created without event", "created", false, "event", missing, "event"},
        {"created with another topic", "created", false, "event", "payment.success", "event"},
        {"payment with unknown event", "payment", false, "event", "payment.maybe", "event"},
        {"inventory with numeric event", "inventory", false, "event", 3, "event"},
        {"notification with created event", "notification", false, "event", "order.created", "event"},
        // common fields are validated like an order
        {"created order_id string", "created", false, "order_id", "7", "order_id"},
        {"payment item missing", "payment", false, "item", missing, "item"},
        {"inventory quantity zero", "inventory", false, "quantity", 0, "quantity"},
        {"notification item empty", "notification", false, "item", "", "item"},
        // timestamps
        {"created_at missing", "created", false, "created_at", missing, "created_at"},
        {"created_at words", "created", false, "created_at", "yesterday", "created_at"},
        {"created_at number", "created", false, "created_at", 1764082276, "created_at"},
        {"created_at without zone", "created", false, "created_at", "2026-11-25T14:51:16.123", "created_at"},
        {"payment at missing", "payment", false, "at", missing, "at"},
        {"inventory at bad", "inventory", true, "at", "2026-02-30T00:00:00Z", "at"},
        {"notified_at missing", "notification", false, "notified_at", missing, "notified_at"},
        {"notification created_at null", "notification", false, "created_at", QJsonValue::Null, "created_at"},
        // payment fields
        {"amount_cents missing", "payment", false, "amount_cents", missing, "amount_cents"},
        {"amount_cents negative", "payment", false, "amount_cents", -1, "amount_cents"},
        {"amount_cents fractional", "payment", false, "amount_cents", 12.5, "amount_cents"},
        {"amount_cents string", "payment", false, "amount_cents", "100", "amount_cents"},
        {"payment failed without reason", "payment", true, "reason", missing, "reason"},
        {"payment failed with blank reason", "payment", true, "reason", "  ", "reason"},
        {"payment failed with numeric reason", "payment", true, "reason", 5, "reason"},
        {"payment success with reason", "payment", false, "reason", "but why", "reason"},
        // inventory fields
        {"remaining string", "inventory", false, "remaining", "x", "remaining"},
        {"remaining below -1", "inventory", false, "remaining", -2, "remaining"},
        {"inventory rejected without reason", "inventory", true, "reason", missing, "reason"},
        {"inventory reserved with reason", "inventory", false, "reason", "odd", "reason"},
        // notification fields
        {"status missing", "notification", false, "status", missing, "status"},
        {"status unknown", "notification", false, "status", "done", "status"},
        {"status wrong case", "notification", false, "status", "Confirmed", "status"},
        {"failed notification without reason", "notification", true, "reason", missing, "reason"},
        {"confirmed notification with reason", "notification", false, "reason", "odd", "reason"},
        {"backlog string", "notification", false, "backlog", "yes", "backlog"},
    };
    for (const Row &r : rows) {
        QTest::newRow(r.name) << QString::fromLatin1(r.kind)
                              << withField(validEvent(r.kind, r.failure), r.field, r.value)
                              << QString::fromLatin1(r.expect);
    }
    for (const char *kind : {"created", "payment", "inventory", "notification"}) {
        QTest::addRow("%s: empty", kind) << QString::fromLatin1(kind) << QByteArray() << "";
        QTest::addRow("%s: array", kind) << QString::fromLatin1(kind) << QByteArray("[]") << "";
        QTest::addRow("%s: invalid utf-8", kind) << QString::fromLatin1(kind)
                                                 << QByteArray("{\"item\":\"\xff\"}") << "";
        QTest::addRow("%s: nul byte", kind) << QString::fromLatin1(kind) << QByteArray("{\0}", 3) << "";
        QTest::addRow("%s: deep nesting", kind) << QString::fromLatin1(kind)
                                                << QByteArray(100000, '{') << "";
    }
}

void TestEvents::eventParsersShouldRejectBadFields()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, json);
    QFETCH(QString, field);
    QString error;
    const QString got = parseField(kind, json, &error);
    QVERIFY2(got == field, qPrintable(QStringLiteral("expected field \"%1\", got \"%2\" (%3)")
                                          .arg(field, got, error)));
    if (field != QLatin1String("<ok>"))
        QVERIFY(!error.isEmpty());
}

QTEST_GUILESS_MAIN(TestEvents)
#include "tst_events.moc"
