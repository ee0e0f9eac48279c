// kafkaadmin.cpp: topic creation through librdkafka's Admin API (see kafkaadmin.h).
#include "kafkaadmin.h"

#include "lab/log.h"
#include "lab/rdkafkahandles.h"
#include "lab/topics.h"

#include <vector>

namespace lab::kafkaadmin {

KafkaError ensureTopics(const QString &brokers, const QStringList &topics, int partitions, int timeoutMs)
{
    if (topics.isEmpty())
        return {};
    char errstr[512];
    rdk::ConfPtr conf(rd_kafka_conf_new());
    if (rd_kafka_conf_set(conf.get(), "bootstrap.servers", brokers.toUtf8().constData(), errstr, sizeof errstr)
        != RD_KAFKA_CONF_OK)
        return KafkaError::local(QString::fromUtf8(errstr), true);
    rd_kafka_conf_set(conf.get(), "log_level", "3", errstr, sizeof errstr);
    rdk::HandlePtr rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr));
    if (!rk)
        return KafkaError::local(QStringLiteral("cannot create a Kafka admin client: %1").arg(QString::fromUtf8(errstr)), true);
    conf.release(); // owned by rk now

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

    rdk::EventPtr ev(rd_kafka_queue_poll(queue.get(), timeoutMs + 1000));
    if (!ev)
        return KafkaError::fromCode(RD_KAFKA_RESP_ERR__TIMED_OUT,
                                    QStringLiteral("Kafka did not answer the topic creation within %1 ms").arg(timeoutMs));
    if (const rd_kafka_resp_err_t err = rd_kafka_event_error(ev.get()))
        return KafkaError::fromCode(err, QString::fromUtf8(rd_kafka_event_error_string(ev.get())));
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
    QStringList namespaced;
    for (const QString &t : topics::all())
        namespaced.append(names.topic(t));
    return ensureTopics(brokers, namespaced, -1, timeoutMs);
}

} // namespace lab::kafkaadmin
