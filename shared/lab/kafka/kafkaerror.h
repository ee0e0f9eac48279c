// kafkaerror.h: the one error value the Kafka bridge hands to callers.
// librdkafka reports failures as rd_kafka_resp_err_t codes plus flags saying whether
// retrying can help; callers only need to know what happened and whether it is final.
#pragma once

#include <QMetaType>
#include <QString>

namespace lab {

class KafkaError
{
public:
    KafkaError() = default;
    /// Builds an error from a librdkafka code (rd_kafka_resp_err_t as int).
    static KafkaError fromCode(int code, const QString &message = {});
    /// An error that did not come from librdkafka (bad configuration, shutdown...).
    static KafkaError local(const QString &message, bool fatal = false);

    bool isOk() const { return m_code == 0 && m_message.isEmpty(); }
    explicit operator bool() const { return !isOk(); } ///< true when this IS an error
    int code() const { return m_code; }
    QString message() const { return m_message; }
    /// Fatal: the producer or consumer can no longer be used and must be recreated.
    bool isFatal() const { return m_fatal; }
    /// Retriable: the same operation may succeed later (broker down, timed out...).
    bool isRetriable() const { return m_retriable; }
    QString toString() const;

private:
    int m_code = 0;
    QString m_message;
    bool m_fatal = false;
    bool m_retriable = false;
};

} // namespace lab

Q_DECLARE_METATYPE(lab::KafkaError)
