// language.h: the language the console speaks, English or Vietnamese (the lab's seed is
// Vietnamese). One choice drives three things: our own translations (the .qm built from
// translations/ops-console_vi.ts, embedded under :/i18n), Qt's translations of its own
// widgets (qtbase_<lang>.qm from QLibraryInfo's translations path, when the system has
// one), and the default QLocale, which formats every number and time the console shows.
// The choice is made once at start: --lang, else the saved setting, else the system's.
#pragma once

#include <QLocale>
#include <QString>
#include <QStringList>

class QDialogButtonBox;
class QMessageBox;

namespace language {

/// The languages the console ships, as ISO 639-1 codes: "en" (the source) and "vi".
QStringList available();
bool isAvailable(const QString &code);

/// The first of the system's preferred UI languages that the console ships, else "en".
QString fromSystem(const QLocale &system = QLocale::system());

/// flag (--lang) if given, else saved (Settings), else fromSystem(). Unknown codes are
/// skipped, never fatal here (the command line reports a bad --lang itself).
QString choose(const QString &flag, const QString &saved, const QLocale &system = QLocale::system());

/// The locale that formats numbers and times in `code`: the system's own when it speaks
/// that language (its region's conventions win), else the language's usual one.
QLocale localeFor(const QString &code, const QLocale &system = QLocale::system());

/// What apply() installed.
struct Applied
{
    QString code;          ///< "en" or "vi"
    bool console = false;  ///< our translations (always true for "vi"; "en" needs none)
    bool qt = false;       ///< Qt's qtbase_<code>.qm (absent for Vietnamese on Debian 12)
    QString qtFile;        ///< where Qt's translations were looked for
};

/// Installs the translators for `code` into the running application (replacing those of
/// an earlier call) and sets QLocale::setDefault(localeFor(code)). Widgets made before
/// the call keep their texts: call it before building the window.
Applied apply(const QString &code, const QLocale &system = QLocale::system());

/// Labels the OK, Cancel and Close buttons in the console's language. Qt words them
/// itself only when it has translations for the language, which it lacks for Vietnamese.
void setStandardButtonTexts(QDialogButtonBox *box);
void setStandardButtonTexts(QMessageBox *box);

/// The language as its speakers write it: "English", "Tiếng Việt" (never translated).
QString nativeName(const QString &code);

} // namespace language
