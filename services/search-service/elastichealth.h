// elastichealth.h: Elasticsearch reachability for /healthz, cached: GET /_cluster/health
// every few seconds (asynchronous, never blocking the event loop); green or yellow is up.
#pragma once

#include <QObject>
#include <QString>

class QTimer;

namespace lab {
class ElasticClient;
}

class ElasticHealth : public QObject
{
    Q_OBJECT
public:
    /// elastic: not owned, must outlive this object.
    explicit ElasticHealth(lab::ElasticClient *elastic, int intervalMs = 2000, QObject *parent = nullptr);

    /// Checks now and then every intervalMs.
    void start();
    /// The last answer; false (with *detail) until the first check succeeded.
    bool isUp(QString *detail = nullptr) const;

signals:
    void changed(bool up, const QString &detail);

private:
    void check();

    lab::ElasticClient *m_elastic;
    QTimer *m_timer;
    bool m_checking = false;
    bool m_known = false;
    bool m_up = false;
    QString m_detail = QStringLiteral("not checked yet");
};
