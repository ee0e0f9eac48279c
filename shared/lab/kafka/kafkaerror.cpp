#include "lab/kafka/kafkaerror.h"

#include <librdkafka/rdkafka.h>

namespace lab {

namespace {

// Codes after which repeating the same operation later can succeed without any change
// on our side: the broker or the network recovers, a leader is elected, a queue drains.
bool isRetriableCode(int code)
{
    switch (static_cast<rd_kafka_resp_err_t>(code)) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
    case RD_KAFKA_RESP_ERR__QUEUE_FULL:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR__WAIT_COORD:
    case RD_KAFKA_RESP_ERR__IN_PROGRESS:
    case RD_KAFKA_RESP_ERR__PREV_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR__RETRY:
    case RD_KAFKA_RESP_ERR__PURGE_QUEUE:
    case RD_KAFKA_RESP_ERR__PURGE_INFLIGHT:
    case RD_KAFKA_RESP_ERR__NODE_UPDATE:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART: // may be auto-created / still propagating
    case RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR:
    case RD_KAFKA_RESP_ERR_THROTTLING_QUOTA_EXCEEDED:
        return true;
    default:
        return false;
    }
}

} // namespace

KafkaError KafkaError::fromCode(int code, const QString &message)
{
    KafkaError e;
    if (code == RD_KAFKA_RESP_ERR_NO_ERROR)
        return e; // "no error" stays ok whatever text came with it
    e.m_code = code;
    const QString text = QString::fromUtf8(rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(code)));
    e.m_message = message.isEmpty() ? text : message;
    e.m_fatal = code == RD_KAFKA_RESP_ERR__FATAL;
    e.m_retriable = !e.m_fatal && isRetriableCode(code);
    return e;
}

KafkaError KafkaError::local(const QString &message, bool fatal)
{
    KafkaError e;
    e.m_message = message.isEmpty() ? QStringLiteral("unknown error") : message;
    e.m_fatal = fatal;
    return e;
}

QString KafkaError::toString() const
{
    if (isOk())
        return QStringLiteral("ok");
    QString s = m_message;
    if (m_code != 0)
        s += QStringLiteral(" (%1)").arg(
            QString::fromUtf8(rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(m_code))));
    if (m_fatal)
        s += QStringLiteral(" [fatal]");
    else if (m_retriable)
        s += QStringLiteral(" [retriable]");
    return s;
}

} // namespace lab
