// accesspolicy.h: who may use a service from a web browser; the one parser of
// LAB_ALLOWED_ORIGINS and LAB_ALLOWED_HOSTS (docs/SECURITY.md has the threat model).
//  - Origins: the pages whose scripts may call a service. HttpService's request guard
//    refuses a request carrying any other Origin header with 403 before routing: a
//    CORS preflight, a WebSocket upgrade (before the handshake), and a "simple" POST
//    that no preflight would have stopped. Requests without Origin (curl, the console,
//    tools) are not cross-site and pass, and so do same-origin ones (Origin equal to
//    http://<Host>, e.g. Swagger UI calling its own API). lab::cors lets the listed
//    origins read the answers. Default: the browser UI, i.e. notifier-service's
//    http://127.0.0.1:PORT, http://localhost:PORT and http://<bind address>:PORT.
//  - Hosts: the names a request's Host header may carry. A DNS-rebinding page reaches
//    a service under a domain name of the attacker's, so only "localhost", IP literals
//    (no page can rebind those) and the listed names are served; others get 403.
// "*" (alone) switches either check off; servicekit logs a warning when it is set.
#pragma once

#include <QByteArrayView>
#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <optional>

namespace lab {

class AccessPolicy
{
public:
    /// The default policy: the browser UI on 127.0.0.1:8000 and localhost:8000.
    AccessPolicy();

    /// Parses the two settings. origins: comma-separated scheme://host[:port], or "*"
    /// alone; empty: defaultOrigins(bindAddress, pagePort). hosts: comma-separated host
    /// names or IP addresses without port, or "*" alone; empty: only the built-in ones.
    /// nullopt with *error naming the setting and the bad entry when one is invalid.
    static std::optional<AccessPolicy> fromSettings(const QString &origins, const QString &hosts,
                                                    const QHostAddress &bindAddress, quint16 pagePort,
                                                    QString *error);
    /// The browser UI's origins on port pagePort: 127.0.0.1, localhost and the bind
    /// address (unless it is a wildcard such as 0.0.0.0, which no page has as origin).
    static QStringList defaultOrigins(const QHostAddress &bindAddress, quint16 pagePort);
    /// The name part of a Host header value: "Name.:8000" -> "name", "[::1]:80" -> "::1";
    /// empty when the value is malformed.
    static QString hostName(QByteArrayView hostHeader);
    /// The form browsers send: "HTTP://Example.COM:80/" -> "http://example.com".
    /// Empty for anything that is not an http(s) origin ("null", paths, user info).
    static QString normalizeOrigin(const QString &origin);

    bool allowsAnyOrigin() const { return m_anyOrigin; }
    bool allowsAnyHost() const { return m_anyHost; }
    /// Normalised listed origins (empty when any origin is allowed).
    QStringList origins() const { return m_origins; }
    /// Listed host names beyond the built-in ones, lower case.
    QStringList hosts() const { return m_hosts; }

    /// Whether a request with this Host header value ("name[:port]", "[v6]:port") may
    /// be served. A missing Host (HTTP/1.0 tools) passes: browsers always send one.
    bool isHostAllowed(QByteArrayView hostHeader) const;
    /// Whether a request with this Origin header value (empty: none) and this Host may
    /// be served: no Origin, same origin as the Host, or a listed origin.
    bool isOriginAllowed(QByteArrayView origin, QByteArrayView hostHeader) const;
    /// Whether a page of this origin may read answers (Access-Control-Allow-Origin).
    bool grantsCors(QByteArrayView origin) const;

    /// The policy of this process, applied by HttpService and lab::cors. Set it once at
    /// start (servicekit::installAccessPolicy), before serving; the default is AccessPolicy().
    static const AccessPolicy &current();
    static void setCurrent(const AccessPolicy &policy);

private:
    bool m_anyOrigin = false;
    bool m_anyHost = false;
    QStringList m_origins;
    QStringList m_hosts;
};

} // namespace lab
