// recentids.h: a bounded "have we delivered this order lately?" set. The fan-out uses it
// so that a notification republished after a crash never reaches a WebSocket client
// twice; only the newest `capacity` orders are remembered, which is ample because a
// republication follows the original within minutes. An order is its id AND its
// created_at: a republication repeats both, while an id used again once its keys
// expired (ORDER_RETENTION) is a new order with a new created_at, and is delivered.
// Pure logic.
#pragma once

#include <QPair>
#include <QSet>
#include <QtGlobal>
#include <deque>

namespace notifier {

class RecentIds
{
public:
    explicit RecentIds(int capacity) : m_capacity(qMax(1, capacity)) {}

    /// Remembers the order (id, created_at in ms since the epoch); false when it was
    /// remembered already (a duplicate).
    bool insert(qint64 id, qint64 createdAtMs);
    bool contains(qint64 id, qint64 createdAtMs) const { return m_set.contains({id, createdAtMs}); }
    int size() const { return int(m_set.size()); }
    int capacity() const { return m_capacity; }

private:
    using Order = QPair<qint64, qint64>;
    int m_capacity;
    QSet<Order> m_set;
    std::deque<Order> m_order; ///< oldest first
};

} // namespace notifier
