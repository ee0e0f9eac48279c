// pricing.cpp: price table parsing and the payment decision (see pricing.h).
#include "pricing.h"

namespace payment {

QString formatCents(qint64 cents)
{
    const bool negative = cents < 0;
    const quint64 abs = negative ? quint64(0) - quint64(cents) : quint64(cents);
    return QStringLiteral("%1%2.%3")
        .arg(negative ? QStringLiteral("-") : QString())
        .arg(abs / 100)
        .arg(abs % 100, 2, 10, QLatin1Char('0'));
}

std::optional<PriceTable> PriceTable::parse(const QString &spec, qint64 defaultCents, QString *error)
{
    auto fail = [error](const QString &why) -> std::optional<PriceTable> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (defaultCents < 0 || defaultCents > MaxUnitPriceCents)
        return fail(QStringLiteral("the default price must be from 0 to %1 cents").arg(MaxUnitPriceCents));
    PriceTable table;
    table.m_default = defaultCents;
    const QStringList entries = spec.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &raw : entries) {
        const QString entry = raw.trimmed();
        if (entry.isEmpty())
            continue;
        const qsizetype eq = entry.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return fail(QStringLiteral("price entry \"%1\" is not item=cents").arg(entry));
        const QString item = entry.left(eq).trimmed();
        bool ok = false;
        const qint64 cents = entry.mid(eq + 1).trimmed().toLongLong(&ok);
        if (item.isEmpty())
            return fail(QStringLiteral("price entry \"%1\" has no item name").arg(entry));
        if (!ok || cents < 0 || cents > MaxUnitPriceCents)
            return fail(QStringLiteral("price of \"%1\" must be a whole number of cents from 0 to %2")
                            .arg(item)
                            .arg(MaxUnitPriceCents));
        if (table.m_prices.contains(item))
            return fail(QStringLiteral("item \"%1\" is priced twice").arg(item));
        table.m_prices.insert(item, cents);
    }
    return table;
}

lab::PaymentOutcome PaymentPolicy::decide(const lab::OrderCreated &order, const QDateTime &now) const
{
    lab::PaymentOutcome p;
    p.orderId = order.orderId;
    p.item = order.item;
    p.quantity = order.quantity;
    p.at = now;
    // quantity <= 1e6 and the unit price <= 1e9 keep this far from overflow.
    p.amountCents = order.quantity * m_prices.unitPriceCents(order.item);
    p.success = p.amountCents <= m_limit;
    if (!p.success)
        p.reason = QStringLiteral("amount %1 exceeds the limit %2")
                       .arg(formatCents(p.amountCents), formatCents(m_limit));
    return p;
}

} // namespace payment
