// bulkloader.h: --bulk-es. Writes N order documents (the same shape search-service
// indexes: order_id, item, quantity, status, timestamp, updated_at) straight into an
// index with the _bulk API through lab::ElasticClient, `parallel` requests of
// `bulkSize` documents at a time. Test data for Kibana and /search, and the
// Elasticsearch indexing ceiling of the benchmark.
#pragma once

#include <QObject>
#include <QStringList>

namespace lab {
class ElasticClient;
}

class BulkLoader : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString index = QStringLiteral("order-logs");
        qint64 count = 0;
        int bulkSize = 1000;
        int parallel = 2;
        QStringList items;
        qint64 idBase = 1;
        qint64 maxQuantity = 5;
        int spreadHours = 24; ///< timestamps spread over the last N hours (Kibana)
    };
    BulkLoader(lab::ElasticClient *elastic, const Options &options, QObject *parent = nullptr);

    void start();
    qint64 indexed() const { return m_indexed; }
    qint64 failed() const { return m_failed; }
    qint64 requests() const { return m_requests; }
    double seconds() const { return m_seconds; }
    QString lastError() const { return m_lastError; }

signals:
    void finished();

private:
    void sendNext();

    lab::ElasticClient *m_elastic;
    Options m_opt;
    qint64 m_next = 0;
    qint64 m_indexed = 0;
    qint64 m_failed = 0;
    qint64 m_requests = 0;
    int m_running = 0;
    qint64 m_startNs = 0;
    double m_seconds = 0;
    QString m_lastError;
};
