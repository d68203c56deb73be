// Rate limits over HTTP (API.md §8; issue 5): tiers, headers, keys per user or address.
#include "support/testkeys.h"
#include "support/testserver.h"

#include <QDateTime>
#include <QTest>

using namespace marquee;
using namespace marquee::test;

class TestRateLimits : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_ts;
    RsaKeyPair m_key = RsaKeyPair::generate(2048, QStringLiteral("kid-1"));

    void start(int general, int search, int sensitive)
    {
        m_ts = std::make_unique<TestServer>();
        m_ts->config.rateLimitGeneral = general;
        m_ts->config.rateLimitSearch = search;
        m_ts->config.rateLimitSensitive = sensitive;
        m_ts->config.clerkJwtKey = QString::fromLatin1(m_key.publicPem());
        m_ts->config.http.allowedOrigins = {QStringLiteral("http://localhost:5173")};
        QVERIFY(m_ts->start());
    }

    QByteArray token(const QString &sub)
    {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        return "Bearer "
            + mintRsaToken(sessionHeader(m_key),
                sessionClaims(
                    now, sub, QString(), QStringLiteral("http://localhost:5173"), QString(), 600),
                m_key);
    }

private slots:
    void cleanup() { m_ts.reset(); }

    void generalTierCountsAndRefuses()
    {
        start(5, 30, 20);
        for (int i = 1; i <= 5; ++i) {
            const HttpReply r = m_ts->get("/api/movies/popular");
            QCOMPARE(r.status, 200);
            QCOMPARE(r.header("RateLimit-Limit"), QByteArray("5"));
            QCOMPARE(r.header("RateLimit-Remaining").toInt(), 5 - i);
            QVERIFY(r.header("RateLimit-Reset").toInt() >= 0);
        }
        const HttpReply limited = m_ts->get("/api/movies/genres");
        QCOMPARE(limited.status, 429);
        QCOMPARE(limited.json().value("error").toObject().value("code").toString(),
            QStringLiteral("RATE_LIMITED"));
        QVERIFY(limited.header("Retry-After").toInt() >= 1);
        QCOMPARE(limited.header("RateLimit-Remaining"), QByteArray("0"));
        // /health is never limited and carries no rate-limit headers.
        const HttpReply health = m_ts->get("/health");
        QCOMPARE(health.status, 200);
        QVERIFY(health.header("RateLimit-Limit").isEmpty());
        // Errors count too (a 404 on /api is an /api request).
        QCOMPARE(m_ts->get("/api/movies/abc").status, 429);
    }

    void searchTierIsSeparate()
    {
        start(100, 3, 20);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(m_ts->get("/api/search?query=a" + QByteArray::number(i)).status, 200);
        const HttpReply limited = m_ts->get("/api/movies/search?query=b");
        QCOMPARE(limited.status, 429);
        QCOMPARE(limited.header("RateLimit-Limit"), QByteArray("3"));
        QCOMPARE(m_ts->get("/api/movies/popular").status, 200); // general tier unaffected
    }

    void sensitiveTierCoversWebhooksAndProfileWrites()
    {
        start(100, 30, 2);
        QCOMPARE(m_ts->request("POST", "/api/webhooks/clerk",
                         {{"Content-Type", "application/json"}}, "{}")
                     .status,
            503);
        QCOMPARE(m_ts->request("POST", "/api/webhooks/clerk",
                         {{"Content-Type", "application/json"}}, "{}")
                     .status,
            503);
        QCOMPARE(m_ts->request("POST", "/api/webhooks/clerk",
                         {{"Content-Type", "application/json"}}, "{}")
                     .status,
            429);
        // Keyed by user when authenticated: alice's profile writes are her own budget.
        const QByteArray alice = token(QStringLiteral("user_alice"));
        for (int i = 0; i < 2; ++i)
            QCOMPARE(m_ts->request("PATCH", "/api/user/profile",
                             {{"Authorization", alice}, {"Content-Type", "application/json"}},
                             "{\"displayName\":\"A\"}")
                         .status,
                200);
        QCOMPARE(m_ts->request("PATCH", "/api/user/profile",
                         {{"Authorization", alice}, {"Content-Type", "application/json"}},
                         "{\"displayName\":\"A\"}")
                     .status,
            429);
        const QByteArray bob = token(QStringLiteral("user_bob"));
        QCOMPARE(m_ts->request("PATCH", "/api/user/profile",
                         {{"Authorization", bob}, {"Content-Type", "application/json"}},
                         "{\"displayName\":\"B\"}")
                     .status,
            200);
        QCOMPARE(
            m_ts->get("/api/user/profile", {{"Authorization", alice}}).status, 200); // general tier
    }

    void tierZeroTurnsLimitingOff()
    {
        start(0, 30, 20);
        for (int i = 0; i < 20; ++i) {
            const HttpReply r = m_ts->get("/api/movies/popular");
            QCOMPARE(r.status, 200);
            QVERIFY(r.header("RateLimit-Limit").isEmpty());
        }
    }

    void corsExposesTheHeaders()
    {
        start(10, 30, 20);
        const HttpReply r = m_ts->get("/api/movies/popular", {{"Origin", "http://localhost:5173"}});
        QVERIFY(r.header("Access-Control-Expose-Headers").contains("RateLimit-Remaining"));
        QVERIFY(r.header("Access-Control-Expose-Headers").contains("Retry-After"));
    }
};

QTEST_GUILESS_MAIN(TestRateLimits)
#include "tst_ratelimits.moc"
