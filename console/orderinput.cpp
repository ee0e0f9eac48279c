#include "orderinput.h"

#include "lab/contract/events.h"

#include <QRandomGenerator>

qint64 OrderInput::maxOrderId() { return lab::limits::MaxOrderId; }
int OrderInput::maxItemLength() { return lab::limits::MaxItemLength; }
int OrderInput::maxQuantity() { return int(lab::limits::MaxQuantity); }

qint64 OrderInput::parseOrderId(const QString &text, QString *error)
{
    const QString t = text.trimmed();
    const QString rangeMessage =
        tr("order_id must be an integer from 1 to %1").arg(lab::limits::MaxOrderId);
    if (t.isEmpty()) {
        *error = tr("order_id is required");
        return 0;
    }
    for (const QChar c : t) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9')) {
            *error = rangeMessage;
            return 0;
        }
    }
    // 17+ digits cannot be in range; checked before toLongLong to avoid overflow games.
    bool ok = false;
    const qint64 id = t.size() > 16 ? 0 : t.toLongLong(&ok);
    if (!ok || id < 1 || id > lab::limits::MaxOrderId) {
        *error = rangeMessage;
        return 0;
    }
    return id;
}

QString OrderInput::itemProblem(const QString &text)
{
    const QString item = text.trimmed();
    if (item.isEmpty())
        return tr("item must not be empty");
    if (item.size() > lab::limits::MaxItemLength)
        return tr("item must be at most %1 characters (now %2)")
            .arg(lab::limits::MaxItemLength)
            .arg(item.size());
    // The API's parser knows the rest (control characters, broken UTF-16); its words are
    // the API's own and stay English, as the API's answers do.
    const auto parsed = lab::OrderRequest::fromObject(
        {{QStringLiteral("order_id"), 1}, {QStringLiteral("item"), item}, {QStringLiteral("quantity"), 1}});
    if (!parsed.ok())
        return parsed.error;
    return {};
}

QString OrderInput::quantityProblem(qint64 quantity)
{
    if (quantity < 1 || quantity > lab::limits::MaxQuantity)
        return tr("quantity must be an integer from 1 to %1").arg(lab::limits::MaxQuantity);
    return {};
}

OrderInputCheck OrderInput::check(const QString &orderIdText, const QString &itemText, qint64 quantity)
{
    OrderInputCheck c;
    QString error;
    const qint64 id = parseOrderId(orderIdText, &error);
    if (id == 0) {
        c.field = QStringLiteral("order_id");
        c.message = error;
        return c;
    }
    if (const QString p = itemProblem(itemText); !p.isEmpty()) {
        c.field = QStringLiteral("item");
        c.message = p;
        return c;
    }
    if (const QString p = quantityProblem(quantity); !p.isEmpty()) {
        c.field = QStringLiteral("quantity");
        c.message = p;
        return c;
    }
    const QJsonObject body{{QStringLiteral("order_id"), id},
                           {QStringLiteral("item"), itemText.trimmed()},
                           {QStringLiteral("quantity"), quantity}};
    // Belt and braces: the body must pass the API's own parser.
    const auto parsed = lab::OrderRequest::fromObject(body);
    if (!parsed.ok()) {
        c.field = parsed.field;
        c.message = parsed.error;
        return c;
    }
    c.ok = true;
    c.body = body;
    return c;
}

qint64 OrderInput::randomOrderId()
{
    return QRandomGenerator::global()->bounded(qint64(1), qint64(1000000000000));
}

OrderIdValidator::OrderIdValidator(QObject *parent)
    : QValidator(parent)
{
}

QValidator::State OrderIdValidator::validate(QString &input, int &pos) const
{
    Q_UNUSED(pos)
    if (input.isEmpty())
        return Intermediate;
    for (const QChar c : input)
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return Invalid;
    if (input.size() > 16)
        return Invalid;
    const qint64 id = input.toLongLong();
    if (id > lab::limits::MaxOrderId)
        return Invalid;
    if (id < 1)
        return Intermediate; // "0", "00": the operator may still be typing
    return Acceptable;
}

void OrderIdValidator::fixup(QString &input) const
{
    QString digits;
    for (const QChar c : input)
        if (c >= QLatin1Char('0') && c <= QLatin1Char('9'))
            digits.append(c);
    input = digits;
}
