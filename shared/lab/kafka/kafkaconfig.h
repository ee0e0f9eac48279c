// kafkaconfig.h: librdkafka properties an operator sets from the environment, applied
// after a client's built-in defaults and its own settings:
//
//   LAB_KAFKA_PRODUCER_CONFIG="linger.ms=10,batch.size=262144"  every producer
//   LAB_KAFKA_CONSUMER_CONFIG="fetch.wait.max.ms=100"          every consumer
//
// Items are key=value (no spaces around =), separated by commas or white space. An unknown key or a bad
// value makes the client report a configuration error (the service then exits), it is
// never ignored silently.
#pragma once

#include <QMap>
#include <QString>

namespace lab::kafkaconfig {

inline constexpr const char *ProducerVariable = "LAB_KAFKA_PRODUCER_CONFIG";
inline constexpr const char *ConsumerVariable = "LAB_KAFKA_CONSUMER_CONFIG";

/// Parses "k=v,k=v". An item without '=' maps its key to an empty value, which
/// librdkafka then rejects with a message naming it.
QMap<QString, QString> parse(const QString &text);
/// parse() of the environment variable (empty when unset).
QMap<QString, QString> fromEnvironment(const char *variable);
/// `config` with the environment variable's properties applied over it.
QMap<QString, QString> withEnvironment(QMap<QString, QString> config, const char *variable);

} // namespace lab::kafkaconfig
