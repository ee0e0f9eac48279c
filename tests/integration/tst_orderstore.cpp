// Integration tests of lab::OrderStore's Lua scripts against the real Redis of
// `./lab infra up`: claim / duplicate / conflict / in-flight / stale takeover,
// markAccepted never undoing a status written downstream, voidClaim voiding only its own
// claim nobody admitted, and lab_admit (through admitMany, one script for many records)
// refusing a voided attempt's event, also after the id was claimed again. Every test uses
// keys in a namespace of its own.
#include "lab/contract/names.h"
#include "lab/redis/redisclient.h"
#include "lab/store/orderstore.h"
#include "testinfra.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using lab::OrderStore;
using Outcome = lab::OrderStore::Outcome;

namespace {

constexpr int kWaitMs = 10000;

/// Fails the running test when a Redis call did not answer or its script failed: the
/// helpers below return a default ("not ours", "refused", "absent") that a negative
/// check would otherwise take for the answer it expects.
bool redisAnswered(bool answered, const QString &what, const QString &error = {})
{
    if (!answered)
        QTest::qFail(qPrintable(QStringLiteral("%1: Redis did not answer within %2 ms").arg(what).arg(kWaitMs)),
                     __FILE__, __LINE__);
    else if (!error.isEmpty())
        QTest::qFail(qPrintable(QStringLiteral("%1 failed: %2").arg(what, error)), __FILE__, __LINE__);
    return answered && error.isEmpty();
}

lab::OrderRequest order(qint64 id, const QString &item, qint64 quantity)
{
    lab::OrderRequest r;
    r.orderId = id;
    r.item = item;
    r.quantity = quantity;
    return r;
}

lab::OrderCreated created(const lab::OrderRequest &r, const QDateTime &at)
{
    lab::OrderCreated e;
    e.orderId = r.orderId;
    e.item = r.item;
    e.quantity = r.quantity;
    e.createdAt = at;
    return e;
}

} // namespace

class TestOrderStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void firstClaimCreatesPendingRecord();
    void secondClaimWhilePendingIsInFlightOrConflict();
    void acceptedOrderIsDuplicateOrConflict();
    void markAcceptedKeepsStatusWrittenDownstream();
    void voidTouchesOnlyItsOwnClaim();
    void voidKeepsAnOrderDownstreamAlreadySaw();
    void voidKeepsAnOrderAConsumerAdmitted();
    void voidedAttemptIsRefusedEvenAfterANewClaim();
    void staleClaimIsTakenOverWithItsCreationTime();
    void hashWrittenOnlyDownstreamCountsAsAccepted();
    void admitManyTellsEveryRecordApartInOneCall();
    void admitManyAdmitsEventsWithoutAClaim();
    void redisDownIsAnError();
    void openClaimsAndVoidMarkersExpireAfterTheUndecidedWindow();

private:
    OrderStore::Claim claim(OrderStore &store, const lab::OrderRequest &r, const QDateTime &at);
    bool markAccepted(const lab::OrderCreated &e);
    OrderStore::Void voidClaim(qint64 id, qint64 claimAt);
    std::optional<lab::OrderRecord> fetch(qint64 id);
    /// admitMany: the voided flag of each record (empty when Redis failed).
    QList<bool> admitMany(const QList<OrderStore::Admission> &records);
    /// lab_admit of one record through admitMany: true admitted, false refused.
    bool admit(qint64 id, const QDateTime &eventCreatedAt);
    lab::RedisReply command(const QByteArrayList &args);

    std::unique_ptr<lab::RedisClient> m_redis;
    std::unique_ptr<OrderStore> m_store;
    lab::Names m_names;
    QDateTime m_now;
};

void TestOrderStore::initTestCase()
{
    LAB_REQUIRE_REDIS();
    m_redis = std::make_unique<lab::RedisClient>(labtest::redisHost(), labtest::redisPort());
    QSignalSpy connected(m_redis.get(), &lab::RedisClient::connected);
    m_redis->connectToServer();
    QVERIFY(connected.wait(kWaitMs));
}

void TestOrderStore::init()
{
    m_names = lab::Names(labtest::uniqueName(QStringLiteral("tst-orderstore")));
    m_store = std::make_unique<OrderStore>(m_redis.get(), m_names);
    m_now = QDateTime::fromMSecsSinceEpoch(QDateTime::currentMSecsSinceEpoch(), Qt::UTC);
}

void TestOrderStore::cleanup()
{
    QByteArrayList del{"DEL"};
    for (qint64 id = 1; id <= 12; ++id)
        del << m_names.orderKey(id);
    command(del);
}

void TestOrderStore::cleanupTestCase()
{
    m_store.reset();
    m_redis.reset();
}

OrderStore::Claim TestOrderStore::claim(OrderStore &store, const lab::OrderRequest &r, const QDateTime &at)
{
    OrderStore::Claim out;
    bool done = false;
    store.claim(r, at, [&](const OrderStore::Claim &c) {
        out = c;
        done = true;
    });
    // A script error is Outcome::Error, which the callers compare against: only the
    // missing answer has to fail here.
    redisAnswered(QTest::qWaitFor([&] { return done; }, kWaitMs), QStringLiteral("claim"));
    return out;
}

bool TestOrderStore::markAccepted(const lab::OrderCreated &e)
{
    bool ok = false;
    bool done = false;
    QString error;
    m_store->markAccepted(e, [&](bool success, const QString &why) {
        ok = success;
        error = why;
        done = true;
    });
    const bool answered = QTest::qWaitFor([&] { return done; }, kWaitMs);
    redisAnswered(answered, QStringLiteral("markAccepted"), error);
    return ok;
}

OrderStore::Void TestOrderStore::voidClaim(qint64 id, qint64 claimAt)
{
    OrderStore::Void out = OrderStore::Void::NotOurs;
    QString error = QStringLiteral("not called");
    m_store->voidClaim(id, claimAt, [&](OrderStore::Void result, const QString &e) {
        out = result;
        error = e;
    });
    const bool answered = QTest::qWaitFor([&] { return error != QStringLiteral("not called"); }, kWaitMs);
    redisAnswered(answered, QStringLiteral("voidClaim"), answered ? error : QString());
    return out;
}

QList<bool> TestOrderStore::admitMany(const QList<OrderStore::Admission> &records)
{
    QList<bool> voided;
    QString error = QStringLiteral("not called");
    m_store->admitMany(records, [&](const QList<bool> &v, const QString &e) {
        voided = v;
        error = e;
    });
    const bool answered = QTest::qWaitFor([&] { return error != QStringLiteral("not called"); }, kWaitMs);
    redisAnswered(answered, QStringLiteral("admitMany (lab_admit)"), answered ? error : QString());
    return voided;
}

bool TestOrderStore::admit(qint64 id, const QDateTime &eventCreatedAt)
{
    const QList<bool> voided = admitMany({{id, eventCreatedAt}});
    return voided.size() == 1 && !voided.first();
}

std::optional<lab::OrderRecord> TestOrderStore::fetch(qint64 id)
{
    std::optional<lab::OrderRecord> out;
    bool done = false;
    QString error;
    m_store->fetch(id, [&](const std::optional<lab::OrderRecord> &r, const QString &why) {
        out = r;
        error = why;
        done = true;
    });
    const bool answered = QTest::qWaitFor([&] { return done; }, kWaitMs);
    redisAnswered(answered, QStringLiteral("fetch"), error);
    return out;
}

lab::RedisReply TestOrderStore::command(const QByteArrayList &args)
{
    lab::RedisReply out = lab::RedisReply::error(QStringLiteral("no answer"));
    bool done = false;
    m_redis->command(args, [&](const lab::RedisReply &r) {
        out = r;
        done = true;
    });
    const bool answered = QTest::qWaitFor([&] { return done; }, kWaitMs);
    redisAnswered(answered, QString::fromUtf8(args.value(0)), answered && out.isError() ? out.errorMessage() : QString());
    return out;
}

void TestOrderStore::firstClaimCreatesPendingRecord()
{
    const OrderStore::Claim c = claim(*m_store, order(1, QStringLiteral("mouse"), 2), m_now);
    QCOMPARE(c.outcome, Outcome::New);
    QCOMPARE(c.createdAt, m_now);
    QVERIFY(c.claimAt > 0);
    const auto r = fetch(1);
    QVERIFY(r);
    QCOMPARE(r->state(), QStringLiteral("pending"));
    QCOMPARE(r->item(), QStringLiteral("mouse"));
    QCOMPARE(r->quantity(), 2);
    QCOMPARE(r->createdAt(), m_now);
    QCOMPARE(r->field(QStringLiteral("claim_at")).toLongLong(), c.claimAt);
    QVERIFY(!r->isVisible());
}

void TestOrderStore::secondClaimWhilePendingIsInFlightOrConflict()
{
    QCOMPARE(claim(*m_store, order(1, QStringLiteral("mouse"), 2), m_now).outcome, Outcome::New);
    const auto same = claim(*m_store, order(1, QStringLiteral("mouse"), 2), m_now.addSecs(1));
    QCOMPARE(same.outcome, Outcome::InFlight);
    QVERIFY(same.ageMs >= 0 && same.ageMs < OrderStore::DefaultStaleClaimMs);
    const auto other = claim(*m_store, order(1, QStringLiteral("mouse"), 3), m_now);
    QCOMPARE(other.outcome, Outcome::Conflict);
    QCOMPARE(other.existingItem, QStringLiteral("mouse"));
    QCOMPARE(other.existingQuantity, 2);
}

void TestOrderStore::acceptedOrderIsDuplicateOrConflict()
{
    const auto r = order(2, QStringLiteral("keyboard"), 1);
    QCOMPARE(claim(*m_store, r, m_now).outcome, Outcome::New);
    QVERIFY(markAccepted(created(r, m_now)));
    const auto record = fetch(2);
    QCOMPARE(record->state(), QStringLiteral("accepted"));
    QCOMPARE(record->status(), QStringLiteral("created"));
    QVERIFY(record->updatedAt().isValid());
    QVERIFY(record->isVisible());

    const auto again = claim(*m_store, r, m_now.addSecs(5));
    QCOMPARE(again.outcome, Outcome::Duplicate);
    QCOMPARE(again.createdAt, m_now); // the original's
    QCOMPARE(claim(*m_store, order(2, QStringLiteral("keyboards"), 1), m_now).outcome, Outcome::Conflict);
}

void TestOrderStore::markAcceptedKeepsStatusWrittenDownstream()
{
    const auto r = order(3, QStringLiteral("monitor"), 1);
    QCOMPARE(claim(*m_store, r, m_now).outcome, Outcome::New);
    // notifier-service got the event before our delivery report was handled
    QVERIFY(!command({"HSET", m_names.orderKey(3), "status", "confirmed", "updated_at", "2030-01-01T00:00:00.000Z"}).isError());
    QVERIFY(markAccepted(created(r, m_now)));
    const auto record = fetch(3);
    QCOMPARE(record->state(), QStringLiteral("accepted"));
    QCOMPARE(record->status(), QStringLiteral("confirmed"));
    QCOMPARE(record->field(QStringLiteral("updated_at")), QStringLiteral("2030-01-01T00:00:00.000Z"));
}

void TestOrderStore::voidTouchesOnlyItsOwnClaim()
{
    const auto c = claim(*m_store, order(4, QStringLiteral("webcam"), 1), m_now);
    QCOMPARE(c.outcome, Outcome::New);
    QCOMPARE(voidClaim(4, c.claimAt + 1), OrderStore::Void::NotOurs); // someone else's token
    QCOMPARE(fetch(4)->state(), QStringLiteral("pending"));
    QCOMPARE(voidClaim(4, c.claimAt), OrderStore::Void::Voided);
    const auto voided = fetch(4);
    QVERIFY(voided);
    QCOMPARE(voided->state(), QStringLiteral("void"));
    QCOMPARE(voided->createdAt(), m_now); // kept: it names the attempt consumers must refuse
    QVERIFY(!voided->isVisible());        // GET /orders/{id} answers 404
    QVERIFY(!voided->fields.contains(QStringLiteral("item")));
    // Free again: the same id is claimed anew, with the new attempt's created_at.
    const QDateTime later = m_now.addMSecs(2500);
    const auto again = claim(*m_store, order(4, QStringLiteral("webcam"), 1), later);
    QCOMPARE(again.outcome, Outcome::New);
    QCOMPARE(again.createdAt, later);
    QCOMPARE(fetch(4)->state(), QStringLiteral("pending"));

    // Never voids an accepted order.
    const auto r = order(5, QStringLiteral("hub"), 1);
    const auto c5 = claim(*m_store, r, m_now);
    QVERIFY(markAccepted(created(r, m_now)));
    QCOMPARE(voidClaim(5, c5.claimAt), OrderStore::Void::NotOurs);
    QCOMPARE(fetch(5)->state(), QStringLiteral("accepted"));
}

void TestOrderStore::voidKeepsAnOrderDownstreamAlreadySaw()
{
    const auto c = claim(*m_store, order(6, QStringLiteral("pad"), 1), m_now);
    QVERIFY(!command({"HSET", m_names.orderKey(6), "status", "paid"}).isError());
    QCOMPARE(voidClaim(6, c.claimAt), OrderStore::Void::Accepted);
    const auto record = fetch(6);
    QVERIFY(record);
    QCOMPARE(record->state(), QStringLiteral("accepted"));
    QCOMPARE(claim(*m_store, order(6, QStringLiteral("pad"), 1), m_now).outcome, Outcome::Duplicate);
}

void TestOrderStore::voidKeepsAnOrderAConsumerAdmitted()
{
    // The broker stored the record, a consumer acted on it, then the producer timed out.
    const auto c = claim(*m_store, order(9, QStringLiteral("cable"), 3), m_now);
    QCOMPARE(c.outcome, Outcome::New);
    QVERIFY(admit(9, m_now));
    QCOMPARE(fetch(9)->field(QStringLiteral("admitted")), QStringLiteral("1"));
    QCOMPARE(voidClaim(9, c.claimAt), OrderStore::Void::Accepted);
    QCOMPARE(fetch(9)->state(), QStringLiteral("accepted"));
    QVERIFY(admit(9, m_now)); // a redelivery is still admitted
}

void TestOrderStore::voidedAttemptIsRefusedEvenAfterANewClaim()
{
    const auto first = claim(*m_store, order(11, QStringLiteral("fan"), 1), m_now);
    QCOMPARE(voidClaim(11, first.claimAt), OrderStore::Void::Voided);
    QVERIFY(!admit(11, m_now)); // the record that reached Kafka after all: dropped
    QCOMPARE(fetch(11)->field(QStringLiteral("admitted")), QString());

    // The client retries after its 503, here even with another item: a new attempt.
    const QDateTime later = m_now.addSecs(3);
    QCOMPARE(claim(*m_store, order(11, QStringLiteral("heater"), 2), later).outcome, Outcome::New);
    QVERIFY(!admit(11, m_now)); // the old attempt's record stays refused
    QCOMPARE(fetch(11)->field(QStringLiteral("admitted")), QString());
    QVERIFY(admit(11, later));
    QCOMPARE(fetch(11)->item(), QStringLiteral("heater"));
    QCOMPARE(fetch(11)->field(QStringLiteral("admitted")), QStringLiteral("1"));
}

void TestOrderStore::staleClaimIsTakenOverWithItsCreationTime()
{
    OrderStore impatient(m_redis.get(), m_names, 0); // every pending claim is stale at once
    const auto first = claim(impatient, order(7, QStringLiteral("chair"), 1), m_now);
    QCOMPARE(first.outcome, Outcome::New);
    const auto second = claim(impatient, order(7, QStringLiteral("chair"), 1), m_now.addSecs(60));
    QCOMPARE(second.outcome, Outcome::Takeover);
    QCOMPARE(second.createdAt, m_now); // the same event again, not a new order
    QVERIFY(second.claimAt >= first.claimAt);
    QCOMPARE(fetch(7)->field(QStringLiteral("claim_at")).toLongLong(), second.claimAt);
    // A stale claim with a different payload is still a conflict.
    QCOMPARE(claim(impatient, order(7, QStringLiteral("desk"), 1), m_now).outcome, Outcome::Conflict);
}

void TestOrderStore::hashWrittenOnlyDownstreamCountsAsAccepted()
{
    QVERIFY(!command({"HSET", m_names.orderKey(8), "item", "lamp", "quantity", "2", "status", "confirmed"}).isError());
    QCOMPARE(claim(*m_store, order(8, QStringLiteral("lamp"), 2), m_now).outcome, Outcome::Duplicate);
    QCOMPARE(claim(*m_store, order(8, QStringLiteral("lamp"), 3), m_now).outcome, Outcome::Conflict);
    QVERIFY(fetch(8)->isVisible());
}

void TestOrderStore::admitManyTellsEveryRecordApartInOneCall()
{
    // What one batch of search-service can hold: accepted, pending, voided, re-claimed
    // ids and records published without order-service, in one script call.
    const auto accepted = order(1, QStringLiteral("mouse"), 1);
    QCOMPARE(claim(*m_store, accepted, m_now).outcome, Outcome::New);
    QVERIFY(markAccepted(created(accepted, m_now)));
    QCOMPARE(claim(*m_store, order(2, QStringLiteral("pad"), 1), m_now).outcome, Outcome::New); // pending
    const auto voided = claim(*m_store, order(3, QStringLiteral("fan"), 1), m_now);
    QCOMPARE(voidClaim(3, voided.claimAt), OrderStore::Void::Voided);
    const auto retried = claim(*m_store, order(4, QStringLiteral("lamp"), 1), m_now);
    QCOMPARE(voidClaim(4, retried.claimAt), OrderStore::Void::Voided);
    const QDateTime later = m_now.addSecs(3);
    QCOMPARE(claim(*m_store, order(4, QStringLiteral("lamp"), 1), later).outcome, Outcome::New);

    const QList<bool> result = admitMany({{1, m_now},
                                          {2, m_now},
                                          {3, m_now},
                                          {4, m_now},   // the voided attempt of order 4
                                          {4, later},   // its retry
                                          {5, m_now},   // no hash: published without order-service
                                          {2, m_now.addSecs(1)}}); // not order 2's attempt
    QCOMPARE(result, (QList<bool>{false, false, true, true, false, false, true}));
    QCOMPARE(fetch(2)->field(QStringLiteral("admitted")), QStringLiteral("1")); // can no longer be voided
    QCOMPARE(fetch(4)->field(QStringLiteral("admitted")), QStringLiteral("1"));
    QCOMPARE(fetch(3)->state(), QStringLiteral("void"));
    QCOMPARE(fetch(3)->field(QStringLiteral("admitted")), QString());
    QVERIFY(!fetch(5)); // admitting wrote nothing
    QCOMPARE(fetch(1)->field(QStringLiteral("admitted")), QString()); // accepted: nothing to mark

    // Nothing to check is answered at once, without Redis.
    bool answered = false;
    m_store->admitMany({}, [&](const QList<bool> &v, const QString &e) {
        answered = v.isEmpty() && e.isEmpty();
    });
    QVERIFY(answered);
}

void TestOrderStore::admitManyAdmitsEventsWithoutAClaim()
{
    // Records published without order-service (no claim) and orders only the notifier
    // wrote to are acted on as before.
    QVERIFY(admit(1, m_now));
    QVERIFY(!fetch(1)); // admitting wrote nothing
    QVERIFY(!command({"HSET", m_names.orderKey(2), "item", "lamp", "status", "confirmed"}).isError());
    QVERIFY(admit(2, m_now));
    QCOMPARE(fetch(2)->status(), QStringLiteral("confirmed"));
}

// Retention (config.h OrderRetention): a claim that never completes, and the marker of
// a voided attempt, expire after the undecided window; markAccepted keeps the claim's
// expiry (notifier-service shortens it once the order is published: tst_outcomescripts).
void TestOrderStore::openClaimsAndVoidMarkersExpireAfterTheUndecidedWindow()
{
    lab::OrderRetention retention;
    retention.decidedMs = 60000;
    retention.undecidedMs = 3600000;
    m_store->setRetention(retention);
    auto pttl = [this](qint64 id) { return command({"PTTL", m_names.orderKey(id)}).toInteger(-3); };
    auto inWindow = [](qint64 ms) { return ms > 3500000 && ms <= 3600000; };

    const OrderStore::Claim open = claim(*m_store, {10, QStringLiteral("mouse"), 1}, m_now);
    QCOMPARE(open.outcome, Outcome::New);
    QVERIFY2(inWindow(pttl(10)), qPrintable(QString::number(pttl(10))));
    lab::OrderCreated accepted;
    accepted.orderId = 10;
    accepted.item = QStringLiteral("mouse");
    accepted.quantity = 1;
    accepted.createdAt = open.createdAt;
    QVERIFY(markAccepted(accepted));
    QVERIFY2(inWindow(pttl(10)), qPrintable(QString::number(pttl(10))));

    const OrderStore::Claim voided = claim(*m_store, {11, QStringLiteral("mouse"), 1}, m_now);
    QCOMPARE(voidClaim(11, voided.claimAt), OrderStore::Void::Voided);
    QVERIFY2(inWindow(pttl(11)), qPrintable(QString::number(pttl(11))));

    // markAccepted after the hash vanished (e.g. flushed) recreates it with an expiry.
    accepted.orderId = 12;
    QVERIFY(markAccepted(accepted));
    QVERIFY2(inWindow(pttl(12)), qPrintable(QString::number(pttl(12))));

    // A claim whose request never completed is gone after the window (1 s here).
    retention.decidedMs = retention.undecidedMs = 1000;
    m_store->setRetention(retention);
    QCOMPARE(claim(*m_store, {9, QStringLiteral("mouse"), 1}, m_now).outcome, Outcome::New);
    // 10 s: a hang bound only; Redis expires the key on its next access after 1 s.
    QTRY_VERIFY_WITH_TIMEOUT(command({"EXISTS", m_names.orderKey(9)}).toInteger(-1) == 0, kWaitMs);
}

void TestOrderStore::redisDownIsAnError()
{
    lab::RedisClient nowhere(QStringLiteral("127.0.0.1"), labtest::freePort());
    nowhere.connectToServer();
    OrderStore store(&nowhere, m_names);
    const auto c = claim(store, order(1, QStringLiteral("mouse"), 1), m_now);
    QCOMPARE(c.outcome, Outcome::Error);
    QVERIFY(!c.error.isEmpty());
    QVERIFY(!c.proceeds());
    // search-service retries its batch on this error: it never indexes unchecked records.
    QString error;
    bool answered = false;
    store.admitMany({{1, m_now}}, [&](const QList<bool> &voided, const QString &e) {
        QVERIFY(voided.isEmpty());
        error = e;
        answered = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(answered, kWaitMs);
    QVERIFY(!error.isEmpty());
}

QTEST_GUILESS_MAIN(TestOrderStore)
#include "tst_orderstore.moc"
