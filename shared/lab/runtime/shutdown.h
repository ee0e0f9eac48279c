// shutdown.h: SIGTERM/SIGINT turned into a Qt signal on the main thread (self-pipe +
// QSocketNotifier), so a service can drain: stop accepting, finish in-flight work,
// commit consumed offsets, flush the producer, then quit. A second signal during the
// drain, a second or more after the first, exits at once (one sooner is the same
// request arriving twice: from the process group and from the supervisor).
#pragma once

#include <QObject>

namespace lab {

class ShutdownSignal : public QObject
{
    Q_OBJECT
public:
    /// Installs handlers for SIGTERM and SIGINT. One instance per process.
    explicit ShutdownSignal(QObject *parent = nullptr);
    ~ShutdownSignal() override;

signals:
    /// Emitted once, on the main thread, for the first SIGTERM/SIGINT.
    void requested(int signalNumber);

private:
    void onReadable();
    int m_fds[2] = {-1, -1};
    bool m_fired = false;
};

} // namespace lab
