// cli.cpp: the command line (parseCommandLine, modes.h).
#include "modes.h"

#include <QCommandLineParser>
#include <QRandomGenerator>

#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace {

const QString kDefaultItems =
    QStringLiteral("mouse,keyboard,monitor,laptop,headset,webcam,usb-hub,chair");

} // namespace

void usageError(const QString &message)
{
    std::fprintf(stderr, "bulk-order-generator: %s (see --help)\n", qPrintable(message));
    std::exit(2);
}

double round3(double v) { return std::round(v * 1000) / 1000; }

void progress(const QString &line)
{
    static const bool tty = isatty(fileno(stderr));
    std::fprintf(stderr, tty ? "\r%s\033[K" : "%s\n", qPrintable(line));
    std::fflush(stderr);
}

void endProgress()
{
    if (isatty(fileno(stderr)))
        std::fputc('\n', stderr);
}

Settings parseCommandLine(const QCoreApplication &app)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Sends many orders to order-service (POST /create_order) over keep-alive connections and "
        "reports status counts and latency percentiles; optionally follows each order to its "
        "WebSocket notification (--watch) and into search (--search-lag). With --bulk-es N it "
        "writes N order documents straight into Elasticsearch instead."));
    p.addHelpOption();
    p.addVersionOption();
    const QCommandLineOption urlOpt({QStringLiteral("u"), QStringLiteral("url")},
                                    QStringLiteral("Order endpoint."), QStringLiteral("url"),
                                    QStringLiteral("http://127.0.0.1:5000/create_order"));
    const QCommandLineOption countOpt({QStringLiteral("n"), QStringLiteral("count")},
                                      QStringLiteral("Orders to send (0: until --duration ends)."),
                                      QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption durationOpt({QStringLiteral("d"), QStringLiteral("duration")},
                                         QStringLiteral("Seconds of sending (0: until --count is reached)."),
                                         QStringLiteral("s"), QStringLiteral("0"));
    const QCommandLineOption rateOpt({QStringLiteral("r"), QStringLiteral("rate")},
                                     QStringLiteral("Target orders per second (0: flat out)."),
                                     QStringLiteral("per-second"), QStringLiteral("0"));
    const QCommandLineOption concOpt({QStringLiteral("c"), QStringLiteral("concurrency")},
                                     QStringLiteral("Keep-alive connections (one request in flight each)."),
                                     QStringLiteral("n"), QStringLiteral("32"));
    const QCommandLineOption itemsOpt(QStringLiteral("items"),
                                      QStringLiteral("Comma-separated items to pick from at random."),
                                      QStringLiteral("list"), kDefaultItems);
    const QCommandLineOption qtyOpt(QStringLiteral("max-quantity"),
                                    QStringLiteral("Quantities are drawn from 1..N."), QStringLiteral("n"),
                                    QStringLiteral("1"));
    const QCommandLineOption idOpt(QStringLiteral("id-base"),
                                   QStringLiteral("First order id (default: random, so runs never collide)."),
                                   QStringLiteral("id"));
    const QCommandLineOption timeoutOpt(QStringLiteral("timeout-ms"),
                                        QStringLiteral("A request without an answer after this long is an error."),
                                        QStringLiteral("ms"), QStringLiteral("10000"));
    const QCommandLineOption watchOpt(QStringLiteral("watch"),
                                      QStringLiteral("Follow every order to its notification on the live feed; "
                                                     "exit 1 unless each accepted order got exactly one."));
    const QCommandLineOption wsOpt(QStringLiteral("ws-url"), QStringLiteral("Live feed for --watch."),
                                   QStringLiteral("url"), QStringLiteral("ws://127.0.0.1:8000/ws"));
    const QCommandLineOption watchTimeoutOpt(QStringLiteral("watch-timeout"),
                                             QStringLiteral("Seconds to wait for missing notifications after the "
                                                            "last answer."),
                                             QStringLiteral("s"), QStringLiteral("30"));
    const QCommandLineOption graceOpt(QStringLiteral("dup-grace-ms"),
                                      QStringLiteral("After the last notification, how long to keep listening for "
                                                     "duplicates."),
                                      QStringLiteral("ms"), QStringLiteral("1000"));
    const QCommandLineOption lagOpt(QStringLiteral("search-lag"),
                                    QStringLiteral("Sample accepted orders and measure the time until "
                                                   "Elasticsearch finds them."));
    const QCommandLineOption lagEveryOpt(QStringLiteral("lag-every-ms"),
                                         QStringLiteral("--search-lag: one sample per this many ms."),
                                         QStringLiteral("ms"), QStringLiteral("100"));
    const QCommandLineOption esOpt(QStringLiteral("es-url"), QStringLiteral("Elasticsearch (default: "
                                                                            "$ELASTICSEARCH_URL or "
                                                                            "http://127.0.0.1:9200)."),
                                   QStringLiteral("url"));
    const QCommandLineOption indexOpt(QStringLiteral("index"),
                                      QStringLiteral("Index for --bulk-es and --search-lag."),
                                      QStringLiteral("name"), QStringLiteral("order-logs"));
    const QCommandLineOption bulkOpt(QStringLiteral("bulk-es"),
                                     QStringLiteral("Write N order documents into --index with _bulk and exit."),
                                     QStringLiteral("n"));
    const QCommandLineOption bulkSizeOpt(QStringLiteral("bulk-size"), QStringLiteral("Documents per _bulk request."),
                                         QStringLiteral("n"), QStringLiteral("1000"));
    const QCommandLineOption bulkParOpt(QStringLiteral("bulk-parallel"),
                                        QStringLiteral("_bulk requests in flight."), QStringLiteral("n"),
                                        QStringLiteral("2"));
    const QCommandLineOption spreadOpt(QStringLiteral("spread-hours"),
                                       QStringLiteral("--bulk-es: timestamps spread over the last N hours."),
                                       QStringLiteral("n"), QStringLiteral("24"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print the summary as JSON."));
    const QCommandLineOption quietOpt({QStringLiteral("q"), QStringLiteral("quiet")},
                                      QStringLiteral("No progress line on stderr."));
    p.addOptions({urlOpt, countOpt, durationOpt, rateOpt, concOpt, itemsOpt, qtyOpt, idOpt, timeoutOpt, watchOpt,
                  wsOpt, watchTimeoutOpt, graceOpt, lagOpt, lagEveryOpt, esOpt, indexOpt, bulkOpt, bulkSizeOpt,
                  bulkParOpt, spreadOpt, jsonOpt, quietOpt});
    p.process(app);

    const auto number = [&p](const QCommandLineOption &o, double min, double max) {
        bool ok = false;
        const double v = p.value(o).toDouble(&ok);
        if (!ok || v < min || v > max)
            usageError(QStringLiteral("--%1 must be a number from %2 to %3").arg(o.names().last()).arg(min).arg(max));
        return v;
    };
    Settings s;
    s.json = p.isSet(jsonOpt);
    s.quiet = p.isSet(quietOpt);
    QStringList items = p.value(itemsOpt).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString &i : items)
        i = i.trimmed();
    items.removeAll(QString());
    if (items.isEmpty())
        usageError(QStringLiteral("--items is empty"));
    s.idBase = p.isSet(idOpt) ? qint64(number(idOpt, 1, 9e15))
                              // far from hand-made ids, far below 2^53
                              : 1000000000000LL + qint64(QRandomGenerator::global()->bounded(quint64(7e15)));
    s.esUrl = QUrl(p.isSet(esOpt) ? p.value(esOpt) : qEnvironmentVariable("ELASTICSEARCH_URL", QStringLiteral("http://127.0.0.1:9200")));
    if (!s.esUrl.isValid() || s.esUrl.host().isEmpty())
        usageError(QStringLiteral("invalid Elasticsearch URL \"%1\"").arg(s.esUrl.toString()));
    s.index = p.value(indexOpt);

    s.bulk = p.isSet(bulkOpt);
    if (s.bulk) {
        BulkLoader::Options &bo = s.bulkOptions;
        bo.index = s.index;
        bo.count = qint64(number(bulkOpt, 1, 1e9));
        bo.bulkSize = int(number(bulkSizeOpt, 1, 100000));
        bo.parallel = int(number(bulkParOpt, 1, 64));
        bo.items = items;
        bo.idBase = s.idBase;
        bo.maxQuantity = qint64(number(qtyOpt, 1, 1000000));
        bo.spreadHours = int(number(spreadOpt, 0, 24 * 365));
        return s;
    }

    s.url = QUrl(p.value(urlOpt));
    if (!s.url.isValid() || s.url.scheme() != QLatin1String("http") || s.url.host().isEmpty())
        usageError(QStringLiteral("--url must be an http:// URL"));
    HttpLoad::Options &lo = s.load;
    lo.host = s.url.host();
    lo.port = quint16(s.url.port(80));
    lo.path = s.url.path(QUrl::FullyEncoded).toUtf8();
    if (lo.path.isEmpty())
        lo.path = "/";
    lo.concurrency = int(number(concOpt, 1, 4096));
    lo.rate = number(rateOpt, 0, 1e7);
    lo.count = qint64(number(countOpt, 0, 1e10));
    lo.durationS = number(durationOpt, 0, 86400);
    lo.items = items;
    lo.idBase = s.idBase;
    lo.maxQuantity = qint64(number(qtyOpt, 1, 1000000));
    lo.timeoutMs = int(number(timeoutOpt, 10, 600000));
    if (lo.count == 0 && lo.durationS == 0)
        usageError(QStringLiteral("give --count or --duration"));
    s.watch = p.isSet(watchOpt);
    s.wsUrl = QUrl(p.value(wsOpt));
    s.watchTimeoutS = number(watchTimeoutOpt, 0, 3600);
    s.graceMs = int(number(graceOpt, 0, 600000));
    s.searchLag = p.isSet(lagOpt);
    if (s.searchLag)
        s.lagEveryMs = int(number(lagEveryOpt, 1, 60000));
    return s;
}
