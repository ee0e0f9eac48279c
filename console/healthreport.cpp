#include "healthreport.h"

#include <QJsonObject>

HealthReport HealthReport::fromReply(const ApiReply &reply)
{
    HealthReport r;
    r.httpStatus = reply.httpStatus;
    r.latencyMs = reply.elapsedMs;
    r.checkedAt = QDateTime::currentDateTimeUtc();
    if (!reply.answered()) {
        r.state = State::Down;
        r.error = reply.summary();
        return r;
    }
    const QJsonObject body = reply.json().object();
    const QJsonObject checks = body.value(QLatin1String("checks")).toObject();
    for (auto it = checks.begin(); it != checks.end(); ++it) {
        HealthCheckEntry c;
        c.name = it.key();
        const QJsonValue v = it.value();
        if (v.isString()) {
            c.detail = v.toString();
            c.ok = c.detail.compare(QLatin1String("ok"), Qt::CaseInsensitive) == 0
                || c.detail.compare(QLatin1String("up"), Qt::CaseInsensitive) == 0;
        } else if (v.isBool()) {
            c.ok = v.toBool();
            c.detail = c.ok ? QStringLiteral("ok") : tr("failing");
        } else if (v.isObject()) {
            const QJsonObject o = v.toObject();
            const QString status = o.value(QLatin1String("status")).toString();
            c.ok = status.compare(QLatin1String("ok"), Qt::CaseInsensitive) == 0
                || status.compare(QLatin1String("up"), Qt::CaseInsensitive) == 0;
            c.detail = o.value(QLatin1String("detail")).toString(o.value(QLatin1String("error")).toString(status));
        } else {
            c.detail = tr("unknown");
        }
        r.checks.append(c);
    }
    if (reply.httpStatus == 200) {
        r.state = State::Up;
    } else {
        r.state = State::Unhealthy;
        QString why = body.value(QLatin1String("error")).toString();
        if (why.isEmpty()) {
            QStringList failing;
            for (const HealthCheckEntry &c : r.checks)
                if (!c.ok)
                    failing.append(c.name);
            why = failing.isEmpty() ? reply.summary()
                                    : tr("unavailable: %1").arg(failing.join(QStringLiteral(", ")));
        }
        r.error = QStringLiteral("HTTP %1 %2: %3")
                      .arg(reply.httpStatus)
                      .arg(ApiReply::reasonPhrase(reply.httpStatus), why);
    }
    return r;
}

QString HealthReport::stateName(State state)
{
    switch (state) {
    case State::Up: return tr("UP");
    case State::Unhealthy: return tr("UNHEALTHY");
    case State::Down: return tr("DOWN");
    case State::Unknown: break;
    }
    return tr("CHECKING");
}

QString HealthReport::stateKey(State state)
{
    switch (state) {
    case State::Up: return QStringLiteral("up");
    case State::Unhealthy: return QStringLiteral("unhealthy");
    case State::Down: return QStringLiteral("down");
    case State::Unknown: break;
    }
    return QStringLiteral("unknown");
}

QString HealthReport::stateColor(State state)
{
    switch (state) {
    case State::Up: return QStringLiteral("#1b7f3b");
    case State::Unhealthy: return QStringLiteral("#d35400");
    case State::Down: return QStringLiteral("#c62828");
    case State::Unknown: break;
    }
    return QStringLiteral("#7a7f87");
}

QString backingNameOf(const QString &checkName)
{
    const QString n = checkName.toLower();
    if (n.contains(QLatin1String("kafka")))
        return QStringLiteral("Kafka");
    if (n.contains(QLatin1String("redis")))
        return QStringLiteral("Redis");
    if (n.contains(QLatin1String("elastic")) || n == QLatin1String("es"))
        return QStringLiteral("Elasticsearch");
    return checkName;
}

QList<BackingStatus> aggregateBacking(const QMap<QString, HealthReport> &reportsByService)
{
    QList<BackingStatus> out{{QStringLiteral("Kafka"), {}, {}, {}},
                             {QStringLiteral("Redis"), {}, {}, {}},
                             {QStringLiteral("Elasticsearch"), {}, {}, {}}};
    auto slot = [&out](const QString &name) -> BackingStatus & {
        for (BackingStatus &b : out)
            if (b.name == name)
                return b;
        out.append({name, {}, {}, {}});
        return out.last();
    };
    for (auto it = reportsByService.cbegin(); it != reportsByService.cend(); ++it) {
        const HealthReport &r = it.value();
        // A service that did not answer says nothing about its dependencies.
        if (r.state != HealthReport::State::Up && r.state != HealthReport::State::Unhealthy)
            continue;
        for (const HealthCheckEntry &c : r.checks) {
            BackingStatus &b = slot(backingNameOf(c.name));
            if (c.ok) {
                if (!b.okBy.contains(it.key()))
                    b.okBy.append(it.key());
            } else {
                b.failingBy.append(QStringLiteral("%1: %2").arg(it.key(), c.detail));
            }
        }
    }
    for (BackingStatus &b : out) {
        if (!b.failingBy.isEmpty())
            b.state = HealthReport::State::Unhealthy;
        else if (!b.okBy.isEmpty())
            b.state = HealthReport::State::Up;
        else
            b.state = HealthReport::State::Unknown;
    }
    return out;
}
