#include "feedmodel.h"

#include "orderrow.h"

#include "lab/contract/events.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QJsonDocument>
#include <QJsonObject>

namespace {
/// How many order ids to remember for de-duplication (far beyond the 100-entry backlog).
constexpr int MaxRemembered = 200000;
}

FeedModel::FeedModel(int maxRows, QObject *parent)
    : QAbstractTableModel(parent)
    , m_maxRows(qMax(1, maxRows))
{
}

FeedModel::AddResult FeedModel::addMessage(const QByteArray &json)
{
    // Other event kinds (if the notifier ever sends any) are not ours to judge.
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    const QString event = o.value(QLatin1String("event")).toString();
    if (!o.isEmpty() && !event.isEmpty() && event != QLatin1String("order.notification"))
        return AddResult::Ignored;

    const auto parsed = lab::Notification::fromJson(json);
    if (!parsed.ok()) {
        ++m_invalid;
        m_lastError = parsed.field.isEmpty() ? parsed.error : tr("%1 (field %2)").arg(parsed.error, parsed.field);
        emit countsChanged();
        return AddResult::Invalid;
    }
    const lab::Notification &n = *parsed.value;
    FeedEntry e;
    e.orderId = n.orderId;
    e.item = n.item;
    e.quantity = n.quantity;
    e.confirmed = n.status == lab::Notification::Status::Confirmed;
    e.reason = n.reason;
    e.createdAt = n.createdAt;
    e.notifiedAt = n.notifiedAt;
    e.receivedAt = QDateTime::currentDateTimeUtc();
    e.backlog = n.backlog;
    return add(e);
}

FeedModel::AddResult FeedModel::add(const FeedEntry &entry)
{
    if (m_seen.contains(entry.orderId)) {
        ++m_duplicates;
        emit countsChanged();
        return AddResult::Duplicate;
    }
    remember(entry.orderId);

    // Newest first by notified_at; a backlog arrives newest first too, so each of its
    // entries lands below the previous one, and live entries land on top.
    const QDateTime key = entry.notifiedAt.isValid() ? entry.notifiedAt : entry.receivedAt;
    int pos = 0;
    while (pos < m_rows.size()) {
        const FeedEntry &r = m_rows.at(pos);
        const QDateTime rk = r.notifiedAt.isValid() ? r.notifiedAt : r.receivedAt;
        if (rk <= key)
            break;
        ++pos;
    }
    beginInsertRows({}, pos, pos);
    m_rows.insert(pos, entry);
    endInsertRows();
    if (m_rows.size() > m_maxRows) {
        const int last = int(m_rows.size()) - 1;
        beginRemoveRows({}, last, last);
        m_rows.removeLast();
        endRemoveRows();
    }
    if (entry.confirmed)
        ++m_confirmed;
    else
        ++m_failed;
    emit entryAdded(entry);
    emit countsChanged();
    return AddResult::Added;
}

void FeedModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
    m_confirmed = 0;
    m_failed = 0;
    m_duplicates = 0;
    m_invalid = 0;
    m_lastError.clear();
    emit countsChanged();
}

void FeedModel::remember(qint64 orderId)
{
    m_seen.insert(orderId);
    m_seenOrder.enqueue(orderId);
    while (m_seenOrder.size() > MaxRemembered)
        m_seen.remove(m_seenOrder.dequeue());
}

const FeedEntry *FeedModel::entryAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

const FeedEntry *FeedModel::find(qint64 orderId) const
{
    for (const FeedEntry &e : m_rows)
        if (e.orderId == orderId)
            return &e;
    return nullptr;
}

int FeedModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int FeedModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FeedModel::data(const QModelIndex &index, int role) const
{
    const FeedEntry *e = entryAt(index.row());
    if (!e)
        return {};
    const int column = index.column();
    if (column == StatusColumn) {
        if (QVariant style = display::statusStyle(e->status(), role); style.isValid())
            return style;
    }
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case TimeColumn: return display::timeOfDay(e->notifiedAt.isValid() ? e->notifiedAt : e->receivedAt);
        case OrderIdColumn: return QString::number(e->orderId);
        case ItemColumn: return e->item;
        case QuantityColumn: return display::number(e->quantity);
        case StatusColumn:
            return (e->confirmed ? QStringLiteral("✔ ") : QStringLiteral("✖ ")) + display::statusText(e->status());
        case ReasonColumn: return e->reason;
        case SourceColumn: return e->backlog ? tr("backlog") : tr("live");
        }
        break;
    case StatusRole:
        return e->status();
    case OrderIdRole:
        return e->orderId;
    case SortRole:
        switch (column) {
        case TimeColumn: return (e->notifiedAt.isValid() ? e->notifiedAt : e->receivedAt).toMSecsSinceEpoch();
        case OrderIdColumn: return e->orderId;
        case QuantityColumn: return e->quantity;
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::TextAlignmentRole:
        if (column == OrderIdColumn || column == QuantityColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if (e->backlog || column == SourceColumn || column == TimeColumn)
            return QBrush(QColor(QStringLiteral("#6b7280")));
        break;
    case Qt::FontRole:
        if (e->backlog && column == SourceColumn) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        break;
    case Qt::ToolTipRole:
    {
        QString tip = tr("order %1 · created %2 · decided %3")
                          .arg(QString::number(e->orderId), display::dateTime(e->createdAt),
                               display::dateTime(e->notifiedAt));
        if (e->backlog)
            tip += QStringLiteral(" · ") + tr("replayed from the notifier's backlog on connect");
        return tip;
    }
    }
    return {};
}

QVariant FeedModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn: return tr("Time");
    case OrderIdColumn: return tr("Order ID");
    case ItemColumn: return tr("Item");
    case QuantityColumn: return tr("Quantity");
    case StatusColumn: return tr("Status");
    case ReasonColumn: return tr("Reason");
    case SourceColumn: return tr("Source");
    }
    return {};
}
