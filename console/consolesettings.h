// consolesettings.h: where the console finds the lab: the endpoints of the five services
// and the optional API token; and the language it speaks. Defaults to the local stack of
// `./lab up`; persisted with QSettings; command-line flags (--order-url, ..., --lang)
// override both for one session.
#pragma once

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QUrl>

class QCommandLineParser;
class QSettings;

/// One service whose /healthz the Health tab polls.
struct ServiceEndpoint
{
    QString key;       ///< "order", "search", "payment", "inventory", "notifier"
    QString name;      ///< "order-service", ...
    QUrl healthUrl;
};

struct ConsoleSettings
{
    Q_DECLARE_TR_FUNCTIONS(ConsoleSettings)
public:
    QUrl orderUrl{QStringLiteral("http://127.0.0.1:5000")};
    QUrl searchUrl{QStringLiteral("http://127.0.0.1:5100")};
    QUrl notifierUrl{QStringLiteral("ws://127.0.0.1:8000/ws")};
    QUrl paymentHealthUrl{QStringLiteral("http://127.0.0.1:5200/healthz")};
    QUrl inventoryHealthUrl{QStringLiteral("http://127.0.0.1:5300/healthz")};
    /// notifier-service's HTTP base (the Kafka tab's /kafka/*); empty: derived from
    /// notifierUrl (ws://h:p/ws -> http://h:p), see notifierApiUrl().
    QUrl notifierHttpUrl;
    QString apiToken;               ///< sent as "Authorization: Bearer <token>" on POST when set
    int requestTimeoutMs = 10000;   ///< order, search and status requests
    int healthIntervalMs = 2000;    ///< Health tab refresh period
    QString language;               ///< "en", "vi", or empty: the system's (see language.h)

    /// Reads what was saved; a missing or unusable key keeps its default.
    static ConsoleSettings load(QSettings &store);
    void save(QSettings &store) const;

    /// Declares --order-url, --search-url, --notifier-url, --notifier-http-url, --payment-url,
    /// --inventory-url, --host, --token, --timeout-ms, --lang.
    static void addOptions(QCommandLineParser &parser);
    /// Applies the flags that were given. Returns false and sets *error for a bad value.
    bool applyOptions(const QCommandLineParser &parser, QString *error);

    /// Empty when every endpoint is usable, else a message naming the first bad one.
    QString problem() const;

    /// base URL + path, keeping a path prefix of the base ("http://h/api" + "/x" -> "/api/x").
    static QUrl join(const QUrl &base, const QString &path);
    /// ws://h:p/ws -> http://h:p/healthz (wss -> https).
    static QUrl notifierHealthUrl(const QUrl &wsUrl);
    /// ws://h:p/ws -> http://h:p (wss -> https): where notifier-service answers HTTP.
    static QUrl notifierHttpOf(const QUrl &wsUrl);
    /// notifierHttpUrl when set, else notifierHttpOf(notifierUrl).
    QUrl notifierApiUrl() const;
    /// A health URL given without a path gets "/healthz".
    static QUrl healthUrlOf(const QUrl &url);
    /// The five services in display order.
    QList<ServiceEndpoint> healthEndpoints() const;

    bool operator==(const ConsoleSettings &) const = default;
};
