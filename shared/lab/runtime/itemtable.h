// itemtable.h: the per-item number tables services take as settings, written
// "item=number,item=number" (PAYMENT_PRICES, INVENTORY_STOCK): one parser, with errors
// that name the offending entry.
#pragma once

#include <QHash>
#include <QString>
#include <optional>

namespace lab {

/// Parses spec into item -> number, each number a whole number from 0 to max. `what`
/// names the numbers in messages ("price", "stock"). Empty entries are skipped; on a
/// malformed entry, an out-of-range number or an item listed twice, returns nullopt
/// and sets *error.
std::optional<QHash<QString, qint64>> parseItemTable(const QString &spec, qint64 max, const QString &what,
                                                     QString *error);

} // namespace lab
