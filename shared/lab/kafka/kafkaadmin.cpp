// kafkaadmin.cpp: topic creation through librdkafka's Admin API (see kafkaadmin.h).
#include "lab/kafka/kafkaadmin.h"

#include "lab/contract/topics.h"
#include "lab/kafka/kafkaconfig.h"
#include "lab/kafka/rdkafkabridge.h"
#include "lab/kafka/rdkafkahandles.h"
#include "lab/runtime/log.h"

#include <QElapsedTimer>
#include <QHash>
#include <QThread>

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

namespace lab::kafkaadmin {

namespace {

/// A short-lived client for one admin request; sets *error when it cannot be made.
rdk::HandlePtr adminClient(const QString &brokers, KafkaError *error)
{
    char errstr[512];
    rdk::ConfPtr conf(rd_kafka_conf_new());
    if ((*error = rdk::applySettings(conf.get(), {{QStringLiteral("bootstrap.servers"), brokers},
                                                  {QStringLiteral("log_level"), QStringLiteral("3")}},
                                     "admin client")))
        return nullptr;
    rdk::HandlePtr rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr));
    if (!rk) {
        *error = KafkaError::local(QStringLiteral("cannot create a Kafka admin client: %1").arg(QString::fromUtf8(errstr)), true);
        return nullptr;
    }
    conf.release(); // owned by rk now
    return rk;
}

/// Waits for an admin request's answer; an error when none came or the request failed.
rdk::EventPtr awaitResult(rd_kafka_queue_t *queue, int timeoutMs, const char *what, KafkaError *error)
{
    rdk::EventPtr ev(rd_kafka_queue_poll(queue, timeoutMs + 1000));
    if (!ev)
        *error = KafkaError::fromCode(RD_KAFKA_RESP_ERR__TIMED_OUT,
                                      QStringLiteral("Kafka did not answer the %1 within %2 ms").arg(QLatin1String(what)).arg(timeoutMs));
    else if (const rd_kafka_resp_err_t err = rd_kafka_event_error(ev.get()))
        *error = KafkaError::fromCode(err, QString::fromUtf8(rd_kafka_event_error_string(ev.get())));
    return ev;
}

/// The admin options every request here uses: both timeouts at timeoutMs.
rdk::AdminOptionsPtr adminOptions(rd_kafka_t *rk, rd_kafka_admin_op_t op, int timeoutMs)
{
    char errstr[512];
    rdk::AdminOptionsPtr options(rd_kafka_AdminOptions_new(rk, op));
    rd_kafka_AdminOptions_set_request_timeout(options.get(), timeoutMs, errstr, sizeof errstr);
    rd_kafka_AdminOptions_set_operation_timeout(options.get(), timeoutMs, errstr, sizeof errstr);
    return options;
}

/// The first failed resource of an AlterConfigs/DescribeConfigs result, as an error.
KafkaError resourceError(const rd_kafka_ConfigResource_t **resources, size_t n, const char *what)
{
    for (size_t i = 0; i < n; ++i)
        if (const rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(resources[i]))
            return KafkaError::fromCode(err, QStringLiteral("cannot %1 topic %2: %3")
                                                 .arg(QLatin1String(what),
                                                      QString::fromUtf8(rd_kafka_ConfigResource_name(resources[i])),
                                                      QString::fromUtf8(rd_kafka_ConfigResource_error_string(resources[i]))));
    return {};
}

/// Runs an admin request again while it fails because a topic is not known yet: a
/// broker learns of a topic created a moment ago (even by this client) with a delay.
template <typename Request>
auto untilTopicKnown(int timeoutMs, Request request)
{
    QElapsedTimer clock;
    clock.start();
    for (;;) {
        auto result = request();
        if (result.first.code() != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || clock.elapsed() > timeoutMs)
            return result;
        QThread::msleep(200);
    }
}

KafkaError alterOnce(const QString &brokers, const QStringList &topics, const QMap<QString, QString> &config,
                     int timeoutMs)
{
    if (topics.isEmpty())
        return {};
    KafkaError error;
    rdk::HandlePtr rk = adminClient(brokers, &error);
    if (!rk)
        return error;
    std::vector<rdk::ConfigResourcePtr> owned;
    std::vector<rd_kafka_ConfigResource_t *> raw;
    for (const QString &t : topics) {
        rdk::ConfigResourcePtr resource(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, t.toUtf8().constData()));
        for (auto it = config.cbegin(); it != config.cend(); ++it)
            if (const rd_kafka_resp_err_t err = rd_kafka_ConfigResource_set_config(
                    resource.get(), it.key().toUtf8().constData(), it.value().toUtf8().constData()))
                return KafkaError::fromCode(err, QStringLiteral("topic %1: setting %2=%3").arg(t, it.key(), it.value()));
        raw.push_back(resource.get());
        owned.push_back(std::move(resource));
    }
    rdk::QueuePtr queue(rd_kafka_queue_new(rk.get()));
    rdk::AdminOptionsPtr options = adminOptions(rk.get(), RD_KAFKA_ADMIN_OP_ALTERCONFIGS, timeoutMs);
    rd_kafka_AlterConfigs(rk.get(), raw.data(), raw.size(), options.get(), queue.get());
    rdk::EventPtr ev = awaitResult(queue.get(), timeoutMs, "topic configuration", &error);
    if (error)
        return error;
    size_t n = 0;
    const rd_kafka_ConfigResource_t **resources =
        rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(ev.get()), &n);
    return resourceError(resources, n, "configure");
}

QMap<QString, QString> describeOnce(const QString &brokers, const QString &topic, KafkaError *error, int timeoutMs)
{
    rdk::HandlePtr rk = adminClient(brokers, error);
    if (!rk)
        return {};
    rdk::ConfigResourcePtr resource(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.toUtf8().constData()));
    rd_kafka_ConfigResource_t *raw = resource.get();
    rdk::QueuePtr queue(rd_kafka_queue_new(rk.get()));
    rdk::AdminOptionsPtr options = adminOptions(rk.get(), RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeoutMs);
    rd_kafka_DescribeConfigs(rk.get(), &raw, 1, options.get(), queue.get());
    rdk::EventPtr ev = awaitResult(queue.get(), timeoutMs, "topic description", error);
    if (*error)
        return {};
    size_t n = 0;
    const rd_kafka_ConfigResource_t **resources =
        rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev.get()), &n);
    if ((*error = resourceError(resources, n, "describe")))
        return {};
    QMap<QString, QString> overrides;
    for (size_t i = 0; i < n; ++i) {
        size_t count = 0;
        const rd_kafka_ConfigEntry_t **entries = rd_kafka_ConfigResource_configs(resources[i], &count);
        for (size_t j = 0; j < count; ++j)
            if (rd_kafka_ConfigEntry_source(entries[j]) == RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG)
                overrides.insert(QString::fromUtf8(rd_kafka_ConfigEntry_name(entries[j])),
                                 QString::fromUtf8(rd_kafka_ConfigEntry_value(entries[j])));
    }
    return overrides;
}

} // namespace

QMap<QString, QString> topicConfig()
{
    return kafkaconfig::withEnvironment(
        {
            {QStringLiteral("retention.ms"), QStringLiteral("259200000")},    // 3 days
            {QStringLiteral("retention.bytes"), QStringLiteral("134217728")}, // 128 MiB per partition
            {QStringLiteral("segment.bytes"), QStringLiteral("33554432")},    // 32 MiB
            {QStringLiteral("segment.ms"), QStringLiteral("86400000")},       // 1 day
        },
        TopicConfigVariable);
}

KafkaError ensureTopics(const QString &brokers, const QStringList &topics, int partitions, int timeoutMs,
                        const QMap<QString, QString> &config)
{
    if (topics.isEmpty())
        return {};
    char errstr[512];
    KafkaError error;
    rdk::HandlePtr rk = adminClient(brokers, &error);
    if (!rk)
        return error;

    std::vector<rdk::NewTopicPtr> owned;
    std::vector<rd_kafka_NewTopic_t *> raw;
    for (const QString &t : topics) {
        rdk::NewTopicPtr nt(rd_kafka_NewTopic_new(t.toUtf8().constData(), partitions, -1, errstr, sizeof errstr));
        if (!nt)
            return KafkaError::local(QStringLiteral("topic %1: %2").arg(t, QString::fromUtf8(errstr)), true);
        for (auto it = config.cbegin(); it != config.cend(); ++it)
            if (const rd_kafka_resp_err_t err = rd_kafka_NewTopic_set_config(nt.get(), it.key().toUtf8().constData(),
                                                                             it.value().toUtf8().constData()))
                return KafkaError::fromCode(err, QStringLiteral("topic %1: setting %2=%3").arg(t, it.key(), it.value()));
        raw.push_back(nt.get());
        owned.push_back(std::move(nt));
    }
    rdk::QueuePtr queue(rd_kafka_queue_new(rk.get()));
    rdk::AdminOptionsPtr options(rd_kafka_AdminOptions_new(rk.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS));
    rd_kafka_AdminOptions_set_request_timeout(options.get(), timeoutMs, errstr, sizeof errstr);
    rd_kafka_AdminOptions_set_operation_timeout(options.get(), timeoutMs, errstr, sizeof errstr);
    rd_kafka_CreateTopics(rk.get(), raw.data(), raw.size(), options.get(), queue.get());

    rdk::EventPtr ev = awaitResult(queue.get(), timeoutMs, "topic creation", &error);
    if (error)
        return error;
    size_t n = 0;
    const rd_kafka_topic_result_t **results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev.get()), &n);
    for (size_t i = 0; i < n; ++i) {
        const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
        const char *name = rd_kafka_topic_result_name(results[i]);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
            qCInfo(lcKafka, "created topic %s", name);
        else if (err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
            return KafkaError::fromCode(err, QStringLiteral("cannot create topic %1: %2")
                                                 .arg(QString::fromUtf8(name),
                                                      QString::fromUtf8(rd_kafka_topic_result_error_string(results[i]))));
    }
    return {};
}

KafkaError ensureContractTopics(const QString &brokers, const Names &names, int timeoutMs)
{
    return ensureTopics(brokers, contractTopics(names), -1, timeoutMs);
}

KafkaError alterTopicConfig(const QString &brokers, const QStringList &topics, const QMap<QString, QString> &config,
                            int timeoutMs)
{
    return untilTopicKnown(timeoutMs, [&] {
               return std::pair{alterOnce(brokers, topics, config, timeoutMs), 0};
           }).first;
}

QMap<QString, QString> topicOverrides(const QString &brokers, const QString &topic, KafkaError *error,
                                      int timeoutMs)
{
    auto [e, overrides] = untilTopicKnown(timeoutMs, [&] {
        KafkaError once;
        QMap<QString, QString> found = describeOnce(brokers, topic, &once, timeoutMs);
        return std::pair{once, found};
    });
    *error = e;
    return overrides;
}



KafkaError deleteTopics(const QString &brokers, const QStringList &topics, int timeoutMs)
{
    if (topics.isEmpty())
        return {};
    KafkaError error;
    rdk::HandlePtr rk = adminClient(brokers, &error);
    if (!rk)
        return error;
    std::vector<rd_kafka_DeleteTopic_t *> raw;
    for (const QString &t : topics)
        raw.push_back(rd_kafka_DeleteTopic_new(t.toUtf8().constData()));
    rdk::QueuePtr queue(rd_kafka_queue_new(rk.get()));
    char errstr[512];
    rdk::AdminOptionsPtr options(rd_kafka_AdminOptions_new(rk.get(), RD_KAFKA_ADMIN_OP_DELETETOPICS));
    rd_kafka_AdminOptions_set_request_timeout(options.get(), timeoutMs, errstr, sizeof errstr);
    rd_kafka_AdminOptions_set_operation_timeout(options.get(), timeoutMs, errstr, sizeof errstr);
    rd_kafka_DeleteTopics(rk.get(), raw.data(), raw.size(), options.get(), queue.get());
    rd_kafka_DeleteTopic_destroy_array(raw.data(), raw.size());
    rdk::EventPtr ev = awaitResult(queue.get(), timeoutMs, "topic deletion", &error);
    if (error)
        return error;
    size_t n = 0;
    const rd_kafka_topic_result_t **results =
        rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev.get()), &n);
    for (size_t i = 0; i < n; ++i) {
        const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
        const char *name = rd_kafka_topic_result_name(results[i]);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
            qCInfo(lcKafka, "deleted topic %s", name);
        else if (err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
            return KafkaError::fromCode(err, QStringLiteral("cannot delete topic %1: %2")
                                                 .arg(QString::fromUtf8(name),
                                                      QString::fromUtf8(rd_kafka_topic_result_error_string(results[i]))));
    }
    return {};
}

// ---------------------------------------------------------------- inspection

struct Inspector::Private
{
    QString brokers;
    rdk::HandlePtr rk;
    KafkaError creationError;
};

namespace {

/// A consumer handle without a group (offsets, metadata, admin requests, assign()).
rdk::HandlePtr groupLessConsumer(const QString &brokers, const char *clientId, KafkaError *error)
{
    char errstr[512];
    rdk::ConfPtr conf(rd_kafka_conf_new());
    const QList<QPair<QString, QString>> settings = {
        {QStringLiteral("bootstrap.servers"), brokers},
        {QStringLiteral("client.id"), QString::fromLatin1(clientId)},
        // assign() needs a group id; this one never joins a group or commits (explicit
        // offsets, no auto commit)
        {QStringLiteral("group.id"), QString::fromLatin1(clientId)},
        {QStringLiteral("enable.auto.commit"), QStringLiteral("false")},
        {QStringLiteral("enable.auto.offset.store"), QStringLiteral("false")},
        {QStringLiteral("log_level"), QStringLiteral("3")},
        // a tail reads at most a few hundred small records: no 64 MiB prefetch
        {QStringLiteral("queued.max.messages.kbytes"), QStringLiteral("1024")},
    };
    if ((*error = rdk::applySettings(conf.get(), settings, "inspector")))
        return nullptr;
    rdk::HandlePtr rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr, sizeof errstr));
    if (!rk) {
        *error = KafkaError::local(QStringLiteral("cannot create a Kafka client: %1").arg(QString::fromUtf8(errstr)), true);
        return nullptr;
    }
    conf.release();
    return rk;
}

/// Metadata of the existing topics among `topics`: name -> partition ids and leaders.
KafkaError existingPartitions(rd_kafka_t *rk, const QStringList &topics, int timeoutMs,
                              QList<TopicOffsets> *out)
{
    const rd_kafka_metadata_t *raw = nullptr;
    // all topics in one request: the lab has a handful (a test namespace's are few too)
    if (const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, nullptr, &raw, timeoutMs))
        return KafkaError::fromCode(err, QStringLiteral("no metadata within %1 ms: %2")
                                             .arg(timeoutMs).arg(QString::fromUtf8(rd_kafka_err2str(err))));
    rdk::MetadataPtr metadata(raw);
    QHash<QString, TopicOffsets> found;
    for (int i = 0; i < metadata->topic_cnt; ++i) {
        const rd_kafka_metadata_topic_t &t = metadata->topics[i];
        const QString name = QString::fromUtf8(t.topic);
        if (t.err || !topics.contains(name))
            continue;
        TopicOffsets topic{name, {}};
        for (int p = 0; p < t.partition_cnt; ++p)
            topic.partitions.append({t.partitions[p].id, -1, -1, t.partitions[p].leader});
        std::sort(topic.partitions.begin(), topic.partitions.end(),
                  [](const PartitionOffsets &a, const PartitionOffsets &b) { return a.partition < b.partition; });
        found.insert(name, topic);
    }
    out->clear();
    for (const QString &t : topics) // in the order asked
        if (found.contains(t))
            out->append(found.value(t));
    return {};
}

} // namespace

Inspector::Inspector(const QString &brokers) : d(std::make_unique<Private>())
{
    d->brokers = brokers;
    d->rk = groupLessConsumer(brokers, "lab-inspector", &d->creationError);
}

Inspector::~Inspector() = default;

KafkaError Inspector::creationError() const
{
    return d->creationError;
}

KafkaError Inspector::topicOffsets(const QStringList &topics, int timeoutMs, QList<TopicOffsets> *out)
{
    if (!d->rk)
        return d->creationError;
    rd_kafka_poll(d->rk.get(), 0); // serves (and frees) queued error events: nobody else polls this handle
    if (const KafkaError e = existingPartitions(d->rk.get(), topics, timeoutMs, out))
        return e;
    if (out->isEmpty())
        return {};
    // offsets_for_times with the special timestamps -2 (earliest) and -1 (latest): one
    // ListOffsets request per broker for every partition, instead of a watermark query
    // per partition.
    for (const qint64 which : {qint64(RD_KAFKA_OFFSET_BEGINNING), qint64(RD_KAFKA_OFFSET_END)}) {
        rdk::PartitionListPtr list(rd_kafka_topic_partition_list_new(8));
        for (const TopicOffsets &t : std::as_const(*out))
            for (const PartitionOffsets &p : t.partitions)
                rd_kafka_topic_partition_list_add(list.get(), t.topic.toUtf8().constData(), p.partition)->offset = which;
        if (const rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(d->rk.get(), list.get(), timeoutMs))
            return KafkaError::fromCode(err, QStringLiteral("no %1 offsets within %2 ms: %3")
                                                 .arg(which == RD_KAFKA_OFFSET_END ? QLatin1String("end") : QLatin1String("start"))
                                                 .arg(timeoutMs).arg(QString::fromUtf8(rd_kafka_err2str(err))));
        for (int i = 0; i < list->cnt; ++i) {
            const rd_kafka_topic_partition_t &e = list->elems[i];
            if (e.err)
                continue; // stays -1: unknown
            for (TopicOffsets &t : *out)
                if (t.topic == QLatin1String(e.topic))
                    for (PartitionOffsets &p : t.partitions)
                        if (p.partition == e.partition)
                            (which == RD_KAFKA_OFFSET_END ? p.end : p.start) = e.offset;
        }
    }
    return {};
}

KafkaError Inspector::groupOffsets(const std::function<bool(const QString &)> &wanted, const QStringList &topics,
                                   int timeoutMs, QList<GroupOffsets> *out)
{
    out->clear();
    if (!d->rk)
        return d->creationError;
    rd_kafka_t *rk = d->rk.get();
    rdk::QueuePtr queue(rd_kafka_queue_new(rk));
    KafkaError error;

    rd_kafka_ListConsumerGroups(rk, adminOptions(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, timeoutMs).get(), queue.get());
    rdk::EventPtr listed = awaitResult(queue.get(), timeoutMs, "consumer group listing", &error);
    if (error)
        return error;
    size_t n = 0;
    const rd_kafka_ConsumerGroupListing_t **groups =
        rd_kafka_ListConsumerGroups_result_valid(rd_kafka_event_ListConsumerGroups_result(listed.get()), &n);
    QList<QByteArray> ids;
    for (size_t i = 0; i < n; ++i) {
        const QString id = QString::fromUtf8(rd_kafka_ConsumerGroupListing_group_id(groups[i]));
        if (wanted(id)) {
            ids.append(id.toUtf8());
            out->append({id, QString::fromUtf8(rd_kafka_consumer_group_state_name(
                                 rd_kafka_ConsumerGroupListing_state(groups[i]))), -1, {}});
        }
    }
    if (ids.isEmpty())
        return {};

    // members (the listing has the state already): one request for every group
    std::vector<const char *> raw;
    for (const QByteArray &id : std::as_const(ids))
        raw.push_back(id.constData());
    rd_kafka_DescribeConsumerGroups(rk, raw.data(), raw.size(),
                                    adminOptions(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, timeoutMs).get(),
                                    queue.get());
    rdk::EventPtr described = awaitResult(queue.get(), timeoutMs, "consumer group description", &error);
    if (error)
        return error;
    const rd_kafka_ConsumerGroupDescription_t **descriptions =
        rd_kafka_DescribeConsumerGroups_result_groups(rd_kafka_event_DescribeConsumerGroups_result(described.get()), &n);
    for (size_t i = 0; i < n; ++i) {
        if (rd_kafka_ConsumerGroupDescription_error(descriptions[i]))
            continue;
        const QString id = QString::fromUtf8(rd_kafka_ConsumerGroupDescription_group_id(descriptions[i]));
        for (GroupOffsets &g : *out)
            if (g.group == id) {
                g.members = int(rd_kafka_ConsumerGroupDescription_member_count(descriptions[i]));
                g.state = QString::fromUtf8(
                    rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(descriptions[i])));
            }
    }

    for (GroupOffsets &g : *out) {
        // NULL partitions: every partition the group committed on
        rd_kafka_ListConsumerGroupOffsets_t *request = rd_kafka_ListConsumerGroupOffsets_new(g.group.toUtf8().constData(), nullptr);
        rd_kafka_ListConsumerGroupOffsets(rk, &request, 1,
                                          adminOptions(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, timeoutMs).get(),
                                          queue.get());
        rd_kafka_ListConsumerGroupOffsets_destroy(request);
        rdk::EventPtr answered = awaitResult(queue.get(), timeoutMs, "committed offset listing", &error);
        if (error)
            return error;
        const rd_kafka_group_result_t **results =
            rd_kafka_ListConsumerGroupOffsets_result_groups(rd_kafka_event_ListConsumerGroupOffsets_result(answered.get()), &n);
        for (size_t i = 0; i < n; ++i) {
            if (rd_kafka_group_result_error(results[i]))
                continue;
            const rd_kafka_topic_partition_list_t *parts = rd_kafka_group_result_partitions(results[i]);
            for (int p = 0; parts && p < parts->cnt; ++p) {
                const rd_kafka_topic_partition_t &e = parts->elems[p];
                const QString topic = QString::fromUtf8(e.topic);
                if (!e.err && e.offset >= 0 && topics.contains(topic))
                    g.committed.append({topic, e.partition, e.offset});
            }
        }
        std::sort(g.committed.begin(), g.committed.end(), [](const CommittedOffset &a, const CommittedOffset &b) {
            return a.topic != b.topic ? a.topic < b.topic : a.partition < b.partition;
        });
    }
    out->erase(std::remove_if(out->begin(), out->end(), [](const GroupOffsets &g) { return g.committed.isEmpty(); }),
               out->end());
    std::sort(out->begin(), out->end(), [](const GroupOffsets &a, const GroupOffsets &b) { return a.group < b.group; });
    return {};
}

KafkaError Inspector::tail(const QString &topic, int n, int timeoutMs, KafkaMessageList *out)
{
    out->clear();
    if (!d->rk)
        return d->creationError;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    QList<TopicOffsets> offsets;
    if (const KafkaError e = topicOffsets({topic}, timeoutMs, &offsets))
        return e;
    if (offsets.isEmpty())
        return KafkaError::fromCode(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, QStringLiteral("topic %1 does not exist").arg(topic));
    KafkaError error;
    rdk::HandlePtr consumer = groupLessConsumer(d->brokers, "lab-inspector-tail", &error);
    if (!consumer)
        return error;
    const QByteArray name = topic.toUtf8();
    rdk::PartitionListPtr assignment(rd_kafka_topic_partition_list_new(8));
    QHash<qint32, qint64> lastWanted; // partition -> offset of its newest record
    for (const PartitionOffsets &p : std::as_const(offsets.first().partitions)) {
        if (p.end <= p.start || p.end < 0)
            continue; // empty
        rd_kafka_topic_partition_list_add(assignment.get(), name.constData(), p.partition)->offset =
            std::max(p.start, p.end - n);
        lastWanted.insert(p.partition, p.end - 1);
    }
    if (lastWanted.isEmpty())
        return {};
    if (const rd_kafka_resp_err_t err = rd_kafka_assign(consumer.get(), assignment.get()))
        return KafkaError::fromCode(err, QStringLiteral("cannot read %1: %2").arg(topic, QString::fromUtf8(rd_kafka_err2str(err))));
    while (!lastWanted.isEmpty()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0)
            break; // what arrived so far (a partition whose leader is away stays short)
        rdk::MessagePtr m(rd_kafka_consumer_poll(consumer.get(), int(std::min<qint64>(left, 100))));
        if (!m || m->err)
            continue;
        if (m->offset > lastWanted.value(m->partition, -1))
            continue; // stored after we looked
        out->append(rdk::copyMessage(m.get(), topic));
        if (m->offset >= lastWanted.value(m->partition))
            lastWanted.remove(m->partition);
    }
    rd_kafka_assign(consumer.get(), nullptr);
    std::stable_sort(out->begin(), out->end(), [](const KafkaMessage &a, const KafkaMessage &b) {
        return a.timestampMs != b.timestampMs ? a.timestampMs < b.timestampMs
                                              : (a.partition != b.partition ? a.partition < b.partition : a.offset < b.offset);
    });
    if (out->size() > n)
        out->erase(out->begin(), out->end() - n);
    return {};
}

bool isNamespaceGroup(const Names &names, const QString &group)
{
    if (names.ns().isEmpty())
        return !group.contains(QLatin1Char('.'));
    const QString prefix = names.ns() + QLatin1Char('.');
    return group.startsWith(prefix) && !group.mid(prefix.size()).contains(QLatin1Char('.'));
}

QStringList contractTopics(const Names &names)
{
    QStringList namespaced;
    for (const QString &t : topics::all())
        namespaced.append(names.topic(t));
    return namespaced;
}

} // namespace lab::kafkaadmin
