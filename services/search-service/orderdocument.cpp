// orderdocument.cpp: order-logs documents from order.created and order.notification
// events (see orderdocument.h).
#include "orderdocument.h"

#include "lab/contract/events.h"
#include "lab/contract/topics.h"

namespace {

template <typename T>
bool take(const lab::Parsed<T> &parsed, QString *error)
{
    if (parsed.ok())
        return true;
    if (error)
        *error = parsed.field.isEmpty() ? parsed.error : parsed.field + QStringLiteral(": ") + parsed.error;
    return false;
}

} // namespace

// ---------------------------------------------------------------- OrderDocument

QJsonObject OrderDocument::toJson() const
{
    QJsonObject o{{QStringLiteral("order_id"), orderId},
                  {QStringLiteral("item"), item},
                  {QStringLiteral("quantity"), quantity},
                  {QStringLiteral("status"), status},
                  {QStringLiteral("timestamp"), lab::isoTimestamp(timestamp)},
                  {QStringLiteral("updated_at"), lab::isoTimestamp(updatedAt)}};
    if (!reason.isEmpty())
        o.insert(QStringLiteral("reason"), reason);
    return o;
}

std::optional<OrderDocument> OrderDocument::fromEvent(const QString &baseTopic, const QByteArray &value,
                                                      QString *error)
{
    OrderDocument d;
    if (baseTopic == lab::topics::OrderCreated) {
        const auto p = lab::OrderCreated::fromJson(value);
        if (!take(p, error))
            return std::nullopt;
        d.orderId = p.value->orderId;
        d.item = p.value->item;
        d.quantity = p.value->quantity;
        d.status = QStringLiteral("created");
        d.timestamp = p.value->createdAt;
        d.updatedAt = p.value->createdAt;
    } else if (baseTopic == lab::topics::OrderNotification) {
        const auto p = lab::Notification::fromJson(value);
        if (!take(p, error))
            return std::nullopt;
        d.orderId = p.value->orderId;
        d.item = p.value->item;
        d.quantity = p.value->quantity;
        d.status = lab::Notification::statusName(p.value->status);
        d.reason = p.value->reason;
        d.timestamp = p.value->createdAt;
        d.updatedAt = p.value->notifiedAt;
        d.decided = true;
    } else {
        if (error)
            *error = QStringLiteral("unexpected topic %1").arg(baseTopic);
        return std::nullopt;
    }
    return d;
}

QStringList OrderDocument::sourceTopics()
{
    return {lab::topics::OrderCreated, lab::topics::OrderNotification};
}

QJsonObject OrderDocument::indexDefinition()
{
    const auto type = [](const char *t) { return QJsonObject{{QStringLiteral("type"), QLatin1String(t)}}; };
    QJsonObject item = type("text");
    item.insert(QStringLiteral("fields"),
                QJsonObject{{QStringLiteral("keyword"),
                             QJsonObject{{QStringLiteral("type"), QStringLiteral("keyword")},
                                         {QStringLiteral("ignore_above"), 256}}}});
    const QJsonObject properties{
        {QStringLiteral("order_id"), type("long")},
        {QStringLiteral("item"), item},
        {QStringLiteral("quantity"), type("long")},
        {QStringLiteral("status"), type("keyword")},
        {QStringLiteral("reason"), type("text")},
        {QStringLiteral("timestamp"), type("date")},
        {QStringLiteral("updated_at"), type("date")},
    };
    return QJsonObject{
        {QStringLiteral("settings"),
         QJsonObject{{QStringLiteral("number_of_shards"), 1}, {QStringLiteral("number_of_replicas"), 0}}},
        {QStringLiteral("mappings"), QJsonObject{{QStringLiteral("properties"), properties}}},
    };
}

// ---------------------------------------------------------------- OrderDocumentBatch

bool OrderDocumentBatch::addEvent(const QString &baseTopic, const QByteArray &value, QString *error)
{
    auto doc = OrderDocument::fromEvent(baseTopic, value, error);
    if (!doc)
        return false;
    auto it = m_entries.find(doc->orderId);
    if (it == m_entries.end()) {
        it = m_entries.insert(doc->orderId, Entry{});
        m_order.append(doc->orderId);
    }
    if (doc->decided) {
        // Decided once (notifier-service): a replay carries the same outcome.
        it->decided = std::move(*doc);
        return true;
    }
    // A replay of the same attempt is the same document; another attempt (the earlier one
    // voided, its record stored anyway) is kept apart until lab_admit tells them apart.
    for (OrderDocument &known : it->created)
        if (known.timestamp == doc->timestamp)
            return true;
    it->created.append(std::move(*doc));
    return true;
}

QList<lab::OrderStore::Admission> OrderDocumentBatch::toAdmit() const
{
    QList<lab::OrderStore::Admission> out;
    for (const qint64 id : m_order) {
        const Entry &e = *m_entries.constFind(id);
        if (e.decided)
            continue; // the notification supersedes: its order was admitted upstream
        for (const OrderDocument &d : e.created)
            out.append({id, d.timestamp});
    }
    return out;
}

void OrderDocumentBatch::dropVoided(const lab::OrderStore::Admission &record)
{
    const auto it = m_entries.find(record.orderId);
    if (it == m_entries.end())
        return;
    it->created.removeIf([&](const OrderDocument &d) { return d.timestamp == record.createdAt; });
}

QList<OrderDocument> OrderDocumentBatch::documents() const
{
    QList<OrderDocument> out;
    for (const qint64 id : m_order) {
        const Entry &e = *m_entries.constFind(id);
        if (e.decided)
            out.append(*e.decided);
        else if (!e.created.isEmpty())
            out.append(e.created.last());
    }
    return out;
}
