#include "emptyhint.h"

#include <QAbstractItemModel>
#include <QAbstractItemView>
#include <QEvent>
#include <QLabel>

EmptyHint::EmptyHint(QAbstractItemView *view, const QString &text)
    // A child of the viewport, which a view deletes before its own model: no model
    // signal can reach a hint whose view is half destroyed.
    : QObject(view->viewport())
    , m_view(view)
{
    m_label = new QLabel(text, view->viewport());
    m_label->setObjectName(view->objectName() + QStringLiteral("-empty"));
    m_label->setAlignment(Qt::AlignCenter);
    m_label->setWordWrap(true);
    m_label->setStyleSheet(QStringLiteral("color: #8a9099; font-size: 11pt; background: transparent;"));
    m_label->setAttribute(Qt::WA_TransparentForMouseEvents);
    view->viewport()->installEventFilter(this);
    if (QAbstractItemModel *model = view->model()) {
        for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
            connect(model, signal, this, &EmptyHint::update);
        connect(model, &QAbstractItemModel::modelReset, this, &EmptyHint::update);
        connect(model, &QAbstractItemModel::layoutChanged, this, &EmptyHint::update);
    }
    update();
}

void EmptyHint::setText(const QString &text)
{
    m_label->setText(text);
    update();
}

QString EmptyHint::text() const
{
    return m_label->text();
}

bool EmptyHint::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        update();
    return QObject::eventFilter(watched, event);
}

void EmptyHint::update()
{
    const bool empty = !m_view->model() || m_view->model()->rowCount() == 0;
    m_label->setGeometry(m_view->viewport()->rect().adjusted(24, 24, -24, -24));
    m_label->setVisible(empty);
}
