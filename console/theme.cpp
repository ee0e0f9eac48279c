#include "theme.h"

#include <QHeaderView>
#include <QTableView>

#include <QApplication>
#include <QFont>
#include <QFontDatabase>
#include <QLabel>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>
#include <QVariant>

namespace theme {

namespace {

const char *const kStyleSheet = R"(
QMainWindow, QDialog { background: #f4f5f7; }
QTabWidget::pane { border: 1px solid #d8dce2; border-radius: 6px; top: -1px; background: #f4f5f7; }
QTabBar::tab { padding: 7px 18px; margin-right: 2px; border: 1px solid #d8dce2; border-bottom: none;
               border-top-left-radius: 6px; border-top-right-radius: 6px; background: #e9ecf0; color: #374151; }
QTabBar::tab:selected { background: #f4f5f7; color: #111827; border-top: 3px solid #2563eb; padding-top: 5px; }
QTabBar::tab:hover:!selected { background: #f0f2f5; }
QGroupBox { font-weight: bold; border: 1px solid #d8dce2; border-radius: 6px; margin-top: 14px;
            padding: 14px 12px 10px 12px; background: #ffffff; }
QGroupBox::title { subcontrol-origin: margin; left: 12px; padding: 0 4px; color: #374151; }
QFrame[card="true"] { background: #ffffff; border: 1px solid #d8dce2; border-radius: 8px; }
QFrame[card="true"] QLabel { border: none; background: transparent; }
QLabel[pill="true"] { color: white; border-radius: 9px; padding: 2px 10px; font-weight: bold; }
QLabel[muted="true"] { color: #6b7280; }
QLabel[heading="true"] { font-size: 13pt; font-weight: bold; color: #111827; }
QLabel[kpi="true"] { font-size: 18pt; font-weight: bold; color: #111827; }
QPushButton { padding: 5px 14px; border-radius: 4px; border: 1px solid #c5cad3; background: #ffffff; }
QPushButton:hover { background: #f3f4f6; }
QPushButton:pressed { background: #e5e7eb; }
QPushButton:disabled { color: #9ca3af; background: #f3f4f6; }
QPushButton[primary="true"] { background: #2563eb; color: white; border: 1px solid #1d4ed8; font-weight: bold; }
QPushButton[primary="true"]:hover { background: #1d4ed8; }
QPushButton[primary="true"]:disabled { background: #9db6f0; border-color: #9db6f0; color: #f5f7ff; }
QLineEdit { padding: 4px 6px; border: 1px solid #c5cad3; border-radius: 4px; background: white; }
QLineEdit:focus { border: 1px solid #2563eb; }
QLineEdit[invalid="true"] { border: 1px solid #c62828; background: #fff5f5; }
QTableView, QTreeWidget { background: white; alternate-background-color: #f8f9fb; border: 1px solid #d8dce2;
                          border-radius: 4px; gridline-color: #eceef1; selection-background-color: #dbe7ff;
                          selection-color: #111827; }
QTreeWidget::item { padding: 3px 2px; }
QHeaderView::section { background: #eef0f3; color: #374151; padding: 5px 8px; border: none;
                       border-right: 1px solid #dde0e5; border-bottom: 1px solid #d8dce2; font-weight: bold; }
QFrame#order-result { border-radius: 6px; border: 1px solid #d8dce2; background: #ffffff; }
QFrame#order-result[kind="ok"] { background: #e6f4ea; border-color: #9bd0aa; }
QFrame#order-result[kind="error"] { background: #fdecea; border-color: #f0a8a0; }
QFrame#order-result[kind="busy"] { background: #eef2ff; border-color: #b9c8f5; }
QStatusBar { background: #e9ecf0; border-top: 1px solid #d8dce2; }
QStatusBar QLabel { padding: 0 6px; }
)";

} // namespace

void apply(QApplication &app)
{
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p = app.style()->standardPalette();
    p.setColor(QPalette::Window, QColor(0xf4, 0xf5, 0xf7));
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xf8, 0xf9, 0xfb));
    p.setColor(QPalette::Highlight, QColor(0x25, 0x63, 0xeb));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Text, QColor(0x11, 0x18, 0x27));
    p.setColor(QPalette::WindowText, QColor(0x11, 0x18, 0x27));
    p.setColor(QPalette::ButtonText, QColor(0x11, 0x18, 0x27));
    app.setPalette(p);
    // Headless platforms (offscreen, bare Xvfb) have no desktop font settings: pick a
    // readable one instead of whatever the fallback is.
    const QString platform = QGuiApplication::platformName();
    if (platform == QLatin1String("offscreen") || platform == QLatin1String("minimal")
        || qEnvironmentVariableIsEmpty("XDG_CURRENT_DESKTOP")) {
        const QStringList families = QFontDatabase::families();
        for (const QString &f : {QStringLiteral("Noto Sans"), QStringLiteral("DejaVu Sans"),
                                 QStringLiteral("Liberation Sans")}) {
            if (families.contains(f)) {
                app.setFont(QFont(f, 10));
                break;
            }
        }
    }
    app.setStyleSheet(QString::fromLatin1(kStyleSheet));
}

void setPill(QLabel *label, const QString &text, const QString &color)
{
    label->setText(text);
    label->setProperty("pill", true);
    label->setAlignment(Qt::AlignCenter);
    // The colour changes at runtime: a per-widget sheet wins over the app sheet.
    label->setStyleSheet(QStringLiteral("background: %1;").arg(color));
}

void setStyleProperty(QWidget *widget, const char *name, const QVariant &value)
{
    if (widget->property(name) == value)
        return;
    widget->setProperty(name, value);
    widget->style()->unpolish(widget);
    widget->style()->polish(widget);
    widget->update();
}

void styleTable(QTableView *table)
{
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setAlternatingRowColors(true);
    table->setShowGrid(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(26);
}

} // namespace theme
