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

void ApiClient::search(const QString &item, int size, int from, QObject *context, Callback done)
{
    QUrl url = ConsoleSettings::join(m_settings.searchUrl, QStringLiteral("/search"));
    QUrlQuery query;
    if (!item.trimmed().isEmpty())
        query.addQueryItem(QStringLiteral("item"),
                           QString::fromUtf8(QUrl::toPercentEncoding(item.trimmed())));
    query.addQueryItem(QStringLiteral("size"), QString::number(size));
    query.addQueryItem(QStringLiteral("from"), QString::number(from));
    url.setQuery(query);
    send(m_nam.get(request(url, m_settings.requestTimeoutMs)), m_settings.requestTimeoutMs, context,
         std::move(done));
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
