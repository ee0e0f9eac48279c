// journey.h: one order's journey as GET /orders/{id} returns it: the W3C trace id and
// one stamp per hop in pipeline order (received, kafka_acknowledged, payment_decided,
// stock_decided, correlated, notified), each with its time since "received" and the gap
// from the latest hop before it, which is where an operator sees the order's time go. Plain data,
// so that parsing and the hop names can be tested without a network.
#pragma once

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

struct Journey
{
    Q_DECLARE_TR_FUNCTIONS(Journey)
public:
    struct Hop
    {
        QString key;          ///< "received", "kafka_acknowledged", ...
        qint64 atUs = 0;      ///< microseconds since the epoch, on the stamping service's clock
        double elapsedMs = 0; ///< since "received"
        double gapMs = 0;     ///< since the latest earlier hop that happened before it (0 for the first)
    };

    QString traceId;
    QList<Hop> hops;          ///< in the order the API listed them (pipeline order)

    /// From an order's JSON ({"trace_id", "timeline": [{"hop", "at_us", "elapsed_ms"}]}); an
    /// order without a timeline gives an empty journey. Gaps are computed here.
    static Journey fromJson(const QJsonObject &order);

    /// The six hops of the pipeline, in order.
    static const QStringList &pipeline();
    /// A hop's readable name in the console's language ("Kafka acknowledged"); an unknown
    /// key is shown as it came.
    static QString hopName(const QString &key);
    /// "12.3 ms", "0.85 ms", "1,204 ms": milliseconds with the precision that matters.
    static QString millis(double ms);
    /// A gap with its sign: "+12.3 ms", "−15.4 ms" (negative only for a hop stamped
    /// before every hop above it, which one machine's clock does not give).
    static QString gap(double ms);
};
