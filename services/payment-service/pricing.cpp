// pricing.cpp: price table parsing and the payment decision (see pricing.h).
#include "pricing.h"

#include "lab/runtime/itemtable.h"

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
    const auto prices = lab::parseItemTable(spec, MaxUnitPriceCents, QStringLiteral("price (cents)"), error);
    if (!prices)
        return std::nullopt;
    PriceTable table;
    table.m_default = defaultCents;
    table.m_prices = *prices;
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
