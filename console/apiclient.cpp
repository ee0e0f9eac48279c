#include "apiclient.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QPointer>
#include <QUrlQuery>

ApiClient::ApiClient(const ConsoleSettings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
{
    // Never follow a redirect off to somewhere else silently; never wait forever.
    m_nam.setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
    m_nam.setTransferTimeout(m_settings.requestTimeoutMs);
}

QNetworkRequest ApiClient::request(const QUrl &url, int timeoutMs) const
{
    QNetworkRequest req(url);
    req.setTransferTimeout(timeoutMs);
    req.setRawHeader("Accept", "application/json");
    req.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("ops-console"));
    return req;
}

void ApiClient::createOrder(const QJsonObject &body, QObject *context, Callback done)
{
    QNetworkRequest req = request(ConsoleSettings::join(m_settings.orderUrl, QStringLiteral("/create_order")),
                                  m_settings.requestTimeoutMs);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    if (!m_settings.apiToken.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + m_settings.apiToken.toUtf8());
    send(m_nam.post(req, QJsonDocument(body).toJson(QJsonDocument::Compact)),
         m_settings.requestTimeoutMs, context, std::move(done));
}

void ApiClient::fetchOrder(qint64 orderId, QObject *context, Callback done)
{
    const QUrl url = ConsoleSettings::join(m_settings.orderUrl, QStringLiteral("/orders/%1").arg(orderId));
    send(m_nam.get(request(url, m_settings.requestTimeoutMs)), m_settings.requestTimeoutMs, context,
         std::move(done));
}

namespace {

/// Times go to the services as ISO-8601 UTC with milliseconds, which both endpoints take.
QString isoTime(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

void addFilter(QUrlQuery *query, const OrderLogFilter &filter, const QString &fromKey, const QString &toKey)
{
    if (!filter.item.trimmed().isEmpty())
        query->addQueryItem(QStringLiteral("item"),
                            QString::fromUtf8(QUrl::toPercentEncoding(filter.item.trimmed())));
    if (!filter.status.isEmpty())
        query->addQueryItem(QStringLiteral("status"), filter.status);
    if (filter.from.isValid())
        query->addQueryItem(fromKey, QString::fromUtf8(QUrl::toPercentEncoding(isoTime(filter.from))));
    if (filter.to.isValid())
        query->addQueryItem(toKey, QString::fromUtf8(QUrl::toPercentEncoding(isoTime(filter.to))));
}

} // namespace

void ApiClient::search(const OrderLogFilter &filter, int size, int from, QObject *context, Callback done)
{
    QUrl url = ConsoleSettings::join(m_settings.searchUrl, QStringLiteral("/search"));
    QUrlQuery query;
    addFilter(&query, filter, QStringLiteral("from_time"), QStringLiteral("to_time"));
    query.addQueryItem(QStringLiteral("size"), QString::number(size));
    query.addQueryItem(QStringLiteral("from"), QString::number(from));
    url.setQuery(query);
    send(m_nam.get(request(url, m_settings.requestTimeoutMs)), m_settings.requestTimeoutMs, context,
         std::move(done));
}

void ApiClient::stats(const OrderLogFilter &filter, const QString &interval, QObject *context, Callback done)
{
    QUrl url = ConsoleSettings::join(m_settings.searchUrl, QStringLiteral("/stats"));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("interval"), interval);
    addFilter(&query, filter, QStringLiteral("from"), QStringLiteral("to"));
    url.setQuery(query);
    send(m_nam.get(request(url, m_settings.requestTimeoutMs)), m_settings.requestTimeoutMs, context,
         std::move(done));
}

void ApiClient::kafkaTopics(QObject *context, Callback done)
{
    get(ConsoleSettings::join(m_settings.notifierApiUrl(), QStringLiteral("/kafka/topics")),
        m_settings.requestTimeoutMs, context, std::move(done));
}

void ApiClient::kafkaLag(QObject *context, Callback done)
{
    get(ConsoleSettings::join(m_settings.notifierApiUrl(), QStringLiteral("/kafka/lag")),
        m_settings.requestTimeoutMs, context, std::move(done));
}

void ApiClient::kafkaTail(const QString &topic, int n, QObject *context, Callback done)
{
    QUrl url = ConsoleSettings::join(m_settings.notifierApiUrl(), QStringLiteral("/kafka/tail"));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("topic"), QString::fromUtf8(QUrl::toPercentEncoding(topic)));
    query.addQueryItem(QStringLiteral("n"), QString::number(n));
    url.setQuery(query);
    get(url, m_settings.requestTimeoutMs, context, std::move(done));
}

void ApiClient::get(const QUrl &url, int timeoutMs, QObject *context, Callback done)
{
    send(m_nam.get(request(url, timeoutMs)), timeoutMs, context, std::move(done));
}

void ApiClient::send(QNetworkReply *reply, int timeoutMs, QObject *context, Callback done)
{
    ++m_pending;
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    QPointer<QObject> guard(context);
    connect(reply, &QNetworkReply::finished, this, [this, reply, timer, timeoutMs, guard, done] {
        --m_pending;
        reply->deleteLater();
        ApiReply r;
        r.elapsedMs = timer->elapsed();
        r.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->isOpen()) // an aborted (timed-out) reply is closed
            r.body = reply->readAll();
        if (r.httpStatus == 0) {
            r.networkError = reply->errorString();
            // A transfer timeout aborts the reply: Qt reports it as canceled or timed out.
            r.timedOut = reply->error() == QNetworkReply::OperationCanceledError
                || reply->error() == QNetworkReply::TimeoutError
                || r.elapsedMs >= timeoutMs;
        }
        if (guard && done)
            done(r);
    });
}
