// kafkamessage.h: a consumed Kafka record, copied out of librdkafka so it can cross
// threads and outlive the rd_kafka_message_t it came from.
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QMetaType>
#include <QString>

namespace lab {

/// Record headers in the order Kafka keeps them (a name may repeat); e.g. the W3C
/// traceparent and the journey stamps of journey.h.
using KafkaHeaders = QList<QPair<QByteArray, QByteArray>>;

struct KafkaMessage
{
    QString topic;
    qint32 partition = -1;
    qint64 offset = -1;
    QByteArray key;
    QByteArray value;
    qint64 timestampMs = -1; ///< broker/producer timestamp, ms since epoch; -1 if unknown
    quint64 generation = 0;  ///< assignment generation; acks from an older one are ignored
    KafkaHeaders headers;

    /// The value of the last header called name; null when there is none.
    QByteArray header(const QByteArray &name) const
    {
        for (auto it = headers.crbegin(); it != headers.crend(); ++it)
            if (it->first == name)
                return it->second;
        return {};
    }
};

using KafkaMessageList = QList<KafkaMessage>;

} // namespace lab

Q_DECLARE_METATYPE(lab::KafkaMessage)
Q_DECLARE_METATYPE(lab::KafkaMessageList)
