// Integration tests of the Kafka bridge (KafkaProducer, KafkaConsumer) against the real
// broker started by `./lab infra up`. Every test uses its own topics and groups.
#include "lab/kafka/kafkaadmin.h"
#include "lab/kafka/kafkaconsumer.h"
#include "lab/kafka/kafkaproducer.h"
#include "lab/kafka/rdkafkahandles.h"
#include "testinfra.h"

#include <QElapsedTimer>
#include <QSet>
#include <QSignalSpy>
#include <QScopeGuard>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>

using lab::KafkaConsumer;
using lab::KafkaError;
using lab::KafkaMessage;
using lab::KafkaMessageList;
using lab::KafkaProducer;

namespace {

constexpr int kWaitMs = 30000;

/// Creates a topic with the given number of partitions (Admin API), bounded.
QString createTopic(const QString &name, int partitions)
{
    char errstr[512];
    lab::rdk::ConfPtr conf(rd_kafka_conf_new());
    rd_kafka_conf_set(conf.get(), "bootstrap.servers", labtest::kafkaBrokers().toUtf8().constData(),
                      errstr, sizeof errstr);
    rd_kafka_conf_set(conf.get(), "log_level", "3", errstr, sizeof errstr);
    lab::rdk::HandlePtr rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr));
    if (!rk)
        return QString::fromUtf8(errstr);
    conf.release();
    lab::rdk::NewTopicPtr topic(rd_kafka_NewTopic_new(name.toUtf8().constData(), partitions, 1,
                                                      errstr, sizeof errstr));
    if (!topic)
        return QString::fromUtf8(errstr);
    lab::rdk::QueuePtr queue(rd_kafka_queue_new(rk.get()));
    lab::rdk::AdminOptionsPtr options(rd_kafka_AdminOptions_new(rk.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS));
    rd_kafka_AdminOptions_set_operation_timeout(options.get(), 15000, errstr, sizeof errstr);
    rd_kafka_NewTopic_t *topics[] = {topic.get()};
    rd_kafka_CreateTopics(rk.get(), topics, 1, options.get(), queue.get());
    lab::rdk::EventPtr ev(rd_kafka_queue_poll(queue.get(), 20000));
    if (!ev)
        return QStringLiteral("CreateTopics timed out");
    if (rd_kafka_event_error(ev.get()))
        return QString::fromUtf8(rd_kafka_event_error_string(ev.get()));
    size_t n = 0;
    const rd_kafka_topic_result_t **results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev.get()), &n);
    for (size_t i = 0; i < n; ++i) {
        const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
        if (err && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
            return QString::fromUtf8(rd_kafka_topic_result_error_string(results[i]));
    }
    return {};
}

/// The offset the group committed for topic[partition], -1001 (invalid) when none.
qint64 committedOffset(const QString &group, const QString &topic, int partition)
{
    char errstr[512];
    lab::rdk::ConfPtr conf(rd_kafka_conf_new());
    rd_kafka_conf_set(conf.get(), "bootstrap.servers", labtest::kafkaBrokers().toUtf8().constData(),
                      errstr, sizeof errstr);
    rd_kafka_conf_set(conf.get(), "group.id", group.toUtf8().constData(), errstr, sizeof errstr);
    lab::rdk::HandlePtr rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr, sizeof errstr));
    if (!rk)
        return -2;
    conf.release();
    lab::rdk::PartitionListPtr list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), topic.toUtf8().constData(), partition);
    if (rd_kafka_committed(rk.get(), list.get(), 10000))
        return -2;
    const qint64 offset = list->elems[0].offset;
    rd_kafka_consumer_close(rk.get());
    return offset;
}

/// The end offset (high watermark) of partitions 0..n-1 of topic; empty on an error.
QList<qint64> highWatermarks(const QString &topic, int partitions)
{
    char errstr[512];
    lab::rdk::ConfPtr conf(rd_kafka_conf_new());
    rd_kafka_conf_set(conf.get(), "bootstrap.servers", labtest::kafkaBrokers().toUtf8().constData(),
                      errstr, sizeof errstr);
    lab::rdk::HandlePtr rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr));
    if (!rk)
        return {};
    conf.release();
    QList<qint64> out;
    for (int p = 0; p < partitions; ++p) {
        int64_t low = 0, high = 0;
        if (rd_kafka_query_watermark_offsets(rk.get(), topic.toUtf8().constData(), p, &low, &high, 10000))
            return {};
        out.append(high);
    }
    return out;
}

/// Collects what a consumer hands out and optionally acknowledges it at once.
struct Collector
{
    KafkaMessageList messages;
    QStringList assignment;
    int assignments = 0;

    void attach(KafkaConsumer *consumer, bool autoAck)
    {
        QObject::connect(consumer, &KafkaConsumer::messagesReceived, consumer,
                         [this, consumer, autoAck](const KafkaMessageList &batch) {
                             messages += batch;
                             if (autoAck)
                                 for (const KafkaMessage &m : batch)
                                     consumer->acknowledge(m);
                         });
        QObject::connect(consumer, &KafkaConsumer::assignmentChanged, consumer,
                         [this](const QStringList &a) {
                             assignment = a;
                             ++assignments;
                         });
    }
};

/// Produces count records "<prefix><i>" keyed "k<i>" and waits until all are reported.
bool produceAll(KafkaProducer &producer, const QString &topic, int count, const QString &prefix = QStringLiteral("m"))
{
    int ok = 0, failed = 0;
    for (int i = 0; i < count; ++i)
        producer.produce(topic, QByteArray("k") + QByteArray::number(i),
                         (prefix + QString::number(i)).toUtf8(),
                         [&](const KafkaError &e, qint32, qint64) { e ? ++failed : ++ok; });
    producer.flush(kWaitMs); // runs the completions of everything delivered
    if (failed)
        qWarning("%d of %d records failed", failed, count);
    return ok == count;
}

QMap<QString, QString> consumerConfig()
{
    // Short sessions so a member that vanishes without leaving does not stall later tests.
    return {{QStringLiteral("session.timeout.ms"), QStringLiteral("6000")},
            {QStringLiteral("heartbeat.interval.ms"), QStringLiteral("500")}};
}

} // namespace

class TestKafka : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        LAB_REQUIRE_KAFKA();
    }

    void shouldReportDeliveryAndConsumeTheRecord()
    {
        LAB_REQUIRE_KAFKA();
        const QString topic = labtest::uniqueName(QStringLiteral("tst-kafka-rt"));
        QCOMPARE(createTopic(topic, 1), QString());

        KafkaProducer producer(labtest::kafkaBrokers());
        QVERIFY2(producer.isValid(), qPrintable(producer.creationError().toString()));
        bool returned = false, ranBeforeReturn = false, onOwnerThread = false, done = false;
        KafkaError error = KafkaError::local(QStringLiteral("not reported"));
        qint32 partition = -1;
        qint64 offset = -1;
        producer.produce(topic, "key-1", "value-1", [&](const KafkaError &e, qint32 p, qint64 o) {
            ranBeforeReturn = !returned;
            onOwnerThread = QThread::currentThread() == producer.thread();
            error = e;
            partition = p;
            offset = o;
            done = true;
        });
        returned = true;
        QCOMPARE(producer.inFlight(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(done, kWaitMs);
        QVERIFY2(error.isOk(), qPrintable(error.toString()));
        QVERIFY(!ranBeforeReturn);
        QVERIFY(onOwnerThread);
        QCOMPARE(partition, 0);
        QCOMPARE(offset, qint64(0));
        QCOMPARE(producer.inFlight(), 0);

        const QString group = labtest::uniqueName(QStringLiteral("tst-grp-rt"));
        KafkaConsumer consumer(labtest::kafkaBrokers(), group, {topic}, consumerConfig());
        QVERIFY2(consumer.isValid(), qPrintable(consumer.creationError().toString()));
        QSignalSpy committed(&consumer, &KafkaConsumer::committed);
        Collector c;
        c.attach(&consumer, true);
        consumer.start();
        QVERIFY(consumer.isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(c.messages.size(), 1, kWaitMs);
        const KafkaMessage &m = c.messages.first();
        QCOMPARE(m.topic, topic);
        QCOMPARE(m.partition, 0);
        QCOMPARE(m.offset, qint64(0));
        QCOMPARE(m.key, QByteArray("key-1"));
        QCOMPARE(m.value, QByteArray("value-1"));
        QVERIFY(m.timestampMs > 0);
        QVERIFY(m.generation > 0);
        QTRY_VERIFY_WITH_TIMEOUT(!committed.isEmpty(), kWaitMs); // queued after commitsDone counts
        QVERIFY(consumer.commitsDone() >= 1);
        QVERIFY(committed.first().first().value<KafkaError>().isOk());
        QCOMPARE(consumer.inFlight(), 0);
        QCOMPARE(committedOffset(group, topic, 0), qint64(1));
        consumer.stop();
        QVERIFY(!consumer.isRunning());
    }

    // Record headers go through the bridge both ways, in order, a repeated name and an
    // empty value included (the journey's traceparent and lab-hop-* stamps ride on them),
    // and the inspector reads them back in a tail.
    void shouldCarryRecordHeaders()
    {
        LAB_REQUIRE_KAFKA();
        const QString topic = labtest::uniqueName(QStringLiteral("tst-kafka-hdr"));
        QCOMPARE(createTopic(topic, 1), QString());
        KafkaProducer producer(labtest::kafkaBrokers());
        const lab::KafkaHeaders headers{{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
                                        {"lab-hop-received", "1795618276123000"},
                                        {"dup", "first"}, {"dup", "second"}, {"empty", ""}};
        int delivered = 0;
        producer.produce(topic, "k", "with", headers, [&](const KafkaError &e, qint32, qint64) { delivered += e ? 0 : 1; });
        producer.produce(topic, "k", "without", [&](const KafkaError &e, qint32, qint64) { delivered += e ? 0 : 1; });
        QTRY_COMPARE_WITH_TIMEOUT(delivered, 2, kWaitMs);

        KafkaConsumer consumer(labtest::kafkaBrokers(), labtest::uniqueName(QStringLiteral("tst-grp-hdr")), {topic},
                               consumerConfig());
        Collector c;
        c.attach(&consumer, true);
        consumer.start();
        QTRY_COMPARE_WITH_TIMEOUT(c.messages.size(), 2, kWaitMs);
        QCOMPARE(c.messages.at(0).headers, headers);
        QCOMPARE(c.messages.at(0).header("dup"), QByteArray("second"));
        QVERIFY(c.messages.at(0).header("absent").isNull());
        QVERIFY(c.messages.at(1).headers.isEmpty());
        consumer.stop();

        lab::kafkaadmin::Inspector inspector(labtest::kafkaBrokers());
        KafkaMessageList tail;
        const KafkaError e = inspector.tail(topic, 5, kWaitMs, &tail);
        QVERIFY2(e.isOk(), qPrintable(e.toString()));
        QCOMPARE(tail.size(), 2);
        QCOMPARE(tail.at(0).value, QByteArray("with"));
        QCOMPARE(tail.at(0).headers, headers);
        QCOMPARE(tail.at(1).value, QByteArray("without"));
        KafkaMessageList one;
        QVERIFY(inspector.tail(topic, 1, kWaitMs, &one).isOk());
        QCOMPARE(one.size(), 1);
        QCOMPARE(one.at(0).value, QByteArray("without"));
    }

    // A Broadcast reader (notifier-service's fan-out) starts a given number of records
    // before the end offsets it finds, emits caughtUp() once it has handed those out,
    // and then reads every record Kafka stores. Records flow the whole time; several
    // readers start one after the other. Each must get every record whose delivery was
    // reported after its caughtUp() (a delivery report can arrive after the broker
    // stored the record: the history covers that gap), none from further back than its
    // history, and commit nothing. Resolving "the end" lazily (auto.offset.reset=latest,
    // a logical OFFSET_END) skips records stored right after the signal.
    void broadcastReaderGetsEveryRecordStoredAfterItCaughtUp()
    {
        LAB_REQUIRE_KAFKA();
        constexpr int kPartitions = 6, kHistory = 50;
        const QString topic = labtest::uniqueName(QStringLiteral("tst-kafka-bc"));
        QCOMPARE(createTopic(topic, kPartitions), QString());
        // The stream: values in the order their deliveries were reported (declared
        // before the producer, whose destructor runs the last completions).
        QStringList acked;
        int sent = 0, failed = 0;
        KafkaProducer producer(labtest::kafkaBrokers());
        QVERIFY2(producer.isValid(), qPrintable(producer.creationError().toString()));
        QVERIFY(produceAll(producer, topic, 600, QStringLiteral("old")));
        QTimer stream;
        stream.setInterval(1);
        QObject::connect(&stream, &QTimer::timeout, &producer, [&] {
            const QByteArray value = "live" + QByteArray::number(sent);
            producer.produce(topic, "k" + QByteArray::number(sent++), value,
                             [&acked, &failed, value](const KafkaError &e, qint32, qint64) {
                                 if (e)
                                     ++failed;
                                 else
                                     acked.append(QString::fromUtf8(value));
                             });
        });
        stream.start();
        for (int round = 0; round < 5; ++round) {
            const QList<qint64> endBefore = highWatermarks(topic, kPartitions);
            QCOMPARE(endBefore.size(), kPartitions);
            const QString group = labtest::uniqueName(QStringLiteral("tst-grp-bc"));
            KafkaConsumer reader(labtest::kafkaBrokers(), group, {topic});
            reader.setMode(KafkaConsumer::Mode::Broadcast);
            reader.setBroadcastHistory(kHistory);
            QSet<QString> received;
            QList<qint64> lowestRead(kPartitions, std::numeric_limits<qint64>::max());
            QObject::connect(&reader, &KafkaConsumer::messagesReceived, &reader, [&](const KafkaMessageList &batch) {
                for (const KafkaMessage &m : batch) {
                    received.insert(QString::fromUtf8(m.value));
                    lowestRead[m.partition] = std::min(lowestRead[m.partition], m.offset);
                    reader.acknowledge(m);
                }
            });
            qsizetype ackedBefore = -1;
            QObject::connect(&reader, &KafkaConsumer::caughtUp, &reader, [&] { ackedBefore = acked.size(); });
            QVERIFY(!reader.isCaughtUp());
            reader.start();
            QTRY_VERIFY_WITH_TIMEOUT(ackedBefore >= 0, kWaitMs);
            QVERIFY(reader.isCaughtUp());
            QTRY_VERIFY_WITH_TIMEOUT(acked.size() > ackedBefore + 200, kWaitMs); // more flow after it
            const QStringList expected = acked.mid(ackedBefore);
            QTRY_VERIFY_WITH_TIMEOUT(std::all_of(expected.cbegin(), expected.cend(),
                                                 [&](const QString &v) { return received.contains(v); }),
                                     kWaitMs);
            for (int p = 0; p < kPartitions; ++p)
                QVERIFY2(lowestRead[p] >= endBefore[p] - kHistory,
                         qPrintable(QStringLiteral("partition %1 read from offset %2, its end was %3 before the "
                                                   "reader started (history %4)")
                                        .arg(p).arg(lowestRead[p]).arg(endBefore[p]).arg(kHistory)));
            reader.stop(5000);
            QCOMPARE(committedOffset(group, topic, 0), qint64(RD_KAFKA_OFFSET_INVALID)); // no group, no commits
        }
        stream.stop();
        producer.flush(kWaitMs);
        QCOMPARE(failed, 0);
    }

    void shouldCompleteImmediateFailuresLaterOnTheOwnerThread()
    {
        LAB_REQUIRE_KAFKA();
        KafkaProducer producer(labtest::kafkaBrokers());
        QVERIFY(producer.isValid());
        // Larger than message.max.bytes: rejected inside rd_kafka_producev() already.
        const QByteArray huge(2 * 1024 * 1024, 'x');
        bool returned = false, ranBeforeReturn = false, onOwnerThread = false;
        int calls = 0;
        KafkaError error;
        producer.produce(labtest::uniqueName(QStringLiteral("tst-kafka-big")), "k", huge,
                         [&](const KafkaError &e, qint32, qint64 o) {
                             ranBeforeReturn = !returned;
                             onOwnerThread = QThread::currentThread() == producer.thread();
                             error = e;
                             QCOMPARE(o, qint64(-1));
                             ++calls;
                         });
        returned = true;
        QCOMPARE(calls, 0);
        QCOMPARE(producer.inFlight(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(calls, 1, kWaitMs);
        QVERIFY(!ranBeforeReturn);
        QVERIFY(onOwnerThread);
        QVERIFY(error);
        QCOMPARE(error.code(), int(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE));
        QVERIFY(!error.isRetriable());
        QCOMPARE(producer.inFlight(), 0);
    }

    void shouldDeliverAndConsumeManyRecords()
    {
        LAB_REQUIRE_KAFKA();
        const int count = 5000;
        const QString topic = labtest::uniqueName(QStringLiteral("tst-kafka-many"));
        QCOMPARE(createTopic(topic, 6), QString());
        KafkaProducer producer(labtest::kafkaBrokers());
        QSet<QPair<qint32, qint64>> reported;
        int failed = 0;
        for (int i = 0; i < count; ++i)
            producer.produce(topic, QByteArray::number(i), "many-" + QByteArray::number(i),
                             [&](const KafkaError &e, qint32 p, qint64 o) {
                                 if (e)
                                     ++failed;
                                 else
                                     reported.insert({p, o});
                             });
        QTRY_COMPARE_WITH_TIMEOUT(reported.size() + failed, count, kWaitMs);
        QCOMPARE(failed, 0);
        QCOMPARE(producer.inFlight(), 0);

        const QString group = labtest::uniqueName(QStringLiteral("tst-grp-many"));
        KafkaConsumer consumer(labtest::kafkaBrokers(), group, {topic}, consumerConfig());
        consumer.setMaxBatch(200);
        Collector c;
        c.attach(&consumer, true);
        int largestBatch = 0;
        connect(&consumer, &KafkaConsumer::messagesReceived, this,
                [&](const KafkaMessageList &b) { largestBatch = std::max(largestBatch, int(b.size())); });
        consumer.start();
        QTRY_COMPARE_WITH_TIMEOUT(c.messages.size(), count, kWaitMs);
        QVERIFY(largestBatch <= 200);
        QSet<QPair<qint32, qint64>> consumed;
        QSet<QByteArray> values;
        for (const KafkaMessage &m : std::as_const(c.messages)) {
            consumed.insert({m.partition, m.offset});
            values.insert(m.value);
        }
        QCOMPARE(consumed, reported);
        QCOMPARE(values.size(), count);
        QTRY_COMPARE_WITH_TIMEOUT(consumer.inFlight(), 0, kWaitMs);
        consumer.stop();
    }

    void shouldResumeAfterTheLastAcknowledgedRecord_data()
    {
        QTest::addColumn<QList<int>>("acked"); // offsets acknowledged by the first member
        QTest::addColumn<int>("resumeAt");
        QTest::newRow("first 7 in order") << QList<int>{0, 1, 2, 3, 4, 5, 6} << 7;
        QTest::newRow("none") << QList<int>{} << 0;
        QTest::newRow("out of order with a hole at 3")
            << QList<int>{9, 5, 0, 2, 1, 4, 19, 6} << 3;
        QTest::newRow("all in reverse") << [] { QList<int> l; for (int i = 19; i >= 0; --i) l << i; return l; }()
                                        << 20;
    }
    void shouldResumeAfterTheLastAcknowledgedRecord()
    {
        LAB_REQUIRE_KAFKA();
        QFETCH(QList<int>, acked);
        QFETCH(int, resumeAt);
        const int count = 20;
        const QString topic = labtest::uniqueName(QStringLiteral("tst-kafka-resume"));
        QCOMPARE(createTopic(topic, 1), QString());
        KafkaProducer producer(labtest::kafkaBrokers());
        QVERIFY(produceAll(producer, topic, count));

        const QString group = labtest::uniqueName(QStringLiteral("tst-grp-resume"));
        {
            KafkaConsumer first(labtest::kafkaBrokers(), group, {topic}, consumerConfig());
            Collector c;
            c.attach(&first, false);
            first.start();
            QTRY_COMPARE_WITH_TIMEOUT(c.messages.size(), count, kWaitMs);
            QCOMPARE(first.inFlight(), count);
            for (int offset : acked)
                first.acknowledge(c.messages.at(offset));
            QCOMPARE(first.inFlight(), count - int(acked.size()));
            first.stop();
        }
        QCOMPARE(committedOffset(group, topic, 0), resumeAt == 0 ? qint64(RD_KAFKA_OFFSET_INVALID)
                                                                 : qint64(resumeAt));
        if (resumeAt == count)
            return; // nothing left to redeliver

        KafkaConsumer second(labtest::kafkaBrokers(), group, {topic}, consumerConfig());
        Collector c2;
        c2.attach(&second, true);
        second.start();
        QTRY_COMPARE_WITH_TIMEOUT(c2.messages.size(), count - resumeAt, kWaitMs);
        QCOMPARE(c2.messages.first().offset, qint64(resumeAt));
        QCOMPARE(c2.messages.first().value, "m" + QByteArray::number(resumeAt));
        QCOMPARE(c2.messages.last().offset, qint64(count - 1));
        second.stop();
        QCOMPARE(committedOffset(group, topic, 0), qint64(count));
    }

    void shouldCommitAcknowledgedOffsetsOnCleanStop()
    {
        LAB_REQUIRE_KAFKA();
        const QString topic = labtest::uniqueName(QStringLiteral("tst-kafka-stop"));
        QCOMPARE(createTopic(topic, 2), QString());
        KafkaProducer producer(labtest::kafkaBrokers());
        QVERIFY(produceAll(producer, topic, 30));

        const QString group = labtest::uniqueName(QStringLiteral("tst-grp-stop"));
        KafkaConsumer consumer(labtest::kafkaBrokers(), group, {topic}, consumerConfig());
        consumer.setCommitIntervalMs(3600 * 1000); // only stop() commits
        Collector c;
        c.attach(&consumer, true);
        consumer.start();
        QTRY_COMPARE_WITH_TIMEOUT(c.messages.size(), 30, kWaitMs);
        QCOMPARE(consumer.commitsDone(), quint64(0));
        QMap<int, qint64> next;
        for (const KafkaMessage &m : std::as_const(c.messages))
            next[m.partition] = std::max(next.value(m.partition), m.offset + 1);
        QElapsedTimer t;
        t.start();
        consumer.stop(5000);
        QVERIFY(t.elapsed() < 6000);
        QCOMPARE(consumer.commitsDone(), quint64(next.size()));
        for (auto it = next.cbegin(); it != next.cend(); ++it)
            QCOMPARE(committedOffset(group, topic, it.key()), it.value());

        // Restartable: a second start() of the same object resumes where it stopped.
        producer.produce(topic, "k-after", "after-stop", [](const KafkaError &, qint32, qint64) {});
        QCOMPARE(producer.flush(10000), 0);
        consumer.start();
        QTRY_COMPARE_WITH_TIMEOUT(c.messages.size(), 31, kWaitMs);
        QCOMPARE(c.messages.last().value, QByteArray("after-stop"));
        consumer.stop();
    }

    void shouldSplitPartitionsBetweenGroupMembers()
    {
        LAB_REQUIRE_KAFKA();
        const int partitions = 4, count = 400;
        const QString topic = labtest::uniqueName(QStringLiteral("tst-kafka-split"));
        QCOMPARE(createTopic(topic, partitions), QString());
        const QString group = labtest::uniqueName(QStringLiteral("tst-grp-split"));
        KafkaConsumer a(labtest::kafkaBrokers(), group, {topic}, consumerConfig());
        KafkaConsumer b(labtest::kafkaBrokers(), group, {topic}, consumerConfig());
        Collector ca, cb;
        ca.attach(&a, true);
        cb.attach(&b, true);
        a.start();
        QTRY_COMPARE_WITH_TIMEOUT(ca.assignment.size(), partitions, kWaitMs);
        b.start();
        // Wait until the group settled: both own something, nothing twice, all owned.
        QTRY_VERIFY_WITH_TIMEOUT(!ca.assignment.isEmpty() && !cb.assignment.isEmpty()
                                     && ca.assignment.size() + cb.assignment.size() == partitions
                                     && !QSet<QString>(ca.assignment.cbegin(), ca.assignment.cend())
                                             .intersects(QSet<QString>(cb.assignment.cbegin(), cb.assignment.cend())),
                                 kWaitMs);

        KafkaProducer producer(labtest::kafkaBrokers());
        QVERIFY(produceAll(producer, topic, count, QStringLiteral("split-")));
        QTRY_COMPARE_WITH_TIMEOUT(ca.messages.size() + cb.messages.size(), count, kWaitMs);
        QVERIFY(!ca.messages.isEmpty());
        QVERIFY(!cb.messages.isEmpty());
        QSet<QByteArray> values;
        for (const KafkaMessage &m : std::as_const(ca.messages)) {
            QVERIFY(ca.assignment.contains(QStringLiteral("%1[%2]").arg(topic).arg(m.partition)));
            values.insert(m.value);
        }
        for (const KafkaMessage &m : std::as_const(cb.messages)) {
            QVERIFY(cb.assignment.contains(QStringLiteral("%1[%2]").arg(topic).arg(m.partition)));
            values.insert(m.value);
        }
        QCOMPARE(values.size(), count); // every record once, none twice
        a.stop();
        b.stop();
    }

    void shouldPauseAtMaxInFlight_data()
    {
        QTest::addColumn<int>("holdMs");
        QTest::addColumn<int>("count");
        QTest::addColumn<bool>("pauses");
        // A brief hold: the poll loop waits at the limit. A hold over a second: the
        // partitions are paused (prefetched records dropped) and resumed.
        QTest::newRow("brief hold, waits") << 100 << 300 << false;
        QTest::newRow("long hold, pauses") << 1500 << 150 << true;
    }

    void shouldPauseAtMaxInFlight()
    {
        LAB_REQUIRE_KAFKA();
        QFETCH(int, holdMs);
        QFETCH(int, count);
        QFETCH(bool, pauses);
        const int limit = 50;
        // The consumer says when it pauses its partitions (from its poll thread).
        static std::atomic<int> pausesLogged;
        static QtMessageHandler previous;
        pausesLogged = 0;
        previous = qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &context, const QString &m) {
            if (m.contains(QLatin1String("paused fetching")))
                ++pausesLogged;
            if (previous)
                previous(type, context, m);
        });
        const auto restoreHandler = qScopeGuard([] { qInstallMessageHandler(previous); });
        const QString topic = labtest::uniqueName(QStringLiteral("tst-kafka-bp"));
        QCOMPARE(createTopic(topic, 1), QString());
        KafkaProducer producer(labtest::kafkaBrokers());
        QVERIFY(produceAll(producer, topic, count));

        const QString group = labtest::uniqueName(QStringLiteral("tst-grp-bp"));
        KafkaConsumer consumer(labtest::kafkaBrokers(), group, {topic}, consumerConfig());
        consumer.setMaxInFlight(limit);
        KafkaMessageList received, unacked;
        int maxOutstanding = 0;
        connect(&consumer, &KafkaConsumer::messagesReceived, this, [&](const KafkaMessageList &batch) {
            received += batch;
            unacked += batch;
            maxOutstanding = std::max(maxOutstanding, consumer.inFlight());
            if (consumer.inFlight() >= limit) {
                // Hold the records a while, as a slow handler would, then release them all.
                QTimer::singleShot(holdMs, &consumer, [&] {
                    for (const KafkaMessage &m : std::as_const(unacked))
                        consumer.acknowledge(m);
                    unacked.clear();
                });
            }
        });
        consumer.start();
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), count, kWaitMs);
        QVERIFY2(maxOutstanding <= limit, qPrintable(QString::number(maxOutstanding)));
        for (int i = 0; i < count; ++i) // paused and resumed without skipping or repeating
            QCOMPARE(received.at(i).offset, qint64(i));
        consumer.stop();
        if (pauses)
            QVERIFY2(pausesLogged > 0, "the limit held over a second and the partitions were never paused");
        else
            QCOMPARE(pausesLogged.load(), 0); // brief holds are waited out, never paused
    }

    void shouldFailCompletionWhenBrokerIsUnreachable()
    {
        const QString bogus = QStringLiteral("127.0.0.1:%1").arg(labtest::freePort());
        auto producer = std::make_unique<KafkaProducer>(
            bogus, QMap<QString, QString>{{QStringLiteral("message.timeout.ms"), QStringLiteral("1500")}});
        QVERIFY(producer->isValid());
        QSignalSpy clientErrors(producer.get(), &KafkaProducer::clientError);
        int calls = 0;
        KafkaError error;
        producer->produce(QStringLiteral("nowhere"), "k", "v", [&](const KafkaError &e, qint32, qint64) {
            error = e;
            ++calls;
        });
        QTRY_COMPARE_WITH_TIMEOUT(calls, 1, 15000);
        QVERIFY(error);
        QVERIFY2(error.isRetriable(), qPrintable(error.toString()));
        QCOMPARE(error.code(), int(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT));
        QVERIFY(!error.isFatal());
        QTRY_VERIFY_WITH_TIMEOUT(!clientErrors.isEmpty(), 15000);
        QCOMPARE(producer->inFlight(), 0);

        // A record still queued at destruction completes too, within the flush bound.
        producer->setFlushTimeoutMs(300);
        int lateCalls = 0;
        KafkaError lateError;
        producer->produce(QStringLiteral("nowhere"), "k", "v", [&](const KafkaError &e, qint32, qint64) {
            lateError = e;
            ++lateCalls;
        });
        QElapsedTimer t;
        t.start();
        producer.reset();
        QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(lateCalls, 1);
        QVERIFY(lateError);
    }

    void shouldCheckConnection()
    {
        LAB_REQUIRE_KAFKA();
        KafkaProducer real(labtest::kafkaBrokers());
        const KafkaError ok = real.checkConnection(5000);
        QVERIFY2(ok.isOk(), qPrintable(ok.toString()));

        KafkaProducer bogus(QStringLiteral("127.0.0.1:%1").arg(labtest::freePort()));
        QElapsedTimer t;
        t.start();
        const KafkaError down = bogus.checkConnection(1000);
        QVERIFY(t.elapsed() < 3000);
        QVERIFY(down);
        QVERIFY2(down.isRetriable(), qPrintable(down.toString()));
    }

    void shouldFlushEveryRecordOnDestruction()
    {
        LAB_REQUIRE_KAFKA();
        const QString topic = labtest::uniqueName(QStringLiteral("tst-kafka-flush"));
        QCOMPARE(createTopic(topic, 3), QString());
        int ok = 0, failed = 0, calls = 0;
        {
            KafkaProducer producer(labtest::kafkaBrokers());
            for (int i = 0; i < 200; ++i)
                producer.produce(topic, {}, QByteArray::number(i), [&](const KafkaError &e, qint32, qint64) {
                    ++calls;
                    e ? ++failed : ++ok;
                });
        } // destructor flushes: every completion runs, exactly once, before it returns
        QCOMPARE(calls, 200);
        QCOMPARE(ok, 200);
        QCOMPARE(failed, 0);
    }

    void shouldReportInvalidTopicAsError()
    {
        LAB_REQUIRE_KAFKA();
        KafkaProducer producer(labtest::kafkaBrokers(),
                               {{QStringLiteral("message.timeout.ms"), QStringLiteral("5000")}});
        int calls = 0;
        KafkaError error;
        producer.produce(QStringLiteral("not a valid topic!"), "k", "v", [&](const KafkaError &e, qint32, qint64) {
            error = e;
            ++calls;
        });
        QTRY_COMPARE_WITH_TIMEOUT(calls, 1, 15000);
        QVERIFY(error);
        QCOMPARE(error.code(), int(RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION));
        QVERIFY(!error.isRetriable());
        QVERIFY(error.message().contains(QStringLiteral("not a valid topic!")));
    }

    // Every contract topic is created with its retention (time and bytes, segment size
    // and age: kafkaadmin::topicConfig), an operator's LAB_KAFKA_TOPIC_CONFIG wins, and
    // a topic made without them gets them from alterTopicConfig (lab-admin create-topics).
    void contractTopicsShouldBeCreatedWithTheirRetention()
    {
        LAB_REQUIRE_KAFKA();
        const lab::Names names(labtest::uniqueName(QStringLiteral("tst-kafka-retention")));
        const QStringList topics = lab::kafkaadmin::contractTopics(names);
        auto dropTopics = qScopeGuard([&] { lab::kafkaadmin::deleteTopics(labtest::kafkaBrokers(), topics, 15000); });
        QVERIFY(!qEnvironmentVariableIsSet(lab::kafkaadmin::TopicConfigVariable));
        const QMap<QString, QString> expected{{QStringLiteral("retention.ms"), QStringLiteral("259200000")},
                                              {QStringLiteral("retention.bytes"), QStringLiteral("134217728")},
                                              {QStringLiteral("segment.bytes"), QStringLiteral("33554432")},
                                              {QStringLiteral("segment.ms"), QStringLiteral("86400000")}};
        QCOMPARE(lab::kafkaadmin::topicConfig(), expected);
        const KafkaError created = lab::kafkaadmin::ensureContractTopics(labtest::kafkaBrokers(), names, 15000);
        QVERIFY2(!created, qPrintable(created.toString()));
        for (const QString &t : topics) {
            KafkaError error;
            const QMap<QString, QString> got = lab::kafkaadmin::topicOverrides(labtest::kafkaBrokers(), t, &error, 15000);
            QVERIFY2(!error, qPrintable(error.toString()));
            QCOMPARE(got, expected);
        }

        qputenv(lab::kafkaadmin::TopicConfigVariable, "retention.ms=60000,segment.ms=10000");
        const QMap<QString, QString> soak = lab::kafkaadmin::topicConfig();
        qunsetenv(lab::kafkaadmin::TopicConfigVariable);
        QCOMPARE(soak.value(QStringLiteral("retention.ms")), QStringLiteral("60000"));
        QCOMPARE(soak.value(QStringLiteral("segment.ms")), QStringLiteral("10000"));
        QCOMPARE(soak.value(QStringLiteral("retention.bytes")), QStringLiteral("134217728"));

        // A topic an older lab made without settings converges.
        const QString bare = topics.first() + QStringLiteral(".bare");
        auto dropBare = qScopeGuard([&] { lab::kafkaadmin::deleteTopics(labtest::kafkaBrokers(), {bare}, 15000); });
        QVERIFY(!lab::kafkaadmin::ensureTopics(labtest::kafkaBrokers(), {bare}, 1, 15000, {}));
        KafkaError error;
        QVERIFY(lab::kafkaadmin::topicOverrides(labtest::kafkaBrokers(), bare, &error, 15000).isEmpty());
        QVERIFY2(!error, qPrintable(error.toString()));
        const KafkaError altered = lab::kafkaadmin::alterTopicConfig(labtest::kafkaBrokers(), {bare}, soak, 15000);
        QVERIFY2(!altered, qPrintable(altered.toString()));
        QCOMPARE(lab::kafkaadmin::topicOverrides(labtest::kafkaBrokers(), bare, &error, 15000), soak);
    }

    void shouldRejectBadConfiguration()
    {
        KafkaProducer producer(labtest::kafkaBrokers(), {{QStringLiteral("no.such.setting"), QStringLiteral("1")}});
        QVERIFY(!producer.isValid());
        QVERIFY(producer.creationError().isFatal());
        QVERIFY(producer.creationError().message().contains(QStringLiteral("no.such.setting")));
        int calls = 0;
        producer.produce(QStringLiteral("t"), "k", "v", [&](const KafkaError &e, qint32, qint64) {
            QVERIFY(e);
            ++calls;
        });
        QCOMPARE(calls, 0);
        QTRY_COMPARE_WITH_TIMEOUT(calls, 1, 5000);

        KafkaConsumer consumer(labtest::kafkaBrokers(), QStringLiteral("g"), {QStringLiteral("t")},
                               {{QStringLiteral("auto.offset.reset"), QStringLiteral("sideways")}});
        QVERIFY(!consumer.isValid());
        QSignalSpy errors(&consumer, &KafkaConsumer::consumerError);
        consumer.start();
        QVERIFY(!consumer.isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, 5000);
    }
};

QTEST_GUILESS_MAIN(TestKafka)
#include "tst_kafka.moc"
