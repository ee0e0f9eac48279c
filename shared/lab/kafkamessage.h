// kafkamessage.h: a consumed Kafka record, copied out of librdkafka so it can cross
// threads and outlive the rd_kafka_message_t it came from.
#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>

namespace lab {

struct KafkaMessage
{
    QString topic;
    qint32 partition = -1;
    qint64 offset = -1;
    QByteArray key;
    QByteArray value;
    qint64 timestampMs = -1; ///< broker/producer timestamp, ms since epoch; -1 if unknown
    quint64 generation = 0;  ///< assignment generation; acks from an older one are ignored
};

using KafkaMessageList = QList<KafkaMessage>;

} // namespace lab

Q_DECLARE_METATYPE(lab::KafkaMessage)
Q_DECLARE_METATYPE(lab::KafkaMessageList)
