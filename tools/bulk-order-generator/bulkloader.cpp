// bulkloader.cpp: order documents into Elasticsearch with _bulk (see bulkloader.h).
#include "bulkloader.h"

#include "stats.h"

#include "lab/contract/events.h"
#include "lab/elastic/elasticclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QPointer>
#include <QRandomGenerator>

BulkLoader::BulkLoader(lab::ElasticClient *elastic, const Options &options, QObject *parent)
    : QObject(parent)
    , m_elastic(elastic)
    , m_opt(options)
{
    if (m_opt.items.isEmpty())
        m_opt.items << QStringLiteral("mouse");
}

void BulkLoader::start()
{
    m_startNs = monotonicNs();
    for (int i = 0; i < m_opt.parallel; ++i)
        sendNext();
    if (m_running == 0)
        emit finished();
}

void BulkLoader::sendNext()
{
    if (m_next >= m_opt.count)
        return;
    const qint64 n = std::min<qint64>(m_opt.bulkSize, m_opt.count - m_next);
    QRandomGenerator *rng = QRandomGenerator::global();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 spreadMs = qint64(m_opt.spreadHours) * 3600 * 1000;
    QList<lab::ElasticBulkItem> items;
    items.reserve(n);
    for (qint64 i = 0; i < n; ++i) {
        const qint64 id = m_opt.idBase + m_next + i;
        const QDateTime created = spreadMs > 0 ? now.addMSecs(-qint64(rng->bounded(quint64(spreadMs)))) : now;
        const bool confirmed = rng->bounded(20) != 0; // one in 20 failed, for Kibana's pie
        QJsonObject doc{{QStringLiteral("order_id"), double(id)},
                        {QStringLiteral("item"), m_opt.items.at(int(rng->bounded(qint64(m_opt.items.size()))))},
                        {QStringLiteral("quantity"), double(1 + rng->bounded(std::max<qint64>(1, m_opt.maxQuantity)))},
                        {QStringLiteral("status"), confirmed ? QStringLiteral("confirmed") : QStringLiteral("failed")},
                        {QStringLiteral("timestamp"), lab::isoTimestamp(created)},
                        {QStringLiteral("updated_at"), lab::isoTimestamp(created.addMSecs(40))}};
        if (!confirmed)
            doc.insert(QStringLiteral("reason"), QStringLiteral("generated test data: payment declined"));
        items.append({m_opt.index, QString::number(id), doc});
    }
    m_next += n;
    ++m_running;
    ++m_requests;
    QPointer<BulkLoader> self(this);
    m_elastic->bulk(items, [self, n](const lab::ElasticResult &r) {
        if (!self)
            return;
        --self->m_running;
        if (r.ok) {
            self->m_indexed += n;
        } else {
            // count the items ES refused; a failed request refuses them all
            qint64 bad = n;
            const QJsonArray answers = r.body.value(QLatin1String("items")).toArray();
            if (!answers.isEmpty()) {
                bad = 0;
                for (const QJsonValue &v : answers)
                    if (v.toObject().value(QLatin1String("index")).toObject().contains(QLatin1String("error")))
                        ++bad;
            }
            self->m_failed += bad;
            self->m_indexed += n - bad;
            self->m_lastError = r.error;
        }
        self->m_seconds = double(monotonicNs() - self->m_startNs) / 1e9;
        self->sendNext();
        if (self->m_running == 0)
            emit self->finished();
    });
}
