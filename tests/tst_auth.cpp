// Clerk authentication end to end (docs/api.md, "Authentication"; docs/auth.md): the real server
// on a socket, a fake Clerk serving the JWKS, tokens minted here. Every rule of token
// verification has a request here that the server must refuse (or accept) over HTTP.
#include "auth/clerkauthenticator.h"
#include "log/logger.h"
#include "support/authfixture.h"
#include "support/check.h"
#include "support/faketmdb.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTest>

using namespace marquee;
using namespace marquee::test;

Q_DECLARE_METATYPE(marquee::test::ClerkKeySource)

namespace {

const QString mallory = QStringLiteral("user_2mallory");

Headers bearer(const QByteArray &token)
{
    return {ClerkTokens::bearer(token)};
}

} // namespace

class TestAuth
    : public QObject
    , public AuthFixture
{
    Q_OBJECT

    RsaKeyPair m_nextKey; // the key Clerk rotates to
    RsaKeyPair m_attackerKey; // a key that is not Clerk's
    QByteArray m_aliceToken; // valid for an hour; used to warm the token cache
    std::unique_ptr<FakeClerk> m_evil; // where jku/x5u point: never to be contacted
    qint64 m_now = 0; // the authenticator's clock, where a test sets it (ms since the epoch)

    QByteArray signedBy(const RsaKeyPair &key, const QJsonObject &header, const QJsonObject &claims)
    {
        // Headers that name no RSA algorithm (missing, none, PS256) are still signed RS256.
        const QString alg = header.value(QStringLiteral("alg")).toString();
        const QByteArray t = mintRsaToken(header, claims, key,
            alg.startsWith(QStringLiteral("RS")) ? alg : QStringLiteral("RS256"));
        m_log.watchToken(t);
        return t;
    }

    QJsonObject claimsFor(const QString &subject, const QJsonObject &extra = {})
    {
        return m_tokens->claims(subject, QStringLiteral("sess_of_") + subject, 600, extra);
    }

    void start(ClerkKeySource source = ClerkKeySource::JwksUrl,
        const std::function<void(Config &)> &tweak = {})
    {
        startServer(source, {admin}, tweak);
    }

    HttpReply profile(const Headers &headers = {})
    {
        return m_ts->get("/api/user/profile", headers);
    }

    qint64 users(const QString &clerkId = {})
    {
        QSqlQuery q(m_ts->server().database().connection());
        if (clerkId.isEmpty()) {
            q.prepare(QStringLiteral("SELECT COUNT(*) FROM users"));
        } else {
            q.prepare(QStringLiteral("SELECT COUNT(*) FROM users WHERE clerk_id = ?"));
            q.addBindValue(clerkId);
        }
        return q.exec() && q.next() ? q.value(0).toLongLong() : -1;
    }

    // Reported at the caller's line, like verifyError().
    static void verifyUnauthenticated(
        const HttpReply &r, const char *file = __builtin_FILE(), int line = __builtin_LINE())
    {
        CHECK(verifyError(r, 401, QStringLiteral("UNAUTHENTICATED"), file, line));
        QTest::qVerify(r.header("WWW-Authenticate").startsWith("Bearer"),
            "WWW-Authenticate: Bearer", r.header("WWW-Authenticate").constData(), file, line);
    }

    void verifyAccepted(const HttpReply &r, const QString &subject)
    {
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(r.json().value("data").toObject().value("clerkId").toString(), subject);
    }

    QStringList nonJwksPathsFetched() const
    {
        QStringList paths;
        for (const FakeClerk::Request &r : m_clerk->requests()) {
            if (r.path != QStringLiteral("/.well-known/jwks.json")
                && r.path != QStringLiteral("/v1/jwks") && !r.path.startsWith("/v1/users/"))
                paths << r.path;
        }
        return paths;
    }

private slots:
    void initTestCase()
    {
        initFixture();
        m_nextKey = RsaKeyPair::generate(2048, QStringLiteral("ins_2key2"));
        m_attackerKey = RsaKeyPair::generate(2048, QStringLiteral("attacker"));
        m_aliceToken = m_tokens->token(alice, QStringLiteral("sess_2alice"), 3600);
        // Serves the attacker's key, so following a jku/x5u would make the attack succeed.
        m_evil = std::make_unique<FakeClerk>();
        QVERIFY2(m_evil->start(), notStarted("the attacker's fake Clerk", m_evil->errorString()));
        m_evil->setKeys({m_attackerKey.publicJwk()});
    }

    void cleanupTestCase()
    {
        m_evil.reset();
        cleanupFixture();
    }

    void init()
    {
        startClerk();
        m_log.watchToken(m_aliceToken);
        m_log.watch(FakeClerk::defaultSecretKey());
    }

    void cleanup() { stopAndCheckTheLog(); }

    // The fake itself answers the way Clerk's APIs do (the tests below rely on it).
    void fakeClerkBehavesLikeClerk()
    {
        HttpClient c(m_clerk->port());
        const QByteArray secret = "Bearer " + FakeClerk::defaultSecretKey().toUtf8();
        const HttpReply open = c.get("/.well-known/jwks.json");
        QCOMPARE(open.status, 200);
        QCOMPARE(open.json().value("keys").toArray().size(), 1);
        QCOMPARE(open.json().value("keys").toArray().first().toObject().value("kid").toString(),
            m_key.keyId());
        const HttpReply refused = c.get("/v1/jwks");
        QCOMPARE(refused.status, 401);
        QVERIFY(refused.json().value("errors").isArray());
        QCOMPARE(c.get("/v1/jwks", {{"Authorization", "Bearer sk_test_wrong"}}).status, 401);
        QCOMPARE(c.get("/v1/jwks", {{"Authorization", secret}}).json(), open.json());
        const HttpReply unknown = c.get("/v1/users/user_2nobody", {{"Authorization", secret}});
        QCOMPARE(unknown.status, 404);
        QCOMPARE(
            unknown.json().value("errors").toArray().first().toObject().value("code").toString(),
            QStringLiteral("resource_not_found"));
        m_clerk->setUser(FakeClerk::clerkUser(
            QStringLiteral("user_2known"), QStringLiteral("k@example.com"), QStringLiteral("K")));
        QCOMPARE(c.get("/v1/users/user_2known").status, 401);
        const QJsonObject user = c.get("/v1/users/user_2known", {{"Authorization", secret}}).json();
        QCOMPARE(user.value("first_name").toString(), QStringLiteral("K"));
        const QString primary = user.value("primary_email_address_id").toString();
        for (const QJsonValue &e : user.value("email_addresses").toArray()) {
            if (e.toObject().value("id").toString() == primary)
                QCOMPARE(e.toObject().value("email_address").toString(),
                    QStringLiteral("k@example.com"));
        }
        m_clerk->removeUser(QStringLiteral("user_2known"));
        QCOMPARE(c.get("/v1/users/user_2known", {{"Authorization", secret}}).status, 404);
        m_clerk->failNext(2, 503);
        QCOMPARE(c.get("/.well-known/jwks.json").status, 503);
        QCOMPARE(c.get("/.well-known/jwks.json").status, 503);
        QCOMPARE(c.get("/.well-known/jwks.json").status, 200);
        QCOMPARE(m_clerk->jwksCalls(), 7);
        QCOMPARE(m_clerk->userCalls(QStringLiteral("user_2known")), 3);
        QCOMPARE(m_clerk->callCount(), 11);
        m_clerk->setHang(true);
        HttpClient parked(m_clerk->port());
        QCOMPARE(parked.request("GET", "/.well-known/jwks.json", {}, {}, 300).status, 0);
        m_clerk->setHang(false);
        QCOMPARE(parked.readReply().status, 200);
    }

    void keySources_data()
    {
        QTest::addColumn<ClerkKeySource>("source");
        QTest::newRow("CLERK_JWKS_URL") << ClerkKeySource::JwksUrl;
        QTest::newRow("CLERK_SECRET_KEY") << ClerkKeySource::SecretKey;
        QTest::newRow("CLERK_JWT_KEY") << ClerkKeySource::Pem;
    }
    void keySources()
    {
        QFETCH(ClerkKeySource, source);
        CHECK(start(source));
        CHECK(verifyAccepted(profile(bearer(m_aliceToken)), alice));
        QCOMPARE(users(alice), 1);
        const QList<FakeClerk::Request> requests = m_clerk->requests();
        switch (source) {
        case ClerkKeySource::JwksUrl:
            QCOMPARE(m_clerk->jwksCalls(), 1);
            QCOMPARE(requests.first().path, QStringLiteral("/.well-known/jwks.json"));
            break;
        case ClerkKeySource::SecretKey:
            QCOMPARE(m_clerk->jwksCalls(), 1);
            QCOMPARE(requests.first().path, QStringLiteral("/v1/jwks"));
            QCOMPARE(requests.first().header("Authorization"),
                "Bearer " + FakeClerk::defaultSecretKey().toUtf8());
            break;
        case ClerkKeySource::Pem:
            QCOMPARE(m_clerk->jwksCalls(), 0); // networkless
            break;
        }
    }

    void jwksUrlWinsOverSecretKey()
    {
        CHECK(start(ClerkKeySource::JwksUrl,
            [this](Config &c) { c.clerkSecretKey = FakeClerk::defaultSecretKey(); }));
        CHECK(verifyAccepted(profile(bearer(m_aliceToken)), alice));
        for (const FakeClerk::Request &r : m_clerk->requests())
            QVERIFY2(r.path != QStringLiteral("/v1/jwks"), qPrintable(r.path));
        QCOMPARE(m_clerk->jwksCalls(), 1);
    }

    // The sk_ key is for Clerk's Backend API only: a CLERK_JWKS_URL on another origin never
    // sees it, even when CLERK_API_URL happens to be a string prefix of that URL.
    void secretKeyGoesOnlyToTheBackendApi()
    {
        CHECK(start(ClerkKeySource::JwksUrl, [this](Config &c) {
            c.clerkSecretKey = FakeClerk::defaultSecretKey();
            c.clerkApiUrl
                = QStringLiteral("http://127.0.0.1:") + QString::number(m_clerk->port()).left(1);
        }));
        CHECK(verifyAccepted(profile(bearer(m_aliceToken)), alice));
        QCOMPARE(m_clerk->jwksCalls(), 1);
        for (const FakeClerk::Request &r : m_clerk->requests())
            QVERIFY2(r.header("Authorization").isEmpty(), qPrintable(r.path));
    }

    void pemNeedsNoNetwork()
    {
        CHECK(start(ClerkKeySource::Pem,
            [](Config &c) { c.clerkApiUrl = QStringLiteral("http://127.0.0.1:9"); }));
        CHECK(verifyAccepted(profile(bearer(m_aliceToken)), alice));
        // A PEM key answers every kid, but only its own signatures.
        CHECK(verifyAccepted(
            profile(bearer(signedBy(m_key, sessionHeader(m_nextKey), claimsFor(alice)))), alice));
        CHECK(verifyUnauthenticated(
            profile(bearer(signedBy(m_attackerKey, sessionHeader(m_key), claimsFor(mallory))))));
        QCOMPARE(users(mallory), 0);
        QCOMPARE(m_clerk->callCount(), 0);
    }

    // Issue 9, 4b: with CLERK_JWT_KEY as well as a JWKS source, the PEM key is tried first, as
    // Clerk's SDK uses its jwtKey: a household whose internet is down keeps signing in.
    void pemKeyFirstWhileClerkIsUnreachable()
    {
        CHECK(start(ClerkKeySource::SecretKey,
            [this](Config &c) { c.clerkJwtKey = QString::fromLatin1(m_key.publicPem()); }));
        CHECK(verifyAccepted(profile(bearer(m_aliceToken)), alice));
        QCOMPARE(m_clerk->jwksCalls(), 0); // reachable, and not asked
        m_clerk->stop(); // Clerk out of reach: every connection is refused
        CHECK(verifyAccepted(profile(bearer(token(bob))), bob));
        CHECK(verifyAccepted(profile(bearer(token(alice, QStringLiteral("sess_2later")))), alice));
        // Nothing the PEM key did not sign gets in, reachable JWKS or not.
        CHECK(verifyUnauthenticated(
            profile(bearer(signedBy(m_attackerKey, sessionHeader(m_key), claimsFor(mallory))))));
        QCOMPARE(users(mallory), 0);
        QCOMPARE(m_clerk->jwksCalls(), 0);
    }

    // PEM first, then the JWKS: a token of a key the PEM is not (Clerk rotated to it) is still
    // verified against the JWKS; the PEM's own tokens never fetch it.
    void pemKeyFirstThenJwks()
    {
        m_clerk->setKeys({m_key.publicJwk(), m_nextKey.publicJwk()});
        CHECK(start(ClerkKeySource::JwksUrl,
            [this](Config &c) { c.clerkJwtKey = QString::fromLatin1(m_key.publicPem()); }));
        CHECK(verifyAccepted(profile(bearer(m_aliceToken)), alice));
        QCOMPARE(m_clerk->jwksCalls(), 0);
        const QByteArray rotated = signedBy(m_nextKey, sessionHeader(m_nextKey), claimsFor(bob));
        CHECK(verifyAccepted(profile(bearer(rotated)), bob));
        QCOMPARE(m_clerk->jwksCalls(), 1);
        CHECK(verifyUnauthenticated(
            profile(bearer(signedBy(m_attackerKey, sessionHeader(m_key), claimsFor(mallory))))));
        QCOMPARE(users(mallory), 0);
    }

    void wrongSecretKeyIsNeverA500()
    {
        m_clerk->setSecretKey(QStringLiteral("sk_test_SomeOtherInstanceKey0000000000000000"));
        CHECK(start(ClerkKeySource::SecretKey,
            [](Config &c) { c.clerkSecretKey = FakeClerk::defaultSecretKey(); }));
        const HttpReply r = profile(bearer(m_aliceToken));
        QVERIFY2(r.status == 401 || r.status == 503, r.body);
        QVERIFY(!r.body.contains(FakeClerk::defaultSecretKey().toUtf8()));
        QCOMPARE(users(alice), 0);
    }

    void authorizationHeader_data()
    {
        QTest::addColumn<Headers>("headers");
        const QByteArray t = m_aliceToken;
        QTest::newRow("no header") << Headers {};
        QTest::newRow("Basic") << Headers {{"Authorization", "Basic dXNlcjpwYXNzd29yZA=="}};
        QTest::newRow("Basic with a token") << Headers {{"Authorization", "Basic " + t}};
        QTest::newRow("Bearer without token") << Headers {{"Authorization", "Bearer"}};
        QTest::newRow("Bearer and a space") << Headers {{"Authorization", "Bearer "}};
        QTest::newRow("token without scheme") << Headers {{"Authorization", t}};
        QTest::newRow("other scheme") << Headers {{"Authorization", "Token " + t}};
        QTest::newRow("token and more") << Headers {{"Authorization", "Bearer " + t + " extra"}};
        QTest::newRow("token with comma") << Headers {{"Authorization", "Bearer " + t + ","}};
        QTest::newRow("garbage") << Headers {{"Authorization", "Bearer not-a-jwt"}};
        QTest::newRow("dots only") << Headers {{"Authorization", "Bearer .."}};
        QTest::newRow("empty segments") << Headers {{"Authorization", "Bearer a..c"}};
        // Just under the 8 KiB a header field may have (a longer one is refused with 400 before
        // authentication: tst_hostile).
        QTest::newRow("8 KB") << Headers {{"Authorization", "Bearer " + QByteArray(8000, 'A')}};
        // Clerk's SDK also reads the __session cookie; our contract is the header only.
        QTest::newRow("session cookie only") << Headers {{"Cookie", "__session=" + t}};
    }
    void authorizationHeader()
    {
        QFETCH(Headers, headers);
        CHECK(start());
        const HttpReply r = profile(headers);
        CHECK(verifyUnauthenticated(r));
        QVERIFY(!r.body.contains(m_aliceToken));
        QCOMPARE(users(), 0);
    }

    // Tokens travel in the Authorization header only (a URL ends up in logs and histories).
    void tokenInQueryIsNotAccepted()
    {
        CHECK(start());
        for (const QByteArray &name :
            QList<QByteArray> {"token", "access_token", "__session", "__clerk_db_jwt"}) {
            const HttpReply r = m_ts->get("/api/user/profile?" + name + '=' + m_aliceToken);
            QVERIFY2(r.status == 401 || r.status == 400, r.body);
        }
        QCOMPARE(users(), 0);
    }

    void attackCorpus_data()
    {
        QTest::addColumn<QByteArray>("token");
        const QJsonObject header = sessionHeader(m_key);
        const QJsonObject claims = claimsFor(mallory);
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        auto sign
            = [this](const QJsonObject &h, const QJsonObject &c) { return signedBy(m_key, h, c); };
        auto segments = [](const QByteArray &t) { return t.split('.'); };

        QTest::newRow("expired") << sign(
            header, with(with(claims, "exp", now - 60), "iat", now - 120));
        QTest::newRow("expired beyond the skew") << sign(header, with(claims, "exp", now - 8));
        QTest::newRow("nbf in the future") << sign(header, with(claims, "nbf", now + 60));
        QTest::newRow("nbf beyond the skew") << sign(header, with(claims, "nbf", now + 8));
        QTest::newRow("iat in the future") << sign(header, with(claims, "iat", now + 60));
        QTest::newRow("missing exp") << sign(header, without(claims, "exp"));
        QTest::newRow("string exp")
            << sign(header, with(claims, "exp", QString::number(now + 600)));
        QTest::newRow("null exp") << sign(header, with(claims, "exp", QJsonValue()));
        QTest::newRow("string nbf") << sign(header, with(claims, "nbf", QString::number(now)));
        QTest::newRow("string iat") << sign(header, with(claims, "iat", QString::number(now)));
        QTest::newRow("missing sub") << sign(header, without(claims, "sub"));
        QTest::newRow("empty sub") << sign(header, with(claims, "sub", QString()));
        QTest::newRow("numeric sub") << sign(header, with(claims, "sub", 12345));
        QTest::newRow("wrong azp")
            << sign(header, with(claims, "azp", QStringLiteral("https://evil.example")));
        QTest::newRow("azp prefix of an origin")
            << sign(header, with(claims, "azp", QStringLiteral("http://localhost:517")));
        QTest::newRow("missing azp") << sign(header, without(claims, "azp"));
        QTest::newRow("wrong iss")
            << sign(header, with(claims, "iss", QStringLiteral("https://evil.clerk.accounts.dev")));
        QTest::newRow("missing iss") << sign(header, without(claims, "iss"));
        QTest::newRow("alg none") << mintUnsignedToken(with(header, "alg", "none"), claims);
        QTest::newRow("alg None with a signature")
            << mintUnsignedToken(with(header, "alg", "None"), claims, segments(m_aliceToken).at(2));
        QTest::newRow("alg missing") << sign(without(header, "alg"), claims);
        QTest::newRow("HS256 keyed with the public PEM")
            << mintHmacToken(with(header, "alg", "HS256"), claims, m_key.publicPem());
        QTest::newRow("HS256 keyed with the modulus")
            << mintHmacToken(with(header, "alg", "HS256"), claims, m_key.modulus());
        QTest::newRow("HS512 keyed with the public PEM")
            << mintHmacToken(with(header, "alg", "HS512"), claims, m_key.publicPem());
        QTest::newRow("PS256 header on an RS256 signature")
            << mintRsaToken(with(header, "alg", "PS256"), claims, m_key, "RS256");
        QTest::newRow("RS384 against a key published for RS256")
            << signedBy(m_key, with(header, "alg", "RS384"), claims);
        QTest::newRow("typ not JWT") << sign(with(header, "typ", "at+jwt"), claims);
        QTest::newRow("key not in the JWKS, same kid") << signedBy(m_attackerKey, header, claims);
        QTest::newRow("key not in the JWKS, its own kid")
            << signedBy(m_attackerKey, sessionHeader(m_attackerKey), claims);
        QTest::newRow("unknown kid, Clerk's key")
            << sign(with(header, "kid", "ins_made_up"), claims);
        QTest::newRow("no kid") << sign(without(header, "kid"), claims);
        {
            const QList<QByteArray> own = segments(sign(header, claims));
            const QList<QByteArray> other = segments(m_aliceToken);
            QTest::newRow("signature from another token")
                << QByteArray(own.at(0) + '.' + own.at(1) + '.' + other.at(2));
            QTest::newRow("payload swapped into a cached token")
                << QByteArray(other.at(0) + '.' + own.at(1) + '.' + other.at(2));
            QByteArray flipped = other.at(2);
            flipped[20] = flipped.at(20) == 'A' ? 'B' : 'A';
            QTest::newRow("cached token, one signature character changed")
                << QByteArray(other.at(0) + '.' + other.at(1) + '.' + flipped);
            QTest::newRow("cached token, signature cut")
                << QByteArray(other.at(0) + '.' + other.at(1) + '.' + other.at(2).left(100));
            QTest::newRow("cached token, no signature")
                << QByteArray(other.at(0) + '.' + other.at(1) + '.');
            QTest::newRow("cached token plus a segment") << QByteArray(m_aliceToken + ".e30");
            QTest::newRow("cached token with padding") << QByteArray(m_aliceToken + "==");
            QTest::newRow("two segments") << QByteArray(own.at(0) + '.' + own.at(1));
            QTest::newRow("four segments") << QByteArray(own.join('.') + '.' + own.at(2));
            QTest::newRow("bad base64 payload")
                << QByteArray(own.at(0) + '.' + own.at(1) + "*!" + '.' + own.at(2));
            QTest::newRow("standard base64 alphabet") << QByteArray(own.at(0) + '.' + own.at(1)
                + '.'
                + QByteArray::fromBase64(own.at(2), QByteArray::Base64UrlEncoding).toBase64());
        }
        QTest::newRow("non-JSON payload") << mintRsaTokenRaw(
            compactJson(header), "sub=user_2mallory", m_key, QStringLiteral("RS256"));
        QTest::newRow("JSON array payload") << mintRsaTokenRaw(
            compactJson(header), "[\"user_2mallory\"]", m_key, QStringLiteral("RS256"));
        QTest::newRow("non-JSON header")
            << mintRsaTokenRaw("RS256", compactJson(claims), m_key, QStringLiteral("RS256"));
        const QString evil = m_evil->jwksUrl();
        QTest::newRow("jku to the attacker's keys")
            << signedBy(m_attackerKey, with(sessionHeader(m_attackerKey), "jku", evil), claims);
        QTest::newRow("jku on a Clerk-signed token") << sign(with(header, "jku", evil), claims);
        QTest::newRow("x5u to the attacker's certificate")
            << signedBy(m_attackerKey, with(sessionHeader(m_attackerKey), "x5u", evil), claims);
        QTest::newRow("embedded jwk") << signedBy(m_attackerKey,
            with(sessionHeader(m_attackerKey), "jwk", m_attackerKey.publicJwk()), claims);
        QTest::newRow("embedded x5c")
            << sign(with(header, "x5c", QJsonArray {QStringLiteral("MIIBIjANBgkq")}), claims);
        QTest::newRow("crit") << sign(
            with(header, "crit", QJsonArray {QStringLiteral("exp")}), claims);
    }
    void attackCorpus()
    {
        QFETCH(QByteArray, token);
        m_log.watchToken(token);
        CHECK(start(ClerkKeySource::JwksUrl, [](Config &c) { c.clerkIssuer = issuer; }));
        // Alice's token is verified and cached first, so no rule may be skipped for a token
        // that merely resembles a cached one.
        CHECK(verifyAccepted(profile(bearer(m_aliceToken)), alice));
        const HttpReply r = profile(bearer(token));
        CHECK(verifyUnauthenticated(r));
        QVERIFY(!r.body.contains(token));
        QCOMPARE(users(mallory), 0);
        QCOMPARE(users(), 1);
        // An invalid token on a public route is ignored, and still creates nobody.
        QCOMPARE(m_ts->get("/api/movies/popular", bearer(token)).status, 200);
        QCOMPARE(users(), 1);
        QCOMPARE(nonJwksPathsFetched(), QStringList());
        QCOMPARE(m_evil->callCount(), 0);
        CHECK(verifyAccepted(profile(bearer(m_aliceToken)), alice));
    }

    // Clerk's SDK allows 5 s of clock skew on exp, nbf and iat.
    void clockSkew_data()
    {
        QTest::addColumn<QString>("claim");
        QTest::addColumn<int>("offset");
        QTest::newRow("exp 2 s ago") << "exp" << -2;
        QTest::newRow("nbf 2 s ahead") << "nbf" << 2;
        QTest::newRow("iat 2 s ahead") << "iat" << 2;
    }
    void clockSkew()
    {
        QFETCH(QString, claim);
        QFETCH(int, offset);
        CHECK(start());
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        CHECK(
            verifyAccepted(profile(bearer(token(alice, {}, 600, {{claim, now + offset}}))), alice));
    }

    void otherRsaAlgorithms_data()
    {
        QTest::addColumn<QString>("alg");
        QTest::newRow("RS384") << "RS384";
        QTest::newRow("RS512") << "RS512";
    }
    void otherRsaAlgorithms()
    {
        QFETCH(QString, alg);
        const RsaKeyPair key = RsaKeyPair::generate(2048, QStringLiteral("ins_") + alg);
        m_clerk->setKeys({m_key.publicJwk(), key.publicJwk(alg)});
        CHECK(start());
        CHECK(verifyAccepted(
            profile(bearer(signedBy(key, sessionHeader(key, alg), claimsFor(alice)))), alice));
    }

    void jwksIsCached()
    {
        CHECK(start());
        for (int i = 0; i < 50; ++i)
            QCOMPARE(profile(bearer(m_aliceToken)).status, 200);
        for (int i = 0; i < 10; ++i) {
            const QString subject = QStringLiteral("user_2many%1").arg(i);
            CHECK(verifyAccepted(profile(bearer(token(subject))), subject));
        }
        QCOMPARE(m_clerk->jwksCalls(), 1);
    }

    void unknownKidFloodMakesAtMostOneRefresh()
    {
        CHECK(start());
        CHECK(verifyAccepted(profile(bearer(m_aliceToken)), alice));
        QCOMPARE(m_clerk->jwksCalls(), 1);
        for (int i = 0; i < 30; ++i) {
            const QJsonObject header
                = with(sessionHeader(m_key), "kid", QStringLiteral("kid_%1").arg(i));
            CHECK(verifyUnauthenticated(
                profile(bearer(signedBy(m_key, header, claimsFor(mallory))))));
        }
        QVERIFY2(m_clerk->jwksCalls() <= 2, QByteArray::number(m_clerk->jwksCalls()));
        QCOMPARE(users(mallory), 0);
        CHECK(verifyAccepted(
            profile(bearer(token(QStringLiteral("user_2after")))), QStringLiteral("user_2after")));
    }

    void keyRotation()
    {
        CHECK(start());
        CHECK(verifyAccepted(profile(bearer(m_aliceToken)), alice));
        m_clerk->setKeys({m_key.publicJwk(), m_nextKey.publicJwk()});
        const QByteArray rotated = signedBy(m_nextKey, sessionHeader(m_nextKey), claimsFor(bob));
        // One refresh on the new kid; at most one per interval even if it came too early.
        QTRY_COMPARE_WITH_TIMEOUT(profile(bearer(rotated)).status, 200, 15000);
        QCOMPARE(m_clerk->jwksCalls(), 2);
        CHECK(verifyAccepted(profile(bearer(rotated)), bob));
        CHECK(verifyAccepted(
            profile(bearer(token(QStringLiteral("user_2carol")))), QStringLiteral("user_2carol")));
        QCOMPARE(m_clerk->jwksCalls(), 2);
    }

    void keysKeptWhenRefreshFails_data()
    {
        QTest::addColumn<int>("status");
        QTest::newRow("503") << 503;
        QTest::newRow("500") << 500;
        QTest::newRow("401") << 401;
    }
    void keysKeptWhenRefreshFails()
    {
        QFETCH(int, status);
        CHECK(start());
        CHECK(verifyAccepted(profile(bearer(m_aliceToken)), alice));
        m_clerk->failNext(1000, status);
        const QByteArray unknownKid
            = signedBy(m_nextKey, sessionHeader(m_nextKey), claimsFor(mallory));
        QTRY_VERIFY_WITH_TIMEOUT(
            profile(bearer(unknownKid)).status == 401 && m_clerk->jwksCalls() >= 2, 15000);
        CHECK(verifyUnauthenticated(profile(bearer(unknownKid))));
        // The failed refresh did not throw away the keys that still work.
        const QString dave = QStringLiteral("user_2dave");
        CHECK(verifyAccepted(profile(bearer(token(dave))), dave));
        CHECK(verifyAccepted(profile(bearer(m_aliceToken)), alice));
    }

    void jwksBodyThatIsNotAJwksKeepsKeys()
    {
        CHECK(start());
        CHECK(verifyAccepted(profile(bearer(m_aliceToken)), alice));
        m_clerk->setKeys({}); // {"keys":[]}: no usable key must not replace the working set
        const QByteArray unknownKid
            = signedBy(m_nextKey, sessionHeader(m_nextKey), claimsFor(mallory));
        QTRY_VERIFY_WITH_TIMEOUT(
            profile(bearer(unknownKid)).status == 401 && m_clerk->jwksCalls() >= 2, 15000);
        CHECK(verifyUnauthenticated(profile(bearer(unknownKid))));
        CHECK(verifyAccepted(
            profile(bearer(token(QStringLiteral("user_2erin")))), QStringLiteral("user_2erin")));
    }

    void clerkDownAtStartThenBack()
    {
        m_clerk->failNext(1000, 503);
        CHECK(start());
        const HttpReply down = profile(bearer(m_aliceToken));
        QVERIFY2(down.status == 401 || down.status == 503, down.body);
        QCOMPARE(users(), 0);
        m_clerk->failNext(0, 0);
        QTRY_COMPARE_WITH_TIMEOUT(profile(bearer(m_aliceToken)).status, 200, 15000);
        QCOMPARE(users(alice), 1);
    }

    // While Clerk hangs, a request that needs a token waits for the keys no longer than the
    // Clerk timeout (5 s) and is then refused, never left hanging; public routes are answered
    // meanwhile.
    void clerkHangingAnswersInTime()
    {
        m_clerk->setHang(true);
        CHECK(start());
        QElapsedTimer timer;
        timer.start();
        HttpClient waiting(m_ts->port());
        QVERIFY(waiting.connectToServer());
        waiting.socket()->write(
            "GET /api/user/profile HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + m_aliceToken
            + "\r\n\r\n");
        QTRY_VERIFY(m_clerk->parkedRequests() >= 1); // the key fetch hangs
        // Public routes never wait for Clerk: answered while the key fetch still hangs.
        QCOMPARE(m_ts->get("/api/movies/popular").status, 200);
        QVERIFY(m_clerk->parkedRequests() >= 1);
        const HttpReply r = waiting.readReply(false, 30000);
        QVERIFY2(r.status == 401 || r.status == 503, r.body);
        QVERIFY2(timer.elapsed() < 25000, QByteArray::number(timer.elapsed()));
        m_clerk->setHang(false);
    }

    // A verified token is remembered, but never past its expiry.
    void cachedTokenStillExpires()
    {
        CHECK(start());
        m_now = QDateTime::currentMSecsSinceEpoch();
        m_ts->server().authenticator()->setClock([this] { return m_now; });
        const qint64 now = m_now / 1000;
        // Expired a second ago, still inside Clerk's 5 s of clock skew: accepted, and cached.
        const QByteArray t = token(alice, {}, 600, {{"exp", now - 1}});
        CHECK(verifyAccepted(profile(bearer(t)), alice));
        m_now = (now + 3) * 1000 + 999; // the last moment inside the skew
        CHECK(verifyAccepted(profile(bearer(t)), alice));
        m_now = (now + 4) * 1000;
        CHECK(verifyUnauthenticated(profile(bearer(t))));
        CHECK(verifyUnauthenticated(profile(bearer(t))));
        // A token still valid at that time is accepted: it is the clock, not the cache, that
        // refused the other.
        CHECK(verifyAccepted(profile(bearer(token(alice))), alice));
    }

    void publicRoutesAreOptional_data()
    {
        QTest::addColumn<Headers>("headers");
        QTest::newRow("none") << Headers {};
        QTest::newRow("Basic") << Headers {{"Authorization", "Basic dXNlcjpwYXNz"}};
        QTest::newRow("garbage") << Headers {{"Authorization", "Bearer garbage"}};
        QTest::newRow("attacker's key")
            << bearer(signedBy(m_attackerKey, sessionHeader(m_key), claimsFor(mallory)));
        QTest::newRow("expired") << bearer(signedBy(m_key, sessionHeader(m_key),
            with(claimsFor(mallory), "exp", QDateTime::currentSecsSinceEpoch() - 60)));
    }
    void publicRoutesAreOptional()
    {
        QFETCH(Headers, headers);
        CHECK(start());
        const HttpReply anonymous = m_ts->get("/api/movies/popular");
        const HttpReply r = m_ts->get("/api/movies/popular", headers);
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("WWW-Authenticate").isEmpty());
        QCOMPARE(r.json().value("data"), anonymous.json().value("data"));
        QCOMPARE(users(), 0);
        QCOMPARE(m_ts->get("/health", headers).status, 200);
    }

    // A logged-in user's preferences fill what the request leaves out; explicit values win;
    // anonymous and invalid-token requests get none of them.
    void preferencesApplyToCatalogue()
    {
        FakeTmdb tmdb(QStringLiteral(MARQUEE_TMDB_SPEC));
        QVERIFY2(tmdb.start(), notStarted("fake TMDB", tmdb.errorString()));
        CHECK(start(ClerkKeySource::JwksUrl, [&tmdb](Config &c) {
            c.tmdbApiKey = FakeTmdb::defaultApiKey();
            c.tmdbBaseUrl = tmdb.baseUrl();
        }));
        const QByteArray t = token(QStringLiteral("user_2frida"));
        const HttpReply patched = m_ts->request("PATCH", "/api/user/profile",
            {ClerkTokens::bearer(t), {"Content-Type", "application/json"}},
            R"({"preferences":{"language":"fr-FR","region":"FR","includeAdult":true}})");
        QVERIFY2(patched.status == 200, patched.body);

        auto lastQuery = [&tmdb] { return tmdb.requests().last().query; };
        QCOMPARE(m_ts->get("/api/movies/popular").status, 200);
        QVERIFY(lastQuery().queryItemValue("language") != QStringLiteral("fr-FR"));
        QVERIFY(lastQuery().queryItemValue("region") != QStringLiteral("FR"));
        const int anonymousCalls = tmdb.callCount();

        QCOMPARE(m_ts->get("/api/movies/popular", bearer(t)).status, 200);
        QCOMPARE(tmdb.callCount(), anonymousCalls + 1);
        QCOMPARE(lastQuery().queryItemValue("language"), QStringLiteral("fr-FR"));
        QCOMPARE(lastQuery().queryItemValue("region"), QStringLiteral("FR"));

        QCOMPARE(m_ts->get("/api/movies/popular?language=de-DE", bearer(t)).status, 200);
        QCOMPARE(lastQuery().queryItemValue("language"), QStringLiteral("de-DE"));
        QCOMPARE(lastQuery().queryItemValue("region"), QStringLiteral("FR"));

        QCOMPARE(m_ts->get("/api/movies/search?query=amelie", bearer(t)).status, 200);
        QCOMPARE(lastQuery().queryItemValue("include_adult"), QStringLiteral("true"));
        QCOMPARE(
            m_ts->get("/api/movies/search?query=amelie2&include_adult=false", bearer(t)).status,
            200);
        QCOMPARE(lastQuery().queryItemValue("include_adult"), QStringLiteral("false"));
        QCOMPARE(m_ts->get("/api/movies/search?query=amelie3").status, 200);
        QVERIFY(lastQuery().queryItemValue("include_adult") != QStringLiteral("true"));

        // An invalid token is answered as anonymous: the anonymous cache entry, no new call.
        const int before = tmdb.callCount();
        const HttpReply invalid
            = m_ts->get("/api/movies/popular", {{"Authorization", "Bearer x.y.z"}});
        QCOMPARE(invalid.status, 200);
        QCOMPARE(invalid.header("X-Cache"), QByteArray("HIT"));
        QCOMPARE(tmdb.callCount(), before);
    }

    // Secrets, tokens and claim values in every place the server might log them.
    void nothingSensitiveInLogs()
    {
        const QByteArray webhookSecret = newWebhookSecret();
        const QString email = QStringLiteral("gina.secret-address@example.com");
        m_log.watch(QString::fromLatin1(webhookSecret));
        m_log.watch(QString::fromLatin1(webhookSecret.mid(6)));
        m_log.watch(email);
        m_clerk->setUser(
            FakeClerk::clerkUser(QStringLiteral("user_2gina"), email, QStringLiteral("Gina")));
        CHECK(start(ClerkKeySource::SecretKey, [&webhookSecret](Config &c) {
            c.clerkWebhookSecret = QString::fromLatin1(webhookSecret);
            c.rateLimitSensitive = 0;
        }));
        const QByteArray gina = token(
            QStringLiteral("user_2gina"), QStringLiteral("sess_2gina"), 600, {{"email", email}});
        QCOMPARE(profile(bearer(gina)).status, 200);
        QTRY_COMPARE(
            profile(bearer(gina)).json().value("data").toObject().value("email").toString(), email);
        QCOMPARE(m_ts->request("POST", "/api/user/sync", bearer(gina)).status, 200);
        CHECK(verifyUnauthenticated(profile(bearer(signedBy(
            m_attackerKey, sessionHeader(m_key), with(claimsFor(mallory), "email", email))))));
        CHECK(verifyUnauthenticated(profile(bearer(token(mallory, {}, 600,
            {{"exp", QDateTime::currentSecsSinceEpoch() - 60}, {"email", email}})))));
        CHECK(verifyUnauthenticated(profile({{"Authorization", "Basic " + gina}})));

        const QByteArray body = QJsonDocument(
            QJsonObject {{"type", "user.updated"}, {"object", "event"},
                {"data",
                    FakeClerk::clerkUser(QStringLiteral("user_2gina"), email,
                        QStringLiteral(
                            "G"))}}).toJson(QJsonDocument::Compact);
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const SignedWebhook good = signWebhook(webhookSecret, body, now, "msg_2log1");
        const SignedWebhook stale = signWebhook(webhookSecret, body, now - 3600, "msg_2log2");
        m_log.watch(QString::fromLatin1(good.signature.mid(3)));
        for (const SignedWebhook &w : {good, stale}) {
            const HttpReply r = m_ts->request("POST", "/api/webhooks/clerk",
                {{"Content-Type", "application/json"}, {"svix-id", w.id},
                    {"svix-timestamp", w.timestamp}, {"svix-signature", w.signature}},
                w.body);
            QVERIFY2(r.status < 500, r.body);
        }
        const HttpReply tampered = m_ts->request("POST", "/api/webhooks/clerk",
            {{"Content-Type", "application/json"}, {"svix-id", good.id},
                {"svix-timestamp", good.timestamp}, {"svix-signature", good.signature}},
            body + " ");
        QVERIFY(tampered.status >= 400 && tampered.status < 500);
        QVERIFY(!tampered.body.contains(webhookSecret.mid(6)));
        // The watch itself works: the log did record this test's requests (checked in cleanup()).
        QVERIFY(!m_logger.buffer()->entriesAfter(0).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAuth)
#include "tst_auth.moc"
