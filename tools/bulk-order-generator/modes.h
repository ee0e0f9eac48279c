// modes.h: the generator's command line and its two modes (see main.cpp): each mode
// runs the event loop until it is done and returns the exit status (0 ok, 1 a check
// failed, 2 bad usage, 3 a fatal error).
#pragma once

#include "bulkloader.h"
#include "httpload.h"

#include <QCoreApplication>
#include <QStringList>
#include <QUrl>

namespace lab {
class ElasticClient;
}

/// Everything the command line says, checked.
struct Settings
{
    bool json = false;   ///< the summary as one JSON line
    bool quiet = false;  ///< no progress line on stderr
    QUrl esUrl;          ///< Elasticsearch, for --bulk-es and --search-lag
    QString index;       ///< the index of both
    qint64 idBase = 0;   ///< the first order id

    bool bulk = false;   ///< --bulk-es: documents straight into Elasticsearch
    BulkLoader::Options bulkOptions;

    QUrl url;            ///< the order endpoint
    HttpLoad::Options load;
    bool watch = false;  ///< follow every order to its notification
    QUrl wsUrl;
    double watchTimeoutS = 30;
    int graceMs = 1000;
    bool searchLag = false;
    int lagEveryMs = 100;
};

/// Reads and checks the command line (--help and --version answer and exit; a bad value
/// exits 2 with a message).
Settings parseCommandLine(const QCoreApplication &app);

/// --bulk-es N: N order documents into the index with _bulk.
int runBulkLoad(const Settings &s, lab::ElasticClient *elastic);
/// POST /create_order at a rate or flat out; with --watch and --search-lag, each order
/// followed to its notification and into search.
int runHttpLoad(const Settings &s, lab::ElasticClient *elastic);

// Output shared by the modes.
/// Progress on stderr: one line rewritten in place on a terminal, a line per second otherwise.
void progress(const QString &line);
void endProgress();
double round3(double v);
[[noreturn]] void usageError(const QString &message);
