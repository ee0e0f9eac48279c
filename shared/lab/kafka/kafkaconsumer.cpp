#include "lab/kafka/kafkaconsumer.h"

#include "lab/kafka/kafkaconfig.h"
#include "lab/kafka/offsettracker.h"
#include "lab/kafka/rdkafkabridge.h"
#include "lab/kafka/rdkafkahandles.h"
#include "lab/runtime/log.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <optional>
#include <cstring>
#include <mutex>
#include <thread>

namespace lab {

namespace {

const QList<QPair<const char *, const char *>> kConsumerDefaults = {
    {"enable.auto.commit", "false"},       // we commit what the handler acknowledged...
    {"enable.auto.offset.store", "false"}, // ...and never what was merely polled
    {"auto.offset.reset", "earliest"},     // a new group reads what was produced before it joined
    {"socket.keepalive.enable", "true"},
    // A crashed instance's partitions move to the others after 10 s rather than 45 s,
    // and topics created later are noticed within 10 s rather than 5 minutes.
    {"session.timeout.ms", "10000"},
    {"topic.metadata.refresh.interval.ms", "10000"},
    // librdkafka prefetches up to 64 MiB of payload per consumer by default (plus a few
    // hundred bytes of bookkeeping per record), and one fetch response may carry 1 MiB
    // per partition: a lagging search-service (36 partitions) peaked at 80 MiB RSS.
    // Not much lower: a full queue makes librdkafka 2.0 wait 1 s before it fetches
    // again (librdkafka#2879), so the queue must hold more than a second of records
    // (8 MiB: ~30,000 of ours).
    {"queued.max.messages.kbytes", "8192"},
    {"fetch.max.bytes", "1048576"},
};

constexpr int kPollTimeoutMs = 100;
constexpr auto kAtLimitSleep = std::chrono::milliseconds(2);
constexpr auto kPauseAfter = std::chrono::milliseconds(1000);
constexpr int kRebalanceCommitTimeoutMs = 5000;
constexpr int kPositionTimeoutMs = 5000;

QList<TopicPartition> toTopicPartitions(const rd_kafka_topic_partition_list_t *list)
{
    QList<TopicPartition> out;
    if (!list)
        return out;
    out.reserve(list->cnt);
    for (int i = 0; i < list->cnt; ++i)
        out.append({QString::fromUtf8(list->elems[i].topic), list->elems[i].partition});
    return out;
}

rdk::PartitionListPtr toPartitionList(const QList<OffsetTracker::Commit> &commits)
{
    rdk::PartitionListPtr list(rd_kafka_topic_partition_list_new(int(commits.size())));
    for (const OffsetTracker::Commit &c : commits)
        rd_kafka_topic_partition_list_add(list.get(), c.tp.topic.toUtf8().constData(), c.tp.partition)
            ->offset = c.offset;
    return list;
}

} // namespace

namespace {

QStringList describe(const QList<TopicPartition> &tps)
{
    QStringList out;
    for (const TopicPartition &tp : tps)
        out.append(tp.toString());
    out.sort();
    return out;
}

} // namespace

class KafkaConsumer::Private
{
public:
    explicit Private(KafkaConsumer *q) : q(q) {}

    void create();
    void pollLoop(quint64 run);
    bool positionAtEnd(quint64 run);
    QString endOffsets(rd_kafka_topic_partition_list_t *list);
    bool noteCaughtUp(const KafkaMessage *handedOut);
    void postCaughtUp(quint64 run);
    bool waitAtLimit();
    void setPaused(bool pause);
    void handleRebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *partitions,
                         int commitTimeoutMs);
    /// report: count the commit and emit committed(). librdkafka hands every commit
    /// result to the global offset_commit_cb as well, so only that path reports.
    void handleCommitResult(rd_kafka_resp_err_t err, const rd_kafka_topic_partition_list_t *offsets,
                            bool report = true);
    KafkaError commitSync(const QList<OffsetTracker::Commit> &commits, int timeoutMs);
    void closeHandle(const QDeadlineTimer &deadline);
    QStringList currentAssignment() const;

    /// Runs f on the owner thread, later (the only way the poll thread talks to Qt).
    template <typename F>
    void post(F &&f)
    {
        QMetaObject::invokeMethod(q, std::forward<F>(f), Qt::QueuedConnection);
    }
    void postError(const KafkaError &error)
    {
        post([q = q, error] { emit q->consumerError(error); });
    }

    static void rebalanceCallback(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                                  rd_kafka_topic_partition_list_t *partitions, void *opaque);
    static void commitCallback(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                               rd_kafka_topic_partition_list_t *offsets, void *opaque);
    static void errorCallback(rd_kafka_t *rk, int err, const char *reason, void *opaque);

    KafkaConsumer *q;
    QString brokers;
    QString groupId;
    QStringList topics;
    QMap<QString, QString> extraConfig;
    KafkaError creationError;
    Mode mode = Mode::Group; ///< set before start()
    int broadcastHistory = 0; ///< set before start()
    std::atomic<bool> caughtUp{false}; ///< poll thread's view
    bool caughtUpSignalled = false;    ///< owner thread: caughtUp() emitted
    /// Broadcast, poll thread only: end offset at start() of each partition not yet
    /// read up to it.
    QHash<TopicPartition, qint64> catchUpTo;

    // Created in the constructor (to report bad configuration early) and again by
    // start() after a stop(); only reset while the poll thread is not running.
    rdk::HandlePtr rk;

    mutable std::mutex trackerMutex;
    OffsetTracker tracker; ///< guarded by trackerMutex

    std::thread pollThread;
    std::atomic<bool> stopRequested{false};
    std::atomic<int> maxInFlight{20000};
    std::atomic<int> maxBatch{500};
    std::atomic<quint64> commitsDone{0};
    bool paused = false; ///< poll thread only (or the owner once it has joined it)
    std::optional<std::chrono::steady_clock::time_point> atLimitSince; ///< poll thread only

    // Owner thread only.
    bool running = false;
    quint64 runId = 0; ///< batches posted by an earlier run are dropped
    QTimer *commitTimer = nullptr;
};

void KafkaConsumer::Private::create()
{
    creationError = {};
    if (groupId.isEmpty() || topics.isEmpty()) {
        creationError = KafkaError::local(QStringLiteral("a consumer needs a group id and at least one topic"), true);
        return;
    }
    char errstr[512];
    rdk::ConfPtr conf(rd_kafka_conf_new());
    // the bridge's settings, the defaults, the client's own, then the operator's
    // (LAB_KAFKA_*_CONFIG) over them
    QList<QPair<QString, QString>> settings{{QStringLiteral("bootstrap.servers"), brokers},
                                            {QStringLiteral("group.id"), groupId}};
    for (const auto &[key, value] : kConsumerDefaults)
        settings.append({QString::fromLatin1(key), QString::fromLatin1(value)});
    const QMap<QString, QString> config = kafkaconfig::withEnvironment(extraConfig, kafkaconfig::ConsumerVariable);
    for (auto it = config.cbegin(); it != config.cend(); ++it)
        settings.append({it.key(), it.value()});
    if ((creationError = rdk::applySettings(conf.get(), settings, "consumer")))
        return;
    rd_kafka_conf_set_opaque(conf.get(), this);
    rd_kafka_conf_set_rebalance_cb(conf.get(), &Private::rebalanceCallback);
    rd_kafka_conf_set_offset_commit_cb(conf.get(), &Private::commitCallback);
    rd_kafka_conf_set_error_cb(conf.get(), &Private::errorCallback);
    rd_kafka_conf_set_log_cb(conf.get(), &rdk::logCallback);

    rk.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr, sizeof errstr));
    if (!rk) {
        creationError = KafkaError::local(
            QStringLiteral("cannot create Kafka consumer: %1").arg(QString::fromUtf8(errstr)), true);
        return;
    }
    conf.release(); // owned by rk now
    // Errors, commit results and rebalances are then all served by consumer_poll() on
    // the poll thread.
    rd_kafka_poll_set_consumer(rk.get());
}

// Broadcast mode: the end offset of every partition (less the history), queried before
// anything is fetched, becomes its explicit start offset. auto.offset.reset=latest would
// resolve "the end" only after the assignment, when the first fetch needs it, so
// records stored in between were skipped although the consumer already reported its
// partitions (a live WebSocket client of a notifier that had just started missed a
// notification). The high watermark counts only records Kafka acknowledged (acks=all),
// so every record acknowledged after the query has an offset at or beyond it.
QString KafkaConsumer::Private::endOffsets(rd_kafka_topic_partition_list_t *list)
{
    for (const QString &topic : std::as_const(topics)) {
        const QByteArray name = topic.toUtf8();
        rdk::TopicPtr rkt(rd_kafka_topic_new(rk.get(), name.constData(), nullptr));
        const rd_kafka_metadata_t *raw = nullptr;
        const rd_kafka_resp_err_t err = rd_kafka_metadata(rk.get(), 0, rkt.get(), &raw, kPositionTimeoutMs);
        rdk::MetadataPtr metadata(raw);
        if (err)
            return QStringLiteral("no metadata for %1: %2").arg(topic, QString::fromUtf8(rd_kafka_err2str(err)));
        if (!metadata || metadata->topic_cnt != 1 || metadata->topics[0].err
            || metadata->topics[0].partition_cnt == 0)
            return QStringLiteral("topic %1 has no partitions yet%2")
                .arg(topic, metadata && metadata->topic_cnt == 1 && metadata->topics[0].err
                                ? QStringLiteral(" (%1)").arg(QString::fromUtf8(rd_kafka_err2str(metadata->topics[0].err)))
                                : QString());
        const rd_kafka_metadata_topic_t &t = metadata->topics[0];
        for (int i = 0; i < t.partition_cnt; ++i) {
            int64_t low = 0, high = 0;
            if (const rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(
                    rk.get(), name.constData(), t.partitions[i].id, &low, &high, kPositionTimeoutMs))
                return QStringLiteral("no end offset for %1[%2]: %3")
                    .arg(topic).arg(t.partitions[i].id).arg(QString::fromUtf8(rd_kafka_err2str(e)));
            rd_kafka_topic_partition_list_add(list, name.constData(), t.partitions[i].id)->offset =
                std::max<int64_t>(low, high - broadcastHistory);
            if (high > std::max<int64_t>(low, high - broadcastHistory))
                catchUpTo.insert({topic, t.partitions[i].id}, high);
        }
    }
    return {};
}

bool KafkaConsumer::Private::positionAtEnd(quint64 run)
{
    QString reported;
    while (!stopRequested.load()) {
        catchUpTo.clear();
        rdk::PartitionListPtr list(rd_kafka_topic_partition_list_new(8));
        QString error = endOffsets(list.get());
        if (error.isEmpty()) {
            {
                std::lock_guard lock(trackerMutex);
                tracker.assign(toTopicPartitions(list.get()));
            }
            if (const rd_kafka_resp_err_t err = rd_kafka_assign(rk.get(), list.get()))
                error = QStringLiteral("cannot assign: %1").arg(QString::fromUtf8(rd_kafka_err2str(err)));
        }
        if (error.isEmpty()) {
            QStringList at;
            for (int i = 0; i < list->cnt; ++i)
                at.append(QStringLiteral("%1[%2]@%3").arg(QString::fromUtf8(list->elems[i].topic))
                              .arg(list->elems[i].partition).arg(list->elems[i].offset));
            qCInfo(lcKafka, "consumer %s: no group; reading %s, %lld partitions to catch up with", qPrintable(groupId),
                   qPrintable(at.join(u',')), qlonglong(catchUpTo.size()));
            post([this, run, assignment = currentAssignment()] {
                if (running && runId == run)
                    emit q->assignmentChanged(assignment);
            });
            return true;
        }
        if (error != reported) { // once per distinct cause, not once per second
            qCWarning(lcKafka, "consumer %s: cannot position at the end yet (%s); retrying every second",
                      qPrintable(groupId), qPrintable(error));
            postError(KafkaError::fromCode(RD_KAFKA_RESP_ERR__TRANSPORT, error));
            reported = error;
        }
        for (int i = 0; i < 10 && !stopRequested.load(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

// Broadcast mode: a partition is caught up once a record at or beyond its end offset at
// start() minus one was handed out, or its position passed that offset (records can
// vanish from under it: retention). Returns true when the last one just caught up.
bool KafkaConsumer::Private::noteCaughtUp(const KafkaMessage *handedOut)
{
    if (caughtUp.load())
        return false;
    if (handedOut) {
        const auto it = catchUpTo.constFind({handedOut->topic, handedOut->partition});
        if (it != catchUpTo.cend() && handedOut->offset >= it.value() - 1)
            catchUpTo.erase(it);
    } else if (!catchUpTo.isEmpty()) {
        rdk::PartitionListPtr list(rd_kafka_topic_partition_list_new(int(catchUpTo.size())));
        for (auto it = catchUpTo.cbegin(); it != catchUpTo.cend(); ++it)
            rd_kafka_topic_partition_list_add(list.get(), it.key().topic.toUtf8().constData(), it.key().partition);
        if (rd_kafka_position(rk.get(), list.get()) == RD_KAFKA_RESP_ERR_NO_ERROR)
            for (int i = 0; i < list->cnt; ++i) {
                const TopicPartition tp{QString::fromUtf8(list->elems[i].topic), list->elems[i].partition};
                if (list->elems[i].offset >= 0 && list->elems[i].offset >= catchUpTo.value(tp))
                    catchUpTo.remove(tp);
            }
    }
    if (!catchUpTo.isEmpty())
        return false;
    caughtUp = true;
    return true;
}

// After the batches of the caught-up records (the same queue keeps their order).
void KafkaConsumer::Private::postCaughtUp(quint64 run)
{
    qCInfo(lcKafka, "consumer %s: caught up with the end offsets of its start", qPrintable(groupId));
    post([this, run] {
        if (!running || runId != run)
            return;
        caughtUpSignalled = true;
        emit q->caughtUp();
    });
}

void KafkaConsumer::Private::pollLoop(quint64 run)
{
    if (mode == Mode::Broadcast) {
        if (!positionAtEnd(run))
            return; // stopped before Kafka answered
        if (noteCaughtUp(nullptr)) // nothing to catch up with
            postCaughtUp(run);
    }
    KafkaMessageList batch;
    // One shared QString per topic instead of one conversion per record; the name is
    // compared too, because librdkafka may reuse a freed topic handle's address.
    QHash<const rd_kafka_topic_t *, QPair<QByteArray, QString>> topicNames;
    auto flushBatch = [&] {
        if (batch.isEmpty())
            return;
        post([this, run, messages = std::move(batch)] {
            if (running && runId == run)
                emit q->messagesReceived(messages);
        });
        batch = KafkaMessageList();
    };

    while (!stopRequested.load(std::memory_order_relaxed)) {
        if (waitAtLimit()) {
            flushBatch();
            std::this_thread::sleep_for(kAtLimitSleep);
            continue;
        }
        // Block only when nothing is waiting to be handed over, so a batch collects
        // whatever is ready right now and goes out at once.
        rdk::MessagePtr m(rd_kafka_consumer_poll(rk.get(), batch.isEmpty() ? kPollTimeoutMs : 0));
        if (!m) {
            flushBatch();
            if (mode == Mode::Broadcast && noteCaughtUp(nullptr))
                postCaughtUp(run);
            continue;
        }
        if (m->err) {
            flushBatch();
            const QString where = m->rkt ? QStringLiteral("%1[%2]").arg(
                                               QString::fromUtf8(rd_kafka_topic_name(m->rkt)))
                                               .arg(m->partition)
                                         : QString();
            const KafkaError error = KafkaError::fromCode(
                m->err, QStringLiteral("%1%2%3").arg(where, where.isEmpty() ? QString() : QStringLiteral(": "),
                                                    QString::fromUtf8(rd_kafka_message_errstr(m.get()))));
            if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
                qCDebug(lcKafka, "consumer %s: %s", qPrintable(groupId), qPrintable(error.toString()));
            else
                qCWarning(lcKafka, "consumer %s: %s", qPrintable(groupId), qPrintable(error.toString()));
            postError(error);
            continue;
        }

        const char *rawName = rd_kafka_topic_name(m->rkt);
        auto name = topicNames.find(m->rkt);
        if (name == topicNames.end() || name->first != rawName)
            name = topicNames.insert(m->rkt, {QByteArray(rawName), QString::fromUtf8(rawName)});
        KafkaMessage msg = rdk::copyMessage(m.get(), name->second);
        int inFlight;
        {
            std::lock_guard lock(trackerMutex);
            msg.generation = tracker.handOut({msg.topic, msg.partition}, msg.offset);
            inFlight = tracker.inFlight();
        }
        batch.append(std::move(msg));
        if (mode == Mode::Broadcast && noteCaughtUp(&batch.constLast())) {
            flushBatch();
            postCaughtUp(run);
        }
        if (batch.size() >= maxBatch.load(std::memory_order_relaxed)
            || inFlight >= maxInFlight.load(std::memory_order_relaxed))
            flushBatch();
    }
    // Records polled but not handed over yet are simply redelivered later.
}

// At the in-flight limit the loop first just waits (the records stay in librdkafka's
// queue): handlers usually free slots within milliseconds. Only when the limit has
// held for kPauseAfter (handlers stuck on an outage) are the partitions paused, which
// keeps this member in the group: consumer_poll() then runs again and serves
// rebalances and heartbeats, it just returns no records. Pausing at once was a
// congestion collapse: librdkafka 2.0 discards the paused partitions' prefetched
// records and refetches them only ~1 s after the resume, so an overloaded
// notifier-service fell to one batch of max-in-flight records per second.
bool KafkaConsumer::Private::waitAtLimit()
{
    int inFlight;
    {
        std::lock_guard lock(trackerMutex);
        inFlight = tracker.inFlight();
    }
    const int limit = maxInFlight.load(std::memory_order_relaxed);
    if (inFlight < limit) {
        atLimitSince.reset();
        if (paused && inFlight <= limit / 2) // hysteresis: no pause/resume flapping
            setPaused(false);
        return false;
    }
    if (paused)
        return false; // poll: rebalances and heartbeats, no records
    const auto now = std::chrono::steady_clock::now();
    if (!atLimitSince)
        atLimitSince = now;
    if (now - *atLimitSince < kPauseAfter)
        return true;
    setPaused(true);
    return false;
}

void KafkaConsumer::Private::setPaused(bool pause)
{
    rd_kafka_topic_partition_list_t *raw = nullptr;
    if (rd_kafka_assignment(rk.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR)
        return;
    rdk::PartitionListPtr assignment(raw);
    if (pause)
        rd_kafka_pause_partitions(rk.get(), assignment.get());
    else
        rd_kafka_resume_partitions(rk.get(), assignment.get());
    paused = pause;
    qCInfo(lcKafka, "consumer %s: %s fetching (%d records in flight, limit %d)", qPrintable(groupId),
           pause ? "paused" : "resumed", q->inFlight(), maxInFlight.load());
}

QStringList KafkaConsumer::Private::currentAssignment() const
{
    rd_kafka_topic_partition_list_t *raw = nullptr;
    if (rd_kafka_assignment(rk.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR)
        return {};
    rdk::PartitionListPtr assignment(raw);
    return describe(toTopicPartitions(assignment.get()));
}

void KafkaConsumer::Private::handleRebalance(rd_kafka_resp_err_t err,
                                             rd_kafka_topic_partition_list_t *partitions,
                                             int commitTimeoutMs)
{
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk.get()), "COOPERATIVE") == 0;
    const QList<TopicPartition> tps = toTopicPartitions(partitions);
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        {
            std::lock_guard lock(trackerMutex);
            tracker.assign(tps);
        }
        if (cooperative) {
            rdk::ErrorPtr error(rd_kafka_incremental_assign(rk.get(), partitions));
            if (error)
                postError(KafkaError::fromCode(rd_kafka_error_code(error.get()),
                                               QString::fromUtf8(rd_kafka_error_string(error.get()))));
        } else {
            rd_kafka_assign(rk.get(), partitions);
        }
        if (paused) // keep the whole assignment in one state; the next loop turn decides
            rd_kafka_pause_partitions(rk.get(), partitions);
        qCInfo(lcKafka, "consumer %s: assigned %s", qPrintable(groupId), qPrintable(describe(tps).join(u',')));
    } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
        // Commit what was handled before giving the partitions away, and from now on
        // ignore acks for them: the new owner starts from the committed offset.
        const bool lost = rd_kafka_assignment_lost(rk.get());
        QList<OffsetTracker::Commit> commits;
        {
            std::lock_guard lock(trackerMutex);
            if (!lost)
                commits = tracker.takeUnconfirmedCommits(tps);
            tracker.revoke(tps);
        }
        if (!commits.isEmpty())
            commitSync(commits, commitTimeoutMs);
        if (cooperative) {
            rdk::ErrorPtr error(rd_kafka_incremental_unassign(rk.get(), partitions));
            if (error)
                postError(KafkaError::fromCode(rd_kafka_error_code(error.get()),
                                               QString::fromUtf8(rd_kafka_error_string(error.get()))));
        } else {
            rd_kafka_assign(rk.get(), nullptr);
        }
        qCInfo(lcKafka, "consumer %s: %s %s", qPrintable(groupId), lost ? "lost" : "revoked",
               qPrintable(describe(tps).join(u',')));
    } else {
        const KafkaError error = KafkaError::fromCode(err, QStringLiteral("rebalance failed: %1")
                                                               .arg(QString::fromUtf8(rd_kafka_err2str(err))));
        qCWarning(lcKafka, "consumer %s: %s", qPrintable(groupId), qPrintable(error.toString()));
        {
            std::lock_guard lock(trackerMutex);
            tracker.clear();
        }
        rd_kafka_assign(rk.get(), nullptr);
        postError(error);
    }
    post([q = q, assignment = currentAssignment()] { emit q->assignmentChanged(assignment); });
}

void KafkaConsumer::Private::handleCommitResult(rd_kafka_resp_err_t err,
                                                const rd_kafka_topic_partition_list_t *offsets, bool report)
{
    if (err == RD_KAFKA_RESP_ERR__NO_OFFSET)
        return; // nothing needed committing
    quint64 ok = 0;
    KafkaError firstError = err ? KafkaError::fromCode(err, QStringLiteral("offset commit failed: %1")
                                                                 .arg(QString::fromUtf8(rd_kafka_err2str(err))))
                                : KafkaError();
    if (offsets) {
        std::lock_guard lock(trackerMutex);
        for (int i = 0; i < offsets->cnt; ++i) {
            const rd_kafka_topic_partition_t &p = offsets->elems[i];
            const bool good = !err && !p.err;
            tracker.commitFinished({QString::fromUtf8(p.topic), p.partition}, p.offset, good);
            if (good)
                ++ok;
            else if (!firstError)
                firstError = KafkaError::fromCode(p.err, QStringLiteral("offset commit for %1[%2] failed: %3")
                                                             .arg(QString::fromUtf8(p.topic)).arg(p.partition)
                                                             .arg(QString::fromUtf8(rd_kafka_err2str(p.err))));
        }
    }
    if (!report)
        return;
    commitsDone += ok;
    if (firstError)
        qCWarning(lcKafka, "consumer %s: %s", qPrintable(groupId), qPrintable(firstError.toString()));
    post([q = q, firstError] { emit q->committed(firstError); });
}

// Bounded synchronous commit: rd_kafka_commit(async=0) could wait for a dead broker
// far longer than a shutdown may take.
KafkaError KafkaConsumer::Private::commitSync(const QList<OffsetTracker::Commit> &commits, int timeoutMs)
{
    rdk::QueuePtr queue(rd_kafka_queue_new(rk.get()));
    rdk::PartitionListPtr list = toPartitionList(commits);
    const rd_kafka_resp_err_t err = rd_kafka_commit_queue(rk.get(), list.get(), queue.get(), nullptr, nullptr);
    if (err) {
        handleCommitResult(err, list.get()); // refused up front: no callback will follow
        return KafkaError::fromCode(err);
    }
    const QDeadlineTimer deadline(std::max(0, timeoutMs));
    while (true) {
        rdk::EventPtr ev(rd_kafka_queue_poll(queue.get(), int(std::min<qint64>(deadline.remainingTime(), 100))));
        if (ev && rd_kafka_event_type(ev.get()) == RD_KAFKA_EVENT_OFFSET_COMMIT) {
            const rd_kafka_resp_err_t result = rd_kafka_event_error(ev.get());
            handleCommitResult(result, rd_kafka_event_topic_partition_list(ev.get()), false);
            return result == RD_KAFKA_RESP_ERR__NO_OFFSET ? KafkaError() : KafkaError::fromCode(result);
        }
        if (deadline.hasExpired())
            break;
    }
    std::lock_guard lock(trackerMutex);
    for (const OffsetTracker::Commit &c : commits)
        tracker.commitFinished(c.tp, c.offset, false);
    const KafkaError timeout = KafkaError::fromCode(
        RD_KAFKA_RESP_ERR__TIMED_OUT, QStringLiteral("offset commit not confirmed within %1 ms").arg(timeoutMs));
    qCWarning(lcKafka, "consumer %s: %s", qPrintable(groupId), qPrintable(timeout.toString()));
    return timeout;
}

// rd_kafka_consumer_close() waits without bound; the queue variant lets us give up.
void KafkaConsumer::Private::closeHandle(const QDeadlineTimer &deadline)
{
    bool closed = false;
    {
        rdk::QueuePtr queue(rd_kafka_queue_new(rk.get()));
        rdk::ErrorPtr error(rd_kafka_consumer_close_queue(rk.get(), queue.get()));
        if (error) {
            qCWarning(lcKafka, "consumer %s: close failed: %s", qPrintable(groupId),
                      rd_kafka_error_string(error.get()));
        } else {
            auto serve = [&](rd_kafka_event_t *ev) {
                switch (rd_kafka_event_type(ev)) {
                case RD_KAFKA_EVENT_REBALANCE:
                    handleRebalance(rd_kafka_event_error(ev), rd_kafka_event_topic_partition_list(ev),
                                    int(std::max<qint64>(deadline.remainingTime(), 0)));
                    break;
                case RD_KAFKA_EVENT_OFFSET_COMMIT: // the global callback's copy of a result
                    handleCommitResult(rd_kafka_event_error(ev), rd_kafka_event_topic_partition_list(ev));
                    break;
                case RD_KAFKA_EVENT_ERROR:
                    qCWarning(lcKafka, "consumer %s: while closing: %s", qPrintable(groupId),
                              rd_kafka_event_error_string(ev));
                    break;
                default:
                    break;
                }
            };
            while (!(closed = rd_kafka_consumer_closed(rk.get())) && !deadline.hasExpired()) {
                rdk::EventPtr ev(rd_kafka_queue_poll(queue.get(), int(std::min<qint64>(deadline.remainingTime(), 100))));
                if (ev)
                    serve(ev.get());
            }
            // Results that arrived together with the close.
            while (rdk::EventPtr ev{rd_kafka_queue_poll(queue.get(), 0)})
                serve(ev.get());
            if (!closed)
                qCWarning(lcKafka, "consumer %s: did not leave the group in time; destroying it anyway",
                          qPrintable(groupId));
        }
    }
    if (closed)
        rk.reset();
    else
        rd_kafka_destroy_flags(rk.release(), RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
}

void KafkaConsumer::Private::rebalanceCallback(rd_kafka_t *, rd_kafka_resp_err_t err,
                                               rd_kafka_topic_partition_list_t *partitions, void *opaque)
{
    static_cast<Private *>(opaque)->handleRebalance(err, partitions, kRebalanceCommitTimeoutMs);
}

void KafkaConsumer::Private::commitCallback(rd_kafka_t *, rd_kafka_resp_err_t err,
                                            rd_kafka_topic_partition_list_t *offsets, void *opaque)
{
    static_cast<Private *>(opaque)->handleCommitResult(err, offsets);
}

void KafkaConsumer::Private::errorCallback(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    auto *d = static_cast<Private *>(opaque);
    const KafkaError error = rdk::callbackError(rk, err, reason, "consumer");
    qCWarning(lcKafka, "consumer %s: %s", qPrintable(d->groupId), qPrintable(error.toString()));
    d->postError(error);
}

KafkaConsumer::KafkaConsumer(const QString &brokers, const QString &groupId, const QStringList &topics,
                             const QMap<QString, QString> &extraConfig, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this))
{
    qRegisterMetaType<lab::KafkaError>();
    qRegisterMetaType<lab::KafkaMessage>();
    qRegisterMetaType<lab::KafkaMessageList>();
    d->brokers = brokers;
    d->groupId = groupId;
    d->topics = topics;
    d->extraConfig = extraConfig;
    d->commitTimer = new QTimer(this);
    // Once a second: an OffsetCommit request per group member and interval is a cost
    // per unit of time, not per record (at 100 records/s, 100 ms meant one commit per
    // ten records). A crash redelivers at most the last second's handled records,
    // which the idempotent handlers absorb; rebalances and stop() commit at once.
    d->commitTimer->setInterval(DefaultCommitIntervalMs);
    connect(d->commitTimer, &QTimer::timeout, this, &KafkaConsumer::commitNow);
    d->create();
    if (d->creationError)
        qCWarning(lcKafka, "%s", qPrintable(d->creationError.toString()));
}

KafkaConsumer::~KafkaConsumer()
{
    stop();
}

bool KafkaConsumer::isValid() const
{
    return d->creationError.isOk();
}

KafkaError KafkaConsumer::creationError() const
{
    return d->creationError;
}

void KafkaConsumer::start()
{
    if (d->running)
        return;
    if (!d->rk && d->creationError.isOk())
        d->create(); // a stop() closed the previous handle
    if (!d->rk) {
        d->postError(d->creationError);
        return;
    }
    if (d->mode == Mode::Group) {
        rdk::PartitionListPtr subscription(rd_kafka_topic_partition_list_new(int(d->topics.size())));
        for (const QString &topic : std::as_const(d->topics))
            rd_kafka_topic_partition_list_add(subscription.get(), topic.toUtf8().constData(), RD_KAFKA_PARTITION_UA);
        if (const rd_kafka_resp_err_t err = rd_kafka_subscribe(d->rk.get(), subscription.get())) {
            const KafkaError error = KafkaError::fromCode(err, QStringLiteral("cannot subscribe to %1: %2")
                                                                   .arg(d->topics.join(u','),
                                                                        QString::fromUtf8(rd_kafka_err2str(err))));
            qCWarning(lcKafka, "consumer %s: %s", qPrintable(d->groupId), qPrintable(error.toString()));
            d->postError(error);
            return;
        }
        qCInfo(lcKafka, "consumer %s (%s) subscribed to %s", qPrintable(d->groupId), rd_kafka_name(d->rk.get()),
               qPrintable(d->topics.join(u',')));
    } else {
        qCInfo(lcKafka, "consumer %s (%s) positioning at the end of %s", qPrintable(d->groupId),
               rd_kafka_name(d->rk.get()), qPrintable(d->topics.join(u',')));
    }
    d->caughtUp = false;
    d->caughtUpSignalled = false;
    d->stopRequested = false;
    d->paused = false;
    d->atLimitSince.reset();
    d->running = true;
    const quint64 run = ++d->runId;
    d->pollThread = std::thread([this, run] { d->pollLoop(run); });
    d->commitTimer->start();
}

void KafkaConsumer::stop(int timeoutMs)
{
    if (!d->running)
        return;
    const QDeadlineTimer deadline(std::max(0, timeoutMs));
    d->commitTimer->stop();
    d->stopRequested = true;
    if (d->pollThread.joinable())
        d->pollThread.join();
    d->running = false; // batches still queued for the event loop are dropped now

    QList<OffsetTracker::Commit> commits;
    if (d->mode == Mode::Group) {
        std::lock_guard lock(d->trackerMutex);
        commits = d->tracker.takeUnconfirmedCommits();
    }
    if (!commits.isEmpty())
        d->commitSync(commits, int(std::max<qint64>(deadline.remainingTime(), 0)));
    d->closeHandle(deadline);
    d->caughtUp = false;
    d->caughtUpSignalled = false;
    {
        std::lock_guard lock(d->trackerMutex);
        d->tracker.clear();
    }
    qCInfo(lcKafka, "consumer %s stopped", qPrintable(d->groupId));
}

void KafkaConsumer::setMode(Mode mode)
{
    d->mode = mode;
}

KafkaConsumer::Mode KafkaConsumer::mode() const
{
    return d->mode;
}

void KafkaConsumer::setBroadcastHistory(int recordsPerPartition)
{
    d->broadcastHistory = std::max(0, recordsPerPartition);
}

bool KafkaConsumer::isCaughtUp() const
{
    return d->caughtUpSignalled;
}

bool KafkaConsumer::isRunning() const
{
    return d->running;
}

void KafkaConsumer::acknowledge(const KafkaMessage &message)
{
    std::lock_guard lock(d->trackerMutex);
    d->tracker.acknowledge({message.topic, message.partition}, message.offset, message.generation);
}

void KafkaConsumer::commitNow()
{
    if (!d->running || !d->rk)
        return;
    QList<OffsetTracker::Commit> commits;
    {
        std::lock_guard lock(d->trackerMutex);
        commits = d->tracker.takeCommits();
        if (d->mode == Mode::Broadcast) { // no group to commit to: just forget the handled records
            for (const OffsetTracker::Commit &c : std::as_const(commits))
                d->tracker.commitFinished(c.tp, c.offset, true);
            return;
        }
    }
    if (commits.isEmpty())
        return;
    rdk::PartitionListPtr list = toPartitionList(commits);
    // The result arrives through commitCallback on the poll thread.
    if (const rd_kafka_resp_err_t err = rd_kafka_commit(d->rk.get(), list.get(), 1))
        d->handleCommitResult(err, list.get());
}

void KafkaConsumer::setMaxInFlight(int n)
{
    d->maxInFlight = std::max(1, n);
}

void KafkaConsumer::setCommitIntervalMs(int ms)
{
    d->commitTimer->setInterval(std::max(1, ms));
}

void KafkaConsumer::setMaxBatch(int n)
{
    d->maxBatch = std::max(1, n);
}

int KafkaConsumer::inFlight() const
{
    std::lock_guard lock(d->trackerMutex);
    return d->tracker.inFlight();
}

quint64 KafkaConsumer::commitsDone() const
{
    return d->commitsDone.load();
}

} // namespace lab
