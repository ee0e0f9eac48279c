// bulk-order-generator: load and test-data tool for the lab (see README.md).
//  - default: POST /create_order at a rate or flat out over keep-alive connections,
//    then counts by status and latency percentiles;
//  - --watch: also match every order to its notification on the live feed;
//  - --search-lag: also measure how long accepted orders take to become searchable;
//  - --bulk-es N: write N order documents straight into Elasticsearch with _bulk.
// Wiring only: the command line (cli.cpp) and the two modes (bulkmode.cpp, httpmode.cpp)
// over HttpLoad, FeedWatcher, SearchLag and BulkLoader.
#include "modes.h"

#include "lab/elastic/elasticclient.h"

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bulk-order-generator"));
    QCoreApplication::setApplicationVersion(QStringLiteral("0.1"));
    const Settings settings = parseCommandLine(app);
    lab::ElasticClient elastic(settings.esUrl);
    elastic.setTimeoutMs(60000);
    return settings.bulk ? runBulkLoad(settings, &elastic) : runHttpLoad(settings, &elastic);
}
