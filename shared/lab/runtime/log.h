// log.h: structured JSON log lines on stdout, one per message:
//   {"timestamp":"…Z","severity":"INFO","service":"order-service","category":"lab.kafka","message":"…"}
// install() routes qDebug/qInfo/qWarning/qCritical (with their logging categories)
// through it; logJson() adds structured fields. Debug and info lines of the main
// thread are written together when its event loop turn ends (one write() for a batch);
// warnings, errors and other threads' lines at once; everything is flushed at exit.
#pragma once

#include <QJsonObject>
#include <QLoggingCategory>
#include <QString>

namespace lab::log {

/// Installs the JSON message handler. level: debug|info|warning|error.
void install(const QString &service, const QString &level = QStringLiteral("info"));
/// One JSON line with extra fields merged in (severity: DEBUG, INFO, WARNING, ERROR).
void logJson(const char *severity, const QString &category, const QString &message,
             const QJsonObject &fields = {});
/// Formats one line exactly as install()'s handler does (for tests).
QByteArray formatLine(const QString &service, const char *severity, const QString &category,
                      const QString &message, const QJsonObject &fields = {});

} // namespace lab::log

Q_DECLARE_LOGGING_CATEGORY(lcKafka)
Q_DECLARE_LOGGING_CATEGORY(lcRedis)
Q_DECLARE_LOGGING_CATEGORY(lcElastic)
Q_DECLARE_LOGGING_CATEGORY(lcHttp)
