#include "kafkapage.h"

#include "apiclient.h"
#include "orderrow.h"
#include "theme.h"

#include "lab/contract/topics.h"

#include <QBrush>
#include <QComboBox>
#include <QDateTime>
#include <QFont>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {

/// An offset or count as the API sent it: a number, or null when Kafka had none.
QString offsetText(const QJsonValue &v)
{
    return v.isDouble() ? display::number(qint64(v.toDouble())) : QStringLiteral("—");
}

QTableWidgetItem *cell(const QString &text, Qt::Alignment align = Qt::AlignLeft | Qt::AlignVCenter)
{
    auto *item = new QTableWidgetItem(text);
    item->setTextAlignment(align);
    return item;
}

constexpr Qt::Alignment Right = Qt::AlignRight | Qt::AlignVCenter;

/// Lag: calm at 0, highlighted otherwise, grey when unknown.
void styleLag(QTreeWidgetItem *item, int column, const QJsonValue &lag)
{
    item->setText(column, offsetText(lag));
    item->setTextAlignment(column, Right);
    if (!lag.isDouble()) {
        item->setForeground(column, QColor(QString::fromLatin1(theme::Grey)));
        return;
    }
    const bool behind = lag.toDouble() > 0;
    item->setForeground(column, QColor(QString::fromLatin1(behind ? theme::Orange : theme::Green)));
    if (behind) {
        item->setBackground(column, QColor(0xfd, 0xf0, 0xe1));
        QFont f = item->font(column);
        f.setBold(true);
        item->setFont(column, f);
    }
}

QString compactJson(const QJsonValue &v)
{
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    if (v.isNull() || v.isUndefined())
        return QStringLiteral("null");
    return v.toVariant().toString();
}

QTableWidget *makeTable(QWidget *parent, const QString &name, const QStringList &headers)
{
    auto *t = new QTableWidget(0, int(headers.size()), parent);
    t->setObjectName(name);
    t->setHorizontalHeaderLabels(headers);
    theme::styleTable(t);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    return t;
}

} // namespace

KafkaPage::KafkaPage(ApiClient *api, QWidget *parent)
    : QWidget(parent)
    , m_api(api)
{
    m_updated = new QLabel(tr("Not asked yet: the tab asks notifier-service every 5 s while it is shown."), this);
    m_updated->setObjectName(QStringLiteral("kafka-updated"));
    m_updated->setProperty("muted", true);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("kafka-error"));
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->setWordWrap(true);
    m_error->hide();
    m_refresh = new QPushButton(tr("Refresh"), this);
    m_refresh->setObjectName(QStringLiteral("kafka-refresh"));

    auto *head = new QHBoxLayout;
    head->addWidget(m_updated, 1);
    head->addWidget(m_refresh);

    auto *top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(buildTopics());
    top->addWidget(buildGroups());
    top->setStretchFactor(0, 2);
    top->setStretchFactor(1, 3);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("kafka-splitter"));
    split->addWidget(top);
    split->addWidget(buildTail());
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 16);
    layout->setSpacing(8);
    layout->addLayout(head);
    layout->addWidget(m_error);
    layout->addWidget(split, 1);

    m_timer = new QTimer(this);
    m_timer->setInterval(RefreshIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &KafkaPage::refresh);
    connect(m_refresh, &QPushButton::clicked, this, &KafkaPage::refresh);
}

/// Numbers as wide as they need, the name column takes the rest.
static void stretchNameColumn(QHeaderView *header, int nameColumn)
{
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(nameColumn, QHeaderView::Stretch);
    header->setStretchLastSection(false);
}

QWidget *KafkaPage::buildTopics()
{
    auto *box = new QGroupBox(tr("Topics"), this);
    m_topics = makeTable(box, QStringLiteral("kafka-topics"),
                         {tr("Topic"), tr("Partition"), tr("Start"), tr("End"), tr("Leader")});
    m_topics->setToolTip(tr("Start and end offset (watermarks) of every partition: records = end − start"));
    // "<ns>.order.created" elides at the left, since its end tells the topics apart.
    m_topics->setTextElideMode(Qt::ElideLeft);
    stretchNameColumn(m_topics->horizontalHeader(), TopicNameColumn);
    auto *l = new QVBoxLayout(box);
    l->addWidget(m_topics);
    return box;
}

QWidget *KafkaPage::buildGroups()
{
    auto *box = new QGroupBox(tr("Consumer groups"), this);
    m_groups = new QTreeWidget(box);
    m_groups->setObjectName(QStringLiteral("kafka-groups"));
    m_groups->setHeaderLabels({tr("Group / topic"), tr("Partition"), tr("State"), tr("Members"), tr("Committed"),
                               tr("End"), tr("Lag")});
    m_groups->setAlternatingRowColors(true);
    m_groups->setUniformRowHeights(true);
    m_groups->setTextElideMode(Qt::ElideLeft);
    m_groups->setToolTip(tr("Lag = end offset − committed offset: records the group has not handled yet"));
    stretchNameColumn(m_groups->header(), GroupNameColumn);
    auto *l = new QVBoxLayout(box);
    l->addWidget(m_groups);
    return box;
}

QWidget *KafkaPage::buildTail()
{
    auto *box = new QGroupBox(tr("Tail of a topic (read-only)"), this);
    m_tailTopic = new QComboBox(box);
    m_tailTopic->setObjectName(QStringLiteral("kafka-tail-topic"));
    m_tailTopic->setMinimumContentsLength(24);
    for (const QString &t : lab::topics::all())
        m_tailTopic->addItem(t);
    m_tailCount = new QSpinBox(box);
    m_tailCount->setObjectName(QStringLiteral("kafka-tail-n"));
    m_tailCount->setRange(1, 100);
    m_tailCount->setValue(20);
    m_tailCount->setSuffix(tr(" records"));
    m_fetch = new QPushButton(tr("Fetch"), box);
    m_fetch->setObjectName(QStringLiteral("kafka-tail-fetch"));
    m_fetch->setProperty("primary", true);
    m_tailStatus = new QLabel(tr("Choose a topic and how many records, then Fetch."), box);
    m_tailStatus->setObjectName(QStringLiteral("kafka-tail-status"));
    m_tailStatus->setProperty("muted", true);
    m_tailStatus->setWordWrap(true);

    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Topic"), box));
    row->addWidget(m_tailTopic);
    row->addWidget(m_tailCount);
    row->addWidget(m_fetch);
    row->addWidget(m_tailStatus, 1);

    m_tail = makeTable(box, QStringLiteral("kafka-tail"),
                       {tr("Partition"), tr("Offset"), tr("Time"), tr("Key"), tr("Headers"), tr("Value")});
    m_tail->horizontalHeader()->setSectionResizeMode(ValueColumn, QHeaderView::Stretch);
    m_tail->setColumnWidth(TailPartitionColumn, 100);
    m_tail->setColumnWidth(OffsetColumn, 70);
    m_tail->setColumnWidth(TimeColumn, 100);
    m_tail->setColumnWidth(KeyColumn, 110);
    m_tail->setColumnWidth(HeadersColumn, 180);
    m_tail->setWordWrap(false);
    m_record = new QPlainTextEdit(box);
    m_record->setObjectName(QStringLiteral("kafka-tail-record"));
    m_record->setReadOnly(true);
    m_record->setPlaceholderText(tr("Select a record to see it whole."));
    QFont mono(QStringLiteral("DejaVu Sans Mono"));
    mono.setStyleHint(QFont::Monospace);
    mono.setPointSizeF(mono.pointSizeF() * 0.9);
    m_record->setFont(mono);
    auto *split = new QSplitter(Qt::Horizontal, box);
    split->addWidget(m_tail);
    split->addWidget(m_record);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 1);

    auto *l = new QVBoxLayout(box);
    l->addLayout(row);
    l->addWidget(split, 1);

    connect(m_fetch, &QPushButton::clicked, this, &KafkaPage::fetchTail);
    connect(m_tail, &QTableWidget::itemSelectionChanged, this, &KafkaPage::showRecord);
    return box;
}

void KafkaPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
    m_timer->start();
}

bool KafkaPage::isAutoRefreshing() const
{
    return m_timer->isActive();
}

void KafkaPage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_timer->stop();
}

void KafkaPage::refresh()
{
    if (m_pending > 0)
        return;
    m_pending = 2;
    m_errors.clear();
    m_roundOk = true;
    m_refresh->setEnabled(false);
    m_api->kafkaTopics(this, [this](const ApiReply &reply) {
        showTopics(reply);
        roundDone();
    });
    m_api->kafkaLag(this, [this](const ApiReply &reply) {
        showLag(reply);
        roundDone();
    });
}

void KafkaPage::roundDone()
{
    if (--m_pending > 0)
        return;
    ++m_rounds;
    m_refresh->setEnabled(true);
    m_error->setText(m_errors.join(QLatin1Char('\n')));
    m_error->setVisible(!m_errors.isEmpty());
    emit refreshed(m_roundOk);
}

void KafkaPage::showTopics(const ApiReply &reply)
{
    if (!reply.ok()) {
        m_roundOk = false;
        m_errors << tr("Topics: %1").arg(reply.summary());
        return;
    }
    const QJsonObject o = reply.json().object();
    if (const QString e = o.value(QLatin1String("error")).toString(); !e.isEmpty())
        m_errors << tr("Kafka did not answer the last look (the numbers are from the one before): %1").arg(e);
    const QDateTime collected = QDateTime::fromString(o.value(QLatin1String("collected_at")).toString(), Qt::ISODateWithMs);
    m_updated->setText(tr("Last answer %1 · Kafka asked at %2 · every %3 s while shown")
                           .arg(display::time(QDateTime::currentDateTime()),
                                collected.isValid() ? display::time(collected) : QStringLiteral("—"),
                                QString::number(RefreshIntervalMs / 1000)));

    const QJsonArray topics = o.value(QLatin1String("topics")).toArray();
    int rows = 0;
    for (const QJsonValue &t : topics)
        rows += int(qMax<qsizetype>(1, t.toObject().value(QLatin1String("partitions")).toArray().size()));
    m_topics->setRowCount(rows);
    int row = 0;
    QStringList names;
    for (const QJsonValue &t : topics) {
        const QJsonObject topic = t.toObject();
        const QString name = topic.value(QLatin1String("topic")).toString();
        names << name;
        const QJsonArray partitions = topic.value(QLatin1String("partitions")).toArray();
        for (const QJsonValue &pv : partitions) {
            const QJsonObject part = pv.toObject();
            m_topics->setItem(row, TopicNameColumn, cell(name));
            m_topics->item(row, TopicNameColumn)->setToolTip(name); // elided when long
            m_topics->setItem(row, TopicPartitionColumn, cell(QString::number(part.value(QLatin1String("partition")).toInt()), Right));
            m_topics->setItem(row, StartColumn, cell(offsetText(part.value(QLatin1String("start"))), Right));
            m_topics->setItem(row, EndColumn, cell(offsetText(part.value(QLatin1String("end"))), Right));
            const QJsonValue leader = part.value(QLatin1String("leader"));
            m_topics->setItem(row, LeaderColumn, cell(leader.isDouble() ? QString::number(leader.toInt()) : QStringLiteral("—"), Right));
            ++row;
        }
        if (partitions.isEmpty()) {
            m_topics->setItem(row, TopicNameColumn, cell(name));
            for (int c = TopicPartitionColumn; c <= LeaderColumn; ++c)
                m_topics->setItem(row, c, cell(QStringLiteral("—"), Right));
            ++row;
        }
    }
    // The tail offers the topics Kafka has (in a namespace they carry its prefix).
    if (!names.isEmpty()) {
        QStringList current;
        for (int i = 0; i < m_tailTopic->count(); ++i)
            current << m_tailTopic->itemText(i);
        if (current != names) {
            const QString chosen = m_tailTopic->currentText();
            m_tailTopic->clear();
            m_tailTopic->addItems(names);
            int keep = int(names.indexOf(chosen));
            for (int i = 0; keep < 0 && i < names.size(); ++i) // "order.created" -> "<ns>.order.created"
                if (names.at(i).endsWith(QLatin1Char('.') + chosen))
                    keep = i;
            m_tailTopic->setCurrentIndex(qMax(0, keep));
        }
    }
}

void KafkaPage::showLag(const ApiReply &reply)
{
    if (!reply.ok()) {
        m_roundOk = false;
        m_errors << tr("Consumer lag: %1").arg(reply.summary());
        return;
    }
    const QJsonObject o = reply.json().object();
    if (const QString e = o.value(QLatin1String("error")).toString(); !e.isEmpty() && m_errors.isEmpty())
        m_errors << tr("Kafka did not answer the last look (the numbers are from the one before): %1").arg(e);
    m_groups->clear();
    for (const QJsonValue &gv : o.value(QLatin1String("groups")).toArray()) {
        const QJsonObject g = gv.toObject();
        auto *group = new QTreeWidgetItem(m_groups);
        group->setText(GroupNameColumn, g.value(QLatin1String("group")).toString());
        group->setToolTip(GroupNameColumn, group->text(GroupNameColumn));
        QFont bold = group->font(GroupNameColumn);
        bold.setBold(true);
        group->setFont(GroupNameColumn, bold);
        group->setText(StateColumn, g.value(QLatin1String("state")).toString());
        const QJsonValue members = g.value(QLatin1String("members"));
        group->setText(MembersColumn, members.isDouble() ? QString::number(members.toInt()) : QStringLiteral("—"));
        group->setTextAlignment(MembersColumn, Right);
        styleLag(group, LagColumn, g.value(QLatin1String("lag")));
        for (const QJsonValue &tv : g.value(QLatin1String("topics")).toArray()) {
            const QJsonObject t = tv.toObject();
            for (const QJsonValue &pv : t.value(QLatin1String("partitions")).toArray()) {
                const QJsonObject part = pv.toObject();
                auto *item = new QTreeWidgetItem(group);
                item->setText(GroupNameColumn, t.value(QLatin1String("topic")).toString());
                item->setToolTip(GroupNameColumn, item->text(GroupNameColumn));
                item->setText(GroupPartitionColumn, QString::number(part.value(QLatin1String("partition")).toInt()));
                item->setTextAlignment(GroupPartitionColumn, Right);
                item->setText(CommittedColumn, offsetText(part.value(QLatin1String("committed"))));
                item->setTextAlignment(CommittedColumn, Right);
                item->setText(GroupEndColumn, offsetText(part.value(QLatin1String("end"))));
                item->setTextAlignment(GroupEndColumn, Right);
                styleLag(item, LagColumn, part.value(QLatin1String("lag")));
            }
        }
    }
    m_groups->expandAll();
}

void KafkaPage::fetchTail()
{
    if (m_tailing)
        return;
    const QString topic = m_tailTopic->currentText();
    const int n = m_tailCount->value();
    m_tailing = true;
    m_fetch->setEnabled(false);
    m_tailStatus->setStyleSheet(QString());
    m_tailStatus->setText(tr("Reading the last %1 records of %2…").arg(n).arg(topic));
    m_api->kafkaTail(topic, n, this, [this](const ApiReply &reply) { showTail(reply); });
}

void KafkaPage::showTail(const ApiReply &reply)
{
    m_tailing = false;
    m_fetch->setEnabled(true);
    if (!reply.ok()) {
        m_tailStatus->setText(tr("Tail failed: %1").arg(reply.summary()));
        m_tailStatus->setStyleSheet(QStringLiteral("color: #c62828;"));
        emit tailFetched(false);
        return;
    }
    const QJsonObject o = reply.json().object();
    const QJsonArray records = o.value(QLatin1String("records")).toArray();
    m_record->clear();
    m_tail->setRowCount(int(records.size()));
    // Newest first, like the other tables (the API lists them oldest first).
    for (int i = 0; i < records.size(); ++i) {
        const QJsonObject r = records.at(records.size() - 1 - i).toObject();
        const int row = i;
        QStringList headers;
        const QJsonObject h = r.value(QLatin1String("headers")).toObject();
        for (auto it = h.begin(); it != h.end(); ++it)
            headers << QStringLiteral("%1=%2").arg(it.key(), it.value().toString());
        const QString value = compactJson(r.value(QLatin1String("value")));
        const QDateTime at = QDateTime::fromString(r.value(QLatin1String("timestamp")).toString(), Qt::ISODateWithMs);
        const QJsonValue key = r.value(QLatin1String("key"));
        QTableWidgetItem *items[] = {
            cell(QString::number(r.value(QLatin1String("partition")).toInt()), Right),
            cell(offsetText(r.value(QLatin1String("offset"))), Right),
            cell(display::timeOfDay(at)),
            cell(key.isString() ? key.toString() : QStringLiteral("—")),
            cell(headers.join(QStringLiteral("; "))),
            cell(elide(value)),
        };
        items[HeadersColumn]->setToolTip(headers.join(QLatin1Char('\n')));
        items[ValueColumn]->setToolTip(value.size() > 2000 ? value.left(2000) + QStringLiteral("…") : value);
        for (int c = 0; c <= ValueColumn; ++c) {
            items[c]->setData(RecordRole, r);
            m_tail->setItem(row, c, items[c]);
        }
    }
    m_tailStatus->setText(records.isEmpty()
                              ? tr("%1 has no records.").arg(o.value(QLatin1String("topic")).toString())
                              : tr("Records: %1 of %2, newest first, in %3 ms")
                                    .arg(display::number(records.size()), o.value(QLatin1String("topic")).toString(),
                                         display::number(reply.elapsedMs)));
    if (!records.isEmpty())
        m_tail->selectRow(0);
    emit tailFetched(true);
}

void KafkaPage::showRecord()
{
    const QList<QTableWidgetItem *> selected = m_tail->selectedItems();
    if (selected.isEmpty())
        return;
    const QJsonObject r = selected.first()->data(RecordRole).toJsonObject();
    m_record->setPlainText(QString::fromUtf8(QJsonDocument(r).toJson(QJsonDocument::Indented)));
}

QString KafkaPage::elide(const QString &text, int max)
{
    return text.size() <= max ? text : text.left(max) + QStringLiteral("…");
}
