// recentids.h: a bounded "have we seen this order lately?" set. The fan-out uses it so
// that a notification republished after a crash (same order_id) never reaches a
// WebSocket client twice; only the newest `capacity` ids are remembered, which is
// ample because a republication follows the original within minutes. Pure logic.
#pragma once

#include <QSet>
#include <QtGlobal>
#include <deque>

namespace notifier {

class RecentIds
{
public:
    explicit RecentIds(int capacity) : m_capacity(qMax(1, capacity)) {}

    /// Remembers id; false when it was remembered already (a duplicate).
    bool insert(qint64 id);
    bool contains(qint64 id) const { return m_set.contains(id); }
    int size() const { return int(m_set.size()); }
    int capacity() const { return m_capacity; }

private:
    int m_capacity;
    QSet<qint64> m_set;
    std::deque<qint64> m_order; ///< oldest first
};

} // namespace notifier
