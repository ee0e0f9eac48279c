#include "lab/kafka/kafkaproducer.h"

#include "lab/kafka/kafkaconfig.h"
#include "lab/kafka/rdkafkabridge.h"
#include "lab/kafka/rdkafkahandles.h"
#include "lab/runtime/log.h"
#include "lab/runtime/metrics.h"

#include <QHash>
#include <QPointer>
#include <QSocketNotifier>
#include <QThread>

#include <cerrno>
#include <cstring>
#include <deque>

#include <sys/eventfd.h>
#include <unistd.h>

namespace lab {

namespace {

// Defaults a lab service wants; extraConfig overrides any of them.
const QList<QPair<const char *, const char *>> kProducerDefaults = {
    {"enable.idempotence", "true"}, // no duplicates or reordering from internal retries
    {"acks", "all"},
    // librdkafka sends one ProduceRequest per partition (librdkafka#1700): with 6
    // partitions and a 2 ms linger each service sent ~400-500 requests/s of one or two
    // records at 1,000 orders/s, and requests are what costs the broker CPU. 5 ms
    // fills them better (docs/BENCHMARKS.md, "What bounds each figure").
    {"linger.ms", "5"},
    {"batch.num.messages", "10000"},
    {"compression.type", "lz4"},
    {"message.timeout.ms", "10000"}, // a record not stored within this fails its completion
    {"socket.keepalive.enable", "true"},
};

} // namespace

class KafkaProducer::Private
{
public:
    struct Ready
    {
        Completion done;
        KafkaError error;
        qint32 partition = -1;
        qint64 offset = -1;
        double latencySeconds = -1; ///< produce() to delivery report, when librdkafka knows it
    };

    explicit Private(KafkaProducer *q) : q(q) {}

    void create(const QString &brokers, const QMap<QString, QString> &extraConfig);
    void onWakeup();
    void drainReady();
    void scheduleDrain();
    void shutdown();

    static void deliveryCallback(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque);
    static void errorCallback(rd_kafka_t *rk, int err, const char *reason, void *opaque);

    KafkaProducer *q;
    // Declared before rk so they outlive it: librdkafka writes to the eventfd until
    // the handle is gone.
    int eventFd = -1;
    QSocketNotifier *notifier = nullptr;
    rdk::HandlePtr rk;
    rdk::QueuePtr mainQueue;
    KafkaError creationError;
    int flushTimeoutMs = 5000;

    quint64 nextId = 1;
    QHash<quint64, Completion> pending; ///< handed to librdkafka, no report yet
    std::deque<Ready> ready;            ///< reported, completion not run yet
    bool drainScheduled = false;
    bool closing = false;
};

void KafkaProducer::Private::create(const QString &brokers, const QMap<QString, QString> &extraConfig)
{
    char errstr[512];
    rdk::ConfPtr conf(rd_kafka_conf_new());
    // the bridge's settings, the defaults, the client's own, then the operator's
    // (LAB_KAFKA_*_CONFIG) over them
    QList<QPair<QString, QString>> settings{{QStringLiteral("bootstrap.servers"), brokers}};
    for (const auto &[key, value] : kProducerDefaults)
        settings.append({QString::fromLatin1(key), QString::fromLatin1(value)});
    const QMap<QString, QString> config = kafkaconfig::withEnvironment(extraConfig, kafkaconfig::ProducerVariable);
    for (auto it = config.cbegin(); it != config.cend(); ++it)
        settings.append({it.key(), it.value()});
    if ((creationError = rdk::applySettings(conf.get(), settings, "producer")))
        return;
    rd_kafka_conf_set_opaque(conf.get(), this);
    rd_kafka_conf_set_dr_msg_cb(conf.get(), &Private::deliveryCallback);
    rd_kafka_conf_set_error_cb(conf.get(), &Private::errorCallback);
    rd_kafka_conf_set_log_cb(conf.get(), &rdk::logCallback);

    eventFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (eventFd < 0) {
        creationError = KafkaError::local(QStringLiteral("eventfd() failed: %1")
                                              .arg(QString::fromLocal8Bit(strerror(errno))), true);
        return;
    }

    // rd_kafka_new takes ownership of conf only on success.
    rk.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr));
    if (!rk) {
        creationError = KafkaError::local(
            QStringLiteral("cannot create Kafka producer: %1").arg(QString::fromUtf8(errstr)), true);
        return;
    }
    conf.release();

    // Delivery reports and errors land on the main queue; librdkafka writes to the
    // eventfd when it becomes non-empty, and the notifier serves it on our thread.
    mainQueue.reset(rd_kafka_queue_get_main(rk.get()));
    const quint64 one = 1; // an eventfd only accepts 8-byte writes
    rd_kafka_queue_io_event_enable(mainQueue.get(), eventFd, &one, sizeof one);
    notifier = new QSocketNotifier(eventFd, QSocketNotifier::Read, q);
    QObject::connect(notifier, &QSocketNotifier::activated, q, [this] { onWakeup(); });
    // Anything enqueued before the fd was attached would not wake us up.
    QMetaObject::invokeMethod(q, [this] { onWakeup(); }, Qt::QueuedConnection);
    qCInfo(lcKafka, "producer %s created for %s", rd_kafka_name(rk.get()), qPrintable(brokers));
}

void KafkaProducer::Private::onWakeup()
{
    quint64 counter;
    while (::read(eventFd, &counter, sizeof counter) > 0) {
    }
    if (rk)
        rd_kafka_poll(rk.get(), 0); // runs deliveryCallback/errorCallback for everything queued
    drainReady();
}

// Completions run outside librdkafka's callbacks, one at a time, so that one of them
// may produce again or even delete the producer.
void KafkaProducer::Private::drainReady()
{
    QPointer<KafkaProducer> guard(q);
    while (!ready.empty()) {
        Ready r = std::move(ready.front());
        ready.pop_front();
        if (r.latencySeconds >= 0)
            Metrics::instance().observe(QStringLiteral("lab_kafka_produce_seconds"),
                                        QStringLiteral("Time from producing a record to Kafka's delivery report "
                                                       "(linger, queueing for an in-flight slot, broker round trip)."),
                                        r.latencySeconds);
        if (r.done)
            r.done(r.error, r.partition, r.offset);
        if (!guard)
            return;
    }
}

void KafkaProducer::Private::scheduleDrain()
{
    if (drainScheduled)
        return;
    drainScheduled = true;
    QMetaObject::invokeMethod(q, [this] {
        drainScheduled = false;
        drainReady();
    }, Qt::QueuedConnection);
}

void KafkaProducer::Private::deliveryCallback(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
    auto *d = static_cast<Private *>(opaque);
    const quint64 id = quint64(reinterpret_cast<quintptr>(msg->_private));
    Completion done = d->pending.take(id);
    if (!done)
        return; // unknown id: reported already
    Ready r;
    r.done = std::move(done);
    if (const int64_t us = rd_kafka_message_latency(msg); us >= 0)
        r.latencySeconds = double(us) / 1e6;
    if (msg->err) {
        char fatal[256];
        const rd_kafka_resp_err_t fatalCode = rd_kafka_fatal_error(rk, fatal, sizeof fatal);
        const QString topic = msg->rkt ? QString::fromUtf8(rd_kafka_topic_name(msg->rkt)) : QString();
        if (fatalCode)
            r.error = KafkaError::fromCode(
                RD_KAFKA_RESP_ERR__FATAL,
                QStringLiteral("producer failed fatally (%1): %2")
                    .arg(QString::fromUtf8(rd_kafka_err2name(fatalCode)), QString::fromUtf8(fatal)));
        else
            r.error = KafkaError::fromCode(
                msg->err, QStringLiteral("delivery to %1 failed: %2")
                              .arg(topic, QString::fromUtf8(rd_kafka_err2str(msg->err))));
        r.partition = msg->partition;
    } else {
        r.partition = msg->partition;
        r.offset = msg->offset;
    }
    d->ready.push_back(std::move(r));
}

void KafkaProducer::Private::errorCallback(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    auto *d = static_cast<Private *>(opaque);
    const KafkaError error = rdk::callbackError(rk, err, reason, "producer");
    qCWarning(lcKafka, "producer %s: %s", rd_kafka_name(rk), qPrintable(error.toString()));
    // Served inside rd_kafka_poll() on our thread; hand over through the event loop
    // anyway so that a slot may delete the producer.
    QMetaObject::invokeMethod(d->q, [q = d->q, error] { emit q->clientError(error); },
                              Qt::QueuedConnection);
}

void KafkaProducer::Private::shutdown()
{
    closing = true;
    if (rk) {
        const int left = q->flush(flushTimeoutMs);
        if (left > 0) {
            qCWarning(lcKafka, "producer %s: %d record(s) not delivered within %d ms, dropping them",
                      rd_kafka_name(rk.get()), left, flushTimeoutMs);
            rd_kafka_purge(rk.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
            rd_kafka_flush(rk.get(), 500); // serves the purged records' reports
        }
        rd_kafka_queue_io_event_enable(mainQueue.get(), -1, nullptr, 0);
        mainQueue.reset();
        rk.reset();
    }
    for (auto it = pending.begin(); it != pending.end(); ++it)
        ready.push_back({std::move(it.value()),
                         KafkaError::local(QStringLiteral("producer destroyed before delivery")),
                         -1, -1});
    pending.clear();
    drainReady();
    delete notifier;
    notifier = nullptr;
    if (eventFd >= 0)
        ::close(eventFd);
    eventFd = -1;
}

KafkaProducer::KafkaProducer(const QString &brokers, const QMap<QString, QString> &extraConfig,
                             QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this))
{
    qRegisterMetaType<lab::KafkaError>();
    d->create(brokers, extraConfig);
    if (d->creationError)
        qCWarning(lcKafka, "%s", qPrintable(d->creationError.toString()));
}

KafkaProducer::~KafkaProducer()
{
    d->shutdown();
}

bool KafkaProducer::isValid() const
{
    return d->rk != nullptr && !d->closing;
}

KafkaError KafkaProducer::creationError() const
{
    return d->creationError;
}

void KafkaProducer::produce(const QString &topic, const QByteArray &key, const QByteArray &value,
                            Completion done)
{
    produce(topic, key, value, KafkaHeaders(), std::move(done));
}

void KafkaProducer::produce(const QString &topic, const QByteArray &key, const QByteArray &value,
                            const KafkaHeaders &headers, Completion done)
{
    KafkaError failure;
    if (!d->rk) {
        failure = d->creationError ? d->creationError
                                   : KafkaError::local(QStringLiteral("producer is closed"), true);
    } else {
        const quint64 id = d->nextId++;
        d->pending.insert(id, std::move(done));
        const QByteArray topicName = topic.toUtf8();
        // librdkafka takes the headers over only when the record is queued.
        rdk::HeadersPtr hdrs(headers.isEmpty() ? nullptr : rd_kafka_headers_new(size_t(headers.size())));
        for (const auto &[name, v] : headers)
            rd_kafka_header_add(hdrs.get(), name.constData(), name.size(), v.constData(), v.size());
        const rd_kafka_resp_err_t err = rd_kafka_producev(
            d->rk.get(), RD_KAFKA_V_TOPIC(topicName.constData()),
            RD_KAFKA_V_KEY(key.isNull() ? nullptr : key.constData(), size_t(key.size())),
            RD_KAFKA_V_VALUE(value.isNull() ? nullptr : const_cast<char *>(value.constData()),
                             size_t(value.size())),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_OPAQUE(reinterpret_cast<void *>(quintptr(id))), RD_KAFKA_V_HEADERS(hdrs.get()),
            RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            hdrs.release(); // owned by the record now
            return;
        }
        done = d->pending.take(id);
        failure = KafkaError::fromCode(err, QStringLiteral("cannot queue record for %1: %2")
                                                .arg(topic, QString::fromUtf8(rd_kafka_err2str(err))));
    }
    qCWarning(lcKafka, "%s", qPrintable(failure.toString()));
    d->ready.push_back({std::move(done), failure, -1, -1});
    if (d->closing)
        d->drainReady(); // no event loop turn left to wait for
    else
        d->scheduleDrain();
}

int KafkaProducer::flush(int timeoutMs)
{
    if (d->rk) {
        rd_kafka_flush(d->rk.get(), timeoutMs); // serves delivery reports on this thread
        QPointer<KafkaProducer> guard(this);
        d->drainReady();
        if (!guard)
            return 0;
    }
    return int(d->pending.size());
}

int KafkaProducer::inFlight() const
{
    return int(d->pending.size() + d->ready.size());
}

KafkaError KafkaProducer::checkConnection(int timeoutMs)
{
    if (!d->rk)
        return d->creationError ? d->creationError
                                : KafkaError::local(QStringLiteral("producer is closed"), true);
    const rd_kafka_metadata_t *raw = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(d->rk.get(), 0, nullptr, &raw, timeoutMs);
    rdk::MetadataPtr metadata(raw);
    if (err)
        return KafkaError::fromCode(err, QStringLiteral("no Kafka broker answered within %1 ms: %2")
                                             .arg(timeoutMs).arg(QString::fromUtf8(rd_kafka_err2str(err))));
    if (!metadata || metadata->broker_cnt == 0)
        return KafkaError::fromCode(RD_KAFKA_RESP_ERR__TRANSPORT,
                                    QStringLiteral("Kafka answered without any broker"));
    return {};
}

void KafkaProducer::setFlushTimeoutMs(int ms)
{
    d->flushTimeoutMs = std::max(0, ms);
}

} // namespace lab
