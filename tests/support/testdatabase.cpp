#include "testdatabase.h"

#include "pgcluster.h"
#include "store/migrations.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QMutex>

#include <cstdio>
#include <cstdlib>

namespace marquee::test {

SqlDialect testDialect()
{
    static const SqlDialect dialect = [] {
        const QByteArray name = qgetenv("MARQUEE_TEST_DATABASE").toLower();
        if (name.isEmpty() || name == "sqlite")
            return SqlDialect::Sqlite;
        if (name == "postgresql" || name == "postgres")
            return SqlDialect::Postgres;
        std::fprintf(
            stderr, "MARQUEE_TEST_DATABASE=%s: use sqlite or postgresql\n", name.constData());
        std::exit(2);
    }();
    return dialect;
}

bool onPostgres()
{
    return testDialect() == SqlDialect::Postgres;
}

PgCluster &testCluster()
{
    static QMutex mutex;
    QMutexLocker lock(&mutex);
    // Stopped and deleted by its destructor when the program exits.
    static PgCluster cluster;
    if (!cluster.isRunning() && !cluster.start())
        qFatal("cannot start the test PostgreSQL cluster: %s", qPrintable(cluster.errorString()));
    return cluster;
}

DatabaseUrl freshDatabaseUrl(const QString &dir)
{
    static QAtomicInt counter;
    const int n = counter.fetchAndAddRelaxed(1) + 1;
    QString url;
    if (onPostgres()) {
        // One database, and a schema of its own for each fresh database (Prisma's ?schema=,
        // made by Marquee on first connection): as isolated for the stores, and far quicker
        // than CREATE DATABASE for every test server.
        PgCluster &pg = testCluster();
        static const bool created = pg.createDatabase(QStringLiteral("marquee_tests"));
        if (!created)
            qFatal("cannot create the test database: %s", qPrintable(pg.errorString()));
        url = pg.url(QStringLiteral("marquee_tests")) + QStringLiteral("?schema=t%1").arg(n);
    } else {
        url = QStringLiteral("sqlite://%1/db%2/marquee.db").arg(dir).arg(n);
    }
    QString error;
    const auto parsed = DatabaseUrl::parse(url, &error);
    if (!parsed)
        qFatal("%s: %s", qPrintable(url), qPrintable(error));
    return *parsed;
}

std::unique_ptr<Database> TestDatabases::opened()
{
    auto db = std::make_unique<Database>(freshUrl());
    db->open();
    return db;
}

std::unique_ptr<Database> TestDatabases::migrated()
{
    auto db = opened();
    Migrator(*db).apply();
    return db;
}

} // namespace marquee::test
