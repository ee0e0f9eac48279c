// elasticclient.cpp: the Elasticsearch REST client (see elasticclient.h). Every body is
// built with QJsonDocument and every path segment is percent-encoded, so no caller input
// is ever spliced into a query or a URL as raw text.
#include "lab/elastic/elasticclient.h"
#include "lab/runtime/log.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace lab {

namespace {

const QByteArray kJson = QByteArrayLiteral("application/json");
const QByteArray kNdjson = QByteArrayLiteral("application/x-ndjson");

/// One path segment (index name, document id), percent-encoded.
QString seg(const QString &s)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(s));
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString typeAndReason(const QJsonObject &e)
{
    const QString type = e.value(QLatin1String("type")).toString();
    const QString reason = e.value(QLatin1String("reason")).toString();
    if (type.isEmpty())
        return reason;
    if (reason.isEmpty())
        return type;
    return type + QStringLiteral(": ") + reason;
}

/// ES's own description of a failure: {"error": {"type", "reason", "root_cause": [...],
/// "caused_by": {...}}} or, from some endpoints, {"error": "text"}.
QString describeError(const QJsonObject &body)
{
    const QJsonValue error = body.value(QLatin1String("error"));
    if (error.isString())
        return error.toString();
    if (!error.isObject())
        return {};
    const QJsonObject e = error.toObject();
    QString message = typeAndReason(e);
    // A search failure says "all shards failed"; the root cause says which clause.
    const QJsonArray rootCause = e.value(QLatin1String("root_cause")).toArray();
    if (!rootCause.isEmpty()) {
        const QString root = typeAndReason(rootCause.first().toObject());
        if (!root.isEmpty() && !message.contains(root))
            message += QStringLiteral(" (root cause: %1)").arg(root);
    }
    const QJsonObject causedBy = e.value(QLatin1String("caused_by")).toObject();
    const QString cause = typeAndReason(causedBy);
    if (!cause.isEmpty() && !message.contains(cause))
        message += QStringLiteral(" (caused by: %1)").arg(cause);
    return message;
}

/// For a _bulk answer with "errors": true: the first failed item's reason and the count.
QString describeBulkFailure(const QJsonObject &body)
{
    const QList<QJsonObject> failed = ElasticClient::failedBulkItems(body);
    if (failed.isEmpty())
        return QStringLiteral("bulk request reported errors but no failed item was found");
    const QJsonObject &item = failed.first();
    const QString reason = describeError(QJsonObject{{QStringLiteral("error"), item.value(QLatin1String("error"))}});
    const QString first = QStringLiteral("item %1 (_index %2, _id %3, status %4): %5")
                              .arg(item.value(QLatin1String("position")).toInt())
                              .arg(item.value(QLatin1String("_index")).toString(),
                                   item.value(QLatin1String("_id")).toString())
                              .arg(item.value(QLatin1String("status")).toInt())
                              .arg(reason);
    return QStringLiteral("%1 of %2 bulk items failed; first: %3")
        .arg(failed.size())
        .arg(body.value(QLatin1String("items")).toArray().size())
        .arg(first);
}

} // namespace

ElasticClient::ElasticClient(const QUrl &baseUrl, QObject *parent)
    : QObject(parent)
    , m_baseUrl(baseUrl)
    , m_nam(new QNetworkAccessManager(this))
{
}

void ElasticClient::setTimeoutMs(int ms)
{
    m_timeoutMs = ms;
}

void ElasticClient::request(const QByteArray &method, const QString &path, const QByteArray &body,
                            const QByteArray &contentType, Callback cb)
{
    // `path` is already encoded (segments via seg()); an optional "?query" follows it.
    QString p = path;
    QString query;
    if (const qsizetype q = p.indexOf(QLatin1Char('?')); q >= 0) {
        query = p.mid(q + 1);
        p.truncate(q);
    }
    if (!p.startsWith(QLatin1Char('/')))
        p.prepend(QLatin1Char('/'));
    QUrl url = m_baseUrl;
    QString base = url.path(QUrl::FullyEncoded);
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + p, QUrl::TolerantMode);
    if (!query.isEmpty())
        url.setQuery(query, QUrl::TolerantMode);

    QNetworkRequest req(url);
    req.setTransferTimeout(m_timeoutMs);
    req.setRawHeader("Accept", kJson);
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    if (!body.isEmpty())
        req.setHeader(QNetworkRequest::ContentTypeHeader, contentType.isEmpty() ? kJson : contentType);

    QNetworkReply *reply = m_nam->sendCustomRequest(req, method, body);
    // Queued: the callback then never runs inside the reply's own finished() emission,
    // so it may even delete this client (and with it the reply) safely.
    connect(reply, &QNetworkReply::finished, this, [this, reply, cb = std::move(cb)] { finish(reply, cb); },
            Qt::QueuedConnection);
}

void ElasticClient::finish(QNetworkReply *reply, const Callback &cb)
{
    reply->deleteLater();
    ElasticResult r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    // After a timeout abort the device is closed; reading it would only warn.
    const QByteArray raw = reply->isReadable() ? reply->readAll() : QByteArray();
    const QJsonDocument doc = QJsonDocument::fromJson(raw);
    if (doc.isObject())
        r.body = doc.object();
    else if (doc.isArray())
        r.body = QJsonObject{{QStringLiteral("array"), doc.array()}}; // e.g. _cat APIs

    const QString where = QStringLiteral("%1 %2").arg(
        QString::fromLatin1(reply->request().attribute(QNetworkRequest::CustomVerbAttribute).toByteArray()),
        reply->url().toDisplayString());
    if (reply->error() == QNetworkReply::NoError && r.status >= 200 && r.status < 300) {
        r.ok = true;
    } else if (r.status == 0) {
        // Never reached the server, or it never answered: Qt's own reason.
        if (reply->error() == QNetworkReply::OperationCanceledError)
            r.error = QStringLiteral("Elasticsearch did not answer within %1 ms (%2)").arg(m_timeoutMs).arg(where);
        else
            r.error = QStringLiteral("Elasticsearch unreachable (%1): %2").arg(where, reply->errorString());
    } else {
        r.error = describeError(r.body);
        if (r.error.isEmpty()) {
            const QString phrase = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
            r.error = QStringLiteral("HTTP %1 %2").arg(r.status).arg(phrase).trimmed();
            if (!r.body.isEmpty() || !raw.isEmpty())
                r.error += QStringLiteral(": ") + QString::fromUtf8(raw.left(300));
        }
    }
    if (!r.ok)
        qCDebug(lcElastic).noquote() << where << "failed:" << r.error;
    if (cb)
        cb(r);
}

void ElasticClient::health(Callback cb)
{
    request("GET", QStringLiteral("/_cluster/health"), {}, {}, [cb](ElasticResult r) {
        if (r.ok) {
            const QString status = r.body.value(QLatin1String("status")).toString();
            if (status != QLatin1String("green") && status != QLatin1String("yellow")) {
                r.ok = false;
                r.error = QStringLiteral("Elasticsearch cluster status is %1")
                              .arg(status.isEmpty() ? QStringLiteral("unknown") : status);
            }
        }
        if (cb)
            cb(r);
    });
}

void ElasticClient::ensureIndex(const QString &index, const QJsonObject &body, Callback cb)
{
    request("PUT", QLatin1Char('/') + seg(index), compact(body), kJson, [cb](ElasticResult r) {
        if (!r.ok) {
            const QJsonObject e = r.body.value(QLatin1String("error")).toObject();
            if (e.value(QLatin1String("type")).toString() == QLatin1String("resource_already_exists_exception")) {
                r.ok = true;
                r.error.clear();
            }
        }
        if (cb)
            cb(r);
    });
}

void ElasticClient::deleteIndex(const QString &index, Callback cb)
{
    request("DELETE", QLatin1Char('/') + seg(index), {}, {}, std::move(cb));
}

void ElasticClient::indexDocument(const QString &index, const QString &id, const QJsonObject &doc, Callback cb)
{
    if (id.isEmpty())
        request("POST", QStringLiteral("/%1/_doc").arg(seg(index)), compact(doc), kJson, std::move(cb));
    else
        request("PUT", QStringLiteral("/%1/_doc/%2").arg(seg(index), seg(id)), compact(doc), kJson, std::move(cb));
}

void ElasticClient::bulk(const QList<ElasticBulkItem> &items, Callback cb, bool refresh)
{
    if (items.isEmpty()) {
        // ES rejects an empty bulk body; nothing to do is a success (still answered later).
        QMetaObject::invokeMethod(this, [cb] {
            ElasticResult r;
            r.ok = true;
            r.body = QJsonObject{{QStringLiteral("errors"), false}, {QStringLiteral("items"), QJsonArray()}};
            if (cb)
                cb(r);
        }, Qt::QueuedConnection);
        return;
    }
    QByteArray ndjson;
    ndjson.reserve(items.size() * 160);
    for (const ElasticBulkItem &item : items) {
        QJsonObject meta{{QStringLiteral("_index"), item.index}};
        if (!item.id.isEmpty())
            meta.insert(QStringLiteral("_id"), item.id);
        const QString action = item.action == ElasticBulkItem::Action::Create ? QStringLiteral("create")
                                                                              : QStringLiteral("index");
        ndjson += compact(QJsonObject{{action, meta}});
        ndjson += '\n';
        ndjson += compact(item.document);
        ndjson += '\n';
    }
    const QString path = refresh ? QStringLiteral("/_bulk?refresh=true") : QStringLiteral("/_bulk");
    request("POST", path, ndjson, kNdjson, [cb](ElasticResult r) {
        if (r.ok && r.body.value(QLatin1String("errors")).toBool() && !failedBulkItems(r.body).isEmpty()) {
            r.ok = false;
            r.error = describeBulkFailure(r.body);
        }
        if (cb)
            cb(r);
    });
}

QList<QJsonObject> ElasticClient::failedBulkItems(const QJsonObject &body)
{
    QList<QJsonObject> failed;
    const QJsonArray items = body.value(QLatin1String("items")).toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonObject wrapper = items.at(i).toObject(); // {"index": {...}} or {"create": {...}}
        if (wrapper.isEmpty())
            continue;
        QJsonObject item = wrapper.begin().value().toObject();
        const QJsonValue error = item.value(QLatin1String("error"));
        if (error.isUndefined() || error.isNull())
            continue;
        if (wrapper.begin().key() == QLatin1String("create") && item.value(QLatin1String("status")).toInt() == 409)
            continue; // version_conflict_engine_exception: the document exists and is kept
        item.insert(QStringLiteral("position"), int(i));
        failed.append(item);
    }
    return failed;
}

void ElasticClient::search(const QString &index, const QJsonObject &query, Callback cb)
{
    request("POST", QStringLiteral("/%1/_search").arg(seg(index)), compact(query), kJson, std::move(cb));
}

void ElasticClient::refresh(const QString &index, Callback cb)
{
    request("POST", QStringLiteral("/%1/_refresh").arg(seg(index)), {}, {}, std::move(cb));
}

void ElasticClient::getDocument(const QString &index, const QString &id, Callback cb)
{
    request("GET", QStringLiteral("/%1/_doc/%2").arg(seg(index), seg(id)), {}, {}, [cb](ElasticResult r) {
        if (!r.ok && r.status == 404 && r.error.startsWith(QLatin1String("HTTP")))
            r.error = QStringLiteral("document %1 not found in %2")
                          .arg(r.body.value(QLatin1String("_id")).toString(),
                               r.body.value(QLatin1String("_index")).toString());
        if (cb)
            cb(r);
    });
}

} // namespace lab
