// names.h: every external name the services share (Kafka topics, Redis keys, the
// Elasticsearch index), derived from one optional namespace so that several isolated
// copies of the system can share one Kafka/Redis/Elasticsearch (the tests do this).
// With the default empty namespace the names are exactly the public contract:
// topics "order.created"..., index "order-logs", Redis keys "order:42"...
//
// Redis keys: order:{id}, payment:{id}, reservation:{id}, stock:{item} and
// notifications:recent; their fields are documented once, in docs/EVENTS.md.
#pragma once

#include <QByteArray>
#include <QString>

namespace lab {

class Names
{
public:
    /// ns: the namespace ("" for the contract names). Read from LAB_NAMESPACE by services.
    explicit Names(const QString &ns = {}) : m_ns(ns) {}
    static Names fromEnvironment(); ///< Names(qEnvironmentVariable("LAB_NAMESPACE"))

    QString ns() const { return m_ns; }
    /// base: one of lab::topics (e.g. "order.created") -> "<ns>.order.created" or as is.
    QString topic(const QString &base) const { return m_ns.isEmpty() ? base : m_ns + '.' + base; }
    /// "order-logs" or "<ns>-order-logs" (lower case, as Elasticsearch requires).
    QString orderIndex() const { return m_ns.isEmpty() ? QStringLiteral("order-logs") : m_ns.toLower() + QStringLiteral("-order-logs"); }
    /// Consumer group id for a service: "<service>" or "<ns>.<service>".
    QString group(const QString &service) const { return m_ns.isEmpty() ? service : m_ns + '.' + service; }

    QByteArray orderKey(qint64 id) const { return key("order:" + QByteArray::number(id)); }
    QByteArray paymentKey(qint64 id) const { return key("payment:" + QByteArray::number(id)); }
    QByteArray reservationKey(qint64 id) const { return key("reservation:" + QByteArray::number(id)); }
    QByteArray stockKey(const QString &item) const { return key("stock:" + item.toUtf8()); }
    QByteArray recentNotificationsKey() const { return key("notifications:recent"); }
    /// Any other key, prefixed "<ns>:" when a namespace is set.
    QByteArray key(const QByteArray &base) const { return m_ns.isEmpty() ? base : m_ns.toUtf8() + ':' + base; }

private:
    QString m_ns;
};

inline Names Names::fromEnvironment() { return Names(qEnvironmentVariable("LAB_NAMESPACE")); }

} // namespace lab
