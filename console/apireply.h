// apireply.h: what came back from one HTTP request, and how to say it plainly to an
// operator ("400 Bad Request: item must not be empty (field: item)", "no answer: connection
// refused"). Plain data, so that the wording can be tested without a network.
#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QString>

struct ApiReply
{
    Q_DECLARE_TR_FUNCTIONS(ApiReply)
public:
    int httpStatus = 0;       ///< 0 when the server never answered
    QByteArray body;
    QString networkError;     ///< transport problem (refused, timeout, ...) when httpStatus == 0
    bool timedOut = false;
    qint64 elapsedMs = 0;

    bool answered() const { return httpStatus > 0; }
    bool ok() const { return httpStatus >= 200 && httpStatus < 300; }
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }

    /// The "message" (success) or "error" of a JSON body, else a short excerpt of the body.
    QString message() const;
    /// The "field" an API error names, or empty.
    QString field() const;
    /// "200 OK: Order created", "409 Conflict: ... (field: order_id)", "no answer: ...".
    /// The console's words are translated; the API's message is quoted as it came.
    QString summary() const;

    /// The HTTP reason phrase, in the console's language.
    static QString reasonPhrase(int status);
};
