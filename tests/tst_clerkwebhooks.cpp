// Clerk's webhooks end to end (POST /api/webhooks/clerk; docs/api.md, "Authentication"; issue 4):
// Svix-signed deliveries over a real socket change users; anything unsigned, stale, tampered or
// replayed changes nothing.
#include "support/authfixture.h"
#include "support/check.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QUuid>

using namespace marquee;
using namespace marquee::test;

namespace {

// A delivery as Clerk sends it: the event envelope around the object.
QByteArray clerkEvent(const QString &type, const QJsonObject &data)
{
    const QJsonObject envelope {{QStringLiteral("data"), data},
        {QStringLiteral("object"), QStringLiteral("event")}, {QStringLiteral("type"), type},
        {QStringLiteral("timestamp"), QDateTime::currentMSecsSinceEpoch()},
        {QStringLiteral("instance_id"), QStringLiteral("ins_2fakeinstance")},
        {QStringLiteral("event_attributes"),
            QJsonObject {{QStringLiteral("http_request"),
                QJsonObject {{QStringLiteral("client_ip"), QStringLiteral("192.0.2.1")},
                    {QStringLiteral("user_agent"), QStringLiteral("Mozilla/5.0")}}}}}};
    return QJsonDocument(envelope).toJson(QJsonDocument::Compact);
}

QByteArray deletedEvent(const QString &id)
{
    return clerkEvent(QStringLiteral("user.deleted"),
        {{QStringLiteral("id"), id}, {QStringLiteral("object"), QStringLiteral("user")},
            {QStringLiteral("deleted"), true}});
}

qint64 now()
{
    return QDateTime::currentSecsSinceEpoch();
}

} // namespace

class TestClerkWebhooks
    : public QObject
    , public AuthFixture
{
    Q_OBJECT

    QByteArray m_secret;

    void start(bool withSecret = true)
    {
        startServer(ClerkKeySource::JwksUrl, {bob}, [&](Config &config) {
            if (withSecret)
                config.clerkWebhookSecret = QString::fromLatin1(m_secret);
        });
    }

    HttpReply deliver(const SignedWebhook &w)
    {
        return m_ts->request("POST", "/api/webhooks/clerk",
            {{"Content-Type", "application/json"}, {"svix-id", w.id},
                {"svix-timestamp", w.timestamp}, {"svix-signature", w.signature}},
            w.body);
    }

    HttpReply deliver(const QByteArray &body, const QByteArray &id = {})
    {
        const SignedWebhook w = signWebhook(m_secret, body, now(),
            id.isEmpty() ? "msg_" + QUuid::createUuid().toByteArray(QUuid::Id128) : id);
        m_log.watch(QString::fromLatin1(w.signature.mid(3)));
        return deliver(w);
    }

    QString column(const QString &clerkId, const char *name)
    {
        QSqlQuery q(m_ts->server().database().connection());
        q.prepare(
            QStringLiteral("SELECT %1 FROM users WHERE clerk_id = ?").arg(QLatin1String(name)));
        q.addBindValue(clerkId);
        return q.exec() && q.next() ? q.value(0).toString() : QStringLiteral("<no user>");
    }

    qint64 users() { return scalar(QStringLiteral("SELECT COUNT(*) FROM users")); }

    void addListItems(qint64 user, int count)
    {
        for (int i = 0; i < count; ++i) {
            for (const char *table : {"watchlist", "favorites"}) {
                QSqlQuery q(m_ts->server().database().connection());
                q.prepare(QStringLiteral("INSERT INTO %1 (user_id, content_type, tmdb_id, title, "
                                         "added_at) VALUES (?, 'tv', ?, 'A title', ?)")
                              .arg(QLatin1String(table)));
                q.addBindValue(user);
                q.addBindValue(2000 + i);
                q.addBindValue(QDateTime::currentMSecsSinceEpoch());
                QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            }
        }
    }

    static QJsonObject user(const QString &id, const QString &email, const QString &first,
        const QString &last, const QString &image = {})
    {
        return FakeClerk::clerkUser(id, email, first, last, image);
    }

private slots:
    void initTestCase()
    {
        initFixture();
        // One secret for the whole run: the _data functions sign with it before init() runs.
        m_secret = newWebhookSecret();
    }
    void cleanupTestCase() { cleanupFixture(); }

    void init()
    {
        startClerk();
        m_log.watch(QString::fromLatin1(m_secret));
        m_log.watch(QString::fromLatin1(m_secret.mid(6)));
    }

    void cleanup() { stopAndCheckTheLog(); }

    void userCreated()
    {
        CHECK(start());
        m_log.watch(QStringLiteral("alice@example.com"));
        const HttpReply r = deliver(clerkEvent(QStringLiteral("user.created"),
            user(alice, QStringLiteral("alice@example.com"), QStringLiteral("Alice"),
                QStringLiteral("Liddell"), QStringLiteral("https://img.clerk.com/alice.png"))));
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(users(), 1);
        // The primary address (by primary_email_address_id), not the first one.
        QCOMPARE(column(alice, "email"), QStringLiteral("alice@example.com"));
        QCOMPARE(column(alice, "first_name"), QStringLiteral("Alice"));
        QCOMPARE(column(alice, "last_name"), QStringLiteral("Liddell"));
        QCOMPARE(column(alice, "image_url"), QStringLiteral("https://img.clerk.com/alice.png"));
        const QJsonObject p = profileOf(token(alice));
        QCOMPARE(p.value("email").toString(), QStringLiteral("alice@example.com"));
        QCOMPARE(p.value("firstName").toString(), QStringLiteral("Alice"));
        QCOMPARE(p.value("lastName").toString(), QStringLiteral("Liddell"));
        QCOMPARE(p.value("imageUrl").toString(), QStringLiteral("https://img.clerk.com/alice.png"));
        QCOMPARE(users(), 1);
    }

    void userCreatedForAKnownUser()
    {
        CHECK(start());
        const QByteArray t = token(alice);
        const QJsonObject before = profileOf(t);
        QVERIFY(before.value("email").isNull());
        QVERIFY2(deliver(clerkEvent(QStringLiteral("user.created"),
                             user(alice, QStringLiteral("alice@example.com"),
                                 QStringLiteral("Alice"), QStringLiteral("Liddell"))))
                     .status
                == 200,
            "delivery");
        QCOMPARE(users(), 1);
        const QJsonObject after = profileOf(t);
        QCOMPARE(after.value("id"), before.value("id"));
        QCOMPARE(after.value("email").toString(), QStringLiteral("alice@example.com"));
    }

    void userUpdated()
    {
        CHECK(start());
        QCOMPARE(deliver(clerkEvent(QStringLiteral("user.created"),
                             user(alice, QStringLiteral("alice@example.com"),
                                 QStringLiteral("Alice"), QStringLiteral("Liddell"))))
                     .status,
            200);
        const QByteArray t = token(alice);
        QCOMPARE(
            profileOf(t).value("lastName").toString(), QStringLiteral("Liddell")); // cached now
        QCOMPARE(m_ts->request("PATCH", "/api/user/profile",
                         {ClerkTokens::bearer(t), {"Content-Type", "application/json"}},
                         R"({"displayName":"Own choice","preferences":{"region":"GB"}})")
                     .status,
            200);
        const HttpReply r = deliver(clerkEvent(QStringLiteral("user.updated"),
            user(alice, QStringLiteral("alice.h@example.com"), QStringLiteral("Alice"),
                QStringLiteral("Hargreaves"), QStringLiteral("https://img.clerk.com/a2.png"))));
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(column(alice, "email"), QStringLiteral("alice.h@example.com"));
        QCOMPARE(column(alice, "last_name"), QStringLiteral("Hargreaves"));
        QCOMPARE(column(alice, "image_url"), QStringLiteral("https://img.clerk.com/a2.png"));
        const QJsonObject p = profileOf(t);
        QCOMPARE(p.value("email").toString(), QStringLiteral("alice.h@example.com"));
        QCOMPARE(p.value("lastName").toString(), QStringLiteral("Hargreaves"));
        // What the user chose here is not Clerk's to overwrite.
        QCOMPARE(p.value("displayName").toString(), QStringLiteral("Own choice"));
        QCOMPARE(
            p.value("preferences").toObject().value("region").toString(), QStringLiteral("GB"));
        QCOMPARE(users(), 1);
    }

    void userDeleted()
    {
        CHECK(start());
        const QByteArray a = token(alice);
        const QByteArray b = token(bob);
        const qint64 aliceId = profileOf(a).value("id").toVariant().toLongLong();
        const qint64 bobId = profileOf(b).value("id").toVariant().toLongLong();
        QVERIFY(aliceId > 0 && bobId > 0);
        CHECK(addListItems(aliceId, 3));
        CHECK(addListItems(bobId, 2));
        const HttpReply r = deliver(deletedEvent(alice));
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(userId(alice), -1);
        for (const char *table : {"watchlist", "favorites", "sessions"})
            QVERIFY2(rowsOf(table, aliceId) == 0, table);
        QCOMPARE(rowsOf("watchlist", bobId), 2);
        QCOMPARE(rowsOf("favorites", bobId), 2);
        QCOMPARE(rowsOf("sessions", bobId), 1);
        QCOMPARE(profileOf(b).value("id").toVariant().toLongLong(), bobId);
        // Nothing of the deleted user survives in the server's memory either.
        const QJsonObject fresh = profileOf(a);
        QCOMPARE(fresh.value("clerkId").toString(), alice);
        QVERIFY(fresh.value("id").toVariant().toLongLong() != aliceId);
        QCOMPARE(fresh.value("stats").toObject().value("watchlistCount"), QJsonValue(0));
    }

    void userDeletedUnknown()
    {
        CHECK(start());
        const HttpReply r = deliver(deletedEvent(QStringLiteral("user_2neverseen")));
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(users(), 0);
    }

    // A replayed svix-id is acknowledged and not applied again.
    void replayIsAppliedOnce()
    {
        CHECK(start());
        QCOMPARE(deliver(clerkEvent(QStringLiteral("user.created"),
                             user(alice, QStringLiteral("alice@example.com"),
                                 QStringLiteral("Alice"), QStringLiteral("Liddell"))),
                     "msg_2created")
                     .status,
            200);
        const QByteArray update = clerkEvent(QStringLiteral("user.updated"),
            user(alice, QStringLiteral("alice@example.com"), QStringLiteral("Alice"),
                QStringLiteral("First")));
        QCOMPARE(deliver(update, "msg_2update").status, 200);
        QCOMPARE(column(alice, "last_name"), QStringLiteral("First"));
        QSqlQuery q(m_ts->server().database().connection());
        QVERIFY(q.exec(QStringLiteral("UPDATE users SET last_name = 'Changed in between'")));

        // Svix redelivers with the same id and a new timestamp and signature.
        const HttpReply again = deliver(update, "msg_2update");
        QVERIFY2(again.status == 200, again.body);
        QCOMPARE(column(alice, "last_name"), QStringLiteral("Changed in between"));
        // Even a validly signed different body under a used id is not applied.
        const HttpReply other = deliver(clerkEvent(QStringLiteral("user.updated"),
                                            user(alice, QStringLiteral("x@example.com"),
                                                QStringLiteral("X"), QStringLiteral("Other"))),
            "msg_2update");
        QVERIFY2(other.status == 200, other.body);
        QCOMPARE(column(alice, "last_name"), QStringLiteral("Changed in between"));
        // A replayed deletion after the user came back deletes nothing.
        QCOMPARE(deliver(deletedEvent(alice), "msg_2delete").status, 200);
        QCOMPARE(userId(alice), -1);
        QCOMPARE(profileOf(token(alice)).value("clerkId").toString(), alice);
        QCOMPARE(deliver(deletedEvent(alice), "msg_2delete").status, 200);
        QVERIFY(userId(alice) > 0);
    }

    void rejected_data()
    {
        QTest::addColumn<Headers>("headers");
        QTest::addColumn<QByteArray>("body");
        const QByteArray body = deletedEvent(alice);
        const QByteArray id = "msg_2rejected";
        const SignedWebhook good = signWebhook(m_secret, body, now(), id);
        auto headers = [&](const QByteArray &msgId, const QByteArray &time, const QByteArray &sig) {
            Headers h {{"Content-Type", "application/json"}};
            if (!msgId.isNull())
                h.append({"svix-id", msgId});
            if (!time.isNull())
                h.append({"svix-timestamp", time});
            if (!sig.isNull())
                h.append({"svix-signature", sig});
            return h;
        };
        const QByteArray ts = good.timestamp;
        QTest::newRow("tampered body") << headers(id, ts, good.signature) << deletedEvent(bob);
        QTest::newRow("body with a byte more")
            << headers(id, ts, good.signature) << QByteArray(body + "\n");
        QTest::newRow("body re-serialised") << headers(id, ts,
            good.signature) << QJsonDocument::fromJson(body).toJson(QJsonDocument::Indented);
        {
            const SignedWebhook old = signWebhook(m_secret, body, now() - 400, id);
            QTest::newRow("timestamp 400 s old")
                << headers(id, old.timestamp, old.signature) << body;
            const SignedWebhook future = signWebhook(m_secret, body, now() + 400, id);
            QTest::newRow("timestamp 400 s ahead")
                << headers(id, future.timestamp, future.signature) << body;
            const SignedWebhook ms = signWebhook(m_secret, body, now() * 1000, id);
            QTest::newRow("timestamp in milliseconds")
                << headers(id, ms.timestamp, ms.signature) << body;
        }
        {
            const SignedWebhook wrong = signWebhook(newWebhookSecret(), body, now(), id);
            QTest::newRow("wrong secret") << headers(id, ts, wrong.signature) << body;
        }
        QTest::newRow("signature for another id")
            << headers("msg_2other", ts, good.signature) << body;
        QTest::newRow("signature for another timestamp")
            << headers(id, QByteArray::number(now() - 1), good.signature) << body;
        QTest::newRow("missing svix-id") << headers({}, ts, good.signature) << body;
        QTest::newRow("missing svix-timestamp") << headers(id, {}, good.signature) << body;
        QTest::newRow("missing svix-signature") << headers(id, ts, {}) << body;
        QTest::newRow("empty signature") << headers(id, ts, "") << body;
        QTest::newRow("garbage signature") << headers(id, ts, "v1,AAAA") << body;
        QByteArray lastChanged = good.signature;
        lastChanged.back() = lastChanged.back() == 'A' ? 'B' : 'A';
        QTest::newRow("signature, last character changed") << headers(id, ts, lastChanged) << body;
        QTest::newRow("signature, last character missing")
            << headers(id, ts, good.signature.chopped(1)) << body;
        QTest::newRow("signature, a character appended")
            << headers(id, ts, good.signature + "A") << body;
        QTest::newRow("unversioned signature") << headers(id, ts, good.signature.mid(3)) << body;
        QTest::newRow("v2 scheme") << headers(id, ts, "v2," + good.signature.mid(3)) << body;
        QTest::newRow("non-numeric timestamp") << headers(id, "yesterday", good.signature) << body;
        QTest::newRow("no headers at all")
            << Headers {{"Content-Type", "application/json"}} << body;
    }
    void rejected()
    {
        QFETCH(Headers, headers);
        QFETCH(QByteArray, body);
        CHECK(start());
        const QByteArray a = token(alice);
        const qint64 aliceId = profileOf(a).value("id").toVariant().toLongLong();
        QCOMPARE(profileOf(token(bob)).value("clerkId").toString(), bob);
        const HttpReply r = m_ts->request("POST", "/api/webhooks/clerk", headers, body);
        QVERIFY2(r.status == 400 || r.status == 401, r.body);
        QCOMPARE(r.json().value("success").toBool(true), false);
        QCOMPARE(userId(alice), aliceId);
        QVERIFY(userId(bob) > 0);
        QCOMPARE(users(), 2);
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM webhook_events")), 0);
        // A refused delivery does not use up its id: the genuine one still applies.
        QCOMPARE(deliver(deletedEvent(bob), "msg_2rejected").status, 200);
        QCOMPARE(userId(bob), -1);
    }

    void signedButNotJson()
    {
        CHECK(start());
        QCOMPARE(profileOf(token(alice)).value("clerkId").toString(), alice);
        // Not a JSON object: refused.
        for (const QByteArray &body : QList<QByteArray> {
                 "{\"type\":\"user.deleted\",\"data\":", "[]", "null", "user.deleted"}) {
            const HttpReply r = deliver(body);
            QVERIFY2(r.status == 400, r.body);
        }
        // An event without a usable user id: refused or ignored, never applied.
        for (const QByteArray &body :
            QList<QByteArray> {R"({"type":"user.deleted","data":"user_2alice"})",
                R"({"type":"user.deleted","data":{"id":5}})",
                R"({"type":"user.deleted","data":{"id":["user_2alice"]}})",
                R"({"type":"user.deleted"})", R"({"type":"user.created","data":{"id":""}})"}) {
            const HttpReply r = deliver(body);
            QVERIFY2(r.status == 400 || r.status == 200, r.body);
        }
        QVERIFY(userId(alice) > 0);
        QCOMPARE(users(), 1);
    }

    void notConfiguredIs503()
    {
        CHECK(start(false));
        QCOMPARE(profileOf(token(alice)).value("clerkId").toString(), alice);
        const HttpReply r = deliver(deletedEvent(alice));
        CHECK(verifyError(r, 503, QStringLiteral("SERVICE_UNAVAILABLE")));
        QVERIFY(userId(alice) > 0);
    }

    void unknownEventsAreIgnored()
    {
        CHECK(start());
        const HttpReply session = deliver(clerkEvent(QStringLiteral("session.created"),
            {{QStringLiteral("id"), QStringLiteral("sess_2x")},
                {QStringLiteral("object"), QStringLiteral("session")},
                {QStringLiteral("user_id"), QStringLiteral("user_2x")},
                {QStringLiteral("status"), QStringLiteral("active")}}));
        QVERIFY2(session.status == 200, session.body);
        const HttpReply org = deliver(clerkEvent(QStringLiteral("organization.created"),
            user(QStringLiteral("user_2y"), QStringLiteral("y@example.com"), {}, {})));
        QVERIFY2(org.status == 200, org.body);
        QCOMPARE(users(), 0);
    }

    // Svix signs with every active secret during a rotation: one match is enough.
    void severalSignatures()
    {
        CHECK(start());
        const QByteArray body = clerkEvent(QStringLiteral("user.created"),
            user(alice, QStringLiteral("alice@example.com"), QStringLiteral("Alice"), {}));
        const SignedWebhook w = signWebhook(m_secret, body, now(), "msg_2multi");
        const QByteArray other = webhookSignature(newWebhookSecret(), w.id, w.timestamp, body);
        const HttpReply r = deliver({w.id, w.timestamp, other + ' ' + w.signature, body});
        QVERIFY2(r.status == 200, r.body);
        QVERIFY(userId(alice) > 0);
    }

    // Standard Webhooks names the same headers webhook-*.
    void standardWebhooksHeaders()
    {
        CHECK(start());
        const QByteArray body = clerkEvent(QStringLiteral("user.created"),
            user(alice, QStringLiteral("alice@example.com"), QStringLiteral("Alice"), {}));
        const SignedWebhook w = signWebhook(m_secret, body, now(), "msg_2std");
        const HttpReply r = m_ts->request("POST", "/api/webhooks/clerk",
            {{"Content-Type", "application/json"}, {"webhook-id", w.id},
                {"webhook-timestamp", w.timestamp}, {"webhook-signature", w.signature}},
            body);
        QVERIFY2(r.status == 200, r.body);
        QVERIFY(userId(alice) > 0);
    }

    // A user token is no substitute for Clerk's signature, not even an admin's.
    void bearerTokenIsNoSignature()
    {
        CHECK(start());
        QCOMPARE(profileOf(token(alice)).value("clerkId").toString(), alice);
        const HttpReply r = m_ts->request("POST", "/api/webhooks/clerk",
            {{"Content-Type", "application/json"}, ClerkTokens::bearer(token(bob))},
            deletedEvent(alice));
        QVERIFY2(r.status == 400 || r.status == 401, r.body);
        QVERIFY(userId(alice) > 0);
    }

    void userWithoutEmail()
    {
        CHECK(start());
        const HttpReply r = deliver(clerkEvent(QStringLiteral("user.created"),
            user(alice, {}, QStringLiteral("Phone"), QStringLiteral("Only"))));
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(column(alice, "first_name"), QStringLiteral("Phone"));
        QVERIFY(profileOf(token(alice)).value("email").isNull());
    }

    // A primary id that names no address: no other address is made primary in its place
    // (Clerk's own SDK answers primaryEmailAddress null then).
    void primaryEmailIdWithoutAddress()
    {
        CHECK(start());
        QJsonObject odd = user(bob, QStringLiteral("bob@example.com"), QStringLiteral("Bob"), {});
        odd.insert(QStringLiteral("primary_email_address_id"), QStringLiteral("idn_2missing"));
        QCOMPARE(deliver(clerkEvent(QStringLiteral("user.created"), odd)).status, 200);
        QVERIFY(userId(bob) > 0);
        QVERIFY2(!column(bob, "email").contains(QStringLiteral("example.com")),
            qPrintable(column(bob, "email")));
    }
};

QTEST_GUILESS_MAIN(TestClerkWebhooks)
#include "tst_clerkwebhooks.moc"
