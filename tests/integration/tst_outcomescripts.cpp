// tst_outcomescripts: the Lua scripts of payment-, inventory- and notifier-service
// (lab::outcomes) against the real Redis of `./lab infra up`, each test in a namespace
// of its own: first-decision-wins payments, atomic and idempotent stock reservation
// and release (also when the payment fails first), and the notifier's decide-once
// correlation with crash recovery and the recent-notifications list.
#include "lab/redis/redisclient.h"
#include "lab/store/outcomescripts.h"
#include "testinfra.h"

#include <QSignalSpy>
#include <QtTest>

#include <memory>
#include <optional>

using namespace lab::outcomes;
using lab::RedisClient;
using lab::RedisReply;

namespace {

std::optional<RedisReply> call(RedisClient &c, const QByteArrayList &args)
{
    auto got = std::make_shared<std::optional<RedisReply>>();
    c.command(args, [got](const RedisReply &r) { *got = r; });
    (void)QTest::qWaitFor([&] { return got->has_value(); }, 10000);
    return *got;
}

lab::OrderCreated order(qint64 id, const QString &item, qint64 quantity)
{
    lab::OrderCreated o;
    o.orderId = id;
    o.item = item;
    o.quantity = quantity;
    o.createdAt = QDateTime::currentDateTimeUtc();
    return o;
}

lab::PaymentOutcome payment(qint64 id, const QString &item, qint64 quantity, bool success,
                            const QString &reason = {})
{
    lab::PaymentOutcome p;
    p.orderId = id;
    p.item = item;
    p.quantity = quantity;
    p.success = success;
    p.amountCents = quantity * 100;
    p.reason = reason;
    p.at = QDateTime::currentDateTimeUtc();
    return p;
}

OutcomeEvent outcome(OutcomeEvent::Kind kind, qint64 id, bool ok, const QString &reason = {})
{
    OutcomeEvent e;
    e.kind = kind;
    e.orderId = id;
    e.item = QStringLiteral("mouse");
    e.quantity = 3;
    e.ok = ok;
    e.reason = reason;
    e.at = QDateTime::currentDateTimeUtc();
    return e;
}

} // namespace

class TestOutcomeScripts : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<RedisClient> m_redis;
    lab::Names m_names;
    lab::OrderRetention m_retention; ///< the defaults unless a test sets shorter ones

    Reservation reserve(const lab::OrderCreated &o, qint64 initial)
    {
        std::optional<Reservation> got;
        QString error;
        reserveStock(*m_redis, m_names, m_retention, o, initial, QDateTime::currentDateTimeUtc(), lab::journey::nowMicros(),
                     [&](const Reservation &r, const QString &e) { got = r; error = e; });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 10000); }();
        [&] { QVERIFY2(error.isEmpty(), qPrintable(error)); }();
        return got.value_or(Reservation());
    }

    QPair<ReleaseAction, qint64> release(const lab::PaymentOutcome &p)
    {
        std::optional<QPair<ReleaseAction, qint64>> got;
        QString error;
        releaseStock(*m_redis, m_names, m_retention, p, QDateTime::currentDateTimeUtc(),
                     [&](ReleaseAction a, qint64 stock, const QString &e) { got = qMakePair(a, stock); error = e; });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 10000); }();
        [&] { QVERIFY2(error.isEmpty(), qPrintable(error)); }();
        return got.value_or(qMakePair(ReleaseAction::Unchanged, qint64(-2)));
    }

    Correlation correlateNow(const OutcomeEvent &e)
    {
        std::optional<Correlation> got;
        QString error;
        correlate(*m_redis, m_names, m_retention, e, QDateTime::currentDateTimeUtc(), lab::journey::nowMicros(),
                  [&](const Correlation &c, const QString &err) { got = c; error = err; });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 10000); }();
        [&] { QVERIFY2(error.isEmpty(), qPrintable(error)); }();
        return got.value_or(Correlation());
    }

    bool mark(const lab::Notification &n)
    {
        std::optional<bool> got;
        QString error;
        markPublished(*m_redis, m_names, m_retention, n, lab::journey::nowMicros(), [&](bool listed, const QString &e) { got = listed; error = e; });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 10000); }();
        [&] { QVERIFY2(error.isEmpty(), qPrintable(error)); }();
        return got.value_or(false);
    }

    QList<lab::Notification> recent()
    {
        std::optional<QList<lab::Notification>> got;
        recentNotifications(*m_redis, m_names, [&](const QList<lab::Notification> &l, const QString &) { got = l; });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 10000); }();
        return got.value_or(QList<lab::Notification>());
    }

    qint64 stock(const QString &item)
    {
        const auto r = call(*m_redis, {"GET", m_names.stockKey(item)});
        return r ? r->toInteger(-1) : -2;
    }

    /// PTTL of a key: -2 missing, -1 no expiry, else milliseconds left.
    qint64 pttl(const QByteArray &key)
    {
        const auto r = call(*m_redis, {"PTTL", key});
        return r ? r->toInteger(-3) : -3;
    }

    std::optional<lab::PaymentOutcome> pay(const lab::PaymentOutcome &p, const QDateTime &orderCreatedAt)
    {
        std::optional<std::optional<lab::PaymentOutcome>> got;
        QString error;
        decidePayment(*m_redis, m_names, m_retention, p, orderCreatedAt, lab::journey::nowMicros(),
                      [&](const std::optional<lab::PaymentOutcome> &stored, const QString &e) { got = stored; error = e; });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 10000); }();
        [&] { QVERIFY2(error.isEmpty(), qPrintable(error)); }();
        return got.value_or(std::nullopt);
    }

    lab::Notification notificationOf(const Correlation &c)
    {
        [&] { QVERIFY(c.publish); }();
        return c.publish.value_or(lab::Notification());
    }

private slots:
    void initTestCase()
    {
        LAB_REQUIRE_REDIS();
        m_redis = std::make_unique<RedisClient>(labtest::redisHost(), labtest::redisPort());
        QSignalSpy connected(m_redis.get(), &RedisClient::connected);
        m_redis->connectToServer();
        QVERIFY(connected.wait(10000));
    }

    void init()
    {
        m_names = lab::Names(labtest::uniqueName(QStringLiteral("tst-outcomes")));
        m_retention = lab::OrderRetention();
    }

    void cleanup()
    {
        const auto keys = call(*m_redis, {"KEYS", m_names.key("*")});
        if (keys && !keys->array.isEmpty()) {
            QByteArrayList del{"DEL"};
            for (const RedisReply &k : keys->array)
                del << k.string;
            call(*m_redis, del);
        }
    }

    // ------------------------------------------------------------ payment

    void shouldKeepTheFirstPaymentDecision()
    {
        const lab::PaymentOutcome first = payment(1, QStringLiteral("mouse"), 2, true);
        lab::PaymentOutcome second = payment(1, QStringLiteral("mouse"), 2, false, QStringLiteral("later, different"));
        QList<lab::PaymentOutcome> got;
        for (const auto &candidate : {first, second})
            decidePayment(*m_redis, m_names, m_retention, candidate, QDateTime::currentDateTimeUtc(), lab::journey::nowMicros(),
                          [&](const std::optional<lab::PaymentOutcome> &stored, const QString &error) {
                QVERIFY2(error.isEmpty(), qPrintable(error));
                QVERIFY(stored);
                got.append(*stored);
            });
        QTRY_COMPARE(got.size(), 2);
        for (const auto &stored : got) {
            QVERIFY(stored.success);
            QCOMPARE(stored.toJson(), first.toJson());
        }
    }

    // ------------------------------------------------------------ voided attempts

    // order-service answered 503 and voided the attempt, but the broker had stored the
    // record: neither payment nor inventory may act on it (lab_admit, orderstore.h).
    void shouldDropAVoidedAttemptsEvent()
    {
        const lab::OrderCreated o = order(7, QStringLiteral("lamp"), 2);
        const QByteArray createdAt = lab::isoTimestamp(o.createdAt).toUtf8();
        call(*m_redis, {"HSET", m_names.orderKey(7), "state", "void", "created_at", createdAt, "claim_at", "1"});

        std::optional<std::optional<lab::PaymentOutcome>> decided;
        decidePayment(*m_redis, m_names, m_retention, payment(7, o.item, o.quantity, true), o.createdAt, lab::journey::nowMicros(),
                      [&](const std::optional<lab::PaymentOutcome> &stored, const QString &error) {
                          QVERIFY2(error.isEmpty(), qPrintable(error));
                          decided = stored;
                      });
        QTRY_VERIFY(decided.has_value());
        QVERIFY(!decided->has_value());
        QVERIFY(call(*m_redis, {"EXISTS", m_names.paymentKey(7)})->toInteger(-1) == 0);

        const Reservation r = reserve(o, 10);
        QVERIFY(r.voided);
        QVERIFY(!r.reserved);
        QCOMPARE(stock(o.item), qint64(-1)); // the stock was not even created
        QVERIFY(call(*m_redis, {"EXISTS", m_names.reservationKey(7)})->toInteger(-1) == 0);

        // The client retried: a new pending attempt with its own created_at. The old
        // record stays refused; the new one is acted on and pins the claim (admitted).
        lab::OrderCreated retry = o;
        retry.createdAt = o.createdAt.addSecs(3);
        call(*m_redis, {"HSET", m_names.orderKey(7), "state", "pending", "created_at",
                        lab::isoTimestamp(retry.createdAt).toUtf8(), "item", "lamp", "quantity", "2"});
        QVERIFY(reserve(o, 10).voided);
        const Reservation ok = reserve(retry, 10);
        QVERIFY(!ok.voided);
        QVERIFY(ok.reserved);
        QCOMPARE(stock(o.item), qint64(8));
        QCOMPARE(call(*m_redis, {"HGET", m_names.orderKey(7), "admitted"})->string, QByteArray("1"));
    }

    // ------------------------------------------------------------ inventory

    void shouldReserveFromTheInitialStockOnce()
    {
        const Reservation a = reserve(order(1, QStringLiteral("mouse"), 2000), 5000);
        QVERIFY(a.reserved);
        QVERIFY(a.fresh);
        QCOMPARE(a.remaining, qint64(3000));
        QVERIFY(a.at.isValid());
        QCOMPARE(stock(QStringLiteral("mouse")), qint64(3000));

        // A redelivery answers the stored outcome and takes nothing.
        const Reservation again = reserve(order(1, QStringLiteral("mouse"), 2000), 5000);
        QVERIFY(again.reserved);
        QVERIFY(!again.fresh);
        QCOMPARE(again.remaining, qint64(3000));
        QCOMPARE(again.at, a.at);
        QCOMPARE(stock(QStringLiteral("mouse")), qint64(3000));

        // The initial stock applies only to the first use.
        const Reservation b = reserve(order(2, QStringLiteral("mouse"), 1000), 999999);
        QCOMPARE(b.remaining, qint64(2000));
    }

    void shouldRejectWhenStockIsShort()
    {
        QVERIFY(reserve(order(1, QStringLiteral("gpu"), 2), 3).reserved);
        const Reservation r = reserve(order(2, QStringLiteral("gpu"), 2), 3);
        QVERIFY(!r.reserved);
        QCOMPARE(r.reason, QStringLiteral("insufficient stock for gpu: 1 left, 2 requested"));
        QCOMPARE(r.remaining, qint64(1));
        QCOMPARE(stock(QStringLiteral("gpu")), qint64(1));
        // Rejected stays rejected, even once stock is back.
        call(*m_redis, {"SET", m_names.stockKey(QStringLiteral("gpu")), "100"});
        const Reservation again = reserve(order(2, QStringLiteral("gpu"), 2), 3);
        QVERIFY(!again.reserved);
        QCOMPARE(again.reason, r.reason);
        QCOMPARE(stock(QStringLiteral("gpu")), qint64(100));
    }

    void shouldNeverOversellUnderConcurrency()
    {
        int reserved = 0, rejected = 0, answered = 0;
        for (qint64 id = 1; id <= 50; ++id)
            reserveStock(*m_redis, m_names, m_retention, order(id, QStringLiteral("gpu"), 1), 10, QDateTime::currentDateTimeUtc(),
                         lab::journey::nowMicros(), [&](const Reservation &r, const QString &error) {
                             QVERIFY2(error.isEmpty(), qPrintable(error));
                             ++answered;
                             (r.reserved ? reserved : rejected)++;
                         });
        QTRY_COMPARE(answered, 50);
        QCOMPARE(reserved, 10);
        QCOMPARE(rejected, 40);
        QCOMPARE(stock(QStringLiteral("gpu")), qint64(0));
    }

    void shouldReleaseAReservationOnce()
    {
        QVERIFY(reserve(order(1, QStringLiteral("mouse"), 40), 100).reserved);
        QCOMPARE(stock(QStringLiteral("mouse")), qint64(60));
        const auto released = release(payment(1, QStringLiteral("mouse"), 40, false, QStringLiteral("too much")));
        QCOMPARE(released.first, ReleaseAction::Released);
        QCOMPARE(released.second, qint64(100));
        QCOMPARE(release(payment(1, QStringLiteral("mouse"), 40, false, QStringLiteral("x"))).first,
                 ReleaseAction::Unchanged);
        QCOMPARE(stock(QStringLiteral("mouse")), qint64(100));
        // The published inventory outcome stays what it was.
        const Reservation r = reserve(order(1, QStringLiteral("mouse"), 40), 100);
        QVERIFY(r.reserved);
        QVERIFY(!r.fresh);
        QCOMPARE(stock(QStringLiteral("mouse")), qint64(100));
    }

    void shouldCancelWhenThePaymentFailsFirst()
    {
        QCOMPARE(release(payment(7, QStringLiteral("mouse"), 5, false, QStringLiteral("x"))).first,
                 ReleaseAction::Cancelled);
        const Reservation r = reserve(order(7, QStringLiteral("mouse"), 5), 100);
        QVERIFY(!r.reserved);
        QCOMPARE(r.reason, QStringLiteral("order cancelled: payment failed"));
        QCOMPARE(stock(QStringLiteral("mouse")), qint64(-1)); // never touched, not even created
        QCOMPARE(release(payment(7, QStringLiteral("mouse"), 5, false, QStringLiteral("x"))).first,
                 ReleaseAction::Unchanged);
    }

    void shouldNotReleaseARejection()
    {
        QVERIFY(!reserve(order(3, QStringLiteral("gpu"), 5), 1).reserved);
        QCOMPARE(release(payment(3, QStringLiteral("gpu"), 5, false, QStringLiteral("x"))).first,
                 ReleaseAction::Unchanged);
        QCOMPARE(stock(QStringLiteral("gpu")), qint64(1));
    }

    // ------------------------------------------------------------ notifier

    void shouldConfirmWhenBothSucceeded()
    {
        const Correlation paid = correlateNow(outcome(OutcomeEvent::Kind::Payment, 1, true));
        QCOMPARE(paid.status, QStringLiteral("paid"));
        QVERIFY(!paid.publish);
        const Correlation done = correlateNow(outcome(OutcomeEvent::Kind::Inventory, 1, true));
        QCOMPARE(done.status, QStringLiteral("confirmed"));
        QVERIFY(done.decidedNow);
        QVERIFY(done.publish);
        QCOMPARE(done.publish->status, lab::Notification::Status::Confirmed);
        QCOMPARE(done.publish->orderId, qint64(1));
        QCOMPARE(done.publish->item, QStringLiteral("mouse"));
        QCOMPARE(done.publish->quantity, qint64(3));
        QVERIFY(done.publish->notifiedAt.isValid());

        // Decided but not marked published: a redelivery publishes again (crash recovery).
        const Correlation redelivered = correlateNow(outcome(OutcomeEvent::Kind::Payment, 1, true));
        QVERIFY(!redelivered.decidedNow);
        QVERIFY(redelivered.publish);
        QCOMPARE(redelivered.publish->toJson(), done.publish->toJson());

        QVERIFY(mark(*done.publish));
        QVERIFY(!mark(*done.publish)); // listed once
        QVERIFY(!correlateNow(outcome(OutcomeEvent::Kind::Inventory, 1, true)).publish);
        const auto list = recent();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.first().orderId, qint64(1));
    }

    void shouldFailAtTheFirstFailureWithItsReason()
    {
        const Correlation failed = correlateNow(outcome(OutcomeEvent::Kind::Inventory, 2, false,
                                                        QStringLiteral("insufficient stock for mouse: 1 left, 3 requested")));
        QVERIFY(failed.decidedNow);
        QCOMPARE(failed.status, QStringLiteral("failed"));
        QVERIFY(failed.publish);
        QCOMPARE(failed.publish->reason, QStringLiteral("insufficient stock for mouse: 1 left, 3 requested"));
        QVERIFY(mark(*failed.publish));
        // The other side arriving later changes nothing.
        const Correlation later = correlateNow(outcome(OutcomeEvent::Kind::Payment, 2, false, QStringLiteral("too much")));
        QVERIFY(!later.decidedNow);
        QVERIFY(!later.publish);
        QCOMPARE(later.status, QStringLiteral("failed"));
        const auto reason = call(*m_redis, {"HGET", m_names.orderKey(2), "reason"});
        QCOMPARE(reason->string, QByteArray("insufficient stock for mouse: 1 left, 3 requested"));
    }

    void shouldDecideOnceUnderConcurrency()
    {
        // Both outcomes, each delivered three times, all at once: one decision.
        int decided = 0, published = 0, answered = 0;
        for (int i = 0; i < 3; ++i)
            for (auto kind : {OutcomeEvent::Kind::Payment, OutcomeEvent::Kind::Inventory})
                correlate(*m_redis, m_names, m_retention, outcome(kind, 3, true), QDateTime::currentDateTimeUtc(),
                          lab::journey::nowMicros(), [&](const Correlation &c, const QString &error) {
                              QVERIFY2(error.isEmpty(), qPrintable(error));
                              ++answered;
                              decided += c.decidedNow ? 1 : 0;
                              published += c.publish ? 1 : 0;
                          });
        QTRY_COMPARE(answered, 6);
        QCOMPARE(decided, 1);
        QVERIFY(published >= 1); // every call after the decision republishes until marked
    }

    void shouldKeepOrderServiceFields()
    {
        const QByteArray key = m_names.orderKey(4);
        call(*m_redis, {"HSET", key, "item", "keyboard", "quantity", "9", "created_at", "2026-01-02T03:04:05.678Z",
                        "state", "accepted", "status", "created"});
        correlateNow(outcome(OutcomeEvent::Kind::Payment, 4, true));
        const Correlation c = correlateNow(outcome(OutcomeEvent::Kind::Inventory, 4, true));
        QVERIFY(c.publish);
        QCOMPARE(c.publish->item, QStringLiteral("keyboard"));
        QCOMPARE(c.publish->quantity, qint64(9));
        QCOMPARE(lab::isoTimestamp(c.publish->createdAt), QStringLiteral("2026-01-02T03:04:05.678Z"));
        const auto state = call(*m_redis, {"HMGET", key, "state", "item", "status", "payment", "inventory"});
        QCOMPARE(state->array.at(0).string, QByteArray("accepted"));
        QCOMPARE(state->array.at(1).string, QByteArray("keyboard"));
        QCOMPARE(state->array.at(2).string, QByteArray("confirmed"));
        QCOMPARE(state->array.at(3).string, QByteArray("success"));
        QCOMPARE(state->array.at(4).string, QByteArray("reserved"));
    }

    // ------------------------------------------------------------ retention

    // An order's keys live for the undecided window while it is open, and for
    // ORDER_RETENTION once its notification is published; stock and the recent list
    // never expire.
    void everyKeyOfAPublishedOrderShouldExpireAfterTheRetention()
    {
        m_retention.decidedMs = 60000;
        m_retention.undecidedMs = 3600000;
        const lab::OrderCreated o = order(21, QStringLiteral("mouse"), 3);
        QVERIFY(pay(payment(21, o.item, o.quantity, true), o.createdAt));
        const qint64 paymentTtl = pttl(m_names.paymentKey(21));
        QVERIFY2(paymentTtl > 60000 && paymentTtl <= 3600000, qPrintable(QString::number(paymentTtl)));
        QVERIFY(reserve(o, 100).reserved);
        const qint64 reservationTtl = pttl(m_names.reservationKey(21));
        QVERIFY2(reservationTtl > 60000 && reservationTtl <= 3600000, qPrintable(QString::number(reservationTtl)));
        correlateNow(outcome(OutcomeEvent::Kind::Payment, 21, true));
        const qint64 openTtl = pttl(m_names.orderKey(21));
        QVERIFY2(openTtl > 60000 && openTtl <= 3600000, qPrintable(QString::number(openTtl)));

        const Correlation c = correlateNow(outcome(OutcomeEvent::Kind::Inventory, 21, true));
        QVERIFY(c.decidedNow);
        // Decided but not yet published: still the undecided window (a crash now must
        // not lose the order before it is republished).
        QVERIFY(pttl(m_names.orderKey(21)) > 60000);
        QVERIFY(mark(notificationOf(c)));
        for (const QByteArray &key : {m_names.orderKey(21), m_names.paymentKey(21), m_names.reservationKey(21)}) {
            const qint64 left = pttl(key);
            QVERIFY2(left > 0 && left <= 60000, qPrintable(QStringLiteral("%1: %2").arg(QString::fromUtf8(key)).arg(left)));
        }
        QCOMPARE(pttl(m_names.stockKey(QStringLiteral("mouse"))), qint64(-1));
        QCOMPARE(pttl(m_names.recentNotificationsKey()), qint64(-1));
    }

    // A payment failure decides the order before inventory has seen it: the
    // reservation written afterwards (cancelled, then rejected) takes what is left of
    // the published order's lifetime, not the long undecided window.
    void keysWrittenAfterPublicationShouldTakeTheOrdersRemainingLifetime()
    {
        m_retention.decidedMs = 60000;
        m_retention.undecidedMs = 3600000;
        const lab::PaymentOutcome failed = payment(22, QStringLiteral("tv"), 1, false, QStringLiteral("limit"));
        QVERIFY(pay(failed, QDateTime::currentDateTimeUtc()));
        const Correlation c = correlateNow(outcome(OutcomeEvent::Kind::Payment, 22, false, QStringLiteral("limit")));
        QVERIFY(c.decidedNow);
        mark(notificationOf(c));
        QCOMPARE(release(failed).first, ReleaseAction::Cancelled);
        const qint64 cancelledTtl = pttl(m_names.reservationKey(22));
        QVERIFY2(cancelledTtl > 0 && cancelledTtl <= 60000, qPrintable(QString::number(cancelledTtl)));
        QVERIFY(!reserve(order(22, QStringLiteral("tv"), 1), 10).reserved);
        const qint64 rejectedTtl = pttl(m_names.reservationKey(22));
        QVERIFY2(rejectedTtl > 0 && rejectedTtl <= 60000, qPrintable(QString::number(rejectedTtl)));
    }

    // Without an order hash (an event published by another path), a key still expires:
    // after the undecided window.
    void aKeyWithoutAnOrderHashShouldExpireAfterTheUndecidedWindow()
    {
        m_retention.decidedMs = 60000;
        m_retention.undecidedMs = 3600000;
        QVERIFY(pay(payment(23, QStringLiteral("lamp"), 1, true), QDateTime::currentDateTimeUtc()));
        QCOMPARE(pttl(m_names.orderKey(23)), qint64(-2));
        const qint64 left = pttl(m_names.paymentKey(23));
        QVERIFY2(left > 3500000 && left <= 3600000, qPrintable(QString::number(left)));
        release(payment(24, QStringLiteral("lamp"), 1, false, QStringLiteral("x")));
        const qint64 cancelled = pttl(m_names.reservationKey(24));
        QVERIFY2(cancelled > 3500000 && cancelled <= 3600000, qPrintable(QString::number(cancelled)));
    }

    // The expiry is real: with a one-second retention the published order's keys are
    // gone shortly after, while its item's stock stays.
    void aPublishedOrdersKeysShouldBeGoneAfterTheRetention()
    {
        m_retention.decidedMs = 1000;
        m_retention.undecidedMs = 3600000;
        const lab::OrderCreated o = order(25, QStringLiteral("pen"), 1);
        QVERIFY(pay(payment(25, o.item, o.quantity, true), o.createdAt));
        QVERIFY(reserve(o, 10).reserved);
        correlateNow(outcome(OutcomeEvent::Kind::Payment, 25, true));
        mark(notificationOf(correlateNow(outcome(OutcomeEvent::Kind::Inventory, 25, true))));
        // 10 s: a hang bound only; Redis expires a key on its next access after 1 s.
        QTRY_VERIFY_WITH_TIMEOUT(call(*m_redis, {"EXISTS", m_names.orderKey(25), m_names.paymentKey(25),
                                                 m_names.reservationKey(25)})->toInteger(-1) == 0, 10000);
        QCOMPARE(stock(QStringLiteral("pen")), qint64(9));
    }

    void shouldKeepTheLastHundredNotificationsOldestFirst()
    {
        for (qint64 id = 1; id <= 105; ++id) {
            lab::Notification n;
            n.orderId = id;
            n.item = QStringLiteral("mouse");
            n.quantity = 1;
            n.createdAt = n.notifiedAt = QDateTime::currentDateTimeUtc();
            markPublished(*m_redis, m_names, m_retention, n, lab::journey::nowMicros(), [](bool, const QString &) {});
        }
        QList<lab::Notification> list;
        QTRY_VERIFY_WITH_TIMEOUT((list = recent()).size() == RecentNotifications && list.last().orderId == 105, 10000);
        QCOMPARE(list.first().orderId, qint64(6));
        QVERIFY(!list.first().backlog);
    }
};

QTEST_GUILESS_MAIN(TestOutcomeScripts)
#include "tst_outcomescripts.moc"
