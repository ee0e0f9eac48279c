// securityheaders.cpp: see securityheaders.h.
#include "lab/http/securityheaders.h"

#include "lab/http/accesspolicy.h"

#include <QHttpServerResponse>
#include <QRegularExpression>
#include <QStringList>

namespace lab::securityheaders {

QByteArray contentSecurityPolicy(const QByteArray &connectSrc, const QByteArray &styleSrc)
{
    return "default-src 'none'; script-src 'self'; style-src " + styleSrc
        + "; img-src 'self' data:; font-src 'self'; manifest-src 'self'; connect-src " + connectSrc
        + "; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
}

QByteArray ownHostsConnectSrc(QByteArrayView hostHeader)
{
    // CSP host sources take letters, digits, dots and dashes: IPv6 literals and odd
    // listed names stay out ('self' still covers the page's own origin).
    static const QRegularExpression cspHost(QStringLiteral("^[a-z0-9.-]+$"));
    QStringList hosts{QStringLiteral("127.0.0.1"), QStringLiteral("localhost")};
    const QString own = AccessPolicy::hostName(hostHeader);
    if (cspHost.match(own).hasMatch() && !hosts.contains(own))
        hosts.prepend(own);
    QByteArray out = "'self'";
    for (const QString &h : std::as_const(hosts))
        out += " http://" + h.toLatin1() + ":* ws://" + h.toLatin1() + ":*";
    return out;
}

void add(QHttpServerResponse &response, const QByteArray &csp)
{
    response.setHeader(QByteArrayLiteral("Content-Security-Policy"), csp);
    response.setHeader(QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff"));
    response.setHeader(QByteArrayLiteral("X-Frame-Options"), QByteArrayLiteral("DENY"));
    response.setHeader(QByteArrayLiteral("Referrer-Policy"), QByteArrayLiteral("no-referrer"));
}

} // namespace lab::securityheaders
