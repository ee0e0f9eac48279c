// kafkaprobe.h: a cached answer to "can this service reach Kafka?" for /healthz.
// A health check must not block the event loop, and a metadata request to a dead
// broker takes its whole timeout: the probe therefore asks on a short-lived thread
// (librdkafka handles are thread-safe) every intervalMs and keeps the last answer.
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <mutex>
#include <thread>

class QTimer;

namespace lab {

class KafkaProducer;

class KafkaProbe : public QObject
{
    Q_OBJECT
public:
    /// producer: not owned; must outlive the probe.
    explicit KafkaProbe(KafkaProducer *producer, int intervalMs = 3000, QObject *parent = nullptr);
    ~KafkaProbe() override; ///< waits for a probe in progress (bounded by its timeout)

    /// Probes now and then every intervalMs.
    void start();
    /// The last answer; false (with a detail) before the first probe finished.
    bool isUp(QString *detail = nullptr) const;

signals:
    void changed(bool up, const QString &detail);

private:
    void probe();
    void onResult(bool up, const QString &detail);

    KafkaProducer *m_producer;
    QTimer *m_timer;
    std::thread m_thread;
    std::atomic<bool> m_busy{false};
    bool m_up = false;
    bool m_known = false;
    QString m_detail = QStringLiteral("not probed yet");
};

} // namespace lab
