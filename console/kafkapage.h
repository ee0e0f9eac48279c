// kafkapage.h: the "Kafka" tab, what operators used Kafka UI for: the lab's topics with
// their partitions, watermarks (start and end offset) and leader, from notifier-service's
// GET /kafka/topics; the consumer groups with state, members and lag per topic and
// partition, from GET /kafka/lag (non-zero lag highlighted); both refreshed every 5 s
// while the tab is visible. And a read-only tail: the last N records of one topic
// (GET /kafka/tail) with their headers, the value elided in the table and whole in the
// detail pane. Every request is asynchronous: a Kafka or notifier that is down shows as
// an error line, never as a frozen window.
#pragma once

#include <QJsonObject>
#include <QWidget>

class ApiClient;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTimer;
class QTreeWidget;
struct ApiReply;

class KafkaPage : public QWidget
{
    Q_OBJECT
public:
    enum TopicColumn { TopicNameColumn, TopicPartitionColumn, StartColumn, EndColumn, LeaderColumn };
    enum GroupColumn { GroupNameColumn, GroupPartitionColumn, StateColumn, MembersColumn, CommittedColumn,
                       GroupEndColumn, LagColumn };
    enum TailColumn { TailPartitionColumn, OffsetColumn, TimeColumn, KeyColumn, HeadersColumn, ValueColumn };
    /// The record's JSON as the API sent it, on every cell of a tail row.
    static constexpr int RecordRole = Qt::UserRole + 1;
    static constexpr int RefreshIntervalMs = 5000;

    explicit KafkaPage(ApiClient *api, QWidget *parent = nullptr);

    /// Asks for topics and lag now (skipped while the last round is still out).
    void refresh();
    /// GET /kafka/tail for the chosen topic and N.
    void fetchTail();
    bool isRefreshing() const { return m_pending > 0; }
    bool isTailing() const { return m_tailing; }
    /// True while the tab is shown (the 5 s refresh runs).
    bool isAutoRefreshing() const;
    /// Rounds of topics + lag answered (either way) since the page was made.
    int rounds() const { return m_rounds; }

    QTableWidget *topicsTable() const { return m_topics; }
    QTreeWidget *groupsTree() const { return m_groups; }
    QTableWidget *tailTable() const { return m_tail; }
    QComboBox *tailTopic() const { return m_tailTopic; }
    QSpinBox *tailCount() const { return m_tailCount; }

    /// "…" after `max` characters of `text`: what the tail's value cell shows.
    static QString elide(const QString &text, int max = 140);

signals:
    /// Both answers of a round came (ok: both 200).
    void refreshed(bool ok);
    void tailFetched(bool ok);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QWidget *buildTopics();
    QWidget *buildGroups();
    QWidget *buildTail();
    void showTopics(const ApiReply &reply);
    void showLag(const ApiReply &reply);
    void roundDone();
    void showTail(const ApiReply &reply);
    void showRecord();

    ApiClient *m_api;
    QTimer *m_timer;
    QLabel *m_updated;
    QLabel *m_error;
    QPushButton *m_refresh;
    QTableWidget *m_topics;
    QTreeWidget *m_groups;
    QComboBox *m_tailTopic;
    QSpinBox *m_tailCount;
    QPushButton *m_fetch;
    QLabel *m_tailStatus;
    QTableWidget *m_tail;
    QPlainTextEdit *m_record;
    QStringList m_errors;   ///< of the round under way
    bool m_roundOk = true;
    int m_pending = 0;
    int m_rounds = 0;
    bool m_tailing = false;
};
