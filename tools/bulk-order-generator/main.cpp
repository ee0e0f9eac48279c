// bulk-order-generator: load and test-data tool for the lab (see README.md).
//  - default: POST /create_order at a rate or flat out over keep-alive connections,
//    then counts by status and latency percentiles;
//  - --watch: also match every order to its notification on the live feed;
//  - --search-lag: also measure how long accepted orders take to become searchable;
//  - --bulk-es N: write N order documents straight into Elasticsearch with _bulk.
// Wiring only: HttpLoad, FeedWatcher, SearchLag and BulkLoader do the work.
#include "bulkloader.h"
#include "feedwatcher.h"
#include "httpload.h"
#include "searchlag.h"

#include "lab/elastic/elasticclient.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrl>

#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace {

const QString kDefaultItems =
    QStringLiteral("mouse,keyboard,monitor,laptop,headset,webcam,usb-hub,chair");

[[noreturn]] void usageError(const QString &message)
{
    std::fprintf(stderr, "bulk-order-generator: %s (see --help)\n", qPrintable(message));
    std::exit(2);
}

double round3(double v) { return std::round(v * 1000) / 1000; }

/// Progress on stderr: one line rewritten in place on a terminal, a line per second otherwise.
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

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bulk-order-generator"));
    QCoreApplication::setApplicationVersion(QStringLiteral("0.1"));

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
    const bool json = p.isSet(jsonOpt);
    const bool quiet = p.isSet(quietOpt);
    QStringList items = p.value(itemsOpt).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString &i : items)
        i = i.trimmed();
    items.removeAll(QString());
    if (items.isEmpty())
        usageError(QStringLiteral("--items is empty"));
    const qint64 idBase = p.isSet(idOpt) ? qint64(number(idOpt, 1, 9e15))
                                         // far from hand-made ids, far below 2^53
                                         : 1000000000000LL + qint64(QRandomGenerator::global()->bounded(quint64(7e15)));
    QUrl esUrl(p.isSet(esOpt) ? p.value(esOpt) : qEnvironmentVariable("ELASTICSEARCH_URL", QStringLiteral("http://127.0.0.1:9200")));
    if (!esUrl.isValid() || esUrl.host().isEmpty())
        usageError(QStringLiteral("invalid Elasticsearch URL \"%1\"").arg(esUrl.toString()));
    lab::ElasticClient elastic(esUrl);
    elastic.setTimeoutMs(60000);
    int exitCode = 0;

    // ------------------------------------------------------------ --bulk-es
    if (p.isSet(bulkOpt)) {
        BulkLoader::Options bo;
        bo.index = p.value(indexOpt);
        bo.count = qint64(number(bulkOpt, 1, 1e9));
        bo.bulkSize = int(number(bulkSizeOpt, 1, 100000));
        bo.parallel = int(number(bulkParOpt, 1, 64));
        bo.items = items;
        bo.idBase = idBase;
        bo.maxQuantity = qint64(number(qtyOpt, 1, 1000000));
        bo.spreadHours = int(number(spreadOpt, 0, 24 * 365));
        BulkLoader loader(&elastic, bo);
        QTimer ticker;
        QObject::connect(&ticker, &QTimer::timeout, &app, [&] {
            if (!quiet)
                progress(QStringLiteral("[%1s] indexed %2/%3 failed %4 | %5 docs/s")
                             .arg(loader.seconds(), 5, 'f', 1)
                             .arg(loader.indexed())
                             .arg(bo.count)
                             .arg(loader.failed())
                             .arg(loader.seconds() > 0 ? qint64(double(loader.indexed()) / loader.seconds()) : 0));
        });
        ticker.start(1000);
        QObject::connect(&loader, &BulkLoader::finished, &app, [&] {
            ticker.stop();
            if (!quiet)
                endProgress();
            const double rate = loader.seconds() > 0 ? double(loader.indexed()) / loader.seconds() : 0;
            if (json) {
                const QJsonObject o{{QStringLiteral("mode"), QStringLiteral("bulk-es")},
                                    {QStringLiteral("index"), bo.index},
                                    {QStringLiteral("requested"), double(bo.count)},
                                    {QStringLiteral("indexed"), double(loader.indexed())},
                                    {QStringLiteral("failed"), double(loader.failed())},
                                    {QStringLiteral("bulk_requests"), double(loader.requests())},
                                    {QStringLiteral("bulk_size"), bo.bulkSize},
                                    {QStringLiteral("parallel"), bo.parallel},
                                    {QStringLiteral("seconds"), round3(loader.seconds())},
                                    {QStringLiteral("docs_per_s"), std::round(rate)},
                                    {QStringLiteral("first_id"), double(idBase)},
                                    {QStringLiteral("error"), loader.lastError()}};
                std::printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
            } else {
                std::printf("bulk-es: %lld of %lld documents indexed into %s in %.2f s (%.0f docs/s, %lld "
                            "requests of %d, %d in flight), %lld failed%s%s\n",
                            loader.indexed(), bo.count, qPrintable(bo.index), loader.seconds(), rate,
                            loader.requests(), bo.bulkSize, bo.parallel, loader.failed(),
                            loader.lastError().isEmpty() ? "" : ": ", qPrintable(loader.lastError()));
            }
            QCoreApplication::exit(loader.failed() > 0 ? 1 : 0);
        });
        loader.start();
        return app.exec();
    }

    // ------------------------------------------------------------ HTTP load
    const QUrl url(p.value(urlOpt));
    if (!url.isValid() || url.scheme() != QLatin1String("http") || url.host().isEmpty())
        usageError(QStringLiteral("--url must be an http:// URL"));
    HttpLoad::Options lo;
    lo.host = url.host();
    lo.port = quint16(url.port(80));
    lo.path = url.path(QUrl::FullyEncoded).toUtf8();
    if (lo.path.isEmpty())
        lo.path = "/";
    lo.concurrency = int(number(concOpt, 1, 4096));
    lo.rate = number(rateOpt, 0, 1e7);
    lo.count = qint64(number(countOpt, 0, 1e10));
    lo.durationS = number(durationOpt, 0, 86400);
    lo.items = items;
    lo.idBase = idBase;
    lo.maxQuantity = qint64(number(qtyOpt, 1, 1000000));
    lo.timeoutMs = int(number(timeoutOpt, 10, 600000));
    if (lo.count == 0 && lo.durationS == 0)
        usageError(QStringLiteral("give --count or --duration"));
    const bool watch = p.isSet(watchOpt);
    const double watchTimeoutS = number(watchTimeoutOpt, 0, 3600);
    const int graceMs = int(number(graceOpt, 0, 600000));

    HttpLoad load(lo);
    FeedWatcher watcher(QUrl(p.value(wsOpt)));
    std::unique_ptr<SearchLag> lag;
    if (p.isSet(lagOpt))
        lag = std::make_unique<SearchLag>(&elastic, p.value(indexOpt), int(number(lagEveryOpt, 1, 60000)));
    if (watch) {
        QObject::connect(&load, &HttpLoad::orderSent, &watcher, &FeedWatcher::orderSent);
        QObject::connect(&load, &HttpLoad::orderAnswered, &watcher, &FeedWatcher::orderAnswered);
    }
    if (lag)
        QObject::connect(&load, &HttpLoad::orderAnswered, lag.get(), &SearchLag::orderAnswered);

    const qint64 t0 = monotonicNs();
    qint64 loadDoneNs = 0;
    qint64 lastCount = 0;
    qint64 lastNotes = 0;
    QTimer ticker;
    QObject::connect(&ticker, &QTimer::timeout, &app, [&] {
        if (quiet)
            return;
        const qint64 done = load.answered();
        QString line = QStringLiteral("[%1s] sent %2 ok %3 err %4 | %5/s | in flight %6 backlog %7")
                           .arg(double(monotonicNs() - t0) / 1e9, 5, 'f', 1)
                           .arg(load.sent())
                           .arg(load.okCount())
                           .arg(load.errorCount())
                           .arg(done - lastCount)
                           .arg(load.inFlight())
                           .arg(load.backlog());
        lastCount = done;
        if (watch) {
            line += QStringLiteral(" | notified %1 (%2/s), waiting %3")
                        .arg(watcher.notifications())
                        .arg(watcher.notifications() - lastNotes)
                        .arg(watcher.acceptedWaiting());
            lastNotes = watcher.notifications();
        }
        if (lag)
            line += QStringLiteral(" | search samples waiting %1").arg(lag->waiting());
        progress(line);
    });

    const auto report = [&] {
        ticker.stop();
        if (!quiet)
            endProgress();
        const double active = load.activeSeconds();
        QJsonObject status;
        for (auto it = load.statusCounts().cbegin(); it != load.statusCounts().cend(); ++it)
            status.insert(it.key() == 0 ? QStringLiteral("no_answer") : QString::number(it.key()), double(it.value()));
        QJsonObject errors;
        for (auto it = load.errors().cbegin(); it != load.errors().cend(); ++it)
            errors.insert(it.key(), double(it.value()));
        QJsonObject o{{QStringLiteral("mode"), QStringLiteral("http")},
                      {QStringLiteral("url"), url.toString()},
                      {QStringLiteral("concurrency"), lo.concurrency},
                      {QStringLiteral("target_rate"), lo.rate},
                      {QStringLiteral("first_id"), double(idBase)},
                      {QStringLiteral("sent"), double(load.sent())},
                      {QStringLiteral("answered"), double(load.answered())},
                      {QStringLiteral("ok"), double(load.okCount())},
                      {QStringLiteral("unsent"), double(load.unsent())},
                      {QStringLiteral("max_backlog"), double(load.maxBacklog())},
                      {QStringLiteral("status"), status},
                      {QStringLiteral("errors"), errors},
                      {QStringLiteral("seconds"), round3(active)},
                      {QStringLiteral("answered_per_s"), active > 0 ? std::round(double(load.answered()) / active) : 0},
                      {QStringLiteral("ok_per_s"), active > 0 ? std::round(double(load.okCount()) / active) : 0},
                      {QStringLiteral("latency_ms"), load.latency().toJson()}};
        bool ok = true;
        FeedWatcher::Summary ws;
        double e2eRate = 0;
        if (watch) {
            ws = watcher.summarize();
            const double span = watcher.lastNotificationNs() > load.firstSendNs()
                ? double(watcher.lastNotificationNs() - load.firstSendNs()) / 1e9 : 0;
            e2eRate = span > 0 ? double(ws.confirmed + ws.failed) / span : 0;
            ok = ws.ok();
            o.insert(QStringLiteral("watch"),
                     QJsonObject{{QStringLiteral("accepted"), double(ws.accepted)},
                                 {QStringLiteral("exactly_once"), double(ws.exactlyOnce)},
                                 {QStringLiteral("none"), double(ws.none)},
                                 {QStringLiteral("duplicated"), double(ws.duplicated)},
                                 {QStringLiteral("unexpected"), double(ws.unexpected)},
                                 {QStringLiteral("confirmed"), double(ws.confirmed)},
                                 {QStringLiteral("failed"), double(ws.failed)},
                                 {QStringLiteral("seconds"), round3(span)},
                                 {QStringLiteral("notified_per_s"), std::round(e2eRate)},
                                 {QStringLiteral("confirmed_per_s"), span > 0 ? std::round(double(ws.confirmed) / span) : 0},
                                 {QStringLiteral("latency_ms"), ws.latency.toJson()},
                                 {QStringLiteral("ok"), ok}});
        }
        if (lag)
            o.insert(QStringLiteral("search_lag"),
                     QJsonObject{{QStringLiteral("sampled"), double(lag->sampled())},
                                 {QStringLiteral("not_found"), double(lag->waiting())},
                                 {QStringLiteral("query_errors"), double(lag->errors())},
                                 {QStringLiteral("latency_ms"), lag->lag().toJson()}});
        if (json) {
            std::printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
        } else {
            LatencyStats &l = load.latency();
            std::printf("orders: sent %lld, answered %lld in %.2f s = %.0f/s (2xx %lld = %.0f/s)%s\n", load.sent(),
                        load.answered(), active, active > 0 ? double(load.answered()) / active : 0, load.okCount(),
                        active > 0 ? double(load.okCount()) / active : 0,
                        load.unsent() > 0 ? qPrintable(QStringLiteral(", %1 never sent (rate not met)").arg(load.unsent()))
                                          : "");
            std::printf("status:");
            for (auto it = load.statusCounts().cbegin(); it != load.statusCounts().cend(); ++it)
                std::printf(" %s=%lld", it.key() == 0 ? "no_answer" : qPrintable(QString::number(it.key())), it.value());
            std::printf("\n");
            for (auto it = load.errors().cbegin(); it != load.errors().cend(); ++it)
                std::printf("  error: %s x%lld\n", qPrintable(it.key()), it.value());
            std::printf("latency ms: p50 %.2f  p95 %.2f  p99 %.2f  max %.2f\n", l.percentileMs(50),
                        l.percentileMs(95), l.percentileMs(99), l.maxMs());
            if (watch) {
                std::printf("notifications: %lld accepted, %lld exactly once, %lld none, %lld duplicated, %lld "
                            "unexpected; %lld confirmed, %lld failed; %.0f notified/s\n",
                            ws.accepted, ws.exactlyOnce, ws.none, ws.duplicated, ws.unexpected, ws.confirmed,
                            ws.failed, e2eRate);
                std::printf("POST->notification ms: p50 %.2f  p95 %.2f  p99 %.2f  max %.2f\n",
                            ws.latency.percentileMs(50), ws.latency.percentileMs(95), ws.latency.percentileMs(99),
                            ws.latency.maxMs());
                std::printf("exactly-once check: %s\n", ok ? "PASS" : "FAIL");
            }
            if (lag)
                std::printf("search lag ms (%lld samples, %lld not found): p50 %.0f  p95 %.0f  p99 %.0f  max %.0f\n",
                            lag->sampled(), qint64(lag->waiting()), lag->lag().percentileMs(50),
                            lag->lag().percentileMs(95), lag->lag().percentileMs(99), lag->lag().maxMs());
        }
        std::fflush(stdout);
        QCoreApplication::exit(ok ? exitCode : 1);
    };

    // After the load: wait for notifications and search samples, then a grace for duplicates.
    QTimer settle;
    qint64 lastNoteSeen = -1;
    QObject::connect(&settle, &QTimer::timeout, &app, [&] {
        const qint64 now = monotonicNs();
        const bool notesDone = !watch || watcher.acceptedWaiting() <= 0;
        const bool lagDone = !lag || lag->waiting() == 0;
        const bool timedOut = double(now - loadDoneNs) / 1e9 > watchTimeoutS;
        if ((notesDone && lagDone) || timedOut) {
            if (watch && graceMs > 0 && lastNoteSeen < 0) {
                lastNoteSeen = now;
                return;
            }
            if (watch && graceMs > 0 && now - lastNoteSeen < qint64(graceMs) * 1000000)
                return;
            settle.stop();
            report();
        }
    });
    QObject::connect(&load, &HttpLoad::finished, &app, [&] {
        loadDoneNs = monotonicNs();
        if (!watch && !lag) {
            report();
            return;
        }
        settle.start(20);
    });
    QObject::connect(&load, &HttpLoad::fatal, &app, [](const QString &message) {
        std::fprintf(stderr, "\nbulk-order-generator: %s\n", qPrintable(message));
        QCoreApplication::exit(3);
    });
    QObject::connect(&watcher, &FeedWatcher::failed, &app, [](const QString &message) {
        std::fprintf(stderr, "\nbulk-order-generator: %s\n", qPrintable(message));
        QCoreApplication::exit(3);
    });

    if (watch) {
        QObject::connect(&watcher, &FeedWatcher::opened, &app, [&] {
            ticker.start(1000);
            load.start();
        });
        QTimer::singleShot(5000, &app, [&] {
            if (!watcher.isOpen() && load.sent() == 0) {
                std::fprintf(stderr, "bulk-order-generator: the feed %s did not open in 5 s\n",
                             qPrintable(p.value(wsOpt)));
                QCoreApplication::exit(3);
            }
        });
        watcher.open();
    } else {
        ticker.start(1000);
        load.start();
    }
    return app.exec();
}
