// stockpolicy.h: how much stock inventory-service starts an item with the first time it
// sees it: a default for every item plus per-item overrides ("mouse=5000,gpu=3"). Pure
// logic; the stock itself lives in Redis (stock:{item}) once created.
#pragma once

#include <QHash>
#include <QString>
#include <optional>

namespace inventory {

class StockPolicy
{
public:
    /// Largest initial stock accepted for an item.
    static constexpr qint64 MaxStock = qint64(1) << 50;

    StockPolicy() = default;
    /// overrides: "mouse=5000,gpu=3" (item names match exactly; spaces ignored).
    /// Returns nullopt and sets *error naming the bad entry.
    static std::optional<StockPolicy> parse(const QString &overrides, qint64 defaultStock, QString *error);

    qint64 initialStock(const QString &item) const { return m_overrides.value(item, m_default); }
    qint64 defaultStock() const { return m_default; }
    int overrideCount() const { return int(m_overrides.size()); }

private:
    QHash<QString, qint64> m_overrides;
    qint64 m_default = 1000000;
};

} // namespace inventory
