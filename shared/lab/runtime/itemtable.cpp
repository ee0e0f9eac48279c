#include "lab/runtime/itemtable.h"

#include <QStringList>

namespace lab {

std::optional<QHash<QString, qint64>> parseItemTable(const QString &spec, qint64 max, const QString &what,
                                                     QString *error)
{
    auto fail = [error](const QString &why) -> std::optional<QHash<QString, qint64>> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QHash<QString, qint64> table;
    for (const QString &raw : spec.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString entry = raw.trimmed();
        if (entry.isEmpty())
            continue;
        const qsizetype eq = entry.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return fail(QStringLiteral("%1 entry \"%2\" is not item=number").arg(what, entry));
        const QString item = entry.left(eq).trimmed();
        if (item.isEmpty())
            return fail(QStringLiteral("%1 entry \"%2\" has no item name").arg(what, entry));
        bool ok = false;
        const qint64 value = entry.mid(eq + 1).trimmed().toLongLong(&ok);
        if (!ok || value < 0 || value > max)
            return fail(QStringLiteral("%1 of \"%2\" must be a whole number from 0 to %3").arg(what, item).arg(max));
        if (table.contains(item))
            return fail(QStringLiteral("item \"%1\" is listed twice (two %2 entries)").arg(item, what));
        table.insert(item, value);
    }
    return table;
}

} // namespace lab
