// accesspolicy.cpp: the origin and host allow-lists (see accesspolicy.h).
#include "lab/http/accesspolicy.h"

#include <QRegularExpression>
#include <QUrl>

namespace lab {

namespace {

const QString kAny = QStringLiteral("*");

/// The comma-separated entries of a setting, trimmed, empty ones dropped.
QStringList entries(const QString &list)
{
    QStringList out;
    const QStringList parts = list.split(QLatin1Char(','));
    for (const QString &p : parts) {
        const QString t = p.trimmed();
        if (!t.isEmpty())
            out.append(t);
    }
    return out;
}

bool isDigits(QStringView s)
{
    if (s.isEmpty())
        return false;
    for (const QChar c : s)
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return false;
    return true;
}

QString parseHostName(const QString &value)
{
    const QString h = value.trimmed().toLower();
    if (h.startsWith(QLatin1Char('['))) {
        const qsizetype end = h.indexOf(QLatin1Char(']'));
        if (end < 0)
            return {};
        const QStringView rest = QStringView(h).mid(end + 1);
        if (!rest.isEmpty() && !(rest.startsWith(QLatin1Char(':')) && isDigits(rest.mid(1))))
            return {};
        return h.mid(1, end - 1);
    }
    QString name = h;
    const qsizetype colon = h.indexOf(QLatin1Char(':'));
    if (colon >= 0) {
        if (!isDigits(QStringView(h).mid(colon + 1)))
            return {};
        name = h.left(colon);
    }
    if (name.endsWith(QLatin1Char('.'))) // the fully qualified spelling of the same name
        name.chop(1);
    return name;
}

/// A numeric address. A DNS-rebinding page needs a name whose address the attacker's DNS
/// server can change; a browser sends an IP literal as Host only to that very address.
bool isIpLiteral(const QString &name)
{
    static const QRegularExpression dottedQuad(QStringLiteral("^\\d{1,3}(\\.\\d{1,3}){3}$"));
    if (name.contains(QLatin1Char(':'))) // only a bracketed IPv6 address gets here with one
        return QHostAddress(name).protocol() == QAbstractSocket::IPv6Protocol;
    return dottedQuad.match(name).hasMatch() && QHostAddress(name).protocol() == QAbstractSocket::IPv4Protocol;
}

bool isHostNameSyntax(const QString &name)
{
    static const QRegularExpression label(QStringLiteral("^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$"));
    return label.match(name).hasMatch();
}

bool isWildcard(const QHostAddress &address)
{
    return address == QHostAddress(QHostAddress::AnyIPv4) || address == QHostAddress(QHostAddress::AnyIPv6)
        || address == QHostAddress(QHostAddress::Any);
}

AccessPolicy &currentPolicy()
{
    static AccessPolicy policy;
    return policy;
}

} // namespace

AccessPolicy::AccessPolicy()
    : m_origins(defaultOrigins(QHostAddress(QHostAddress::LocalHost), 8000))
{
}

QString AccessPolicy::hostName(QByteArrayView hostHeader)
{
    return parseHostName(QString::fromLatin1(hostHeader));
}

QString AccessPolicy::normalizeOrigin(const QString &origin)
{
    const QString text = origin.trimmed();
    if (text.isEmpty())
        return {};
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
        return {};
    const QString path = url.path();
    if (url.host().isEmpty() || !url.userInfo().isEmpty() || url.hasQuery() || url.hasFragment()
        || (!path.isEmpty() && path != QLatin1String("/")))
        return {};
    QString host = url.host(QUrl::FullyEncoded).toLower();
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    QString out = scheme + QStringLiteral("://") + host;
    const int port = url.port();
    if (port >= 0 && port != (scheme == QLatin1String("https") ? 443 : 80))
        out += QLatin1Char(':') + QString::number(port);
    return out;
}

QStringList AccessPolicy::defaultOrigins(const QHostAddress &bindAddress, quint16 pagePort)
{
    QStringList hosts{QStringLiteral("127.0.0.1"), QStringLiteral("localhost")};
    if (!bindAddress.isNull() && !isWildcard(bindAddress)) {
        const QString bind = bindAddress.protocol() == QAbstractSocket::IPv6Protocol
            ? QLatin1Char('[') + bindAddress.toString() + QLatin1Char(']')
            : bindAddress.toString();
        hosts.append(bind);
    }
    QStringList out;
    for (const QString &h : std::as_const(hosts)) {
        const QString o = normalizeOrigin(QStringLiteral("http://%1:%2").arg(h).arg(pagePort));
        if (!o.isEmpty() && !out.contains(o))
            out.append(o);
    }
    return out;
}

std::optional<AccessPolicy> AccessPolicy::fromSettings(const QString &origins, const QString &hosts,
                                                       const QHostAddress &bindAddress, quint16 pagePort,
                                                       QString *error)
{
    QString ignored;
    QString &err = error ? *error : ignored;
    AccessPolicy p;
    p.m_origins.clear();

    const QStringList originList = entries(origins);
    if (originList == QStringList{kAny}) {
        p.m_anyOrigin = true;
    } else if (originList.isEmpty()) {
        p.m_origins = defaultOrigins(bindAddress, pagePort);
    } else {
        for (const QString &e : originList) {
            if (e == kAny) {
                err = QStringLiteral("LAB_ALLOWED_ORIGINS: \"*\" allows every origin and must stand alone");
                return std::nullopt;
            }
            const QString o = normalizeOrigin(e);
            if (o.isEmpty()) {
                err = QStringLiteral("LAB_ALLOWED_ORIGINS: \"%1\" is not an origin; expected scheme://host[:port], "
                                     "e.g. http://localhost:8000").arg(e);
                return std::nullopt;
            }
            if (!p.m_origins.contains(o))
                p.m_origins.append(o);
        }
    }

    const QStringList hostList = entries(hosts);
    if (hostList == QStringList{kAny}) {
        p.m_anyHost = true;
    } else {
        for (const QString &e : hostList) {
            if (e == kAny) {
                err = QStringLiteral("LAB_ALLOWED_HOSTS: \"*\" allows every host and must stand alone");
                return std::nullopt;
            }
            const QString name = parseHostName(e);
            // Only a name or an address: "host:port" and URLs are mistakes worth naming.
            const bool bracketed = e.startsWith(QLatin1Char('['));
            const bool plain = bracketed ? e.endsWith(QLatin1Char(']')) : !e.contains(QLatin1Char(':'));
            if (name.isEmpty() || !plain || !(isIpLiteral(name) || isHostNameSyntax(name))) {
                err = QStringLiteral("LAB_ALLOWED_HOSTS: \"%1\" is not a host name; expected a name such as "
                                     "lab.example.com (no scheme, no port)").arg(e);
                return std::nullopt;
            }
            if (!p.m_hosts.contains(name))
                p.m_hosts.append(name);
        }
    }
    return p;
}

bool AccessPolicy::isHostAllowed(QByteArrayView hostHeader) const
{
    if (m_anyHost || hostHeader.trimmed().isEmpty())
        return true;
    const QString name = parseHostName(QString::fromLatin1(hostHeader));
    if (name.isEmpty())
        return false;
    return name == QLatin1String("localhost") || isIpLiteral(name) || m_hosts.contains(name);
}

bool AccessPolicy::isOriginAllowed(QByteArrayView origin, QByteArrayView hostHeader) const
{
    if (origin.trimmed().isEmpty() || m_anyOrigin)
        return true;
    const QString o = normalizeOrigin(QString::fromLatin1(origin));
    if (o.isEmpty()) // "null" (sandboxed frames, file: pages) or garbage
        return false;
    if (m_origins.contains(o))
        return true;
    // Same origin: a page this service served itself under the (already checked) Host,
    // e.g. Swagger UI's "Try it out" or the browser UI's own WebSocket. We speak plain HTTP.
    const QByteArrayView host = hostHeader.trimmed();
    return !host.isEmpty() && o == normalizeOrigin(QStringLiteral("http://") + QString::fromLatin1(host));
}

bool AccessPolicy::grantsCors(QByteArrayView origin) const
{
    if (origin.trimmed().isEmpty())
        return false;
    return m_anyOrigin || m_origins.contains(normalizeOrigin(QString::fromLatin1(origin)));
}

const AccessPolicy &AccessPolicy::current()
{
    return currentPolicy();
}

void AccessPolicy::setCurrent(const AccessPolicy &policy)
{
    currentPolicy() = policy;
}

} // namespace lab
