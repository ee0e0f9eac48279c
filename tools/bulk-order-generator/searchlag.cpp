// searchlag.cpp: time until an accepted order is searchable (see searchlag.h).
#include "searchlag.h"

#include "lab/elastic/elasticclient.h"

#include <QJsonArray>
#include <QPointer>

SearchLag::SearchLag(lab::ElasticClient *elastic, const QString &index, int everyMs, int pollMs, QObject *parent)
    : QObject(parent)
    , m_elastic(elastic)
    , m_index(index)
    , m_everyNs(qint64(everyMs) * 1000000)
{
    m_timer.setInterval(pollMs);
    connect(&m_timer, &QTimer::timeout, this, &SearchLag::poll);
    m_timer.start();
}

void SearchLag::orderAnswered(qint64 orderId, int status, qint64 atNs)
{
    if (status < 200 || status >= 300 || atNs - m_lastSampleNs < m_everyNs)
        return;
    m_lastSampleNs = atNs;
    m_waiting.insert(orderId, atNs);
    ++m_sampled;
}

void SearchLag::poll()
{
    if (m_polling || m_waiting.isEmpty())
        return;
    QJsonArray ids;
    for (auto it = m_waiting.cbegin(); it != m_waiting.cend(); ++it)
        ids.append(QString::number(it.key()));
    const QJsonObject query{{QStringLiteral("query"), QJsonObject{{QStringLiteral("ids"),
                                                                   QJsonObject{{QStringLiteral("values"), ids}}}}},
                            {QStringLiteral("size"), ids.size()},
                            {QStringLiteral("_source"), false}};
    m_polling = true;
    QPointer<SearchLag> self(this);
    m_elastic->search(m_index, query, [self](const lab::ElasticResult &r) {
        if (!self)
            return;
        self->m_polling = false;
        if (!r.ok) {
            ++self->m_errors; // e.g. the index does not exist yet
            return;
        }
        const qint64 now = monotonicNs();
        const QJsonArray hits = r.body.value(QLatin1String("hits")).toObject().value(QLatin1String("hits")).toArray();
        for (const QJsonValue &h : hits) {
            const qint64 id = h.toObject().value(QLatin1String("_id")).toString().toLongLong();
            const auto it = self->m_waiting.find(id);
            if (it == self->m_waiting.end())
                continue;
            self->m_lag.add(now - it.value());
            self->m_waiting.erase(it);
        }
    });
}
