// stockpolicy.cpp: parsing of the initial stock settings (see stockpolicy.h).
#include "stockpolicy.h"

#include <QStringList>

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
    StockPolicy policy;
    policy.m_default = defaultStock;
    const QStringList entries = overrides.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &raw : entries) {
        const QString entry = raw.trimmed();
        if (entry.isEmpty())
            continue;
        const qsizetype eq = entry.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return fail(QStringLiteral("stock entry \"%1\" is not item=units").arg(entry));
        const QString item = entry.left(eq).trimmed();
        bool ok = false;
        const qint64 units = entry.mid(eq + 1).trimmed().toLongLong(&ok);
        if (item.isEmpty())
            return fail(QStringLiteral("stock entry \"%1\" has no item name").arg(entry));
        if (!ok || units < 0 || units > MaxStock)
            return fail(QStringLiteral("stock of \"%1\" must be a whole number from 0 to %2").arg(item).arg(MaxStock));
        if (policy.m_overrides.contains(item))
            return fail(QStringLiteral("item \"%1\" has two stock entries").arg(item));
        policy.m_overrides.insert(item, units);
    }
    return policy;
}

} // namespace inventory
