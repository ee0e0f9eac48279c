// kafkaconsumer.h: a librdkafka consumer-group member whose poll loop runs on its own
// thread and hands records to the Qt side in batches (queued signal). Offsets are
// committed only for records the handler has acknowledged, and only up to the first
// record still unacknowledged in each partition, so a crash at any point redelivers
// (at-least-once) and never skips. Handlers must therefore be idempotent.
//
// A consumer in Broadcast mode (setMode() before start()) joins no group and commits
// nothing: it reads every partition of its topics from the end offsets it finds when it
// starts (or a few records before them, setBroadcastHistory()), and emits caughtUp()
// once it has handed out everything up to those end offsets. Every record Kafka stores
// after start() reaches it: notifier-service's fan-out relies on this.
//
// Usage:
//   KafkaConsumer c(brokers, "payment-service", {"order.created"});
//   connect(&c, &KafkaConsumer::messagesReceived, this, [&](const KafkaMessageList &ms) {
//       for (const auto &m : ms) handleAsync(m, [&c, m] { c.acknowledge(m); });
//   });
//   c.start();
#pragma once

#include "lab/contract/kafkamessage.h"
#include "lab/kafka/kafkaerror.h"

#include <QObject>
#include <QMap>
#include <QStringList>
#include <memory>

namespace lab {

class KafkaConsumer : public QObject
{
    Q_OBJECT
public:
    enum class Mode {
        Group,     ///< subscribe as a member of groupId; commit what was acknowledged
        Broadcast, ///< every partition from its end offset at start(); no group, no commits
    };

    /// extraConfig: raw librdkafka properties overriding defaults (auto.offset.reset=
    /// earliest, enable.auto.commit=false, enable.auto.offset.store=false...).
    explicit KafkaConsumer(const QString &brokers, const QString &groupId,
                           const QStringList &topics,
                           const QMap<QString, QString> &extraConfig = {},
                           QObject *parent = nullptr);
    ~KafkaConsumer() override; ///< stop() if still running

    bool isValid() const;
    KafkaError creationError() const;

    /// Before start(): Group (the default) or Broadcast.
    void setMode(Mode mode);
    Mode mode() const;
    /// Broadcast mode, before start(): also read up to this many of the records each
    /// partition held before start() (e.g. to rebuild a list of recent records).
    void setBroadcastHistory(int recordsPerPartition);

    /// Subscribes (Group) or positions every partition at its end (Broadcast, retried
    /// until Kafka answers) and starts the poll thread.
    void start();
    /// Broadcast mode: caughtUp() was emitted (owner thread).
    bool isCaughtUp() const;
    /// Stops polling, commits every acknowledged offset (bounded by timeoutMs),
    /// leaves the group. Unacknowledged records will be redelivered to the group.
    void stop(int timeoutMs = 5000);
    bool isRunning() const;

    /// Marks one record as handled. Safe to call in any order; commits follow the
    /// lowest unacknowledged offset per partition. Acks for partitions this member no
    /// longer owns are ignored.
    void acknowledge(const lab::KafkaMessage &message);
    /// Commits acknowledged offsets now (also done every commit interval,
    /// DefaultCommitIntervalMs unless setCommitIntervalMs()).
    void commitNow();

    /// Upper bound on records handed out but not yet acknowledged: at it polling waits,
    /// and after 1 s at it the partitions are paused (rebalances are still served).
    void setMaxInFlight(int n);
    void setCommitIntervalMs(int ms);
    static constexpr int DefaultCommitIntervalMs = 1000;
    void setMaxBatch(int n);
    /// Records handed out and not yet acknowledged.
    int inFlight() const;
    /// Offsets this member committed so far (for tests and metrics).
    quint64 commitsDone() const;

signals:
    void messagesReceived(const lab::KafkaMessageList &messages);
    /// Consumer-level errors (broker down, unknown topic...); polling continues.
    void consumerError(const lab::KafkaError &error);
    /// Assignment changed (after a rebalance), for logs.
    void assignmentChanged(const QStringList &partitions);
    /// Broadcast mode: every record the partitions held when start() looked at them
    /// (from the history on) has been handed out, in batches emitted before this
    /// signal; every record Kafka stored since will follow. Emitted once per start().
    void caughtUp();
    /// A commit completed (error is ok on success).
    void committed(const lab::KafkaError &error);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace lab
