// The `marquee` executable on a real PostgreSQL 15: every command and the server work,
// and the server's notices ("table ... does not exist, skipping") go through the logger, so a
// production log stays JSON lines; nothing raw reaches stderr.
#include "log/categories.h"
#include "store/database.h"
#include "store/liststore.h"
#include "store/migrations.h"
#include "store/userstore.h"
#include "support/httpclient.h"
#include "support/marqueeprocess.h"
#include "support/pgcluster.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace marquee::test;

namespace {

struct Captured
{
    QtMsgType type;
    QString category;
    QString message;
};
QList<Captured> g_captured;

void capture(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    g_captured.append({type, QString::fromLatin1(context.category), message});
}

} // namespace

class TestPostgres : public QObject
{
    Q_OBJECT

    PgCluster m_pg;
    QTemporaryDir m_home;
    int m_databases = 0;

    // A new empty database; its URL.
    QString freshDatabase()
    {
        const QString name = QStringLiteral("marquee_test_%1").arg(++m_databases);
        if (!m_pg.createDatabase(name))
            return {};
        return m_pg.url(name);
    }

    // A fresh PostgreSQL database, opened in this process with the current schema: the stores
    // run on it directly (the HTTP tests run the same statements on SQLite). Null, with the test
    // failed, when that did not work.
    std::unique_ptr<marquee::Database> migratedDatabase()
    {
        using namespace marquee;
        const QString url = freshDatabase();
        if (url.isEmpty()) {
            QTest::qFail(qPrintable(m_pg.errorString()), __FILE__, __LINE__);
            return nullptr;
        }
        QString error;
        const auto parsed = DatabaseUrl::parse(url, &error);
        if (!parsed) {
            QTest::qFail(qPrintable(error), __FILE__, __LINE__);
            return nullptr;
        }
        auto db = std::make_unique<Database>(*parsed);
        try {
            db->open();
            Migrator(*db).apply();
        } catch (const StoreError &e) {
            QTest::qFail(qPrintable(e.message()), __FILE__, __LINE__);
            return nullptr;
        }
        return db;
    }

    QProcessEnvironment environment(const QString &url, const QHash<QString, QString> &vars = {})
    {
        QHash<QString, QString> all {{"DATABASE_URL", url}, {"NODE_ENV", "production"}};
        for (auto it = vars.begin(); it != vars.end(); ++it)
            all.insert(it.key(), it.value());
        return MarqueeProcess::cleanEnvironment(m_home.path(), all);
    }

    MarqueeProcess::Result run(
        const QStringList &args, const QString &url, const QHash<QString, QString> &vars = {})
    {
        return MarqueeProcess::run(args, environment(url, vars), m_home.path());
    }

    // The production log: every stderr line one JSON object, nothing raw from libpq.
    static QList<QJsonObject> jsonLines(const QString &err, QString *problem)
    {
        QList<QJsonObject> out;
        const QStringList lines = err.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        for (const QString &line : lines) {
            QJsonParseError parse;
            const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8(), &parse);
            if (parse.error != QJsonParseError::NoError || !doc.isObject()) {
                *problem = QStringLiteral("a stderr line is not a JSON object: \"%1\"\nall of "
                                          "stderr:\n%2")
                               .arg(line, err);
                return out;
            }
            out.append(doc.object());
        }
        return out;
    }

#define VERIFY_JSON_LOG(err)                                                                       \
    do {                                                                                           \
        QString problem_;                                                                          \
        jsonLines((err), &problem_);                                                               \
        QVERIFY2(problem_.isEmpty(), qPrintable(problem_));                                        \
    } while (false)

#define VERIFY_EXIT(result, code)                                                                  \
    QVERIFY2((result).exitCode == (code),                                                          \
        qPrintable(QStringLiteral("exit code %1, expected %2\nstdout:\n%3\nstderr:\n%4")           \
                       .arg((result).exitCode)                                                     \
                       .arg(code)                                                                  \
                       .arg((result).out, (result).err)))

    static QStringList args(const char *line)
    {
        return QString::fromLatin1(line).split(QLatin1Char(' '));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        QVERIFY2(m_pg.start(), qPrintable(m_pg.errorString()));
    }

    // The commands a deployment script runs, each on stderr only JSON lines.
    void commandsLogJsonLinesOnly()
    {
        const QString url = freshDatabase();
        QVERIFY2(!url.isEmpty(), qPrintable(m_pg.errorString()));

        // An empty database: the read-only commands say it needs migrating and leave it alone.
        const auto status0 = run(args("migrate status"), url);
        VERIFY_EXIT(status0, 1);
        QVERIFY2(status0.out.contains(QLatin1String("pending")), qPrintable(status0.out));
        VERIFY_JSON_LOG(status0.err);
        const auto users0 = run(args("users list"), url);
        VERIFY_EXIT(users0, 1);
        QVERIFY2(users0.err.contains(QLatin1String("marquee migrate")), qPrintable(users0.err));
        QVERIFY2(!users0.err.contains(QLatin1String("NOTICE")), qPrintable(users0.err));
        QString exists;
        QVERIFY2(m_pg.psql(url.section(QLatin1Char('/'), -1),
                     QStringLiteral("SELECT to_regclass('schema_migrations') IS NULL"), &exists),
            qPrintable(m_pg.errorString()));
        QCOMPARE(exists, QStringLiteral("t")); // not created by a read-only command

        const auto first = run(args("migrate"), url);
        VERIFY_EXIT(first, 0);
        // Every migration this build knows, on a new database.
        QVERIFY2(
            first.out.contains(
                QStringLiteral("applied %1 migration(s)").arg(marquee::Migrator::latestVersion())),
            qPrintable(first.out));
        VERIFY_JSON_LOG(first.err);

        // The notice of issue 8 came from here: schema_migrations already exists.
        const auto second = run(args("migrate"), url);
        VERIFY_EXIT(second, 0);
        QVERIFY2(second.out.contains(QLatin1String("up to date")), qPrintable(second.out));
        VERIFY_JSON_LOG(second.err);

        const auto status = run(args("migrate status"), url);
        VERIFY_EXIT(status, 0);
        QVERIFY2(status.out.contains(QLatin1String("applied")), qPrintable(status.out));
        QVERIFY2(!status.out.contains(QLatin1String("pending")), qPrintable(status.out));
        QVERIFY2(status.out.contains(QLatin1String("postgresql://marquee@127.0.0.1:")),
            qPrintable(status.out));
        VERIFY_JSON_LOG(status.err);

        const auto stats = run(args("cache stats"), url);
        VERIFY_EXIT(stats, 0);
        QVERIFY2(stats.out.contains(QLatin1String("total")), qPrintable(stats.out));
        VERIFY_JSON_LOG(stats.err);

        const auto users = run(args("users list"), url);
        VERIFY_EXIT(users, 0);
        QVERIFY2(users.out.contains(QLatin1String("0 user(s)")), qPrintable(users.out));
        VERIFY_JSON_LOG(users.err);

        // On a database with the schema in place, then again.
        for (int i = 0; i < 2; ++i) {
            const auto reset = run(args("db reset --yes"), url);
            VERIFY_EXIT(reset, 0);
            QVERIFY2(reset.out.contains(QLatin1String("reset")), qPrintable(reset.out));
            VERIFY_JSON_LOG(reset.err);
        }
    }

    // `cache stats | prune | clear` on PostgreSQL, over rows as servers write them (bytea
    // bodies): two fresh entries and one expired; prune takes the expired one, clear the rest.
    void cacheCommandsOnPostgres()
    {
        const QString url = freshDatabase();
        QVERIFY2(!url.isEmpty(), qPrintable(m_pg.errorString()));
        VERIFY_EXIT(run(args("migrate"), url), 0);
        const QString db = url.section(QLatin1Char('/'), -1);
        const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
        QVERIFY2(m_pg.psql(db,
                     QStringLiteral(
                         "INSERT INTO content_cache (cache_key, category, status, body, etag, "
                         "fetched_at, expires_at, size_bytes) VALUES "
                         "('movie:1', 'movie', 200, '\\x7b7d'::bytea, 'e1', %1, %2, 2), "
                         "('movie:2', 'movie', 200, '\\x7b7d'::bytea, 'e2', %1, %2, 2), "
                         "('list:1', 'list', 200, '\\x5b5d'::bytea, 'e3', %1, %3, 2)")
                         .arg(nowMs)
                         .arg(nowMs + 3600000)
                         .arg(nowMs - 1000)),
            qPrintable(m_pg.errorString()));
        const auto stats = run(args("cache stats"), url, {{"TMDB_API_KEY", "0123456789abcdef"}});
        VERIFY_EXIT(stats, 0);
        static const QRegularExpression total(QStringLiteral("total\\s+3\\s+6\\s+1"));
        QVERIFY2(total.match(stats.out).hasMatch(), qPrintable(stats.out));
        const auto pruned = run(args("cache prune"), url);
        VERIFY_EXIT(pruned, 0);
        QVERIFY2(pruned.out.contains(QLatin1String("removed 1 expired")), qPrintable(pruned.out));
        const auto cleared = run(args("cache clear"), url);
        VERIFY_EXIT(cleared, 0);
        QVERIFY2(cleared.out.contains(QLatin1String("removed 2 cache entries")),
            qPrintable(cleared.out));
        QString left;
        QVERIFY(m_pg.psql(db, QStringLiteral("SELECT COUNT(*) FROM content_cache"), &left));
        QCOMPARE(left.trimmed(), QStringLiteral("0"));
        VERIFY_JSON_LOG(stats.err + pruned.err + cleared.err);
    }

    // DROP TABLE IF EXISTS on tables that are not there: PostgreSQL raises a NOTICE per table.
    void dbResetOnAnEmptyDatabase()
    {
        const QString url = freshDatabase();
        QVERIFY2(!url.isEmpty(), qPrintable(m_pg.errorString()));
        const auto reset = run(args("db reset --yes"), url);
        VERIFY_EXIT(reset, 0);
        VERIFY_JSON_LOG(reset.err);
        QVERIFY2(!reset.err.contains(QLatin1String("does not exist")), qPrintable(reset.err));
        const auto status = run(args("migrate status"), url);
        VERIFY_EXIT(status, 0);
        VERIFY_JSON_LOG(status.err);
    }

    // The notices are routed, not just suppressed: at LOG_LEVEL=debug they are log lines.
    void noticesReachTheLogAtDebug()
    {
        const QString url = freshDatabase();
        QVERIFY2(!url.isEmpty(), qPrintable(m_pg.errorString()));
        const auto reset = run(args("db reset --yes"), url, {{"LOG_LEVEL", "debug"}});
        VERIFY_EXIT(reset, 0);
        QString problem;
        const QList<QJsonObject> lines = jsonLines(reset.err, &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        int notices = 0;
        for (const QJsonObject &line : lines) {
            const QString msg = line.value(QLatin1String("msg")).toString();
            if (!msg.contains(QLatin1String("PostgreSQL:")))
                continue;
            ++notices;
            QCOMPARE(line.value(QLatin1String("level")).toString(), QStringLiteral("debug"));
            QCOMPARE(
                line.value(QLatin1String("category")).toString(), QStringLiteral("marquee.store"));
            QVERIFY2(msg.startsWith(QLatin1String("PostgreSQL: NOTICE:")), qPrintable(msg));
            QVERIFY2(msg.contains(QLatin1String("does not exist, skipping")), qPrintable(msg));
        }
        QVERIFY2(notices > 0,
            qPrintable(
                QStringLiteral("no PostgreSQL notice in the debug log:\n%1").arg(reset.err)));
    }

    // In-process, on the Database class: a NOTICE is a debug line, a WARNING a warning, both in
    // the store's category.
    void noticeSeverityMapsToLogLevel()
    {
        const QString url = freshDatabase();
        QVERIFY2(!url.isEmpty(), qPrintable(m_pg.errorString()));
        QString error;
        const auto parsed = marquee::DatabaseUrl::parse(url, &error);
        QVERIFY2(parsed, qPrintable(error));
        marquee::Database db(*parsed);
        QVERIFY_THROWS_NO_EXCEPTION(db.open());
        QLoggingCategory::setFilterRules(QStringLiteral("marquee.store.debug=true"));
        g_captured.clear();
        const QtMessageHandler previous = qInstallMessageHandler(capture);
        QSqlQuery q(db.connection());
        const bool ok = q.exec(QStringLiteral("DO $$ BEGIN RAISE NOTICE 'quiet remark'; "
                                              "RAISE WARNING 'loud remark'; END $$"));
        qInstallMessageHandler(previous);
        QLoggingCategory::setFilterRules(QString());
        QVERIFY2(ok, qPrintable(q.lastError().text()));
        db.close();
        const QString store = QString::fromLatin1(marquee::lcStore().categoryName());
        QList<Captured> seen;
        for (const Captured &c : std::as_const(g_captured)) {
            if (c.category == store && c.message.startsWith(QLatin1String("PostgreSQL:")))
                seen.append(c);
        }
        QCOMPARE(seen.size(), 2);
        QCOMPARE(seen[0].type, QtDebugMsg);
        QCOMPARE(seen[0].message, QStringLiteral("PostgreSQL: NOTICE:  quiet remark"));
        QCOMPARE(seen[1].type, QtWarningMsg);
        QCOMPARE(seen[1].message, QStringLiteral("PostgreSQL: WARNING:  loud remark"));
    }

    // The statements behind Clerk deletions, profile versions and session events in
    // PostgreSQL's dialect (the HTTP tests run them on SQLite).
    void clerkDeletionsAndVersions()
    {
        using namespace marquee;
        const auto owned = migratedDatabase();
        QVERIFY(owned);
        Database &db = *owned;
        UserStore users(db);
        const QString alice = QStringLiteral("user_2alice");
        bool created = false;
        bool deleted = false;
        const auto first = users.ensureUser(alice, 1000, &created, &deleted);
        QVERIFY(first);
        QVERIFY(created && !deleted);

        ClerkProfile p;
        p.clerkId = alice;
        p.lastName = QStringLiteral("New");
        p.updatedAt = 2000;
        QVERIFY(users.applyClerkProfile(p, 1100, true) == ProfileWrite::Applied);
        p.lastName = QStringLiteral("Old");
        p.updatedAt = 1500;
        QVERIFY(users.applyClerkProfile(p, 1200, true) == ProfileWrite::Stale);
        QCOMPARE(users.findByClerkId(alice)->lastName, QStringLiteral("New"));

        QVERIFY(users.revokeSessionFromClerk(QStringLiteral("sess_a"), alice, 3000)
            == SessionEnd::Revoked);
        const auto session = users.touchSession(QStringLiteral("sess_a"), first->id, {}, {}, 3100);
        QVERIFY(session);
        QCOMPARE(session->revokedAt, 3000);
        QVERIFY(users.revokeSessionFromClerk(
                    QStringLiteral("sess_a"), QStringLiteral("user_2bob"), 3200)
            == SessionEnd::OtherUser);
        QVERIFY(users.revokeSessionFromClerk(QStringLiteral("sess_none"), {}, 3300)
            == SessionEnd::UnknownSession);

        QVERIFY_THROWS_NO_EXCEPTION(
            users.recordClerkDeletion(alice, 5000, QStringLiteral("msg_1"), 6000));
        QVERIFY(!users.findByClerkId(alice));
        QVERIFY(!users.ensureUser(alice, 7000, &created, &deleted));
        QVERIFY(deleted);
        p.updatedAt = 5000;
        QVERIFY(users.applyClerkProfile(p, 7100, true) == ProfileWrite::Deleted);
        QVERIFY(users.revokeSessionFromClerk(QStringLiteral("sess_b"), alice, 7200)
            == SessionEnd::Deleted);
        QVERIFY_THROWS_NO_EXCEPTION(
            users.recordClerkDeletion(alice, 4000, QStringLiteral("msg_0"), 7300));
        QCOMPARE(users.deletion(alice)->deletedAt, 5000); // the later deletion is kept
        QCOMPARE(users.forgetClerkDeletion(alice), true);
        QCOMPARE(users.forgetClerkDeletion(alice), false);
        QVERIFY(users.ensureUser(alice, 8000, &created, &deleted));
        QVERIFY(created && !deleted);

        // A profile newer than a deletion brings the user back and forgets the deletion.
        QVERIFY_THROWS_NO_EXCEPTION(
            users.recordClerkDeletion(alice, 9000, QStringLiteral("msg_2"), 9000));
        p.updatedAt = 9500;
        QVERIFY(users.applyClerkProfile(p, 9600, true) == ProfileWrite::Applied);
        QVERIFY(!users.deletion(alice));
        QCOMPARE(users.findByClerkId(alice)->lastName, QStringLiteral("Old"));
        db.close();
    }

    // The admin window's store statements in PostgreSQL's dialect (tst_adminparts runs them on
    // SQLite): the user search's escaped LIKE, sign-out everywhere, the list totals, the size.
    void adminStatementsOnPostgres()
    {
        using namespace marquee;
        const auto owned = migratedDatabase();
        QVERIFY(owned);
        Database &db = *owned;
        UserStore users(db);
        const QList<std::pair<QString, QString>> people {{"user_2pct", "100%off@example.com"},
            {"user_2pctx", "100xoff@example.com"}, {"user_2under", "a_b@example.com"},
            {"user_2underx", "axb@example.com"}, {"user_2slash", "back\\slash@example.com"},
            {"user_2slashx", "backslash@example.com"}, {"user_2elodie", "Élodie@example.com"}};
        qint64 at = 1000;
        for (const auto &[clerkId, email] : people) {
            QVERIFY(users.ensureUser(clerkId, ++at));
            ClerkProfile p;
            p.clerkId = clerkId;
            p.email = email;
            QVERIFY(users.applyClerkProfile(p, at, false) == ProfileWrite::Applied);
        }
        const auto find = [&users](const QString &filter) {
            qint64 total = -1;
            QStringList ids;
            for (const UserSummary &u : users.findUsers(filter, 0, 100, &total))
                ids << u.user.clerkId;
            return total == ids.size() ? ids : QStringList {QStringLiteral("total differs")};
        };
        QCOMPARE(find(QStringLiteral("100%")), QStringList {"user_2pct"});
        QCOMPARE(find(QStringLiteral("A_B")), QStringList {"user_2under"});
        QCOMPARE(find(QStringLiteral("k\\s")), QStringList {"user_2slash"});
        QCOMPARE(find(QStringLiteral("Élodie")), QStringList {"user_2elodie"});
        QCOMPARE(find(QStringLiteral("ÉLODIE@")), QStringList {"user_2elodie"});
        QCOMPARE(find(QStringLiteral("USER_2PCT")), (QStringList {"user_2pct", "user_2pctx"}));
        qint64 total = -1;
        QCOMPARE(users.findUsers(QStringLiteral("@example"), 5, 10, &total).size(), 2);
        QCOMPARE(total, 7);

        const qint64 pct = users.findByClerkId(QStringLiteral("user_2pct"))->id;
        for (const char *sid : {"sess_1", "sess_2", "sess_3"})
            QVERIFY(users.touchSession(QLatin1String(sid), pct, {}, {}, 2000));
        QVERIFY(users.revokeSession(pct, QStringLiteral("sess_3"), 2100));
        QStringList revoked = users.revokeAllSessions(pct, 2200);
        revoked.sort();
        QCOMPARE(revoked, (QStringList {"sess_1", "sess_2"}));
        QVERIFY(users.revokeAllSessions(pct, 2300).isEmpty());
        QCOMPARE(users.findUsers(QStringLiteral("100%"), 0, 1, &total).first().activeSessions, 0);
        QCOMPARE(users.listItemTotals().watchlist, 0);
        QVERIFY(db.sizeBytes() > 0);
        db.close();
    }

    // The export's keyset read (ListStore::listAddedAfter) on PostgreSQL: oldest first, ties on
    // addedAt broken by id, each row once across slices, another user's rows never.
    void listKeysetPagingOnPostgres()
    {
        using namespace marquee;
        const auto owned = migratedDatabase();
        QVERIFY(owned);
        Database &db = *owned;
        UserStore users(db);
        bool created = false;
        bool deleted = false;
        const auto alice
            = users.ensureUser(QStringLiteral("user_2alice"), 1000, &created, &deleted);
        const auto bob = users.ensureUser(QStringLiteral("user_2bob"), 1000, &created, &deleted);
        QVERIFY(alice && bob);
        for (int i = 0; i < 25; ++i) {
            for (const qint64 owner : {alice->id, bob->id}) {
                QSqlQuery q(db.connection());
                q.prepare(QStringLiteral("INSERT INTO favorites (user_id, content_type, tmdb_id, "
                                         "title, added_at) VALUES (?, 'movie', ?, ?, ?)"));
                q.addBindValue(owner);
                q.addBindValue(100 + i);
                q.addBindValue(QStringLiteral("T%1").arg(i));
                q.addBindValue(qint64(5000 + i / 10)); // ten rows share each addedAt
                QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            }
        }
        ListStore lists(db);
        QList<qint64> tmdbIds;
        qint64 afterAddedAt = 0;
        qint64 afterId = 0;
        for (int slice = 0; slice < 10; ++slice) {
            const QList<ListItem> rows
                = lists.listAddedAfter(ListKind::Favorites, alice->id, afterAddedAt, afterId, 4);
            for (const ListItem &item : rows)
                tmdbIds << item.tmdbId;
            if (rows.size() < 4)
                break;
            afterAddedAt = rows.constLast().addedAt;
            afterId = rows.constLast().id;
        }
        QCOMPARE(tmdbIds.size(), 25);
        for (int i = 0; i < 25; ++i)
            QCOMPARE(tmdbIds.at(i), qint64(100 + i));
        db.close();
    }

    // The URL forms Prisma users have, against the real server: a schema of Marquee's own
    // (made when missing, the tables in it and not in public), the Unix socket, sslmode, a
    // connection timeout.
    void urlForms()
    {
        const QString url = freshDatabase();
        QVERIFY2(!url.isEmpty(), qPrintable(m_pg.errorString()));
        const QString db = url.section(QLatin1Char('/'), -1);
        const QString socketUrl = QStringLiteral("postgresql://%1@/%2?host=%3&port=%4")
                                      .arg(m_pg.user(), db, m_pg.socketDir())
                                      .arg(m_pg.port());
        for (const QString &form : {url + QStringLiteral("?schema=marquee_app&sslmode=disable"),
                 socketUrl + QStringLiteral("&schema=marquee_app&connect_timeout=3"),
                 url + QStringLiteral("?schema=marquee_app&sslmode=prefer&connection_limit=5")}) {
            const auto migrated = run({QStringLiteral("migrate")}, form);
            VERIFY_EXIT(migrated, 0);
            const auto status = run(args("migrate status"), form);
            VERIFY_EXIT(status, 0);
            QVERIFY2(
                status.out.contains(QLatin1String("schema=marquee_app")), qPrintable(status.out));
        }
        QString tables;
        QVERIFY2(m_pg.psql(db,
                     QStringLiteral("SELECT table_schema || '.' || table_name FROM "
                                    "information_schema.tables WHERE table_name IN ('users', "
                                    "'watchlist') ORDER BY 1"),
                     &tables),
            qPrintable(m_pg.errorString()));
        QCOMPARE(tables.trimmed().split(QLatin1Char('\n')),
            QStringList(
                {QStringLiteral("marquee_app.users"), QStringLiteral("marquee_app.watchlist")}));
        // The server on that schema.
        MarqueeProcess server;
        QVERIFY2(server.start(environment(socketUrl + QStringLiteral("&schema=marquee_app"),
                                  {{"PORT", "0"}}),
                     m_home.path()),
            qPrintable(server.errorString()));
        QCOMPARE(HttpClient(server.port()).get("/health").status, 200);
        QVERIFY(server.terminate());
    }

    // What stops a start: one line naming the database (never its password) and the reason,
    // exit code 2.
    void startUpFailuresAreOneClearLine_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expected");
        const QString secret = QStringLiteral("s3cret%40pw");
        QTest::newRow("refused")
            << QStringLiteral("postgresql://marquee:%1@127.0.0.1:1/x").arg(secret)
            << "is PostgreSQL running";
        QTest::newRow("no socket")
            << QStringLiteral("postgresql://marquee:%1@/x?host=/nonexistent/socket").arg(secret)
            << "is PostgreSQL running";
        QTest::newRow("unknown role")
            << QStringLiteral("postgresql://nobody:%1@127.0.0.1:%2/postgres")
                   .arg(secret)
                   .arg(m_pg.port())
            << "check the user name and password";
        QTest::newRow("no database")
            << QStringLiteral("postgresql://marquee:%1@127.0.0.1:%2/missing_db")
                   .arg(secret)
                   .arg(m_pg.port())
            << "create it first";
        QTest::newRow("ssl required, server has none")
            << QStringLiteral("postgresql://marquee:%1@127.0.0.1:%2/postgres?sslmode=require")
                   .arg(secret)
                   .arg(m_pg.port())
            << "SSL";
        QTest::newRow("unknown parameter")
            << QStringLiteral("postgresql://marquee:%1@127.0.0.1/x?pool=3").arg(secret)
            << "unknown parameter pool";
    }
    void startUpFailuresAreOneClearLine()
    {
        QFETCH(QString, url);
        QFETCH(QString, expected);
        for (const QStringList &command :
            {QStringList {QStringLiteral("--headless")}, args("migrate")}) {
            const auto r = MarqueeProcess::run(command,
                MarqueeProcess::cleanEnvironment(
                    m_home.path(), {{"DATABASE_URL", url}, {"PORT", "0"}}),
                m_home.path());
            VERIFY_EXIT(r, 2);
            const QString all = r.out + r.err;
            QVERIFY2(all.contains(expected), qPrintable(all));
            QVERIFY2(!all.contains(QLatin1String("s3cret")), qPrintable(all));
            const QStringList lines
                = r.err.split(QLatin1Char('\n'), Qt::SkipEmptyParts)
                      .filter(QRegularExpression(QStringLiteral("DATABASE_URL|database")));
            QVERIFY2(!lines.isEmpty(), qPrintable(r.err));
        }
    }

    // The server: start-up migration, /health on PostgreSQL, SIGTERM; then a restart on the
    // migrated database (where the old CREATE TABLE IF NOT EXISTS raised its notice).
    void serverOnPostgres()
    {
        const QString url = freshDatabase();
        QVERIFY2(!url.isEmpty(), qPrintable(m_pg.errorString()));
        for (int round = 0; round < 2; ++round) {
            MarqueeProcess server;
            QVERIFY2(server.start(environment(url, {{"PORT", "0"}}), m_home.path()),
                qPrintable(server.errorString()));
            HttpClient client(server.port());
            const HttpReply health = client.get("/health");
            QVERIFY2(health.status == 200, health.body.constData());
            const QJsonObject data = health.json().value(QLatin1String("data")).toObject();
            QCOMPARE(data.value(QLatin1String("database")).toString(), QStringLiteral("ok"));
            QVERIFY(server.terminate());
            QCOMPARE(server.process().exitStatus(), QProcess::NormalExit);
            QCOMPARE(server.process().exitCode(), 0);
            const QString err = server.standardError();
            QVERIFY2(err.contains(QLatin1String("stopped")), qPrintable(err));
            VERIFY_JSON_LOG(err);
        }
    }
};

QTEST_GUILESS_MAIN(TestPostgres)
#include "tst_postgres.moc"
