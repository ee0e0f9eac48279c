#include "feedfilter.h"

#include "feedmodel.h"

FeedFilter::FeedFilter(QObject *parent)
    : QSortFilterProxyModel(parent)
{
}

void FeedFilter::setStatus(Status status)
{
    if (status == m_status)
        return;
    m_status = status;
    invalidateFilter();
}

void FeedFilter::setText(const QString &text)
{
    const QString t = text.trimmed();
    if (t == m_text)
        return;
    m_text = t;
    invalidateFilter();
}

bool FeedFilter::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const QString status = index.data(FeedModel::StatusRole).toString();
    if (m_status == Status::Confirmed && status != QLatin1String("confirmed"))
        return false;
    if (m_status == Status::Failed && status != QLatin1String("failed"))
        return false;
    if (m_text.isEmpty())
        return true;
    const QString id = QString::number(index.data(FeedModel::OrderIdRole).toLongLong());
    const QString item = sourceModel()->index(sourceRow, FeedModel::ItemColumn, sourceParent).data().toString();
    const QString reason = sourceModel()->index(sourceRow, FeedModel::ReasonColumn, sourceParent).data().toString();
    return id.contains(m_text) || item.contains(m_text, Qt::CaseInsensitive)
        || reason.contains(m_text, Qt::CaseInsensitive);
}
