// lab-admin: small operator commands against the real Kafka, used by `./lab up`, the
// Docker init container and the tests:
//   lab-admin create-topics [--partitions N]   creates every contract topic that is missing,
//                                              and sets the retention settings on every one
//                                              (kafkaadmin::topicConfig(), LAB_KAFKA_TOPIC_CONFIG)
//   lab-admin delete-topics                    deletes every contract topic
//   lab-admin list-topics                      prints topics with their partition counts
//   lab-admin describe                         brokers, and every partition (internal topics
//                                              too) with its leader, replicas and in-sync
//                                              replicas; a last line counts the under-
//                                              replicated and offline ones (tools/chaos.sh)
//   lab-admin describe-topics                  prints each contract topic's own settings
//   lab-admin consumer-lag [--every MS]        prints "<unix ms> <group> <lag>" for each
//                                              service's consumer group, once or every MS
// Topics are namespaced by LAB_NAMESPACE like the services'. Exits non-zero with the
// broker's reason when Kafka refuses or does not answer.
#include "lab/contract/names.h"
#include "lab/kafka/kafkaadmin.h"
#include "lab/runtime/config.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QThread>

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
        {QStringLiteral("every"), QString(), QStringLiteral("0"),
         QStringLiteral("consumer-lag: print again every this many milliseconds (0: once)")},
    };
    const lab::Config config = lab::Config::load(
        app, QStringLiteral("Kafka admin commands: lab-admin create-topics | delete-topics | list-topics | "
                            "describe | describe-topics | consumer-lag [options]. Topic settings: LAB_KAFKA_TOPIC_CONFIG."),
        options);
    const QString brokers = config.value(QStringLiteral("kafka-brokers"));
    const lab::Names names = lab::Names::fromEnvironment();
    const QStringList topics = lab::kafkaadmin::contractTopics(names);

    if (command == QLatin1String("create-topics")) {
        const int partitions = int(config.intValue(QStringLiteral("partitions"), nullptr, 6));
        const QMap<QString, QString> settings = lab::kafkaadmin::topicConfig();
        QStringList described;
        for (auto it = settings.cbegin(); it != settings.cend(); ++it)
            described << it.key() + QLatin1Char('=') + it.value();
        if (const lab::KafkaError e = lab::kafkaadmin::ensureTopics(brokers, topics, partitions, 15000, settings))
            return report(e, "");
        // Topics made before (by an older lab, or by a service) get the same retention.
        return report(lab::kafkaadmin::alterTopicConfig(brokers, topics, settings, 15000),
                      qPrintable(QStringLiteral("topics present: %1 (%2)")
                                     .arg(topics.join(QStringLiteral(", ")), described.join(QLatin1Char(' ')))));
    }
    if (command == QLatin1String("consumer-lag")) {
        // The groups of the services that consume the contract topics.
        QStringList groups;
        for (const char *service : {"payment-service", "inventory-service", "notifier-service", "search-service"})
            groups << names.group(QString::fromLatin1(service));
        const qint64 every = config.intValue(QStringLiteral("every"));
        lab::kafkaadmin::Inspector inspector(brokers);
        for (;;) {
            // end offset minus committed offset, summed over the partitions each group
            // committed on; -1 when Kafka did not answer
            QHash<QString, qint64> lag;
            QList<lab::kafkaadmin::TopicOffsets> ends;
            QList<lab::kafkaadmin::GroupOffsets> committed;
            lab::KafkaError error = inspector.topicOffsets(topics, 5000, &ends);
            if (!error)
                error = inspector.groupOffsets([&groups](const QString &g) { return groups.contains(g); }, topics,
                                               5000, &committed);
            if (error)
                std::fprintf(stderr, "lab-admin: %s\n", qPrintable(error.toString()));
            for (const lab::kafkaadmin::GroupOffsets &g : std::as_const(committed))
                for (const lab::kafkaadmin::CommittedOffset &c : g.committed)
                    for (const lab::kafkaadmin::TopicOffsets &t : std::as_const(ends))
                        for (const lab::kafkaadmin::PartitionOffsets &p : t.partitions)
                            if (t.topic == c.topic && p.partition == c.partition && p.end >= 0)
                                lag[g.group] += qMax<qint64>(0, p.end - c.offset);
            for (const QString &group : std::as_const(groups))
                std::printf("%lld\t%s\t%lld\n", QDateTime::currentMSecsSinceEpoch(), qPrintable(group),
                            error ? -1 : lag.value(group, 0));
            std::fflush(stdout);
            if (every <= 0)
                return 0;
            QThread::msleep(quint64(every));
        }
    }
    if (command == QLatin1String("describe-topics")) {
        for (const QString &t : topics) {
            lab::KafkaError error;
            const QMap<QString, QString> overrides = lab::kafkaadmin::topicOverrides(brokers, t, &error, 15000);
            if (error)
                return report(error, "");
            QStringList items;
            for (auto it = overrides.cbegin(); it != overrides.cend(); ++it)
                items << it.key() + QLatin1Char('=') + it.value();
            std::printf("%s\t%s\n", qPrintable(t), qPrintable(items.join(QLatin1Char(' '))));
        }
        return 0;
    }
    if (command == QLatin1String("delete-topics"))
        return report(lab::kafkaadmin::deleteTopics(brokers, topics, 15000),
                      qPrintable(QStringLiteral("topics deleted: %1").arg(topics.join(QStringLiteral(", ")))));
    if (command == QLatin1String("list-topics"))
        return listTopics(brokers);
    if (command == QLatin1String("describe"))
        return describe(brokers);
    std::fprintf(stderr, "usage: lab-admin create-topics|delete-topics|list-topics|describe|describe-topics|consumer-lag "
                         "[--kafka-brokers B] [--partitions N] [--every MS]\n");
    return 2;
}
