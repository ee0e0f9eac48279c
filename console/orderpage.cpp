#include "orderpage.h"

#include "apiclient.h"
#include "emptyhint.h"
#include "feedmodel.h"
#include "orderinput.h"
#include "orderrow.h"
#include "theme.h"

#include <QDateTime>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QGroupBox>

namespace {
enum HistoryColumn { HTime, HOrderId, HItem, HQuantity, HAnswer, HOutcome, HColumns };
}

OrderPage::OrderPage(ApiClient *api, QWidget *parent)
    : QWidget(parent)
    , m_api(api)
{
    QWidget *formBox = buildForm();
    QWidget *resultBox = buildResult();
    QWidget *historyBox = buildHistory();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 8, 16, 16);
    layout->setSpacing(12);
    auto *topRow = new QHBoxLayout;
    topRow->setSpacing(12);
    topRow->addWidget(formBox, 3);
    topRow->addWidget(resultBox, 2);
    layout->addLayout(topRow);
    layout->addWidget(historyBox, 1);

    settingsChanged();
    connectSignals();
    revalidate();
}

/// The "New order" box: id (with a random one), item (with its length), quantity, submit.
QWidget *OrderPage::buildForm()
{
    auto *formBox = new QGroupBox(tr("New order"), this);
    formBox->setObjectName(QStringLiteral("order-form"));

    m_orderId = new QLineEdit(formBox);
    m_orderId->setObjectName(QStringLiteral("order-id"));
    m_orderId->setValidator(new OrderIdValidator(m_orderId));
    m_orderId->setPlaceholderText(QStringLiteral("1 … %1").arg(OrderInput::maxOrderId()));
    m_orderId->setToolTip(tr("An integer from 1 to %1 (2^53-1). Reusing an id with a "
                             "different item or quantity is refused (409).")
                              .arg(OrderInput::maxOrderId()));
    m_orderId->setMinimumWidth(200);

    m_randomId = new QPushButton(tr("Random id"), formBox);
    m_randomId->setObjectName(QStringLiteral("order-random-id"));
    m_randomId->setToolTip(tr("Fill in a random unused-looking order id"));

    m_item = new QLineEdit(formBox);
    m_item->setObjectName(QStringLiteral("order-item"));
    m_item->setPlaceholderText(tr("e.g. mouse"));
    m_item->setMaxLength(4 * OrderInput::maxItemLength()); // room to trim; the check says why
    m_item->setClearButtonEnabled(true);
    m_itemCount = new QLabel(formBox);
    m_itemCount->setObjectName(QStringLiteral("order-item-count"));
    m_itemCount->setProperty("muted", true);
    m_itemCount->setMinimumWidth(60);

    m_quantity = new QSpinBox(formBox);
    m_quantity->setObjectName(QStringLiteral("order-quantity"));
    m_quantity->setRange(1, OrderInput::maxQuantity());
    m_quantity->setGroupSeparatorShown(true);
    m_quantity->setAccelerated(true);
    m_quantity->setMinimumWidth(160);
    m_quantity->setMinimumHeight(m_item->sizeHint().height());
    m_quantity->setToolTip(tr("%1 to %2").arg(display::number(1), display::number(OrderInput::maxQuantity())));

    m_submit = new QPushButton(tr("Create order"), formBox);
    m_submit->setObjectName(QStringLiteral("order-submit"));
    m_submit->setProperty("primary", true);
    m_submit->setDefault(true);
    m_submit->setMinimumWidth(150);

    m_hint = new QLabel(formBox);
    m_hint->setObjectName(QStringLiteral("order-hint"));
    m_hint->setWordWrap(true);

    auto *idRow = new QHBoxLayout;
    idRow->setSpacing(8);
    idRow->addWidget(m_orderId, 1);
    idRow->addWidget(m_randomId);
    auto *itemRow = new QHBoxLayout;
    itemRow->setSpacing(8);
    itemRow->addWidget(m_item, 1);
    itemRow->addWidget(m_itemCount);
    auto *qtyRow = new QHBoxLayout;
    qtyRow->addWidget(m_quantity);
    qtyRow->addStretch(1);
    auto *submitRow = new QHBoxLayout;
    submitRow->addWidget(m_submit);
    submitRow->addSpacing(12);
    submitRow->addWidget(m_hint, 1);

    auto *form = new QFormLayout;
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    form->setHorizontalSpacing(14);
    form->setVerticalSpacing(10);
    form->addRow(tr("Order ID"), idRow);
    form->addRow(tr("Item"), itemRow);
    form->addRow(tr("Quantity"), qtyRow);
    auto *formLayout = new QVBoxLayout(formBox);
    formLayout->addLayout(form);
    formLayout->addSpacing(6);
    formLayout->addLayout(submitRow);
    return formBox;
}

/// The "API answer" box: the last answer's title and detail.
QWidget *OrderPage::buildResult()
{
    m_result = new QFrame(this);
    m_result->setObjectName(QStringLiteral("order-result"));
    m_resultTitle = new QLabel(m_result);
    m_resultTitle->setObjectName(QStringLiteral("order-result-title"));
    m_resultTitle->setProperty("heading", true);
    m_resultTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_resultDetail = new QLabel(m_result);
    m_resultDetail->setObjectName(QStringLiteral("order-result-detail"));
    m_resultDetail->setWordWrap(true);
    m_resultDetail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *resultLayout = new QVBoxLayout(m_result);
    resultLayout->setContentsMargins(14, 10, 14, 10);
    resultLayout->setSpacing(6);
    resultLayout->addWidget(m_resultTitle);
    resultLayout->addWidget(m_resultDetail);
    resultLayout->addStretch(1);
    auto *resultBox = new QGroupBox(tr("API answer"), this);
    auto *resultBoxLayout = new QVBoxLayout(resultBox);
    resultBoxLayout->addWidget(m_result);
    return resultBox;
}

/// The "Sent this session" box: one row per order sent, with its answer and outcome.
QWidget *OrderPage::buildHistory()
{
    auto *historyBox = new QGroupBox(tr("Sent this session"), this);
    m_history = new QTableWidget(0, HColumns, historyBox);
    m_history->setObjectName(QStringLiteral("order-history"));
    m_history->setHorizontalHeaderLabels({tr("Time"), tr("Order ID"), tr("Item"), tr("Quantity"), tr("API answer"),
                                          tr("Outcome")});
    theme::styleTable(m_history);
    m_history->horizontalHeader()->setStretchLastSection(true);
    m_history->horizontalHeader()->setSectionResizeMode(HAnswer, QHeaderView::Stretch);
    m_history->horizontalHeader()->setSectionResizeMode(HOutcome, QHeaderView::Interactive);
    m_history->setColumnWidth(HTime, 90);
    m_history->setColumnWidth(HOrderId, 130);
    m_history->setColumnWidth(HItem, 160);
    m_history->setColumnWidth(HQuantity, 90);
    m_history->setColumnWidth(HOutcome, 240);
    m_history->setToolTip(tr("Double-click an order for its full status"));
    new EmptyHint(m_history, tr("Orders you send appear here, with the API's answer and then "
                                "their outcome from the live feed."));
    auto *historyLayout = new QVBoxLayout(historyBox);
    historyLayout->addWidget(m_history);
    return historyBox;
}

void OrderPage::connectSignals()
{
    connect(m_orderId, &QLineEdit::textChanged, this, &OrderPage::revalidate);
    connect(m_item, &QLineEdit::textChanged, this, &OrderPage::revalidate);
    connect(m_quantity, &QSpinBox::valueChanged, this, &OrderPage::revalidate);
    connect(m_randomId, &QPushButton::clicked, this, [this] {
        m_orderId->setText(QString::number(OrderInput::randomOrderId()));
    });
    connect(m_submit, &QPushButton::clicked, this, &OrderPage::submit);
    connect(m_orderId, &QLineEdit::returnPressed, this, &OrderPage::submit);
    connect(m_item, &QLineEdit::returnPressed, this, &OrderPage::submit);
    connect(m_history, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        if (auto *it = m_history->item(row, HOrderId))
            emit openOrderRequested(it->text().toLongLong());
    });
}

void OrderPage::revalidate()
{
    const QString item = m_item->text().trimmed();
    m_itemCount->setText(QStringLiteral("%1 / %2").arg(display::number(item.size()), display::number(OrderInput::maxItemLength())));
    m_itemCount->setStyleSheet(item.size() > OrderInput::maxItemLength() ? QStringLiteral("color: #c62828;")
                                                                       : QString());

    const OrderInputCheck c = OrderInput::check(m_orderId->text(), m_item->text(), m_quantity->value());
    const bool untouched = m_orderId->text().isEmpty() && m_item->text().isEmpty();
    theme::setStyleProperty(m_orderId, "invalid", !untouched && c.field == QLatin1String("order_id")
                                                       && !m_orderId->text().isEmpty());
    theme::setStyleProperty(m_item, "invalid", !untouched && c.field == QLatin1String("item")
                                                   && !m_item->text().isEmpty());
    theme::setStyleProperty(m_quantity, "invalid", c.field == QLatin1String("quantity"));
    if (c.ok) {
        m_hint->setText(tr("Ready to send order %1.").arg(c.body.value(QLatin1String("order_id")).toInteger()));
        m_hint->setStyleSheet(QStringLiteral("color: #1b7f3b;"));
    } else if (untouched) {
        m_hint->setText(tr("Enter an order id (or pick a random one), an item and a quantity."));
        m_hint->setStyleSheet(QStringLiteral("color: #6b7280;"));
    } else {
        m_hint->setText(c.message);
        m_hint->setStyleSheet(QStringLiteral("color: #c62828;"));
    }
    m_submit->setEnabled(c.ok && !m_busy);
}

void OrderPage::submit()
{
    if (m_busy)
        return;
    const OrderInputCheck c = OrderInput::check(m_orderId->text(), m_item->text(), m_quantity->value());
    if (!c.ok) {
        markField(c.field);
        setResult(QStringLiteral("error"), tr("✖ Not sent"), tr("%1 (field: %2)").arg(c.message, c.field));
        return;
    }
    const qint64 id = c.body.value(QLatin1String("order_id")).toInteger();
    const QString item = c.body.value(QLatin1String("item")).toString();
    const qint64 quantity = c.body.value(QLatin1String("quantity")).toInteger();
    m_busy = true;
    m_submit->setText(tr("Sending…"));
    revalidate();
    setResult(QStringLiteral("busy"), tr("Sending order %1…").arg(id),
              QStringLiteral("POST %1/create_order").arg(m_api->settings().orderUrl.toString()));
    m_api->createOrder(c.body, this, [this, id, item, quantity](const ApiReply &reply) {
        finished(id, item, quantity, reply);
    });
}

void OrderPage::finished(qint64 orderId, const QString &item, qint64 quantity, const ApiReply &reply)
{
    m_busy = false;
    m_submit->setText(tr("Create order"));
    revalidate();
    const QString timing = QStringLiteral(" · %1 ms").arg(display::number(reply.elapsedMs));
    if (reply.ok()) {
        m_lastAccepted = orderId;
        setResult(QStringLiteral("ok"), tr("✔ Order %1 created").arg(orderId),
                  reply.summary() + timing + QLatin1Char('\n') + tr("Waiting for payment and inventory…"));
    } else if (reply.answered()) {
        setResult(QStringLiteral("error"), tr("✖ Order %1 was not accepted").arg(orderId),
                  reply.summary() + timing);
        markField(reply.field());
    } else {
        setResult(QStringLiteral("error"), tr("✖ No answer from order-service"),
                  tr("%1 (POST %2/create_order). Nothing was created; it is safe to retry.")
                      .arg(reply.summary(), m_api->settings().orderUrl.toString()));
    }

    // Newest first in the session list. An identical retry of an accepted order updates
    // its row; anything else (a refused reuse of the id, a failure) gets a row of its own.
    int row = historyRow(orderId);
    const bool reuse = row >= 0 && reply.ok() && m_history->item(row, HAnswer)->data(Qt::UserRole).toBool();
    if (!reuse) {
        m_history->insertRow(0);
        row = 0;
    }
    const QString answer = reply.answered() ? QStringLiteral("%1 %2").arg(reply.httpStatus).arg(reply.message())
                                            : reply.summary();
    const QStringList cells{display::time(QDateTime::currentDateTime()), QString::number(orderId), item,
                            display::number(quantity), answer, reply.ok() ? tr("waiting…") : QStringLiteral("—")};
    for (int c = 0; c < HColumns; ++c) {
        if (c == HOutcome && reuse)
            continue; // keep the outcome we already know
        auto *it = new QTableWidgetItem(cells.at(c));
        it->setToolTip(c == HAnswer ? reply.summary() : cells.at(c));
        if (c == HOrderId || c == HQuantity)
            it->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (c == HAnswer) {
            it->setForeground(QColor(reply.ok() ? theme::Green : theme::Red));
            it->setData(Qt::UserRole, reply.ok());
        }
        if (c == HOutcome)
            it->setForeground(QColor(theme::Grey));
        m_history->setItem(row, c, it);
    }
    if (reply.ok())
        emit orderAccepted(orderId);
}

void OrderPage::noteOutcome(const FeedEntry &entry)
{
    const QString id = QString::number(entry.orderId);
    for (int row = 0; row < m_history->rowCount(); ++row) {
        if (!m_history->item(row, HOrderId) || m_history->item(row, HOrderId)->text() != id
            || !m_history->item(row, HAnswer)->data(Qt::UserRole).toBool())
            continue; // only the accepted submissions of this order have an outcome
        QString text = display::statusText(entry.status());
        if (!entry.reason.isEmpty())
            text += QStringLiteral(": ") + entry.reason;
        auto *it = new QTableWidgetItem(text);
        it->setForeground(QColor(display::statusColor(entry.status())));
        it->setBackground(QColor(display::statusTint(entry.status())));
        QFont f = it->font();
        f.setBold(true);
        it->setFont(f);
        it->setToolTip(tr("%1 · decided %2").arg(text, display::dateTime(entry.notifiedAt)));
        m_history->setItem(row, HOutcome, it);
    }
    if (entry.orderId == m_lastAccepted && m_result->property("kind").toString() == QLatin1String("ok")) {
        const QString detail = m_resultDetail->text().section(QLatin1Char('\n'), 0, 0);
        const QString outcome = entry.reason.isEmpty()
            ? display::statusText(entry.status())
            : QStringLiteral("%1, %2").arg(display::statusText(entry.status()), entry.reason);
        m_resultDetail->setText(detail + QLatin1Char('\n')
                                + tr("Outcome: %1 (decided %2)").arg(outcome, display::timeOfDay(entry.notifiedAt)));
        if (!entry.confirmed)
            setResult(QStringLiteral("error"), tr("✖ Order %1 failed").arg(entry.orderId),
                      m_resultDetail->text());
        else
            m_resultTitle->setText(tr("✔ Order %1 confirmed").arg(entry.orderId));
    }
}

void OrderPage::settingsChanged()
{
    if (!m_result->property("kind").toString().isEmpty())
        return;
    setResult(QString(), tr("Ready"),
              tr("Orders go to %1/create_order.\nThe API answers once Kafka has stored the "
                 "order; its outcome (confirmed or failed) then follows in the live feed "
                 "and in the list below.")
                  .arg(m_api->settings().orderUrl.toString()));
}

void OrderPage::setResult(const QString &kind, const QString &title, const QString &detail)
{
    theme::setStyleProperty(m_result, "kind", kind);
    m_resultTitle->setText(title);
    m_resultDetail->setText(detail);
    const QString color = kind == QLatin1String("ok") ? QString::fromLatin1(theme::Green)
        : kind == QLatin1String("error")              ? QString::fromLatin1(theme::Red)
                                                      : QStringLiteral("#111827");
    m_resultTitle->setStyleSheet(QStringLiteral("color: %1;").arg(color));
}

void OrderPage::markField(const QString &field)
{
    QWidget *w = field == QLatin1String("order_id") ? static_cast<QWidget *>(m_orderId)
        : field == QLatin1String("item")            ? static_cast<QWidget *>(m_item)
        : field == QLatin1String("quantity")        ? static_cast<QWidget *>(m_quantity)
                                                    : nullptr;
    if (!w)
        return;
    theme::setStyleProperty(w, "invalid", true);
    w->setFocus();
}

int OrderPage::historyRow(qint64 orderId) const
{
    const QString id = QString::number(orderId);
    for (int r = 0; r < m_history->rowCount(); ++r)
        if (m_history->item(r, HOrderId) && m_history->item(r, HOrderId)->text() == id)
            return r;
    return -1;
}
