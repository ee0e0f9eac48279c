// searchapi.h: GET /search?item=&size=&from= over the order-logs index: 200 with a JSON
// array of order documents, newest first; 400 for invalid parameters; 503 while
// Elasticsearch is unreachable; [] while the index does not exist yet.
#pragma once

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

    /// Registers GET /search.
    void install();

    /// The documents of a search answer (hits.hits[]._source), in order.
    static QJsonArray documents(const lab::ElasticResult &result);
    /// True when the answer says the index does not exist.
    static bool isMissingIndex(const lab::ElasticResult &result);

private:
    void search(const QHttpServerRequest &request, QHttpServerResponder &&responder);

    lab::HttpService *m_http;
    lab::ElasticClient *m_elastic;
    QString m_index;
};
