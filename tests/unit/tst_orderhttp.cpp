// Unit tests of order-service's request checks (Content-Type, order ids) and of the
// order record as lab::OrderStore reads it (claim replies, the GET /orders view).
// No network: Redis replies are built by hand.
#include "orderapi.h"

#include "lab/redis/redisreply.h"
#include "lab/store/orderstore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

namespace {

lab::RedisReply str(const QByteArray &s)
{
    lab::RedisReply r;
    r.type = lab::RedisReply::Type::String;
    r.string = s;
    return r;
}

lab::RedisReply array(const QList<QByteArray> &items)
{
    lab::RedisReply r;
    r.type = lab::RedisReply::Type::Array;
    for (const QByteArray &s : items)
        r.array << str(s);
    return r;
}

} // namespace

class TestOrderHttp : public QObject
{
    Q_OBJECT

private slots:
    void acceptsJsonContentTypes_data();
    void acceptsJsonContentTypes();
    void parsesOrderIds_data();
    void parsesOrderIds();
    void createdBodyIsTheContract();

    void parsesClaimReplies_data();
    void parsesClaimReplies();
    void claimErrorsAreValues();
    void recordViewHidesBookkeeping();
    void pendingClaimIsInvisible();
    void missingHashIsNoRecord();
};

void TestOrderHttp::acceptsJsonContentTypes_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("json");
    QTest::newRow("plain") << QByteArray("application/json") << true;
    QTest::newRow("upper case") << QByteArray("Application/JSON") << true;
    QTest::newRow("charset") << QByteArray("application/json; charset=utf-8") << true;
    QTest::newRow("charset upper, quoted") << QByteArray("application/json;charset=\"UTF-8\"") << true;
    QTest::newRow("spaces") << QByteArray("  application/json ;  charset=utf-8 ") << true;
    QTest::newRow("other parameter") << QByteArray("application/json; foo=bar") << true;
    QTest::newRow("latin1") << QByteArray("application/json; charset=iso-8859-1") << false;
    QTest::newRow("text") << QByteArray("text/plain") << false;
    QTest::newRow("form") << QByteArray("application/x-www-form-urlencoded") << false;
    QTest::newRow("json-ish") << QByteArray("application/jsonx") << false;
    QTest::newRow("text json") << QByteArray("text/json") << false;
    QTest::newRow("broken parameter") << QByteArray("application/json; charset") << false;
}

void TestOrderHttp::acceptsJsonContentTypes()
{
    QFETCH(QByteArray, value);
    QFETCH(bool, json);
    QCOMPARE(OrderApi::isJsonContentType(value), json);
}

void TestOrderHttp::parsesOrderIds_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("id"); // 0: refused
    QTest::newRow("one") << QStringLiteral("1") << qint64(1);
    QTest::newRow("large") << QStringLiteral("9007199254740991") << qint64(9007199254740991);
    QTest::newRow("leading zeros") << QStringLiteral("007") << qint64(7);
    QTest::newRow("zero") << QStringLiteral("0") << qint64(0);
    QTest::newRow("negative") << QStringLiteral("-1") << qint64(0);
    QTest::newRow("plus") << QStringLiteral("+1") << qint64(0);
    QTest::newRow("beyond 2^53") << QStringLiteral("9007199254740992") << qint64(0);
    QTest::newRow("overflow") << QStringLiteral("99999999999999999999") << qint64(0);
    QTest::newRow("fraction") << QStringLiteral("1.0") << qint64(0);
    QTest::newRow("letters") << QStringLiteral("abc") << qint64(0);
    QTest::newRow("empty") << QString() << qint64(0);
    QTest::newRow("space") << QStringLiteral(" 1") << qint64(0);
    QTest::newRow("arabic digits") << QStringLiteral("١٢") << qint64(0);
}

void TestOrderHttp::parsesOrderIds()
{
    QFETCH(QString, text);
    QFETCH(qint64, id);
    const auto parsed = OrderApi::parseOrderId(text);
    QCOMPARE(parsed.value_or(0), id);
}

void TestOrderHttp::createdBodyIsTheContract()
{
    QCOMPARE(OrderApi::createdBody(), (QJsonObject{{QStringLiteral("message"), QStringLiteral("Order created")}}));
}

void TestOrderHttp::parsesClaimReplies_data()
{
    using O = lab::OrderStore::Outcome;
    QTest::addColumn<QList<QByteArray>>("reply");
    QTest::addColumn<int>("outcome");
    QTest::addColumn<qint64>("claimAt");
    QTest::newRow("new") << QList<QByteArray>{"new", "2026-11-25T10:00:00.000Z", "1764064800000"} << int(O::New) << qint64(1764064800000);
    QTest::newRow("takeover") << QList<QByteArray>{"takeover", "2026-11-25T10:00:00.000Z", "5"} << int(O::Takeover) << qint64(5);
    QTest::newRow("duplicate") << QList<QByteArray>{"duplicate", "2026-11-25T10:00:00.000Z", "4"} << int(O::Duplicate) << qint64(4);
    QTest::newRow("in flight") << QList<QByteArray>{"in_flight", "2026-11-25T10:00:00.000Z", "3", "250"} << int(O::InFlight) << qint64(3);
    QTest::newRow("conflict") << QList<QByteArray>{"conflict", "", "", "mouse", "2"} << int(O::Conflict) << qint64(0);
    QTest::newRow("unknown outcome") << QList<QByteArray>{"maybe", "", ""} << int(O::Error) << qint64(0);
    QTest::newRow("new without time") << QList<QByteArray>{"new", "yesterday", "1"} << int(O::Error) << qint64(1);
    QTest::newRow("too short") << QList<QByteArray>{"new"} << int(O::Error) << qint64(0);
}

void TestOrderHttp::parsesClaimReplies()
{
    QFETCH(QList<QByteArray>, reply);
    QFETCH(int, outcome);
    QFETCH(qint64, claimAt);
    const lab::OrderStore::Claim c = lab::OrderStore::parseClaimReply(array(reply));
    QCOMPARE(int(c.outcome), outcome);
    QCOMPARE(c.claimAt, claimAt);
    QCOMPARE(c.proceeds(), outcome == int(lab::OrderStore::Outcome::New)
                               || outcome == int(lab::OrderStore::Outcome::Takeover));
    if (c.outcome == lab::OrderStore::Outcome::Error)
        QVERIFY(!c.error.isEmpty());
    if (c.outcome == lab::OrderStore::Outcome::Conflict) {
        QCOMPARE(c.existingItem, QStringLiteral("mouse"));
        QCOMPARE(c.existingQuantity, 2);
    }
    if (c.outcome == lab::OrderStore::Outcome::InFlight)
        QCOMPARE(c.ageMs, 250);
}

void TestOrderHttp::claimErrorsAreValues()
{
    const auto c = lab::OrderStore::parseClaimReply(lab::RedisReply::error(QStringLiteral("not connected")));
    QCOMPARE(c.outcome, lab::OrderStore::Outcome::Error);
    QVERIFY(c.error.contains(QStringLiteral("not connected")));
}

void TestOrderHttp::recordViewHidesBookkeeping()
{
    const auto r = lab::OrderRecord::fromReply(
        42, array({"state", "accepted", "claim_at", "1764064800000", "item", "mouse", "quantity", "2",
                   "created_at", "2026-11-25T10:00:00.000Z", "status", "failed", "reason", "card declined",
                   "payment", "failed", "payment_reason", "card declined", "inventory", "{\"remaining\":3}",
                   "updated_at", "2026-11-25T10:00:02.000Z", "decided", "2026-11-25T10:00:02.000Z",
                   "trace_id", "4bf92f3577b34da6a3ce929d0e0e4736", "t_received", "1764064800000000",
                   "t_correlated", "1764064802000000"}));
    QVERIFY(r);
    QVERIFY(r->isVisible());
    const QJsonObject o = r->toJson();
    QCOMPARE(o.value(QStringLiteral("order_id")).toInteger(), 42);
    QCOMPARE(o.value(QStringLiteral("item")).toString(), QStringLiteral("mouse"));
    QCOMPARE(o.value(QStringLiteral("quantity")).toInteger(), 2);
    QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(o.value(QStringLiteral("reason")).toString(), QStringLiteral("card declined"));
    QCOMPARE(o.value(QStringLiteral("payment")).toString(), QStringLiteral("failed"));
    QCOMPARE(o.value(QStringLiteral("payment_reason")).toString(), QStringLiteral("card declined"));
    QCOMPARE(o.value(QStringLiteral("inventory")).toObject().value(QStringLiteral("remaining")).toInt(), 3);
    QCOMPARE(o.value(QStringLiteral("created_at")).toString(), QStringLiteral("2026-11-25T10:00:00.000Z"));
    QCOMPARE(o.value(QStringLiteral("updated_at")).toString(), QStringLiteral("2026-11-25T10:00:02.000Z"));
    // the journey as a timeline, not as raw t_* fields
    QCOMPARE(o.value(QStringLiteral("trace_id")).toString(), QStringLiteral("4bf92f3577b34da6a3ce929d0e0e4736"));
    const QJsonArray timeline = o.value(QStringLiteral("timeline")).toArray();
    QCOMPARE(timeline.size(), 2);
    QCOMPARE(timeline.at(1).toObject().value(QStringLiteral("hop")).toString(), QStringLiteral("correlated"));
    QCOMPARE(timeline.at(1).toObject().value(QStringLiteral("elapsed_ms")).toDouble(), 2000.0);
    for (const char *hidden : {"state", "claim_at", "decided", "t_received", "t_correlated"})
        QVERIFY2(!o.contains(QLatin1String(hidden)), hidden);
}

void TestOrderHttp::pendingClaimIsInvisible()
{
    const auto pending = lab::OrderRecord::fromReply(1, array({"state", "pending", "item", "mouse", "quantity", "1"}));
    QVERIFY(pending);
    QVERIFY(!pending->isVisible());
    // Accepted without a status yet: visible, status "created".
    const auto accepted = lab::OrderRecord::fromReply(1, array({"state", "accepted", "item", "mouse", "quantity", "1"}));
    QVERIFY(accepted->isVisible());
    QCOMPARE(accepted->toJson().value(QStringLiteral("status")).toString(), QStringLiteral("created"));
    // Pending, but downstream already decided (its instance died before markAccepted).
    const auto advanced = lab::OrderRecord::fromReply(1, array({"state", "pending", "status", "paid"}));
    QVERIFY(advanced->isVisible());
}

void TestOrderHttp::missingHashIsNoRecord()
{
    QVERIFY(!lab::OrderRecord::fromReply(1, array({})));
    QVERIFY(!lab::OrderRecord::fromReply(1, lab::RedisReply()));
    QVERIFY(!lab::OrderRecord::fromReply(1, lab::RedisReply::error(QStringLiteral("boom"))));
}

QTEST_GUILESS_MAIN(TestOrderHttp)
#include "tst_orderhttp.moc"
