// cors.h: Cross-Origin Resource Sharing for the public APIs. The browser UI is served
// by notifier-service (:8000) and calls the Order API (:5000) and the Search API
// (:5100) directly, i.e. from another origin: an answer to a page whose origin the
// AccessPolicy lists carries Access-Control-Allow-Origin with that origin, and a
// preflight (OPTIONS) names the methods and headers (Content-Type, Authorization) it
// may use. Every answer says Vary: Origin, as it depends on it. Other origins never get
// this far: HttpService's request guard has refused them with 403. No credentials
// (cookies) are involved.
#pragma once

#include "lab/http/accesspolicy.h"

#include <QByteArray>
#include <QHttpServerRequest>
#include <QHttpServerResponse>

namespace lab::cors {

/// The request's Origin header ("" when it has none).
inline QByteArray origin(const QHttpServerRequest &request)
{
    return request.value(QByteArrayLiteral("origin"));
}

/// Lets a page of `origin` (the request's Origin header) read this answer when the
/// access policy lists it.
inline void allow(QHttpServerResponse &response, const QByteArray &origin)
{
    response.addHeader(QByteArrayLiteral("Vary"), QByteArrayLiteral("Origin"));
    if (AccessPolicy::current().grantsCors(origin))
        response.addHeader(QByteArrayLiteral("Access-Control-Allow-Origin"), origin.trimmed());
}

/// 204 for OPTIONS on a route; methods e.g. "POST, OPTIONS".
inline QHttpServerResponse preflight(const QByteArray &methods, const QByteArray &origin)
{
    QHttpServerResponse r(QHttpServerResponse::StatusCode::NoContent);
    allow(r, origin);
    r.addHeader(QByteArrayLiteral("Access-Control-Allow-Methods"), QByteArray(methods));
    r.addHeader(QByteArrayLiteral("Access-Control-Allow-Headers"),
                QByteArrayLiteral("Content-Type, Authorization, Accept"));
    r.addHeader(QByteArrayLiteral("Access-Control-Max-Age"), QByteArrayLiteral("600"));
    r.addHeader(QByteArrayLiteral("Allow"), QByteArray(methods));
    return r;
}

} // namespace lab::cors
