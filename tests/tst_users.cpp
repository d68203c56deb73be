// Users, profiles, sessions, the admin API and ownership end to end (docs/api.md, "Authentication",
// "User routes", "Operational routes"): the real server on a socket, a fake Clerk for keys
// and profiles, tokens minted here.
#include "api/usercontroller.h"
#include "log/logger.h"
#include "support/authfixture.h"
#include "support/check.h"
#include "support/faketmdb.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QTimer>

using namespace marquee;
using namespace marquee::test;

namespace {

bool isIsoTime(const QJsonValue &value)
{
    return value.isString() && QDateTime::fromString(value.toString(), Qt::ISODateWithMs).isValid();
}

quint64 lastLogId(const LogBuffer &buffer)
{
    const QList<LogEntry> entries = buffer.entriesAfter(0);
    return entries.isEmpty() ? 0 : entries.last().id;
}

// The first log line after `mark` that `match` accepts, waiting (by running the event loop, as
// the line is logged) up to 10 s for it; nullopt when none came.
std::optional<LogEntry> waitForLog(
    LogBuffer *buffer, quint64 mark, const std::function<bool(const LogEntry &)> &match)
{
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(buffer, &LogBuffer::lineAdded, &loop, &QEventLoop::quit);
    timeout.start(10000);
    for (;;) {
        for (const LogEntry &entry : buffer->entriesAfter(mark)) {
            if (match(entry))
                return entry;
        }
        if (!timeout.isActive())
            return std::nullopt;
        loop.exec();
    }
}

// Runs the event loop until the server has seen that the exchange's client went away (up to
// 10 s); whether it did.
bool waitUntilClientGone(const Exchange &ex)
{
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    if (QTcpSocket *socket = ex.socket()) {
        QObject::connect(socket, &QAbstractSocket::stateChanged, &loop, &QEventLoop::quit);
        QObject::connect(socket, &QObject::destroyed, &loop, &QEventLoop::quit);
    }
    timeout.start(10000);
    while (!ex.isClientGone() && timeout.isActive())
        loop.exec();
    return ex.isClientGone();
}

// UserController's test hook, cleared whatever way the test leaves.
struct ExportHook
{
    explicit ExportHook(std::function<void(const Exchange &, int)> hook)
    {
        UserController::betweenExportSlices = std::move(hook);
    }
    ~ExportHook() { UserController::betweenExportSlices = nullptr; }
    Q_DISABLE_COPY_MOVE(ExportHook)
};

} // namespace

class TestUsers
    : public QObject
    , public AuthFixture
{
    Q_OBJECT

    void start(ClerkKeySource source = ClerkKeySource::JwksUrl,
        const std::function<void(Config &)> &tweak = {})
    {
        startServer(source, {admin}, tweak);
    }

    // The server with `tmdb` as its TMDB.
    void startWithTmdb(FakeTmdb &tmdb)
    {
        QVERIFY2(tmdb.start(), notStarted("fake TMDB", tmdb.errorString()));
        CHECK(start(ClerkKeySource::JwksUrl, [&tmdb](Config &c) {
            c.tmdbApiKey = FakeTmdb::defaultApiKey();
            c.tmdbBaseUrl = tmdb.baseUrl();
        }));
    }

    // One catalogue route of each cache category (docs/api.md, "Cache policy").
    static QList<std::pair<QString, QByteArray>> routeOfEachCategory()
    {
        return {{QStringLiteral("trending"), "/api/movies/trending"},
            {QStringLiteral("lists"), "/api/movies/popular"},
            {QStringLiteral("details"), "/api/movies/550"},
            {QStringLiteral("reference"), "/api/movies/genres"},
            {QStringLiteral("search"), "/api/movies/search?query=fight"}};
    }

    // Requests one route of each category, which must be fetched from TMDB (X-Cache MISS).
    void fillTheCache()
    {
        for (const auto &[category, path] : routeOfEachCategory())
            QVERIFY2(m_ts->get(path).header("X-Cache") == "MISS", path.constData());
    }

    // Requests one route of each category and requires each to be answered from the cache
    // (X-Cache HIT), except the one of `missing`, which must be fetched again (MISS).
    void verifyCached(const QString &missing = {})
    {
        for (const auto &[category, path] : routeOfEachCategory()) {
            const HttpReply r = m_ts->get(path);
            QVERIFY2(r.status == 200, r.body.left(300));
            const QByteArray expected = category == missing ? "MISS" : "HIT";
            QVERIFY2(r.header("X-Cache") == expected,
                qPrintable(QStringLiteral("%1 (%2): X-Cache %3, expected %4")
                               .arg(QString::fromLatin1(path), category,
                                   QString::fromLatin1(r.header("X-Cache")),
                                   QString::fromLatin1(expected))));
        }
    }

    // The database layer's entries per category, from GET /api/admin/stats.
    QHash<QString, qint64> cachedEntries()
    {
        const HttpReply r = call("GET", "/api/admin/stats", token(admin));
        if (r.status != 200)
            QTest::qFail(qPrintable(QStringLiteral("GET /api/admin/stats answered %1: %2")
                                        .arg(r.status)
                                        .arg(QString::fromUtf8(r.body))),
                __FILE__, __LINE__);
        QHash<QString, qint64> out;
        const QJsonObject cache = r.json().value("data").toObject().value("cache").toObject();
        for (const QJsonValue &v : cache.value("categories").toArray())
            out.insert(v.toObject().value("category").toString(),
                v.toObject().value("entries").toInteger());
        return out;
    }

    // PATCHes the profile and requires `expectedStatus` (else fails the test: call through
    // CHECK(), or RETURN_IF_FAILED() after using the answer).
    QJsonObject patch(const QByteArray &t, const QByteArray &body, int expectedStatus = 200)
    {
        const HttpReply r = call("PATCH", "/api/user/profile", t, body);
        if (r.status != expectedStatus)
            QTest::qFail(qPrintable(QStringLiteral("PATCH /api/user/profile %1 answered %2: %3")
                                        .arg(QString::fromUtf8(body))
                                        .arg(r.status)
                                        .arg(QString::fromUtf8(r.body))),
                __FILE__, __LINE__);
        return r.json().value("data").toObject();
    }

    // List rows written straight to the database: the list routes are another issue's; here
    // they only need to exist, to be counted, exported and deleted.
    void addListItems(qint64 user, int watchlist, int favorites, const QString &titlePrefix)
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (int i = 0; i < watchlist + favorites; ++i) {
            const bool w = i < watchlist;
            QSqlQuery q(m_ts->server().database().connection());
            q.prepare(QStringLiteral("INSERT INTO %1 (user_id, content_type, tmdb_id, title, "
                                     "added_at) VALUES (?, 'movie', ?, ?, ?)")
                          .arg(w ? QStringLiteral("watchlist") : QStringLiteral("favorites")));
            q.addBindValue(user);
            q.addBindValue(1000 + i);
            q.addBindValue(QStringLiteral("%1 %2").arg(titlePrefix).arg(i));
            q.addBindValue(now);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        }
    }

    static QJsonObject byId(const QJsonArray &list, const QString &id)
    {
        for (const QJsonValue &v : list) {
            if (v.toObject().value("id").toString() == id)
                return v.toObject();
        }
        return {};
    }

    // Breaks (or repairs) the database under the running server: a table renamed away makes
    // every statement on it fail, as a damaged or half-migrated database would.
    void renameTable(const char *from, const char *to)
    {
        QSqlQuery q(m_ts->server().database().connection());
        QVERIFY2(q.exec(QStringLiteral("ALTER TABLE %1 RENAME TO %2")
                            .arg(QLatin1String(from), QLatin1String(to))),
            qPrintable(q.lastError().text()));
    }

private slots:
    void initTestCase() { initFixture(); }
    void cleanupTestCase() { cleanupFixture(); }

    void init()
    {
        startClerk();
        m_log.watch(FakeClerk::defaultSecretKey());
    }

    void cleanup()
    {
        UserController::betweenExportSlices = nullptr;
        stopAndCheckTheLog();
    }

    void firstRequestCreatesTheUser()
    {
        CHECK(start());
        const QByteArray t = token(alice);
        QCOMPARE(userId(alice), -1);
        const HttpReply r = call("GET", "/api/user/profile", t);
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(r.header("Cache-Control"), QByteArray("private, no-store"));
        const QJsonObject p = r.json().value("data").toObject();
        QCOMPARE(p.value("clerkId").toString(), alice);
        QVERIFY(userId(alice) > 0);
        QCOMPARE(p.value("id").toVariant().toLongLong(), userId(alice));
        for (const char *key : {"email", "firstName", "lastName", "displayName", "imageUrl"})
            QVERIFY2(p.contains(key), key);
        const QJsonObject prefs = p.value("preferences").toObject();
        QVERIFY(prefs.contains("language"));
        QVERIFY(prefs.contains("region"));
        QCOMPARE(prefs.value("includeAdult"), QJsonValue(false));
        QCOMPARE(p.value("stats").toObject().value("watchlistCount"), QJsonValue(0));
        QCOMPARE(p.value("stats").toObject().value("favoritesCount"), QJsonValue(0));
        QVERIFY(isIsoTime(p.value("createdAt")));
        QVERIFY(isIsoTime(p.value("updatedAt")));
        QVERIFY(isIsoTime(p.value("lastSeenAt")));
        // The same user on every later request, with another token and another session too.
        QCOMPARE(
            profileOf(token(alice, QStringLiteral("sess_2alice2"))).value("id"), p.value("id"));
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM users")), 1);
        // Without CLERK_SECRET_KEY nothing is asked of the Backend API.
        QCOMPARE(m_clerk->userCalls(alice), 0);
    }

    // 20 first requests of one new user on 20 connections, all written before any is read.
    void concurrentFirstRequestsCreateOneUser()
    {
        CHECK(start());
        QList<QByteArray> tokens;
        const QByteArray shared = token(alice, QStringLiteral("sess_c0"));
        for (int i = 0; i < 20; ++i)
            tokens << (i < 10 ? shared : token(alice, QStringLiteral("sess_c%1").arg(i % 4)));
        std::vector<std::unique_ptr<HttpClient>> clients;
        for (int i = 0; i < 20; ++i) {
            clients.push_back(std::make_unique<HttpClient>(m_ts->port()));
            QVERIFY(clients.back()->connectToServer());
        }
        for (int i = 0; i < 20; ++i)
            clients[i]->socket()->write("GET /api/user/profile HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                        "Authorization: Bearer "
                + tokens.at(i) + "\r\n\r\n");
        QSet<qint64> ids;
        for (auto &client : clients) {
            const HttpReply r = client->readReply();
            QVERIFY2(r.status == 200, r.body);
            ids.insert(r.json().value("data").toObject().value("id").toVariant().toLongLong());
        }
        QCOMPARE(ids.size(), 1);
        QCOMPARE(
            scalar(QStringLiteral("SELECT COUNT(*) FROM users WHERE clerk_id = ?"), {alice}), 1);
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM users")), 1);
        QCOMPARE(rowsOf("sessions", userId(alice)), 4);
        // The admin view agrees.
        const HttpReply list = call("GET", "/api/admin/users?limit=100", token(admin));
        QVERIFY2(list.status == 200, list.body);
        int seen = 0;
        for (const QJsonValue &u : list.json().value("data").toArray())
            seen += u.toObject().value("clerkId").toString() == alice ? 1 : 0;
        QCOMPARE(seen, 1);
    }

    void profileIsFilledFromClerk()
    {
        m_clerk->setUser(FakeClerk::clerkUser(alice, QStringLiteral("alice@example.com"),
            QStringLiteral("Alice"), QStringLiteral("Liddell"),
            QStringLiteral("https://img.clerk.com/alice.png")));
        m_log.watch(QStringLiteral("alice@example.com"));
        CHECK(start(ClerkKeySource::JwksUrl,
            [](Config &c) { c.clerkSecretKey = FakeClerk::defaultSecretKey(); }));
        const QByteArray t = token(alice);
        // Bob's request fetches the keys. Then Clerk hangs: Alice's first request is answered
        // while her profile is still being fetched, so it did not wait for it.
        QCOMPARE(call("GET", "/api/user/profile", token(bob)).status, 200);
        QTRY_COMPARE(m_clerk->userCalls(bob), 1);
        m_clerk->setHang(true);
        const HttpReply first = call("GET", "/api/user/profile", t);
        QCOMPARE(first.status, 200);
        QVERIFY(first.json().value("data").toObject().value("email").toString().isEmpty());
        QTRY_COMPARE(m_clerk->userCalls(alice), 1);
        QCOMPARE(m_clerk->parkedRequests(), 1); // her profile, still on its way
        m_clerk->setHang(false);
        QTRY_COMPARE(profileOf(t).value("email").toString(), QStringLiteral("alice@example.com"));
        const QJsonObject p = profileOf(t);
        QCOMPARE(p.value("firstName").toString(), QStringLiteral("Alice"));
        QCOMPARE(p.value("lastName").toString(), QStringLiteral("Liddell"));
        QCOMPARE(p.value("imageUrl").toString(), QStringLiteral("https://img.clerk.com/alice.png"));
        QVERIFY(m_clerk->userCalls(alice) >= 1);
        for (const FakeClerk::Request &r : m_clerk->requests()) {
            if (r.path.startsWith("/v1/users/"))
                QCOMPARE(
                    r.header("Authorization"), "Bearer " + FakeClerk::defaultSecretKey().toUtf8());
        }
        // Filled once, not on every request.
        const int calls = m_clerk->userCalls(alice);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(call("GET", "/api/user/profile", t).status, 200);
        QCOMPARE(m_clerk->userCalls(alice), calls);
    }

    void syncReadsClerkNow()
    {
        m_clerk->setUser(FakeClerk::clerkUser(alice, QStringLiteral("alice@example.com"),
            QStringLiteral("Alice"), QStringLiteral("Liddell")));
        CHECK(start(ClerkKeySource::SecretKey));
        const QByteArray t = token(alice);
        QTRY_COMPARE(profileOf(t).value("lastName").toString(), QStringLiteral("Liddell"));
        CHECK(patch(t, R"({"displayName":"Own choice","preferences":{"language":"it-IT"}})"));
        m_clerk->setUser(FakeClerk::clerkUser(alice, QStringLiteral("alice.new@example.com"),
            QStringLiteral("Alice"), QStringLiteral("Hargreaves"),
            QStringLiteral("https://img.clerk.com/a2.png")));
        const int before = m_clerk->userCalls(alice);
        const HttpReply r = call("POST", "/api/user/sync", t);
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(r.header("Cache-Control"), QByteArray("private, no-store"));
        QCOMPARE(m_clerk->userCalls(alice), before + 1);
        const QJsonObject p = r.json().value("data").toObject();
        QCOMPARE(p.value("clerkId").toString(), alice);
        QCOMPARE(p.value("lastName").toString(), QStringLiteral("Hargreaves"));
        QCOMPARE(p.value("email").toString(), QStringLiteral("alice.new@example.com"));
        QCOMPARE(p.value("imageUrl").toString(), QStringLiteral("https://img.clerk.com/a2.png"));
        // What the user chose here is not Clerk's to overwrite.
        QCOMPARE(p.value("displayName").toString(), QStringLiteral("Own choice"));
        QCOMPARE(p.value("preferences").toObject().value("language").toString(),
            QStringLiteral("it-IT"));
        QCOMPARE(profileOf(t).value("lastName").toString(), QStringLiteral("Hargreaves"));
    }

    void clerkDownNeverFailsTheUser_data()
    {
        QTest::addColumn<QString>("failure");
        QTest::newRow("hang") << "hang";
        QTest::newRow("500") << "500";
        QTest::newRow("429") << "429";
        QTest::newRow("user unknown to Clerk") << "404";
        QTest::newRow("secret key refused") << "401";
    }
    void clerkDownNeverFailsTheUser()
    {
        QFETCH(QString, failure);
        CHECK(start(ClerkKeySource::JwksUrl,
            [](Config &c) { c.clerkSecretKey = FakeClerk::defaultSecretKey(); }));
        // Keys first (the fake fails everything below), then Clerk goes away. Its answers are
        // held back until Alice's first request has been answered: that one never waits for
        // Clerk, whatever Clerk then answers.
        QCOMPARE(call("GET", "/api/user/profile", token(bob)).status, 200);
        QTRY_COMPARE(m_clerk->userCalls(bob), 1);
        m_clerk->setHang(true);
        if (failure == QStringLiteral("401"))
            m_clerk->setSecretKey(QStringLiteral("sk_test_another_instance_000000000000"));
        else if (failure != QStringLiteral("404") && failure != QStringLiteral("hang"))
            m_clerk->failNext(1000, failure.toInt());
        const QByteArray t = token(alice);
        const HttpReply r = call("GET", "/api/user/profile", t);
        QVERIFY2(r.status == 200, r.body);
        QTRY_VERIFY(m_clerk->userCalls(alice) >= 1);
        QVERIFY(m_clerk->parkedRequests() >= 1); // her profile, still on its way
        if (failure != QStringLiteral("hang")) {
            m_clerk->setHang(false); // Clerk answers now, with this row's failure
            QTRY_COMPARE(m_clerk->parkedRequests(), 0);
        }
        QCOMPARE(call("GET", "/api/user/profile", t).status, 200);
        // The explicit re-read answers the stored profile when Clerk cannot be read.
        HttpClient client(m_ts->port());
        const HttpReply sync
            = client.request("POST", "/api/user/sync", {ClerkTokens::bearer(t)}, {}, 30000);
        QVERIFY2(sync.status == 200, sync.body);
        QCOMPARE(sync.json().value("data").toObject().value("clerkId").toString(), alice);
        m_clerk->setHang(false);
    }

    void patchProfile()
    {
        CHECK(start());
        const QByteArray t = token(alice);
        const QJsonObject before = profileOf(t);
        QTest::qWait(5); // updatedAt has millisecond resolution
        const QJsonObject p = patch(t,
            R"({"displayName":"Al","preferences":{"language":"fr-FR","region":"FR","includeAdult":true}})");
        RETURN_IF_FAILED();
        QCOMPARE(p.value("clerkId").toString(), alice);
        QCOMPARE(p.value("displayName").toString(), QStringLiteral("Al"));
        const QJsonObject prefs = p.value("preferences").toObject();
        QCOMPARE(prefs.value("language").toString(), QStringLiteral("fr-FR"));
        QCOMPARE(prefs.value("region").toString(), QStringLiteral("FR"));
        QCOMPARE(prefs.value("includeAdult"), QJsonValue(true));
        QVERIFY(QDateTime::fromString(p.value("updatedAt").toString(), Qt::ISODateWithMs)
            > QDateTime::fromString(before.value("updatedAt").toString(), Qt::ISODateWithMs));
        QCOMPARE(profileOf(t).value("preferences").toObject(), prefs);

        // A subset changes only what it names.
        const QJsonObject p2 = patch(t, R"({"preferences":{"region":"BE"}})");
        RETURN_IF_FAILED();
        QCOMPARE(p2.value("displayName").toString(), QStringLiteral("Al"));
        QCOMPARE(p2.value("preferences").toObject().value("language").toString(),
            QStringLiteral("fr-FR"));
        QCOMPARE(
            p2.value("preferences").toObject().value("region").toString(), QStringLiteral("BE"));
        QCOMPARE(p2.value("preferences").toObject().value("includeAdult"), QJsonValue(true));
        const QJsonObject p3 = patch(t, R"({"displayName":"Alice L."})");
        RETURN_IF_FAILED();
        QCOMPARE(
            p3.value("preferences").toObject().value("region").toString(), QStringLiteral("BE"));

        // null clears.
        const QJsonObject cleared
            = patch(t, R"({"displayName":null,"preferences":{"language":null,"region":null}})");
        RETURN_IF_FAILED();
        QVERIFY(cleared.value("displayName").isNull());
        QVERIFY(cleared.value("preferences").toObject().value("language").isNull());
        QVERIFY(cleared.value("preferences").toObject().value("region").isNull());
        QCOMPARE(profileOf(t).value("displayName"), QJsonValue(QJsonValue::Null));

        QCOMPARE(call("PATCH", "/api/user/profile", t, "{}").status, 200);
        // Another user is untouched by all of it.
        QVERIFY(profileOf(token(bob)).value("displayName").isNull());
    }

    void patchValidation_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        const QString v = QStringLiteral("VALIDATION_ERROR");
        QTest::newRow("unknown field") << QByteArray(R"({"nickname":"x"})") << 400 << v;
        QTest::newRow("unknown field next to a valid one")
            << QByteArray(R"({"displayName":"Ok","theme":"dark"})") << 400 << v;
        QTest::newRow("unknown preference")
            << QByteArray(R"({"preferences":{"theme":"dark"}})") << 400 << v;
        QTest::newRow("clerkId is not writable")
            << QByteArray(R"({"clerkId":"user_2bob"})") << 400 << v;
        QTest::newRow("id is not writable") << QByteArray(R"({"id":1})") << 400 << v;
        QTest::newRow("email is not writable")
            << QByteArray(R"({"email":"evil@example.com"})") << 400 << v;
        QTest::newRow("stats are not writable")
            << QByteArray(R"({"stats":{"watchlistCount":9}})") << 400 << v;
        QTest::newRow("empty displayName") << QByteArray(R"({"displayName":""})") << 400 << v;
        QTest::newRow("displayName with NUL")
            << QByteArray(R"({"displayName":"a\u0000b"})") << 400 << v;
        QTest::newRow("displayName of 101")
            << QByteArray(R"({"displayName":")" + QByteArray(101, 'a') + R"("})") << 400 << v;
        QTest::newRow("numeric displayName") << QByteArray(R"({"displayName":5})") << 400 << v;
        QTest::newRow("boolean displayName") << QByteArray(R"({"displayName":true})") << 400 << v;
        QTest::newRow("object displayName") << QByteArray(R"({"displayName":{}})") << 400 << v;
        QTest::newRow("preferences a string") << QByteArray(R"({"preferences":"fr"})") << 400 << v;
        QTest::newRow("preferences an array") << QByteArray(R"({"preferences":[]})") << 400 << v;
        QTest::newRow("language a word")
            << QByteArray(R"({"preferences":{"language":"french"}})") << 400 << v;
        QTest::newRow("language with underscore")
            << QByteArray(R"({"preferences":{"language":"fr_FR"}})") << 400 << v;
        QTest::newRow("language numeric")
            << QByteArray(R"({"preferences":{"language":5}})") << 400 << v;
        QTest::newRow("language markup")
            << QByteArray(R"({"preferences":{"language":"<script>"}})") << 400 << v;
        QTest::newRow("region alpha-3")
            << QByteArray(R"({"preferences":{"region":"FRA"}})") << 400 << v;
        QTest::newRow("region one letter")
            << QByteArray(R"({"preferences":{"region":"F"}})") << 400 << v;
        QTest::newRow("region digits")
            << QByteArray(R"({"preferences":{"region":"12"}})") << 400 << v;
        QTest::newRow("includeAdult a string")
            << QByteArray(R"({"preferences":{"includeAdult":"yes"}})") << 400 << v;
        QTest::newRow("includeAdult a number")
            << QByteArray(R"({"preferences":{"includeAdult":1}})") << 400 << v;
        QTest::newRow("valid and invalid together")
            << QByteArray(R"({"displayName":"Fine","preferences":{"region":"FRA"}})") << 400 << v;
        QTest::newRow("not JSON") << QByteArray("displayName=x") << 400
                                  << QStringLiteral("INVALID_JSON");
        QTest::newRow("JSON array") << QByteArray("[]") << 400 << QStringLiteral("INVALID_JSON");
        QTest::newRow("JSON string")
            << QByteArray("\"x\"") << 400 << QStringLiteral("INVALID_JSON");
    }
    void patchValidation()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        CHECK(start());
        const QByteArray t = token(alice);
        CHECK(patch(
            t, R"({"displayName":"Before","preferences":{"language":"en-GB","region":"GB"}})"));
        const QJsonObject before = profileOf(t);
        const HttpReply r = call("PATCH", "/api/user/profile", t, body);
        CHECK(verifyError(r, status, code));
        QCOMPARE(profileOf(t), before);
    }

    void patchNeedsJsonContentType()
    {
        CHECK(start());
        const QByteArray t = token(alice);
        const HttpReply r = m_ts->request("PATCH", "/api/user/profile",
            {ClerkTokens::bearer(t), {"Content-Type", "text/plain"}}, R"({"displayName":"X"})");
        CHECK(verifyError(r, 415, QStringLiteral("UNSUPPORTED_MEDIA_TYPE")));
        QVERIFY(profileOf(t).value("displayName").isNull());
    }

    void userRoutesArePrivate_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("GET profile")
            << QByteArray("GET") << QByteArray("/api/user/profile") << QByteArray();
        QTest::newRow("PATCH profile") << QByteArray("PATCH") << QByteArray("/api/user/profile")
                                       << QByteArray(R"({"displayName":"X"})");
        QTest::newRow("export") << QByteArray("GET") << QByteArray("/api/user/export")
                                << QByteArray();
        QTest::newRow("sync") << QByteArray("POST") << QByteArray("/api/user/sync") << QByteArray();
        QTest::newRow("sessions") << QByteArray("GET") << QByteArray("/api/user/sessions")
                                  << QByteArray();
        QTest::newRow("revoke") << QByteArray("DELETE")
                                << QByteArray("/api/user/sessions/sess_of_user_2alice")
                                << QByteArray();
        QTest::newRow("DELETE profile")
            << QByteArray("DELETE") << QByteArray("/api/user/profile") << QByteArray();
    }
    void userRoutesArePrivate()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, body);
        CHECK(start());
        const HttpReply anonymous = call(method, path, {}, body);
        CHECK(verifyError(anonymous, 401, QStringLiteral("UNAUTHENTICATED")));
        QVERIFY(anonymous.header("WWW-Authenticate").startsWith("Bearer"));
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM users")), 0);
        const HttpReply r = call(method, path, token(alice), body);
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(r.header("Cache-Control"), QByteArray("private, no-store"));
        QVERIFY(r.json().value("success").toBool());
    }

    void deleteRemovesEverything()
    {
        CHECK(start());
        const QByteArray a1 = token(alice, QStringLiteral("sess_2a1"));
        const QByteArray a2 = token(alice, QStringLiteral("sess_2a2"));
        const QByteArray b = token(bob);
        CHECK(patch(a1, R"({"displayName":"Alice","preferences":{"language":"fr-FR"}})"));
        QCOMPARE(call("GET", "/api/user/profile", a2).status, 200);
        QCOMPARE(call("GET", "/api/user/profile", b).status, 200);
        const qint64 aliceId = userId(alice);
        const qint64 bobId = userId(bob);
        CHECK(addListItems(aliceId, 2, 3, QStringLiteral("Alice's")));
        CHECK(addListItems(bobId, 1, 1, QStringLiteral("Bob's")));
        QCOMPARE(profileOf(a1).value("stats").toObject().value("watchlistCount"), QJsonValue(2));
        QCOMPARE(profileOf(a1).value("stats").toObject().value("favoritesCount"), QJsonValue(3));
        QCOMPARE(rowsOf("sessions", aliceId), 2);

        const HttpReply r = call("DELETE", "/api/user/profile", a1);
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(userId(alice), -1);
        QCOMPARE(rowsOf("watchlist", aliceId), 0);
        QCOMPARE(rowsOf("favorites", aliceId), 0);
        QCOMPARE(rowsOf("sessions", aliceId), 0);
        QCOMPARE(rowsOf("watchlist", bobId), 1);
        QCOMPARE(rowsOf("favorites", bobId), 1);
        QCOMPARE(rowsOf("sessions", bobId), 1);
        QCOMPARE(profileOf(b).value("clerkId").toString(), bob);

        // The same (still valid) token makes a fresh, empty account.
        const QJsonObject fresh = profileOf(a1);
        QCOMPARE(fresh.value("clerkId").toString(), alice);
        QVERIFY(fresh.value("id").toVariant().toLongLong() != aliceId);
        QVERIFY(fresh.value("displayName").isNull());
        QVERIFY(fresh.value("preferences").toObject().value("language").isNull());
        QCOMPARE(fresh.value("stats").toObject().value("watchlistCount"), QJsonValue(0));
        QCOMPARE(fresh.value("stats").toObject().value("favoritesCount"), QJsonValue(0));
        const HttpReply sessions = call("GET", "/api/user/sessions", a1);
        QCOMPARE(sessions.json().value("data").toArray().size(), 1);
        QCOMPARE(
            scalar(QStringLiteral("SELECT COUNT(*) FROM users WHERE clerk_id = ?"), {alice}), 1);
    }

    void exportHasEverything()
    {
        CHECK(start());
        const QByteArray t = token(alice, QStringLiteral("sess_2export"));
        CHECK(patch(t, R"({"displayName":"Exported"})"));
        QCOMPARE(call("GET", "/api/user/profile", token(bob)).status, 200);
        CHECK(addListItems(userId(alice), 2, 1, QStringLiteral("Alice's title")));
        CHECK(addListItems(userId(bob), 2, 2, QStringLiteral("Bob's title")));
        const HttpReply r = call("GET", "/api/user/export", t);
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(r.header("Cache-Control"), QByteArray("private, no-store"));
        QVERIFY(r.json().value("success").toBool());
        const QJsonObject data = r.json().value("data").toObject();
        const QJsonObject profile = data.value("profile").toObject();
        QCOMPARE(profile.value("clerkId").toString(), alice);
        QCOMPARE(profile.value("displayName").toString(), QStringLiteral("Exported"));
        QCOMPARE(data.value("sessions").toArray().size(), 1);
        QCOMPARE(data.value("sessions").toArray().first().toObject().value("id").toString(),
            QStringLiteral("sess_2export"));
        QCOMPARE(data.value("watchlist").toArray().size(), 2);
        QCOMPARE(data.value("favorites").toArray().size(), 1);
        QVERIFY(r.body.contains("Alice's title"));
        QVERIFY(!r.body.contains("Bob's title"));
        QVERIFY(!r.body.contains(bob.toUtf8()));
    }

    // A store that fails answers in the envelope and changes nothing: the export reads the lists
    // and answers as the list routes do (a failed statement is a 500); the profile is an account
    // route (503 "Database unavailable"), never a 200 with counts of zero.
    void failingTablesAnswerInTheEnvelope()
    {
        CHECK(start());
        const QByteArray t = token(alice);
        QCOMPARE(call("GET", "/api/user/profile", t).status, 200);
        CHECK(addListItems(userId(alice), 2, 1, QStringLiteral("Kept")));
        CHECK(renameTable("favorites", "favorites_gone"));
        CHECK(
            verifyError(call("GET", "/api/user/export", t), 500, QStringLiteral("INTERNAL_ERROR")));
        CHECK(verifyError(
            call("GET", "/api/user/profile", t), 503, QStringLiteral("SERVICE_UNAVAILABLE")));
        CHECK(renameTable("favorites_gone", "favorites"));
        const HttpReply r = call("GET", "/api/user/export", t);
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(r.json().value("data").toObject().value("watchlist").toArray().size(), 2);
        QCOMPARE(r.json().value("data").toObject().value("favorites").toArray().size(), 1);
    }

    // Full lists are exported a slice of 500 items per event-loop turn: every item, once, in
    // the order it was added, whatever the slice boundaries.
    void exportOfLongListsIsWhole()
    {
        CHECK(start());
        const QByteArray t = token(alice);
        QCOMPARE(call("GET", "/api/user/profile", t).status, 200);
        CHECK(addListItems(userId(alice), 1201, 500, QStringLiteral("Long")));
        const HttpReply r = call("GET", "/api/user/export", t);
        QVERIFY2(r.status == 200, r.body.left(300));
        const QJsonObject data = r.json().value("data").toObject();
        const QJsonArray watchlist = data.value("watchlist").toArray();
        const QJsonArray favorites = data.value("favorites").toArray();
        QCOMPARE(watchlist.size(), 1201);
        QCOMPARE(favorites.size(), 500);
        for (int i = 0; i < watchlist.size(); ++i)
            QCOMPARE(watchlist.at(i).toObject().value("tmdbId").toInteger(), 1000 + i);
        for (int i = 0; i < favorites.size(); ++i)
            QCOMPARE(favorites.at(i).toObject().value("tmdbId").toInteger(), 2201 + i);
        QCOMPARE(data.value("profile")
                     .toObject()
                     .value("stats")
                     .toObject()
                     .value("watchlistCount")
                     .toInteger(),
            1201);
    }

    // Items removed while an export is being built take no other item out of it (offset
    // paging skipped never-removed items when older ones went): between two slices the oldest
    // items of a list (already written) and a few not yet read are removed; every item that
    // stays is in the export exactly once, and one removed before it was read is not.
    void exportIsWholeWhileItemsAreRemoved()
    {
        CHECK(start());
        const QByteArray t = token(alice);
        QCOMPARE(call("GET", "/api/user/profile", t).status, 200);
        const qint64 id = userId(alice);
        // tmdbIds 1000..2200 in the watchlist, 2201..2900 in favorites, all added at one instant
        // (the key's id part decides). Slices of 500: watchlist 1-3, favorites 4-5.
        CHECK(addListItems(id, 1201, 700, QStringLiteral("Long")));
        QSet<qint64> removedBefore; // removed before the export could have read them
        QSet<qint64> removedAfter; // removed after they were written
        QList<int> hookCalls;
        QString failure;
        const auto remove = [&](const char *table, qint64 from, qint64 to, QSet<qint64> &into) {
            QSqlQuery q(m_ts->server().database().connection());
            q.prepare(QStringLiteral("DELETE FROM %1 WHERE user_id = ? AND tmdb_id BETWEEN ? AND ?")
                          .arg(QLatin1String(table)));
            q.addBindValue(id);
            q.addBindValue(from);
            q.addBindValue(to);
            if (!q.exec() || q.numRowsAffected() != to - from + 1)
                failure += QStringLiteral("delete from %1 failed: %2; ")
                               .arg(QLatin1String(table), q.lastError().text());
            for (qint64 i = from; i <= to; ++i)
                into.insert(i);
        };
        const ExportHook hook([&](const Exchange &, int slicesDone) {
            hookCalls << slicesDone;
            if (slicesDone == 1) { // watchlist 1000..1499 written
                remove("watchlist", 1000, 1199, removedAfter);
                remove("watchlist", 1700, 1709, removedBefore);
            } else if (slicesDone == 4) { // favorites 2201..2700 written
                remove("favorites", 2201, 2300, removedAfter);
                remove("favorites", 2800, 2809, removedBefore);
            }
        });
        const HttpReply r = call("GET", "/api/user/export", t);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        QVERIFY2(r.status == 200, r.body.left(300));
        const QJsonObject data = r.json().value("data").toObject();
        QHash<qint64, int> seen;
        const auto collect = [&](const QJsonArray &list, qint64 from, qint64 to) {
            qint64 previous = 0;
            for (const QJsonValue &v : list) {
                const qint64 tmdbId = v.toObject().value("tmdbId").toInteger();
                ++seen[tmdbId];
                QVERIFY2(tmdbId >= from && tmdbId <= to, qPrintable(QString::number(tmdbId)));
                QVERIFY2(tmdbId > previous, "the export is in the order items were added");
                previous = tmdbId;
            }
        };
        CHECK(collect(data.value("watchlist").toArray(), 1000, 2200));
        CHECK(collect(data.value("favorites").toArray(), 2201, 2900));
        for (qint64 i = 1000; i <= 2900; ++i) {
            const int times = seen.value(i);
            if (removedBefore.contains(i))
                QVERIFY2(times == 0, qPrintable(QStringLiteral("removed %1 exported").arg(i)));
            else if (removedAfter.contains(i))
                QVERIFY2(times <= 1,
                    qPrintable(QStringLiteral("%1 exported %2 times").arg(i).arg(times)));
            else
                QVERIFY2(times == 1,
                    qPrintable(QStringLiteral("kept item %1 exported %2 times").arg(i).arg(times)));
        }
        // Both lists had items removed mid-way through.
        QString calls;
        for (int n : std::as_const(hookCalls))
            calls += QString::number(n) + QLatin1Char(' ');
        QVERIFY2(hookCalls.contains(1) && hookCalls.contains(4),
            qPrintable(QStringLiteral("the hook ran after slices: ") + calls));
    }

    // An account deleted while its export is being built (here by DELETE /api/user/profile
    // between two slices; a Clerk user.deleted event deletes the same way) gets no partial
    // document: 404.
    void exportOfAnAccountDeletedMeanwhileIs404()
    {
        CHECK(start());
        const QByteArray t = token(alice);
        QCOMPARE(call("GET", "/api/user/profile", t).status, 200);
        CHECK(addListItems(userId(alice), 700, 10, QStringLiteral("Soon gone")));
        int deleted = 0;
        const ExportHook hook([&](const Exchange &, int slicesDone) {
            if (slicesDone == 1)
                deleted = call("DELETE", "/api/user/profile", t).status;
        });
        const HttpReply r = call("GET", "/api/user/export", t);
        QCOMPARE(deleted, 200);
        CHECK(verifyError(r, 404, QStringLiteral("NOT_FOUND")));
        QCOMPARE(r.json().value("error").toString(),
            QStringLiteral("The account was deleted during the export"));
        QVERIFY(!r.body.contains("Soon gone"));
        // Without the hook, the new (empty) account exports normally.
        UserController::betweenExportSlices = nullptr;
        const HttpReply again = call("GET", "/api/user/export", t);
        QVERIFY2(again.status == 200, again.body.left(300));
        QCOMPARE(again.json().value("data").toObject().value("watchlist").toArray().size(), 0);
    }

    // A client that goes away mid-export is not a server fault: no error is logged, and the
    // access line says client-gone with 499, never 500.
    void exportForAClientThatWentAwayIsNoServerError()
    {
        CHECK(start());
        const QByteArray t = token(alice);
        QCOMPARE(call("GET", "/api/user/profile", t).status, 200);
        CHECK(addListItems(userId(alice), 1200, 0, QStringLiteral("Long")));
        HttpClient client(m_ts->port());
        QVERIFY(client.connectToServer());
        bool gone = false;
        int calls = 0;
        const ExportHook hook([&](const Exchange &ex, int slicesDone) {
            ++calls;
            if (slicesDone == 1) {
                client.disconnect();
                gone = waitUntilClientGone(ex);
            }
        });
        const quint64 mark = lastLogId(*m_logger.buffer());
        client.socket()->write("GET /api/user/export HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               "Authorization: Bearer "
            + t + "\r\n\r\n");
        client.socket()->flush();
        const auto access = waitForLog(m_logger.buffer(), mark, [](const LogEntry &e) {
            return e.category == QLatin1String("marquee.access")
                && e.message.contains(QLatin1String("/api/user/export"));
        });
        QVERIFY2(access, "no access line for the export");
        QVERIFY(gone);
        QCOMPARE(calls, 1); // the export stopped at the next slice
        QVERIFY2(access->message.contains(QLatin1String(" 499 "))
                && access->message.contains(QLatin1String("client-gone")),
            qPrintable(access->message));
        for (const LogEntry &e : m_logger.buffer()->entriesAfter(mark)) {
            QVERIFY2(e.level != QLatin1String("error") && e.level != QLatin1String("fatal"),
                qPrintable(e.level + QLatin1Char(' ') + e.message));
        }
    }

    void sessionsAreRecorded()
    {
        CHECK(start());
        const QByteArray a1 = token(alice, QStringLiteral("sess_2a1"));
        const QByteArray a2 = token(alice, QStringLiteral("sess_2a2"));
        QCOMPARE(call("GET", "/api/user/profile", a1, {}, {{"User-Agent", "MarqueeTest/1.0 (one)"}})
                     .status,
            200);
        const HttpReply r
            = call("GET", "/api/user/sessions", a2, {}, {{"User-Agent", "MarqueeTest/2.0 (two)"}});
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(r.header("Cache-Control"), QByteArray("private, no-store"));
        const QJsonArray list = r.json().value("data").toArray();
        QCOMPARE(list.size(), 2);
        const QJsonObject one = byId(list, QStringLiteral("sess_2a1"));
        const QJsonObject two = byId(list, QStringLiteral("sess_2a2"));
        QCOMPARE(one.value("userAgent").toString(), QStringLiteral("MarqueeTest/1.0 (one)"));
        QCOMPARE(two.value("userAgent").toString(), QStringLiteral("MarqueeTest/2.0 (two)"));
        QVERIFY2(one.value("ipAddress").toString().contains(QStringLiteral("127.0.0.1")),
            qPrintable(one.value("ipAddress").toString()));
        QCOMPARE(one.value("current"), QJsonValue(false));
        QCOMPARE(two.value("current"), QJsonValue(true));
        QCOMPARE(one.value("revoked"), QJsonValue(false));
        QCOMPARE(two.value("revoked"), QJsonValue(false));
        for (const QJsonObject &s : {one, two}) {
            QVERIFY(isIsoTime(s.value("createdAt")));
            QVERIFY(isIsoTime(s.value("lastSeenAt")));
        }
        // From the other session's point of view, "current" moves.
        const QJsonArray again
            = call("GET", "/api/user/sessions", a1).json().value("data").toArray();
        QCOMPARE(byId(again, QStringLiteral("sess_2a1")).value("current"), QJsonValue(true));
        QCOMPARE(byId(again, QStringLiteral("sess_2a2")).value("current"), QJsonValue(false));
        // Only one's own sessions are listed.
        QCOMPARE(call("GET", "/api/user/profile", token(bob)).status, 200);
        QCOMPARE(call("GET", "/api/user/sessions", a1).json().value("data").toArray().size(), 2);
    }

    // A sessions table that fails is the database's failure, not a revocation: 503 while it
    // fails, and the same token works at once when it is back (no "revoked" remembered).
    void failingSessionStoreIsNoRevocation()
    {
        CHECK(start());
        const QByteArray t = token(alice, QStringLiteral("sess_2down"));
        CHECK(renameTable("sessions", "sessions_gone"));
        CHECK(verifyError(
            call("GET", "/api/user/profile", t), 503, QStringLiteral("SERVICE_UNAVAILABLE")));
        CHECK(renameTable("sessions_gone", "sessions"));
        const HttpReply r = call("GET", "/api/user/profile", t);
        QVERIFY2(r.status == 200, r.body);
    }

    void revokedSessionIsForbidden()
    {
        CHECK(start());
        const QByteArray a1 = token(alice, QStringLiteral("sess_2a1"));
        const QByteArray a2 = token(alice, QStringLiteral("sess_2a2"));
        QCOMPARE(call("GET", "/api/user/profile", a1).status, 200);
        QCOMPARE(call("GET", "/api/user/profile", a2).status, 200); // a2 is now cached
        const HttpReply r = call("DELETE", "/api/user/sessions/sess_2a2", a1);
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(r.json().value("data").toObject().value("revoked"), QJsonValue(true));

        CHECK(verifyError(call("GET", "/api/user/profile", a2), 403, QStringLiteral("FORBIDDEN")));
        // A fresh token of the revoked session too (Clerk keeps the sid across refreshes).
        const QByteArray a2Fresh = token(alice, QStringLiteral("sess_2a2"));
        CHECK(verifyError(
            call("GET", "/api/user/profile", a2Fresh), 403, QStringLiteral("FORBIDDEN")));
        CHECK(verifyError(
            call("GET", "/api/user/sessions", a2Fresh), 403, QStringLiteral("FORBIDDEN")));
        CHECK(verifyError(call("PATCH", "/api/user/profile", a2Fresh, R"({"displayName":"Thief"})"),
            403, QStringLiteral("FORBIDDEN")));
        CHECK(verifyError(call("DELETE", "/api/user/sessions/sess_2a1", a2Fresh), 403,
            QStringLiteral("FORBIDDEN")));
        CHECK(verifyError(
            call("DELETE", "/api/user/profile", a2Fresh), 403, QStringLiteral("FORBIDDEN")));
        QVERIFY(userId(alice) > 0);

        // The other session goes on and sees the revocation.
        const QJsonObject p = profileOf(a1);
        QCOMPARE(p.value("clerkId").toString(), alice);
        QVERIFY(p.value("displayName").isNull());
        const QJsonArray list
            = call("GET", "/api/user/sessions", a1).json().value("data").toArray();
        QCOMPARE(byId(list, QStringLiteral("sess_2a2")).value("revoked"), QJsonValue(true));
        QCOMPARE(byId(list, QStringLiteral("sess_2a1")).value("revoked"), QJsonValue(false));
    }

    void revokingOwnSession()
    {
        CHECK(start());
        const QByteArray t = token(alice, QStringLiteral("sess_2self"));
        QCOMPARE(call("DELETE", "/api/user/sessions/sess_2self", t).status, 200);
        CHECK(verifyError(call("GET", "/api/user/profile", t), 403, QStringLiteral("FORBIDDEN")));
    }

    // Ownership: another user's session id is as good as unknown.
    void sessionsOfOthersAreNotFound()
    {
        CHECK(start());
        const QByteArray a = token(alice, QStringLiteral("sess_2alice"));
        const QByteArray b = token(bob, QStringLiteral("sess_2bob"));
        QCOMPARE(call("GET", "/api/user/profile", a).status, 200);
        QCOMPARE(call("GET", "/api/user/profile", b).status, 200);
        CHECK(verifyError(
            call("DELETE", "/api/user/sessions/sess_2bob", a), 404, QStringLiteral("NOT_FOUND")));
        CHECK(verifyError(call("DELETE", "/api/user/sessions/sess_2nobody", a), 404,
            QStringLiteral("NOT_FOUND")));
        QCOMPARE(call("GET", "/api/user/profile", b).status, 200);
        const QJsonArray bobs = call("GET", "/api/user/sessions", b).json().value("data").toArray();
        QCOMPARE(byId(bobs, QStringLiteral("sess_2bob")).value("revoked"), QJsonValue(false));
        QCOMPARE(
            scalar(QStringLiteral("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NOT NULL")),
            0);
        // Nothing of Bob's is reachable through Alice's routes.
        const HttpReply alicesView = call("GET", "/api/user/sessions", a);
        QVERIFY(!alicesView.body.contains("sess_2bob"));
        QVERIFY(!call("GET", "/api/user/export", a).body.contains("sess_2bob"));
    }

    // A token naming another user's session cannot use it (nor take it over).
    void sidOfAnotherUserIsRefused()
    {
        CHECK(start());
        const QByteArray b = token(bob, QStringLiteral("sess_2shared"));
        QCOMPARE(call("GET", "/api/user/profile", b).status, 200);
        const HttpReply r
            = call("GET", "/api/user/profile", token(alice, QStringLiteral("sess_2shared")));
        QVERIFY2(r.status == 401 || r.status == 403, r.body);
        const QJsonArray bobs = call("GET", "/api/user/sessions", b).json().value("data").toArray();
        QCOMPARE(bobs.size(), 1);
        QCOMPARE(byId(bobs, QStringLiteral("sess_2shared")).value("revoked"), QJsonValue(false));
    }

    void adminRoutes()
    {
        FakeTmdb tmdb(QStringLiteral(MARQUEE_TMDB_SPEC));
        CHECK(startWithTmdb(tmdb));
        const QByteArray a = token(admin);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(
                call("GET", "/api/user/profile", token(QStringLiteral("user_2u%1").arg(i))).status,
                200);

        const HttpReply stats = call("GET", "/api/admin/stats", a);
        QVERIFY2(stats.status == 200, stats.body);
        const QJsonObject s = stats.json().value("data").toObject();
        for (const char *key : {"requests", "cache", "images", "users", "uptimeSeconds"})
            QVERIFY2(s.contains(key), key);
        // The image cache's counters (tst_images counts them).
        for (const char *key : {"files", "bytes", "hits", "misses", "upstreamErrors"})
            QVERIFY2(s.value("images").toObject().value(key).isDouble(), key);
        const QJsonValue userCount = s.value("users");
        QCOMPARE(
            userCount.isObject() ? userCount.toObject().value("total") : userCount, QJsonValue(6));
        QCOMPARE(stats.header("Cache-Control"), QByteArray("private, no-store"));

        const HttpReply page2 = call("GET", "/api/admin/users?page=2&limit=2", a);
        QVERIFY2(page2.status == 200, page2.body);
        QCOMPARE(page2.json().value("data").toArray().size(), 2);
        QCOMPARE(page2.header("Cache-Control"), QByteArray("private, no-store"));
        const QJsonObject meta = page2.json().value("meta").toObject();
        QCOMPARE(meta.value("page"), QJsonValue(2));
        QCOMPARE(meta.value("limit"), QJsonValue(2));
        QCOMPARE(meta.value("total"), QJsonValue(6)); // five users and the admin
        QCOMPARE(meta.value("totalPages"), QJsonValue(3));
        QCOMPARE(
            call("GET", "/api/admin/users?page=4&limit=2", a).json().value("data").toArray().size(),
            0);
        QSet<QString> seen;
        for (int page = 1; page <= 3; ++page) {
            const QJsonArray users
                = call("GET", "/api/admin/users?limit=2&page=" + QByteArray::number(page), a)
                      .json()
                      .value("data")
                      .toArray();
            for (const QJsonValue &u : users)
                seen.insert(u.toObject().value("clerkId").toString());
        }
        QCOMPARE(seen.size(), 6); // pages neither overlap nor skip

        // Purge: a cached catalogue entry is fetched again afterwards.
        QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("MISS"));
        QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("HIT"));
        const HttpReply purge = call("POST", "/api/admin/cache/purge", a);
        QVERIFY2(purge.status == 200, purge.body);
        QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("MISS"));
    }

    void adminValidation_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::newRow("page 0") << QByteArray("page=0");
        QTest::newRow("page word") << QByteArray("page=two");
        QTest::newRow("limit 0") << QByteArray("limit=0");
        QTest::newRow("limit 101") << QByteArray("limit=101");
        QTest::newRow("negative limit") << QByteArray("limit=-5");
        QTest::newRow("unknown parameter") << QByteArray("role=admin");
    }
    void adminValidation()
    {
        QFETCH(QByteArray, query);
        CHECK(start());
        CHECK(verifyError(call("GET", "/api/admin/users?" + query, token(admin)), 400,
            QStringLiteral("VALIDATION_ERROR")));
    }

    void adminIsForAdminsOnly_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::newRow("stats") << QByteArray("GET") << QByteArray("/api/admin/stats");
        QTest::newRow("users") << QByteArray("GET") << QByteArray("/api/admin/users");
        QTest::newRow("purge") << QByteArray("POST") << QByteArray("/api/admin/cache/purge");
        QTest::newRow("purge a category")
            << QByteArray("POST") << QByteArray("/api/admin/cache/purge?category=lists");
        // Bob exists (the test creates him) by the time the admin's own call needs him to.
        QTest::newRow("delete user")
            << QByteArray("DELETE") << QByteArray("/api/admin/users/user_2bob");
        QTest::newRow("sign out user")
            << QByteArray("POST") << QByteArray("/api/admin/users/user_2bob/sign-out");
    }
    void adminIsForAdminsOnly()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        CHECK(start());
        CHECK(verifyError(call(method, path, {}), 401, QStringLiteral("UNAUTHENTICATED")));
        CHECK(
            verifyError(call(method, path, "not.a.token"), 401, QStringLiteral("UNAUTHENTICATED")));
        CHECK(verifyError(call(method, path, token(alice)), 403, QStringLiteral("FORBIDDEN")));
        // An admin's id in a claim other than sub, or as a display name, grants nothing.
        CHECK(patch(token(bob), R"({"displayName":"user_admin"})"));
        CHECK(verifyError(call(method, path, token(bob)), 403, QStringLiteral("FORBIDDEN")));
        const QByteArray forged
            = m_tokens->token(QStringLiteral("user_2eve"), QStringLiteral("sess_2eve"), 600,
                {{QStringLiteral("user_id"), admin},
                    {QStringLiteral("org_role"), QStringLiteral("admin")},
                    {QStringLiteral("metadata"),
                        QJsonObject {{QStringLiteral("role"), QStringLiteral("admin")}}}});
        m_log.watchToken(forged);
        CHECK(verifyError(call(method, path, forged), 403, QStringLiteral("FORBIDDEN")));
        // An admin whose session was revoked is refused too.
        const QByteArray a = token(admin, QStringLiteral("sess_2adm"));
        QCOMPARE(call(method, path, a).status, 200);
        QCOMPARE(call("DELETE", "/api/user/sessions/sess_2adm", a).status, 200);
        CHECK(verifyError(call(method, path, a), 403, QStringLiteral("FORBIDDEN")));
    }

    void nonAdminPurgeChangesNothing()
    {
        FakeTmdb tmdb(QStringLiteral(MARQUEE_TMDB_SPEC));
        CHECK(startWithTmdb(tmdb));
        QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("MISS"));
        CHECK(verifyError(call("POST", "/api/admin/cache/purge", token(alice)), 403,
            QStringLiteral("FORBIDDEN")));
        CHECK(verifyError(
            call("POST", "/api/admin/cache/purge", {}), 401, QStringLiteral("UNAUTHENTICATED")));
        QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("HIT"));
        CHECK(verifyError(call("POST", "/api/admin/cache/purge?category=lists", token(alice)), 403,
            QStringLiteral("FORBIDDEN")));
        QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("HIT"));
    }

    void adminDeletesAUser()
    {
        CHECK(start());
        const QByteArray a1 = token(alice, QStringLiteral("sess_2a1"));
        const QByteArray a2 = token(alice, QStringLiteral("sess_2a2"));
        const QByteArray b = token(bob);
        const QByteArray a = token(admin);
        CHECK(patch(a1, R"({"displayName":"Alice"})"));
        QCOMPARE(call("GET", "/api/user/profile", a2).status, 200);
        QCOMPARE(call("GET", "/api/user/profile", b).status, 200);
        const qint64 aliceId = userId(alice);
        const qint64 bobId = userId(bob);
        CHECK(addListItems(aliceId, 2, 3, QStringLiteral("Alice's")));
        CHECK(addListItems(bobId, 1, 1, QStringLiteral("Bob's")));
        QCOMPARE(rowsOf("sessions", aliceId), 2);
        QCOMPARE(profileOf(a1).value("stats").toObject().value("favoritesCount"), QJsonValue(3));

        const HttpReply r = call("DELETE", "/api/admin/users/user_2alice", a);
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(r.header("Cache-Control"), QByteArray("private, no-store"));
        QCOMPARE(r.json().value("data").toObject(), QJsonObject({{"deleted", true}}));
        QCOMPARE(userId(alice), -1);
        QCOMPARE(rowsOf("watchlist", aliceId), 0);
        QCOMPARE(rowsOf("favorites", aliceId), 0);
        QCOMPARE(rowsOf("sessions", aliceId), 0);
        // Nobody else's data goes with her.
        QCOMPARE(rowsOf("watchlist", bobId), 1);
        QCOMPARE(rowsOf("favorites", bobId), 1);
        QCOMPARE(rowsOf("sessions", bobId), 1);
        QCOMPARE(profileOf(b).value("clerkId").toString(), bob);
        const HttpReply list = call("GET", "/api/admin/users?limit=100", a);
        QCOMPARE(list.json().value("meta").toObject().value("total"), QJsonValue(2)); // Bob, admin
        QVERIFY(!list.body.contains(alice.toUtf8()));

        // Gone is gone: a second delete, and a sign-out, find nobody.
        const HttpReply again = call("DELETE", "/api/admin/users/user_2alice", a);
        CHECK(verifyError(again, 404, QStringLiteral("NOT_FOUND")));
        QCOMPARE(again.json().value("error").toString(), QStringLiteral("User not found"));
        CHECK(verifyError(call("POST", "/api/admin/users/user_2alice/sign-out", a), 404,
            QStringLiteral("NOT_FOUND")));
        CHECK(verifyError(
            call("DELETE", "/api/admin/users/user_2nobody", a), 404, QStringLiteral("NOT_FOUND")));
        CHECK(verifyError(call("DELETE", "/api/admin/users/" + QByteArray(201, 'x'), a), 400,
            QStringLiteral("VALIDATION_ERROR")));
        CHECK(verifyError(call("DELETE", "/api/admin/users/user_2bob?force=1", a), 400,
            QStringLiteral("VALIDATION_ERROR")));
        QCOMPARE(userId(bob), bobId);

        // No deletion is recorded (unlike Clerk's user.deleted): her still valid token makes a
        // fresh, empty account, not the old one from what the server had remembered of her.
        const QJsonObject fresh = profileOf(a1);
        QCOMPARE(fresh.value("clerkId").toString(), alice);
        QVERIFY(fresh.value("id").toVariant().toLongLong() != aliceId);
        QVERIFY(fresh.value("displayName").isNull());
        QCOMPARE(fresh.value("stats").toObject().value("watchlistCount"), QJsonValue(0));
        QCOMPARE(fresh.value("stats").toObject().value("favoritesCount"), QJsonValue(0));
    }

    void adminSignsAUserOutEverywhere()
    {
        CHECK(start());
        const QByteArray a1 = token(alice, QStringLiteral("sess_2a1"));
        const QByteArray a2 = token(alice, QStringLiteral("sess_2a2"));
        const QByteArray a3 = token(alice, QStringLiteral("sess_2a3"));
        const QByteArray b = token(bob);
        const QByteArray a = token(admin);
        for (const QByteArray &t : {a1, a2, a3, b}) // each session seen, and its token cached
            QCOMPARE(call("GET", "/api/user/profile", t).status, 200);
        QCOMPARE(call("DELETE", "/api/user/sessions/sess_2a3", a1).status, 200); // revoked before
        const qint64 aliceId = userId(alice);
        CHECK(addListItems(aliceId, 2, 1, QStringLiteral("Kept")));

        const HttpReply r = call("POST", "/api/admin/users/user_2alice/sign-out", a);
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(r.header("Cache-Control"), QByteArray("private, no-store"));
        QCOMPARE(r.json().value("data").toObject(), QJsonObject({{"revoked", 2}}));

        // The very tokens the server had verified, and fresh ones of the same sessions, are
        // refused as a revoked session is.
        for (const QByteArray &t : {a1, a2, token(alice, QStringLiteral("sess_2a1"))})
            CHECK(
                verifyError(call("GET", "/api/user/profile", t), 403, QStringLiteral("FORBIDDEN")));
        CHECK(verifyError(call("GET", "/api/watchlist", a2), 403, QStringLiteral("FORBIDDEN")));
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM sessions WHERE user_id = ? AND "
                                       "revoked_at IS NULL"),
                     {aliceId}),
            0);
        // Her account and lists stay; Bob is untouched.
        QCOMPARE(userId(alice), aliceId);
        QCOMPARE(rowsOf("watchlist", aliceId), 2);
        QCOMPARE(rowsOf("favorites", aliceId), 1);
        QCOMPARE(profileOf(b).value("clerkId").toString(), bob);

        // Nothing left to revoke; a sign-in after it (a new session) is not covered.
        QCOMPARE(call("POST", "/api/admin/users/user_2alice/sign-out", a)
                     .json()
                     .value("data")
                     .toObject()
                     .value("revoked"),
            QJsonValue(0));
        const QByteArray a4 = token(alice, QStringLiteral("sess_2a4"));
        QCOMPARE(profileOf(a4).value("id").toVariant().toLongLong(), aliceId);
        const QJsonArray sessions
            = call("GET", "/api/user/sessions", a4).json().value("data").toArray();
        QCOMPARE(sessions.size(), 4);
        for (const char *sid : {"sess_2a1", "sess_2a2", "sess_2a3"})
            QCOMPARE(byId(sessions, QLatin1String(sid)).value("revoked"), QJsonValue(true));
        CHECK(verifyError(call("POST", "/api/admin/users/user_2nobody/sign-out", a), 404,
            QStringLiteral("NOT_FOUND")));
    }

    // An administrator's actions on a user by anybody else change nothing.
    void nonAdminUserActionsChangeNothing()
    {
        CHECK(start());
        const QByteArray t = token(alice);
        QCOMPARE(call("GET", "/api/user/profile", t).status, 200);
        const qint64 aliceId = userId(alice);
        CHECK(addListItems(aliceId, 1, 1, QStringLiteral("Mine")));
        for (const QByteArray &caller : {token(bob), t, QByteArray()}) {
            const int status = caller.isEmpty() ? 401 : 403;
            const QString code = QLatin1String(caller.isEmpty() ? "UNAUTHENTICATED" : "FORBIDDEN");
            CHECK(
                verifyError(call("DELETE", "/api/admin/users/user_2alice", caller), status, code));
            CHECK(verifyError(
                call("POST", "/api/admin/users/user_2alice/sign-out", caller), status, code));
        }
        QCOMPARE(userId(alice), aliceId);
        QCOMPARE(rowsOf("watchlist", aliceId), 1);
        QCOMPARE(rowsOf("favorites", aliceId), 1);
        QCOMPARE(
            scalar(QStringLiteral("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NOT NULL")),
            0);
        QCOMPARE(call("GET", "/api/user/profile", t).status, 200);
    }

    void purgeOneCategory_data()
    {
        QTest::addColumn<QString>("category");
        for (const auto &[category, path] : routeOfEachCategory())
            QTest::newRow(qPrintable(category)) << category;
    }
    void purgeOneCategory()
    {
        QFETCH(QString, category);
        FakeTmdb tmdb(QStringLiteral(MARQUEE_TMDB_SPEC));
        CHECK(startWithTmdb(tmdb));
        CHECK(fillTheCache());
        CHECK(verifyCached());
        const QHash<QString, qint64> before = cachedEntries();
        RETURN_IF_FAILED();
        for (const char *stored : {"trending", "lists", "details", "reference"})
            QVERIFY2(before.value(QLatin1String(stored)) > 0, stored);
        QVERIFY(!before.contains(QStringLiteral("search"))); // memory only

        const HttpReply r
            = call("POST", "/api/admin/cache/purge?category=" + category.toLatin1(), token(admin));
        QVERIFY2(r.status == 200, r.body);
        QCOMPARE(r.header("Cache-Control"), QByteArray("private, no-store"));
        const QJsonObject data = r.json().value("data").toObject();
        QCOMPARE(data.value("category").toString(), category);
        // Search entries live in memory only; the others are counted by their rows.
        const qint64 expected = category == QLatin1String("search") ? 1 : before.value(category);
        QCOMPARE(data.value("purged").toInteger(), expected);

        // Only that category's rows went, and its answer comes from TMDB again (so it left the
        // memory layer too); every other category is still a hit.
        QHash<QString, qint64> after = cachedEntries();
        RETURN_IF_FAILED();
        QCOMPARE(after.value(category), 0);
        after.remove(category);
        QHash<QString, qint64> others = before;
        others.remove(category);
        QCOMPARE(after, others);
        tmdb.resetCounters();
        CHECK(verifyCached(category));
        QCOMPARE(tmdb.callCount(), 1);
        QVERIFY(tmdb.violations().isEmpty());
    }

    void purgeOfAnUnknownCategoryChangesNothing_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::newRow("unknown") << QByteArray("category=posters");
        QTest::newRow("wrong case") << QByteArray("category=Lists");
        QTest::newRow("empty") << QByteArray("category=");
        QTest::newRow("repeated") << QByteArray("category=lists&category=search");
        QTest::newRow("unknown parameter") << QByteArray("kind=lists");
    }
    void purgeOfAnUnknownCategoryChangesNothing()
    {
        QFETCH(QByteArray, query);
        FakeTmdb tmdb(QStringLiteral(MARQUEE_TMDB_SPEC));
        CHECK(startWithTmdb(tmdb));
        CHECK(fillTheCache());
        const QHash<QString, qint64> before = cachedEntries();
        RETURN_IF_FAILED();
        CHECK(verifyError(call("POST", "/api/admin/cache/purge?" + query, token(admin)), 400,
            QStringLiteral("VALIDATION_ERROR")));
        QCOMPARE(cachedEntries(), before);
        tmdb.resetCounters();
        CHECK(verifyCached());
        QCOMPARE(tmdb.callCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestUsers)
#include "tst_users.moc"
