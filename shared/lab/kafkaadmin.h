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

#include "lab/kafkaerror.h"
#include "lab/names.h"

#include <QMap>
#include <QString>
#include <QStringList>

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

/// Consumer groups' lag: the records of `topics` Kafka holds beyond a group's committed
/// offsets (end offset minus committed offset, summed over the partitions the group
/// committed on). One admin connection, kept for every measure(); for tools
/// (`lab-admin consumer-lag`, ./lab soak).
class ConsumerLag
{
public:
    ConsumerLag(const QString &brokers, const QStringList &topics);
    ~ConsumerLag();
    ConsumerLag(const ConsumerLag &) = delete;
    ConsumerLag &operator=(const ConsumerLag &) = delete;

    /// The lag of one group; -1 and *error set when Kafka did not answer.
    qint64 measure(const QString &group, KafkaError *error, int timeoutMs = 5000);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/// The contract topics in names' namespace.
QStringList contractTopics(const Names &names);

} // namespace lab::kafkaadmin
