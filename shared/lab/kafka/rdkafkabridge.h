// rdkafkabridge.h: what the Kafka bridge's clients (producer, consumer, admin and
// inspector) share over librdkafka's own types: one log callback, one way to apply
// settings, one copy of a consumed record, one reading of an error callback. Internal
// to the bridge, like rdkafkahandles.h: services never include librdkafka.
#pragma once

#include "lab/contract/kafkamessage.h"
#include "lab/kafka/kafkaerror.h"

#include <QList>
#include <QPair>
#include <QString>

#include <librdkafka/rdkafka.h>

namespace lab::rdk {

/// librdkafka's log lines into the lab's log (category "lab.kafka"): levels 0-4 as
/// warnings, 5-6 as info, 7 as debug, each prefixed with the client's name.
void logCallback(const rd_kafka_t *rk, int level, const char *facility, const char *message);

/// Sets each (key, value) on conf, in order, so that a later one overrides an earlier.
/// The first setting librdkafka refuses is returned as a fatal error
/// "invalid <role> setting key=value: why"; no error when all are taken.
KafkaError applySettings(rd_kafka_conf_t *conf, const QList<QPair<QString, QString>> &settings, const char *role);

/// A consumed record copied out of librdkafka (key, value, timestamp, headers), under
/// the topic name the caller already holds as a QString.
KafkaMessage copyMessage(const rd_kafka_message_t *message, const QString &topic);

/// The error an error_cb reports, as a KafkaError: for a fatal error, librdkafka's
/// underlying cause; role ("producer", "consumer") names the client in the message.
KafkaError callbackError(rd_kafka_t *rk, int err, const char *reason, const char *role);

} // namespace lab::rdk
