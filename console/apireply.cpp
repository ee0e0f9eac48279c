#include "apireply.h"

#include <QJsonObject>
#include <QLocale>

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
            return tr("no answer within %1 s").arg(QLocale().toString(double(elapsedMs) / 1000.0, 'f', 1));
        return tr("no answer: %1").arg(networkError.isEmpty() ? tr("unknown error") : networkError);
    }
    QString s = QStringLiteral("%1 %2").arg(httpStatus).arg(reasonPhrase(httpStatus));
    const QString m = message();
    if (!m.isEmpty())
        s += QStringLiteral(": ") + m;
    const QString f = field();
    if (!f.isEmpty())
        s += QLatin1Char(' ') + tr("(field: %1)").arg(f);
    return s;
}

QString ApiReply::reasonPhrase(int status)
{
    switch (status) {
    case 200: return tr("OK");
    case 201: return tr("Created");
    case 202: return tr("Accepted");
    case 204: return tr("No Content");
    case 400: return tr("Bad Request");
    case 401: return tr("Unauthorized");
    case 403: return tr("Forbidden");
    case 404: return tr("Not Found");
    case 405: return tr("Method Not Allowed");
    case 409: return tr("Conflict");
    case 411: return tr("Length Required");
    case 413: return tr("Payload Too Large");
    case 415: return tr("Unsupported Media Type");
    case 429: return tr("Too Many Requests");
    case 431: return tr("Request Header Fields Too Large");
    case 500: return tr("Internal Server Error");
    case 502: return tr("Bad Gateway");
    case 503: return tr("Service Unavailable");
    case 504: return tr("Gateway Timeout");
    default: return status >= 500 ? tr("Server Error")
                  : status >= 400 ? tr("Client Error")
                                  : QString();
    }
}
