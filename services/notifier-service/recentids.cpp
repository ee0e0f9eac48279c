// recentids.cpp: see recentids.h.
#include "recentids.h"

namespace notifier {

bool RecentIds::insert(qint64 id)
{
    if (m_set.contains(id))
        return false;
    m_set.insert(id);
    m_order.push_back(id);
    while (int(m_order.size()) > m_capacity) {
        m_set.remove(m_order.front());
        m_order.pop_front();
    }
    return true;
}

} // namespace notifier
