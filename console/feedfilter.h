// feedfilter.h: shows the live feed by outcome (all / confirmed / failed) and by a
// free-text match on order id or item, keeping the model's newest-first order.
#pragma once

#include <QSortFilterProxyModel>

class FeedFilter : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    enum class Status { All, Confirmed, Failed };

    explicit FeedFilter(QObject *parent = nullptr);

    void setStatus(Status status);
    Status status() const { return m_status; }
    void setText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    Status m_status = Status::All;
    QString m_text;
};
