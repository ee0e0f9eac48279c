// stockpolicy.cpp: parsing of the initial stock settings (see stockpolicy.h).
#include "stockpolicy.h"

#include "lab/runtime/itemtable.h"

namespace inventory {

std::optional<StockPolicy> StockPolicy::parse(const QString &overrides, qint64 defaultStock, QString *error)
{
    auto fail = [error](const QString &why) -> std::optional<StockPolicy> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (defaultStock < 0 || defaultStock > MaxStock)
        return fail(QStringLiteral("the default stock must be from 0 to %1").arg(MaxStock));
    const auto overrideTable = lab::parseItemTable(overrides, MaxStock, QStringLiteral("stock"), error);
    if (!overrideTable)
        return std::nullopt;
    StockPolicy policy;
    policy.m_default = defaultStock;
    policy.m_overrides = *overrideTable;
    return policy;
}

} // namespace inventory
