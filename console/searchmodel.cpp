#include "searchmodel.h"

SearchModel::SearchModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void SearchModel::setRows(const QList<OrderRow> &rows)
{
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

bool SearchModel::containsOrder(qint64 orderId) const
{
    for (const OrderRow &r : m_rows)
        if (r.orderId == orderId)
            return true;
    return false;
}

int SearchModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SearchModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SearchModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const OrderRow &r = m_rows.at(index.row());
    const int column = index.column();
    if (column == StatusColumn) {
        if (QVariant style = display::statusStyle(r.status, role); style.isValid())
            return style;
    }
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case OrderIdColumn: return QString::number(r.orderId);
        case ItemColumn: return r.item;
        case QuantityColumn: return display::number(r.quantity);
        case StatusColumn: return r.status.isEmpty() ? QStringLiteral("—") : display::statusText(r.status);
        case TimeColumn: return display::dateTime(r.timestamp);
        }
        break;
    case SortRole:
        switch (column) {
        case OrderIdColumn: return r.orderId;
        case ItemColumn: return r.item.toLower();
        case QuantityColumn: return r.quantity;
        case StatusColumn: return r.status;
        case TimeColumn: return r.timestamp.isValid() ? r.timestamp.toMSecsSinceEpoch() : qint64(0);
        }
        break;
    case OrderIdRole:
        return r.orderId;
    case Qt::TextAlignmentRole:
        if (column == OrderIdColumn || column == QuantityColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        if (!r.reason.isEmpty())
            return QStringLiteral("%1: %2").arg(display::statusText(r.status), r.reason);
        return tr("Double-click for the order's full status");
    }
    return {};
}

QVariant SearchModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case OrderIdColumn: return tr("Order ID");
    case ItemColumn: return tr("Item");
    case QuantityColumn: return tr("Quantity");
    case StatusColumn: return tr("Status");
    case TimeColumn: return tr("Time");
    }
    return {};
}
