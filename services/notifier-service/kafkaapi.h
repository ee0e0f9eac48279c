// kafkaapi.h: the operator's view of Kafka, served by notifier-service (which serves the
// browser page, so the page reaches it on its own origin):
//   GET /kafka/lag     consumer groups of this namespace: committed and end offset and
//                      lag per topic and partition (lab::KafkaInspector's last round)
//   GET /kafka/topics  the contract topics with their partitions and watermarks
//   GET /kafka/tail?topic=order.created&n=20   the last n (1..100) records of a topic,
//                      read-only, newest last
// The first two answer from the inspector's cache at once; a tail is read on the
// inspector's thread and answered later (503 when two are waiting already). Neither
// ever blocks the event loop.
#pragma once

#include <QObject>
#include <QString>

class QHttpServerRequest;
class QHttpServerResponder;

namespace lab {
class HttpService;
class KafkaInspector;
}

namespace notifier {

class KafkaApi : public QObject
{
    Q_OBJECT
public:
    /// Not owned; both must outlive this object.
    KafkaApi(lab::HttpService *http, lab::KafkaInspector *inspector, QObject *parent = nullptr);

    /// Registers the routes.
    void install();

    static constexpr int DefaultTailRecords = 20;

private:
    void tail(const QHttpServerRequest &request, QHttpServerResponder &&responder);

    lab::HttpService *m_http;
    lab::KafkaInspector *m_inspector;
};

} // namespace notifier
