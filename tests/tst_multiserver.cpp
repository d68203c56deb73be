// Several Marquee servers on one PostgreSQL database (docs/postgresql.md): each a real `marquee`
// process, all on a throwaway PostgreSQL cluster, with the fake TMDB and tokens signed by a key
// made here (CLERK_JWT_KEY). What one server writes the other reads at once; concurrent writes
// split over the servers settle as on one; the TMDB content cache is shared; start-up migrates
// once; and the database going away and coming back is survived without a restart.
#include "store/migrations.h"
#include "support/fakeclerk.h"
#include "support/faketmdb.h"
#include "support/marqueeprocess.h"
#include "support/pgcluster.h"
#include "support/testdatabase.h"
#include "support/testkeys.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <memory>

using namespace marquee::test;

namespace {

const QString kOrigin = QStringLiteral("http://localhost:5173");

struct Answer
{
    int status = 0; // 0: no answer
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString code() const
    {
        return json().value(QLatin1String("code")).toString(); // the envelope: {"code": ...}
    }
};

struct Request
{
    using Headers = QList<std::pair<QByteArray, QByteArray>>;
    Request(quint16 port, QByteArray method, QByteArray path, QByteArray token = {},
        QByteArray body = {}, Headers headers = {})
        : port(port)
        , method(std::move(method))
        , path(std::move(path))
        , token(std::move(token))
        , body(std::move(body))
        , headers(std::move(headers))
    { }
    quint16 port;
    QByteArray method;
    QByteArray path;
    QByteArray token;
    QByteArray body;
    Headers headers;
};

} // namespace

class TestMultiServer : public QObject
{
    Q_OBJECT

    PgCluster *m_pg = nullptr;
    QTemporaryDir m_home;
    FakeTmdb m_tmdb {QStringLiteral(MARQUEE_TMDB_SPEC)};
    RsaKeyPair m_key;
    std::unique_ptr<ClerkTokens> m_tokens;
    QByteArray m_webhookSecret;
    QNetworkAccessManager m_nam;
    int m_databases = 0;

    QString freshDatabase()
    {
        const QString name = QStringLiteral("multi_%1").arg(++m_databases);
        if (!m_pg->createDatabase(name))
            return {};
        return m_pg->url(name);
    }

    QProcessEnvironment environment(const QString &databaseUrl)
    {
        return MarqueeProcess::cleanEnvironment(m_home.path(),
            {{QStringLiteral("DATABASE_URL"), databaseUrl},
                {QStringLiteral("PORT"), QStringLiteral("0")},
                {QStringLiteral("TMDB_API_KEY"), FakeTmdb::defaultApiKey()},
                {QStringLiteral("TMDB_BASE_URL"), m_tmdb.baseUrl()},
                {QStringLiteral("CLERK_JWT_KEY"), QString::fromLatin1(m_key.publicPem())},
                {QStringLiteral("CLERK_WEBHOOK_SECRET"), QString::fromLatin1(m_webhookSecret)},
                {QStringLiteral("ALLOWED_ORIGINS"), kOrigin},
                {QStringLiteral("RATE_LIMIT_GENERAL"), QStringLiteral("0")},
                {QStringLiteral("LOG_LEVEL"), QStringLiteral("info")}});
    }

    // Two servers on one new database; empty when either did not start (the test failed).
    std::pair<std::unique_ptr<MarqueeProcess>, std::unique_ptr<MarqueeProcess>> twoServers()
    {
        const QString url = freshDatabase();
        if (url.isEmpty()) {
            QTest::qFail(qPrintable(m_pg->errorString()), __FILE__, __LINE__);
            return {};
        }
        auto a = std::make_unique<MarqueeProcess>();
        auto b = std::make_unique<MarqueeProcess>();
        for (MarqueeProcess *p : {a.get(), b.get()}) {
            if (!p->start(environment(url), m_home.path())) {
                QTest::qFail(qPrintable(p->errorString()), __FILE__, __LINE__);
                return {};
            }
        }
        return {std::move(a), std::move(b)};
    }

    QByteArray token(const QString &subject)
    {
        return m_tokens->token(subject, QStringLiteral("sess_") + subject, 600,
            {{QStringLiteral("jti"), QUuid::createUuid().toString(QUuid::Id128)}});
    }

    // Sends every request at once (QNetworkAccessManager: up to six connections to each server)
    // and waits for all the answers, serving the fake TMDB meanwhile.
    QList<Answer> sendAll(const QList<Request> &requests, int timeoutMs = 20000)
    {
        QList<Answer> answers(requests.size());
        int pending = int(requests.size());
        for (qsizetype i = 0; i < requests.size(); ++i) {
            const Request &r = requests[i];
            QNetworkRequest nr(QUrl(QStringLiteral("http://127.0.0.1:%1%2")
                                        .arg(r.port)
                                        .arg(QString::fromLatin1(r.path))));
            nr.setTransferTimeout(timeoutMs);
            if (!r.token.isEmpty())
                nr.setRawHeader("Authorization", "Bearer " + r.token);
            if (!r.body.isEmpty())
                nr.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
            for (const auto &[name, value] : r.headers)
                nr.setRawHeader(name, value);
            QNetworkReply *reply = m_nam.sendCustomRequest(nr, r.method, r.body);
            connect(reply, &QNetworkReply::finished, this, [&answers, &pending, reply, i] {
                answers[i].status
                    = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                answers[i].body = reply->readAll();
                reply->deleteLater();
                --pending;
            });
        }
        QElapsedTimer clock;
        clock.start();
        while (pending > 0 && clock.elapsed() < timeoutMs + 5000)
            QTest::qWait(5);
        if (pending > 0) // the lambdas above must not outlive `answers`
            qFatal("%d request(s) unanswered after %d ms", pending, timeoutMs + 5000);
        return answers;
    }

    Answer send(Request r) { return sendAll({std::move(r)}).first(); }

    qint64 scalar(const QString &database, const QString &sql)
    {
        QString out;
        if (!m_pg->psql(database, sql, &out))
            return -1;
        bool ok = false;
        const qint64 v = out.trimmed().toLongLong(&ok);
        return ok ? v : -1;
    }

    static QString databaseOf(const QString &url) { return url.section(QLatin1Char('/'), -1); }

    // The tmdbIds of a list page, newest first.
    static QList<int> tmdbIds(const Answer &page)
    {
        QList<int> ids;
        const QJsonArray items = page.json().value(QLatin1String("data")).toArray();
        for (const QJsonValue &v : items)
            ids.append(v.toObject().value(QLatin1String("tmdbId")).toInt());
        return ids;
    }

    static QByteArray item(int tmdbId)
    {
        return QJsonDocument(QJsonObject {{QStringLiteral("tmdbId"), tmdbId},
                                 {QStringLiteral("contentType"), QStringLiteral("movie")},
                                 {QStringLiteral("title"), QStringLiteral("Title %1").arg(tmdbId)}})
            .toJson(QJsonDocument::Compact);
    }

private slots:
    void initTestCase()
    {
        m_pg = &testCluster();
        QVERIFY2(m_tmdb.start(), qPrintable(m_tmdb.errorString()));
        m_key = RsaKeyPair::generate();
        m_tokens = std::make_unique<ClerkTokens>(m_key, QString(), kOrigin);
        m_webhookSecret = newWebhookSecret();
    }

    // Two servers started at the same moment on an empty database: the advisory lock lets one
    // migrate, the other finds the schema in place. Each migration is applied once.
    void concurrentStartMigratesOnce()
    {
        const QString url = freshDatabase();
        QVERIFY2(!url.isEmpty(), qPrintable(m_pg->errorString()));
        QProcess first, second;
        for (QProcess *p : {&first, &second}) {
            p->setProcessEnvironment(environment(url));
            p->setWorkingDirectory(m_home.path());
            p->start(QStringLiteral(MARQUEE_BINARY), {QStringLiteral("migrate")});
        }
        QString applied;
        for (QProcess *p : {&first, &second}) {
            QVERIFY(p->waitForFinished(30000));
            const QString err = QString::fromUtf8(p->readAllStandardError());
            QVERIFY2(
                p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0, qPrintable(err));
            applied += err;
        }
        QCOMPARE(
            applied.count(QLatin1String("applied migration")), marquee::Migrator::latestVersion());
        const QString db = databaseOf(url);
        QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM schema_migrations")),
            qint64(marquee::Migrator::latestVersion()));
        QCOMPARE(
            scalar(db, QStringLiteral("SELECT COUNT(DISTINCT version) FROM schema_migrations")),
            qint64(marquee::Migrator::latestVersion()));

        // And two servers starting at once on a new database both come up.
        auto [a, b] = twoServers();
        QVERIFY(a && b);
        QCOMPARE(send({a->port(), "GET", "/health"}).status, 200);
        QCOMPARE(send({b->port(), "GET", "/health"}).status, 200);
    }

    // A title fetched through A is served by B from the database, without a second call to TMDB.
    void contentCacheIsShared()
    {
        auto [a, b] = twoServers();
        QVERIFY(a && b);
        const int before = m_tmdb.callCount();
        const Answer viaA = send({a->port(), "GET", "/api/movies/550"});
        QVERIFY2(viaA.status == 200, viaA.body);
        const int afterA = m_tmdb.callCount();
        QVERIFY(afterA > before);
        const Answer viaB = send({b->port(), "GET", "/api/movies/550"});
        QVERIFY2(viaB.status == 200, viaB.body);
        QCOMPARE(m_tmdb.callCount(), afterA);
        QCOMPARE(
            viaB.json().value(QLatin1String("data")), viaA.json().value(QLatin1String("data")));
    }

    // 50 adds of one title at once, half through each server: one 201, 409 for the rest.
    void concurrentAddsOverTwoServers()
    {
        auto [a, b] = twoServers();
        QVERIFY(a && b);
        const QByteArray t = token(QStringLiteral("user_2adds"));
        QCOMPARE(send({a->port(), "GET", "/api/watchlist", t}).status, 200); // the user exists
        QList<Request> adds;
        for (int i = 0; i < 50; ++i)
            adds.append({i % 2 ? a->port() : b->port(), "POST", "/api/watchlist", t, item(603)});
        int created = 0, conflicts = 0;
        for (const Answer &r : sendAll(adds)) {
            if (r.status == 201)
                ++created;
            else if (r.status == 409 && r.code() == QLatin1String("CONFLICT"))
                ++conflicts;
            else
                QFAIL(qPrintable(
                    QStringLiteral("%1: %2").arg(r.status).arg(QString::fromUtf8(r.body))));
        }
        QCOMPARE(created, 1);
        QCOMPARE(conflicts, 49);
    }

    // 20 first requests of a new user at once over both servers: one user.
    void concurrentFirstRequestsMakeOneUser()
    {
        auto [a, b] = twoServers();
        QVERIFY(a && b);
        const QString clerkId = QStringLiteral("user_2first");
        const QByteArray t = token(clerkId);
        QList<Request> firsts;
        for (int i = 0; i < 20; ++i)
            firsts.append({i % 2 ? a->port() : b->port(), "GET", "/api/user/profile", t});
        for (const Answer &r : sendAll(firsts))
            QVERIFY2(r.status == 200, r.body);
        // Which database: both servers share the last one made.
        const QString db = QStringLiteral("multi_%1").arg(m_databases);
        QCOMPARE(
            scalar(db,
                QStringLiteral("SELECT COUNT(*) FROM users WHERE clerk_id = '%1'").arg(clerkId)),
            qint64(1));
    }

    // The list page cache is off on PostgreSQL: what A writes, B reads at once, and back.
    void writeThroughOneReadThroughTheOther()
    {
        auto [a, b] = twoServers();
        QVERIFY(a && b);
        const QByteArray t = token(QStringLiteral("user_2both"));
        for (int round = 0; round < 3; ++round) {
            // B reads (and would cache) the page before A writes.
            QCOMPARE(send({b->port(), "GET", "/api/watchlist", t}).status, 200);
            const Answer added = send({a->port(), "POST", "/api/watchlist", t, item(1000 + round)});
            QVERIFY2(added.status == 201, added.body);
            const Answer seen = send({b->port(), "GET", "/api/watchlist", t});
            QVERIFY2(seen.status == 200, seen.body);
            QCOMPARE(tmdbIds(seen).size(), round + 1);
        }
        // Removed through B, gone through A.
        const Answer removed = send({b->port(), "DELETE", "/api/watchlist/movie/1000", t});
        QVERIFY2(removed.status == 200 || removed.status == 204, removed.body);
        const Answer after = send({a->port(), "GET", "/api/watchlist", t});
        QCOMPARE(tmdbIds(after), (QList<int> {1002, 1001}));
    }

    // A user deleted through A (Clerk's user.deleted delivered there) is refused by B within the
    // moment B remembers a sign-in (ClerkAuthenticator::kSharedCacheMs), and a write B makes in
    // that moment is a 401, never a 500 of the broken foreign key.
    void deletionThroughOneIsSeenByTheOther()
    {
        auto [a, b] = twoServers();
        QVERIFY(a && b);
        const QString clerkId = QStringLiteral("user_2gone");
        const QByteArray t = token(clerkId);
        QCOMPARE(send({a->port(), "POST", "/api/watchlist", t, item(11)}).status, 201);
        QCOMPARE(send({b->port(), "GET", "/api/watchlist", t}).status, 200); // B remembers it
        const QJsonObject envelope {{QStringLiteral("type"), QStringLiteral("user.deleted")},
            {QStringLiteral("object"), QStringLiteral("event")},
            {QStringLiteral("timestamp"), QDateTime::currentMSecsSinceEpoch()},
            {QStringLiteral("data"),
                QJsonObject {{QStringLiteral("id"), clerkId},
                    {QStringLiteral("object"), QStringLiteral("user")},
                    {QStringLiteral("deleted"), true}}}};
        const SignedWebhook w
            = signWebhook(m_webhookSecret, QJsonDocument(envelope).toJson(QJsonDocument::Compact),
                QDateTime::currentSecsSinceEpoch(), QByteArrayLiteral("msg_2gone"));
        const Answer deleted = send({a->port(), "POST", "/api/webhooks/clerk", {}, w.body,
            {{"svix-id", w.id}, {"svix-timestamp", w.timestamp}, {"svix-signature", w.signature}}});
        QVERIFY2(deleted.status == 200, deleted.body);
        // At once: B's write for the user who is gone.
        const Answer write = send({b->port(), "POST", "/api/watchlist", t, item(12)});
        QVERIFY2(write.status == 401, write.body);
        QElapsedTimer clock;
        clock.start();
        QTRY_COMPARE_WITH_TIMEOUT(send({b->port(), "GET", "/api/watchlist", t}).status, 401, 5000);
        QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
    }

    // A session signed out through A is refused by B within the moment B remembers it
    // (ClerkAuthenticator::kSharedCacheMs): B reads the session again, on whichever of its event
    // loops the request lands, even though its last-seen time is not due to be written.
    void signOutThroughOneIsSeenByTheOther()
    {
        auto [a, b] = twoServers();
        QVERIFY(a && b);
        const QString clerkId = QStringLiteral("user_2out");
        const QByteArray phone = m_tokens->token(clerkId, QStringLiteral("sess_phone"), 600);
        const QByteArray laptop = m_tokens->token(clerkId, QStringLiteral("sess_laptop"), 600);
        QCOMPARE(send({b->port(), "GET", "/api/watchlist", phone}).status, 200); // B remembers it
        QCOMPARE(send({a->port(), "GET", "/api/watchlist", laptop}).status, 200);
        const Answer out = send({a->port(), "DELETE", "/api/user/sessions/sess_phone", laptop});
        QVERIFY2(out.status == 200 || out.status == 204, out.body);
        QElapsedTimer clock;
        clock.start();
        QTRY_COMPARE_WITH_TIMEOUT(
            send({b->port(), "GET", "/api/watchlist", phone}).status, 403, 5000);
        QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(send({b->port(), "GET", "/api/watchlist", laptop}).status, 200);
    }

    // Svix delivers the same event to both servers (a retry landing on the other one): it is
    // applied once.
    void webhookDeliveredToBothAppliesOnce()
    {
        auto [a, b] = twoServers();
        QVERIFY(a && b);
        const QString clerkId = QStringLiteral("user_2hook");
        const QJsonObject envelope {{QStringLiteral("type"), QStringLiteral("user.created")},
            {QStringLiteral("object"), QStringLiteral("event")},
            {QStringLiteral("timestamp"), QDateTime::currentMSecsSinceEpoch()},
            {QStringLiteral("data"),
                FakeClerk::clerkUser(clerkId, QStringLiteral("hook@example.com"),
                    QStringLiteral("Hook"), QStringLiteral("Twice"), {})}};
        const QByteArray body = QJsonDocument(envelope).toJson(QJsonDocument::Compact);
        QList<Request> deliveries;
        for (int i = 0; i < 10; ++i) {
            // The same svix-id; each attempt signed anew, as Svix does.
            const SignedWebhook w = signWebhook(m_webhookSecret, body,
                QDateTime::currentSecsSinceEpoch(), QByteArrayLiteral("msg_2both"));
            deliveries.append(
                {i % 2 ? a->port() : b->port(), "POST", "/api/webhooks/clerk", {}, w.body,
                    {{"svix-id", w.id}, {"svix-timestamp", w.timestamp},
                        {"svix-signature", w.signature}}});
        }
        for (const Answer &r : sendAll(deliveries))
            QVERIFY2(r.status == 200, r.body);
        const QString db = QStringLiteral("multi_%1").arg(m_databases);
        QCOMPARE(scalar(db,
                     QStringLiteral("SELECT COUNT(*) FROM webhook_events WHERE id = 'msg_2both'")),
            qint64(1));
        QCOMPARE(
            scalar(db,
                QStringLiteral("SELECT COUNT(*) FROM users WHERE clerk_id = '%1'").arg(clerkId)),
            qint64(1));
    }

    // PostgreSQL restarts while nothing asks (a package upgrade, pg_ctl restart): the next
    // request already gets a new connection; nobody sees the old one fail.
    void restartBetweenRequestsIsInvisible()
    {
        auto [a, b] = twoServers();
        QVERIFY(a && b);
        const QByteArray t = token(QStringLiteral("user_2restart"));
        QCOMPARE(send({a->port(), "POST", "/api/watchlist", t, item(7)}).status, 201);
        m_pg->stop();
        QVERIFY2(m_pg->start(), qPrintable(m_pg->errorString()));
        QTest::qWait(200); // the server's FATAL reaches the idle connections
        for (MarqueeProcess *server : {a.get(), b.get()}) {
            const Answer r = send({server->port(), "GET", "/api/watchlist", t});
            if (r.status != 200)
                qWarning().noquote() << server->standardError().right(3000);
            QVERIFY2(r.status == 200, r.body);
            QCOMPARE(tmdbIds(r), QList<int> {7});
        }
    }

    // PostgreSQL stops under a running server: what needs the database answers 503
    // SERVICE_UNAVAILABLE, /health says the database is down (503), titles in memory are still
    // served; PostgreSQL comes back and so does the service, without restarting Marquee. Last:
    // it restarts the cluster the other tests use.
    void databaseGoesAwayAndComesBack()
    {
        auto [a, b] = twoServers();
        QVERIFY(a && b);
        const QByteArray t = token(QStringLiteral("user_2loss"));
        QCOMPARE(send({a->port(), "POST", "/api/watchlist", t, item(550)}).status, 201);
        QCOMPARE(send({a->port(), "GET", "/api/movies/550"}).status, 200); // in A's memory

        m_pg->stop();
        // A burst of list requests during the outage: every one answers, 503 in the envelope.
        QList<Request> during;
        for (int i = 0; i < 10; ++i)
            during.append({a->port(), "GET", "/api/watchlist", t});
        for (const Answer &r : sendAll(during, 15000)) {
            if (r.status != 503)
                qWarning().noquote() << a->standardError().right(4000);
            QVERIFY2(r.status == 503, r.body);
            QCOMPARE(r.code(), QStringLiteral("SERVICE_UNAVAILABLE"));
        }
        const Answer health = send({a->port(), "GET", "/health"});
        QVERIFY2(health.status == 503, health.body);
        QCOMPARE(health.json()
                     .value(QLatin1String("data"))
                     .toObject()
                     .value(QLatin1String("database"))
                     .toString(),
            QStringLiteral("down"));
        const Answer cached = send({a->port(), "GET", "/api/movies/550"});
        QVERIFY2(cached.status == 200, cached.body);

        QVERIFY2(m_pg->start(), qPrintable(m_pg->errorString()));
        QElapsedTimer back;
        back.start();
        for (MarqueeProcess *server : {a.get(), b.get()}) {
            QTRY_VERIFY_WITH_TIMEOUT(
                send({server->port(), "GET", "/api/watchlist", t}).status == 200, 10000);
            QTRY_VERIFY_WITH_TIMEOUT(send({server->port(), "GET", "/health"}).status == 200, 10000);
        }
        qInfo("service back %lld ms after PostgreSQL", qint64(back.elapsed()));
        QCOMPARE(tmdbIds(send({b->port(), "GET", "/api/watchlist", t})),
            QList<int> {550}); // the data survived
        for (MarqueeProcess *server : {a.get(), b.get()}) {
            QVERIFY(server->terminate());
            QCOMPARE(server->process().exitCode(), 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestMultiServer)
#include "tst_multiserver.moc"
