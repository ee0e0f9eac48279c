// lab-admin: small operator commands against the real Kafka, used by `./lab up`, the
// Docker init container and the tests:
//   lab-admin create-topics [--partitions N]   creates every contract topic that is missing
//   lab-admin delete-topics                    deletes every contract topic
//   lab-admin list-topics                      prints topics with their partition counts
//   lab-admin describe                         brokers, and every partition (internal topics
//                                              too) with its leader, replicas and in-sync
//                                              replicas; a last line counts the under-
//                                              replicated and offline ones (tools/chaos.sh)
// Topics are namespaced by LAB_NAMESPACE like the services'. Exits non-zero with the
// broker's reason when Kafka refuses or does not answer.
#include "lab/config.h"
#include "lab/kafkaadmin.h"
#include "lab/names.h"

#include <QCoreApplication>

#include <librdkafka/rdkafka.h>

#include <cstdio>
#include <vector>

namespace {

/// Calls fn with the cluster's metadata (every topic); returns the exit status.
template<typename Fn>
int withMetadata(const QString &brokers, Fn fn)
{
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers.toUtf8().constData(), err, sizeof err) != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        std::fprintf(stderr, "lab-admin: %s\n", err);
        return 2;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) {
        std::fprintf(stderr, "lab-admin: %s\n", err);
        return 2;
    }
    const rd_kafka_metadata_t *md = nullptr;
    const rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 1, nullptr, &md, 10000);
    int rc = 0;
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::fprintf(stderr, "lab-admin: metadata: %s\n", rd_kafka_err2str(e));
        rc = 1;
    } else {
        fn(md);
        rd_kafka_metadata_destroy(md);
    }
    rd_kafka_destroy(rk);
    return rc;
}

int listTopics(const QString &brokers)
{
    return withMetadata(brokers, [](const rd_kafka_metadata_t *md) {
        for (int i = 0; i < md->topic_cnt; ++i)
            if (md->topics[i].topic[0] != '_')
                std::printf("%s\t%d\n", md->topics[i].topic, md->topics[i].partition_cnt);
    });
}

QByteArray idList(const int32_t *ids, int count)
{
    QByteArrayList out;
    for (int i = 0; i < count; ++i)
        out.append(QByteArray::number(ids[i]));
    return out.join(',');
}

// One tab-separated line per broker and per partition, then the summary line: the
// format tests/chaos/tst_chaos.cpp reads.
int describe(const QString &brokers)
{
    return withMetadata(brokers, [](const rd_kafka_metadata_t *md) {
        for (int i = 0; i < md->broker_cnt; ++i)
            std::printf("broker\t%d\t%s:%d\n", md->brokers[i].id, md->brokers[i].host, md->brokers[i].port);
        int partitions = 0, underReplicated = 0, offline = 0;
        for (int t = 0; t < md->topic_cnt; ++t) {
            const rd_kafka_metadata_topic_t &topic = md->topics[t];
            for (int p = 0; p < topic.partition_cnt; ++p) {
                const rd_kafka_metadata_partition_t &part = topic.partitions[p];
                ++partitions;
                underReplicated += part.isr_cnt < part.replica_cnt ? 1 : 0;
                offline += part.leader < 0 ? 1 : 0;
                std::printf("partition\t%s\t%d\tleader=%d\treplicas=%s\tisr=%s\n", topic.topic, part.id, part.leader,
                            idList(part.replicas, part.replica_cnt).constData(),
                            idList(part.isrs, part.isr_cnt).constData());
            }
        }
        std::printf("summary\tpartitions=%d\tunder-replicated=%d\toffline=%d\n", partitions, underReplicated, offline);
    });
}

int report(const lab::KafkaError &error, const char *done)
{
    if (error) {
        std::fprintf(stderr, "lab-admin: %s\n", qPrintable(error.toString()));
        return 1;
    }
    std::printf("%s\n", done);
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    // The command word comes first (lab-admin create-topics [options]); the rest are
    // ordinary options, parsed like every other binary's.
    const QString command = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    std::vector<char *> rest{argv[0]};
    for (int i = 2; i < argc; ++i)
        rest.push_back(argv[i]);
    int restCount = int(rest.size());
    if (command.startsWith(QLatin1Char('-'))) { // --help / --version without a command
        rest = std::vector<char *>(argv, argv + argc);
        restCount = argc;
    }
    QCoreApplication app(restCount, rest.data());
    QCoreApplication::setApplicationName(QStringLiteral("lab-admin"));
    const QList<lab::ConfigOption> options{
        {QStringLiteral("kafka-brokers"), QStringLiteral("KAFKA_BROKERS"), QStringLiteral("127.0.0.1:9092"),
         QStringLiteral("Kafka bootstrap servers")},
        {QStringLiteral("partitions"), QStringLiteral("LAB_KAFKA_PARTITIONS"), QStringLiteral("6"),
         QStringLiteral("Partitions per topic for create-topics")},
    };
    const lab::Config config = lab::Config::load(
        app, QStringLiteral("Kafka admin commands: lab-admin create-topics | delete-topics | list-topics | describe [options]"),
        options);
    const QString brokers = config.value(QStringLiteral("kafka-brokers"));
    const lab::Names names = lab::Names::fromEnvironment();
    const QStringList topics = lab::kafkaadmin::contractTopics(names);

    if (command == QLatin1String("create-topics")) {
        const int partitions = int(config.intValue(QStringLiteral("partitions"), nullptr, 6));
        return report(lab::kafkaadmin::ensureTopics(brokers, topics, partitions, 15000),
                      qPrintable(QStringLiteral("topics present: %1").arg(topics.join(QStringLiteral(", ")))));
    }
    if (command == QLatin1String("delete-topics"))
        return report(lab::kafkaadmin::deleteTopics(brokers, topics, 15000),
                      qPrintable(QStringLiteral("topics deleted: %1").arg(topics.join(QStringLiteral(", ")))));
    if (command == QLatin1String("list-topics"))
        return listTopics(brokers);
    if (command == QLatin1String("describe"))
        return describe(brokers);
    std::fprintf(stderr, "usage: lab-admin create-topics|delete-topics|list-topics|describe [--kafka-brokers B] [--partitions N]\n");
    return 2;
}
