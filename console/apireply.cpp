#include "apireply.h"

#include <QJsonObject>

QString ApiReply::message() const
{
    const QJsonObject o = json().object();
    for (const char *key : {"message", "error"}) {
        const QString v = o.value(QLatin1String(key)).toString();
        if (!v.isEmpty())
            return v;
    }
    QString text = QString::fromUtf8(body.left(300)).simplified();
    if (body.size() > 300)
        text += QStringLiteral("…");
    return text;
}

QString ApiReply::field() const
{
    return json().object().value(QLatin1String("field")).toString();
}

QString ApiReply::summary() const
{
    if (!answered()) {
        if (timedOut)
            return QStringLiteral("no answer within %1 s").arg(double(elapsedMs) / 1000.0, 0, 'f', 1);
        return QStringLiteral("no answer: %1").arg(networkError.isEmpty() ? QStringLiteral("unknown error") : networkError);
    }
    QString s = QStringLiteral("%1 %2").arg(httpStatus).arg(reasonPhrase(httpStatus));
    const QString m = message();
    if (!m.isEmpty())
        s += QStringLiteral(": ") + m;
    const QString f = field();
    if (!f.isEmpty())
        s += QStringLiteral(" (field: %1)").arg(f);
    return s;
}

QString ApiReply::reasonPhrase(int status)
{
    switch (status) {
    case 200: return QStringLiteral("OK");
    case 201: return QStringLiteral("Created");
    case 202: return QStringLiteral("Accepted");
    case 204: return QStringLiteral("No Content");
    case 400: return QStringLiteral("Bad Request");
    case 401: return QStringLiteral("Unauthorized");
    case 403: return QStringLiteral("Forbidden");
    case 404: return QStringLiteral("Not Found");
    case 405: return QStringLiteral("Method Not Allowed");
    case 409: return QStringLiteral("Conflict");
    case 411: return QStringLiteral("Length Required");
    case 413: return QStringLiteral("Payload Too Large");
    case 415: return QStringLiteral("Unsupported Media Type");
    case 429: return QStringLiteral("Too Many Requests");
    case 431: return QStringLiteral("Request Header Fields Too Large");
    case 500: return QStringLiteral("Internal Server Error");
    case 502: return QStringLiteral("Bad Gateway");
    case 503: return QStringLiteral("Service Unavailable");
    case 504: return QStringLiteral("Gateway Timeout");
    default: return status >= 500 ? QStringLiteral("Server Error")
                  : status >= 400 ? QStringLiteral("Client Error")
                                  : QString();
    }
}
