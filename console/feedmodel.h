// feedmodel.h: the live notification feed: one row per order outcome, newest first
// (by notified_at), never two rows for one order_id, even when a reconnect replays the
// notifier's backlog. Messages are parsed with the contract's own parser (lab/contract/events.h).
#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QQueue>
#include <QSet>

struct FeedEntry
{
    qint64 orderId = 0;
    QString item;
    qint64 quantity = 0;
    bool confirmed = true;
    QString reason;
    QDateTime createdAt;
    QDateTime notifiedAt;
    QDateTime receivedAt;
    bool backlog = false;

    QString status() const { return confirmed ? QStringLiteral("confirmed") : QStringLiteral("failed"); }
};

class FeedModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, OrderIdColumn, ItemColumn, QuantityColumn, StatusColumn, ReasonColumn,
                  SourceColumn, ColumnCount };
    enum Role { StatusRole = Qt::UserRole + 1, OrderIdRole, SortRole };
    enum class AddResult { Added, Duplicate, Ignored, Invalid };

    /// maxRows: oldest rows are dropped beyond it (their order ids stay remembered).
    explicit FeedModel(int maxRows = 5000, QObject *parent = nullptr);

    /// One WebSocket text message. Invalid: a notification that breaks the contract
    /// (see lastError()); Ignored: some other event kind.
    AddResult addMessage(const QByteArray &json);
    /// Adds unless the order id was seen before.
    AddResult add(const FeedEntry &entry);
    /// Empties the table; ids stay remembered so a backlog replay does not bring them back.
    void clear();

    bool contains(qint64 orderId) const { return m_seen.contains(orderId); }
    const FeedEntry *entryAt(int row) const;
    const FeedEntry *find(qint64 orderId) const;

    int confirmedCount() const { return m_confirmed; }
    int failedCount() const { return m_failed; }
    int duplicateCount() const { return m_duplicates; }
    int invalidCount() const { return m_invalid; }
    QString lastError() const { return m_lastError; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    /// A new (not duplicate) outcome; the throughput chart and the order form listen.
    void entryAdded(const FeedEntry &entry);
    void countsChanged();

private:
    void remember(qint64 orderId);

    QList<FeedEntry> m_rows;          ///< newest first
    QSet<qint64> m_seen;
    QQueue<qint64> m_seenOrder;       ///< bounds m_seen
    int m_maxRows;
    int m_confirmed = 0;
    int m_failed = 0;
    int m_duplicates = 0;
    int m_invalid = 0;
    QString m_lastError;
};
