// httpmode.cpp: POST /create_order under load, optionally followed to the live feed and
// into search (runHttpLoad, modes.h).
#include "modes.h"

#include "feedwatcher.h"
#include "searchlag.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <cmath>
#include <cstdio>
#include <memory>

int runHttpLoad(const Settings &s, lab::ElasticClient *elastic)
{
    QCoreApplication &app = *QCoreApplication::instance();
    const HttpLoad::Options &lo = s.load;
    const QUrl &url = s.url;
    const bool json = s.json, quiet = s.quiet, watch = s.watch;
    const qint64 idBase = s.idBase;
    const double watchTimeoutS = s.watchTimeoutS;
    const int graceMs = s.graceMs;

    HttpLoad load(lo);
    FeedWatcher watcher(s.wsUrl);
    std::unique_ptr<SearchLag> lag;
    if (s.searchLag)
        lag = std::make_unique<SearchLag>(elastic, s.index, s.lagEveryMs);
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
        QCoreApplication::exit(ok ? 0 : 1);
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
                             qPrintable(s.wsUrl.toString()));
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
