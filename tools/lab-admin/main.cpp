// lab-admin: small operator commands against the real Kafka, used by `./lab up`:
//   lab-admin create-topics [--partitions N]   creates every contract topic (namespaced
//                                              by LAB_NAMESPACE) if missing
//   lab-admin list-topics                      prints topics with their partition counts
// Talks to Kafka through librdkafka's Admin API; exits non-zero with the broker's reason.
#include "lab/config.h"
#include "lab/names.h"
#include "lab/topics.h"

#include <QCoreApplication>
#include <QTextStream>

#include <librdkafka/rdkafka.h>

#include <cstdio>
#include <memory>

namespace {

struct KafkaDeleter { void operator()(rd_kafka_t *rk) const { rd_kafka_destroy(rk); } };
struct QueueDeleter { void operator()(rd_kafka_queue_t *q) const { rd_kafka_queue_destroy(q); } };
struct EventDeleter { void operator()(rd_kafka_event_t *e) const { rd_kafka_event_destroy(e); } };

std::unique_ptr<rd_kafka_t, KafkaDeleter> connect(const QString &brokers, QString *error)
{
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers.toUtf8().constData(), err, sizeof err)
        != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        *error = QString::fromUtf8(err);
        return nullptr;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk)
        *error = QString::fromUtf8(err);
    return std::unique_ptr<rd_kafka_t, KafkaDeleter>(rk);
}

int createTopics(rd_kafka_t *rk, const QStringList &topics, int partitions)
{
    std::vector<rd_kafka_NewTopic_t *> newTopics;
    char err[512];
    for (const QString &t : topics) {
        rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(t.toUtf8().constData(), partitions, 1, err, sizeof err);
        if (!nt) {
            std::fprintf(stderr, "lab-admin: %s: %s\n", qPrintable(t), err);
            return 2;
        }
        newTopics.push_back(nt);
    }
    std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(rk));
    rd_kafka_AdminOptions_t *options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_operation_timeout(options, 15000, err, sizeof err);
    rd_kafka_AdminOptions_set_request_timeout(options, 15000, err, sizeof err);
    rd_kafka_CreateTopics(rk, newTopics.data(), newTopics.size(), options, queue.get());
    std::unique_ptr<rd_kafka_event_t, EventDeleter> event(rd_kafka_queue_poll(queue.get(), 20000));
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_NewTopic_destroy_array(newTopics.data(), newTopics.size());
    if (!event) {
        std::fprintf(stderr, "lab-admin: no answer from Kafka within 20 s\n");
        return 1;
    }
    if (rd_kafka_event_error(event.get())) {
        std::fprintf(stderr, "lab-admin: %s\n", rd_kafka_event_error_string(event.get()));
        return 1;
    }
    size_t count = 0;
    const rd_kafka_topic_result_t **results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event.get()), &count);
    int rc = 0;
    for (size_t i = 0; i < count; ++i) {
        const rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
        const char *name = rd_kafka_topic_result_name(results[i]);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
            std::printf("created topic %s (%d partitions)\n", name, partitions);
        else if (e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
            std::printf("topic %s exists\n", name);
        else {
            std::fprintf(stderr, "lab-admin: topic %s: %s\n", name, rd_kafka_topic_result_error_string(results[i]));
            rc = 1;
        }
    }
    return rc;
}

int listTopics(rd_kafka_t *rk)
{
    const rd_kafka_metadata_t *md = nullptr;
    const rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 1, nullptr, &md, 10000);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::fprintf(stderr, "lab-admin: metadata: %s\n", rd_kafka_err2str(e));
        return 1;
    }
    for (int i = 0; i < md->topic_cnt; ++i)
        if (md->topics[i].topic[0] != '_')
            std::printf("%s\t%d\n", md->topics[i].topic, md->topics[i].partition_cnt);
    rd_kafka_metadata_destroy(md);
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("lab-admin"));
    QList<lab::ConfigOption> options{
        {QStringLiteral("kafka-brokers"), QStringLiteral("KAFKA_BROKERS"), QStringLiteral("127.0.0.1:9092"),
         QStringLiteral("Kafka bootstrap servers")},
        {QStringLiteral("partitions"), QStringLiteral("LAB_KAFKA_PARTITIONS"), QStringLiteral("6"),
         QStringLiteral("Partitions per topic for create-topics")},
    };
    const lab::Config config = lab::Config::load(
        app, QStringLiteral("Kafka admin commands: create-topics | list-topics"), options);
    // the command comes first: lab-admin create-topics [options]
    const QString command = app.arguments().value(1);
    QString error;
    auto rk = connect(config.value(QStringLiteral("kafka-brokers")), &error);
    if (!rk) {
        std::fprintf(stderr, "lab-admin: %s\n", qPrintable(error));
        return 2;
    }
    const lab::Names names = lab::Names::fromEnvironment();
    if (command == QLatin1String("create-topics")) {
        QStringList topics;
        for (const QString &t : lab::topics::all())
            topics << names.topic(t);
        return createTopics(rk.get(), topics, int(config.intValue(QStringLiteral("partitions"), nullptr, 6)));
    }
    if (command == QLatin1String("list-topics"))
        return listTopics(rk.get());
    std::fprintf(stderr, "usage: lab-admin create-topics|list-topics [--kafka-brokers B] [--partitions N]\n");
    return 2;
}
