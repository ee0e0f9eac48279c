// kafkaproducer.h: an idempotent (acks=all) librdkafka producer on the Qt event loop.
// Every produce() ends in exactly one call of its completion callback, on the thread
// that owns the producer: with success once the broker stored the record, or with a
// KafkaError (queue full, broker unreachable past the message timeout, unknown topic...).
// librdkafka's event queue is bridged to the Qt loop with a QSocketNotifier on an
// eventfd/pipe, so no extra thread and no polling timer is needed.
#pragma once

#include "lab/contract/kafkamessage.h"
#include "lab/kafka/kafkaerror.h"

#include <QObject>
#include <QString>
#include <QMap>
#include <functional>
#include <memory>

namespace lab {

class KafkaProducer : public QObject
{
    Q_OBJECT
public:
    using Completion = std::function<void(const KafkaError &error, qint32 partition, qint64 offset)>;

    /// brokers: "host:port[,host:port]". extraConfig: raw librdkafka properties that
    /// override the defaults (enable.idempotence=true, acks=all, linger.ms=5...).
    explicit KafkaProducer(const QString &brokers, const QMap<QString, QString> &extraConfig = {},
                           QObject *parent = nullptr);
    ~KafkaProducer() override; ///< flushes for at most flushTimeoutMs, then drops the rest

    /// Creation errors (bad config) are reported here; isValid() false afterwards.
    bool isValid() const;
    KafkaError creationError() const;

    /// Queues one record. done runs exactly once, later, on this object's thread
    /// (never synchronously inside produce()).
    void produce(const QString &topic, const QByteArray &key, const QByteArray &value,
                 Completion done);
    /// The same, with record headers (copied; e.g. journey::outgoingHeaders()).
    void produce(const QString &topic, const QByteArray &key, const QByteArray &value,
                 const KafkaHeaders &headers, Completion done);

    /// Blocks until every queued record is delivered or timeoutMs passes; returns the
    /// number still undelivered. Completions of delivered records run before it returns.
    int flush(int timeoutMs);
    /// Records queued and not yet reported.
    int inFlight() const;

    /// Asks the cluster for metadata (bounded); ok when a broker answered.
    KafkaError checkConnection(int timeoutMs = 2000);

    void setFlushTimeoutMs(int ms);

signals:
    /// A fatal or global client error (e.g. all brokers down), for logs and health.
    void clientError(const lab::KafkaError &error);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace lab
