// settingsdialog.h: edit where the console finds the services, the optional API token and
// the console's language; validates before accepting. The caller applies and persists the
// result (a new language takes effect at the next start).
#pragma once

#include "consolesettings.h"

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(const ConsoleSettings &settings, QWidget *parent = nullptr);

    /// The settings as edited (valid once the dialog was accepted).
    ConsoleSettings settings() const;
    void setSettings(const ConsoleSettings &settings);

    void accept() override;

private:
    QWidget *buildEndpoints();
    QWidget *buildAccess();
    QWidget *buildDisplay();
    QDialogButtonBox *buildButtons();
    QLineEdit *urlEdit(const QString &name, const QString &placeholder);

    QLineEdit *m_order;
    QLineEdit *m_search;
    QLineEdit *m_notifier;
    QLineEdit *m_notifierHttp;
    QLineEdit *m_payment;
    QLineEdit *m_inventory;
    QLineEdit *m_token;
    QCheckBox *m_showToken;
    QSpinBox *m_timeout;
    QSpinBox *m_interval;
    QComboBox *m_language;
    QLabel *m_error;
};
