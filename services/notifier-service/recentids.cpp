// recentids.cpp: see recentids.h.
#include "recentids.h"

namespace notifier {

bool RecentIds::insert(qint64 id, qint64 createdAtMs)
{
    const Order order{id, createdAtMs};
    if (m_set.contains(order))
        return false;
    m_set.insert(order);
    m_order.push_back(order);
    while (int(m_order.size()) > m_capacity) {
        m_set.remove(m_order.front());
        m_order.pop_front();
    }
    return true;
}

} // namespace notifier
