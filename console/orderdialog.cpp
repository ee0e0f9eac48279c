#include "orderdialog.h"

#include "apiclient.h"
#include "journeyview.h"
#include "language.h"
#include "orderrow.h"
#include "theme.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {

QString valueText(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String: return v.toString();
    case QJsonValue::Double: {
        const double d = v.toDouble();
        return d == double(qint64(d)) ? QString::number(qint64(d)) : QString::number(d);
    }
    case QJsonValue::Bool: return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Object: return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Array: return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Undefined: break;
    }
    return {};
}

void addValue(QTreeWidgetItem *parent, QTreeWidget *tree, const QString &key, const QJsonValue &v)
{
    auto *item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(tree);
    item->setText(0, key);
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            addValue(item, tree, it.key(), it.value());
        item->setExpanded(true);
        return;
    }
    item->setText(1, valueText(v));
    item->setToolTip(1, valueText(v));
    if (key == QLatin1String("status")) {
        item->setForeground(1, QColor(display::statusColor(v.toString())));
        QFont f = item->font(1);
        f.setBold(true);
        item->setFont(1, f);
    }
}

} // namespace

OrderDialog::OrderDialog(ApiClient *api, qint64 orderId, QWidget *parent)
    : QDialog(parent)
    , m_api(api)
    , m_orderId(orderId)
{
    setObjectName(QStringLiteral("order-dialog"));
    setWindowTitle(tr("Order %1").arg(orderId));
    resize(680, 540);

    m_title = new QLabel(tr("Order %1").arg(orderId), this);
    m_title->setObjectName(QStringLiteral("order-dialog-title"));
    m_title->setProperty("heading", true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("order-dialog-state"));
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("order-dialog-message"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_fields = new QTreeWidget(this);
    m_fields->setObjectName(QStringLiteral("order-dialog-fields"));
    m_fields->setColumnCount(2);
    m_fields->setHeaderLabels({tr("Field"), tr("Value")});
    m_fields->setAlternatingRowColors(true);
    m_fields->setRootIsDecorated(true);
    m_fields->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_fields->header()->setStretchLastSection(true);

    m_raw = new QPlainTextEdit(this);
    m_raw->setObjectName(QStringLiteral("order-dialog-raw"));
    m_raw->setReadOnly(true);
    QFont mono(QStringLiteral("DejaVu Sans Mono"));
    mono.setStyleHint(QFont::Monospace);
    m_raw->setFont(mono);

    // The journey: where the order's time went, and the trace id to find it elsewhere.
    m_journey = new JourneyView(this);
    m_journey->setObjectName(QStringLiteral("order-dialog-journey"));
    m_traceId = new QLineEdit(this);
    m_traceId->setObjectName(QStringLiteral("order-dialog-trace"));
    m_traceId->setReadOnly(true); // selectable and copyable, not editable
    m_traceId->setFont(mono);
    m_traceId->setPlaceholderText(tr("no trace id"));
    auto *journeyPage = new QWidget(this);
    auto *traceRow = new QHBoxLayout;
    traceRow->addWidget(new QLabel(tr("Trace id"), journeyPage));
    traceRow->addWidget(m_traceId, 1);
    auto *journeyLayout = new QVBoxLayout(journeyPage);
    journeyLayout->setContentsMargins(8, 8, 8, 8);
    journeyLayout->addLayout(traceRow);
    journeyLayout->addWidget(m_journey, 1);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("order-dialog-tabs"));
    m_tabs->addTab(journeyPage, tr("Journey"));
    m_tabs->addTab(m_fields, tr("Status"));
    m_tabs->addTab(m_raw, tr("Raw JSON"));

    m_refresh = new QPushButton(tr("Refresh"), this);
    m_refresh->setObjectName(QStringLiteral("order-dialog-refresh"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->setObjectName(QStringLiteral("order-dialog-buttons"));
    buttons->addButton(m_refresh, QDialogButtonBox::ActionRole);
    language::setStandardButtonTexts(buttons);

    auto *head = new QHBoxLayout;
    head->addWidget(m_title);
    head->addSpacing(10);
    head->addWidget(m_state);
    head->addStretch(1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 14, 16, 12);
    layout->setSpacing(10);
    layout->addLayout(head);
    layout->addWidget(m_message);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_refresh, &QPushButton::clicked, this, &OrderDialog::refresh);
    refresh();
}

void OrderDialog::refresh()
{
    if (m_loading)
        return;
    m_loading = true;
    m_refresh->setEnabled(false);
    theme::setPill(m_state, tr("loading…"), QString::fromLatin1(theme::Grey));
    m_message->setText(QStringLiteral("GET %1/orders/%2").arg(m_api->settings().orderUrl.toString()).arg(m_orderId));
    if (m_journey->journey().hops.isEmpty())
        m_journey->setMessage(tr("Loading…"));
    m_api->fetchOrder(m_orderId, this, [this](const ApiReply &reply) { showReply(reply); });
}

void OrderDialog::showReply(const ApiReply &reply)
{
    m_loading = false;
    m_refresh->setEnabled(true);
    m_raw->setPlainText(reply.answered() ? QString::fromUtf8(QJsonDocument::fromJson(reply.body).isNull()
                                                                 ? reply.body
                                                                 : QJsonDocument::fromJson(reply.body).toJson())
                                         : reply.summary());
    if (!reply.ok()) {
        m_status.clear();
        m_fields->clear();
        theme::setPill(m_state, reply.httpStatus == 404 ? tr("not found") : tr("error"),
                       QString::fromLatin1(reply.httpStatus == 404 ? theme::Grey : theme::Red));
        m_message->setText(reply.httpStatus == 404
                               ? tr("The order API does not know order %1 (404).").arg(m_orderId)
                               : tr("Could not load the order: %1").arg(reply.summary()));
        m_traceId->clear();
        m_journey->setMessage(reply.httpStatus == 404
                                  ? tr("No journey: the order API does not know order %1 (404).").arg(m_orderId)
                                  : reply.httpStatus == 503
                                  ? tr("No journey: the order API is unavailable (503). %1").arg(reply.message())
                                  : tr("No journey: %1").arg(reply.summary()));
        emit loaded(false);
        return;
    }
    const QJsonObject o = reply.json().object();
    // Some APIs wrap the order: {"order": {...}}.
    const QJsonObject order = o.value(QLatin1String("order")).isObject() ? o.value(QLatin1String("order")).toObject() : o;
    const auto row = OrderRow::fromJson(order);
    m_status = order.value(QLatin1String("status")).toString();
    theme::setPill(m_state, m_status.isEmpty() ? tr("unknown") : display::statusText(m_status),
                   display::statusColor(m_status));
    QString summary;
    if (row) {
        summary = QStringLiteral("%1 × %2").arg(display::number(row->quantity), row->item.toHtmlEscaped());
        if (!row->reason.isEmpty())
            summary += QStringLiteral(" — <b>%1</b>").arg(row->reason.toHtmlEscaped());
    }
    summary += QStringLiteral(" <span style='color:#6b7280'>· %1</span>")
                   .arg(tr("loaded in %1 ms").arg(display::number(reply.elapsedMs)).toHtmlEscaped());
    m_message->setText(summary);

    const Journey journey = Journey::fromJson(order);
    m_traceId->setText(journey.traceId);
    m_journey->setJourney(journey);

    m_fields->clear();
    // Known fields first, in the order an operator reads them; then the rest.
    const QStringList known{QStringLiteral("order_id"), QStringLiteral("item"), QStringLiteral("quantity"),
                            QStringLiteral("status"), QStringLiteral("reason"), QStringLiteral("created_at"),
                            QStringLiteral("updated_at"), QStringLiteral("notified_at")};
    for (const QString &k : known)
        if (order.contains(k))
            addValue(nullptr, m_fields, k, order.value(k));
    for (auto it = order.begin(); it != order.end(); ++it)
        if (!known.contains(it.key()))
            addValue(nullptr, m_fields, it.key(), it.value());
    bool nested = false;
    for (int i = 0; i < m_fields->topLevelItemCount(); ++i)
        nested = nested || m_fields->topLevelItem(i)->childCount() > 0;
    m_fields->setRootIsDecorated(nested);
    emit loaded(true);
}
