// log.cpp: the JSON line logger (see log.h).
#include "lab/runtime/log.h"

#include "lab/contract/events.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QMutex>
#include <QMutexLocker>
#include <QThread>
#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>

Q_LOGGING_CATEGORY(lcKafka, "lab.kafka")
Q_LOGGING_CATEGORY(lcRedis, "lab.redis")
Q_LOGGING_CATEGORY(lcElastic, "lab.elastic")
Q_LOGGING_CATEGORY(lcHttp, "lab.http")

namespace lab::log {

namespace {

QMutex &outputMutex()
{
    static QMutex mutex;
    return mutex;
}

QString &serviceName()
{
    static QString name;
    return name;
}

const char *severityOf(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return "DEBUG";
    case QtInfoMsg: return "INFO";
    case QtWarningMsg: return "WARNING";
    case QtCriticalMsg: return "ERROR";
    case QtFatalMsg: return "FATAL";
    }
    return "INFO";
}

// Lines logged by the main thread within one turn of its event loop (e.g. one per
// order of a batch of Kafka records) are written with one write() when the turn ends,
// instead of one each: under load that was a third of a service's write calls.
// Warnings and errors, lines of other threads and a full buffer flush at once (in
// order); the buffer is flushed at exit too, so only a crash can lose the lines of
// the turn it interrupted.
constexpr qsizetype PendingLimit = 64 * 1024;
QByteArray pending;          ///< guarded by outputMutex()
bool flushScheduled = false; ///< guarded by outputMutex()

void flushLocked()
{
    if (!pending.isEmpty()) {
        std::fwrite(pending.constData(), 1, size_t(pending.size()), stdout);
        pending.clear();
    }
    std::fflush(stdout);
}

void flushPending()
{
    QMutexLocker locker(&outputMutex());
    flushScheduled = false;
    flushLocked();
}

void writeLine(const QByteArray &line, bool urgent)
{
    QCoreApplication *app = QCoreApplication::instance();
    bool schedule = false;
    {
        QMutexLocker locker(&outputMutex());
        pending.append(line);
        pending.append('\n');
        const bool deferrable = !urgent && app && QThread::currentThread() == app->thread()
                                && pending.size() < PendingLimit;
        if (!deferrable) {
            flushLocked();
            return;
        }
        schedule = !flushScheduled;
        flushScheduled = true;
    }
    // Posted outside the lock: nothing Qt does while posting can log into a held mutex.
    if (schedule)
        QMetaObject::invokeMethod(app, &flushPending, Qt::QueuedConnection);
}

void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QString category = context.category ? QString::fromUtf8(context.category)
                                              : QStringLiteral("default");
    QString service;
    {
        QMutexLocker locker(&outputMutex());
        service = serviceName();
    }
    writeLine(formatLine(service, severityOf(type), category, message), type != QtDebugMsg && type != QtInfoMsg);
    if (type == QtFatalMsg)
        std::abort();
}

/// Logging rules for a level name; unknown names behave like "info".
QString filterRulesFor(const QString &level)
{
    const QString l = level.trimmed().toLower();
    // Debug for our own categories (lab.*) and plain qDebug(), not for Qt's internals
    // (qt.network.*, ...), which would drown the service's lines.
    if (l == QLatin1String("debug"))
        return QStringLiteral("*.debug=false\nlab.*.debug=true\ndefault.debug=true");
    if (l == QLatin1String("warning") || l == QLatin1String("warn"))
        return QStringLiteral("*.debug=false\n*.info=false");
    if (l == QLatin1String("error") || l == QLatin1String("critical"))
        return QStringLiteral("*.debug=false\n*.info=false\n*.warning=false");
    return QStringLiteral("*.debug=false");
}

} // namespace

QByteArray formatLine(const QString &service, const char *severity, const QString &category,
                      const QString &message, const QJsonObject &fields)
{
    QJsonObject object = fields;
    object.insert(QStringLiteral("timestamp"), isoTimestamp(QDateTime::currentDateTimeUtc()));
    object.insert(QStringLiteral("severity"), QString::fromLatin1(severity ? severity : "INFO"));
    object.insert(QStringLiteral("service"), service);
    object.insert(QStringLiteral("category"), category);
    object.insert(QStringLiteral("message"), message);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

void install(const QString &service, const QString &level)
{
    {
        QMutexLocker locker(&outputMutex());
        serviceName() = service;
    }
    QLoggingCategory::setFilterRules(filterRulesFor(level));
    qInstallMessageHandler(handler);
    static const bool flushAtExit = std::atexit(flushPending) == 0;
    Q_UNUSED(flushAtExit);
}

void logJson(const char *severity, const QString &category, const QString &message,
             const QJsonObject &fields)
{
    QString service;
    {
        QMutexLocker locker(&outputMutex());
        service = serviceName();
    }
    const bool urgent = qstrcmp(severity, "DEBUG") != 0 && qstrcmp(severity, "INFO") != 0;
    writeLine(formatLine(service, severity, category, message, fields), urgent);
}

} // namespace lab::log
