#include "lab/runtime/shutdown.h"

#include <QSocketNotifier>

#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

namespace lab {

namespace {
int g_writeFd = -1;
volatile std::sig_atomic_t g_count = 0;
timespec g_first = {};

void onSignal(int sig)
{
    // One stop request can arrive twice at once: SIGTERM to the process group reaches
    // both the service and its supervisor, which passes it on (tools/supervise.sh).
    // Only a signal a second or more after the first means "the operator insists".
    timespec now = {};
    ::clock_gettime(CLOCK_MONOTONIC, &now); // async-signal-safe
    if (g_count == 0) {
        g_first = now;
    } else {
        const long long ms = (now.tv_sec - g_first.tv_sec) * 1000LL + (now.tv_nsec - g_first.tv_nsec) / 1000000;
        if (ms < 1000)
            return;
    }
    g_count = g_count + 1;
    if (g_count > 1)
        _exit(128 + sig); // second signal: the operator insists
    const unsigned char b = static_cast<unsigned char>(sig);
    if (g_writeFd >= 0) {
        [[maybe_unused]] const ssize_t n = ::write(g_writeFd, &b, 1);
    }
}
} // namespace

ShutdownSignal::ShutdownSignal(QObject *parent)
    : QObject(parent)
{
    if (::pipe2(m_fds, O_CLOEXEC | O_NONBLOCK) != 0)
        return;
    g_writeFd = m_fds[1];
    auto *notifier = new QSocketNotifier(m_fds[0], QSocketNotifier::Read, this);
    connect(notifier, &QSocketNotifier::activated, this, &ShutdownSignal::onReadable);
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
}

ShutdownSignal::~ShutdownSignal()
{
    g_writeFd = -1;
    if (m_fds[0] >= 0)
        ::close(m_fds[0]);
    if (m_fds[1] >= 0)
        ::close(m_fds[1]);
}

void ShutdownSignal::onReadable()
{
    unsigned char b = 0;
    int sig = 0;
    while (::read(m_fds[0], &b, 1) == 1)
        sig = b;
    if (!m_fired && sig != 0) {
        m_fired = true;
        emit requested(sig);
    }
}

} // namespace lab
