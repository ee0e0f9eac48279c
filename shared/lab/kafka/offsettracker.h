// offsettracker.h: the bookkeeping behind "commit only what was handled". For each
// partition it remembers which records were handed to the application and which of
// those were acknowledged, and derives the offset that is safe to commit: the lowest
// offset still unacknowledged, or one past the highest handed out when everything is
// acknowledged. Acknowledgements may arrive in any order.
//
// Every (re)assignment of a partition starts a new generation; records carry the
// generation they were handed out in, and acknowledgements from an older generation
// (the partition was revoked meanwhile and may now belong to another member) are
// ignored. Pure logic, no librdkafka and no locking: KafkaConsumer guards it with a mutex.
#pragma once

#include <QHash>
#include <QList>
#include <QString>

#include <optional>
#include <set>

namespace lab {

struct TopicPartition
{
    QString topic;
    qint32 partition = -1;

    QString toString() const { return topic + u'[' + QString::number(partition) + u']'; }
    friend bool operator==(const TopicPartition &, const TopicPartition &) = default;
    friend size_t qHash(const TopicPartition &tp, size_t seed = 0)
    {
        return qHashMulti(seed, tp.topic, tp.partition);
    }
};

class OffsetTracker
{
public:
    struct Commit
    {
        TopicPartition tp;
        qint64 offset = -1; ///< the next record to read, as Kafka commits it
        friend bool operator==(const Commit &, const Commit &) = default;
    };

    /// Starts tracking these partitions afresh (after an assignment) in one new
    /// generation, forgetting whatever was known about them. Returns that generation.
    quint64 assign(const QList<TopicPartition> &partitions);
    /// Stops tracking these partitions (revoked or lost); their acks are ignored from now.
    void revoke(const QList<TopicPartition> &partitions);
    /// Revokes every partition.
    void clear();

    /// Records that the record at offset was handed to the application. Returns the
    /// generation the record must carry back to acknowledge(). A partition not assigned
    /// yet is assigned implicitly.
    quint64 handOut(const TopicPartition &tp, qint64 offset);
    /// Marks a handed-out record as handled. Returns false (and changes nothing) when the
    /// generation is stale, the partition is not tracked, or the offset is not outstanding
    /// (never handed out, or acknowledged already).
    bool acknowledge(const TopicPartition &tp, qint64 offset, quint64 generation);

    /// The offset that is safe to commit now, or nullopt when nothing in this generation
    /// was acknowledged yet (committing then could not move anything forward).
    std::optional<qint64> commitOffset(const TopicPartition &tp) const;

    /// Commits that move some partition forward beyond what was already taken. The
    /// offsets are marked as sent; report the result with commitFinished().
    QList<Commit> takeCommits();
    /// Like takeCommits() for the given partitions, but also offers offsets that were sent
    /// and not confirmed yet: for the synchronous commit before a revoke or a close.
    QList<Commit> takeUnconfirmedCommits(const QList<TopicPartition> &partitions);
    /// The same for every tracked partition.
    QList<Commit> takeUnconfirmedCommits();
    /// Result of committing offset for tp. On failure the offset is offered again by the
    /// next takeCommits().
    void commitFinished(const TopicPartition &tp, qint64 offset, bool ok);
    /// The highest offset confirmed as committed in this generation, or -1.
    qint64 confirmedOffset(const TopicPartition &tp) const;

    /// Records handed out and not acknowledged, in all partitions or in one.
    int inFlight() const { return m_inFlight; }
    int inFlight(const TopicPartition &tp) const;
    /// The generation tp is tracked in, or 0 when it is not tracked.
    quint64 generation(const TopicPartition &tp) const;
    QList<TopicPartition> partitions() const { return m_parts.keys(); }

private:
    struct Partition
    {
        quint64 generation = 0;
        std::set<qint64> outstanding; ///< handed out, not acknowledged
        qint64 highest = -1;          ///< highest offset handed out
        qint64 floor = -1;            ///< where this generation started reading
        qint64 sent = -1;             ///< highest commit offset taken for sending
        qint64 confirmed = -1;        ///< highest commit offset the broker confirmed
        bool anyAcked = false;
    };
    static qint64 safeOffset(const Partition &p);
    QList<Commit> take(const QList<TopicPartition> &partitions, bool resendUnconfirmed);

    QHash<TopicPartition, Partition> m_parts;
    quint64 m_lastGeneration = 0;
    int m_inFlight = 0;
};

} // namespace lab
