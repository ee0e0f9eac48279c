#include "settingsdialog.h"

#include "language.h"
#include "theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

SettingsDialog::SettingsDialog(const ConsoleSettings &settings, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("settings-dialog"));
    setWindowTitle(tr("Console settings"));
    setMinimumWidth(560);

    QWidget *endpoints = buildEndpoints();
    QWidget *access = buildAccess();
    QWidget *display = buildDisplay();
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("settings-error"));
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->setWordWrap(true);
    m_error->hide();

    auto *note = new QLabel(tr("Saved for the next start. Command-line flags (--order-url, …, --lang) "
                               "override saved values for one session."), this);
    note->setProperty("muted", true);
    note->setWordWrap(true);

    QDialogButtonBox *buttons = buildButtons();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 14, 16, 12);
    layout->setSpacing(10);
    layout->addWidget(endpoints);
    layout->addWidget(access);
    layout->addWidget(display);
    layout->addWidget(note);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    setSettings(settings);
    // Wide enough for the longest label: the word-wrapped note lets Qt settle for the
    // minimum width otherwise, which squeezes the labels of longer languages.
    resize(sizeHint());
}

/// The services' addresses.
QWidget *SettingsDialog::buildEndpoints()
{
    m_order = urlEdit(QStringLiteral("settings-order-url"), QStringLiteral("http://127.0.0.1:5000"));
    m_search = urlEdit(QStringLiteral("settings-search-url"), QStringLiteral("http://127.0.0.1:5100"));
    m_notifier = urlEdit(QStringLiteral("settings-notifier-url"), QStringLiteral("ws://127.0.0.1:8000/ws"));
    m_notifierHttp = urlEdit(QStringLiteral("settings-notifier-http-url"),
                             tr("derived from the WebSocket URL (%1)").arg(QStringLiteral("http://127.0.0.1:8000")));
    m_notifierHttp->setToolTip(tr("notifier-service's HTTP address, for the Kafka tab; leave empty to use "
                                  "the host and port of the WebSocket URL"));
    m_payment = urlEdit(QStringLiteral("settings-payment-url"), QStringLiteral("http://127.0.0.1:5200/healthz"));
    m_inventory = urlEdit(QStringLiteral("settings-inventory-url"), QStringLiteral("http://127.0.0.1:5300/healthz"));

    auto *endpoints = new QGroupBox(tr("Endpoints"), this);
    auto *form = new QFormLayout(endpoints);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    form->setVerticalSpacing(8);
    form->addRow(tr("Order API"), m_order);
    form->addRow(tr("Search API"), m_search);
    form->addRow(tr("Notifier WebSocket"), m_notifier);
    form->addRow(tr("Notifier HTTP (Kafka)"), m_notifierHttp);
    form->addRow(tr("Payment health"), m_payment);
    form->addRow(tr("Inventory health"), m_inventory);
    return endpoints;
}

/// The API token (hidden unless "show"), the request timeout and the health refresh.
QWidget *SettingsDialog::buildAccess()
{
    m_token = new QLineEdit(this);
    m_token->setObjectName(QStringLiteral("settings-token"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("optional"));
    m_token->setToolTip(tr("Sent as 'Authorization: Bearer <token>' when creating orders"));
    m_showToken = new QCheckBox(tr("show"), this);
    m_showToken->setObjectName(QStringLiteral("settings-show-token"));
    connect(m_showToken, &QCheckBox::toggled, this, [this](bool on) {
        m_token->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password);
    });

    m_timeout = new QSpinBox(this);
    m_timeout->setObjectName(QStringLiteral("settings-timeout"));
    m_timeout->setRange(500, 600000);
    m_timeout->setSingleStep(500);
    m_timeout->setSuffix(QStringLiteral(" ms"));
    m_timeout->setGroupSeparatorShown(true);
    m_interval = new QSpinBox(this);
    m_interval->setObjectName(QStringLiteral("settings-health-interval"));
    m_interval->setRange(500, 60000);
    m_interval->setSingleStep(500);
    m_interval->setSuffix(QStringLiteral(" ms"));
    m_interval->setGroupSeparatorShown(true);

    auto *access = new QGroupBox(tr("Access and timing"), this);
    auto *accessForm = new QFormLayout(access);
    accessForm->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    accessForm->setVerticalSpacing(8);
    auto *tokenRow = new QHBoxLayout;
    tokenRow->addWidget(m_token, 1);
    tokenRow->addWidget(m_showToken);
    accessForm->addRow(tr("API token"), tokenRow);
    accessForm->addRow(tr("Request timeout"), m_timeout);
    accessForm->addRow(tr("Health refresh"), m_interval);
    return access;
}

/// The console's language.
QWidget *SettingsDialog::buildDisplay()
{
    m_language = new QComboBox(this);
    m_language->setObjectName(QStringLiteral("settings-language"));
    m_language->addItem(tr("As the system (%1)").arg(language::nativeName(language::fromSystem())), QString());
    for (const QString &code : language::available())
        m_language->addItem(language::nativeName(code), code);

    auto *display = new QGroupBox(tr("Display"), this);
    auto *displayForm = new QFormLayout(display);
    displayForm->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto *languageNote = new QLabel(tr("applies at the next start"), this);
    languageNote->setProperty("muted", true);
    auto *languageRow = new QHBoxLayout;
    languageRow->addWidget(m_language);
    languageRow->addWidget(languageNote, 1);
    displayForm->addRow(tr("Language"), languageRow);
    return display;
}

/// OK, Cancel and "Local defaults" (which keeps the token and the language).
QDialogButtonBox *SettingsDialog::buildButtons()
{
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("settings-buttons"));
    auto *defaults = buttons->addButton(tr("Local defaults"), QDialogButtonBox::ResetRole);
    defaults->setObjectName(QStringLiteral("settings-defaults"));
    language::setStandardButtonTexts(buttons);
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("settings-ok"));
    theme::setStyleProperty(buttons->button(QDialogButtonBox::Ok), "primary", true);
    buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("settings-cancel"));
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    connect(defaults, &QPushButton::clicked, this, [this] {
        ConsoleSettings d;
        d.apiToken = m_token->text();
        d.language = m_language->currentData().toString();
        setSettings(d);
    });
    return buttons;
}

QLineEdit *SettingsDialog::urlEdit(const QString &name, const QString &placeholder)
{
    auto *e = new QLineEdit(this);
    e->setObjectName(name);
    e->setPlaceholderText(placeholder);
    e->setMinimumWidth(340);
    return e;
}

void SettingsDialog::setSettings(const ConsoleSettings &s)
{
    m_order->setText(s.orderUrl.toString());
    m_search->setText(s.searchUrl.toString());
    m_notifier->setText(s.notifierUrl.toString());
    m_notifierHttp->setText(s.notifierHttpUrl.toString());
    m_payment->setText(s.paymentHealthUrl.toString());
    m_inventory->setText(s.inventoryHealthUrl.toString());
    m_token->setText(s.apiToken);
    m_timeout->setValue(s.requestTimeoutMs);
    m_interval->setValue(s.healthIntervalMs);
    m_language->setCurrentIndex(qMax(0, m_language->findData(s.language)));
}

ConsoleSettings SettingsDialog::settings() const
{
    ConsoleSettings s;
    s.orderUrl = QUrl(m_order->text().trimmed());
    s.searchUrl = QUrl(m_search->text().trimmed());
    s.notifierUrl = QUrl(m_notifier->text().trimmed());
    s.notifierHttpUrl = QUrl(m_notifierHttp->text().trimmed());
    s.paymentHealthUrl = ConsoleSettings::healthUrlOf(QUrl(m_payment->text().trimmed()));
    s.inventoryHealthUrl = ConsoleSettings::healthUrlOf(QUrl(m_inventory->text().trimmed()));
    s.apiToken = m_token->text().trimmed();
    s.requestTimeoutMs = m_timeout->value();
    s.healthIntervalMs = m_interval->value();
    s.language = m_language->currentData().toString();
    return s;
}

void SettingsDialog::accept()
{
    const QString problem = settings().problem();
    if (!problem.isEmpty()) {
        m_error->setText(problem);
        m_error->show();
        return;
    }
    m_error->hide();
    QDialog::accept();
}
