// orderindexer.cpp: consumed events -> coalesced documents -> lab_admit (one script)
// -> one bulk -> acknowledge (see orderindexer.h).
#include "orderindexer.h"

#include "elastichealth.h"
#include "orderdocument.h"

#include "lab/elastic/elasticclient.h"
#include "lab/http/httpservice.h"
#include "lab/kafka/kafkaconsumer.h"
#include "lab/runtime/servicemetrics.h"
#include "lab/runtime/shutdown.h"
#include "lab/store/orderstore.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QTimer>

Q_LOGGING_CATEGORY(lcIndexer, "lab.search.indexer")

namespace {

/// Records per bulk request (the consumer hands out at most this many per batch too).
constexpr int MaxBatch = 500;
/// An idle indexer waits this long after records arrive before it starts a batch: one
/// fetch response reaches it in several pieces (a partition at a time), and an order's
/// notification may be in a later piece than its order.created record. Tiny next to the
/// consumer's 200 ms fetch wait and Elasticsearch's 1 s refresh.
constexpr int FlushWindowMs = 10;
constexpr int FirstBackoffMs = 250;
constexpr int MaxBackoffMs = 10000;
/// While the index could not be created at start, how often to try again.
constexpr int EnsureRetryMs = 3000;
/// The index template giving every order-logs index (any namespace) its mapping.
constexpr char IndexTemplateName[] = "lab-order-logs";

/// True when every failed item of a bulk answer failed for good (a document
/// Elasticsearch will never take, e.g. a mapping conflict): retrying cannot help.
bool onlyPermanentItemFailures(const QJsonObject &body, int *failed)
{
    const QList<QJsonObject> items = lab::ElasticClient::failedBulkItems(body);
    *failed = int(items.size());
    for (const QJsonObject &item : items) {
        const int status = item.value(QLatin1String("status")).toInt();
        if (status == 429 || status >= 500 || status < 400)
            return false;
    }
    return *failed > 0;
}

} // namespace

OrderIndexer::OrderIndexer(lab::KafkaConsumer *consumer, lab::OrderStore *store, lab::ElasticClient *elastic,
                           const lab::Names &names, QObject *parent)
    : QObject(parent)
    , m_consumer(consumer)
    , m_store(store)
    , m_elastic(elastic)
    , m_names(names)
    , m_index(names.orderIndex())
    , m_retryTimer(new QTimer(this))
    , m_flushTimer(new QTimer(this))
{
    m_retryTimer->setSingleShot(true);
    connect(m_retryTimer, &QTimer::timeout, this, &OrderIndexer::runBatch);
    m_flushTimer->setSingleShot(true);
    m_flushTimer->setInterval(FlushWindowMs);
    connect(m_flushTimer, &QTimer::timeout, this, &OrderIndexer::processNext);
    m_consumer->setMaxBatch(MaxBatch);
    connect(m_consumer, &lab::KafkaConsumer::messagesReceived, this, &OrderIndexer::onMessages);
}

OrderIndexer::~OrderIndexer() = default;

QStringList OrderIndexer::topics(const lab::Names &names)
{
    QStringList out;
    for (const QString &base : OrderDocument::sourceTopics())
        out << names.topic(base);
    return out;
}

QString OrderIndexer::baseTopic(const lab::Names &names, const QString &topic)
{
    for (const QString &base : OrderDocument::sourceTopics())
        if (names.topic(base) == topic)
            return base;
    return {};
}

void OrderIndexer::start()
{
    ensureIndexAtStart();
    m_consumer->start();
}

void OrderIndexer::ensureIndexAtStart()
{
    // Keep trying until the index exists; batches also create it when they find it missing.
    if (m_stopping || m_indexReady)
        return;
    QPointer<OrderIndexer> self(this);
    ensureIndex([self](bool ok) {
        if (!ok && self)
            QTimer::singleShot(EnsureRetryMs, self, &OrderIndexer::ensureIndexAtStart);
    });
}

void OrderIndexer::ensureIndex(std::function<void(bool ok)> then)
{
    const QJsonObject definition = OrderDocument::indexDefinition();
    // A template makes an index auto-created by a stray write (or re-created after a
    // delete) get the same mapping: timestamp stays a date for Kibana. One template
    // serves every namespace's index; every instance stores the same one.
    const QJsonObject indexTemplate{
        {QStringLiteral("index_patterns"), QJsonArray{QStringLiteral("order-logs"), QStringLiteral("*-order-logs")}},
        {QStringLiteral("priority"), 500},
        {QStringLiteral("template"), definition}};
    const QString templatePath = QStringLiteral("/_index_template/") + QLatin1String(IndexTemplateName);
    QPointer<OrderIndexer> self(this);
    m_elastic->request("PUT", templatePath, QJsonDocument(indexTemplate).toJson(QJsonDocument::Compact),
                       "application/json", [self, definition, then](const lab::ElasticResult &r) {
        if (!self)
            return;
        if (!r.ok)
            qCWarning(lcIndexer, "index template not stored: %s", qPrintable(r.error));
        self->m_elastic->ensureIndex(self->m_index, definition, [self, then](const lab::ElasticResult &r2) {
            if (!self)
                return;
            if (r2.ok && !self->m_indexReady)
                qCInfo(lcIndexer, "index %s ready", qPrintable(self->m_index));
            else if (!r2.ok)
                qCWarning(lcIndexer, "cannot create index %s: %s", qPrintable(self->m_index),
                          qPrintable(r2.error));
            self->m_indexReady = r2.ok;
            then(r2.ok);
        });
    });
}

void OrderIndexer::onMessages(const lab::KafkaMessageList &messages)
{
    if (m_stopping)
        return; // left unacknowledged: redelivered to the group
    m_waiting += messages;
    if (m_waiting.size() >= MaxBatch)
        processNext();
    else if (!m_busy && !m_flushTimer->isActive())
        m_flushTimer->start(); // a busy indexer takes them with the next batch anyway
}

int OrderIndexer::backlog() const
{
    return int(m_waiting.size() + m_batch.size());
}

void OrderIndexer::processNext()
{
    if (m_busy || m_stopping || m_waiting.isEmpty())
        return;
    m_flushTimer->stop();
    const qsizetype n = qMin<qsizetype>(MaxBatch, m_waiting.size());
    m_batch = m_waiting.mid(0, n);
    m_waiting.remove(0, n);
    m_busy = true;
    m_backoffMs = 0;
    m_batchTimer.start();
    runBatch();
}

void OrderIndexer::runBatch()
{
    if (m_stopping) {
        m_busy = false;
        finishIfStopping();
        return;
    }
    auto docs = std::make_shared<OrderDocumentBatch>();
    for (const lab::KafkaMessage &m : std::as_const(m_batch)) {
        const QString base = baseTopic(m_names, m.topic);
        QString error;
        if (base.isEmpty() || !docs->addEvent(base, m.value, &error)) {
            // Never indexable: acknowledged with the batch so it cannot block its partition.
            lab::metrics::error(QStringLiteral("malformed_event"));
            qCWarning(lcIndexer, "skipping malformed record %s[%d]@%lld: %s", qPrintable(m.topic),
                      m.partition, m.offset, qPrintable(base.isEmpty() ? QStringLiteral("unknown topic") : error));
        }
    }
    const QList<lab::OrderStore::Admission> toAdmit = docs->toAdmit();
    if (toAdmit.isEmpty()) {
        writeBatch(docs); // only decided orders: nothing to ask Redis
        return;
    }
    QPointer<OrderIndexer> self(this);
    m_store->admitMany(toAdmit, [self, docs, toAdmit](const QList<bool> &voided, const QString &error) {
        if (!self)
            return;
        if (!error.isEmpty()) {
            // Unchecked, a voided attempt's record could become a document.
            self->retryLater(QStringLiteral("redis"), error);
            return;
        }
        for (qsizetype i = 0; i < toAdmit.size(); ++i) {
            if (!voided.at(i))
                continue;
            // Its client got 503: no document. A later attempt's record indexes the order.
            lab::metrics::voidedEvent();
            qCWarning(lcIndexer, "order %lld: not indexed, order-service voided this attempt (created_at %s)",
                      toAdmit.at(i).orderId, qPrintable(lab::isoTimestamp(toAdmit.at(i).createdAt)));
            docs->dropVoided(toAdmit.at(i));
        }
        self->writeBatch(docs);
    });
}

void OrderIndexer::writeBatch(const std::shared_ptr<OrderDocumentBatch> &docs)
{
    QList<lab::ElasticBulkItem> items;
    const QList<OrderDocument> documents = docs->documents();
    items.reserve(documents.size());
    // A decided document is the order's final state: index (a replay writes the same).
    // A created one must never replace a decided one (its record may come late, from
    // another partition or a redelivery): create, and a 409 means a newer one is there.
    for (const OrderDocument &d : documents)
        items.append({m_index, QString::number(d.orderId), d.toJson(),
                      d.decided ? lab::ElasticBulkItem::Action::Index : lab::ElasticBulkItem::Action::Create});
    if (items.isEmpty()) {
        batchDone(0);
        return;
    }
    QPointer<OrderIndexer> self(this);
    if (!m_indexReady) {
        ensureIndex([self, docs](bool ok) {
            if (!self)
                return;
            if (ok)
                self->writeBatch(docs);
            else
                self->retryLater(QStringLiteral("elasticsearch"), QStringLiteral("index not available"));
        });
        return;
    }
    const int count = int(items.size());
    m_elastic->bulk(items, [self, count](const lab::ElasticResult &r) {
        if (!self)
            return;
        if (r.ok) {
            qCDebug(lcIndexer, "wrote %d document(s)", count);
            self->batchDone(count);
            return;
        }
        int failed = 0;
        if (r.status >= 200 && r.status < 300 && onlyPermanentItemFailures(r.body, &failed)) {
            lab::metrics::error(QStringLiteral("index_rejected"));
            qCCritical(lcIndexer, "Elasticsearch rejected %d of %d document(s) for good: %s", failed,
                       count, qPrintable(r.error));
            self->batchDone(count - failed);
            return;
        }
        self->m_indexReady = false; // maybe deleted: make sure it exists (with its mapping) next time
        self->retryLater(QStringLiteral("elasticsearch"), r.error);
    });
}

void OrderIndexer::batchDone(int documents)
{
    for (const lab::KafkaMessage &m : std::as_const(m_batch)) {
        m_consumer->acknowledge(m);
        const QString base = baseTopic(m_names, m.topic);
        lab::metrics::eventConsumed(base.isEmpty() ? m.topic : base);
    }
    lab::metrics::handlerSeconds(QStringLiteral("index_batch"), double(m_batchTimer.nsecsElapsed()) / 1e9);
    if (!m_lastError.isEmpty())
        qCInfo(lcIndexer, "indexing recovered after: %s", qPrintable(m_lastError));
    m_lastError.clear();
    const int records = int(m_batch.size());
    m_batch.clear();
    m_busy = false;
    m_backoffMs = 0;
    emit batchIndexed(documents, records);
    if (m_stopping)
        finishIfStopping();
    else
        processNext();
}

void OrderIndexer::retryLater(const QString &kind, const QString &why)
{
    lab::metrics::error(kind);
    const bool first = m_backoffMs == 0;
    m_backoffMs = first ? FirstBackoffMs : qMin(m_backoffMs * 2, MaxBackoffMs);
    if (first || why != m_lastError)
        qCWarning(lcIndexer, "indexing %lld record(s) failed (%s): %s; retrying with backoff, nothing "
                             "acknowledged", qint64(m_batch.size()), qPrintable(kind), qPrintable(why));
    m_lastError = why;
    if (m_stopping) {
        m_busy = false;
        finishIfStopping();
        return;
    }
    m_retryTimer->start(m_backoffMs);
}

void OrderIndexer::stop(int timeoutMs, std::function<void(bool drained)> done)
{
    m_stopping = true;
    if (m_retryTimer->isActive()) {
        m_retryTimer->stop(); // the batch waiting for a retry stays unacknowledged
        m_busy = false;
    }
    m_stopDone = std::move(done);
    if (!m_busy) {
        finishIfStopping();
        return;
    }
    QPointer<OrderIndexer> self(this);
    QTimer::singleShot(timeoutMs, this, [self] {
        if (self && self->m_stopDone) {
            auto d = std::move(self->m_stopDone);
            self->m_stopDone = nullptr;
            d(false);
        }
    });
}

void OrderIndexer::finishIfStopping()
{
    if (!m_stopping || m_busy || !m_stopDone)
        return;
    auto d = std::move(m_stopDone);
    m_stopDone = nullptr;
    d(true);
}

QMap<QString, QString> OrderIndexer::consumerSettings(const QString &clientId)
{
    return {
        // subscribing creates missing topics, so the indexer sees the first events of a
        // fresh namespace at once (not after a metadata refresh)
        {QStringLiteral("allow.auto.create.topics"), QStringLiteral("true")},
        {QStringLiteral("client.id"), clientId},
        // Fetch in batches: the broker holds a fetch until 1 MiB is there or 200 ms
        // passed, so the indexer wakes ~5 times a second at any rate below saturation
        // (not once per record), and an order's created and notification records mostly
        // arrive in the same batch (decided within tens of ms): one document write, no
        // Redis call. 200 ms + a bulk + the 1 s refresh of Elasticsearch keeps the search
        // lag under 2 s at 1,000 orders/s.
        {QStringLiteral("fetch.wait.max.ms"), QStringLiteral("200")},
        {QStringLiteral("fetch.min.bytes"), QStringLiteral("1048576")},
        // It holds bulk batches besides: a quarter of the default prefetch keeps it under
        // 50 MiB RSS while still ~4 s of records at 1,000 orders/s (two small records each).
        {QStringLiteral("queued.max.messages.kbytes"), QStringLiteral("2048")},
    };
}

void OrderIndexer::addHealthChecks(lab::HttpService &http, const ElasticHealth *elasticHealth)
{
    http.addHealthCheck({QStringLiteral("elasticsearch"),
                         [elasticHealth](QString *detail) { return elasticHealth->isUp(detail); }});
    // Until the index exists (with its shard started) a search could only answer 503.
    http.addHealthCheck({QStringLiteral("index"), [this](QString *detail) {
        if (isIndexReady())
            return true;
        *detail = QStringLiteral("creating the index %1").arg(indexName());
        return false;
    }});
}

void OrderIndexer::shutdownOn(lab::ShutdownSignal *signal, lab::HttpService *http)
{
    connect(signal, &lab::ShutdownSignal::requested, this, [this, http](int signalNumber) {
        qInfo("signal %d: finishing the batch in progress (%d record(s) pending)", signalNumber, backlog());
        http->closeListeners();
        stop(8000, [this, http](bool drained) {
            if (!drained)
                qWarning("the batch in progress did not finish in time; it will be redelivered");
            m_consumer->stop(5000);
            http->flushClients(); // answers given just now are still in Qt's socket buffers
            qInfo("search-service stopped");
            QCoreApplication::quit();
        });
    });
}
