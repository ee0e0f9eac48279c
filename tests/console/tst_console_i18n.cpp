// tst_console_i18n: the console in Vietnamese. First what needs no window: how the
// language is chosen (--lang, the saved setting, the system's), that the committed
// console/translations/ops-console_vi.ts holds a finished translation of every string in
// the console's code and nothing else (lupdate itself is run over console/ into a copy
// of it: no new, no vanished string; placeholders and markup kept), and that the
// embedded .qm loads. Then the real window in Vietnamese against the five real services
// of labtest::ServiceStack: an order typed into the form, the live feed, the search, the
// health cards, the throughput tab, the settings and order dialogs, each checked for
// their Vietnamese labels, for numbers and dates in Vietnamese format, and for any
// English word of the console left on screen. Screenshots of every tab go to
// $LAB_BUILD_DIR/screenshots/console-vi-*.png.
#include "apiclient.h"
#include "consolesettings.h"
#include "feedclient.h"
#include "feedmodel.h"
#include "journey.h"
#include "journeyview.h"
#include "kafkapage.h"
#include "language.h"
#include "livefeedpage.h"
#include "mainwindow.h"
#include "orderdialog.h"
#include "orderinput.h"
#include "orderpage.h"
#include "orderrow.h"
#include "searchmodel.h"
#include "searchpage.h"
#include "settingsdialog.h"
#include "theme.h"
#include "throughputpage.h"

#include "servicestack.h"
#include "testinfra.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QCommandLineParser>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QGroupBox>
#include <QHeaderView>
#include <QSignalSpy>
#include <QTreeWidget>
#include <QHeaderView>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocumentFragment>
#include <QXmlStreamReader>
#include <memory>

namespace {

/// One <message> of a Qt Linguist .ts file.
struct TsMessage
{
    QString context;
    QString source;
    QString translation;
    QString type; ///< "" (finished), "unfinished", "vanished", "obsolete"
};

QList<TsMessage> readTs(const QString &path, QString *error)
{
    QList<TsMessage> out;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return out;
    }
    QXmlStreamReader xml(&file);
    QString context;
    TsMessage m;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        const auto name = xml.name();
        if (name == QLatin1String("name"))
            context = xml.readElementText();
        else if (name == QLatin1String("message"))
            m = TsMessage{context, {}, {}, {}};
        else if (name == QLatin1String("source"))
            m.source = xml.readElementText();
        else if (name == QLatin1String("translation")) {
            m.type = xml.attributes().value(QLatin1String("type")).toString();
            m.translation = xml.readElementText();
            out.append(m);
        }
    }
    if (xml.hasError())
        *error = QStringLiteral("%1: %2 at line %3").arg(path, xml.errorString()).arg(xml.lineNumber());
    return out;
}

QString tsPath()
{
    return labtest::sourceDir() + QStringLiteral("/console/translations/ops-console_vi.ts");
}

/// The %1, %2, ... of a message, sorted (arg() fills them by number).
QStringList placeholders(const QString &text)
{
    QStringList out;
    static const QRegularExpression re(QStringLiteral("%\\d+"));
    for (auto it = re.globalMatch(text); it.hasNext();)
        out << it.next().captured();
    out.sort();
    return out;
}

/// The HTML tags of a rich-text message, in order ("<b>", "</b>", ...).
QStringList tags(const QString &text)
{
    QStringList out;
    static const QRegularExpression re(QStringLiteral("<[^<>]+>"));
    for (auto it = re.globalMatch(text); it.hasNext();)
        out << it.next().captured();
    return out;
}

template <typename T>
T *child(const QObject *root, const QString &name)
{
    T *w = root->findChild<T *>(name);
    if (!w)
        qWarning("no child %s named '%s'", T::staticMetaObject.className(), qPrintable(name));
    return w;
}

QString plain(const QString &text)
{
    return Qt::mightBeRichText(text) ? QTextDocumentFragment::fromHtml(text).toPlainText() : text;
}

/// Every text an operator can read in `root` as it is shown now: labels, buttons, group
/// titles, placeholders, tool tips, combo items, tab titles, table headers and cells,
/// menu entries. Hidden widgets (other tabs) are left out.
QStringList visibleTexts(QWidget *root)
{
    // The order dialog's field table and raw JSON show the API's document as it came
    // (keys and values such as "status": "confirmed"): data, not the console's words.
    static const QStringList dataViews{QStringLiteral("order-dialog-fields"), QStringLiteral("order-dialog-raw")};
    QStringList out;
    auto add = [&out](const QString &t) {
        if (!t.trimmed().isEmpty())
            out << plain(t);
    };
    QList<QWidget *> widgets = root->findChildren<QWidget *>();
    widgets.prepend(root);
    for (QWidget *w : widgets) {
        if (w != root && !w->isVisibleTo(root))
            continue;
        bool data = false; // the view or one of its parts (header, viewport)
        for (const QWidget *p = w; p && p != root && !data; p = p->parentWidget())
            data = dataViews.contains(p->objectName());
        if (data)
            continue;
        add(w->toolTip());
        if (w->isWindow())
            add(w->windowTitle());
        if (auto *l = qobject_cast<QLabel *>(w)) {
            add(l->text());
        } else if (auto *b = qobject_cast<QAbstractButton *>(w)) {
            add(b->text());
        } else if (auto *g = qobject_cast<QGroupBox *>(w)) {
            add(g->title());
        } else if (auto *e = qobject_cast<QLineEdit *>(w)) {
            add(e->placeholderText());
        } else if (auto *c = qobject_cast<QComboBox *>(w)) {
            for (int i = 0; i < c->count(); ++i)
                add(c->itemText(i));
        } else if (auto *t = qobject_cast<QTabWidget *>(w)) {
            for (int i = 0; i < t->count(); ++i)
                add(t->tabText(i));
        } else if (auto *v = qobject_cast<QAbstractItemView *>(w)) {
            const QAbstractItemModel *m = v->model();
            for (int c = 0; m && c < m->columnCount(); ++c)
                add(m->headerData(c, Qt::Horizontal).toString());
            for (int r = 0; m && r < qMin(m->rowCount(), 50); ++r)
                for (int c = 0; c < m->columnCount(); ++c) {
                    add(m->index(r, c).data(Qt::DisplayRole).toString());
                    add(m->index(r, c).data(Qt::ToolTipRole).toString());
                }
        }
    }
    for (const QAction *a : root->findChildren<QAction *>())
        add(a->text());
    return out;
}

/// The English of the console that must not be on screen once it speaks Vietnamese:
/// for every translated message whose translation differs, its literal pieces (split at
/// %1, line breaks and tags). A piece of two words or more must not appear in any text;
/// a single word (the whole message) must not be a text of its own.
struct EnglishLeaks
{
    QStringList phrases;
    QStringList words;

    explicit EnglishLeaks(const QList<TsMessage> &messages)
    {
        static const QRegularExpression split(QStringLiteral("%\\d+|\\n|<[^<>]+>"));
        for (const TsMessage &m : messages) {
            if (m.translation == m.source)
                continue;
            const QString source = QString(m.source).remove(QLatin1Char('&'));
            for (QString piece : source.split(split, Qt::SkipEmptyParts)) {
                piece = piece.trimmed();
                const int wordCount = int(piece.split(QLatin1Char(' '), Qt::SkipEmptyParts).size());
                if (piece.size() < 3 || m.translation.contains(piece))
                    continue; // shared with the translation: a name, a path, a URL
                if (wordCount >= 2)
                    phrases << piece;
                else if (piece == source.trimmed())
                    words << piece;
            }
        }
        phrases.removeDuplicates();
        words.removeDuplicates();
    }

    /// "«text»: «English»" for each text that still speaks English.
    QStringList find(const QStringList &texts) const
    {
        QStringList found;
        for (const QString &t : texts) {
            for (const QString &p : phrases)
                if (t.contains(p))
                    found << QStringLiteral("«%1»: «%2»").arg(t, p);
            for (const QString &w : words)
                if (t.trimmed().remove(QLatin1Char('&')) == w)
                    found << QStringLiteral("«%1»: «%2»").arg(t, w);
        }
        return found;
    }
};

QString stateKeyOf(const QWidget *root, const QString &key)
{
    const auto *pill = root->findChild<QLabel *>(QStringLiteral("health-state-") + key);
    return pill ? pill->property("state").toString() : QString();
}

QStringList tabTexts(const QTabWidget *tabs)
{
    QStringList out;
    for (int i = 0; i < tabs->count(); ++i)
        out << tabs->tabText(i);
    return out;
}

} // namespace

class TestConsoleI18n : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    // --- no window
    void shouldChooseTheLanguage_data();
    void shouldChooseTheLanguage();
    void shouldTakeLangFlagAndKeepTheSetting();
    void translationCoversEveryStringOfTheCode();
    void embeddedTranslationLoadsAndFormatsNumbers();

    // --- the real window in Vietnamese against the real services
    void everyTabSpeaksVietnamese();
    void dialogsSpeakVietnamese();

private:
    bool ensureStack();
    QString saveShot(QWidget *widget, const QString &name);
    void checkNoEnglish(QWidget *root, const char *where);

    QTemporaryDir m_settingsDir;
    std::unique_ptr<labtest::ServiceStack> m_stack;
    std::unique_ptr<MainWindow> m_window;
    QString m_stackError;
    bool m_stackTried = false;
    qint64 m_idBase = 0;
    qint64 m_confirmedId = 0;
    QList<TsMessage> m_messages;
};

void TestConsoleI18n::initTestCase()
{
    // Never touch the operator's real settings.
    QVERIFY(m_settingsDir.isValid());
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    QCoreApplication::setOrganizationName(QStringLiteral("KafkaLabTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_console_i18n"));
    theme::apply(*qApp);
    m_idBase = (QDateTime::currentMSecsSinceEpoch() % 100000000) * 1000 + 500;
    QString error;
    m_messages = readTs(tsPath(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(m_messages.size() > 200, qPrintable(QStringLiteral("only %1 messages in %2").arg(m_messages.size()).arg(tsPath())));
}

void TestConsoleI18n::cleanupTestCase()
{
    m_window.reset();
    m_stack.reset();
    language::apply(QStringLiteral("en"));
}

// ---------------------------------------------------------------- no window

void TestConsoleI18n::shouldChooseTheLanguage_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("saved");
    QTest::addColumn<QString>("system");
    QTest::addColumn<QString>("expected");
    QTest::newRow("system vi") << "" << "" << "vi_VN" << "vi";
    QTest::newRow("system en") << "" << "" << "en_GB" << "en";
    QTest::newRow("system de: English") << "" << "" << "de_DE" << "en";
    QTest::newRow("system C: English") << "" << "" << "C" << "en";
    QTest::newRow("saved beats system") << "" << "vi" << "en_US" << "vi";
    QTest::newRow("flag beats saved") << "en" << "vi" << "vi_VN" << "en";
    QTest::newRow("flag vi") << "vi" << "" << "en_US" << "vi";
    QTest::newRow("unknown flag skipped") << "fr" << "vi" << "en_US" << "vi";
    QTest::newRow("unknown saved skipped") << "" << "xx" << "vi_VN" << "vi";
}

void TestConsoleI18n::shouldChooseTheLanguage()
{
    QFETCH(QString, flag);
    QFETCH(QString, saved);
    QFETCH(QString, system);
    QFETCH(QString, expected);
    QCOMPARE(language::choose(flag, saved, QLocale(system)), expected);
}

void TestConsoleI18n::shouldTakeLangFlagAndKeepTheSetting()
{
    // Formats: the system's when it speaks the language, else the language's own.
    QCOMPARE(language::localeFor(QStringLiteral("vi"), QLocale(QStringLiteral("en_GB"))).name(), QStringLiteral("vi_VN"));
    QCOMPARE(language::localeFor(QStringLiteral("en"), QLocale(QStringLiteral("en_GB"))).name(), QStringLiteral("en_GB"));
    QCOMPARE(language::localeFor(QStringLiteral("en"), QLocale(QStringLiteral("vi_VN"))).name(), QStringLiteral("en_US"));

    QCommandLineParser parser;
    ConsoleSettings::addOptions(parser);
    QVERIFY(parser.parse({QStringLiteral("ops-console"), QStringLiteral("--lang"), QStringLiteral("VI")}));
    ConsoleSettings s;
    QString error;
    QVERIFY2(s.applyOptions(parser, &error), qPrintable(error));
    QCOMPARE(s.language, QStringLiteral("vi"));

    QCommandLineParser bad;
    ConsoleSettings::addOptions(bad);
    QVERIFY(bad.parse({QStringLiteral("ops-console"), QStringLiteral("--lang"), QStringLiteral("fr")}));
    ConsoleSettings t;
    QVERIFY(!t.applyOptions(bad, &error));
    QVERIFY2(error.contains(QStringLiteral("--lang")), qPrintable(error));
    QCOMPARE(t.language, QString()); // nothing half-applied

    // Kept with QSettings like every other setting; empty means "the system's".
    {
        QSettings store;
        s.save(store);
    }
    {
        QSettings store;
        QCOMPARE(store.value(QStringLiteral("ui/language")).toString(), QStringLiteral("vi"));
        QCOMPARE(ConsoleSettings::load(store).language, QStringLiteral("vi"));
        store.setValue(QStringLiteral("ui/language"), QStringLiteral("klingon"));
        QCOMPARE(ConsoleSettings::load(store).language, QString());
        ConsoleSettings system;
        system.save(store);
        QVERIFY(!store.contains(QStringLiteral("ui/language")));
    }
}

void TestConsoleI18n::translationCoversEveryStringOfTheCode()
{
    // The committed file: every message finished, its placeholders and markup kept.
    QStringList problems;
    for (const TsMessage &m : std::as_const(m_messages)) {
        const QString where = QStringLiteral("[%1] «%2»").arg(m.context, m.source);
        if (!m.type.isEmpty())
            problems << QStringLiteral("%1 is %2").arg(where, m.type);
        else if (m.translation.trimmed().isEmpty())
            problems << QStringLiteral("%1 has an empty translation").arg(where);
        else if (placeholders(m.source) != placeholders(m.translation))
            problems << QStringLiteral("%1: placeholders %2 became %3 in «%4»")
                            .arg(where, placeholders(m.source).join(u','), placeholders(m.translation).join(u','),
                                 m.translation);
        else if (tags(m.source) != tags(m.translation))
            problems << QStringLiteral("%1: markup differs in «%2»").arg(where, m.translation);
    }
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));

    // lupdate, the tool itself, over every source file of console/ into a copy of the
    // file: a string of the code without a translation comes out "unfinished", a
    // translation whose string left the code "vanished". Neither may exist.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString copy = dir.filePath(QStringLiteral("ops-console_vi.ts"));
    QVERIFY(QFile::copy(tsPath(), copy));
    QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);
    QProcess lupdate;
    lupdate.setProcessChannelMode(QProcess::MergedChannels);
    lupdate.start(QStringLiteral(LAB_LUPDATE),
                  {labtest::sourceDir() + QStringLiteral("/console"), QStringLiteral("-extensions"),
                   QStringLiteral("cpp,h"), QStringLiteral("-locations"), QStringLiteral("none"), QStringLiteral("-ts"),
                   copy});
    QVERIFY2(lupdate.waitForFinished(120000), "lupdate did not finish within 120 s (hang bound)");
    const QString output = QString::fromUtf8(lupdate.readAll());
    QVERIFY2(lupdate.exitStatus() == QProcess::NormalExit && lupdate.exitCode() == 0, qPrintable(output));
    qInfo("lupdate: %s", qPrintable(output.simplified()));
    QString error;
    const QList<TsMessage> updated = readTs(copy, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QStringList unfinished;
    QStringList vanished;
    for (const TsMessage &m : updated) {
        if (m.type == QLatin1String("unfinished"))
            unfinished << QStringLiteral("[%1] «%2»").arg(m.context, m.source);
        else if (m.type == QLatin1String("vanished") || m.type == QLatin1String("obsolete"))
            vanished << QStringLiteral("[%1] «%2»").arg(m.context, m.source);
    }
    QVERIFY2(unfinished.isEmpty(),
             qPrintable(QStringLiteral("strings of the code without a Vietnamese translation (run `cmake --build build "
                                       "--target update_translations` and translate them in %1):\n%2")
                            .arg(tsPath(), unfinished.join(u'\n'))));
    QVERIFY2(vanished.isEmpty(),
             qPrintable(QStringLiteral("translations of strings the code no longer has (update_translations drops "
                                       "them):\n%1").arg(vanished.join(u'\n'))));
    QCOMPARE(updated.size(), m_messages.size());
}

void TestConsoleI18n::embeddedTranslationLoadsAndFormatsNumbers()
{
    const language::Applied en = language::apply(QStringLiteral("en"));
    QCOMPARE(en.code, QStringLiteral("en"));
    QCOMPARE(QCoreApplication::translate("MainWindow", "Live feed"), QStringLiteral("Live feed"));

    const language::Applied vi = language::apply(QStringLiteral("vi"), QLocale(QStringLiteral("en_US")));
    QVERIFY2(vi.console, "the embedded :/i18n/ops-console_vi.qm did not load");
    QCOMPARE(QCoreApplication::translate("MainWindow", "Live feed"), QStringLiteral("Thông báo trực tiếp"));
    QCOMPARE(QCoreApplication::translate("display", "confirmed"), QStringLiteral("đã xác nhận"));
    // Qt has no Vietnamese of its own (not in Debian's qt6-translations-l10n, nor upstream):
    // looked for, not required.
    qInfo("Qt's own translations %s (%s)", vi.qt ? "loaded" : "absent", qPrintable(vi.qtFile));

    QCOMPARE(QLocale().language(), QLocale::Vietnamese);
    QCOMPARE(display::number(1234567), QStringLiteral("1.234.567"));
    const QDateTime t(QDate(2026, 11, 25), QTime(14, 51, 16, 123));
    QCOMPARE(display::dateTime(t), QStringLiteral("25/11/2026 14:51:16"));
    QCOMPARE(display::statusText(QStringLiteral("failed")), QStringLiteral("thất bại"));
    QCOMPARE(display::statusText(QStringLiteral("some-new-status")), QStringLiteral("some-new-status"));

    ApiReply refused;
    refused.networkError = QStringLiteral("Connection refused");
    QCOMPARE(refused.summary(), QStringLiteral("không có phản hồi: Connection refused"));
    ApiReply bad;
    bad.httpStatus = 400;
    bad.body = R"({"error":"item must not be empty","field":"item"})";
    // The API's own message stays English: it is part of the contract.
    QCOMPARE(bad.summary(), QStringLiteral("400 Yêu cầu không hợp lệ: item must not be empty (trường: item)"));
    ApiReply slow;
    slow.timedOut = true;
    slow.elapsedMs = 1500;
    QCOMPARE(slow.summary(), QStringLiteral("không có phản hồi trong 1,5 giây"));
    QCOMPARE(OrderInput::check(QString(), QStringLiteral("mouse"), 1).message, QStringLiteral("cần nhập order_id"));
}

// ----------------------------------------------------------- against the real services

bool TestConsoleI18n::ensureStack()
{
    if (m_stackTried)
        return m_stackError.isEmpty();
    m_stackTried = true;
    for (const QString &p : {labtest::kafkaProblem(), labtest::redisProblem(), labtest::elasticProblem()})
        if (!p.isEmpty()) {
            m_stackError = p;
            return false;
        }
    m_stack = std::make_unique<labtest::ServiceStack>();
    // The seed's order (2000 mice) is cheap enough; 600 monitors exceed the payment limit.
    m_stack->setEnv(QStringLiteral("PAYMENT_PRICES"), QStringLiteral("mouse=100"));
    m_stack->setEnv(QStringLiteral("PAYMENT_DEFAULT_PRICE_CENTS"), QStringLiteral("1000"));
    m_stack->setEnv(QStringLiteral("PAYMENT_LIMIT_CENTS"), QStringLiteral("500000"));
    m_stackError = m_stack->startAll(90000);
    if (!m_stackError.isEmpty())
        return false;
    ConsoleSettings s;
    s.orderUrl = m_stack->url(QStringLiteral("order-service"), QString());
    s.searchUrl = m_stack->url(QStringLiteral("search-service"), QString());
    s.notifierUrl = QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_stack->port(QStringLiteral("notifier-service"))));
    s.paymentHealthUrl = m_stack->url(QStringLiteral("payment-service"), QStringLiteral("/healthz"));
    s.inventoryHealthUrl = m_stack->url(QStringLiteral("inventory-service"), QStringLiteral("/healthz"));
    s.requestTimeoutMs = 15000;
    s.language = QStringLiteral("vi");
    // As main() does: the language before the window.
    language::apply(language::choose(QString(), s.language));
    m_window = std::make_unique<MainWindow>(s, false);
    m_window->resize(1280, 800);
    m_window->show();
    if (!QTest::qWaitForWindowExposed(m_window.get())) {
        m_stackError = QStringLiteral("the console window was never exposed");
        return false;
    }
    return true;
}

QString TestConsoleI18n::saveShot(QWidget *widget, const QString &name)
{
    const QString dir = labtest::buildDir() + QStringLiteral("/screenshots");
    QDir().mkpath(dir);
    const QString path = dir + QLatin1Char('/') + name + QStringLiteral(".png");
    QCoreApplication::processEvents(); // let layouts settle after a tab switch
    if (!widget->grab().save(path))
        qWarning("cannot write %s", qPrintable(path));
    const QImage image(path);
    if (image.isNull() || image.width() < 400 || image.height() < 300)
        qWarning("screenshot %s is missing or too small", qPrintable(path));
    qInfo("screenshot %s", qPrintable(path));
    return path;
}

void TestConsoleI18n::checkNoEnglish(QWidget *root, const char *where)
{
    const QStringList leaks = EnglishLeaks(m_messages).find(visibleTexts(root));
    QVERIFY2(leaks.isEmpty(), qPrintable(QStringLiteral("English left on %1:\n%2").arg(QLatin1String(where), leaks.join(u'\n'))));
    // Vietnamese runs longer than English: no one-line label may be cut short. (A label
    // whose tool tip repeats its text is meant to shrink: the tip shows it whole.) Posted
    // layout requests first, as the screen would show it.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    QStringList cut;
    for (const QLabel *l : root->findChildren<QLabel *>()) {
        if (!l->isVisibleTo(root) || l->wordWrap() || l->text().isEmpty() || l->toolTip() == l->text())
            continue;
        if (l->width() < l->sizeHint().width())
            cut << QStringLiteral("«%1» (%2 of %3 px)").arg(plain(l->text())).arg(l->width()).arg(l->sizeHint().width());
    }
    QVERIFY2(cut.isEmpty(), qPrintable(QStringLiteral("labels cut short on %1:\n%2").arg(QLatin1String(where), cut.join(u'\n'))));
}

void TestConsoleI18n::everyTabSpeaksVietnamese()
{
    QVERIFY2(ensureStack(), qPrintable(m_stackError));
    MainWindow *w = m_window.get();
    QTRY_COMPARE_WITH_TIMEOUT(w->feedClient()->state(), FeedClient::State::Connected, 15000);

    QCOMPARE(tabTexts(w->tabs()), (QStringList{QStringLiteral("Đơn hàng mới"), QStringLiteral("Tìm kiếm"),
                                               QStringLiteral("Thông báo trực tiếp"), QStringLiteral("Tình trạng"),
                                               QStringLiteral("Thông lượng"), QStringLiteral("Kafka")}));
    QStringList menus;
    for (const QAction *a : w->findChildren<QAction *>(QStringLiteral("action-settings")))
        menus << a->text();
    QCOMPARE(menus, QStringList{QStringLiteral("&Cài đặt…")});

    // New order: the seed's order, 2000 mice, typed into the form.
    w->tabs()->setCurrentIndex(MainWindow::OrderTab);
    auto *formBox = child<QGroupBox>(w, QStringLiteral("order-form"));
    auto *idEdit = child<QLineEdit>(w, QStringLiteral("order-id"));
    auto *itemEdit = child<QLineEdit>(w, QStringLiteral("order-item"));
    auto *qty = child<QSpinBox>(w, QStringLiteral("order-quantity"));
    auto *submit = child<QPushButton>(w, QStringLiteral("order-submit"));
    auto *hint = child<QLabel>(w, QStringLiteral("order-hint"));
    auto *title = child<QLabel>(w, QStringLiteral("order-result-title"));
    auto *detail = child<QLabel>(w, QStringLiteral("order-result-detail"));
    QVERIFY(formBox && idEdit && itemEdit && qty && submit && hint && title && detail);
    QCOMPARE(formBox->title(), QStringLiteral("Đơn hàng mới"));
    QCOMPARE(submit->text(), QStringLiteral("Tạo đơn hàng"));
    QCOMPARE(child<QPushButton>(w, QStringLiteral("order-random-id"))->text(), QStringLiteral("Mã ngẫu nhiên"));
    QCOMPARE(title->text(), QStringLiteral("Sẵn sàng"));
    QCOMPARE(hint->text(), QStringLiteral("Nhập mã đơn hàng (hoặc chọn mã ngẫu nhiên), mặt hàng và số lượng."));
    QStringList formLabels;
    for (const QLabel *l : formBox->findChildren<QLabel *>())
        formLabels << l->text();
    for (const char *label : {"Mã đơn hàng", "Mặt hàng", "Số lượng"})
        QVERIFY2(formLabels.contains(QString::fromUtf8(label)), qPrintable(formLabels.join(u'|')));
    QCOMPARE(qty->locale().language(), QLocale::Vietnamese);
    checkNoEnglish(w, "the new-order tab before sending");
    if (QTest::currentTestFailed())
        return;

    const qint64 id = m_idBase + 1;
    m_confirmedId = id;
    QTest::keyClicks(idEdit, QString::number(id));
    QTest::keyClicks(itemEdit, QStringLiteral("mouse"));
    qty->setValue(2000);
    QCOMPARE(qty->text(), QStringLiteral("2.000"));
    QCOMPARE(hint->text(), QStringLiteral("Sẵn sàng gửi đơn hàng %1.").arg(id));
    QTest::mouseClick(submit, Qt::LeftButton);
    QVERIFY(w->orderPage()->isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(!w->orderPage()->isBusy(), 20000);
    QVERIFY2(title->text() == QStringLiteral("✔ Đã tạo đơn hàng %1").arg(id), qPrintable(title->text()));
    // The API's answer is quoted as it came (English, by contract); the words around it are ours.
    QVERIFY2(detail->text().startsWith(QStringLiteral("200 OK: Order created")), qPrintable(detail->text()));
    QVERIFY2(detail->text().contains(QStringLiteral("Đang chờ thanh toán")), qPrintable(detail->text()));
    QTRY_VERIFY_WITH_TIMEOUT(title->text() == QStringLiteral("✔ Đơn hàng %1 đã được xác nhận").arg(id), 30000);
    QVERIFY2(detail->text().contains(QStringLiteral("Kết quả: đã xác nhận (quyết định lúc ")), qPrintable(detail->text()));
    auto *history = child<QTableWidget>(w, QStringLiteral("order-history"));
    QVERIFY(history);
    QCOMPARE(history->horizontalHeaderItem(5)->text(), QStringLiteral("Kết quả"));
    QCOMPARE(history->item(0, 3)->text(), QStringLiteral("2.000"));
    QTRY_COMPARE(history->item(0, 5)->text(), QStringLiteral("đã xác nhận"));

    // A failing order, to show its outcome in Vietnamese (its reason stays the service's).
    idEdit->clear();
    QTest::keyClicks(idEdit, QString::number(m_idBase + 2));
    itemEdit->clear();
    QTest::keyClicks(itemEdit, QStringLiteral("monitor"));
    qty->setValue(600);
    QTest::mouseClick(submit, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!w->orderPage()->isBusy(), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(title->text() == QStringLiteral("✖ Đơn hàng %1 thất bại").arg(m_idBase + 2), 30000);
    // A few more orders straight at the API, so that every tab has something to show
    // (the monitors exceed the payment limit).
    const QStringList items{QStringLiteral("keyboard"), QStringLiteral("headset"), QStringLiteral("webcam"),
                            QStringLiteral("usb cable"), QStringLiteral("monitor")};
    const int quantities[] = {1, 2, 3, 10, 600};
    QList<qint64> more;
    for (int i = 0; i < 10; ++i) {
        const qint64 moreId = m_idBase + 10 + i;
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("order_id"), moreId},
                                                          {QStringLiteral("item"), items.at(i % 5)},
                                                          {QStringLiteral("quantity"), quantities[i % 5]}})
                                    .toJson(QJsonDocument::Compact);
        const labtest::HttpResult r = labtest::httpPost(m_stack->url(QStringLiteral("order-service"), QStringLiteral("/create_order")), body);
        QVERIFY2(r.status == 200, qPrintable(QStringLiteral("POST /create_order: %1 %2").arg(r.status).arg(QString::fromUtf8(r.body))));
        more << moreId;
    }
    for (qint64 moreId : std::as_const(more))
        QTRY_VERIFY_WITH_TIMEOUT(w->feedModel()->contains(moreId), 30000);
    // The form, as an operator leaves it before the next order.
    idEdit->clear();
    QTest::keyClicks(idEdit, QString::number(m_idBase + 3));
    itemEdit->clear();
    QTest::keyClicks(itemEdit, QStringLiteral("keyboard"));
    qty->setValue(1);
    checkNoEnglish(w, "the new-order tab");
    if (QTest::currentTestFailed())
        return;
    saveShot(w, QStringLiteral("console-vi-order"));

    // Live feed: both outcomes, Vietnamese words, Vietnamese numbers.
    w->tabs()->setCurrentIndex(MainWindow::FeedTab);
    auto *feed = child<QTableView>(w, QStringLiteral("feed-table"));
    auto *state = child<QLabel>(w, QStringLiteral("feed-state"));
    auto *filter = child<QComboBox>(w, QStringLiteral("feed-filter"));
    QVERIFY(feed && state && filter);
    QTRY_VERIFY_WITH_TIMEOUT(w->feedModel()->contains(m_idBase + 2), 30000);
    QCOMPARE(state->text(), QStringLiteral("● đã kết nối"));
    QCOMPARE(filter->itemText(0), QStringLiteral("Mọi kết quả"));
    QCOMPARE(feed->model()->headerData(FeedModel::StatusColumn, Qt::Horizontal).toString(), QStringLiteral("Trạng thái"));
    QCOMPARE(feed->model()->headerData(FeedModel::ReasonColumn, Qt::Horizontal).toString(), QStringLiteral("Lý do"));
    int confirmedRow = -1;
    int failedRow = -1;
    for (int r = 0; r < feed->model()->rowCount(); ++r) {
        const qint64 rowId = feed->model()->index(r, 0).data(FeedModel::OrderIdRole).toLongLong();
        if (rowId == id)
            confirmedRow = r;
        else if (rowId == m_idBase + 2)
            failedRow = r;
    }
    QVERIFY(confirmedRow >= 0 && failedRow >= 0);
    QCOMPARE(feed->model()->index(confirmedRow, FeedModel::StatusColumn).data().toString(), QStringLiteral("✔ đã xác nhận"));
    QCOMPARE(feed->model()->index(confirmedRow, FeedModel::QuantityColumn).data().toString(), QStringLiteral("2.000"));
    QCOMPARE(feed->model()->index(confirmedRow, FeedModel::SourceColumn).data().toString(), QStringLiteral("trực tiếp"));
    QCOMPARE(feed->model()->index(failedRow, FeedModel::StatusColumn).data().toString(), QStringLiteral("✖ thất bại"));
    QVERIFY(!feed->model()->index(failedRow, FeedModel::ReasonColumn).data().toString().isEmpty());
    QVERIFY2(child<QLabel>(w, QStringLiteral("feed-counts"))->text().contains(QStringLiteral("đã xác nhận")),
             qPrintable(child<QLabel>(w, QStringLiteral("feed-counts"))->text()));
    checkNoEnglish(w, "the live-feed tab");
    if (QTest::currentTestFailed())
        return;
    saveShot(w, QStringLiteral("console-vi-feed"));

    // Search: the seed's order by its item, then every order; dates in Vietnamese order.
    w->tabs()->setCurrentIndex(MainWindow::SearchTab);
    auto *searchButton = child<QPushButton>(w, QStringLiteral("search-button"));
    auto *searchItem = child<QLineEdit>(w, QStringLiteral("search-item"));
    auto *status = child<QLabel>(w, QStringLiteral("search-status"));
    QVERIFY(searchButton && searchItem && status);
    QCOMPARE(searchButton->text(), QStringLiteral("Tìm kiếm"));
    QCOMPARE(searchItem->placeholderText(), QStringLiteral("Mặt hàng cần tìm (để trống để liệt kê mọi đơn hàng)"));
    searchItem->setText(QStringLiteral("mouse"));
    QVERIFY(QTest::qWaitFor([&] {
        const auto rows = w->searchPage()->model()->rows();
        const bool found = rows.size() == 1 && rows.first().orderId == id && rows.first().status == QLatin1String("confirmed");
        if (!found && !w->searchPage()->isBusy())
            QTest::mouseClick(searchButton, Qt::LeftButton);
        return found;
    }, 30000));
    QVERIFY2(status->text().startsWith(QStringLiteral("Đơn hàng: 1 cho \"mouse\" trong ")), qPrintable(status->text()));
    const SearchModel *model = w->searchPage()->model();
    QCOMPARE(model->headerData(SearchModel::ItemColumn, Qt::Horizontal).toString(), QStringLiteral("Mặt hàng"));
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->index(r, SearchModel::OrderIdColumn).data().toString() != QString::number(id))
            continue;
        QCOMPARE(model->index(r, SearchModel::QuantityColumn).data().toString(), QStringLiteral("2.000"));
        QCOMPARE(model->index(r, SearchModel::StatusColumn).data().toString(), QStringLiteral("đã xác nhận"));
        const QString time = model->index(r, SearchModel::TimeColumn).data().toString();
        QVERIFY2(QRegularExpression(QStringLiteral("^\\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d:\\d\\d$")).match(time).hasMatch(),
                 qPrintable(time));
    }
    QCOMPARE(child<QLabel>(w, QStringLiteral("search-page-label"))->text(), QStringLiteral("đơn hàng 1–1"));
    searchItem->clear();
    QVERIFY(QTest::qWaitFor([&] {
        const auto rows = w->searchPage()->model()->rows();
        const bool all = rows.size() == 12 && std::all_of(rows.cbegin(), rows.cend(), [](const OrderRow &r) {
                             return r.status == QLatin1String("confirmed") || r.status == QLatin1String("failed");
                         });
        if (!all && !w->searchPage()->isBusy())
            QTest::mouseClick(searchButton, Qt::LeftButton);
        return all;
    }, 30000));
    QVERIFY2(status->text().startsWith(QStringLiteral("Đơn hàng: 12, mọi mặt hàng, trong ")), qPrintable(status->text()));
    // The histogram above the list, its filters and totals in Vietnamese.
    QTRY_VERIFY_WITH_TIMEOUT(!w->searchPage()->isStatsBusy(), 15000);
    QCOMPARE(child<QComboBox>(w, QStringLiteral("search-range"))->currentText(), QStringLiteral("1 giờ qua"));
    QCOMPARE(child<QComboBox>(w, QStringLiteral("search-status-filter"))->itemText(0), QStringLiteral("Mọi trạng thái"));
    QCOMPARE(child<QComboBox>(w, QStringLiteral("search-status-filter"))->itemText(3), QStringLiteral("thất bại"));
    auto *totals = child<QLabel>(w, QStringLiteral("search-totals"));
    QVERIFY2(totals->text().startsWith(QStringLiteral("Đơn hàng trong khoảng: 12 · đã xác nhận ")), qPrintable(totals->text()));
    checkNoEnglish(w, "the search tab");
    if (QTest::currentTestFailed())
        return;
    saveShot(w, QStringLiteral("console-vi-search"));

    // Health: five services up, in Vietnamese; the state key stays the same in any language.
    w->tabs()->setCurrentIndex(MainWindow::HealthTab);
    for (const char *key : {"order", "search", "payment", "inventory", "notifier"}) {
        QTRY_COMPARE_WITH_TIMEOUT(stateKeyOf(w, QString::fromLatin1(key)), QStringLiteral("up"), 15000);
        QCOMPARE(child<QLabel>(w, QStringLiteral("health-state-") + QString::fromLatin1(key))->text(),
                 QStringLiteral("ĐANG CHẠY"));
    }
    QTRY_COMPARE(child<QLabel>(w, QStringLiteral("health-summary"))->text(), QStringLiteral("5/5 dịch vụ đang chạy"));
    QCOMPARE(child<QPushButton>(w, QStringLiteral("health-refresh"))->text(), QStringLiteral("Làm mới ngay"));
    QVERIFY2(child<QLabel>(w, QStringLiteral("status-health"))->text().contains(QStringLiteral("5/5 dịch vụ đang chạy")),
             qPrintable(child<QLabel>(w, QStringLiteral("status-health"))->text()));
    QVERIFY2(child<QLabel>(w, QStringLiteral("status-feed"))->text().contains(QStringLiteral("thông báo trực tiếp: đã kết nối")),
             qPrintable(child<QLabel>(w, QStringLiteral("status-feed"))->text()));
    checkNoEnglish(w, "the health tab");
    if (QTest::currentTestFailed())
        return;
    saveShot(w, QStringLiteral("console-vi-health"));

    // Throughput.
    w->tabs()->setCurrentIndex(MainWindow::ThroughputTab);
    auto *window = child<QComboBox>(w, QStringLiteral("throughput-window"));
    QVERIFY(window);
    QCOMPARE(window->currentText(), QStringLiteral("5 phút qua"));
    QCOMPARE(child<QLabel>(w, QStringLiteral("throughput-caption"))->text(),
             QStringLiteral("Kết quả đơn hàng mỗi giây, theo thời điểm notifier-service quyết định"));
    w->throughputPage()->redraw();
    QTRY_VERIFY(child<QLabel>(w, QStringLiteral("throughput-confirmed"))->text().toInt() >= 1);
    QVERIFY2(child<QLabel>(w, QStringLiteral("throughput-failure-rate"))->text().contains(QLatin1Char(',')),
             qPrintable(child<QLabel>(w, QStringLiteral("throughput-failure-rate"))->text()));
    checkNoEnglish(w, "the throughput tab");
    if (QTest::currentTestFailed())
        return;
    saveShot(w, QStringLiteral("console-vi-throughput"));

    // Kafka: topics, consumer groups and a tail, the console's words in Vietnamese (the
    // names and states are Kafka's).
    w->tabs()->setCurrentIndex(MainWindow::KafkaTab);
    KafkaPage *kafka = w->kafkaPage();
    QTRY_VERIFY_WITH_TIMEOUT(kafka->topicsTable()->rowCount() >= 6 && kafka->groupsTree()->topLevelItemCount() == 4, 30000);
    QSignalSpy fetched(kafka, &KafkaPage::tailFetched);
    QTest::mouseClick(child<QPushButton>(w, QStringLiteral("kafka-tail-fetch")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(fetched.count() == 1, 15000);
    QCOMPARE(fetched.first().first().toBool(), true);
    QCOMPARE(kafka->topicsTable()->horizontalHeaderItem(KafkaPage::TopicPartitionColumn)->text(), QStringLiteral("Phân vùng"));
    QCOMPARE(kafka->topicsTable()->horizontalHeaderItem(KafkaPage::EndColumn)->text(), QStringLiteral("Cuối"));
    QCOMPARE(kafka->groupsTree()->headerItem()->text(KafkaPage::LagColumn), QStringLiteral("Độ trễ"));
    QCOMPARE(child<QPushButton>(w, QStringLiteral("kafka-tail-fetch"))->text(), QStringLiteral("Lấy về"));
    QCOMPARE(kafka->tailCount()->suffix(), QStringLiteral(" bản ghi"));
    QVERIFY2(child<QLabel>(w, QStringLiteral("kafka-updated"))->text().startsWith(QStringLiteral("Trả lời gần nhất lúc ")),
             qPrintable(child<QLabel>(w, QStringLiteral("kafka-updated"))->text()));
    QVERIFY2(child<QLabel>(w, QStringLiteral("kafka-tail-status"))->text().startsWith(QStringLiteral("Bản ghi: ")),
             qPrintable(child<QLabel>(w, QStringLiteral("kafka-tail-status"))->text()));
    checkNoEnglish(w, "the Kafka tab");
    if (QTest::currentTestFailed())
        return;
    saveShot(w, QStringLiteral("console-vi-kafka"));
}

void TestConsoleI18n::dialogsSpeakVietnamese()
{
    QVERIFY2(ensureStack(), qPrintable(m_stackError));
    MainWindow *w = m_window.get();
    QVERIFY2(m_confirmedId > 0, "everyTabSpeaksVietnamese did not create its order");

    // The order's full status.
    OrderDialog *dialog = w->openOrder(m_confirmedId);
    QVERIFY(dialog);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->status(), QStringLiteral("confirmed"), 15000);
    QCOMPARE(dialog->windowTitle(), QStringLiteral("Đơn hàng %1").arg(m_confirmedId));
    QCOMPARE(child<QLabel>(dialog, QStringLiteral("order-dialog-state"))->text(), QStringLiteral("đã xác nhận"));
    // Its journey first: the hops by readable Vietnamese names.
    QCOMPARE(child<QTabWidget>(dialog, QStringLiteral("order-dialog-tabs"))->tabText(OrderDialog::JourneyTab),
             QStringLiteral("Hành trình"));
    QCOMPARE(dialog->journeyView()->journey().hops.size(), 6);
    QCOMPARE(Journey::hopName(QStringLiteral("kafka_acknowledged")), QStringLiteral("Kafka đã ghi nhận"));
    QCOMPARE(Journey::hopName(QStringLiteral("notified")), QStringLiteral("Đã thông báo"));
    auto *dialogButtons = child<QDialogButtonBox>(dialog, QStringLiteral("order-dialog-buttons"));
    QVERIFY(dialogButtons);
    QCOMPARE(dialogButtons->button(QDialogButtonBox::Close)->text(), QStringLiteral("Đóng"));
    checkNoEnglish(dialog, "the order dialog");
    if (QTest::currentTestFailed())
        return;
    saveShot(dialog, QStringLiteral("console-vi-order-dialog"));
    dialog->close();

    // Settings: the language among them, and our words on the standard buttons.
    SettingsDialog *settings = w->openSettings();
    QTRY_VERIFY(settings->isVisible());
    QCOMPARE(settings->windowTitle(), QStringLiteral("Cài đặt console"));
    auto *languageBox = child<QComboBox>(settings, QStringLiteral("settings-language"));
    QVERIFY(languageBox);
    QCOMPARE(languageBox->currentData().toString(), QStringLiteral("vi"));
    QCOMPARE(languageBox->currentText(), QStringLiteral("Tiếng Việt"));
    QVERIFY2(languageBox->itemText(0).startsWith(QStringLiteral("Theo hệ thống (")), qPrintable(languageBox->itemText(0)));
    QCOMPARE(child<QPushButton>(settings, QStringLiteral("settings-ok"))->text(), QStringLiteral("Đồng ý"));
    QCOMPARE(child<QPushButton>(settings, QStringLiteral("settings-cancel"))->text(), QStringLiteral("Hủy"));
    checkNoEnglish(settings, "the settings dialog");
    if (QTest::currentTestFailed())
        return;
    saveShot(settings, QStringLiteral("console-vi-settings"));

    // Choosing English is kept and said to apply at the next start.
    languageBox->setCurrentIndex(languageBox->findData(QStringLiteral("en")));
    QTest::mouseClick(child<QPushButton>(settings, QStringLiteral("settings-ok")), Qt::LeftButton);
    QTRY_VERIFY(!settings->isVisible());
    QCOMPARE(w->settings().language, QStringLiteral("en"));
    QCOMPARE(w->statusBar()->currentMessage(), QStringLiteral("Ngôn ngữ mới có hiệu lực từ lần khởi động console tiếp theo."));
    QCOMPARE(w->tabs()->tabText(MainWindow::OrderTab), QStringLiteral("Đơn hàng mới"));
}

QTEST_MAIN(TestConsoleI18n)
#include "tst_console_i18n.moc"
