#include "reconnectbackoff.h"

#include <QRandomGenerator>
#include <QtGlobal>

ReconnectBackoff::ReconnectBackoff(int initialMs, int maxMs, double jitter)
    : m_initialMs(qMax(1, initialMs))
    , m_maxMs(qMax(m_initialMs, maxMs))
    , m_jitter(qBound(0.0, jitter, 0.5))
{
}

int ReconnectBackoff::nextDelayMs()
{
    qint64 delay = m_initialMs;
    for (int i = 0; i < m_attempts && delay < m_maxMs; ++i)
        delay *= 2;
    delay = qMin<qint64>(delay, m_maxMs);
    ++m_attempts;
    if (m_jitter > 0.0) {
        const double factor = 1.0 + m_jitter * (2.0 * QRandomGenerator::global()->generateDouble() - 1.0);
        delay = qint64(double(delay) * factor);
    }
    return int(qMax<qint64>(1, delay));
}
