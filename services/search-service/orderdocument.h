// orderdocument.h: the order-logs document of one order and the index it lives in.
// One document per order (_id = order_id): {order_id, item, quantity, status, reason?,
// timestamp (= created_at, ISO-8601 UTC, mapped as a date for Kibana), updated_at}.
// Built from the two events that carry everything it holds: order.created (status
// "created") and order.notification (status "confirmed" or "failed", the final state).
// The intermediate paid/reserved steps are not indexed (GET /orders/{id} on
// order-service shows them).
#pragma once

#include "lab/store/orderstore.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

struct OrderDocument
{
    qint64 orderId = 0;
    QString item;
    qint64 quantity = 0;
    QString status;      ///< created, or confirmed | failed once decided
    QString reason;      ///< only when failed
    QDateTime timestamp; ///< when the order was created
    QDateTime updatedAt; ///< when the status was reached (created_at, notified_at)
    bool decided = false; ///< from order.notification: the final state of the order

    QJsonObject toJson() const;

    /// The document an order.created or order.notification payload describes (base
    /// topic name as in lab::topics); nullopt, with *error, when the payload is not a
    /// valid event of that topic or the topic is not one of those two.
    static std::optional<OrderDocument> fromEvent(const QString &baseTopic, const QByteArray &value,
                                                  QString *error);
    /// The base topics documents are built from (order.created, order.notification).
    static QStringList sourceTopics();
    /// PUT /{index} body: settings (1 shard, 0 replicas: green on one node) and the
    /// explicit mapping.
    static QJsonObject indexDefinition();
};

/// The events of one consumed batch, coalesced per order: a decided order's
/// notification supersedes its order.created records; an order with only order.created
/// records keeps one per attempt (created_at) until lab_admit says which are voided.
class OrderDocumentBatch
{
public:
    /// False (with *error) for a malformed event, which is then ignored.
    bool addEvent(const QString &baseTopic, const QByteArray &value, QString *error);

    /// The order.created records no notification of the batch supersedes, one per
    /// (order_id, created_at) in first-seen order: each must pass lab_admit
    /// (OrderStore::admitMany) before it is indexed.
    QList<lab::OrderStore::Admission> toAdmit() const;
    /// Drops the record of an attempt order-service voided (lab_admit refused it).
    void dropVoided(const lab::OrderStore::Admission &record);

    /// One document per order, in first-seen order: the decided one when the batch holds
    /// the notification, else the created one of the last attempt still there.
    QList<OrderDocument> documents() const;

private:
    struct Entry
    {
        std::optional<OrderDocument> decided;
        QList<OrderDocument> created; ///< one per attempt (created_at), in arrival order
    };
    QHash<qint64, Entry> m_entries;
    QList<qint64> m_order;
};
