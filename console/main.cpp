// ops-console: the lab's desktop console. Only wiring here: settings from QSettings and
// the command line, the language, the theme, the main window.
#include "consolesettings.h"
#include "language.h"
#include "mainwindow.h"
#include "theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QSettings>
#include <QTabWidget>
#include <QTimer>
#include <cstdio>

namespace {

struct Options
{
    QCommandLineOption screenshots{QStringLiteral("screenshots"),
                                   QCoreApplication::translate("main", "Save a PNG of every tab into <dir> after "
                                                                       "--screenshot-delay-ms, then quit (manual checks)."),
                                   QCoreApplication::translate("main", "dir")};
    QCommandLineOption delay{QStringLiteral("screenshot-delay-ms"),
                             QCoreApplication::translate("main", "Wait before --screenshots (default 5000)."),
                             QCoreApplication::translate("main", "ms"), QStringLiteral("5000")};
};

/// Built twice: once to find --lang, then again in the chosen language for --help.
void declare(QCommandLineParser &parser, const Options &options)
{
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Desktop console of the Kafka order lab: create orders, search the order log, watch the live "
                "notification feed, service health and throughput.\n"
                "Endpoints default to the local stack (./lab up) or the saved settings; flags override both "
                "for this session."));
    parser.addHelpOption();
    parser.addVersionOption();
    ConsoleSettings::addOptions(parser);
    parser.addOption(options.screenshots);
    parser.addOption(options.delay);
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("KafkaLab"));
    QApplication::setApplicationName(QStringLiteral("ops-console"));
    QApplication::setApplicationVersion(QStringLiteral("0.1"));

    QSettings store;
    ConsoleSettings settings = ConsoleSettings::load(store);
    {
        // The language comes first, so that --help and every error speak it too. A bad
        // --lang is reported by the real parse below.
        QCommandLineParser early;
        declare(early, Options{});
        early.parse(app.arguments());
        language::apply(language::choose(early.value(QStringLiteral("lang")).trimmed().toLower(), settings.language));
    }

    QCommandLineParser parser;
    const Options options;
    declare(parser, options);
    parser.process(app);

    QString error;
    if (!settings.applyOptions(parser, &error)) {
        std::fprintf(stderr, "ops-console: %s\n", qPrintable(error));
        return 2;
    }

    theme::apply(app);
    MainWindow window(settings);
    window.show();

    if (parser.isSet(options.screenshots)) {
        const QString dir = parser.value(options.screenshots);
        QDir().mkpath(dir);
        QTimer::singleShot(parser.value(options.delay).toInt(), &window, [&window, dir] {
            const QStringList names{QStringLiteral("order"), QStringLiteral("search"), QStringLiteral("feed"),
                                    QStringLiteral("health"), QStringLiteral("throughput"), QStringLiteral("kafka")};
            for (int i = 0; i < window.tabs()->count() && i < names.size(); ++i) {
                window.tabs()->setCurrentIndex(i);
                const QString path = dir + QStringLiteral("/console-%1.png").arg(names.at(i));
                if (!window.grab().save(path))
                    std::fprintf(stderr, "ops-console: %s\n",
                                 qPrintable(QCoreApplication::translate("main", "cannot write %1").arg(path)));
            }
            QApplication::quit();
        });
    }
    return app.exec();
}
