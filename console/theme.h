// theme.h: the console's look in one place: Fusion with a calm light palette, a small
// style sheet (cards, status pills, the primary button, invalid fields) and helpers that
// colour a status pill, so every tab speaks the same visual language.
#pragma once

#include <QString>
#include <QVariant>

class QApplication;
class QLabel;
class QTableView;
class QWidget;

namespace theme {

void apply(QApplication &app);

/// Makes `label` a rounded status pill with white text on `color`.
void setPill(QLabel *label, const QString &text, const QString &color);
/// Every table of orders looks and behaves alike: read-only rows, one selected at a
/// time, alternating colours, no grid, no row numbers, 26 px rows.
void styleTable(QTableView *table);
/// Sets a dynamic property used by the style sheet and re-polishes the widget.
void setStyleProperty(QWidget *widget, const char *name, const QVariant &value);

inline const char *Green = "#1b7f3b";
inline const char *Red = "#c62828";
inline const char *Orange = "#d35400";
inline const char *Grey = "#7a7f87";
inline const char *Blue = "#2563eb";

} // namespace theme
