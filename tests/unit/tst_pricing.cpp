// tst_pricing: payment-service's decision logic (price table, amount, limit) without a network.
#include "pricing.h"

#include <QTest>

using payment::PaymentPolicy;
using payment::PriceTable;

class TestPricing : public QObject
{
    Q_OBJECT

private:
    static lab::OrderCreated order(const QString &item, qint64 quantity)
    {
        lab::OrderCreated o;
        o.orderId = 42;
        o.item = item;
        o.quantity = quantity;
        o.createdAt = QDateTime::currentDateTimeUtc();
        return o;
    }

private slots:
    void shouldFormatCents_data()
    {
        QTest::addColumn<qint64>("cents");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << qint64(0) << "0.00";
        QTest::newRow("cents only") << qint64(5) << "0.05";
        QTest::newRow("whole") << qint64(1000000) << "10000.00";
        QTest::newRow("mixed") << qint64(1234567) << "12345.67";
        QTest::newRow("negative") << qint64(-5) << "-0.05";
    }
    void shouldFormatCents()
    {
        QFETCH(qint64, cents);
        QFETCH(QString, text);
        QCOMPARE(payment::formatCents(cents), text);
    }

    void shouldParsePriceTables_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("item");
        QTest::addColumn<qint64>("price");
        QTest::newRow("empty spec uses the default") << "" << "mouse" << qint64(1000);
        QTest::newRow("listed") << "mouse=1999,keyboard=4999" << "keyboard" << qint64(4999);
        QTest::newRow("unlisted") << "mouse=1999" << "gpu" << qint64(1000);
        QTest::newRow("spaces") << " mouse = 1999 , keyboard=4999 " << "mouse" << qint64(1999);
        QTest::newRow("trailing comma") << "mouse=1999," << "mouse" << qint64(1999);
        QTest::newRow("free item") << "sticker=0" << "sticker" << qint64(0);
        QTest::newRow("names match exactly") << "mouse=1999" << "Mouse" << qint64(1000);
    }
    void shouldParsePriceTables()
    {
        QFETCH(QString, spec);
        QFETCH(QString, item);
        QFETCH(qint64, price);
        QString error;
        const auto table = PriceTable::parse(spec, 1000, &error);
        QVERIFY2(table.has_value(), qPrintable(error));
        QCOMPARE(table->unitPriceCents(item), price);
    }

    void shouldRejectBadPriceTables_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<qint64>("defaultCents");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("no equals sign") << "mouse" << qint64(1000) << "mouse";
        QTest::newRow("no name") << "=5" << qint64(1000) << "=5";
        QTest::newRow("not a number") << "mouse=cheap" << qint64(1000) << "mouse";
        QTest::newRow("negative") << "mouse=-1" << qint64(1000) << "mouse";
        QTest::newRow("decimal") << "mouse=19.99" << qint64(1000) << "mouse";
        QTest::newRow("too expensive") << "mouse=1000000001" << qint64(1000) << "mouse";
        QTest::newRow("twice") << "mouse=1,mouse=2" << qint64(1000) << "twice";
        QTest::newRow("bad default") << "" << qint64(-1) << "default";
    }
    void shouldRejectBadPriceTables()
    {
        QFETCH(QString, spec);
        QFETCH(qint64, defaultCents);
        QFETCH(QString, mentions);
        QString error;
        QVERIFY(!PriceTable::parse(spec, defaultCents, &error).has_value());
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }

    void shouldPayTheSeedOrder()
    {
        // The seed's 2000 mice at 19.99 stay under the default limit of 1,000,000.00.
        const PaymentPolicy policy(*PriceTable::parse(QStringLiteral("mouse=1999"), 1000, nullptr), 100000000);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const lab::PaymentOutcome p = policy.decide(order(QStringLiteral("mouse"), 2000), now);
        QVERIFY(p.success);
        QCOMPARE(p.amountCents, qint64(3998000));
        QCOMPARE(p.orderId, qint64(42));
        QCOMPARE(p.item, QStringLiteral("mouse"));
        QCOMPARE(p.quantity, qint64(2000));
        QCOMPARE(p.at, now);
        QVERIFY(p.reason.isEmpty());
        QCOMPARE(p.topic(), QStringLiteral("payment.success"));
    }

    void shouldFailAboveTheLimitWithAReason()
    {
        const PaymentPolicy policy(*PriceTable::parse(QString(), 1000, nullptr), 1000000);
        const lab::PaymentOutcome p = policy.decide(order(QStringLiteral("gpu"), 1235), QDateTime::currentDateTimeUtc());
        QVERIFY(!p.success);
        QCOMPARE(p.amountCents, qint64(1235000));
        QCOMPARE(p.reason, QStringLiteral("amount 12350.00 exceeds the limit 10000.00"));
        QCOMPARE(p.topic(), QStringLiteral("payment.failed"));
        // What we publish must pass the one parser everybody uses.
        const auto parsed = lab::PaymentOutcome::fromJson(p.toJson());
        QVERIFY2(parsed.ok(), qPrintable(parsed.error));
        QCOMPARE(parsed.value->reason, p.reason);
    }

    void shouldAcceptAnAmountEqualToTheLimit()
    {
        const PaymentPolicy policy(*PriceTable::parse(QString(), 1000, nullptr), 10000);
        QVERIFY(policy.decide(order(QStringLiteral("x"), 10), QDateTime::currentDateTimeUtc()).success);
        QVERIFY(!policy.decide(order(QStringLiteral("x"), 11), QDateTime::currentDateTimeUtc()).success);
    }

    void shouldStayExactForTheLargestOrder()
    {
        const PaymentPolicy policy(*PriceTable::parse(QString(), PriceTable::MaxUnitPriceCents, nullptr),
                                   100000000);
        const lab::PaymentOutcome p = policy.decide(order(QStringLiteral("x"), lab::limits::MaxQuantity),
                                                    QDateTime::currentDateTimeUtc());
        QCOMPARE(p.amountCents, lab::limits::MaxQuantity * PriceTable::MaxUnitPriceCents);
        QVERIFY(lab::PaymentOutcome::fromJson(p.toJson()).ok());
    }
};

QTEST_GUILESS_MAIN(TestPricing)
#include "tst_pricing.moc"
