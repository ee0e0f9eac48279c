// orderindexer.h: keeps the order-logs index up to date from Kafka. Every batch of
// consumed events (order.created, order.notification) becomes at most one Redis call
// and one bulk request with one document per order (_id = order_id):
//  - an order whose notification is in the batch gets its decided document (action
//    index: the final state, so a replay writes the same);
//  - an order with only order.created records gets a "created" document (action
//    create: a decided or equal document already there is kept, so a late or
//    redelivered record never regresses it), once lab_admit (one script for all of
//    the batch's records, OrderStore::admitMany) has dropped the records of attempts
//    order-service voided.
// The batch's records are acknowledged only after the bulk succeeded: while
// Elasticsearch or Redis is down the same batch is retried with backoff and nothing
// is committed, so an outage delays indexing and never loses an order.
#pragma once

#include "lab/contract/kafkamessage.h"
#include "lab/contract/names.h"

#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

class ElasticHealth;
class QTimer;
class OrderDocumentBatch;

namespace lab {
class ElasticClient;
class HttpService;
class KafkaConsumer;
class OrderStore;
class ShutdownSignal;
}

class OrderIndexer : public QObject
{
    Q_OBJECT
public:
    /// Not owned; all must outlive the indexer.
    OrderIndexer(lab::KafkaConsumer *consumer, lab::OrderStore *store, lab::ElasticClient *elastic,
                 const lab::Names &names, QObject *parent = nullptr);
    ~OrderIndexer() override;

    /// Creates the index (and a template that gives an auto-created one the same
    /// mapping), then starts consuming. Index creation failures are retried.
    void start();
    /// Stops taking new batches; done(drained) runs once the batch in progress (if any)
    /// finished or timeoutMs passed. Unprocessed records stay unacknowledged.
    void stop(int timeoutMs, std::function<void(bool drained)> done);

    QString indexName() const { return m_index; }
    /// The index exists with its mapping (as far as the last attempt knows).
    bool isIndexReady() const { return m_indexReady; }
    /// Records waiting or in progress.
    int backlog() const;
    /// The last indexing problem (empty after a success), for logs and /healthz details.
    QString lastError() const { return m_lastError; }

    /// The namespaced topics to consume (order.created, order.notification).
    static QStringList topics(const lab::Names &names);
    /// The settings of the consumer the indexer reads from (batched fetches, a small
    /// prefetch, topics created on subscription), clientId its client.id.
    static QMap<QString, QString> consumerSettings(const QString &clientId);

    /// /healthz checks: Elasticsearch answers (elasticHealth), the index exists.
    void addHealthChecks(lab::HttpService &http, const ElasticHealth *elasticHealth);
    /// On SIGTERM/SIGINT: stop serving, let the bulk in progress finish (bounded), commit
    /// what was indexed, leave the group, quit with 0. Unindexed records are redelivered.
    void shutdownOn(lab::ShutdownSignal *signal, lab::HttpService *http);
    /// The base topic ("order.created") of a namespaced topic name, or empty.
    static QString baseTopic(const lab::Names &names, const QString &topic);

signals:
    /// A batch was indexed: documents written, records acknowledged.
    void batchIndexed(int documents, int records);

private:
    void onMessages(const lab::KafkaMessageList &messages);
    void ensureIndex(std::function<void(bool ok)> then);
    void ensureIndexAtStart();
    void processNext();
    void runBatch();
    void writeBatch(const std::shared_ptr<OrderDocumentBatch> &docs);
    void batchDone(int documents);
    void retryLater(const QString &kind, const QString &why);
    void finishIfStopping();

    lab::KafkaConsumer *m_consumer;
    lab::OrderStore *m_store;
    lab::ElasticClient *m_elastic;
    lab::Names m_names;
    QString m_index;

    lab::KafkaMessageList m_waiting;  ///< received, not in a batch yet
    lab::KafkaMessageList m_batch;    ///< the batch in progress (or waiting for a retry)
    bool m_busy = false;
    bool m_indexReady = false;
    bool m_stopping = false;
    int m_backoffMs = 0;
    QTimer *m_retryTimer;
    QTimer *m_flushTimer; ///< the flush window before an idle indexer starts a batch
    QElapsedTimer m_batchTimer;
    QString m_lastError;
    std::function<void(bool)> m_stopDone;
};
