// healthreport.h: one service's GET /healthz answer made readable: up (200), unhealthy
// (it answered, but 503 names a failing dependency) or down (no answer), with the
// dependency checks it reports; and the backing services (Kafka, Redis, Elasticsearch)
// as the services that answered see them.
#pragma once

#include "apireply.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>

struct HealthCheckEntry
{
    QString name;    ///< as the service names it: "kafka", "redis", "elasticsearch", ...
    bool ok = false;
    QString detail;  ///< "ok" or the reason
};

struct HealthReport
{
    Q_DECLARE_TR_FUNCTIONS(HealthReport)
public:
    enum class State { Unknown, Up, Unhealthy, Down };

    State state = State::Unknown;
    int httpStatus = 0;
    QString error;                   ///< why it is not up, in words
    QList<HealthCheckEntry> checks;
    qint64 latencyMs = 0;
    QDateTime checkedAt;

    static HealthReport fromReply(const ApiReply &reply);
    static QString stateName(State state);   ///< "UP", "UNHEALTHY", "DOWN", "CHECKING", translated
    static QString stateKey(State state);    ///< "up", "unhealthy", "down", "unknown": never translated
    static QString stateColor(State state);
};

/// A backing service as seen through the checks of the services that answered.
struct BackingStatus
{
    QString name;                    ///< "Kafka", "Redis", "Elasticsearch", or a check's own name
    HealthReport::State state = HealthReport::State::Unknown;
    QStringList okBy;                ///< services whose check passed
    QStringList failingBy;           ///< "search-service: timeout" ...
};

/// Groups the checks of every answering service by backing service (Kafka, Redis and
/// Elasticsearch always listed, first). Up when every reporter says ok, Unhealthy when
/// any says otherwise, Unknown when no service reports on it.
QList<BackingStatus> aggregateBacking(const QMap<QString, HealthReport> &reportsByService);
/// "kafka-producer" -> "Kafka", "elasticsearch" -> "Elasticsearch", other -> as is.
QString backingNameOf(const QString &checkName);
