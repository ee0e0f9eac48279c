// kafkaadmin.cpp: topic creation through librdkafka's Admin API (see kafkaadmin.h).
#include "kafkaadmin.h"

#include "lab/kafkaconfig.h"
#include "lab/log.h"
#include "lab/rdkafkahandles.h"
#include "lab/topics.h"

#include <QElapsedTimer>
#include <QThread>

#include <utility>
#include <vector>

namespace lab::kafkaadmin {

namespace {

/// A short-lived client for one admin request; sets *error when it cannot be made.
rdk::HandlePtr adminClient(const QString &brokers, KafkaError *error)
{
    char errstr[512];
    rdk::ConfPtr conf(rd_kafka_conf_new());
    if (rd_kafka_conf_set(conf.get(), "bootstrap.servers", brokers.toUtf8().constData(), errstr, sizeof errstr)
        != RD_KAFKA_CONF_OK) {
        *error = KafkaError::local(QString::fromUtf8(errstr), true);
        return nullptr;
    }
    rd_kafka_conf_set(conf.get(), "log_level", "3", errstr, sizeof errstr);
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

struct ConsumerLag::Private
{
    QString brokers;
    QStringList topics;
    rdk::HandlePtr rk;
};

ConsumerLag::ConsumerLag(const QString &brokers, const QStringList &topics) : d(std::make_unique<Private>())
{
    d->brokers = brokers;
    d->topics = topics;
}

ConsumerLag::~ConsumerLag() = default;

qint64 ConsumerLag::measure(const QString &group, KafkaError *error, int timeoutMs)
{
    if (!d->rk && !(d->rk = adminClient(d->brokers, error)))
        return -1;
    rd_kafka_t *rk = d->rk.get();
    // Committed offsets of every partition the group committed on (OffsetFetch through
    // the admin API: no group membership, no rebalance).
    rd_kafka_ListConsumerGroupOffsets_t *request = rd_kafka_ListConsumerGroupOffsets_new(group.toUtf8().constData(),
                                                                                          nullptr);
    rdk::QueuePtr queue(rd_kafka_queue_new(rk));
    rdk::AdminOptionsPtr options = adminOptions(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, timeoutMs);
    rd_kafka_ListConsumerGroupOffsets(rk, &request, 1, options.get(), queue.get());
    rd_kafka_ListConsumerGroupOffsets_destroy(request);
    rdk::EventPtr ev = awaitResult(queue.get(), timeoutMs, "committed offsets", error);
    if (*error)
        return -1;
    size_t n = 0;
    const rd_kafka_group_result_t **groups =
        rd_kafka_ListConsumerGroupOffsets_result_groups(rd_kafka_event_ListConsumerGroupOffsets_result(ev.get()), &n);
    qint64 lag = 0;
    for (size_t g = 0; g < n; ++g) {
        if (const rd_kafka_error_t *e = rd_kafka_group_result_error(groups[g])) {
            *error = KafkaError::fromCode(rd_kafka_error_code(e), QString::fromUtf8(rd_kafka_error_string(e)));
            return -1;
        }
        const rd_kafka_topic_partition_list_t *committed = rd_kafka_group_result_partitions(groups[g]);
        for (int i = 0; committed && i < committed->cnt; ++i) {
            const rd_kafka_topic_partition_t &tp = committed->elems[i];
            if (tp.offset < 0 || !d->topics.contains(QString::fromUtf8(tp.topic)))
                continue;
            int64_t low = 0, high = 0;
            if (const rd_kafka_resp_err_t err =
                    rd_kafka_query_watermark_offsets(rk, tp.topic, tp.partition, &low, &high, timeoutMs)) {
                *error = KafkaError::fromCode(err, QStringLiteral("end offset of %1 [%2]")
                                                       .arg(QString::fromUtf8(tp.topic))
                                                       .arg(tp.partition));
                return -1;
            }
            lag += qMax<int64_t>(0, high - tp.offset);
        }
    }
    return lag;
}

QStringList contractTopics(const Names &names)
{
    QStringList namespaced;
    for (const QString &t : topics::all())
        namespaced.append(names.topic(t));
    return namespaced;
}

} // namespace lab::kafkaadmin
