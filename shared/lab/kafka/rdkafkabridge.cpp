#include "lab/kafka/rdkafkabridge.h"

#include "lab/runtime/log.h"

namespace lab::rdk {

void logCallback(const rd_kafka_t *rk, int level, const char *facility, const char *message)
{
    const char *name = rk ? rd_kafka_name(rk) : "rdkafka";
    if (level <= 4)
        qCWarning(lcKafka, "%s %s: %s", name, facility, message);
    else if (level <= 6)
        qCInfo(lcKafka, "%s %s: %s", name, facility, message);
    else
        qCDebug(lcKafka, "%s %s: %s", name, facility, message);
}

KafkaError applySettings(rd_kafka_conf_t *conf, const QList<QPair<QString, QString>> &settings, const char *role)
{
    char errstr[512];
    for (const auto &[key, value] : settings) {
        if (rd_kafka_conf_set(conf, key.toUtf8().constData(), value.toUtf8().constData(), errstr, sizeof errstr)
            != RD_KAFKA_CONF_OK)
            return KafkaError::local(QStringLiteral("invalid %1 setting %2=%3: %4")
                                         .arg(QLatin1String(role), key, value, QString::fromUtf8(errstr)),
                                     true);
    }
    return {};
}

KafkaMessage copyMessage(const rd_kafka_message_t *m, const QString &topic)
{
    KafkaMessage msg;
    msg.topic = topic;
    msg.partition = m->partition;
    msg.offset = m->offset;
    if (m->key)
        msg.key = QByteArray(static_cast<const char *>(m->key), qsizetype(m->key_len));
    if (m->payload)
        msg.value = QByteArray(static_cast<const char *>(m->payload), qsizetype(m->len));
    rd_kafka_timestamp_type_t tsType;
    const int64_t ts = rd_kafka_message_timestamp(m, &tsType);
    msg.timestampMs = tsType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? -1 : ts;
    rd_kafka_headers_t *hdrs = nullptr; // owned by the message
    if (rd_kafka_message_headers(m, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR || !hdrs)
        return msg;
    msg.headers.reserve(qsizetype(rd_kafka_header_cnt(hdrs)));
    const char *name = nullptr;
    const void *value = nullptr;
    size_t size = 0;
    for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
        msg.headers.append({QByteArray(name), value ? QByteArray(static_cast<const char *>(value), qsizetype(size))
                                                    : QByteArray()});
    return msg;
}

KafkaError callbackError(rd_kafka_t *rk, int err, const char *reason, const char *role)
{
    if (err != RD_KAFKA_RESP_ERR__FATAL)
        return KafkaError::fromCode(err, QString::fromUtf8(reason));
    char fatal[512];
    const rd_kafka_resp_err_t code = rd_kafka_fatal_error(rk, fatal, sizeof fatal);
    return KafkaError::fromCode(err, QStringLiteral("%1 failed fatally (%2): %3")
                                         .arg(QLatin1String(role), QString::fromUtf8(rd_kafka_err2name(code)),
                                              QString::fromUtf8(fatal)));
}

} // namespace lab::rdk
