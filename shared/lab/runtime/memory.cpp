// memory.cpp: arena cap and periodic malloc_trim (see memory.h).
#include "lab/runtime/memory.h"

#include <QObject>
#include <QTimer>

#include <malloc.h>

namespace lab::memory {

void install(QObject *parent, int trimIntervalMs)
{
    // Threads created from now on share two arenas instead of getting one each
    // (default: 8 per core).
    mallopt(M_ARENA_MAX, 2);
    if (trimIntervalMs <= 0 || !parent)
        return;
    auto *timer = new QTimer(parent);
    timer->setTimerType(Qt::VeryCoarseTimer);
    QObject::connect(timer, &QTimer::timeout, timer, [] { malloc_trim(0); });
    timer->start(trimIntervalMs);
}

} // namespace lab::memory
