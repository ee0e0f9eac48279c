// tst_eventworker: lab::EventWorker's contract without a broker: records are handed to
// the handler; ack and dropped acknowledge once; retry hands the same record again
// after a backoff until it succeeds; stopIntake() abandons retries and new records;
// whenIdle() waits for running handlers. The consumer is never started: records are
// injected through its messagesReceived signal.
#include "lab/kafka/eventworker.h"
#include "lab/kafka/kafkaconsumer.h"
#include "lab/runtime/metrics.h"

#include <QTest>
#include <QTimer>

#include <optional>

using lab::EventWorker;
using Result = lab::EventWorker::Result;

namespace {

lab::KafkaMessage record(qint64 offset, const QByteArray &value = "{}")
{
    lab::KafkaMessage m;
    m.topic = QStringLiteral("tst.topic");
    m.partition = 0;
    m.offset = offset;
    m.value = value;
    return m;
}

} // namespace

class TestEventWorker : public QObject
{
    Q_OBJECT

private:
    // Never started: no connection is made.
    lab::KafkaConsumer m_consumer{QStringLiteral("127.0.0.1:1"), QStringLiteral("tst-group"),
                                  {QStringLiteral("tst.topic")}};

    void inject(const lab::KafkaMessageList &messages) { emit m_consumer.messagesReceived(messages); }

private slots:
    void init() { lab::Metrics::instance().reset(); }

    void shouldAcknowledgeHandledRecords()
    {
        QList<qint64> seen;
        EventWorker worker(QStringLiteral("tst"), &m_consumer, [&](const lab::KafkaMessage &m, EventWorker::Finish f) {
            seen.append(m.offset);
            f(Result::ack());
            f(Result::retry(QStringLiteral("late"), QStringLiteral("ignored: answered already")));
        });
        inject({record(1), record(2), record(3)});
        QCOMPARE(seen, (QList<qint64>{1, 2, 3}));
        QCOMPARE(worker.acknowledged(), quint64(3));
        QCOMPARE(worker.running(), 0);
        QCOMPARE(lab::Metrics::instance().value(QStringLiteral("lab_events_consumed_total"),
                                                QStringLiteral("topic=\"tst.topic\"")), 3.0);
        QCOMPARE(lab::Metrics::instance().value(QStringLiteral("lab_errors_total"), QStringLiteral("kind=\"late\"")), 0.0);
    }

    void shouldAcknowledgeAndCountDroppedRecords()
    {
        EventWorker worker(QStringLiteral("tst"), &m_consumer, [](const lab::KafkaMessage &, EventWorker::Finish f) {
            f(Result::dropped(QStringLiteral("malformed"), QStringLiteral("not JSON")));
        });
        inject({record(1)});
        QCOMPARE(worker.acknowledged(), quint64(1));
        QCOMPARE(lab::Metrics::instance().value(QStringLiteral("lab_errors_total"), QStringLiteral("kind=\"malformed\"")), 1.0);
    }

    void shouldRetryTheSameRecordUntilItSucceeds()
    {
        int attempts = 0;
        EventWorker worker(QStringLiteral("tst"), &m_consumer, [&](const lab::KafkaMessage &m, EventWorker::Finish f) {
            QCOMPARE(m.offset, qint64(7));
            ++attempts;
            f(attempts < 4 ? Result::retry(QStringLiteral("redis"), QStringLiteral("down")) : Result::ack());
        });
        worker.setBackoff(1, 4);
        inject({record(7)});
        QCOMPARE(worker.waitingForRetry(), 1);
        QTRY_COMPARE(worker.acknowledged(), quint64(1));
        QCOMPARE(attempts, 4);
        QCOMPARE(worker.waitingForRetry(), 0);
        QCOMPARE(lab::Metrics::instance().value(QStringLiteral("lab_errors_total"), QStringLiteral("kind=\"redis\"")), 3.0);
    }

    void shouldAnswerLaterToo()
    {
        QList<EventWorker::Finish> pending;
        EventWorker worker(QStringLiteral("tst"), &m_consumer, [&](const lab::KafkaMessage &, EventWorker::Finish f) {
            pending.append(std::move(f));
        });
        inject({record(1), record(2)});
        QCOMPARE(worker.running(), 2);
        bool idle = false;
        worker.whenIdle(5000, [&](bool drained) { idle = drained; });
        pending.takeLast()(Result::ack());
        QVERIFY(!idle);
        pending.takeLast()(Result::ack());
        QVERIFY(idle);
        QCOMPARE(worker.acknowledged(), quint64(2));
    }

    void shouldStopTakingAndRetryingOnStop()
    {
        int calls = 0;
        EventWorker worker(QStringLiteral("tst"), &m_consumer, [&](const lab::KafkaMessage &, EventWorker::Finish f) {
            ++calls;
            f(Result::retry(QStringLiteral("kafka"), QStringLiteral("down")));
        });
        worker.setBackoff(50, 50);
        inject({record(1)});
        QCOMPARE(calls, 1);
        worker.stopIntake();
        QCOMPARE(worker.waitingForRetry(), 0);
        inject({record(2)});
        // Let more than the backoff pass: the abandoned retry must not run.
        bool backoffOver = false;
        QTimer::singleShot(150, this, [&] { backoffOver = true; });
        QTRY_VERIFY(backoffOver);
        QCOMPARE(calls, 1);
        QCOMPARE(worker.acknowledged(), quint64(0));
    }

    void shouldGiveUpWaitingForIdleAfterTheTimeout()
    {
        EventWorker::Finish held;
        EventWorker worker(QStringLiteral("tst"), &m_consumer, [&](const lab::KafkaMessage &, EventWorker::Finish f) {
            held = std::move(f);
        });
        inject({record(1)});
        std::optional<bool> result;
        worker.whenIdle(20, [&](bool drained) { result = drained; });
        QTRY_VERIFY(result.has_value());
        QCOMPARE(*result, false);
        held(Result::ack()); // a late answer still counts
        QCOMPARE(worker.acknowledged(), quint64(1));
    }
};

QTEST_GUILESS_MAIN(TestEventWorker)
#include "tst_eventworker.moc"
