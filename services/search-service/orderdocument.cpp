// orderdocument.cpp: order-logs documents from Redis records and events (see orderdocument.h).
#include "orderdocument.h"

#include "lab/events.h"
#include "lab/topics.h"

namespace {

/// What one event says about its order.
struct EventFacts
{
    qint64 orderId = 0;
    QString item;
    qint64 quantity = 0;
    QString status;
    QString reason;
    int rank = 0;
    QDateTime createdAt; ///< only order.created and order.notification carry it
    QDateTime at;        ///< when the event happened
};

template <typename T>
bool take(const lab::Parsed<T> &parsed, QString *error)
{
    if (parsed.ok())
        return true;
    if (error)
        *error = parsed.field.isEmpty() ? parsed.error : parsed.field + QStringLiteral(": ") + parsed.error;
    return false;
}

std::optional<EventFacts> parseEvent(const QString &topic, const QByteArray &value, QString *error)
{
    EventFacts f;
    if (topic == lab::topics::OrderCreated) {
        const auto p = lab::OrderCreated::fromJson(value);
        if (!take(p, error))
            return std::nullopt;
        f = {p.value->orderId, p.value->item, p.value->quantity, QStringLiteral("created"), {}, 0,
             p.value->createdAt, p.value->createdAt};
    } else if (topic == lab::topics::PaymentSuccess || topic == lab::topics::PaymentFailed) {
        const auto p = lab::PaymentOutcome::fromJson(value);
        if (!take(p, error))
            return std::nullopt;
        f = {p.value->orderId, p.value->item, p.value->quantity,
             p.value->success ? QStringLiteral("paid") : QStringLiteral("failed"), p.value->reason,
             p.value->success ? 1 : 2, {}, p.value->at};
    } else if (topic == lab::topics::InventoryReserved || topic == lab::topics::InventoryRejected) {
        const auto p = lab::InventoryOutcome::fromJson(value);
        if (!take(p, error))
            return std::nullopt;
        f = {p.value->orderId, p.value->item, p.value->quantity,
             p.value->reserved ? QStringLiteral("reserved") : QStringLiteral("failed"), p.value->reason,
             p.value->reserved ? 1 : 2, {}, p.value->at};
    } else if (topic == lab::topics::OrderNotification) {
        const auto p = lab::Notification::fromJson(value);
        if (!take(p, error))
            return std::nullopt;
        f = {p.value->orderId, p.value->item, p.value->quantity,
             lab::Notification::statusName(p.value->status), p.value->reason, 2, p.value->createdAt,
             p.value->notifiedAt};
    } else {
        if (error)
            *error = QStringLiteral("unexpected topic %1").arg(topic);
        return std::nullopt;
    }
    return f;
}

void fold(OrderDocument &doc, const EventFacts &f)
{
    doc.orderId = f.orderId;
    if (doc.item.isEmpty())
        doc.item = f.item;
    if (doc.quantity <= 0)
        doc.quantity = f.quantity;
    if (f.createdAt.isValid() && !doc.timestamp.isValid())
        doc.timestamp = f.createdAt;
    if (f.rank >= doc.rank) {
        doc.rank = f.rank;
        doc.status = f.status;
        doc.reason = f.reason;
    }
    if (f.at.isValid() && (!doc.updatedAt.isValid() || f.at > doc.updatedAt))
        doc.updatedAt = f.at;
}

} // namespace

// ---------------------------------------------------------------- OrderDocument

bool OrderDocument::isComplete() const
{
    return orderId > 0 && !item.isEmpty() && quantity > 0 && timestamp.isValid();
}

QJsonObject OrderDocument::toJson() const
{
    QJsonObject o{{QStringLiteral("order_id"), orderId},
                  {QStringLiteral("item"), item},
                  {QStringLiteral("quantity"), quantity},
                  {QStringLiteral("status"), status.isEmpty() ? QStringLiteral("created") : status},
                  {QStringLiteral("timestamp"), lab::isoTimestamp(timestamp)},
                  {QStringLiteral("updated_at"),
                   lab::isoTimestamp(updatedAt.isValid() ? updatedAt : timestamp)}};
    if (!reason.isEmpty())
        o.insert(QStringLiteral("reason"), reason);
    return o;
}

bool OrderDocument::addEvent(const QString &baseTopic, const QByteArray &value, QString *error)
{
    const auto facts = parseEvent(baseTopic, value, error);
    if (!facts)
        return false;
    if (orderId != 0 && facts->orderId != orderId) {
        if (error)
            *error = QStringLiteral("event of order %1 folded into order %2").arg(facts->orderId).arg(orderId);
        return false;
    }
    fold(*this, *facts);
    return true;
}

void OrderDocument::applyRecord(const lab::OrderRecord &record)
{
    orderId = record.orderId;
    if (!record.item().isEmpty())
        item = record.item();
    if (record.quantity() > 0)
        quantity = record.quantity();
    if (record.createdAt().isValid())
        timestamp = record.createdAt();
    const QString recordStatus = record.field(QStringLiteral("status"));
    if (!recordStatus.isEmpty()) {
        status = recordStatus;
        reason = record.field(QStringLiteral("reason"));
    }
    if (record.updatedAt().isValid())
        updatedAt = record.updatedAt();
}

std::optional<qint64> OrderDocument::eventOrderId(const QString &baseTopic, const QByteArray &value,
                                                  QString *error)
{
    const auto facts = parseEvent(baseTopic, value, error);
    if (!facts)
        return std::nullopt;
    return facts->orderId;
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
    const auto facts = parseEvent(baseTopic, value, error);
    if (!facts)
        return false;
    auto it = m_docs.find(facts->orderId);
    if (it == m_docs.end()) {
        it = m_docs.insert(facts->orderId, OrderDocument{});
        m_order.append(facts->orderId);
    }
    fold(*it, *facts);
    if (baseTopic == lab::topics::OrderCreated)
        m_created.insert(facts->orderId, facts->createdAt);
    return true;
}

void OrderDocumentBatch::remove(qint64 orderId)
{
    m_docs.remove(orderId);
    m_order.removeAll(orderId);
    m_created.remove(orderId);
}

void OrderDocumentBatch::applyRecords(const QHash<qint64, lab::OrderRecord> &records)
{
    for (auto it = records.cbegin(); it != records.cend(); ++it) {
        const auto doc = m_docs.find(it.key());
        if (doc != m_docs.end())
            doc->applyRecord(it.value());
    }
}

QList<OrderDocument> OrderDocumentBatch::documents() const
{
    QList<OrderDocument> out;
    for (const qint64 id : m_order) {
        const OrderDocument doc = m_docs.value(id);
        if (doc.isComplete())
            out.append(doc);
    }
    return out;
}

QList<qint64> OrderDocumentBatch::incomplete() const
{
    QList<qint64> out;
    for (const qint64 id : m_order)
        if (!m_docs.value(id).isComplete())
            out.append(id);
    return out;
}
