// elastichealth.cpp: periodic cluster health checks (see elastichealth.h).
#include "elastichealth.h"

#include "lab/elastic/elasticclient.h"
#include "lab/runtime/log.h"

#include <QPointer>
#include <QTimer>

ElasticHealth::ElasticHealth(lab::ElasticClient *elastic, int intervalMs, QObject *parent)
    : QObject(parent), m_elastic(elastic), m_timer(new QTimer(this))
{
    m_timer->setInterval(intervalMs);
    connect(m_timer, &QTimer::timeout, this, &ElasticHealth::check);
}

void ElasticHealth::start()
{
    check();
    m_timer->start();
}

bool ElasticHealth::isUp(QString *detail) const
{
    if (detail && !m_up)
        *detail = m_detail;
    return m_up;
}

void ElasticHealth::check()
{
    if (m_checking)
        return;
    m_checking = true;
    QPointer<ElasticHealth> self(this);
    m_elastic->health([self](const lab::ElasticResult &r) {
        if (!self)
            return;
        self->m_checking = false;
        const bool flipped = !self->m_known || r.ok != self->m_up;
        self->m_known = true;
        self->m_up = r.ok;
        self->m_detail = r.ok ? QString() : r.error;
        if (!flipped)
            return;
        if (r.ok)
            qCInfo(lcElastic, "Elasticsearch is reachable");
        else
            qCWarning(lcElastic, "Elasticsearch is unavailable: %s", qPrintable(r.error));
        emit self->changed(r.ok, self->m_detail);
    });
}
