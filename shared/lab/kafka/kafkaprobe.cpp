// kafkaprobe.cpp: background Kafka reachability checks (see kafkaprobe.h).
#include "lab/kafka/kafkaprobe.h"

#include "lab/kafka/kafkaproducer.h"
#include "lab/runtime/log.h"

#include <QTimer>

namespace lab {

namespace {
constexpr int kProbeTimeoutMs = 2000;
}

KafkaProbe::KafkaProbe(KafkaProducer *producer, int intervalMs, QObject *parent)
    : QObject(parent), m_producer(producer), m_timer(new QTimer(this))
{
    m_timer->setInterval(intervalMs);
    connect(m_timer, &QTimer::timeout, this, &KafkaProbe::probe);
}

KafkaProbe::~KafkaProbe()
{
    if (m_thread.joinable())
        m_thread.join();
}

void KafkaProbe::start()
{
    probe();
    m_timer->start();
}

bool KafkaProbe::isUp(QString *detail) const
{
    if (detail && !m_up)
        *detail = m_detail;
    return m_up;
}

void KafkaProbe::probe()
{
    if (m_busy.exchange(true))
        return; // the previous probe is still waiting for its answer
    if (m_thread.joinable())
        m_thread.join(); // finished already (m_busy was false)
    m_thread = std::thread([this] {
        const KafkaError error = m_producer->checkConnection(kProbeTimeoutMs);
        const bool up = error.isOk();
        const QString detail = up ? QString() : error.toString();
        // Queued: runs on the owner's thread, and never after the probe is destroyed
        // (the destructor joins this thread first; later events die with the object).
        QMetaObject::invokeMethod(this, [this, up, detail] { onResult(up, detail); },
                                  Qt::QueuedConnection);
        m_busy = false;
    });
}

void KafkaProbe::onResult(bool up, const QString &detail)
{
    const bool changedState = !m_known || up != m_up;
    m_known = true;
    m_up = up;
    m_detail = up ? QString() : QStringLiteral("Kafka unreachable: %1").arg(detail);
    if (changedState) {
        if (up)
            qCInfo(lcKafka, "Kafka is reachable");
        else
            qCWarning(lcKafka, "%s", qPrintable(m_detail));
        emit changed(up, m_detail);
    }
}

} // namespace lab
