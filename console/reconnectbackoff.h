// reconnectbackoff.h: delays between reconnect attempts of the live feed: doubling from
// `initial` up to `max`, with optional jitter so that many consoles do not reconnect to a
// restarted notifier in lockstep; reset after a connection succeeds.
#pragma once

class ReconnectBackoff
{
public:
    explicit ReconnectBackoff(int initialMs = 500, int maxMs = 15000, double jitter = 0.0);

    /// The delay before the next attempt; each call counts one attempt.
    int nextDelayMs();
    void reset() { m_attempts = 0; }
    int attempts() const { return m_attempts; }
    int initialMs() const { return m_initialMs; }
    int maxMs() const { return m_maxMs; }

private:
    int m_initialMs;
    int m_maxMs;
    double m_jitter;
    int m_attempts = 0;
};
