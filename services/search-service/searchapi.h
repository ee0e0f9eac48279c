// searchapi.h: the order-logs index for people:
//  - GET /search?item=&status=&from_time=&to_time=&size=&from=: 200 with a JSON array of
//    order documents, newest first ([] while the index does not exist yet);
//  - GET /stats?interval=1m&from=&to=&status=&item=: a date histogram of orders by
//    status (what Kibana's Discover showed above its list), every bucket of the range.
// 400 for invalid parameters (naming the field); 503 while Elasticsearch is unreachable.
#pragma once

#include <QHttpServerResponse>
#include <QJsonArray>
#include <QObject>
#include <QString>

class QHttpServerRequest;
class QHttpServerResponder;

namespace lab {
class ElasticClient;
class HttpService;
struct ElasticResult;
}

class SearchApi : public QObject
{
    Q_OBJECT
public:
    /// Not owned; both must outlive this object.
    SearchApi(lab::HttpService *http, lab::ElasticClient *elastic, const QString &index,
              QObject *parent = nullptr);

    /// Registers GET /search and GET /stats.
    void install();

    /// The documents of a search answer (hits.hits[]._source), in order.
    static QJsonArray documents(const lab::ElasticResult &result);
    /// True when the answer says the index does not exist.
    static bool isMissingIndex(const lab::ElasticResult &result);

private:
    void search(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void stats(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    /// 503 (unreachable, 5xx) or 502 (refused) for a failed query.
    static QHttpServerResponse failure(const lab::ElasticResult &result);

    lab::HttpService *m_http;
    lab::ElasticClient *m_elastic;
    QString m_index;
};
