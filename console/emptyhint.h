// emptyhint.h: a grey sentence centred in an item view while its model has no rows
// ("Waiting for order outcomes…"), so an empty table explains itself.
#pragma once

#include <QObject>
#include <QPointer>

class QAbstractItemView;
class QLabel;

class EmptyHint : public QObject
{
    Q_OBJECT
public:
    /// Installs itself on `view` (owned by its viewport); the text can change later.
    EmptyHint(QAbstractItemView *view, const QString &text);

    void setText(const QString &text);
    QString text() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void update();

    QAbstractItemView *m_view;
    QLabel *m_label;
};
