// servicemetrics.h: the metric families every service reports, named once so that the
// services and dashboards agree: lab_http_requests_total{route,code},
// lab_events_produced_total{topic}, lab_events_consumed_total{topic},
// lab_errors_total{kind}, lab_voided_events_total and the lab_handler_seconds{handler}
// histogram.
#pragma once

#include "lab/runtime/metrics.h"

#include <QString>

namespace lab::metrics {

/// A label value in Prometheus' quoting (backslash, quote and newline escaped).
inline QString labelValue(const QString &v)
{
    QString out = v;
    out.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    out.replace(QLatin1Char('"'), QLatin1String("\\\""));
    out.replace(QLatin1Char('\n'), QLatin1String("\\n"));
    return out;
}

/// route: the route pattern (e.g. "/orders/{id}"), never the raw path.
inline void httpRequest(const QString &route, int code)
{
    Metrics::instance().increment(QStringLiteral("lab_http_requests_total"),
                                  QStringLiteral("HTTP requests answered, by route and status code."),
                                  QStringLiteral("route=\"%1\",code=\"%2\"").arg(labelValue(route)).arg(code));
}

/// count 0 declares the series (it is exported from the start, at 0).
inline void eventProduced(const QString &topic, double count = 1)
{
    Metrics::instance().increment(QStringLiteral("lab_events_produced_total"),
                                  QStringLiteral("Events Kafka acknowledged, by topic."),
                                  QStringLiteral("topic=\"%1\"").arg(labelValue(topic)), count);
}

inline void eventConsumed(const QString &topic, double count = 1)
{
    Metrics::instance().increment(QStringLiteral("lab_events_consumed_total"),
                                  QStringLiteral("Events consumed and handled, by topic."),
                                  QStringLiteral("topic=\"%1\"").arg(labelValue(topic)), count);
}

/// kind: a short machine-readable cause, e.g. "kafka_delivery", "redis", "elasticsearch".
inline void error(const QString &kind)
{
    Metrics::instance().increment(QStringLiteral("lab_errors_total"),
                                  QStringLiteral("Errors, by kind (a retried record counts once per attempt)."),
                                  QStringLiteral("kind=\"%1\"").arg(labelValue(kind)));
}

/// An order.created record dropped because order-service voided its attempt (a Kafka
/// timeout answered 503 although the broker had stored it; orderstore.h).
inline void voidedEvent()
{
    Metrics::instance().increment(QStringLiteral("lab_voided_events_total"),
                                  QStringLiteral("order.created records dropped: their order was answered 503 "
                                                 "(attempt voided after a Kafka timeout)."),
                                  QString());
}

/// handler: e.g. "create_order", "search", "index_batch", or a topic for a consumed
/// record (EventWorker: from receipt to acknowledgement, retries included).
inline void handlerSeconds(const QString &handler, double seconds)
{
    Metrics::instance().observe(QStringLiteral("lab_handler_seconds"),
                                QStringLiteral("Time to handle one request, batch or consumed record, in seconds."),
                                seconds, QStringLiteral("handler=\"%1\"").arg(labelValue(handler)));
}

} // namespace lab::metrics
