#include "lab/kafka/offsettracker.h"

#include <algorithm>

namespace lab {

quint64 OffsetTracker::assign(const QList<TopicPartition> &partitions)
{
    const quint64 gen = ++m_lastGeneration;
    for (const TopicPartition &tp : partitions) {
        auto it = m_parts.find(tp);
        if (it != m_parts.end())
            m_inFlight -= int(it->outstanding.size());
        Partition p;
        p.generation = gen;
        m_parts.insert(tp, p);
    }
    return gen;
}

void OffsetTracker::revoke(const QList<TopicPartition> &partitions)
{
    for (const TopicPartition &tp : partitions) {
        auto it = m_parts.find(tp);
        if (it == m_parts.end())
            continue;
        m_inFlight -= int(it->outstanding.size());
        m_parts.erase(it);
    }
}

void OffsetTracker::clear()
{
    m_parts.clear();
    m_inFlight = 0;
}

quint64 OffsetTracker::handOut(const TopicPartition &tp, qint64 offset)
{
    auto it = m_parts.find(tp);
    if (it == m_parts.end()) {
        assign({tp});
        it = m_parts.find(tp);
    }
    Partition &p = *it;
    if (p.floor < 0 || offset < p.floor) {
        // The first record of a generation is where reading (re)started: everything
        // before it is committed already or was never there.
        if (p.floor < 0)
            p.sent = p.confirmed = offset;
        p.floor = offset;
    }
    if (p.outstanding.insert(offset).second)
        ++m_inFlight;
    p.highest = std::max(p.highest, offset);
    return p.generation;
}

bool OffsetTracker::acknowledge(const TopicPartition &tp, qint64 offset, quint64 generation)
{
    auto it = m_parts.find(tp);
    if (it == m_parts.end() || it->generation != generation)
        return false;
    if (it->outstanding.erase(offset) == 0)
        return false;
    --m_inFlight;
    it->anyAcked = true;
    return true;
}

qint64 OffsetTracker::safeOffset(const Partition &p)
{
    return p.outstanding.empty() ? p.highest + 1 : *p.outstanding.begin();
}

std::optional<qint64> OffsetTracker::commitOffset(const TopicPartition &tp) const
{
    auto it = m_parts.constFind(tp);
    if (it == m_parts.constEnd() || !it->anyAcked)
        return std::nullopt;
    return safeOffset(*it);
}

QList<OffsetTracker::Commit> OffsetTracker::take(const QList<TopicPartition> &partitions,
                                                 bool resendUnconfirmed)
{
    QList<Commit> out;
    for (const TopicPartition &tp : partitions) {
        auto it = m_parts.find(tp);
        if (it == m_parts.end() || !it->anyAcked)
            continue;
        const qint64 offset = safeOffset(*it);
        const qint64 already = resendUnconfirmed ? it->confirmed : it->sent;
        if (offset <= already)
            continue;
        it->sent = std::max(it->sent, offset);
        out.append({tp, offset});
    }
    return out;
}

QList<OffsetTracker::Commit> OffsetTracker::takeCommits()
{
    return take(m_parts.keys(), false);
}

QList<OffsetTracker::Commit> OffsetTracker::takeUnconfirmedCommits(const QList<TopicPartition> &partitions)
{
    return take(partitions, true);
}

QList<OffsetTracker::Commit> OffsetTracker::takeUnconfirmedCommits()
{
    return take(m_parts.keys(), true);
}

void OffsetTracker::commitFinished(const TopicPartition &tp, qint64 offset, bool ok)
{
    auto it = m_parts.find(tp);
    if (it == m_parts.end())
        return;
    if (ok) {
        // Only an offset we sent in this generation can confirm anything in it.
        if (offset <= it->sent)
            it->confirmed = std::max(it->confirmed, offset);
    } else if (offset == it->sent) {
        it->sent = it->confirmed; // offer it again
    }
}

qint64 OffsetTracker::confirmedOffset(const TopicPartition &tp) const
{
    auto it = m_parts.constFind(tp);
    if (it == m_parts.constEnd() || !it->anyAcked)
        return -1;
    return it->confirmed > it->floor ? it->confirmed : -1;
}

int OffsetTracker::inFlight(const TopicPartition &tp) const
{
    auto it = m_parts.constFind(tp);
    return it == m_parts.constEnd() ? 0 : int(it->outstanding.size());
}

quint64 OffsetTracker::generation(const TopicPartition &tp) const
{
    auto it = m_parts.constFind(tp);
    return it == m_parts.constEnd() ? 0 : it->generation;
}

} // namespace lab
