// tst_accesspolicy: the one parser of LAB_ALLOWED_ORIGINS and LAB_ALLOWED_HOSTS
// (shared/lab/http/accesspolicy.h) and its decisions: which Host headers are served (DNS
// rebinding), which Origins may call (cross-site requests) and which get CORS grants.
// Pure logic; the guard that applies it is tested in tst_httpservice, the services in
// tst_hostile and the browser in tests/browser.
#include "lab/http/accesspolicy.h"

#include <QTest>

using lab::AccessPolicy;

namespace {

AccessPolicy policy(const QString &origins, const QString &hosts = {})
{
    QString error;
    const auto p = AccessPolicy::fromSettings(origins, hosts, QHostAddress(QHostAddress::LocalHost), 8000, &error);
    if (!p)
        qFatal("invalid test policy: %s", qPrintable(error));
    return *p;
}

} // namespace

class TestAccessPolicy : public QObject
{
    Q_OBJECT

private slots:
    void originsShouldParseAndNormalise_data()
    {
        QTest::addColumn<QString>("setting");
        QTest::addColumn<QString>("bind");
        QTest::addColumn<int>("pagePort");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<bool>("any");

        const QStringList loopback{"http://127.0.0.1:8000", "http://localhost:8000"};
        QTest::newRow("default: the page on loopback") << "" << "127.0.0.1" << 8000 << loopback << false;
        QTest::newRow("default: only commas") << " , ," << "127.0.0.1" << 8000 << loopback << false;
        QTest::newRow("default: another page port") << "" << "127.0.0.1" << 8001
                                                    << QStringList{"http://127.0.0.1:8001", "http://localhost:8001"} << false;
        QTest::newRow("default: a LAN bind address")
            << "" << "192.168.1.10" << 8000 << (loopback + QStringList{"http://192.168.1.10:8000"}) << false;
        QTest::newRow("default: wildcard IPv4 bind adds nothing") << "" << "0.0.0.0" << 8000 << loopback << false;
        QTest::newRow("default: wildcard IPv6 bind adds nothing") << "" << "::" << 8000 << loopback << false;
        QTest::newRow("default: IPv6 loopback bind") << "" << "::1" << 8000
                                                     << (loopback + QStringList{"http://[::1]:8000"}) << false;
        QTest::newRow("default: page on port 80") << "" << "127.0.0.1" << 80
                                                  << QStringList{"http://127.0.0.1", "http://localhost"} << false;
        QTest::newRow("listed, normalised as browsers send them")
            << "http://a.example, HTTPS://B.Example:443/ ,http://c.example:80,http://[::1]:9000"
            << "127.0.0.1" << 8000
            << QStringList{"http://a.example", "https://b.example", "http://c.example", "http://[::1]:9000"} << false;
        QTest::newRow("listed replaces the default") << "http://lab.example:8000" << "127.0.0.1" << 8000
                                                     << QStringList{"http://lab.example:8000"} << false;
        QTest::newRow("duplicates collapse") << "http://a.example,http://A.example/" << "127.0.0.1" << 8000
                                             << QStringList{"http://a.example"} << false;
        QTest::newRow("any, explicitly") << " * " << "127.0.0.1" << 8000 << QStringList() << true;
    }

    void originsShouldParseAndNormalise()
    {
        QFETCH(QString, setting);
        QFETCH(QString, bind);
        QFETCH(int, pagePort);
        QFETCH(QStringList, expected);
        QFETCH(bool, any);
        QString error;
        const auto p = AccessPolicy::fromSettings(setting, {}, QHostAddress(bind), quint16(pagePort), &error);
        QVERIFY2(p, qPrintable(error));
        QCOMPARE(p->origins(), expected);
        QCOMPARE(p->allowsAnyOrigin(), any);
        QVERIFY(!p->allowsAnyHost());
    }

    void invalidOriginShouldBeNamed_data()
    {
        QTest::addColumn<QString>("setting");
        QTest::addColumn<QString>("named");
        QTest::newRow("no scheme") << "http://ok.example, lab.example:8000" << "lab.example:8000";
        QTest::newRow("other scheme") << "ftp://lab.example" << "ftp://lab.example";
        QTest::newRow("a path") << "http://lab.example/ui" << "http://lab.example/ui";
        QTest::newRow("user info") << "http://me@lab.example" << "http://me@lab.example";
        QTest::newRow("a query") << "http://lab.example?x=1" << "http://lab.example?x=1";
        QTest::newRow("null") << "null" << "null";
        QTest::newRow("star among others") << "http://a.example,*" << "*";
    }

    void invalidOriginShouldBeNamed()
    {
        QFETCH(QString, setting);
        QFETCH(QString, named);
        QString error;
        QVERIFY(!AccessPolicy::fromSettings(setting, {}, QHostAddress(QHostAddress::LocalHost), 8000, &error));
        QVERIFY2(error.contains(QLatin1String("LAB_ALLOWED_ORIGINS")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1Char('"') + named + QLatin1Char('"')), qPrintable(error));
    }

    void hostsShouldParse_data()
    {
        QTest::addColumn<QString>("setting");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<bool>("any");
        QTest::newRow("none") << "" << QStringList() << false;
        QTest::newRow("names, lower case, trailing dot") << "Lab.Example.COM, gateway., lab-1_x"
                                                         << QStringList{"lab.example.com", "gateway", "lab-1_x"} << false;
        QTest::newRow("addresses") << "10.0.0.5, [fd00::1]" << QStringList{"10.0.0.5", "fd00::1"} << false;
        QTest::newRow("any, explicitly") << "*" << QStringList() << true;
    }

    void hostsShouldParse()
    {
        QFETCH(QString, setting);
        QFETCH(QStringList, expected);
        QFETCH(bool, any);
        QString error;
        const auto p = AccessPolicy::fromSettings({}, setting, QHostAddress(QHostAddress::LocalHost), 8000, &error);
        QVERIFY2(p, qPrintable(error));
        QCOMPARE(p->hosts(), expected);
        QCOMPARE(p->allowsAnyHost(), any);
    }

    void invalidHostShouldBeNamed_data()
    {
        QTest::addColumn<QString>("setting");
        QTest::newRow("with a port") << "lab.example:8000";
        QTest::newRow("a URL") << "http://lab.example";
        QTest::newRow("a space") << "lab example";
        QTest::newRow("a path") << "lab.example/x";
        QTest::newRow("star among others") << "*, lab.example";
        QTest::newRow("unclosed bracket") << "[::1";
    }

    void invalidHostShouldBeNamed()
    {
        QFETCH(QString, setting);
        QString error;
        QVERIFY(!AccessPolicy::fromSettings({}, setting, QHostAddress(QHostAddress::LocalHost), 8000, &error));
        QVERIFY2(error.contains(QLatin1String("LAB_ALLOWED_HOSTS")), qPrintable(error));
    }

    void hostHeaderShouldBeChecked_data()
    {
        QTest::addColumn<QString>("hosts");
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("no Host (HTTP/1.0)") << "" << QByteArray() << true;
        QTest::newRow("loopback address") << "" << QByteArray("127.0.0.1:5000") << true;
        QTest::newRow("loopback address, no port") << "" << QByteArray("127.0.0.1") << true;
        QTest::newRow("localhost") << "" << QByteArray("localhost:8000") << true;
        QTest::newRow("localhost, odd case, trailing dot") << "" << QByteArray("LocalHost.:8000") << true;
        QTest::newRow("IPv6 loopback") << "" << QByteArray("[::1]:5000") << true;
        QTest::newRow("any IPv4 literal (no page can rebind it)") << "" << QByteArray("192.168.1.10:5000") << true;
        QTest::newRow("any IPv6 literal") << "" << QByteArray("[fd00::1]") << true;
        QTest::newRow("foreign name") << "" << QByteArray("evil.example") << false;
        QTest::newRow("foreign name with our port") << "" << QByteArray("evil.example:5000") << false;
        QTest::newRow("localhost as a subdomain") << "" << QByteArray("localhost.evil.example") << false;
        QTest::newRow("address as a subdomain") << "" << QByteArray("127.0.0.1.evil.example:5000") << false;
        QTest::newRow("localhost prefix") << "" << QByteArray("localhost-evil.example") << false;
        QTest::newRow("not a dotted quad") << "" << QByteArray("127.1") << false;
        QTest::newRow("bad port") << "" << QByteArray("localhost:http") << false;
        QTest::newRow("unclosed bracket") << "" << QByteArray("[::1:5000") << false;
        QTest::newRow("listed name") << "lab.example" << QByteArray("LAB.example:8000") << true;
        QTest::newRow("listed name only") << "lab.example" << QByteArray("sub.lab.example") << false;
        QTest::newRow("any host") << "*" << QByteArray("evil.example:5000") << true;
    }

    void hostHeaderShouldBeChecked()
    {
        QFETCH(QString, hosts);
        QFETCH(QByteArray, host);
        QFETCH(bool, allowed);
        QCOMPARE(policy({}, hosts).isHostAllowed(host), allowed);
    }

    void originShouldBeChecked_data()
    {
        QTest::addColumn<QString>("origins");
        QTest::addColumn<QByteArray>("origin");
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<bool>("allowed");
        QTest::addColumn<bool>("cors");
        const QByteArray api("127.0.0.1:5000");
        QTest::newRow("no Origin (curl, the console)") << "" << QByteArray() << api << true << false;
        QTest::newRow("the page") << "" << QByteArray("http://127.0.0.1:8000") << api << true << true;
        QTest::newRow("the page as localhost") << "" << QByteArray("http://localhost:8000") << api << true << true;
        QTest::newRow("another port") << "" << QByteArray("http://127.0.0.1:8001") << api << false << false;
        QTest::newRow("foreign") << "" << QByteArray("http://evil.example") << api << false << false;
        QTest::newRow("https page") << "" << QByteArray("https://127.0.0.1:8000") << api << false << false;
        QTest::newRow("null (sandboxed frame, file:)") << "" << QByteArray("null") << api << false << false;
        QTest::newRow("port trick") << "" << QByteArray("http://127.0.0.1:8000.evil.example") << api << false << false;
        QTest::newRow("user info trick") << "" << QByteArray("http://localhost:8000@evil.example") << api << false << false;
        QTest::newRow("same origin (Swagger UI)") << "" << QByteArray("http://127.0.0.1:5000") << api << true << false;
        QTest::newRow("same origin, localhost") << "" << QByteArray("http://localhost:5000")
                                                << QByteArray("localhost:5000") << true << false;
        QTest::newRow("other loopback name is another origin") << "" << QByteArray("http://localhost:5000")
                                                               << api << false << false;
        QTest::newRow("same host, other scheme") << "" << QByteArray("https://127.0.0.1:5000") << api << false << false;
        QTest::newRow("no Host: not the same origin") << "" << QByteArray("http://127.0.0.1:5000") << QByteArray()
                                                      << false << false;
        QTest::newRow("listed") << "http://lab.example" << QByteArray("http://lab.example") << api << true << true;
        QTest::newRow("listing replaces the page") << "http://lab.example" << QByteArray("http://127.0.0.1:8000")
                                                   << api << false << false;
        QTest::newRow("any origin") << "*" << QByteArray("http://evil.example") << api << true << true;
    }

    void originShouldBeChecked()
    {
        QFETCH(QString, origins);
        QFETCH(QByteArray, origin);
        QFETCH(QByteArray, host);
        QFETCH(bool, allowed);
        QFETCH(bool, cors);
        const AccessPolicy p = policy(origins);
        QCOMPARE(p.isOriginAllowed(origin, host), allowed);
        QCOMPARE(p.grantsCors(origin), cors);
    }

    void currentPolicyShouldDefaultToThePageAndBeReplaceable()
    {
        QCOMPARE(AccessPolicy::current().origins(), AccessPolicy().origins());
        QVERIFY(!AccessPolicy::current().isOriginAllowed("http://evil.example", "127.0.0.1:5000"));
        AccessPolicy::setCurrent(policy(QStringLiteral("http://lab.example")));
        QVERIFY(AccessPolicy::current().grantsCors("http://lab.example"));
        AccessPolicy::setCurrent(AccessPolicy());
        QVERIFY(!AccessPolicy::current().grantsCors("http://lab.example"));
    }
};

QTEST_MAIN(TestAccessPolicy)
#include "tst_accesspolicy.moc"
