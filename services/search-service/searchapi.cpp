// searchapi.cpp: GET /search (see searchapi.h).
#include "searchapi.h"

#include "searchquery.h"

#include "lab/elastic/elasticclient.h"
#include "lab/http/cors.h"
#include "lab/http/httpservice.h"
#include "lab/runtime/servicemetrics.h"

#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcSearchHttp, "lab.search.http")

namespace {

using StatusCode = QHttpServerResponse::StatusCode;
using lab::HttpService;

const QString kRoute = QStringLiteral("/search");
const QString kStatsRoute = QStringLiteral("/stats");

/// origin: the request's Origin header, which the browser UI on another origin sends.
void answer(QHttpServerResponder &&responder, const QByteArray &origin, QHttpServerResponse &&response,
            const QString &route = kRoute)
{
    lab::metrics::httpRequest(route, int(response.statusCode()));
    lab::cors::allow(response, origin);
    response.write(std::move(responder));
}

QHttpServerResponse arrayResponse(const QJsonArray &documents)
{
    return QHttpServerResponse(QByteArrayLiteral("application/json"),
                               QJsonDocument(documents).toJson(QJsonDocument::Compact), StatusCode::Ok);
}

} // namespace

SearchApi::SearchApi(lab::HttpService *http, lab::ElasticClient *elastic, const QString &index, QObject *parent)
    : QObject(parent), m_http(http), m_elastic(elastic), m_index(index)
{
}

void SearchApi::install()
{
    m_http->server().route(kStatsRoute, [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        const QByteArray origin = lab::cors::origin(request);
        if (request.method() == QHttpServerRequest::Method::Options) {
            lab::metrics::httpRequest(kStatsRoute, 204);
            lab::cors::preflight("GET, OPTIONS", origin).write(std::move(responder));
            return;
        }
        if (request.method() != QHttpServerRequest::Method::Get) {
            QHttpServerResponse r = HttpService::jsonError(StatusCode::MethodNotAllowed,
                                                           QStringLiteral("method not allowed on /stats: allowed GET, OPTIONS"));
            r.addHeader(QByteArrayLiteral("Allow"), QByteArrayLiteral("GET, OPTIONS"));
            answer(std::move(responder), origin, std::move(r), kStatsRoute);
            return;
        }
        stats(request, std::move(responder));
    });
    m_http->server().route(kRoute, [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        const QByteArray origin = lab::cors::origin(request);
        if (request.method() == QHttpServerRequest::Method::Options) {
            lab::metrics::httpRequest(kRoute, 204);
            lab::cors::preflight("GET, OPTIONS", origin).write(std::move(responder));
            return;
        }
        if (request.method() != QHttpServerRequest::Method::Get) {
            QHttpServerResponse r = HttpService::jsonError(StatusCode::MethodNotAllowed,
                                                           QStringLiteral("method not allowed on /search: allowed GET, OPTIONS"));
            r.addHeader(QByteArrayLiteral("Allow"), QByteArrayLiteral("GET, OPTIONS"));
            answer(std::move(responder), origin, std::move(r));
            return;
        }
        search(request, std::move(responder));
    });
}

void SearchApi::search(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    const QByteArray origin = lab::cors::origin(request);
    const auto query = SearchQuery::fromUrlQuery(request.url().query(QUrl::FullyEncoded).toUtf8());
    if (!query.ok()) {
        answer(std::move(responder), origin, HttpService::jsonError(StatusCode::BadRequest, query.error, query.field));
        return;
    }
    auto deferred = HttpService::respondLater(std::move(responder));
    QElapsedTimer timer;
    timer.start();
    m_elastic->search(m_index, query.value->toElastic(), [deferred, timer, origin](const lab::ElasticResult &r) {
        lab::metrics::handlerSeconds(QStringLiteral("search"), double(timer.nsecsElapsed()) / 1e9);
        QHttpServerResponse response = r.ok ? arrayResponse(documents(r))
            : isMissingIndex(r)             ? arrayResponse({}) // nothing indexed yet
                                            : failure(r);
        lab::metrics::httpRequest(kRoute, int(response.statusCode()));
        lab::cors::allow(response, origin);
        deferred->send(response);
    });
}

void SearchApi::stats(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    const QByteArray origin = lab::cors::origin(request);
    const auto query = StatsQuery::fromUrlQuery(request.url().query(QUrl::FullyEncoded).toUtf8());
    if (!query.ok()) {
        answer(std::move(responder), origin, HttpService::jsonError(StatusCode::BadRequest, query.error, query.field),
               kStatsRoute);
        return;
    }
    auto deferred = HttpService::respondLater(std::move(responder));
    QElapsedTimer timer;
    timer.start();
    const StatsQuery stats = *query.value;
    m_elastic->search(m_index, stats.toElastic(), [deferred, timer, origin, stats](const lab::ElasticResult &r) {
        lab::metrics::handlerSeconds(QStringLiteral("stats"), double(timer.nsecsElapsed()) / 1e9);
        QHttpServerResponse response = r.ok ? HttpService::json(stats.answer(r.body))
            : isMissingIndex(r)             ? HttpService::json(stats.emptyAnswer())
                                            : failure(r);
        lab::metrics::httpRequest(kStatsRoute, int(response.statusCode()));
        lab::cors::allow(response, origin);
        deferred->send(response);
    });
}

QHttpServerResponse SearchApi::failure(const lab::ElasticResult &r)
{
    lab::metrics::error(QStringLiteral("elasticsearch"));
    if (r.status == 0 || r.status >= 500) {
        QHttpServerResponse u = HttpService::jsonError(
            StatusCode::ServiceUnavailable, QStringLiteral("Elasticsearch is unavailable: %1").arg(r.error));
        u.addHeader(QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1"));
        return u;
    }
    qCWarning(lcSearchHttp, "Elasticsearch refused a query: %s", qPrintable(r.error));
    return HttpService::jsonError(StatusCode::BadGateway, QStringLiteral("Elasticsearch refused the query: %1").arg(r.error));
}

QJsonArray SearchApi::documents(const lab::ElasticResult &result)
{
    QJsonArray out;
    const QJsonArray hits = result.body.value(QLatin1String("hits")).toObject().value(QLatin1String("hits")).toArray();
    for (const QJsonValue &hit : hits)
        out.append(hit.toObject().value(QLatin1String("_source")).toObject());
    return out;
}

bool SearchApi::isMissingIndex(const lab::ElasticResult &result)
{
    return result.status == 404
        && result.body.value(QLatin1String("error")).toObject().value(QLatin1String("type")).toString()
        == QLatin1String("index_not_found_exception");
}
