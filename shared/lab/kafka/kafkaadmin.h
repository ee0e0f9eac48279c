// kafkaadmin.h: creating the topics a service relies on, at startup. librdkafka's
// consumers do not auto-create subscribed topics (allow.auto.create.topics is ignored
// since librdkafka 1.6) and notice a topic created later only at their next metadata
// refresh (5 minutes by default), so a service that subscribes in a fresh namespace
// would wait; and a new fan-out group reading "from the latest" would skip whatever was
// produced before its topic existed. Creating missing topics first avoids both.
//
// Retention: every topic is created with topicConfig() (time and bytes per partition,
// segment size and age; docs/RELIABILITY.md, "Retention"); `lab-admin create-topics`
// also sets it on topics that exist already, so an upgraded lab converges.
#pragma once

#include "lab/contract/kafkamessage.h"
#include "lab/contract/names.h"
#include "lab/kafka/kafkaerror.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace lab::kafkaadmin {

/// Operator overrides of topicConfig()'s values, "retention.ms=3600000,retention.bytes=…"
/// (the format of LAB_KAFKA_PRODUCER_CONFIG, kafkaconfig.h).
inline constexpr const char *TopicConfigVariable = "LAB_KAFKA_TOPIC_CONFIG";

/// The per-topic settings of every contract topic: retention.ms 3 days,
/// retention.bytes 128 MiB per partition (whichever comes first), segment.bytes 32 MiB,
/// segment.ms 1 day (a record is deleted at most retention.ms + segment.ms after it was
/// written: 4 days, below ORDER_RETENTION's 7, so no record outlives its order's Redis
/// keys), with LAB_KAFKA_TOPIC_CONFIG applied over them.
QMap<QString, QString> topicConfig();

/// Creates those of `topics` that do not exist yet, with `partitions` partitions (-1:
/// the broker's num.partitions), the broker's default replication and `config`. Blocks
/// for at most timeoutMs. Topics that exist already are fine (and keep their settings);
/// the error names the first topic that could not be created (or says that Kafka did
/// not answer).
KafkaError ensureTopics(const QString &brokers, const QStringList &topics, int partitions = -1,
                        int timeoutMs = 10000, const QMap<QString, QString> &config = topicConfig());

/// Sets `config` on existing topics. AlterConfigs replaces a topic's overrides: others
/// go back to the broker's defaults (librdkafka 2.0 has no IncrementalAlterConfigs;
/// Kafka 3.9 still serves AlterConfigs). Blocks for at most timeoutMs.
KafkaError alterTopicConfig(const QString &brokers, const QStringList &topics, const QMap<QString, QString> &config,
                            int timeoutMs = 10000);

/// The settings of one topic that differ from the broker's defaults (DescribeConfigs);
/// empty and *error set when Kafka did not answer.
QMap<QString, QString> topicOverrides(const QString &brokers, const QString &topic, KafkaError *error,
                                      int timeoutMs = 10000);

/// ensureTopics() for every topic of lab::topics, in names' namespace.
KafkaError ensureContractTopics(const QString &brokers, const Names &names, int timeoutMs = 10000);

/// Deletes those of `topics` that exist (unknown topics are fine). Blocks for at most
/// timeoutMs. Used by lab-admin and the tests to remove a namespace's topics.
KafkaError deleteTopics(const QString &brokers, const QStringList &topics, int timeoutMs = 10000);


/// The contract topics in names' namespace.
QStringList contractTopics(const Names &names);

// ---------------------------------------------------------------- inspection
// What an operator asks Kafka during an incident (lag, partitions, the latest records),
// answered with blocking calls bounded by timeoutMs: call them off the event loop
// (lab::KafkaInspector runs them on its own thread).

struct PartitionOffsets
{
    qint32 partition = -1;
    qint64 start = -1; ///< low watermark: the oldest offset still stored
    qint64 end = -1;   ///< high watermark: the offset the next record gets
    qint32 leader = -1;
};
struct TopicOffsets
{
    QString topic;
    QList<PartitionOffsets> partitions; ///< by partition id
};
struct CommittedOffset
{
    QString topic;
    qint32 partition = -1;
    qint64 offset = -1; ///< the next offset the group will read
};
struct GroupOffsets
{
    QString group;
    QString state;    ///< Stable, Empty, PreparingRebalance... (librdkafka's names)
    int members = -1; ///< -1 when the description failed
    QList<CommittedOffset> committed; ///< only for the topics asked about
};

/// One long-lived connection for inspection calls (a consumer handle without a group:
/// it reads offsets and metadata and runs admin requests, and never joins or commits).
/// Use it from one thread at a time.
class Inspector
{
public:
    explicit Inspector(const QString &brokers);
    ~Inspector();
    Inspector(const Inspector &) = delete;
    Inspector &operator=(const Inspector &) = delete;

    KafkaError creationError() const;

    /// Partitions of each existing topic of `topics` with their watermarks (one metadata
    /// request and two offset lookups for all of them). Topics that do not exist are
    /// left out.
    KafkaError topicOffsets(const QStringList &topics, int timeoutMs, QList<TopicOffsets> *out);
    /// The consumer groups whose id `wanted` accepts, with their state, member count and
    /// committed offsets on `topics` (ListConsumerGroups, DescribeConsumerGroups, then
    /// ListConsumerGroupOffsets once per group: librdkafka 2.0 takes one group a call).
    /// Groups without a committed offset on those topics are left out.
    KafkaError groupOffsets(const std::function<bool(const QString &group)> &wanted, const QStringList &topics,
                            int timeoutMs, QList<GroupOffsets> *out);
    /// The last n records of a topic across its partitions (at most n per partition
    /// are read, then the newest n by timestamp are kept, oldest first). A consumer of
    /// its own without a group: reads only, commits nothing. Bounded by timeoutMs.
    KafkaError tail(const QString &topic, int n, int timeoutMs, KafkaMessageList *out);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/// The consumer groups of a namespace: "<ns>.<service>" ids when ns is set, ids
/// without a dot otherwise (what Names::group() makes).
bool isNamespaceGroup(const Names &names, const QString &group);

} // namespace lab::kafkaadmin
