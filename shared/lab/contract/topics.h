// topics.h: the Kafka topic names of the public contract, in one place.
// Payloads are documented in docs/EVENTS.md.
#pragma once

#include <QString>
#include <QStringList>

namespace lab::topics {

inline const QString OrderCreated = QStringLiteral("order.created");
inline const QString PaymentSuccess = QStringLiteral("payment.success");
inline const QString PaymentFailed = QStringLiteral("payment.failed");
inline const QString InventoryReserved = QStringLiteral("inventory.reserved");
inline const QString InventoryRejected = QStringLiteral("inventory.rejected");
/// Terminal outcome of an order, decided once by notifier-service; every notifier
/// instance consumes it (each with its own group) to fan out to its WebSocket clients.
inline const QString OrderNotification = QStringLiteral("order.notification");

inline QStringList all()
{
    return {OrderCreated, PaymentSuccess, PaymentFailed, InventoryReserved, InventoryRejected,
            OrderNotification};
}

} // namespace lab::topics
