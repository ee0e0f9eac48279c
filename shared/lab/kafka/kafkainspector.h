// kafkainspector.h: what an operator asks Kafka during an incident, answered without
// blocking the event loop. Every intervalMs, a thread of its own asks Kafka
// (kafkaadmin::Inspector) for the partitions and watermarks of the namespace's topics
// and the committed offsets of its consumer groups; the owner thread keeps the last
// answer (snapshot()), serves it as JSON (lagJson(), topicsJson()) and exports it as
// Prometheus gauges:
//   lab_kafka_consumer_lag{group,topic,partition}   end offset - committed offset
//   lab_kafka_consumer_group_lag{group}             the sum over its partitions
//   lab_kafka_consumer_group_members{group}
//   lab_kafka_partition_end_offset{topic,partition} (its rate is the produce rate)
//   lab_kafka_inspection_up                         1 when the last round succeeded
//   lab_kafka_inspection_timestamp_seconds          when it finished
// tail() reads the last records of a topic on the same thread, later.
// notifier-service runs one (GET /kafka/lag, /kafka/topics, /kafka/tail).
#pragma once

#include "lab/contract/kafkamessage.h"
#include "lab/contract/names.h"
#include "lab/kafka/kafkaadmin.h"

#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

class QTimer;

namespace lab {

class KafkaInspector : public QObject
{
    Q_OBJECT
public:
    struct Snapshot
    {
        QDateTime collectedAt; ///< invalid before the first round finished
        QString error;         ///< the last round's failure (the data is then the round before's)
        QList<kafkaadmin::TopicOffsets> topics;
        QList<kafkaadmin::GroupOffsets> groups;
    };
    using TailDone = std::function<void(const lab::KafkaError &error, const lab::KafkaMessageList &records)>;

    static constexpr int DefaultIntervalMs = 5000;
    /// Bound of each Kafka call of a round or a tail.
    static constexpr int CallTimeoutMs = 4000;
    /// tail() requests waiting at once; more are refused (the thread serves one at a time).
    static constexpr int MaxQueuedTails = 2;
    static constexpr int MaxTailRecords = 100;

    KafkaInspector(const QString &brokers, const Names &names, int intervalMs = DefaultIntervalMs,
                   QObject *parent = nullptr);
    ~KafkaInspector() override; ///< waits for a call in progress (bounded by CallTimeoutMs)

    /// First round now, then every intervalMs.
    void start();
    int intervalMs() const { return m_intervalMs; }
    const Snapshot &snapshot() const { return m_snapshot; }
    /// The namespace's contract topics: the only ones inspected or tailed.
    QStringList topics() const { return m_topics; }

    /// {"collected_at", "interval_ms", "error", "groups": [{"group", "state", "members",
    /// "lag", "topics": [{"topic", "lag", "partitions": [{"partition", "committed", "end",
    /// "lag"}]}]}], "broadcast_readers": {...}}
    static QJsonObject lagJson(const Snapshot &snapshot, int intervalMs, const QString &notificationTopic);
    /// {"collected_at", "interval_ms", "error", "topics": [{"topic", "records", "partitions":
    /// [{"partition", "start", "end", "records", "leader"}]}]}
    static QJsonObject topicsJson(const Snapshot &snapshot, int intervalMs);
    /// {"topic", "records": [{"partition", "offset", "timestamp", "key", "value" (JSON when
    /// the value is a JSON document, else text), "headers": {name: value}}]}, oldest first.
    static QJsonObject tailJson(const QString &topic, const KafkaMessageList &records);
    QJsonObject lagJson() const;
    QJsonObject topicsJson() const;

    /// Reads the last n (1..MaxTailRecords) records of topic on the inspection thread;
    /// done runs later on this object's thread. False (done never runs) when
    /// MaxQueuedTails requests wait already.
    bool tail(const QString &topic, int n, TailDone done);

signals:
    /// A round finished (successfully or not); snapshot() has its result.
    void updated();

private:
    struct Worker;
    void collect();
    void onCollected(const Snapshot &fresh);
    void exportGauges();

    Names m_names;
    QStringList m_topics;
    int m_intervalMs;
    QTimer *m_timer;
    Snapshot m_snapshot;
    bool m_collecting = false;
    int m_queuedTails = 0;
    std::unique_ptr<Worker> m_worker;
};

} // namespace lab
