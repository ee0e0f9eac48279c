// eventworker.cpp: handle, retry with backoff, acknowledge (see eventworker.h).
#include "lab/kafka/eventworker.h"

#include "lab/kafka/kafkaconsumer.h"
#include "lab/runtime/log.h"
#include "lab/runtime/servicemetrics.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTimer>

namespace lab {

struct EventWorker::Job
{
    KafkaMessage message;
    QElapsedTimer started;
    int attempt = 0;
    bool answered = false; ///< the current attempt was answered
};

EventWorker::EventWorker(const QString &name, KafkaConsumer *consumer, Handler handler, QObject *parent)
    : QObject(parent), m_name(name), m_consumer(consumer), m_handler(std::move(handler))
{
    connect(consumer, &KafkaConsumer::messagesReceived, this, &EventWorker::onMessages);
}

EventWorker::~EventWorker() = default;

void EventWorker::setBackoff(int firstMs, int maxMs)
{
    m_firstBackoffMs = qMax(1, firstMs);
    m_maxBackoffMs = qMax(m_firstBackoffMs, maxMs);
}

void EventWorker::start()
{
    m_stopping = false;
    if (m_consumer)
        m_consumer->start();
}

void EventWorker::stopIntake()
{
    if (m_stopping)
        return;
    m_stopping = true;
    qCInfo(lcKafka, "%s: stopping intake (%d running, %d waiting for a retry are left for redelivery)",
           qPrintable(m_name), m_running, m_waiting);
    // Retry timers see m_stopping and give up; count them out now.
    m_waiting = 0;
    checkIdle();
}

void EventWorker::whenIdle(int timeoutMs, std::function<void(bool)> done)
{
    if (m_running == 0) {
        done(true);
        return;
    }
    auto once = std::make_shared<std::function<void(bool)>>(std::move(done));
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    auto conn = std::make_shared<QMetaObject::Connection>();
    *conn = connect(this, &EventWorker::becameIdle, this, [once, timer, conn] {
        disconnect(*conn);
        timer->deleteLater();
        if (*once) {
            auto f = std::move(*once);
            *once = nullptr;
            f(true);
        }
    });
    connect(timer, &QTimer::timeout, this, [once, timer, conn] {
        disconnect(*conn);
        timer->deleteLater();
        if (*once) {
            auto f = std::move(*once);
            *once = nullptr;
            f(false);
        }
    });
    timer->start(timeoutMs);
}

void EventWorker::onMessages(const KafkaMessageList &messages)
{
    for (const KafkaMessage &m : messages) {
        if (m_stopping)
            return; // left unacknowledged: redelivered after the restart
        auto job = std::make_shared<Job>();
        job->message = m;
        job->started.start();
        dispatch(job);
    }
}

void EventWorker::dispatch(const std::shared_ptr<Job> &job)
{
    ++job->attempt;
    job->answered = false;
    ++m_running;
    QPointer<EventWorker> self(this);
    m_handler(job->message, [self, job](const Result &result) {
        if (self)
            self->finish(job, result);
    });
}

void EventWorker::finish(const std::shared_ptr<Job> &job, const Result &result)
{
    if (job->answered)
        return;
    job->answered = true;
    --m_running;
    const KafkaMessage &m = job->message;
    switch (result.kind) {
    case Result::Kind::Dropped:
        metrics::error(result.errorKind);
        qCWarning(lcKafka, "%s: dropping %s[%d]@%lld: %s", qPrintable(m_name), qPrintable(m.topic),
                  m.partition, m.offset, qPrintable(result.detail));
        Q_FALLTHROUGH();
    case Result::Kind::Ack:
        if (m_consumer)
            m_consumer->acknowledge(m);
        ++m_acked;
        // a record's handler is named after its topic: from receipt to acknowledgement, retries included
        metrics::eventConsumed(m.topic);
        metrics::handlerSeconds(m.topic, job->started.nsecsElapsed() / 1e9);
        break;
    case Result::Kind::Retry: {
        metrics::error(result.errorKind);
        if (m_stopping) {
            qCInfo(lcKafka, "%s: %s[%d]@%lld failed while stopping (%s); it will be redelivered",
                   qPrintable(m_name), qPrintable(m.topic), m.partition, m.offset, qPrintable(result.detail));
            break;
        }
        const int delay = backoffMs(job->attempt);
        // While Redis or Kafka is down every record in hand fails on each attempt: one
        // line per second (with a count of the others) keeps the log readable.
        if (!m_retryLogClock.isValid() || m_retryLogClock.elapsed() >= 1000) {
            qCWarning(lcKafka, "%s: %s[%d]@%lld attempt %d failed (%s: %s); retrying in %d ms "
                               "(%d other failed attempts not logged)",
                      qPrintable(m_name), qPrintable(m.topic), m.partition, m.offset, job->attempt,
                      qPrintable(result.errorKind), qPrintable(result.detail), delay, m_retriesNotLogged);
            m_retryLogClock.start();
            m_retriesNotLogged = 0;
        } else {
            ++m_retriesNotLogged;
        }
        ++m_waiting;
        QTimer::singleShot(delay, this, [this, job] {
            if (m_stopping)
                return; // counted out by stopIntake()
            --m_waiting;
            dispatch(job);
        });
        break;
    }
    }
    checkIdle();
}

void EventWorker::countProduced(const QString &topic)
{
    metrics::eventProduced(topic);
}

void EventWorker::declareTopics(const QStringList &consumed, const QStringList &produced)
{
    for (const QString &t : consumed)
        metrics::eventConsumed(t, 0);
    for (const QString &t : produced)
        metrics::eventProduced(t, 0);
}

int EventWorker::backoffMs(int attempt) const
{
    qint64 delay = m_firstBackoffMs;
    for (int i = 1; i < attempt && delay < m_maxBackoffMs; ++i)
        delay *= 2;
    delay = qMin<qint64>(delay, m_maxBackoffMs);
    // +-20 % so that many records failing together do not retry in lockstep.
    const double jitter = 0.8 + 0.4 * QRandomGenerator::global()->generateDouble();
    return int(qMax<qint64>(1, qint64(double(delay) * jitter)));
}

void EventWorker::checkIdle()
{
    if (m_running == 0)
        emit becameIdle();
}

} // namespace lab
