// kafkainspector.cpp: periodic lag and watermark rounds on a thread of their own (see
// kafkainspector.h). Thread rule: the worker thread only runs Kafka calls and hands
// their results to the owner thread with queued invocations; every member but
// m_worker is touched on the owner thread only.
#include "lab/kafka/kafkainspector.h"

#include "lab/contract/events.h"
#include "lab/runtime/log.h"
#include "lab/runtime/metrics.h"
#include "lab/runtime/servicemetrics.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTimer>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace lab {

struct KafkaInspector::Worker
{
    explicit Worker(const QString &brokers) : client(brokers)
    {
        thread = std::thread([this] { run(); });
    }
    ~Worker()
    {
        {
            std::lock_guard lock(mutex);
            stopping = true;
            jobs.clear();
        }
        wake.notify_all();
        thread.join();
    }
    void post(std::function<void()> job)
    {
        {
            std::lock_guard lock(mutex);
            jobs.push_back(std::move(job));
        }
        wake.notify_one();
    }
    void run()
    {
        while (true) {
            std::function<void()> job;
            {
                std::unique_lock lock(mutex);
                wake.wait(lock, [this] { return stopping || !jobs.empty(); });
                if (stopping)
                    return;
                job = std::move(jobs.front());
                jobs.pop_front();
            }
            job();
        }
    }

    kafkaadmin::Inspector client; ///< worker thread only
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::function<void()>> jobs;
    bool stopping = false;
    std::thread thread;
};

namespace {

QJsonValue offsetOrNull(qint64 v)
{
    return v >= 0 ? QJsonValue(v) : QJsonValue();
}

QJsonValue collectedAt(const KafkaInspector::Snapshot &s)
{
    return s.collectedAt.isValid() ? QJsonValue(isoTimestamp(s.collectedAt)) : QJsonValue();
}

const kafkaadmin::TopicOffsets *findTopic(const KafkaInspector::Snapshot &s, const QString &topic)
{
    for (const auto &t : s.topics)
        if (t.topic == topic)
            return &t;
    return nullptr;
}

/// Lag of one group per topic and partition: every partition of a topic the group
/// committed on counts; one without a commit is read from its start offset (the
/// consumers' auto.offset.reset=earliest), so all of it is lag.
struct PartitionLag
{
    QString topic;
    qint32 partition;
    qint64 committed; ///< -1: none
    qint64 end;       ///< -1: unknown
    qint64 lag;       ///< -1: unknown
};

QList<PartitionLag> lagOf(const KafkaInspector::Snapshot &s, const kafkaadmin::GroupOffsets &g)
{
    QList<PartitionLag> out;
    QStringList topics;
    for (const auto &c : g.committed)
        if (!topics.contains(c.topic))
            topics.append(c.topic);
    for (const QString &topic : std::as_const(topics)) {
        const kafkaadmin::TopicOffsets *t = findTopic(s, topic);
        if (!t)
            continue;
        for (const auto &p : t->partitions) {
            qint64 committed = -1;
            for (const auto &c : g.committed)
                if (c.topic == topic && c.partition == p.partition)
                    committed = c.offset;
            const qint64 from = committed >= 0 ? committed : p.start;
            const qint64 lag = p.end >= 0 && from >= 0 ? std::max<qint64>(0, p.end - from) : -1;
            out.append({topic, p.partition, committed, p.end, lag});
        }
    }
    return out;
}

QString labels(std::initializer_list<QPair<const char *, QString>> pairs)
{
    QStringList out;
    for (const auto &[k, v] : pairs)
        out.append(QStringLiteral("%1=\"%2\"").arg(QLatin1String(k), metrics::labelValue(v)));
    return out.join(QLatin1Char(','));
}

} // namespace

KafkaInspector::KafkaInspector(const QString &brokers, const Names &names, int intervalMs, QObject *parent)
    : QObject(parent), m_names(names), m_topics(kafkaadmin::contractTopics(names)),
      m_intervalMs(std::max(100, intervalMs)), m_timer(new QTimer(this)),
      m_worker(std::make_unique<Worker>(brokers))
{
    m_timer->setInterval(m_intervalMs);
    connect(m_timer, &QTimer::timeout, this, &KafkaInspector::collect);
    if (const KafkaError e = m_worker->client.creationError())
        m_snapshot.error = e.toString();
}

KafkaInspector::~KafkaInspector() = default;

void KafkaInspector::start()
{
    collect();
    m_timer->start();
}

void KafkaInspector::collect()
{
    if (m_collecting)
        return; // the last round still waits for Kafka: no pile-up behind a dead broker
    m_collecting = true;
    QPointer<KafkaInspector> self(this);
    const QStringList topics = m_topics;
    const Names names = m_names;
    Worker *worker = m_worker.get();
    worker->post([self, worker, topics, names] {
        Snapshot fresh;
        KafkaError e = worker->client.topicOffsets(topics, CallTimeoutMs, &fresh.topics);
        if (!e)
            e = worker->client.groupOffsets([&names](const QString &g) { return kafkaadmin::isNamespaceGroup(names, g); },
                                            topics, CallTimeoutMs, &fresh.groups);
        fresh.collectedAt = QDateTime::currentDateTimeUtc();
        if (e)
            fresh.error = e.toString();
        // queued: runs on the owner's thread, never after it is gone (the destructor
        // joins this thread first; later events die with the object)
        QMetaObject::invokeMethod(self.data(), [self, fresh] {
            if (self)
                self->onCollected(fresh);
        }, Qt::QueuedConnection);
    });
}

void KafkaInspector::onCollected(const Snapshot &fresh)
{
    m_collecting = false;
    if (fresh.error.isEmpty()) {
        if (!m_snapshot.error.isEmpty())
            qCInfo(lcKafka, "inspection: Kafka answers again");
        m_snapshot = fresh;
    } else {
        if (m_snapshot.error != fresh.error)
            qCWarning(lcKafka, "inspection failed (the last good answer stays): %s", qPrintable(fresh.error));
        // keep what was known, say when and why it is stale
        m_snapshot.error = fresh.error;
    }
    exportGauges();
    emit updated();
}

void KafkaInspector::exportGauges()
{
    auto &m = Metrics::instance();
    const bool up = m_snapshot.error.isEmpty() && m_snapshot.collectedAt.isValid();
    m.setGauge(QStringLiteral("lab_kafka_inspection_up"),
               QStringLiteral("1 when the last round of lag and offset queries to Kafka succeeded."), up ? 1 : 0);
    if (m_snapshot.collectedAt.isValid())
        m.setGauge(QStringLiteral("lab_kafka_inspection_timestamp_seconds"),
                   QStringLiteral("When the last round of lag and offset queries finished (successfully or not)."),
                   double(QDateTime::currentMSecsSinceEpoch()) / 1000.0);
    if (!up)
        return; // the gauges keep the last good values; lab_kafka_inspection_up says they are stale
    QMap<QString, double> lag, groupLag, members, ends;
    for (const auto &g : std::as_const(m_snapshot.groups)) {
        qint64 total = 0;
        for (const PartitionLag &p : lagOf(m_snapshot, g)) {
            if (p.lag < 0)
                continue;
            lag.insert(labels({{"group", g.group}, {"topic", p.topic}, {"partition", QString::number(p.partition)}}),
                       double(p.lag));
            total += p.lag;
        }
        groupLag.insert(labels({{"group", g.group}}), double(total));
        if (g.members >= 0)
            members.insert(labels({{"group", g.group}}), g.members);
    }
    for (const auto &t : std::as_const(m_snapshot.topics))
        for (const auto &p : t.partitions)
            if (p.end >= 0)
                ends.insert(labels({{"topic", t.topic}, {"partition", QString::number(p.partition)}}), double(p.end));
    m.replaceGauges(QStringLiteral("lab_kafka_consumer_lag"),
                    QStringLiteral("Records a consumer group has not committed yet, by topic and partition "
                                   "(end offset - committed offset)."),
                    lag);
    m.replaceGauges(QStringLiteral("lab_kafka_consumer_group_lag"),
                    QStringLiteral("Records a consumer group has not committed yet, over all its partitions."), groupLag);
    m.replaceGauges(QStringLiteral("lab_kafka_consumer_group_members"),
                    QStringLiteral("Members of a consumer group (0: nobody consumes)."), members);
    m.replaceGauges(QStringLiteral("lab_kafka_partition_end_offset"),
                    QStringLiteral("High watermark of a partition: the offset its next record gets."), ends);
}

QJsonObject KafkaInspector::lagJson(const Snapshot &s, int intervalMs, const QString &notificationTopic)
{
    QJsonArray groups;
    for (const auto &g : s.groups) {
        QJsonArray topics;
        QString current;
        QJsonArray partitions;
        qint64 topicLag = 0, groupLag = 0;
        auto flush = [&] {
            if (current.isEmpty())
                return;
            topics.append(QJsonObject{{QStringLiteral("topic"), current},
                                      {QStringLiteral("lag"), topicLag},
                                      {QStringLiteral("partitions"), partitions}});
            partitions = QJsonArray();
            topicLag = 0;
        };
        for (const PartitionLag &p : lagOf(s, g)) {
            if (p.topic != current) {
                flush();
                current = p.topic;
            }
            partitions.append(QJsonObject{{QStringLiteral("partition"), p.partition},
                                          {QStringLiteral("committed"), offsetOrNull(p.committed)},
                                          {QStringLiteral("end"), offsetOrNull(p.end)},
                                          {QStringLiteral("lag"), offsetOrNull(p.lag)}});
            topicLag += std::max<qint64>(0, p.lag);
            groupLag += std::max<qint64>(0, p.lag);
        }
        flush();
        groups.append(QJsonObject{{QStringLiteral("group"), g.group},
                                  {QStringLiteral("state"), g.state},
                                  {QStringLiteral("members"), g.members >= 0 ? QJsonValue(g.members) : QJsonValue()},
                                  {QStringLiteral("lag"), groupLag},
                                  {QStringLiteral("topics"), topics}});
    }
    return QJsonObject{
        {QStringLiteral("collected_at"), collectedAt(s)},
        {QStringLiteral("interval_ms"), intervalMs},
        {QStringLiteral("error"), s.error.isEmpty() ? QJsonValue() : QJsonValue(s.error)},
        {QStringLiteral("groups"), groups},
        {QStringLiteral("broadcast_readers"),
         QJsonObject{{QStringLiteral("topic"), notificationTopic},
                     {QStringLiteral("note"),
                      QStringLiteral("Every notifier-service instance reads %1 outside any consumer group to push "
                                     "it to its WebSocket clients (a broadcast reader): it commits nothing, so Kafka "
                                     "holds no lag for it and it is not listed here. The group notifier-service "
                                     "(the correlation) is.")
                          .arg(notificationTopic)}}},
    };
}

QJsonObject KafkaInspector::topicsJson(const Snapshot &s, int intervalMs)
{
    QJsonArray topics;
    for (const auto &t : s.topics) {
        QJsonArray partitions;
        qint64 total = 0;
        for (const auto &p : t.partitions) {
            const qint64 records = p.start >= 0 && p.end >= p.start ? p.end - p.start : -1;
            total += std::max<qint64>(0, records);
            partitions.append(QJsonObject{{QStringLiteral("partition"), p.partition},
                                          {QStringLiteral("start"), offsetOrNull(p.start)},
                                          {QStringLiteral("end"), offsetOrNull(p.end)},
                                          {QStringLiteral("records"), offsetOrNull(records)},
                                          {QStringLiteral("leader"), p.leader}});
        }
        topics.append(QJsonObject{{QStringLiteral("topic"), t.topic},
                                  {QStringLiteral("records"), total},
                                  {QStringLiteral("partitions"), partitions}});
    }
    return QJsonObject{{QStringLiteral("collected_at"), collectedAt(s)},
                       {QStringLiteral("interval_ms"), intervalMs},
                       {QStringLiteral("error"), s.error.isEmpty() ? QJsonValue() : QJsonValue(s.error)},
                       {QStringLiteral("topics"), topics}};
}

QJsonObject KafkaInspector::tailJson(const QString &topic, const KafkaMessageList &records)
{
    // a record's value is shown whole up to this size; the page shows a few at a time
    constexpr qsizetype MaxValueBytes = 4096;
    QJsonArray out;
    for (const KafkaMessage &m : records) {
        QJsonObject headers;
        for (const auto &[name, value] : m.headers)
            headers.insert(QString::fromUtf8(name), QString::fromUtf8(value.left(MaxValueBytes)));
        QJsonObject r{{QStringLiteral("partition"), m.partition},
                      {QStringLiteral("offset"), m.offset},
                      {QStringLiteral("timestamp"), m.timestampMs >= 0
                           ? QJsonValue(isoTimestamp(QDateTime::fromMSecsSinceEpoch(m.timestampMs, Qt::UTC)))
                           : QJsonValue()},
                      {QStringLiteral("key"), m.key.isNull() ? QJsonValue() : QJsonValue(QString::fromUtf8(m.key))},
                      {QStringLiteral("headers"), headers}};
        const QJsonDocument doc = m.value.size() <= MaxValueBytes ? QJsonDocument::fromJson(m.value) : QJsonDocument();
        if (doc.isObject())
            r.insert(QStringLiteral("value"), doc.object());
        else if (doc.isArray())
            r.insert(QStringLiteral("value"), doc.array());
        else
            r.insert(QStringLiteral("value"), m.value.isNull() ? QJsonValue() : QJsonValue(QString::fromUtf8(m.value.left(MaxValueBytes))));
        if (m.value.size() > MaxValueBytes)
            r.insert(QStringLiteral("value_truncated"), true);
        out.append(r);
    }
    return QJsonObject{{QStringLiteral("topic"), topic}, {QStringLiteral("records"), out}};
}

QJsonObject KafkaInspector::lagJson() const
{
    return lagJson(m_snapshot, m_intervalMs, m_names.topic(QStringLiteral("order.notification")));
}

QJsonObject KafkaInspector::topicsJson() const
{
    return topicsJson(m_snapshot, m_intervalMs);
}

bool KafkaInspector::tail(const QString &topic, int n, TailDone done)
{
    if (m_queuedTails >= MaxQueuedTails)
        return false;
    ++m_queuedTails;
    QPointer<KafkaInspector> self(this);
    Worker *worker = m_worker.get();
    const int count = std::clamp(n, 1, MaxTailRecords);
    worker->post([self, worker, topic, count, done = std::move(done)] {
        KafkaMessageList records;
        const KafkaError error = worker->client.tail(topic, count, CallTimeoutMs, &records);
        QMetaObject::invokeMethod(self.data(), [self, error, records, done] {
            if (!self)
                return;
            --self->m_queuedTails;
            done(error, records);
        }, Qt::QueuedConnection);
    });
    return true;
}

} // namespace lab
