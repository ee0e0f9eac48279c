// kafkaadmin.h: creating the topics a service relies on, at startup. librdkafka's
// consumers do not auto-create subscribed topics (allow.auto.create.topics is ignored
// since librdkafka 1.6) and notice a topic created later only at their next metadata
// refresh (5 minutes by default), so a service that subscribes in a fresh namespace
// would wait; and a new fan-out group reading "from the latest" would skip whatever was
// produced before its topic existed. Creating missing topics first avoids both.
#pragma once

#include "lab/kafkaerror.h"
#include "lab/names.h"

#include <QString>
#include <QStringList>

namespace lab::kafkaadmin {

/// Creates those of `topics` that do not exist yet, with `partitions` partitions (-1:
/// the broker's num.partitions) and the broker's default replication. Blocks for at
/// most timeoutMs. Topics that exist already are fine; the error names the first topic
/// that could not be created (or says that Kafka did not answer).
KafkaError ensureTopics(const QString &brokers, const QStringList &topics, int partitions = -1,
                        int timeoutMs = 10000);

/// ensureTopics() for every topic of lab::topics, in names' namespace.
KafkaError ensureContractTopics(const QString &brokers, const Names &names, int timeoutMs = 10000);

/// Deletes those of `topics` that exist (unknown topics are fine). Blocks for at most
/// timeoutMs. Used by lab-admin and the tests to remove a namespace's topics.
KafkaError deleteTopics(const QString &brokers, const QStringList &topics, int timeoutMs = 10000);

/// The contract topics in names' namespace.
QStringList contractTopics(const Names &names);

} // namespace lab::kafkaadmin
