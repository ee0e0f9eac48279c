// orderdocument.h: the order-logs document of one order and the index it lives in.
// One document per order (_id = order_id): {order_id, item, quantity, status, reason?,
// timestamp (= created_at, ISO-8601 UTC, mapped as a date for Kibana), updated_at}.
// Built from the Redis hash order:{id}, which is authoritative for the latest status;
// the consumed events fill in whatever the hash lacks (or everything, when an order
// never went through order-service and has no hash).
#pragma once

#include "lab/orderstore.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

struct OrderDocument
{
    qint64 orderId = 0;
    QString item;
    qint64 quantity = 0;
    QString status;
    QString reason;
    QDateTime timestamp; ///< when the order was created
    QDateTime updatedAt; ///< the latest change known
    int rank = -1;       ///< how far the event-derived status got (created 0 .. decided 2)

    /// Enough to index: id, item, quantity and a creation time.
    bool isComplete() const;
    QJsonObject toJson() const;

    /// Folds one event in (base topic name as in lab::topics). False, with *error,
    /// when the payload is not a valid event of that topic.
    bool addEvent(const QString &baseTopic, const QByteArray &value, QString *error);
    /// The hash wins for every field it has.
    void applyRecord(const lab::OrderRecord &record);

    /// The order id of an event of any topic; nullopt (with *error) for a malformed one.
    static std::optional<qint64> eventOrderId(const QString &baseTopic, const QByteArray &value,
                                              QString *error);
    /// PUT /{index} body: settings (1 shard, 0 replicas: green on one node) and the
    /// explicit mapping.
    static QJsonObject indexDefinition();
};

/// The documents of one batch of events, keyed by order id, in first-seen order.
class OrderDocumentBatch
{
public:
    /// False (with *error) for a malformed event, which is then ignored.
    bool addEvent(const QString &baseTopic, const QByteArray &value, QString *error);
    void applyRecords(const QHash<qint64, lab::OrderRecord> &records);

    QList<qint64> orderIds() const { return m_order; }
    /// The created_at of each order's last order.created event in the batch: these must
    /// pass lab_admit (OrderStore::fetchMany) before they are indexed.
    QHash<qint64, QDateTime> createdEvents() const { return m_created; }
    /// Forgets an order (its order.created belongs to a voided attempt).
    void remove(qint64 orderId);
    /// The complete documents, in first-seen order.
    QList<OrderDocument> documents() const;
    /// Ids that cannot be indexed (no creation time or item known).
    QList<qint64> incomplete() const;

private:
    QHash<qint64, OrderDocument> m_docs;
    QList<qint64> m_order;
    QHash<qint64, QDateTime> m_created;
};
