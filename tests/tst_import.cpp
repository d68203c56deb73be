// `marquee import --from postgresql://...`: the original Node/Prisma backend's database, built in
// a throwaway PostgreSQL cluster as Prisma creates it, copied by the real binary into SQLite and
// into PostgreSQL, checked through the HTTP API of the real server; the source is never written.
#include "store/listrules.h"
#include "support/fakeclerk.h"
#include "support/httpclient.h"
#include "support/marqueeprocess.h"
#include "support/pgcluster.h"
#include "support/testkeys.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace marquee::test;

namespace {

const char *const kOrigin = "http://localhost:5173";

// The original backend's schema, as `prisma migrate` writes it (migration.sql): text cuid ids,
// timestamp(3) columns, unique indexes named <Model>_<fields>_key, foreign keys ON DELETE
// CASCADE ON UPDATE CASCADE. Favorite is a little older than Watchlist (no "backdropPath"): a
// column the source lacks reads as null.
const char *const kPrismaSchema = R"SQL(
CREATE TABLE "_prisma_migrations" (
    "id" VARCHAR(36) NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "_prisma_migrations_pkey" PRIMARY KEY ("id"));
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "clerkId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "firstName" TEXT,
    "lastName" TEXT,
    "imageUrl" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Watchlist" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "tmdbId" INTEGER NOT NULL,
    "contentType" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "posterPath" TEXT,
    "backdropPath" TEXT,
    "overview" TEXT,
    "releaseDate" TEXT,
    "voteAverage" DOUBLE PRECISION,
    "note" TEXT,
    "addedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Watchlist_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Favorite" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "tmdbId" INTEGER NOT NULL,
    "contentType" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "posterPath" TEXT,
    "overview" TEXT,
    "releaseDate" TEXT,
    "voteAverage" DOUBLE PRECISION,
    "addedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Favorite_pkey" PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "User_clerkId_key" ON "User"("clerkId");
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE INDEX "Watchlist_userId_idx" ON "Watchlist"("userId");
CREATE UNIQUE INDEX "Watchlist_userId_tmdbId_contentType_key" ON "Watchlist"("userId", "tmdbId", "contentType");
CREATE INDEX "Favorite_userId_idx" ON "Favorite"("userId");
CREATE UNIQUE INDEX "Favorite_userId_tmdbId_contentType_key" ON "Favorite"("userId", "tmdbId", "contentType");
ALTER TABLE "Watchlist" ADD CONSTRAINT "Watchlist_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Favorite" ADD CONSTRAINT "Favorite_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "finished_at", "applied_steps_count")
    VALUES ('0b7c6e2a-1f1e-4c55-9d1c-3c9f0e6f1a01', 'e3b0c44298fc1c149afbf4c8996fb924', '20240101000000_init', now(), 1);
)SQL";

// Alice: two films and a show spelled "TV" (refused); Bob: a show, and a film whose title is
// longer than Marquee allows (refused); Carol: no items. Fight Club is in both of Alice's lists;
// The Matrix has no poster; Bob's favourite Breaking Bad has "" for a poster (read as none).
QString sampleRows()
{
    const QString longTitle = QString(marquee::ListRules::kMaxTitleLength + 1, QLatin1Char('x'));
    return QStringLiteral(R"SQL(
INSERT INTO "User" ("id", "clerkId", "email", "firstName", "lastName", "imageUrl", "createdAt", "updatedAt") VALUES
  ('clu0alice000000000000001', 'user_alice', 'alice@example.com', 'Alice', 'Liddell', 'https://img.clerk.com/alice.png', '2024-01-01 09:00:00', '2024-01-01 09:00:00'),
  ('clu0bob00000000000000002', 'user_bob', 'bob@example.com', 'Bob', NULL, NULL, '2024-01-02 09:00:00', '2024-01-02 09:00:00'),
  ('clu0carol000000000000003', 'user_carol', 'carol@example.com', NULL, NULL, NULL, '2024-01-03 09:00:00', '2024-01-03 09:00:00');
INSERT INTO "Watchlist" ("id", "userId", "tmdbId", "contentType", "title", "posterPath", "backdropPath", "overview", "releaseDate", "voteAverage", "note", "addedAt") VALUES
  ('clw0000000000000000000a1', 'clu0alice000000000000001', 550, 'movie', 'Fight Club', '/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg', '/hZkgoQYus5vegHoetLkCJzb17zJ.jpg', 'An insomniac office worker...', '1999-10-15', 8.4, 'with Sam', '2024-02-01 10:00:00.123'),
  ('clw0000000000000000000a2', 'clu0alice000000000000001', 1399, 'TV', 'Game of Thrones', '/1XS1oqL89opfnbLl8WnZY1O1uJx.jpg', NULL, NULL, '2011-04-17', 8.4, NULL, '2024-02-02 10:00:00'),
  ('clw0000000000000000000a3', 'clu0alice000000000000001', 603, 'movie', 'The Matrix', NULL, NULL, NULL, '1999-03-30', 8.2, NULL, '2024-02-03 10:00:00'),
  ('clw0000000000000000000b1', 'clu0bob00000000000000002', 27205, 'movie', '%1', NULL, NULL, NULL, NULL, NULL, NULL, '2024-02-04 10:00:00'),
  ('clw0000000000000000000b2', 'clu0bob00000000000000002', 1396, 'tv', 'Breaking Bad', '/ggFHVNu6YYI5L9pCfOacjizRGt.jpg', NULL, NULL, '2008-01-20', 8.9, 'all of it', '2024-02-05 10:00:00');
INSERT INTO "Favorite" ("id", "userId", "tmdbId", "contentType", "title", "posterPath", "overview", "releaseDate", "voteAverage", "addedAt") VALUES
  ('clf0000000000000000000a1', 'clu0alice000000000000001', 550, 'movie', 'Fight Club', '/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg', NULL, '1999-10-15', 8.4, '2024-03-01 10:00:00'),
  ('clf0000000000000000000b1', 'clu0bob00000000000000002', 1396, 'tv', 'Breaking Bad', '', NULL, '', NULL, '2024-03-02 10:00:00'),
  ('clf0000000000000000000b2', 'clu0bob00000000000000002', 13, 'movie', 'Forrest Gump', '/arw2vcBveWOVZr6pxd9XTd1TdQa.jpg', NULL, '1994-06-23', 8.5, '2024-03-03 10:00:00');
)SQL")
        .arg(longTitle);
}

// Row counts and a checksum of every row of the source: equal before and after an import.
const char *const kSourceFingerprint = R"SQL(
SELECT (SELECT count(*) FROM "User") || ' ' || (SELECT count(*) FROM "Watchlist") || ' '
    || (SELECT count(*) FROM "Favorite") || ' '
    || md5((SELECT string_agg(u::text, '|' ORDER BY u."id") FROM "User" u)
        || (SELECT string_agg(w::text, '|' ORDER BY w."id") FROM "Watchlist" w)
        || (SELECT string_agg(f::text, '|' ORDER BY f."id") FROM "Favorite" f))
)SQL";

const QString kSource = QStringLiteral("original");

} // namespace

class TestImport : public QObject
{
    Q_OBJECT

    PgCluster m_pg;
    QTemporaryDir m_home;
    RsaKeyPair m_key;
    std::unique_ptr<ClerkTokens> m_tokens;
    QString m_fingerprint; // of the source, as built

    QProcessEnvironment environment(const QString &databaseUrl)
    {
        return MarqueeProcess::cleanEnvironment(m_home.path(),
            {{QStringLiteral("DATABASE_URL"), databaseUrl}, {QStringLiteral("PORT"), "0"},
                {QStringLiteral("CLERK_JWT_KEY"), QString::fromLatin1(m_key.publicPem())},
                {QStringLiteral("ALLOWED_ORIGINS"), QString::fromLatin1(kOrigin)}});
    }

    MarqueeProcess::Result run(const QStringList &args, const QString &databaseUrl)
    {
        return MarqueeProcess::run(args, environment(databaseUrl), m_home.path(), 60000);
    }

    MarqueeProcess::Result import(const QString &databaseUrl)
    {
        return run(
            {QStringLiteral("import"), QStringLiteral("--from"), m_pg.url(kSource)}, databaseUrl);
    }

    QString fingerprint()
    {
        QString out;
        if (!m_pg.psql(kSource, QString::fromLatin1(kSourceFingerprint), &out))
            return m_pg.errorString();
        return out.trimmed();
    }

    static QString describe(const MarqueeProcess::Result &r)
    {
        return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3")
            .arg(r.exitCode)
            .arg(r.out, r.err);
    }

    // The two refusals the sample rows must get, whatever the run.
    static void verifyRefusals(const MarqueeProcess::Result &r)
    {
        QVERIFY2(r.out.contains(QLatin1String("refused: 2\n")), qPrintable(describe(r)));
        QVERIFY2(r.out.contains(QLatin1String("\"Watchlist\" id clw0000000000000000000a2: "
                                              "contentType \"TV\" is not one of: movie, tv")),
            qPrintable(describe(r)));
        QVERIFY2(r.out.contains(QStringLiteral("\"Watchlist\" id clw0000000000000000000b1: title "
                                               "is %1 characters long; at most %2 are allowed")
                                    .arg(marquee::ListRules::kMaxTitleLength + 1)
                                    .arg(marquee::ListRules::kMaxTitleLength)),
            qPrintable(describe(r)));
    }

    static void verifyFirstRun(const MarqueeProcess::Result &r)
    {
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains(QLatin1String("(read-only)")), qPrintable(describe(r)));
        QVERIFY2(r.out.contains(QLatin1String("users: 3 created, 0 matched\n")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QLatin1String("watchlist items imported: 3\n")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QLatin1String("favorites imported: 3\n")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QLatin1String("skipped as duplicates: 0\n")), qPrintable(r.out));
        verifyRefusals(r);
    }

    static void verifySecondRun(const MarqueeProcess::Result &r)
    {
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains(QLatin1String("users: 0 created, 3 matched\n")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QLatin1String("watchlist items imported: 0\n")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QLatin1String("favorites imported: 0\n")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QLatin1String("skipped as duplicates: 6\n")), qPrintable(r.out));
        verifyRefusals(r);
    }

    QJsonObject getJson(HttpClient &client, const QByteArray &path, const QString &clerkId)
    {
        const QByteArray token = m_tokens->token(clerkId, QStringLiteral("sess_") + clerkId, 600);
        const HttpReply r = client.request("GET", path, {{"Authorization", "Bearer " + token}});
        if (r.status != 200)
            QTest::qFail(qPrintable(QStringLiteral("GET %1 as %2: %3 %4")
                                        .arg(QString::fromLatin1(path), clerkId)
                                        .arg(r.status)
                                        .arg(QString::fromUtf8(r.body))),
                __FILE__, __LINE__);
        return r.json();
    }

    static QStringList titles(const QJsonObject &page)
    {
        QStringList out;
        for (const QJsonValue &item : page.value(QLatin1String("data")).toArray())
            out << item.toObject().value(QLatin1String("title")).toString();
        return out;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        m_key = RsaKeyPair::generate();
        m_tokens = std::make_unique<ClerkTokens>(m_key, QString(), QString::fromLatin1(kOrigin));
        QVERIFY2(m_pg.start(), qPrintable(m_pg.errorString()));
        QVERIFY2(m_pg.createDatabase(kSource), qPrintable(m_pg.errorString()));
        QVERIFY2(
            m_pg.psql(kSource, QString::fromLatin1(kPrismaSchema)), qPrintable(m_pg.errorString()));
        QVERIFY2(m_pg.psql(kSource, sampleRows()), qPrintable(m_pg.errorString()));
        m_fingerprint = fingerprint();
        QVERIFY2(m_fingerprint.startsWith(QLatin1String("3 5 3 ")), qPrintable(m_fingerprint));
    }

    // Into SQLite, twice, then what the users see through the API.
    void importsIntoSqliteOnceAndServesTheItems()
    {
        const QString url
            = QStringLiteral("sqlite://%1/sqlite-target/marquee.db").arg(m_home.path());

        // Like `users list`, an import needs a database that is there and current.
        const auto missing = import(url);
        QVERIFY2(missing.exitCode == 1, qPrintable(describe(missing)));
        QVERIFY2(missing.err.contains(QLatin1String("marquee migrate")), qPrintable(missing.err));
        QVERIFY(!QFile::exists(m_home.path() + QStringLiteral("/sqlite-target/marquee.db")));
        const auto migrated = run({QStringLiteral("migrate")}, url);
        QVERIFY2(migrated.exitCode == 0, qPrintable(describe(migrated)));

        verifyFirstRun(import(url));
        QCOMPARE(fingerprint(), m_fingerprint);
        verifySecondRun(import(url));
        QCOMPARE(fingerprint(), m_fingerprint);

        MarqueeProcess server;
        QVERIFY2(server.start(environment(url), m_home.path()), qPrintable(server.errorString()));
        HttpClient client(server.port());

        const QJsonObject aliceWatchlist = getJson(client, "/api/watchlist", "user_alice");
        QCOMPARE(titles(aliceWatchlist), (QStringList {"The Matrix", "Fight Club"}));
        const QJsonArray alices = aliceWatchlist.value("data").toArray();
        const QJsonObject matrix = alices.at(0).toObject();
        QVERIFY(matrix.value("posterPath").isNull()); // the missing poster
        QCOMPARE(matrix.value("contentType").toString(), QStringLiteral("movie"));
        const QJsonObject fightClub = alices.at(1).toObject();
        QCOMPARE(fightClub.value("tmdbId").toInteger(), 550);
        QCOMPARE(fightClub.value("note").toString(), QStringLiteral("with Sam"));
        QCOMPARE(fightClub.value("posterPath").toString(),
            QStringLiteral("/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"));
        QCOMPARE(fightClub.value("backdropPath").toString(),
            QStringLiteral("/hZkgoQYus5vegHoetLkCJzb17zJ.jpg"));
        QCOMPARE(fightClub.value("releaseDate").toString(), QStringLiteral("1999-10-15"));
        QCOMPARE(fightClub.value("voteAverage").toDouble(), 8.4);
        QCOMPARE(fightClub.value("addedAt").toString(),
            QStringLiteral("2024-02-01T10:00:00.123Z")); // the original's, not the import's

        const QJsonObject aliceFavorites = getJson(client, "/api/favorites", "user_alice");
        QCOMPARE(titles(aliceFavorites), QStringList {"Fight Club"}); // in both lists
        QVERIFY(aliceFavorites.value("data")[0].toObject().value("backdropPath").isNull());
        QVERIFY(!aliceFavorites.value("data")[0].toObject().contains("note"));

        QCOMPARE(
            titles(getJson(client, "/api/watchlist", "user_bob")), QStringList {"Breaking Bad"});
        const QJsonObject bobFavorites = getJson(client, "/api/favorites", "user_bob");
        QCOMPARE(titles(bobFavorites), (QStringList {"Forrest Gump", "Breaking Bad"}));
        const QJsonObject breakingBad = bobFavorites.value("data")[1].toObject();
        QVERIFY(breakingBad.value("posterPath").isNull()); // "" in the source
        QVERIFY(breakingBad.value("releaseDate").isNull());
        QCOMPARE(breakingBad.value("contentType").toString(), QStringLiteral("tv"));

        const QJsonObject alice
            = getJson(client, "/api/user/profile", "user_alice").value("data").toObject();
        QCOMPARE(alice.value("email").toString(), QStringLiteral("alice@example.com"));
        QCOMPARE(alice.value("firstName").toString(), QStringLiteral("Alice"));
        QCOMPARE(alice.value("lastName").toString(), QStringLiteral("Liddell"));
        const QJsonObject carol
            = getJson(client, "/api/user/profile", "user_carol").value("data").toObject();
        QCOMPARE(carol.value("email").toString(), QStringLiteral("carol@example.com"));
        QCOMPARE(carol.value("stats").toObject().value("watchlistCount").toInt(), 0);
        QCOMPARE(carol.value("stats").toObject().value("favoritesCount").toInt(), 0);
        QVERIFY(server.terminate());
    }

    // Into PostgreSQL: a second database of the same cluster.
    void importsIntoPostgres()
    {
        QVERIFY2(m_pg.createDatabase(QStringLiteral("target")), qPrintable(m_pg.errorString()));
        const QString url = m_pg.url(QStringLiteral("target"));
        const auto migrated = run({QStringLiteral("migrate")}, url);
        QVERIFY2(migrated.exitCode == 0, qPrintable(describe(migrated)));
        verifyFirstRun(import(url));
        verifySecondRun(import(url));
        QCOMPARE(fingerprint(), m_fingerprint);
        QString counts;
        QVERIFY2(m_pg.psql(QStringLiteral("target"),
                     QStringLiteral("SELECT (SELECT count(*) FROM users) || ' ' || (SELECT "
                                    "count(*) FROM watchlist) || ' ' || (SELECT count(*) FROM "
                                    "favorites) || ' ' || (SELECT string_agg(title, ',' ORDER BY "
                                    "added_at) FROM watchlist)"),
                     &counts),
            qPrintable(m_pg.errorString()));
        QCOMPARE(counts.trimmed(), QStringLiteral("3 3 3 Fight Club,The Matrix,Breaking Bad"));
    }

    // An older schema: integer ids, a nullable tmdbId, no note, no addedAt, no Favorite table.
    // What is missing reads as null; a row without a tmdbId is refused.
    void importsAnOlderSchema()
    {
        const QString older = QStringLiteral("older");
        QVERIFY2(m_pg.createDatabase(older), qPrintable(m_pg.errorString()));
        QVERIFY2(m_pg.psql(older, QStringLiteral(R"SQL(
CREATE TABLE "User" ("id" SERIAL NOT NULL, "clerkId" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "User_clerkId_key" ON "User"("clerkId");
CREATE TABLE "Watchlist" ("id" SERIAL NOT NULL, "userId" INTEGER NOT NULL, "tmdbId" INTEGER,
    "contentType" TEXT NOT NULL, "title" TEXT NOT NULL, CONSTRAINT "Watchlist_pkey" PRIMARY KEY ("id"));
ALTER TABLE "Watchlist" ADD CONSTRAINT "Watchlist_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
INSERT INTO "User" ("clerkId") VALUES ('user_dave');
INSERT INTO "Watchlist" ("userId", "tmdbId", "contentType", "title") VALUES (1, NULL, 'movie', 'No id'), (1, 680, 'movie', 'Pulp Fiction');
)SQL")),
            qPrintable(m_pg.errorString()));
        const QString url = QStringLiteral("sqlite://%1/older/marquee.db").arg(m_home.path());
        QVERIFY(run({QStringLiteral("migrate")}, url).exitCode == 0);
        const auto r
            = run({QStringLiteral("import"), QStringLiteral("--from"), m_pg.url(older)}, url);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains(QLatin1String("users: 1 created, 0 matched\n")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QLatin1String("watchlist items imported: 1\n")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QLatin1String("favorites imported: 0\n")), qPrintable(r.out));
        QVERIFY2(
            r.out.contains(QLatin1String("refused: 1\n  \"Watchlist\" id 1: tmdbId is missing")),
            qPrintable(r.out));
        QVERIFY2(r.out.contains(QLatin1String("note: the source has no \"Favorite\" table")),
            qPrintable(r.out));
    }

    // One line, exit 2, for a source that cannot be reached or named; never the password.
    void unreachableSourceIsOneLineAndExit2_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        QTest::newRow("refused connection")
            << QStringList {"import", "--from",
                   "postgresql://marquee:s3cretpw@127.0.0.1:1/original"}
            << "--from: cannot open the database postgresql://marquee:***@127.0.0.1:1/original";
        QTest::newRow("no such database") << QStringList {"import", "--from", "<pg>/nosuchdb"}
                                          << "--from: cannot open the database";
        QTest::newRow("not postgresql")
            << QStringList {"import", "--from", "sqlite:///tmp/x.db"} << "--from: ";
        QTest::newRow("no --from") << QStringList {"import"} << "usage: marquee import --from";
        QTest::newRow("not the original backend")
            << QStringList {"import", "--from", "<pg>/postgres"}
            << "postgresql://marquee@127.0.0.1:<port>/postgres has no \"User\" table";
    }
    void unreachableSourceIsOneLineAndExit2()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        args.replaceInStrings(QStringLiteral("<pg>"),
            QStringLiteral("postgresql://marquee@127.0.0.1:%1").arg(m_pg.port()));
        says.replace(QStringLiteral("<port>"), QString::number(m_pg.port()));
        const QString url = QStringLiteral("sqlite://%1/unreachable/marquee.db").arg(m_home.path());
        QVERIFY(run({QStringLiteral("migrate")}, url).exitCode == 0);
        const auto r = run(args, url);
        QVERIFY2(r.exitCode == 2, qPrintable(describe(r)));
        QVERIFY2(r.out.isEmpty(), qPrintable(describe(r)));
        QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
        QVERIFY2(r.err.contains(says), qPrintable(describe(r)));
        QVERIFY2(!r.err.contains(QLatin1String("s3cretpw")), qPrintable(r.err));
    }

    // A Marquee database it cannot reach is exit 2 as well.
    void unreachableTargetIsExit2()
    {
        const auto r = run({QStringLiteral("import"), QStringLiteral("--from"), m_pg.url(kSource)},
            QStringLiteral("postgresql://marquee:s3cretpw@127.0.0.1:1/marquee"));
        QVERIFY2(r.exitCode == 2, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QLatin1String("DATABASE_URL")), qPrintable(r.err));
        QVERIFY2(!r.err.contains(QLatin1String("s3cretpw")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestImport)
#include "tst_import.moc"
