// tst_stockpolicy: inventory-service's initial stock settings, without a network.
#include "stockpolicy.h"

#include <QTest>

using inventory::StockPolicy;

class TestStockPolicy : public QObject
{
    Q_OBJECT

private slots:
    void shouldGiveEveryItemItsInitialStock_data()
    {
        QTest::addColumn<QString>("overrides");
        QTest::addColumn<QString>("item");
        QTest::addColumn<qint64>("units");
        QTest::newRow("default") << "" << "mouse" << qint64(1000000);
        QTest::newRow("override") << "mouse=5000,gpu=3" << "gpu" << qint64(3);
        QTest::newRow("not overridden") << "mouse=5000,gpu=3" << "keyboard" << qint64(1000000);
        QTest::newRow("spaces") << " mouse = 5000 ," << "mouse" << qint64(5000);
        QTest::newRow("sold out") << "gpu=0" << "gpu" << qint64(0);
        QTest::newRow("names match exactly") << "gpu=3" << "GPU" << qint64(1000000);
    }
    void shouldGiveEveryItemItsInitialStock()
    {
        QFETCH(QString, overrides);
        QFETCH(QString, item);
        QFETCH(qint64, units);
        QString error;
        const auto policy = StockPolicy::parse(overrides, 1000000, &error);
        QVERIFY2(policy.has_value(), qPrintable(error));
        QCOMPARE(policy->initialStock(item), units);
    }

    void shouldRejectBadSettings_data()
    {
        QTest::addColumn<QString>("overrides");
        QTest::addColumn<qint64>("defaultStock");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("no equals sign") << "gpu" << qint64(10) << "gpu";
        QTest::newRow("no name") << "=3" << qint64(10) << "=3";
        QTest::newRow("not a number") << "gpu=many" << qint64(10) << "gpu";
        QTest::newRow("negative") << "gpu=-3" << qint64(10) << "gpu";
        QTest::newRow("twice") << "gpu=1,gpu=2" << qint64(10) << "two";
        QTest::newRow("negative default") << "" << qint64(-1) << "default";
        QTest::newRow("huge default") << "" << StockPolicy::MaxStock + 1 << "default";
    }
    void shouldRejectBadSettings()
    {
        QFETCH(QString, overrides);
        QFETCH(qint64, defaultStock);
        QFETCH(QString, mentions);
        QString error;
        QVERIFY(!StockPolicy::parse(overrides, defaultStock, &error).has_value());
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestStockPolicy)
#include "tst_stockpolicy.moc"
