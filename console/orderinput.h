// orderinput.h: the console's copy of the POST /create_order rules, so that an operator
// sees a bad field before anything is sent. The limits come from the project's one
// contract (lab/contract/events.h); the final check runs the API's own parser on the body.
#pragma once

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>
#include <QValidator>

/// The outcome of checking the three form fields.
struct OrderInputCheck
{
    bool ok = false;
    QString field;     ///< "order_id", "item" or "quantity" when !ok
    QString message;   ///< the reason, worded like the API's error (in the console's language)
    QJsonObject body;  ///< the request body when ok (item trimmed)
};

class OrderInput
{
    Q_DECLARE_TR_FUNCTIONS(OrderInput)
public:
    /// order_id as typed: digits only, 1 .. 2^53-1. Returns 0 and sets *error if not.
    static qint64 parseOrderId(const QString &text, QString *error);
    /// Empty when the item is acceptable (non-empty, <= 200 characters after trimming,
    /// no control characters), else the reason.
    static QString itemProblem(const QString &text);
    /// Empty when 1 <= quantity <= 1,000,000.
    static QString quantityProblem(qint64 quantity);
    /// All three, in the API's order; on success the body to POST.
    static OrderInputCheck check(const QString &orderIdText, const QString &itemText, qint64 quantity);
    /// A random order id that is easy to read back (1 .. 999,999,999,999).
    static qint64 randomOrderId();

    static qint64 maxOrderId();
    static int maxItemLength();
    static int maxQuantity();
};

/// Keeps the order_id line edit to digits within the API's range while typing.
class OrderIdValidator : public QValidator
{
    Q_OBJECT
public:
    explicit OrderIdValidator(QObject *parent = nullptr);
    State validate(QString &input, int &pos) const override;
    void fixup(QString &input) const override;
};
