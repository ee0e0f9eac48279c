#include "consolesettings.h"

#include "language.h"

#include <QCommandLineParser>
#include <QSettings>

namespace {

const QString kOrder = QStringLiteral("endpoints/order");
const QString kSearch = QStringLiteral("endpoints/search");
const QString kNotifier = QStringLiteral("endpoints/notifier");
const QString kNotifierHttp = QStringLiteral("endpoints/notifier_http");
const QString kPayment = QStringLiteral("endpoints/payment_health");
const QString kInventory = QStringLiteral("endpoints/inventory_health");
const QString kToken = QStringLiteral("auth/token");
const QString kTimeout = QStringLiteral("network/request_timeout_ms");
const QString kHealthInterval = QStringLiteral("network/health_interval_ms");
const QString kLanguage = QStringLiteral("ui/language");

bool isHttp(const QUrl &u)
{
    return u.isValid() && !u.host().isEmpty()
        && (u.scheme() == QLatin1String("http") || u.scheme() == QLatin1String("https"));
}

bool isWs(const QUrl &u)
{
    return u.isValid() && !u.host().isEmpty()
        && (u.scheme() == QLatin1String("ws") || u.scheme() == QLatin1String("wss"));
}

void readUrl(QSettings &s, const QString &key, QUrl *target, bool (*usable)(const QUrl &))
{
    const QUrl u(s.value(key).toString().trimmed());
    if (usable(u))
        *target = u;
}

} // namespace

ConsoleSettings ConsoleSettings::load(QSettings &store)
{
    ConsoleSettings c;
    readUrl(store, kOrder, &c.orderUrl, isHttp);
    readUrl(store, kSearch, &c.searchUrl, isHttp);
    readUrl(store, kNotifier, &c.notifierUrl, isWs);
    readUrl(store, kNotifierHttp, &c.notifierHttpUrl, isHttp);
    readUrl(store, kPayment, &c.paymentHealthUrl, isHttp);
    readUrl(store, kInventory, &c.inventoryHealthUrl, isHttp);
    c.apiToken = store.value(kToken).toString();
    bool ok = false;
    const int timeout = store.value(kTimeout).toInt(&ok);
    if (ok && timeout >= 500)
        c.requestTimeoutMs = timeout;
    const int interval = store.value(kHealthInterval).toInt(&ok);
    if (ok && interval >= 500)
        c.healthIntervalMs = interval;
    if (const QString lang = store.value(kLanguage).toString(); language::isAvailable(lang))
        c.language = lang;
    return c;
}

void ConsoleSettings::save(QSettings &store) const
{
    store.setValue(kOrder, orderUrl.toString());
    store.setValue(kSearch, searchUrl.toString());
    store.setValue(kNotifier, notifierUrl.toString());
    if (notifierHttpUrl.isEmpty())
        store.remove(kNotifierHttp);
    else
        store.setValue(kNotifierHttp, notifierHttpUrl.toString());
    store.setValue(kPayment, paymentHealthUrl.toString());
    store.setValue(kInventory, inventoryHealthUrl.toString());
    if (apiToken.isEmpty())
        store.remove(kToken);
    else
        store.setValue(kToken, apiToken);
    store.setValue(kTimeout, requestTimeoutMs);
    store.setValue(kHealthInterval, healthIntervalMs);
    if (language.isEmpty())
        store.remove(kLanguage);
    else
        store.setValue(kLanguage, language);
    store.sync();
}

void ConsoleSettings::addOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        {QStringLiteral("order-url"), tr("Order API base URL (default %1).").arg(QStringLiteral("http://127.0.0.1:5000")), tr("url")},
        {QStringLiteral("search-url"), tr("Search API base URL (default %1).").arg(QStringLiteral("http://127.0.0.1:5100")), tr("url")},
        {QStringLiteral("notifier-url"), tr("Notifier WebSocket URL (default %1).").arg(QStringLiteral("ws://127.0.0.1:8000/ws")), tr("url")},
        {QStringLiteral("notifier-http-url"), tr("notifier-service HTTP base for the Kafka tab (default: from the notifier URL, %1).").arg(QStringLiteral("http://127.0.0.1:8000")), tr("url")},
        {QStringLiteral("payment-url"), tr("payment-service health URL (default %1).").arg(QStringLiteral("http://127.0.0.1:5200/healthz")), tr("url")},
        {QStringLiteral("inventory-url"), tr("inventory-service health URL (default %1).").arg(QStringLiteral("http://127.0.0.1:5300/healthz")), tr("url")},
        {QStringLiteral("host"), tr("Host of every endpoint not given explicitly (default ports kept)."), tr("host")},
        {QStringLiteral("token"), tr("API token sent as 'Authorization: Bearer' on POST."), tr("token")},
        {QStringLiteral("timeout-ms"), tr("Request timeout in milliseconds (default 10000)."), tr("ms")},
        {QStringLiteral("lang"), tr("Language of the console: en or vi (default: the saved setting, else the system's)."), tr("code")},
    });
}

bool ConsoleSettings::applyOptions(const QCommandLineParser &parser, QString *error)
{
    ConsoleSettings next = *this;
    if (parser.isSet(QStringLiteral("host"))) {
        const QString host = parser.value(QStringLiteral("host")).trimmed();
        if (host.isEmpty() || host.contains(QLatin1Char('/'))) {
            *error = tr("--host: '%1' is not a host name").arg(host);
            return false;
        }
        for (QUrl *u : {&next.orderUrl, &next.searchUrl, &next.notifierUrl, &next.paymentHealthUrl,
                        &next.inventoryHealthUrl})
            u->setHost(host);
        if (!next.notifierHttpUrl.isEmpty())
            next.notifierHttpUrl.setHost(host);
    }
    struct Flag { const char *name; QUrl *target; bool (*usable)(const QUrl &); const char *expect; };
    const Flag flags[] = {
        {"order-url", &next.orderUrl, isHttp, "http(s)://host:port"},
        {"search-url", &next.searchUrl, isHttp, "http(s)://host:port"},
        {"notifier-url", &next.notifierUrl, isWs, "ws(s)://host:port/ws"},
        {"notifier-http-url", &next.notifierHttpUrl, isHttp, "http(s)://host:port"},
        {"payment-url", &next.paymentHealthUrl, isHttp, "http(s)://host:port/healthz"},
        {"inventory-url", &next.inventoryHealthUrl, isHttp, "http(s)://host:port/healthz"},
    };
    for (const Flag &f : flags) {
        const QString name = QString::fromLatin1(f.name);
        if (!parser.isSet(name))
            continue;
        const QUrl u(parser.value(name).trimmed());
        if (!f.usable(u)) {
            *error = tr("--%1: '%2' is not a URL like %3").arg(name, parser.value(name), QString::fromLatin1(f.expect));
            return false;
        }
        *f.target = u;
    }
    next.paymentHealthUrl = healthUrlOf(next.paymentHealthUrl);
    next.inventoryHealthUrl = healthUrlOf(next.inventoryHealthUrl);
    if (parser.isSet(QStringLiteral("token")))
        next.apiToken = parser.value(QStringLiteral("token"));
    if (parser.isSet(QStringLiteral("timeout-ms"))) {
        bool ok = false;
        const int ms = parser.value(QStringLiteral("timeout-ms")).toInt(&ok);
        if (!ok || ms < 100 || ms > 600000) {
            *error = tr("--timeout-ms: expected 100 to 600000, got '%1'").arg(parser.value(QStringLiteral("timeout-ms")));
            return false;
        }
        next.requestTimeoutMs = ms;
    }
    if (parser.isSet(QStringLiteral("lang"))) {
        const QString lang = parser.value(QStringLiteral("lang")).trimmed().toLower();
        if (!language::isAvailable(lang)) {
            *error = tr("--lang: expected %1, got '%2'")
                         .arg(language::available().join(QStringLiteral(" | ")), parser.value(QStringLiteral("lang")));
            return false;
        }
        next.language = lang;
    }
    *this = next;
    return true;
}

QString ConsoleSettings::problem() const
{
    if (!isHttp(orderUrl))
        return tr("Order API URL must look like %1").arg(QStringLiteral("http://host:5000"));
    if (!isHttp(searchUrl))
        return tr("Search API URL must look like %1").arg(QStringLiteral("http://host:5100"));
    if (!isWs(notifierUrl))
        return tr("Notifier URL must look like %1").arg(QStringLiteral("ws://host:8000/ws"));
    if (!notifierHttpUrl.isEmpty() && !isHttp(notifierHttpUrl))
        return tr("Notifier HTTP URL must be empty or look like %1").arg(QStringLiteral("http://host:8000"));
    if (!isHttp(paymentHealthUrl))
        return tr("Payment health URL must look like %1").arg(QStringLiteral("http://host:5200/healthz"));
    if (!isHttp(inventoryHealthUrl))
        return tr("Inventory health URL must look like %1").arg(QStringLiteral("http://host:5300/healthz"));
    if (apiToken.contains(QLatin1Char('\n')) || apiToken.contains(QLatin1Char('\r')))
        return tr("API token must be a single line");
    return {};
}

QUrl ConsoleSettings::join(const QUrl &base, const QString &path)
{
    QUrl u = base;
    QString prefix = base.path();
    while (prefix.endsWith(QLatin1Char('/')))
        prefix.chop(1);
    u.setPath(prefix + path);
    u.setQuery(QString());
    u.setFragment(QString());
    return u;
}

QUrl ConsoleSettings::notifierHealthUrl(const QUrl &wsUrl)
{
    return join(notifierHttpOf(wsUrl), QStringLiteral("/healthz"));
}

QUrl ConsoleSettings::notifierHttpOf(const QUrl &wsUrl)
{
    QUrl u = wsUrl;
    u.setScheme(wsUrl.scheme() == QLatin1String("wss") ? QStringLiteral("https") : QStringLiteral("http"));
    // The socket sits at <prefix>/ws and health at <prefix>/healthz.
    QString prefix = wsUrl.path();
    if (prefix.endsWith(QLatin1String("/ws")))
        prefix.chop(3);
    else
        prefix.clear();
    u.setPath(prefix);
    u.setQuery(QString());
    u.setFragment(QString());
    return u;
}

QUrl ConsoleSettings::notifierApiUrl() const
{
    return notifierHttpUrl.isEmpty() ? notifierHttpOf(notifierUrl) : notifierHttpUrl;
}

QUrl ConsoleSettings::healthUrlOf(const QUrl &url)
{
    if (url.path().isEmpty() || url.path() == QLatin1String("/"))
        return join(url, QStringLiteral("/healthz"));
    return url;
}

QList<ServiceEndpoint> ConsoleSettings::healthEndpoints() const
{
    return {
        {QStringLiteral("order"), QStringLiteral("order-service"), join(orderUrl, QStringLiteral("/healthz"))},
        {QStringLiteral("search"), QStringLiteral("search-service"), join(searchUrl, QStringLiteral("/healthz"))},
        {QStringLiteral("payment"), QStringLiteral("payment-service"), healthUrlOf(paymentHealthUrl)},
        {QStringLiteral("inventory"), QStringLiteral("inventory-service"), healthUrlOf(inventoryHealthUrl)},
        {QStringLiteral("notifier"), QStringLiteral("notifier-service"), notifierHealthUrl(notifierUrl)},
    };
}
