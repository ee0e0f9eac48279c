// elasticclient.h: a small Elasticsearch REST client over QNetworkAccessManager.
// Every call answers once through its callback with an ElasticResult: ok, the HTTP
// status, the parsed JSON body, and on failure ES's own reason (error.reason, or the
// first failed item's reason in a bulk) or the network error. Callbacks run from the
// event loop (never inside the call); requests still running when the client is
// destroyed are dropped without calling back.
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QUrl>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace lab {

struct ElasticResult
{
    bool ok = false;
    int status = 0;          ///< HTTP status, 0 when the server was not reached
    QJsonObject body;
    QString error;           ///< empty when ok
};

/// One action of a bulk request on document `id` in `index`.
struct ElasticBulkItem
{
    enum class Action {
        Index,  ///< create or replace
        Create, ///< create only: a document already there is kept (409, counted as done)
    };
    QString index;
    QString id;
    QJsonObject document;
    Action action = Action::Index;
};

class ElasticClient : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const lab::ElasticResult &result)>;

    explicit ElasticClient(const QUrl &baseUrl, QObject *parent = nullptr);

    QUrl baseUrl() const { return m_baseUrl; }
    void setTimeoutMs(int ms); ///< per request; default 10000

    /// GET /_cluster/health: ok when status is green or yellow.
    void health(Callback cb);
    /// Creates the index with body {"mappings":..., "settings":...} unless it exists;
    /// ok also when it already existed.
    void ensureIndex(const QString &index, const QJsonObject &body, Callback cb);
    void deleteIndex(const QString &index, Callback cb);
    void indexDocument(const QString &index, const QString &id, const QJsonObject &doc, Callback cb);
    /// POST /_bulk with NDJSON. ok only when the request succeeded AND no item failed;
    /// body holds ES's answer (items) so callers can see partial failures. A Create item
    /// answered 409 (the document exists) is not a failure: keeping it is what Create asks.
    void bulk(const QList<ElasticBulkItem> &items, Callback cb, bool refresh = false);
    /// The failed items of a _bulk answer ({"_index", "_id", "status", "error", …} each,
    /// with "position": its index in the request), Create items answered 409 excepted.
    static QList<QJsonObject> failedBulkItems(const QJsonObject &body);
    /// POST /{index}/_search with a structured query body.
    void search(const QString &index, const QJsonObject &query, Callback cb);
    void refresh(const QString &index, Callback cb);
    /// GET /{index}/_doc/{id}: ok with the _source in body["_source"]; status 404 if absent.
    void getDocument(const QString &index, const QString &id, Callback cb);

    /// Low-level: any method/path/body. body may be empty.
    void request(const QByteArray &method, const QString &path, const QByteArray &body,
                 const QByteArray &contentType, Callback cb);

private:
    void finish(QNetworkReply *reply, const Callback &cb);

    QUrl m_baseUrl;
    QNetworkAccessManager *m_nam;
    int m_timeoutMs = 10000;
};

} // namespace lab
