// bulkmode.cpp: --bulk-es N (runBulkLoad, modes.h).
#include "modes.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <cmath>
#include <cstdio>

int runBulkLoad(const Settings &s, lab::ElasticClient *elastic)
{
    const BulkLoader::Options &bo = s.bulkOptions;
    const bool quiet = s.quiet, json = s.json;
    const qint64 idBase = s.idBase;
    QCoreApplication &app = *QCoreApplication::instance();
    BulkLoader loader(elastic, bo);
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
