// searchmodel.h: the rows of one search page (order id, item, quantity, status, time)
// for a QTableView; sortable through a QSortFilterProxyModel on SortRole.
#pragma once

#include "orderrow.h"

#include <QAbstractTableModel>

class SearchModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { OrderIdColumn, ItemColumn, QuantityColumn, StatusColumn, TimeColumn, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1, OrderIdRole };

    explicit SearchModel(QObject *parent = nullptr);

    void setRows(const QList<OrderRow> &rows);
    const QList<OrderRow> &rows() const { return m_rows; }
    bool containsOrder(qint64 orderId) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<OrderRow> m_rows;
};
