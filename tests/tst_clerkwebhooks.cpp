// Clerk's webhooks end to end (POST /api/webhooks/clerk; docs/api.md, "Authentication";
// docs/auth.md): Svix-signed deliveries over a real socket change users and sessions; anything
// unsigned, stale, tampered, replayed or delivered out of order changes nothing.
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

// A delivery as Clerk sends it: the event envelope around the object. `timestampMs` is when Clerk
// made the event (now when 0).
QByteArray clerkEvent(const QString &type, const QJsonObject &data, qint64 timestampMs = 0)
{
    const QJsonObject envelope {{QStringLiteral("data"), data},
        {QStringLiteral("object"), QStringLiteral("event")}, {QStringLiteral("type"), type},
        {QStringLiteral("timestamp"),
            timestampMs ? timestampMs : QDateTime::currentMSecsSinceEpoch()},
        {QStringLiteral("instance_id"), QStringLiteral("ins_2fakeinstance")},
        {QStringLiteral("event_attributes"),
            QJsonObject {{QStringLiteral("http_request"),
                QJsonObject {{QStringLiteral("client_ip"), QStringLiteral("192.0.2.1")},
                    {QStringLiteral("user_agent"), QStringLiteral("Mozilla/5.0")}}}}}};
    return QJsonDocument(envelope).toJson(QJsonDocument::Compact);
}

QByteArray deletedEvent(const QString &id, qint64 timestampMs = 0)
{
    return clerkEvent(QStringLiteral("user.deleted"),
        {{QStringLiteral("id"), id}, {QStringLiteral("object"), QStringLiteral("user")},
            {QStringLiteral("deleted"), true}},
        timestampMs);
}

// session.ended / session.removed / session.revoked as Clerk sends them: a Session object.
QByteArray sessionEvent(const QString &type, const QString &sid, const QString &userId)
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    return clerkEvent(type,
        {{QStringLiteral("id"), sid}, {QStringLiteral("object"), QStringLiteral("session")},
            {QStringLiteral("user_id"), userId},
            {QStringLiteral("client_id"), QStringLiteral("client_2fake")},
            {QStringLiteral("status"), type.section(QLatin1Char('.'), 1)},
            {QStringLiteral("last_active_at"), nowMs}, {QStringLiteral("expire_at"), nowMs},
            {QStringLiteral("abandon_at"), nowMs}, {QStringLiteral("created_at"), nowMs - 60000},
            {QStringLiteral("updated_at"), nowMs}});
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

    // Bob is the administrator (ADMIN_USER_IDS).
    void start(bool withSecret = true, const std::function<void(Config &)> &tweak = {})
    {
        startServer(ClerkKeySource::JwksUrl, {bob}, [&](Config &config) {
            if (withSecret)
                config.clerkWebhookSecret = QString::fromLatin1(m_secret);
            if (tweak)
                tweak(config);
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

    // A user object at a version of its own: Clerk's updated_at (ms since the epoch).
    static QJsonObject userAt(const QString &id, const QString &email, const QString &first,
        const QString &last, qint64 updatedAtMs)
    {
        QJsonObject u = user(id, email, first, last);
        u.insert(QStringLiteral("updated_at"), updatedAtMs);
        return u;
    }

    // The answer's data; fails the test unless the delivery was answered 200.
    static QJsonObject receipt(
        const HttpReply &r, const char *file = __builtin_FILE(), int line = __builtin_LINE())
    {
        if (!QTest::qVerify(r.status == 200, "r.status == 200", r.body.constData(), file, line))
            return {};
        return r.json().value("data").toObject();
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
        // Nothing of the deleted user survives in the server's memory either, and her token,
        // still valid, brings nothing back (deletedUsersTokenIsRefused).
        CHECK(verifyError(
            call("GET", "/api/user/profile", a), 401, QStringLiteral("UNAUTHENTICATED")));
        QCOMPARE(userId(alice), -1);
    }

    // The duplicate lookup failing (its table broken) refuses the delivery with 503 and applies
    // nothing, so Svix delivers it again; once the database is back, the retry is applied. (Applied
    // blind, a replayed user.deleted would delete an account an administrator restored since.)
    void deliveryWaitsWhileTheDuplicateLookupFails()
    {
        CHECK(start());
        const QByteArray a = token(alice);
        const qint64 aliceId = profileOf(a).value("id").toVariant().toLongLong();
        QVERIFY(aliceId > 0);
        QSqlQuery q(m_ts->server().database().connection());
        QVERIFY2(q.exec(QStringLiteral("ALTER TABLE webhook_events RENAME TO webhook_events_gone")),
            qPrintable(q.lastError().text()));
        const QByteArray event = deletedEvent(alice);
        CHECK(
            verifyError(deliver(event, "msg_2retry"), 503, QStringLiteral("SERVICE_UNAVAILABLE")));
        QCOMPARE(userId(alice), aliceId);
        QVERIFY2(q.exec(QStringLiteral("ALTER TABLE webhook_events_gone RENAME TO webhook_events")),
            qPrintable(q.lastError().text()));
        QCOMPARE(receipt(deliver(event, "msg_2retry")).value("applied"), QJsonValue(true));
        QCOMPARE(userId(alice), -1);
        QCOMPARE(rowsOf("sessions", aliceId), 0);
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
        // A replayed deletion after an administrator brought the user back deletes nothing.
        QCOMPARE(deliver(deletedEvent(alice), "msg_2delete").status, 200);
        QCOMPARE(userId(alice), -1);
        QCOMPARE(call("POST", "/api/admin/users/user_2alice/restore", token(bob)).status, 200);
        QCOMPARE(profileOf(token(alice)).value("clerkId").toString(), alice);
        const HttpReply replay = deliver(deletedEvent(alice), "msg_2delete");
        QCOMPARE(receipt(replay).value("duplicate"), QJsonValue(true));
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

    // A NUL (or another control character) in a name Clerk sends: PostgreSQL cannot store it,
    // and a webhook cannot be refused for it (Svix would retry for days): it is dropped.
    void controlCharactersInNamesAreDropped()
    {
        CHECK(start());
        const HttpReply r = deliver(clerkEvent(QStringLiteral("user.created"),
            user(alice, QStringLiteral("alice@example.com"), QStringLiteral("Al\u0000ice"),
                QStringLiteral("Lid\u0007dell"))));
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(column(alice, "first_name"), QStringLiteral("Alice"));
        QCOMPARE(column(alice, "last_name"), QStringLiteral("Liddell"));
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

    // Issue 9, 4: user.updated, user.deleted, then an earlier user.updated delivered late (Svix
    // retries for days, in no particular order). The user stays deleted: nothing of theirs comes
    // back, not in the database, not in the admin list.
    // A timestamp with a fraction of a millisecond is still that time (Qt's toInteger() would
    // read it as 0, and a deletion "at 1970" would let any later update bring the user back).
    void fractionalTimestampsAreTheirTime()
    {
        CHECK(start());
        QCOMPARE(profileOf(token(alice)).value("clerkId").toString(), alice);
        const qint64 base = QDateTime::currentMSecsSinceEpoch() - 10000;
        QByteArray deletion = deletedEvent(alice, base);
        deletion.replace(QByteArray::number(base), QByteArray::number(base) + ".5");
        QVERIFY(deletion.contains(".5"));
        QCOMPARE(receipt(deliver(deletion)).value("applied"), QJsonValue(true));
        const QJsonObject stale = receipt(deliver(clerkEvent(QStringLiteral("user.updated"),
            userAt(alice, QStringLiteral("a@example.com"), QStringLiteral("Alice"), {}, 1000),
            1000)));
        QCOMPARE(stale.value("applied"), QJsonValue(false));
        QCOMPARE(userId(alice), -1);
        QCOMPARE(call("GET", "/api/user/profile", token(alice)).status, 401);
    }

    void outOfOrderDeliveryLeavesTheUserDeleted()
    {
        CHECK(start());
        const QString email = QStringLiteral("alice.secret@example.com");
        m_log.watch(email);
        QCOMPARE(profileOf(token(alice)).value("clerkId").toString(), alice);
        const qint64 base = QDateTime::currentMSecsSinceEpoch() - 10000;
        const QByteArray earlier = clerkEvent(QStringLiteral("user.updated"),
            userAt(alice, email, QStringLiteral("Alice"), QStringLiteral("Liddell"), base), base);
        const QByteArray later = clerkEvent(QStringLiteral("user.updated"),
            userAt(
                alice, email, QStringLiteral("Alice"), QStringLiteral("Hargreaves"), base + 1000),
            base + 1000);
        QCOMPARE(receipt(deliver(later)).value("applied"), QJsonValue(true));
        QCOMPARE(
            receipt(deliver(deletedEvent(alice, base + 2000))).value("applied"), QJsonValue(true));
        QCOMPARE(userId(alice), -1);

        const QJsonObject late = receipt(deliver(earlier));
        QCOMPARE(late.value("applied"), QJsonValue(false));
        QCOMPARE(late.value("reason").toString(), QStringLiteral("user_deleted"));
        QCOMPARE(userId(alice), -1);
        // Not newer than the deletion is not newer: the same millisecond is ignored too.
        const QJsonObject same = receipt(deliver(clerkEvent(QStringLiteral("user.created"),
            userAt(alice, email, QStringLiteral("Alice"), {}, base + 2000), base + 2000)));
        QCOMPARE(same.value("applied"), QJsonValue(false));
        QCOMPARE(userId(alice), -1);
        const HttpReply list = call("GET", "/api/admin/users?limit=100", token(bob));
        QVERIFY2(list.status == 200, list.body);
        QVERIFY2(!list.body.contains(alice.toUtf8()), list.body);
        QVERIFY2(!list.body.contains(email.toUtf8()), list.body);
        QVERIFY2(!list.body.contains("Liddell") && !list.body.contains("Hargreaves"), list.body);
        QCOMPARE(users(), 1); // bob

        // Clerk's ids are never reused, but an event newer than the deletion is newer: applied.
        const QJsonObject newer = receipt(deliver(clerkEvent(QStringLiteral("user.created"),
            userAt(alice, email, QStringLiteral("Alice"), QStringLiteral("Again"), base + 3000),
            base + 3000)));
        QCOMPARE(newer.value("applied"), QJsonValue(true));
        QCOMPARE(column(alice, "last_name"), QStringLiteral("Again"));
    }

    // Issue 9, 4: data.updated_at is compared; an older profile never overwrites a newer one.
    void olderUpdateIsIgnored()
    {
        CHECK(start());
        const qint64 base = QDateTime::currentMSecsSinceEpoch();
        QCOMPARE(receipt(deliver(clerkEvent(QStringLiteral("user.created"),
                             userAt(alice, QStringLiteral("alice@example.com"),
                                 QStringLiteral("Alice"), QStringLiteral("Liddell"), base))))
                     .value("applied"),
            QJsonValue(true));
        QCOMPARE(
            receipt(deliver(clerkEvent(QStringLiteral("user.updated"),
                        userAt(alice, QStringLiteral("alice.h@example.com"),
                            QStringLiteral("Alice"), QStringLiteral("Hargreaves"), base + 1000))))
                .value("applied"),
            QJsonValue(true));
        const QByteArray t = token(alice);
        QCOMPARE(profileOf(t).value("lastName").toString(), QStringLiteral("Hargreaves"));

        // An hour older than the stored profile.
        const QJsonObject old = receipt(deliver(clerkEvent(QStringLiteral("user.updated"),
            userAt(alice, QStringLiteral("alice.old@example.com"), QStringLiteral("Al"),
                QStringLiteral("Old"), base + 1000 - 3600 * 1000))));
        QCOMPARE(old.value("applied"), QJsonValue(false));
        QCOMPARE(old.value("reason").toString(), QStringLiteral("older_than_stored"));
        QCOMPARE(column(alice, "last_name"), QStringLiteral("Hargreaves"));
        QCOMPARE(column(alice, "email"), QStringLiteral("alice.h@example.com"));
        QCOMPARE(profileOf(t).value("lastName").toString(), QStringLiteral("Hargreaves"));
        // A newer one still applies.
        QCOMPARE(receipt(deliver(clerkEvent(QStringLiteral("user.updated"),
                             userAt(alice, QStringLiteral("alice.h@example.com"),
                                 QStringLiteral("Alice"), QStringLiteral("Newest"), base + 2000))))
                     .value("applied"),
            QJsonValue(true));
        QCOMPARE(profileOf(t).value("lastName").toString(), QStringLiteral("Newest"));
    }

    // Issue 9, 4: a token still valid after user.deleted is refused (401) and never re-creates
    // the user; nor does the first token of a user deleted before this server ever saw them.
    void deletedUsersTokenIsRefused()
    {
        CHECK(start());
        const QByteArray a = token(alice);
        QCOMPARE(profileOf(a).value("clerkId").toString(), alice);
        QCOMPARE(call("GET", "/api/watchlist", a).status, 200); // cached: token, user, session
        QCOMPARE(receipt(deliver(deletedEvent(alice))).value("applied"), QJsonValue(true));

        const HttpReply r = call("GET", "/api/user/profile", a);
        CHECK(verifyError(r, 401, QStringLiteral("UNAUTHENTICATED")));
        QVERIFY2(r.json().value("error").toString().contains(QStringLiteral("deleted")), r.body);
        QVERIFY(r.header("WWW-Authenticate").startsWith("Bearer"));
        CHECK(
            verifyError(call("GET", "/api/watchlist", a), 401, QStringLiteral("UNAUTHENTICATED")));
        CHECK(
            verifyError(call("GET", "/api/user/profile", token(alice, QStringLiteral("sess_2new"))),
                401, QStringLiteral("UNAUTHENTICATED")));
        // On the catalogue the token is ignored, as any unusable token is.
        QCOMPARE(call("GET", "/api/movies/popular", a).status, 200);
        QCOMPARE(userId(alice), -1);
        QCOMPARE(users(), 0);

        const QString carol = QStringLiteral("user_2carol");
        QCOMPARE(receipt(deliver(deletedEvent(carol))).value("applied"), QJsonValue(true));
        CHECK(verifyError(call("GET", "/api/user/profile", token(carol)), 401,
            QStringLiteral("UNAUTHENTICATED")));
        QCOMPARE(userId(carol), -1);
        QCOMPARE(profileOf(token(bob)).value("clerkId").toString(), bob); // others unaffected
        QCOMPARE(users(), 1);
    }

    // Issue 9, 4: an administrator can undo a deletion on purpose.
    void adminRestoresADeletedUser()
    {
        CHECK(start());
        const QByteArray a = token(alice);
        const qint64 before = profileOf(a).value("id").toVariant().toLongLong();
        QVERIFY(before > 0);
        const qint64 deletedAt = QDateTime::currentMSecsSinceEpoch() - 5000;
        QCOMPARE(
            receipt(deliver(deletedEvent(alice, deletedAt))).value("applied"), QJsonValue(true));
        CHECK(verifyError(
            call("GET", "/api/user/profile", a), 401, QStringLiteral("UNAUTHENTICATED")));

        const QByteArray path = "/api/admin/users/user_2alice/restore";
        CHECK(verifyError(call("POST", path, {}), 401, QStringLiteral("UNAUTHENTICATED")));
        CHECK(verifyError(call("POST", path, token(QStringLiteral("user_2carol"))), 403,
            QStringLiteral("FORBIDDEN")));
        CHECK(verifyError(call("POST", path, a), 401, QStringLiteral("UNAUTHENTICATED")));
        CHECK(verifyError(
            call("GET", "/api/user/profile", a), 401, QStringLiteral("UNAUTHENTICATED")));

        const HttpReply r = call("POST", path, token(bob));
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(r.header("Cache-Control"), QByteArray("private, no-store"));
        const QJsonObject data = r.json().value("data").toObject();
        QCOMPARE(data.value("restored"), QJsonValue(true));
        QCOMPARE(data.value("clerkId").toString(), alice);
        QCOMPARE(QDateTime::fromString(data.value("deletedAt").toString(), Qt::ISODateWithMs)
                     .toMSecsSinceEpoch(),
            deletedAt);
        CHECK(verifyError(call("POST", path, token(bob)), 404, QStringLiteral("NOT_FOUND")));
        CHECK(verifyError(call("POST", "/api/admin/users/user_2nobody/restore", token(bob)), 404,
            QStringLiteral("NOT_FOUND")));

        // Her next request (the same token) makes her again, with none of the deleted data.
        const QJsonObject fresh = profileOf(a);
        QCOMPARE(fresh.value("clerkId").toString(), alice);
        QVERIFY(fresh.value("id").toVariant().toLongLong() != before);
        QCOMPARE(fresh.value("stats").toObject().value("watchlistCount"), QJsonValue(0));
    }

    // Issue 9, 4: Clerk ending, removing or revoking a session revokes it here at once.
    void sessionEventsRevoke_data()
    {
        QTest::addColumn<QString>("type");
        QTest::newRow("session.revoked") << QStringLiteral("session.revoked");
        QTest::newRow("session.ended") << QStringLiteral("session.ended");
        QTest::newRow("session.removed") << QStringLiteral("session.removed");
    }
    void sessionEventsRevoke()
    {
        QFETCH(QString, type);
        CHECK(start());
        const QByteArray ended = token(alice, QStringLiteral("sess_2ended"));
        const QByteArray other = token(alice, QStringLiteral("sess_2other"));
        const QByteArray b = token(bob, QStringLiteral("sess_2bob"));
        for (const QByteArray &t : {ended, other, b})
            QCOMPARE(call("GET", "/api/user/profile", t).status, 200); // cached as live

        QCOMPARE(receipt(deliver(sessionEvent(type, QStringLiteral("sess_2ended"), alice)))
                     .value("applied"),
            QJsonValue(true));
        CHECK(
            verifyError(call("GET", "/api/user/profile", ended), 403, QStringLiteral("FORBIDDEN")));
        CHECK(verifyError(
            call("GET", "/api/user/profile", token(alice, QStringLiteral("sess_2ended"))), 403,
            QStringLiteral("FORBIDDEN")));
        QCOMPARE(call("GET", "/api/user/profile", other).status, 200);
        const QJsonArray sessions
            = call("GET", "/api/user/sessions", other).json().value("data").toArray();
        for (const QJsonValue &v : sessions) {
            const QJsonObject s = v.toObject();
            QCOMPARE(s.value("revoked"),
                QJsonValue(s.value("id").toString() == QStringLiteral("sess_2ended")));
        }

        // A session this server has not seen yet is refused from its first request, for a
        // known user and for one never seen.
        QCOMPARE(receipt(deliver(sessionEvent(type, QStringLiteral("sess_2unseen"), alice)))
                     .value("applied"),
            QJsonValue(true));
        CHECK(verifyError(
            call("GET", "/api/user/profile", token(alice, QStringLiteral("sess_2unseen"))), 403,
            QStringLiteral("FORBIDDEN")));
        const QString dora = QStringLiteral("user_2dora");
        QCOMPARE(receipt(deliver(sessionEvent(type, QStringLiteral("sess_2dora"), dora)))
                     .value("applied"),
            QJsonValue(true));
        CHECK(
            verifyError(call("GET", "/api/user/profile", token(dora, QStringLiteral("sess_2dora"))),
                403, QStringLiteral("FORBIDDEN")));

        // An event naming another user's session changes nothing.
        const QJsonObject foreign
            = receipt(deliver(sessionEvent(type, QStringLiteral("sess_2bob"), alice)));
        QCOMPARE(foreign.value("applied"), QJsonValue(false));
        QCOMPARE(foreign.value("reason").toString(), QStringLiteral("session_of_another_user"));
        QCOMPARE(call("GET", "/api/user/profile", b).status, 200);
    }

    // Issue 9, 4: Svix delivers from a few shared addresses, so correctly signed deliveries are
    // not counted against the address's sensitive tier (20 a minute); refused ones still are.
    void signedDeliveriesAreNotRateLimited()
    {
        CHECK(start(true, [](Config &c) { c.rateLimitSensitive = 20; }));
        for (int i = 0; i < 25; ++i) {
            const QString id = QStringLiteral("user_2many%1").arg(i);
            const HttpReply r = deliver(clerkEvent(QStringLiteral("user.created"),
                user(id, {}, QStringLiteral("Many"), QString::number(i))));
            QVERIFY2(r.status == 200,
                qPrintable(
                    QStringLiteral("delivery %1: %2").arg(i).arg(QString::fromUtf8(r.body))));
            QVERIFY(r.header("RateLimit-Limit").isEmpty()); // not counted, so not reported
        }
        QCOMPARE(users(), 25);

        const QByteArray body = deletedEvent(QStringLiteral("user_2many0"));
        const SignedWebhook forged = signWebhook(newWebhookSecret(), body, now(), "msg_2forged");
        for (int i = 0; i < 20; ++i) {
            const HttpReply r = deliver(forged);
            CHECK(verifyError(r, 400, QStringLiteral("VALIDATION_ERROR")));
            QCOMPARE(r.header("RateLimit-Limit"), QByteArray("20"));
        }
        const HttpReply limited = deliver(forged);
        CHECK(verifyError(limited, 429, QStringLiteral("RATE_LIMITED")));
        QVERIFY(!limited.header("Retry-After").isEmpty());
        // A content type other than JSON is refused, and counted, like a bad signature.
        const HttpReply plain = m_ts->request("POST", "/api/webhooks/clerk",
            {{"Content-Type", "text/plain"}, {"svix-id", forged.id},
                {"svix-timestamp", forged.timestamp}, {"svix-signature", forged.signature}},
            forged.body);
        CHECK(verifyError(plain, 429, QStringLiteral("RATE_LIMITED")));
        // Genuine deliveries from the same address still go through.
        QVERIFY(userId(QStringLiteral("user_2many0")) > 0);
        QCOMPARE(receipt(deliver(body)).value("applied"), QJsonValue(true));
        QCOMPARE(userId(QStringLiteral("user_2many0")), -1);
    }

    // Issue 9, 4: the body is JSON, and says so (docs/api.md: 415 otherwise).
    void contentTypeMustBeJson_data()
    {
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<int>("status");
        QTest::newRow("text/plain") << QByteArray("text/plain") << 415;
        QTest::newRow("none") << QByteArray() << 415;
        QTest::newRow("form") << QByteArray("application/x-www-form-urlencoded") << 415;
        QTest::newRow("JSON lookalike") << QByteArray("application/jsonp") << 415;
        QTest::newRow("with charset") << QByteArray("application/json; charset=utf-8") << 200;
        QTest::newRow("upper case") << QByteArray("Application/JSON") << 200;
    }
    void contentTypeMustBeJson()
    {
        QFETCH(QByteArray, contentType);
        QFETCH(int, status);
        CHECK(start());
        const SignedWebhook w = signWebhook(m_secret,
            clerkEvent(QStringLiteral("user.created"),
                user(alice, QStringLiteral("alice@example.com"), QStringLiteral("Alice"), {})),
            now(), "msg_2type");
        Headers headers {
            {"svix-id", w.id}, {"svix-timestamp", w.timestamp}, {"svix-signature", w.signature}};
        if (!contentType.isEmpty())
            headers.append({"Content-Type", contentType});
        const HttpReply r = m_ts->request("POST", "/api/webhooks/clerk", headers, w.body);
        if (status == 415) {
            CHECK(verifyError(r, 415, QStringLiteral("UNSUPPORTED_MEDIA_TYPE")));
            QCOMPARE(users(), 0);
            QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM webhook_events")), 0);
            // Not used up: the same delivery, sent as JSON, applies.
            QCOMPARE(receipt(deliver(w)).value("applied"), QJsonValue(true));
        } else {
            QCOMPARE(receipt(r).value("applied"), QJsonValue(true));
        }
        QVERIFY(userId(alice) > 0);
    }
};

QTEST_GUILESS_MAIN(TestClerkWebhooks)
#include "tst_clerkwebhooks.moc"
