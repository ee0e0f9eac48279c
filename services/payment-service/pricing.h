// pricing.h: how payment-service decides an order: amount = quantity x unit price (from
// a price table, with a default for unlisted items), refused above a limit. Pure logic:
// no network, so tests drive it directly.
#pragma once

#include "lab/contract/events.h"

#include <QHash>
#include <QString>
#include <optional>

namespace payment {

/// Cents as "12345.67" (no currency, no thousands separator; "-0.05" for negatives).
QString formatCents(qint64 cents);

class PriceTable
{
public:
    /// Highest unit price accepted (10,000,000.00): keeps quantity x price far inside
    /// the integer range events carry.
    static constexpr qint64 MaxUnitPriceCents = 1000000000;

    PriceTable() = default;
    /// spec: "mouse=1999,keyboard=4999" (unit prices in cents; spaces around names and
    /// numbers are ignored; item names match exactly). Empty spec: every item costs the
    /// default. Returns nullopt and sets *error naming the bad entry.
    static std::optional<PriceTable> parse(const QString &spec, qint64 defaultCents, QString *error);

    qint64 unitPriceCents(const QString &item) const { return m_prices.value(item, m_default); }
    qint64 defaultCents() const { return m_default; }
    int size() const { return int(m_prices.size()); }

private:
    QHash<QString, qint64> m_prices;
    qint64 m_default = 1000;
};

class PaymentPolicy
{
public:
    PaymentPolicy(PriceTable prices, qint64 limitCents) : m_prices(std::move(prices)), m_limit(limitCents) {}

    /// The payment outcome of an order, stamped `now`: payment.success with the amount,
    /// or payment.failed when the amount exceeds the limit, e.g. reason
    /// "amount 12345.00 exceeds the limit 10000.00".
    lab::PaymentOutcome decide(const lab::OrderCreated &order, const QDateTime &now) const;

    qint64 limitCents() const { return m_limit; }
    const PriceTable &prices() const { return m_prices; }

private:
    PriceTable m_prices;
    qint64 m_limit;
};

} // namespace payment
