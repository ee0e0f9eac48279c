#include "language.h"

#include <QAbstractButton>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QLibraryInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QTranslator>
#include <memory>

namespace {

// Installed translators live as long as the application; a second apply() (tests switch
// languages) replaces them.
std::unique_ptr<QTranslator> g_console;
std::unique_ptr<QTranslator> g_qt;

QString primary(const QString &tag)
{
    return tag.section(QLatin1Char('-'), 0, 0).section(QLatin1Char('_'), 0, 0).toLower();
}

/// Our words for the standard buttons the console uses; empty for any other.
QString standardButtonText(int button)
{
    switch (button) {
    case QDialogButtonBox::Ok: return QCoreApplication::translate("StandardButton", "OK");
    case QDialogButtonBox::Cancel: return QCoreApplication::translate("StandardButton", "Cancel");
    case QDialogButtonBox::Close: return QCoreApplication::translate("StandardButton", "Close");
    default: return {};
    }
}

void remove(std::unique_ptr<QTranslator> &t)
{
    if (t) {
        QCoreApplication::removeTranslator(t.get());
        t.reset();
    }
}

} // namespace

namespace language {

QStringList available()
{
    return {QStringLiteral("en"), QStringLiteral("vi")};
}

bool isAvailable(const QString &code)
{
    return available().contains(code);
}

QString fromSystem(const QLocale &system)
{
    // uiLanguages() follows LANGUAGE/LC_MESSAGES/LANG on Linux, most wanted first.
    for (const QString &tag : system.uiLanguages()) {
        const QString code = primary(tag);
        if (isAvailable(code))
            return code;
    }
    return QStringLiteral("en");
}

QString choose(const QString &flag, const QString &saved, const QLocale &system)
{
    if (isAvailable(flag))
        return flag;
    if (isAvailable(saved))
        return saved;
    return fromSystem(system);
}

QLocale localeFor(const QString &code, const QLocale &system)
{
    if (code == QLatin1String("vi"))
        return system.language() == QLocale::Vietnamese ? system : QLocale(QLocale::Vietnamese, QLocale::Vietnam);
    return system.language() == QLocale::English ? system : QLocale(QLocale::English, QLocale::UnitedStates);
}

Applied apply(const QString &code, const QLocale &system)
{
    Applied a;
    a.code = isAvailable(code) ? code : QStringLiteral("en");
    remove(g_console);
    remove(g_qt);
    const QLocale locale = localeFor(a.code, system);
    QLocale::setDefault(locale);
    if (a.code == QLatin1String("en"))
        return a; // the source language: nothing to load, not even Qt's

    auto console = std::make_unique<QTranslator>();
    if (console->load(QStringLiteral(":/i18n/ops-console_%1.qm").arg(a.code))) {
        QCoreApplication::installTranslator(console.get());
        g_console = std::move(console);
        a.console = true;
    }
    // Qt ships no Vietnamese for its own widgets (Debian 12's qt6-translations-l10n has
    // none, nor has Qt upstream): load it where a system has it; our dialogs set the texts
    // of their standard buttons themselves.
    const QString dir = QLibraryInfo::path(QLibraryInfo::TranslationsPath);
    a.qtFile = dir + QStringLiteral("/qtbase_%1.qm").arg(a.code);
    auto qt = std::make_unique<QTranslator>();
    if (qt->load(a.qtFile)) {
        QCoreApplication::installTranslator(qt.get());
        g_qt = std::move(qt);
        a.qt = true;
    }
    return a;
}

void setStandardButtonTexts(QDialogButtonBox *box)
{
    for (QAbstractButton *b : box->buttons())
        if (const QString text = standardButtonText(box->standardButton(b)); !text.isEmpty())
            b->setText(text);
}

void setStandardButtonTexts(QMessageBox *box)
{
    // QMessageBox::StandardButton and QDialogButtonBox::StandardButton share their values.
    for (QAbstractButton *b : box->buttons())
        if (const QString text = standardButtonText(box->standardButton(b)); !text.isEmpty())
            b->setText(text);
}

QString nativeName(const QString &code)
{
    if (code == QLatin1String("vi"))
        return QStringLiteral("Tiếng Việt");
    if (code == QLatin1String("en"))
        return QStringLiteral("English");
    return code;
}

} // namespace language
