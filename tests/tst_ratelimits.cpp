// Rate limits over HTTP (docs/api.md, "Rate limits"): tiers, headers, keys per user or
// address.
#include "support/check.h"
#include "support/fakeclerk.h"
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
    ClerkTokens m_tokens {m_key, QString(), QStringLiteral("http://localhost:5173")};

    void start(int general, int search, int sensitive)
    {
        m_ts = std::make_unique<TestServer>();
        m_ts->config.rateLimitGeneral = general;
        m_ts->config.rateLimitSearch = search;
        m_ts->config.rateLimitSensitive = sensitive;
        m_ts->config.clerkJwtKey = QString::fromLatin1(m_key.publicPem());
        m_ts->config.http.allowedOrigins = {QStringLiteral("http://localhost:5173")};
        QVERIFY2(m_ts->start(), notStarted("server", m_ts->startError()));
    }

    // "Bearer <token>" for the user, as the Authorization header's value.
    QByteArray token(const QString &sub) { return "Bearer " + m_tokens.token(sub, QString(), 600); }

    // A RateLimit-Reset or Retry-After value: present, and a whole number of seconds.
    static qint64 seconds(const HttpReply &r, const QByteArray &header)
    {
        bool ok = false;
        const qint64 value = r.header(header).toLongLong(&ok);
        return ok ? value : -1;
    }

private slots:
    void cleanup() { m_ts.reset(); }

    void generalTierCountsAndRefuses()
    {
        CHECK(start(5, 30, 20));
        for (int i = 1; i <= 5; ++i) {
            const HttpReply r = m_ts->get("/api/movies/popular");
            QCOMPARE(r.status, 200);
            QCOMPARE(r.header("RateLimit-Limit"), QByteArray("5"));
            QCOMPARE(r.header("RateLimit-Remaining"), QByteArray::number(5 - i));
            // Within the window (60 s) and never 0 while something is counted.
            const qint64 reset = seconds(r, "RateLimit-Reset");
            QVERIFY2(reset >= 1 && reset <= 120, r.header("RateLimit-Reset").constData());
        }
        const HttpReply limited = m_ts->get("/api/movies/genres");
        QCOMPARE(limited.status, 429);
        CHECK(verifyError(limited, 429, QStringLiteral("RATE_LIMITED")));
        const qint64 retryAfter = seconds(limited, "Retry-After");
        QVERIFY2(retryAfter >= 1 && retryAfter <= 120, limited.header("Retry-After").constData());
        QCOMPARE(limited.header("RateLimit-Limit"), QByteArray("5"));
        QCOMPARE(limited.header("RateLimit-Remaining"), QByteArray("0"));
        const qint64 reset = seconds(limited, "RateLimit-Reset");
        QVERIFY2(
            reset >= retryAfter && reset <= 120, limited.header("RateLimit-Reset").constData());
        // /health is never limited and carries no rate-limit headers.
        const HttpReply health = m_ts->get("/health");
        QCOMPARE(health.status, 200);
        QVERIFY(health.header("RateLimit-Limit").isEmpty());
        // Errors count too (a 404 on /api is an /api request).
        QCOMPARE(m_ts->get("/api/movies/abc").status, 429);
    }

    void searchTierIsSeparate()
    {
        CHECK(start(100, 3, 20));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(m_ts->get("/api/search?query=a" + QByteArray::number(i)).status, 200);
        const HttpReply limited = m_ts->get("/api/movies/search?query=b");
        QCOMPARE(limited.status, 429);
        QCOMPARE(limited.header("RateLimit-Limit"), QByteArray("3"));
        QCOMPARE(m_ts->get("/api/movies/popular").status, 200); // general tier unaffected
    }

    void sensitiveTierCoversWebhooksAndProfileWrites()
    {
        CHECK(start(100, 30, 2));
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
        CHECK(start(0, 30, 20));
        for (int i = 0; i < 20; ++i) {
            const HttpReply r = m_ts->get("/api/movies/popular");
            QCOMPARE(r.status, 200);
            QVERIFY(r.header("RateLimit-Limit").isEmpty());
        }
    }

    void corsExposesTheHeaders()
    {
        CHECK(start(10, 30, 20));
        const HttpReply r = m_ts->get("/api/movies/popular", {{"Origin", "http://localhost:5173"}});
        QVERIFY(r.header("Access-Control-Expose-Headers").contains("RateLimit-Remaining"));
        QVERIFY(r.header("Access-Control-Expose-Headers").contains("Retry-After"));
    }
};

QTEST_GUILESS_MAIN(TestRateLimits)
#include "tst_ratelimits.moc"
