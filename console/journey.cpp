#include "journey.h"

#include "lab/contract/journey.h"

#include <QJsonArray>
#include <QLocale>

#include <optional>

Journey Journey::fromJson(const QJsonObject &order)
{
    Journey j;
    j.traceId = order.value(QLatin1String("trace_id")).toString();
    for (const QJsonValue &v : order.value(QLatin1String("timeline")).toArray()) {
        const QJsonObject o = v.toObject();
        Hop hop;
        hop.key = o.value(QLatin1String("hop")).toString();
        if (hop.key.isEmpty())
            continue;
        hop.atUs = qint64(o.value(QLatin1String("at_us")).toDouble());
        hop.elapsedMs = o.value(QLatin1String("elapsed_ms")).toDouble();
        // The gap counts from the latest hop listed before this one that happened before
        // it: payment and stock are decided in parallel (both read order.created), so
        // "stock decided" counts from the Kafka acknowledgement when payment came later,
        // and "correlated" from whichever decision came last. Only a hop stamped before
        // every hop above it (another clock) counts back from the latest of them.
        std::optional<double> before, latest;
        for (const Hop &earlier : std::as_const(j.hops)) {
            latest = qMax(latest.value_or(earlier.elapsedMs), earlier.elapsedMs);
            if (earlier.elapsedMs <= hop.elapsedMs)
                before = qMax(before.value_or(earlier.elapsedMs), earlier.elapsedMs);
        }
        hop.gapMs = latest ? hop.elapsedMs - before.value_or(*latest) : 0;
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
