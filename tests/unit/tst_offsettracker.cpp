// Unit tests for lab::OffsetTracker: which offset may be committed after which acks.
#include "lab/kafka/offsettracker.h"

#include <QTest>

#include <algorithm>

using lab::OffsetTracker;
using lab::TopicPartition;

class TestOffsetTracker : public QObject
{
    Q_OBJECT

private:
    static QList<OffsetTracker::Commit> commits(std::initializer_list<OffsetTracker::Commit> list)
    {
        return QList<OffsetTracker::Commit>(list);
    }
    const TopicPartition p0{QStringLiteral("orders"), 0};
    const TopicPartition p1{QStringLiteral("orders"), 1};
    const TopicPartition other{QStringLiteral("payments"), 0};

private slots:
    void shouldCommitNothingBeforeFirstAck()
    {
        OffsetTracker t;
        for (qint64 o = 0; o < 10; ++o)
            t.handOut(p0, o);
        QCOMPARE(t.inFlight(), 10);
        QVERIFY(!t.commitOffset(p0).has_value());
        QVERIFY(t.takeCommits().isEmpty());
        QVERIFY(t.takeUnconfirmedCommits().isEmpty());
        QVERIFY(!t.commitOffset(p1).has_value()); // never seen
    }

    void shouldCommitPastEverythingWhenAllAckedInOrder()
    {
        OffsetTracker t;
        quint64 gen = 0;
        for (qint64 o = 100; o < 105; ++o)
            gen = t.handOut(p0, o);
        for (qint64 o = 100; o < 105; ++o)
            QVERIFY(t.acknowledge(p0, o, gen));
        QCOMPARE(t.commitOffset(p0), std::optional<qint64>(105));
        QCOMPARE(t.takeCommits(), commits({{p0, 105}}));
        QVERIFY(t.takeCommits().isEmpty()); // taken already
        QCOMPARE(t.inFlight(), 0);
    }

    void shouldStopAtLowestUnacknowledgedWithOutOfOrderAcks_data()
    {
        QTest::addColumn<QList<qint64>>("acked");
        QTest::addColumn<qint64>("expected"); // -1: nothing to commit
        // handed out: 0..5
        QTest::newRow("only last") << QList<qint64>{5} << qint64(-1);
        QTest::newRow("first") << QList<qint64>{0} << qint64(1);
        QTest::newRow("reverse all") << QList<qint64>{5, 4, 3, 2, 1, 0} << qint64(6);
        QTest::newRow("hole at 2") << QList<qint64>{0, 1, 3, 4, 5} << qint64(2);
        QTest::newRow("hole at 0") << QList<qint64>{1, 2, 3, 4, 5} << qint64(-1);
        QTest::newRow("scattered") << QList<qint64>{3, 0, 1, 5} << qint64(2);
    }
    void shouldStopAtLowestUnacknowledgedWithOutOfOrderAcks()
    {
        QFETCH(QList<qint64>, acked);
        QFETCH(qint64, expected);
        OffsetTracker t;
        quint64 gen = 0;
        for (qint64 o = 0; o <= 5; ++o)
            gen = t.handOut(p0, o);
        for (qint64 o : acked)
            QVERIFY(t.acknowledge(p0, o, gen));
        const auto taken = t.takeCommits();
        if (expected < 0)
            QVERIFY(taken.isEmpty());
        else
            QCOMPARE(taken, commits({{p0, expected}}));
        QCOMPARE(t.inFlight(), 6 - int(acked.size()));
    }

    void shouldSkipOffsetGapsThatWereNeverHandedOut()
    {
        // Compaction and transaction markers leave holes in the offsets.
        OffsetTracker t;
        const quint64 gen = t.handOut(p0, 10);
        t.handOut(p0, 13);
        t.handOut(p0, 20);
        QVERIFY(t.acknowledge(p0, 10, gen));
        QCOMPARE(t.commitOffset(p0), std::optional<qint64>(13));
        QVERIFY(t.acknowledge(p0, 20, gen));
        QCOMPARE(t.commitOffset(p0), std::optional<qint64>(13));
        QVERIFY(t.acknowledge(p0, 13, gen));
        QCOMPARE(t.commitOffset(p0), std::optional<qint64>(21));
    }

    void shouldTrackPartitionsIndependently()
    {
        OffsetTracker t;
        const quint64 g0 = t.handOut(p0, 0);
        t.handOut(p0, 1);
        const quint64 g1 = t.handOut(p1, 50);
        t.handOut(p1, 51);
        const quint64 g2 = t.handOut(other, 7);
        QCOMPARE(t.inFlight(), 5);
        QVERIFY(t.acknowledge(p0, 0, g0));
        QVERIFY(t.acknowledge(p1, 51, g1));
        QVERIFY(t.acknowledge(p1, 50, g1));
        QVERIFY(t.acknowledge(other, 7, g2));
        QCOMPARE(t.inFlight(), 1);
        QCOMPARE(t.inFlight(p0), 1);
        QCOMPARE(t.inFlight(p1), 0);
        auto taken = t.takeCommits();
        std::sort(taken.begin(), taken.end(), [](const auto &a, const auto &b) {
            return a.tp.toString() < b.tp.toString();
        });
        QCOMPARE(taken, commits({{p0, 1}, {p1, 52}, {other, 8}}));
        // Offsets of one partition never acknowledge another's.
        QVERIFY(!t.acknowledge(p1, 1, g1));
        QVERIFY(!t.acknowledge(p0, 50, g0));
    }

    void shouldIgnoreAcksFromAnOlderGeneration()
    {
        OffsetTracker t;
        const quint64 old = t.handOut(p0, 0);
        t.handOut(p0, 1);
        // Rebalance: revoked, then assigned again; reading restarts at the committed 0.
        t.revoke({p0});
        QCOMPARE(t.inFlight(), 0);
        QCOMPARE(t.generation(p0), quint64(0));
        QVERIFY(!t.acknowledge(p0, 0, old)); // not tracked at all now
        const quint64 fresh = t.assign({p0, p1});
        QVERIFY(fresh != old);
        QCOMPARE(t.handOut(p0, 0), fresh);
        QVERIFY(!t.acknowledge(p0, 0, old)); // late ack of the first delivery
        QVERIFY(!t.commitOffset(p0).has_value());
        QCOMPARE(t.inFlight(), 1);
        QVERIFY(t.acknowledge(p0, 0, fresh));
        QCOMPARE(t.takeCommits(), commits({{p0, 1}}));
    }

    void shouldIgnoreDuplicateAndUnknownAcks()
    {
        OffsetTracker t;
        const quint64 gen = t.handOut(p0, 3);
        QVERIFY(!t.acknowledge(p0, 4, gen)); // never handed out
        QVERIFY(t.acknowledge(p0, 3, gen));
        QVERIFY(!t.acknowledge(p0, 3, gen)); // twice
        QVERIFY(!t.acknowledge(p1, 3, gen)); // unknown partition
        QCOMPARE(t.inFlight(), 0);
        QCOMPARE(t.commitOffset(p0), std::optional<qint64>(4));
    }

    void shouldOfferFailedCommitsAgain()
    {
        OffsetTracker t;
        const quint64 gen = t.handOut(p0, 0);
        t.handOut(p0, 1);
        QVERIFY(t.acknowledge(p0, 0, gen));
        QCOMPARE(t.takeCommits(), commits({{p0, 1}}));
        QVERIFY(t.takeCommits().isEmpty());
        t.commitFinished(p0, 1, false);
        QCOMPARE(t.takeCommits(), commits({{p0, 1}}));
        t.commitFinished(p0, 1, true);
        QCOMPARE(t.confirmedOffset(p0), qint64(1));
        QVERIFY(t.takeCommits().isEmpty());
        QVERIFY(t.takeUnconfirmedCommits().isEmpty());
    }

    void shouldResendUnconfirmedCommitsBeforeRevoke()
    {
        OffsetTracker t;
        const quint64 gen = t.handOut(p0, 0);
        const quint64 gen1 = t.handOut(p1, 0);
        QVERIFY(t.acknowledge(p0, 0, gen));
        QVERIFY(t.acknowledge(p1, 0, gen1));
        QCOMPARE(t.takeCommits().size(), 2); // sent, no answer yet
        QVERIFY(t.takeCommits().isEmpty());
        QCOMPARE(t.takeUnconfirmedCommits({p0}), commits({{p0, 1}}));
        t.commitFinished(p1, 1, true);
        QVERIFY(t.takeUnconfirmedCommits({p1}).isEmpty());
    }

    void shouldNeverMoveCommitsBackwards()
    {
        OffsetTracker t;
        const quint64 gen = t.handOut(p0, 0);
        t.handOut(p0, 1);
        QVERIFY(t.acknowledge(p0, 0, gen));
        QVERIFY(t.acknowledge(p0, 1, gen));
        QCOMPARE(t.takeCommits(), commits({{p0, 2}}));
        t.handOut(p0, 2);
        t.handOut(p0, 3);
        QVERIFY(t.acknowledge(p0, 3, gen));
        QCOMPARE(t.commitOffset(p0), std::optional<qint64>(2));
        QVERIFY(t.takeCommits().isEmpty()); // 2 was sent already
        QVERIFY(t.acknowledge(p0, 2, gen));
        QCOMPARE(t.takeCommits(), commits({{p0, 4}}));
    }

    void shouldStartANewGenerationOnReassign()
    {
        OffsetTracker t;
        const quint64 g1 = t.assign({p0});
        QCOMPARE(t.generation(p0), g1);
        t.handOut(p0, 10);
        const quint64 g2 = t.assign({p0});
        QVERIFY(g2 > g1);
        QCOMPARE(t.inFlight(), 0);
        QCOMPARE(t.generation(p0), g2);
        t.clear();
        QVERIFY(t.partitions().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestOffsetTracker)
#include "tst_offsettracker.moc"
