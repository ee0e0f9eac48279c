// securityheaders.h: the headers the HTML pages we serve (the browser UI, Swagger UI at
// /docs) and their files carry, so that the browser itself limits what a page can do,
// even if an order's item name ever smuggled markup into it:
//  - Content-Security-Policy: scripts, styles, images and fonts only from the page's own
//    origin (no inline script, no eval), connections only to our own hosts, no plugins,
//    no <base>, and frame-ancestors 'none' (no other site may frame the page to trick
//    the operator into clicks); X-Frame-Options: DENY says the same to older browsers;
//  - X-Content-Type-Options: nosniff (a file is only what its Content-Type says);
//  - Referrer-Policy: no-referrer (page URLs, which may carry API addresses, stay here).
#pragma once

#include <QByteArray>
#include <QByteArrayView>

class QHttpServerResponse;

namespace lab::securityheaders {

/// The policy of a page: everything from 'self', images also from data: URLs, fetch and
/// WebSocket connections to connectSrc, styles from styleSrc.
QByteArray contentSecurityPolicy(const QByteArray &connectSrc, const QByteArray &styleSrc = "'self'");

/// connect-src of the browser UI served under this Host header value: 'self' plus, on
/// any port, http:// and ws:// to that host name and to 127.0.0.1 and localhost, where
/// the lab's APIs and live feed listen (the page's settings may point at other ports).
QByteArray ownHostsConnectSrc(QByteArrayView hostHeader);

/// Adds the Content-Security-Policy csp and the other headers above.
void add(QHttpServerResponse &response, const QByteArray &csp);

} // namespace lab::securityheaders
