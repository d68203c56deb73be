// Storage: opening SQLite, versioned migrations, the schema's constraints.
#include "store/database.h"
#include "store/migrations.h"
#include "support/testdatabase.h"

#include <QDateTime>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace marquee;

class TestMigrations : public QObject
{
    Q_OBJECT

    test::TestDatabases m_databases; // SQLite, or PostgreSQL in tst_migrations_postgresql

    DatabaseUrl freshUrl() { return m_databases.freshUrl(); }

    // The tables ("table") or indexes ("index") of the database, by name.
    static QStringList names(Database &db, const char *type)
    {
        QSqlQuery q(db.connection());
        if (db.dialect() == SqlDialect::Postgres)
            q.exec(qstrcmp(type, "table") == 0
                    ? QStringLiteral("SELECT tablename FROM pg_tables WHERE schemaname = "
                                     "current_schema() ORDER BY 1")
                    : QStringLiteral("SELECT indexname FROM pg_indexes WHERE schemaname = "
                                     "current_schema() ORDER BY 1"));
        else
            q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = '%1' AND name NOT "
                                  "LIKE 'sqlite_%' ORDER BY name")
                       .arg(QLatin1String(type)));
        QStringList out;
        while (q.next())
            out << q.value(0).toString();
        return out;
    }

    static bool exec(Database &db, const QString &sql)
    {
        QSqlQuery q(db.connection());
        return q.exec(sql);
    }

private slots:
    void freshDatabaseGetsFullSchema()
    {
        Database db(freshUrl());
        QVERIFY_THROWS_NO_EXCEPTION(db.open());
        if (db.dialect() == SqlDialect::Sqlite)
            QVERIFY(QFile::exists(db.url().path)); // folder created
        int applied = -1;
        QVERIFY_THROWS_NO_EXCEPTION(applied = Migrator(db).apply());
        QCOMPARE(applied, Migrator::latestVersion());
        const QStringList tables = names(db, "table");
        for (const char *t : {"users", "sessions", "watchlist", "favorites", "content_cache",
                 "webhook_events", "deleted_users", "cache_counters", "schema_migrations"})
            QVERIFY2(tables.contains(QLatin1String(t)), t);
        const QStringList indexes = names(db, "index");
        for (const char *i : {"idx_users_email", "idx_watchlist_user_added",
                 "idx_favorites_user_added", "idx_content_cache_expires", "idx_sessions_user"})
            QVERIFY2(indexes.contains(QLatin1String(i)), i);
        QCOMPARE(Migrator(db).currentVersion(), Migrator::latestVersion());
        QSqlQuery q(db.connection());
        if (db.dialect() == SqlDialect::Sqlite) {
            QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        } else {
            // PostgreSQL's own types: 64-bit ids and times, bytea bodies, double ratings.
            QVERIFY(q.exec(QStringLiteral(
                "SELECT table_name || '.' || column_name || ' ' || data_type FROM "
                "information_schema.columns WHERE table_schema = current_schema()")));
            QStringList columns;
            while (q.next())
                columns << q.value(0).toString();
            for (const char *c :
                {"users.id bigint", "watchlist.added_at bigint", "watchlist.tmdb_id bigint",
                    "content_cache.body bytea", "favorites.vote_average double precision"})
                QVERIFY2(columns.contains(QLatin1String(c)), c);
        }
    }

    void alreadyMigratedDatabaseIsLeftAlone()
    {
        const DatabaseUrl url = freshUrl();
        {
            Database db(url);
            QVERIFY_THROWS_NO_EXCEPTION(db.open());
            QVERIFY_THROWS_NO_EXCEPTION(Migrator(db).apply());
            QVERIFY(exec(db,
                QStringLiteral("INSERT INTO users (clerk_id, created_at, updated_at) VALUES "
                               "('user_1', 1, 1)")));
        }
        Database db(url);
        QVERIFY_THROWS_NO_EXCEPTION(db.open());
        int applied = -1;
        QVERIFY_THROWS_NO_EXCEPTION(applied = Migrator(db).apply());
        QCOMPARE(applied, 0);
        QSqlQuery q(db.connection());
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM users")) && q.next());
        QCOMPARE(q.value(0).toInt(), 1); // data kept
        const auto status = Migrator(db).status();
        QCOMPARE(status.size(), Migrator::latestVersion());
        for (const auto &m : status)
            QVERIFY(m.appliedAt > 0);
    }

    // Migration 2 (issue 9: Clerk deletions and profile versions) on a database of version 1
    // with users in it: the users stay, with no profile version yet.
    void version1DatabaseIsUpgraded()
    {
        Database db(freshUrl());
        QVERIFY_THROWS_NO_EXCEPTION(db.open());
        QVERIFY_THROWS_NO_EXCEPTION(Migrator(db).apply());
        // Back to version 1, as a database made by an older Marquee is.
        QVERIFY(exec(db, QStringLiteral("DROP TABLE cache_counters")));
        QVERIFY(exec(db, QStringLiteral("DROP TABLE deleted_users")));
        QVERIFY(exec(db, QStringLiteral("ALTER TABLE users DROP COLUMN clerk_updated_at")));
        QVERIFY(exec(db, QStringLiteral("DELETE FROM schema_migrations WHERE version > 1")));
        QVERIFY(exec(db,
            QStringLiteral("INSERT INTO users (clerk_id, email, created_at, updated_at) VALUES "
                           "('user_old', 'old@example.com', 1, 1)")));
        QCOMPARE(Migrator(db).currentVersion(), 1);

        int applied = -1;
        QVERIFY_THROWS_NO_EXCEPTION(applied = Migrator(db).apply());
        QCOMPARE(applied, Migrator::latestVersion() - 1);
        QSqlQuery q(db.connection());
        QVERIFY(q.exec(QStringLiteral("SELECT email, clerk_updated_at FROM users WHERE clerk_id = "
                                      "'user_old'"))
            && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("old@example.com"));
        QVERIFY(q.value(1).isNull());
        QVERIFY(exec(db,
            QStringLiteral("INSERT INTO deleted_users (clerk_id, deleted_at, recorded_at) VALUES "
                           "('user_gone', 5, 6)")));
        QVERIFY(!exec(db,
            QStringLiteral("INSERT INTO deleted_users (clerk_id, deleted_at, recorded_at) VALUES "
                           "('user_gone', 7, 8)"))); // one row per Clerk id
    }

    void newerSchemaIsRefused()
    {
        Database db(freshUrl());
        QVERIFY_THROWS_NO_EXCEPTION(db.open());
        QVERIFY_THROWS_NO_EXCEPTION(Migrator(db).apply());
        QVERIFY(exec(db,
            QStringLiteral("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, "
                           "'future', 1)")));
        try {
            Migrator(db).apply();
            QFAIL("a newer schema was migrated");
        } catch (const StoreError &e) {
            QCOMPARE(e.kind(), StoreError::Kind::Incompatible);
            QVERIFY2(e.message().contains(QLatin1String("newer")), qPrintable(e.message()));
        }
    }

    void listKeysAreUserTypeAndTmdbId()
    {
        Database db(freshUrl());
        QVERIFY_THROWS_NO_EXCEPTION(db.open());
        QVERIFY_THROWS_NO_EXCEPTION(Migrator(db).apply());
        QVERIFY(exec(db,
            QStringLiteral("INSERT INTO users (id, clerk_id, created_at, updated_at) VALUES (1, "
                           "'user_a', 1, 1), (2, 'user_b', 1, 1)")));
        const QString insert
            = QStringLiteral("INSERT INTO watchlist (user_id, content_type, tmdb_id, title, "
                             "added_at) VALUES (%1, '%2', %3, 't', 1)");
        QVERIFY(exec(db, insert.arg(1).arg("movie").arg(550)));
        QVERIFY(!exec(db, insert.arg(1).arg("movie").arg(550))); // duplicate
        QVERIFY(exec(db, insert.arg(1).arg("tv").arg(550))); // same id, other type
        QVERIFY(exec(db, insert.arg(2).arg("movie").arg(550))); // other user
        QVERIFY(!exec(db, insert.arg(1).arg("person").arg(551))); // content type checked
        QVERIFY(!exec(db, insert.arg(3).arg("movie").arg(552))); // foreign key enforced
        // Deleting a user removes everything of theirs.
        QVERIFY(exec(db,
            QStringLiteral("INSERT INTO sessions (id, user_id, created_at, last_seen_at) VALUES "
                           "('sess_1', 1, 1, 1)")));
        QVERIFY(exec(db,
            QStringLiteral("INSERT INTO favorites (user_id, content_type, tmdb_id, title, "
                           "added_at) VALUES (1, 'movie', 1, 'x', 1)")));
        QVERIFY(exec(db, QStringLiteral("DELETE FROM users WHERE id = 1")));
        for (const char *t : {"watchlist", "favorites", "sessions"}) {
            QSqlQuery q(db.connection());
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM %1 WHERE user_id = 1")
                               .arg(QLatin1String(t)))
                && q.next());
            QCOMPARE(q.value(0).toInt(), 0);
        }
    }

    void listQueriesUseTheIndex()
    {
        Database db(freshUrl());
        QVERIFY_THROWS_NO_EXCEPTION(db.open());
        QVERIFY_THROWS_NO_EXCEPTION(Migrator(db).apply());
        QSqlQuery q(db.connection());
        if (db.dialect() == SqlDialect::Postgres) {
            // Empty tables make a sequential scan the cheapest plan: asked not to, the planner
            // shows which index serves the query, and that no sort is needed on top of it.
            QVERIFY(q.exec(QStringLiteral("SET enable_seqscan = off")));
            QVERIFY(q.exec(QStringLiteral("EXPLAIN SELECT * FROM watchlist WHERE user_id = 1 "
                                          "ORDER BY added_at DESC, id DESC LIMIT 20")));
            QString plan;
            while (q.next())
                plan += q.value(0).toString() + QLatin1Char('\n');
            QVERIFY2(plan.contains(QLatin1String("idx_watchlist_user_added")), qPrintable(plan));
            QVERIFY2(!plan.contains(QLatin1String("Sort")), qPrintable(plan));
            QVERIFY(
                q.exec(QStringLiteral("EXPLAIN SELECT * FROM content_cache WHERE expires_at < 5")));
            plan.clear();
            while (q.next())
                plan += q.value(0).toString();
            QVERIFY2(plan.contains(QLatin1String("idx_content_cache_expires")), qPrintable(plan));
            return;
        }
        QVERIFY(q.exec(QStringLiteral("EXPLAIN QUERY PLAN SELECT * FROM watchlist WHERE user_id = "
                                      "1 ORDER BY added_at DESC, id DESC LIMIT 20")));
        QString plan;
        while (q.next())
            plan += q.value(3).toString() + QLatin1Char('\n');
        QVERIFY2(plan.contains(QLatin1String("idx_watchlist_user_added")), qPrintable(plan));
        QVERIFY2(!plan.contains(QLatin1String("TEMP B-TREE")), qPrintable(plan));
        QVERIFY(q.exec(
            QStringLiteral("EXPLAIN QUERY PLAN SELECT * FROM content_cache WHERE expires_at < 5")));
        plan.clear();
        while (q.next())
            plan += q.value(3).toString();
        QVERIFY2(plan.contains(QLatin1String("idx_content_cache_expires")), qPrintable(plan));
    }

    void dropAllThenApplyResets()
    {
        Database db(freshUrl());
        QVERIFY_THROWS_NO_EXCEPTION(db.open());
        QVERIFY_THROWS_NO_EXCEPTION(Migrator(db).apply());
        QVERIFY(exec(db,
            QStringLiteral(
                "INSERT INTO users (clerk_id, created_at, updated_at) VALUES ('user_1', 1, 1)")));
        QVERIFY_THROWS_NO_EXCEPTION(Migrator(db).dropAll());
        QVERIFY(names(db, "table").isEmpty());
        QVERIFY_THROWS_NO_EXCEPTION(Migrator(db).apply());
        QSqlQuery q(db.connection());
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM users")) && q.next());
        QCOMPARE(q.value(0).toInt(), 0);
    }

    void groupCommitAnswersAfterTheCommit()
    {
        const DatabaseUrl url = freshUrl();
        Database db(url);
        QVERIFY_THROWS_NO_EXCEPTION(db.open());
        QVERIFY_THROWS_NO_EXCEPTION(Migrator(db).apply());
        // No group open: the writer is answered at once.
        bool immediate = false;
        db.afterGroupCommit([&](bool ok) { immediate = ok; });
        QVERIFY(immediate);
        if (db.dialect() == SqlDialect::Postgres) {
            // No groups on PostgreSQL (one failed statement would abort the whole group): every
            // write commits on its own, and its writer is answered at once.
            db.beginGroup();
            QVERIFY(!db.inGroup());
            return;
        }

        db.beginGroup();
        QVERIFY(db.inGroup());
        QVERIFY(exec(db,
            QStringLiteral(
                "INSERT INTO users (clerk_id, created_at, updated_at) VALUES ('user_g1', 1, 1)")));
        int answered = 0;
        db.afterGroupCommit([&](bool ok) { answered += ok ? 1 : 100; });
        QCOMPARE(answered, 0); // not before the commit
        {
            // Another connection does not see the row yet: it is not committed.
            Database other(url);
            QVERIFY_THROWS_NO_EXCEPTION(other.open());
            QSqlQuery q(other.connection());
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM users")) && q.next());
            QCOMPARE(q.value(0).toInt(), 0);
        }
        QTRY_COMPARE(answered, 1); // the event loop turned: committed, then answered
        QVERIFY(!db.inGroup());

        // A transaction of its own first commits the open group instead of nesting in it.
        db.beginGroup();
        QVERIFY(exec(db,
            QStringLiteral(
                "INSERT INTO users (clerk_id, created_at, updated_at) VALUES ('user_g2', 1, 1)")));
        db.afterGroupCommit([&](bool ok) { answered += ok ? 1 : 100; });
        QVERIFY(db.transaction([](QSqlDatabase &c) {
            return QSqlQuery(c).exec(QStringLiteral("UPDATE users SET email = 'x'"));
        }));
        QCOMPARE(answered, 2);
        QSqlQuery q(db.connection());
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM users WHERE email = 'x'")) && q.next());
        QCOMPARE(q.value(0).toInt(), 2);
    }

    void impossibleLocationIsAClearError()
    {
        if (test::onPostgres())
            QSKIP("a file location; tst_postgres checks PostgreSQL's connection errors");
        Database db(
            *DatabaseUrl::parse(QStringLiteral("sqlite:///proc/marquee-test/m.db"), nullptr));
        try {
            db.open();
            QFAIL("a database was opened in /proc");
        } catch (const StoreError &e) {
            QCOMPARE(e.kind(), StoreError::Kind::Unavailable);
            QVERIFY2(
                e.message().contains(QLatin1String("/proc/marquee-test")), qPrintable(e.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
