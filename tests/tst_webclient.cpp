// The web client's controller on its own: the Clerk frontend API a publishable key names, the
// Content-Security-Policy with and without Clerk, the asset version. The routes themselves, in a
// real browser: tests/web/client.test.mjs (ctest web_client).
#include "api/webclientcontroller.h"

#include <QRegularExpression>
#include <QTest>

using namespace marquee;

class TestWebClient : public QObject
{
    Q_OBJECT

private slots:
    void frontendApiHost_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("host");
        const auto key = [](const char *prefix, const QByteArray &host) {
            return QString::fromLatin1(prefix + host.toBase64());
        };
        QTest::newRow("test key") << key("pk_test_", "clerk.example.com$") << "clerk.example.com";
        QTest::newRow("live key") << key("pk_live_", "clerk.marquee.tv$") << "clerk.marquee.tv";
        QTest::newRow("no dollar") << key("pk_test_", "accounts.dev") << "accounts.dev";
        QTest::newRow("upper case") << key("pk_test_", "Clerk.Example.COM$") << "clerk.example.com";
        QTest::newRow("secret key") << key("sk_test_", "clerk.example.com$") << "";
        QTest::newRow("no dot") << key("pk_test_", "localhost$") << "";
        QTest::newRow("path inside") << key("pk_test_", "evil.com/x$") << "";
        QTest::newRow("quote inside") << key("pk_test_", "a.com' 'unsafe-inline$") << "";
        QTest::newRow("not base64") << "pk_test_%%%"
                                    << "";
        QTest::newRow("empty") << ""
                               << "";
    }
    void frontendApiHost()
    {
        QFETCH(QString, key);
        QFETCH(QString, host);
        QCOMPARE(WebClientController::frontendApiHost(key), host);
    }

    void cspWithoutClerk()
    {
        const WebClientController c {QString()};
        const QByteArray csp = c.contentSecurityPolicy();
        QVERIFY2(csp.contains("script-src 'self';"), csp.constData());
        QVERIFY2(!csp.contains("unsafe-inline"), csp.constData());
        QVERIFY2(csp.contains("frame-ancestors 'none'"), csp.constData());
        QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{12}$"))
                    .match(QString::fromLatin1(c.version()))
                    .hasMatch());
    }

    void cspWithClerk()
    {
        const WebClientController c {
            QString::fromLatin1("pk_test_" + QByteArray("clerk.example.com$").toBase64())};
        const QByteArray csp = c.contentSecurityPolicy();
        QVERIFY2(csp.contains("script-src 'self' https://clerk.example.com "
                              "https://challenges.cloudflare.com;"),
            csp.constData());
        QVERIFY2(csp.contains("connect-src 'self' https://clerk.example.com;"), csp.constData());
        // Inline scripts stay forbidden; Clerk's components need inline styles only.
        QVERIFY2(
            !QByteArray(csp).replace("style-src 'self' 'unsafe-inline'", "").contains("unsafe"),
            csp.constData());
    }

    // MARQUEE_PUBLIC_URL on another origin (a host name, the page opened by LAN address): the
    // proxied images come from there, and may; only its origin, never a path or credentials.
    void publicUrlOriginMayShowImages()
    {
        const WebClientController c {
            QString(), QStringLiteral("https://user:pw@marquee.example.lan:8443/base/")};
        const QByteArray csp = c.contentSecurityPolicy();
        QVERIFY2(csp.contains("img-src 'self' data: https://image.tmdb.org "
                              "https://marquee.example.lan:8443;"),
            csp.constData());
        QVERIFY2(!csp.contains("pw@") && !csp.contains("/base"), csp.constData());
    }

    // A key whose host ends in a line feed would break the header: no Clerk then.
    void keyWithALineFeedMeansNoClerk()
    {
        const WebClientController c {
            QString::fromLatin1("pk_test_" + QByteArray("clerk.example.com\n$").toBase64())};
        QVERIFY2(c.contentSecurityPolicy().contains("script-src 'self';"),
            c.contentSecurityPolicy().constData());
        QVERIFY(!c.contentSecurityPolicy().contains('\n'));
    }

    void badKeyMeansNoClerk()
    {
        const WebClientController c {QStringLiteral("pk_test_bm90IGEgaG9zdA==")};
        QVERIFY2(c.contentSecurityPolicy().contains("script-src 'self';"),
            c.contentSecurityPolicy().constData());
    }
};

QTEST_GUILESS_MAIN(TestWebClient)
#include "tst_webclient.moc"
