// eventworker.h: the consume -> handle -> acknowledge loop of a service that reacts to
// Kafka events (payment-, inventory- and notifier-service). Every record goes to the
// handler, which answers once with a Result:
//  - ack():      handled (the handler's own effects, e.g. its outcome event, are
//                durable): the record is acknowledged and its offset may be committed;
//  - dropped():  it can never succeed (malformed): counted as an error, logged, and
//                acknowledged so that it does not block its partition;
//  - retry():    a transient failure (Redis or Kafka down, a timeout): NOT acknowledged;
//                the same record is handed to the handler again after a backoff
//                (100 ms doubling to 5 s, jittered) until it succeeds or the worker stops.
// Handlers run concurrently and must be idempotent (records are redelivered after a
// crash or a rebalance). Metrics: lab_events_consumed_total{topic},
// lab_errors_total{kind}, lab_handler_seconds{handler=<topic>} (receipt to ack), through
// servicemetrics.h like every service's metrics.
#pragma once

#include "lab/contract/kafkamessage.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

namespace lab {

class KafkaConsumer;

class EventWorker : public QObject
{
    Q_OBJECT
public:
    struct Result
    {
        enum class Kind { Ack, Dropped, Retry };
        Kind kind = Kind::Ack;
        QString errorKind; ///< lab_errors_total label: malformed, redis, kafka...
        QString detail;    ///< for the log

        static Result ack() { return {}; }
        static Result dropped(const QString &kind, const QString &detail) { return {Kind::Dropped, kind, detail}; }
        static Result retry(const QString &kind, const QString &detail) { return {Kind::Retry, kind, detail}; }
    };
    /// Answers a record; calling it more than once has no effect.
    using Finish = std::function<void(const lab::EventWorker::Result &result)>;
    using Handler = std::function<void(const lab::KafkaMessage &message, Finish finish)>;

    /// consumer: not owned, must outlive the worker's activity. name: for logs.
    EventWorker(const QString &name, KafkaConsumer *consumer, Handler handler, QObject *parent = nullptr);
    ~EventWorker() override;

    void setBackoff(int firstMs, int maxMs);
    /// Starts the consumer.
    void start();
    /// Stops handing records to the handler and abandons records waiting for a retry;
    /// they stay unacknowledged and are redelivered to the group later. Handlers that
    /// are running may still finish (an ack then still counts).
    void stopIntake();
    bool isStopping() const { return m_stopping; }
    /// Runs done(true) once no handler is running, or done(false) after timeoutMs.
    void whenIdle(int timeoutMs, std::function<void(bool drained)> done);

    /// lab_events_produced_total{topic} += 1: call when Kafka confirmed a record.
    static void countProduced(const QString &topic);
    /// Creates the consumed/produced series at 0, so /metrics lists them from the start.
    static void declareTopics(const QStringList &consumed, const QStringList &produced);

    int running() const { return m_running; }        ///< handler calls not answered yet
    int waitingForRetry() const { return m_waiting; } ///< records in backoff
    quint64 acknowledged() const { return m_acked; }

signals:
    void becameIdle();

private:
    struct Job;
    void onMessages(const lab::KafkaMessageList &messages);
    void dispatch(const std::shared_ptr<Job> &job);
    void finish(const std::shared_ptr<Job> &job, const Result &result);
    int backoffMs(int attempt) const;
    void checkIdle();

    QString m_name;
    QPointer<KafkaConsumer> m_consumer;
    Handler m_handler;
    bool m_stopping = false;
    int m_running = 0;
    int m_waiting = 0;
    quint64 m_acked = 0;
    QElapsedTimer m_retryLogClock;
    int m_retriesNotLogged = 0;
    int m_firstBackoffMs = 100;
    int m_maxBackoffMs = 5000;
};

} // namespace lab
