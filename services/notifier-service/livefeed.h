// livefeed.h: the live feed of one notifier-service instance, ws://HOST:PORT/ws. Every
// instance reads every notification, outside any consumer group (a group of its own:
// notifier-fanout-<pid>-<random>), starting with the last backlog-size records of each
// partition (the backlog new clients get), and lets clients in only once it has caught
// up with the end offsets it found at start: from then on a client gets every
// notification Kafka stores after it connected, once, live or in its backlog
// (notificationhub.h). Before that, an upgrade is refused with a 503 (the page retries)
// and /healthz says "fanout" is not ready.
#pragma once

#include "notificationhub.h"

#include "lab/contract/names.h"
#include "lab/kafka/eventworker.h"
#include "lab/kafka/kafkaconsumer.h"

#include <memory>

namespace lab {
class Config;
class HttpService;
}

namespace notifier {

class LiveFeed
{
public:
    /// Exits via servicekit::die() when the consumer cannot be made.
    LiveFeed(const QString &brokers, const lab::Names &names, NotificationHub::Options options);
    /// The hub's options from the settings dedupe-window and ws-max-queue-bytes (bounded),
    /// with the backlog of the contract's recent notifications.
    static NotificationHub::Options optionsFrom(const lab::Config &config);

    QString group() const { return m_group; }
    /// This instance's own decisions, as soon as Kafka stored them: the fan-out brings
    /// the other instances' and drops the copies of ours.
    void deliver(const lab::Notification &notification) { m_hub.deliver(notification); }
    /// /ws and the "fanout" health check on http.
    void install(lab::HttpService &http);
    void start();
    void stopIntake();
    /// Stops reading and closes every client (1001, going away).
    void stop();

private:
    QString m_group;
    NotificationHub m_hub;
    lab::KafkaConsumer m_consumer;
    std::unique_ptr<lab::EventWorker> m_worker;
};

} // namespace notifier
