// searchlag.h: --search-lag. Samples one accepted order every `everyMs` and polls
// Elasticsearch's _search (an ids query: found only after a refresh, i.e. when the
// order is searchable) until each sample shows up; the lag is measured from the 2xx
// answer of its POST. Poll resolution: `pollMs`.
#pragma once

#include "stats.h"

#include <QHash>
#include <QObject>
#include <QTimer>

namespace lab {
class ElasticClient;
}

class SearchLag : public QObject
{
    Q_OBJECT
public:
    SearchLag(lab::ElasticClient *elastic, const QString &index, int everyMs, int pollMs = 50,
              QObject *parent = nullptr);

    void orderAnswered(qint64 orderId, int status, qint64 atNs);
    qsizetype waiting() const { return m_waiting.size(); }
    qint64 sampled() const { return m_sampled; }
    qint64 errors() const { return m_errors; }
    LatencyStats &lag() { return m_lag; }

private:
    void poll();

    lab::ElasticClient *m_elastic;
    QString m_index;
    qint64 m_everyNs;
    qint64 m_lastSampleNs = 0;
    qint64 m_sampled = 0;
    qint64 m_errors = 0;
    bool m_polling = false;
    QHash<qint64, qint64> m_waiting; ///< order id -> answered at
    QTimer m_timer;
    LatencyStats m_lag;
};
