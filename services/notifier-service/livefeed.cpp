#include "livefeed.h"

#include "lab/contract/topics.h"
#include "lab/http/httpservice.h"
#include "lab/runtime/config.h"
#include "lab/service/servicekit.h"
#include "lab/store/outcomescripts.h"

#include <QCoreApplication>
#include <QUuid>
#include <QWebSocket>

namespace notifier {

namespace {

QString instanceGroup(const lab::Names &names)
{
    const QString instance = QStringLiteral("%1-%2").arg(QCoreApplication::applicationPid())
                                 .arg(QUuid::createUuid().toString(QUuid::Id128).left(12));
    return names.group(QStringLiteral("notifier-fanout-") + instance);
}

} // namespace

// This instance's own decisions reach its clients as soon as Kafka stored them
// (deliver()); the fan-out brings the other instances' and drops the copies of ours. So
// it may fetch in batches (a request per 50 ms at most, not per notification): a
// notification decided by another instance arrives up to 50 ms later than one decided
// here.
LiveFeed::LiveFeed(const QString &brokers, const lab::Names &names, NotificationHub::Options options)
    : m_group(instanceGroup(names)), m_hub(options),
      m_consumer(brokers, m_group, {names.topic(lab::topics::OrderNotification)},
                 {{QStringLiteral("auto.offset.reset"), QStringLiteral("latest")},
                  {QStringLiteral("fetch.min.bytes"), QStringLiteral("65536")},
                  {QStringLiteral("fetch.wait.max.ms"), QStringLiteral("50")}})
{
    if (!m_consumer.isValid())
        lab::servicekit::die(m_consumer.creationError().toString());
    m_consumer.setMode(lab::KafkaConsumer::Mode::Broadcast);
    m_consumer.setBroadcastHistory(options.backlogSize);
    m_worker = std::make_unique<lab::EventWorker>(QStringLiteral("notifier-fanout"), &m_consumer,
                                                  [this](const lab::KafkaMessage &m, lab::EventWorker::Finish f) {
                                                      m_hub.handleRecord(m, std::move(f));
                                                  });
}

NotificationHub::Options LiveFeed::optionsFrom(const lab::Config &config)
{
    NotificationHub::Options options;
    options.dedupeWindow =
        int(qBound(qint64(1), config.intValue(QStringLiteral("dedupe-window")), qint64(100000000)));
    options.maxQueueBytes = qMax<qint64>(1024, config.intValue(QStringLiteral("ws-max-queue-bytes")));
    options.backlogSize = lab::outcomes::RecentNotifications;
    return options;
}

void LiveFeed::install(lab::HttpService &http)
{
    http.addHealthCheck({QStringLiteral("fanout"), [this](QString *detail) {
        if (m_consumer.isCaughtUp())
            return true;
        *detail = QStringLiteral("reading the recent notifications of order.notification");
        return false;
    }});
    // An upgrade from a foreign Origin never gets here: HttpService's guard answered it
    // 403. Upgrades before the fan-out caught up are refused with a 503 (the page
    // retries): the client's backlog would be short.
    http.addWebSocketRoute(QStringLiteral("/ws"), [this](const QHttpServerRequest &)
                                                      -> std::optional<QHttpServerResponse> {
        if (m_consumer.isCaughtUp())
            return std::nullopt;
        return lab::HttpService::jsonError(QHttpServerResponse::StatusCode::ServiceUnavailable,
                                           QStringLiteral("the live feed is starting; retry in a second"));
    });
    QObject::connect(&http.server(), &QAbstractHttpServer::newWebSocketConnection, &m_hub, [&http, this] {
        while (http.server().hasPendingWebSocketConnections())
            if (auto socket = http.server().nextPendingWebSocketConnection())
                m_hub.addClient(socket.release());
    });
}

void LiveFeed::start()
{
    m_worker->start();
}

void LiveFeed::stopIntake()
{
    m_worker->stopIntake();
}

void LiveFeed::stop()
{
    m_consumer.stop(2000);
    m_hub.closeAll();
}

} // namespace notifier
