// cors.h: Cross-Origin Resource Sharing for the public APIs. The browser UI is served
// by notifier-service (:8000) and calls the Order API (:5000) and the Search API
// (:5100) directly, i.e. from another origin: their answers carry
// Access-Control-Allow-Origin, and a preflight (OPTIONS) is answered with the methods
// and headers (Content-Type, Authorization) a page may use. No credentials (cookies)
// are involved, so "*" is enough.
#pragma once

#include <QByteArray>
#include <QHttpServerResponse>

namespace lab::cors {

/// Adds the headers every answer of a cross-origin API carries.
inline void allow(QHttpServerResponse &response)
{
    response.addHeader(QByteArrayLiteral("Access-Control-Allow-Origin"), QByteArrayLiteral("*"));
}

/// 204 for OPTIONS on a route; methods e.g. "POST, OPTIONS".
inline QHttpServerResponse preflight(const QByteArray &methods)
{
    QHttpServerResponse r(QHttpServerResponse::StatusCode::NoContent);
    allow(r);
    r.addHeader(QByteArrayLiteral("Access-Control-Allow-Methods"), QByteArray(methods));
    r.addHeader(QByteArrayLiteral("Access-Control-Allow-Headers"),
                QByteArrayLiteral("Content-Type, Authorization, Accept"));
    r.addHeader(QByteArrayLiteral("Access-Control-Max-Age"), QByteArrayLiteral("600"));
    r.addHeader(QByteArrayLiteral("Allow"), QByteArray(methods));
    return r;
}

} // namespace lab::cors
