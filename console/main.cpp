// ops-console: the lab's desktop console. Only wiring here: settings from QSettings and
// the command line, the theme, the main window.
#include "consolesettings.h"
#include "mainwindow.h"
#include "theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QSettings>
#include <QTabWidget>
#include <QTimer>
#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("KafkaLab"));
    QApplication::setApplicationName(QStringLiteral("ops-console"));
    QApplication::setApplicationVersion(QStringLiteral("0.1"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Desktop console of the Kafka order lab: create orders, search the order log, watch the live "
        "notification feed, service health and throughput.\n"
        "Endpoints default to the local stack (./lab up) or the saved settings; flags override both "
        "for this session."));
    parser.addHelpOption();
    parser.addVersionOption();
    ConsoleSettings::addOptions(parser);
    const QCommandLineOption screenshots(QStringLiteral("screenshots"),
                                         QStringLiteral("Save a PNG of every tab into <dir> after "
                                                        "--screenshot-delay-ms, then quit (manual checks)."),
                                         QStringLiteral("dir"));
    const QCommandLineOption delay(QStringLiteral("screenshot-delay-ms"),
                                   QStringLiteral("Wait before --screenshots (default 5000)."),
                                   QStringLiteral("ms"), QStringLiteral("5000"));
    parser.addOption(screenshots);
    parser.addOption(delay);
    parser.process(app);

    QSettings store;
    ConsoleSettings settings = ConsoleSettings::load(store);
    QString error;
    if (!settings.applyOptions(parser, &error)) {
        std::fprintf(stderr, "ops-console: %s\n", qPrintable(error));
        return 2;
    }

    theme::apply(app);
    MainWindow window(settings);
    window.show();

    if (parser.isSet(screenshots)) {
        const QString dir = parser.value(screenshots);
        QDir().mkpath(dir);
        QTimer::singleShot(parser.value(delay).toInt(), &window, [&window, dir] {
            const QStringList names{QStringLiteral("order"), QStringLiteral("search"), QStringLiteral("feed"),
                                    QStringLiteral("health"), QStringLiteral("throughput")};
            for (int i = 0; i < window.tabs()->count() && i < names.size(); ++i) {
                window.tabs()->setCurrentIndex(i);
                const QString path = dir + QStringLiteral("/console-%1.png").arg(names.at(i));
                if (!window.grab().save(path))
                    std::fprintf(stderr, "ops-console: cannot write %s\n", qPrintable(path));
            }
            QApplication::quit();
        });
    }
    return app.exec();
}
