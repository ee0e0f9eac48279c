#include "journey.h"

#include "lab/contract/journey.h"

#include <QJsonArray>
#include <QLocale>

Journey Journey::fromJson(const QJsonObject &order)
{
    Journey j;
    j.traceId = order.value(QLatin1String("trace_id")).toString();
    double previous = 0;
    bool first = true;
    for (const QJsonValue &v : order.value(QLatin1String("timeline")).toArray()) {
        const QJsonObject o = v.toObject();
        Hop hop;
        hop.key = o.value(QLatin1String("hop")).toString();
        if (hop.key.isEmpty())
            continue;
        hop.atUs = qint64(o.value(QLatin1String("at_us")).toDouble());
        hop.elapsedMs = o.value(QLatin1String("elapsed_ms")).toDouble();
        hop.gapMs = first ? 0 : hop.elapsedMs - previous;
        previous = hop.elapsedMs;
        first = false;
        j.hops.append(hop);
    }
    return j;
}

const QStringList &Journey::pipeline()
{
    static const QStringList hops = [] {
        QStringList names;
        for (lab::journey::Hop hop : lab::journey::hops())
            names << lab::journey::name(hop);
        return names;
    }();
    return hops;
}

QString Journey::hopName(const QString &key)
{
    if (key == QLatin1String("received"))
        return tr("Received");
    if (key == QLatin1String("kafka_acknowledged"))
        return tr("Kafka acknowledged");
    if (key == QLatin1String("payment_decided"))
        return tr("Payment decided");
    if (key == QLatin1String("stock_decided"))
        return tr("Stock decided");
    if (key == QLatin1String("correlated"))
        return tr("Correlated");
    if (key == QLatin1String("notified"))
        return tr("Notified");
    return key;
}

QString Journey::millis(double ms)
{
    const QLocale locale;
    const double a = qAbs(ms);
    const int decimals = a >= 100 ? 0 : a >= 10 ? 1 : 2;
    return tr("%1 ms").arg(locale.toString(ms, 'f', decimals));
}

QString Journey::gap(double ms)
{
    return (ms < 0 ? QStringLiteral("−") : QStringLiteral("+")) + millis(qAbs(ms));
}
