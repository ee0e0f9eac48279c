// kafkaadmin.cpp: topic creation through librdkafka's Admin API (see kafkaadmin.h).
#include "kafkaadmin.h"

#include "lab/log.h"
#include "lab/rdkafkahandles.h"
#include "lab/topics.h"

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

} // namespace

KafkaError ensureTopics(const QString &brokers, const QStringList &topics, int partitions, int timeoutMs)
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

QStringList contractTopics(const Names &names)
{
    QStringList namespaced;
    for (const QString &t : topics::all())
        namespaced.append(names.topic(t));
    return namespaced;
}

} // namespace lab::kafkaadmin
