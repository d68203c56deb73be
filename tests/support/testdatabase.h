#pragma once

#include "config/databaseurl.h"
#include "store/database.h"

#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace marquee::test {

class PgCluster;

// Which database the store tests run on. The same test programs run twice in CI: on SQLite (the
// default) and, as <name>_postgresql (tests/CMakeLists.txt), with MARQUEE_TEST_DATABASE=postgresql
// on a throwaway PostgreSQL cluster that this process starts on first use and stops at exit.
SqlDialect testDialect();
bool onPostgres();
// The process's cluster (started on first call; the test program stops with the reason when it
// cannot start). Only when onPostgres(), or for tests that always need PostgreSQL.
PgCluster &testCluster();

// A new empty database of the test dialect: SQLite, a new file under dir; PostgreSQL, a new
// schema (?schema=tN) in the cluster's test database.
DatabaseUrl freshDatabaseUrl(const QString &dir);

// Fresh databases with the current schema, for the tests that run the stores without a server.
//
//     TestDatabases m_databases;
//     const auto db = m_databases.migrated(); // opened and migrated
class TestDatabases
{
public:
    std::unique_ptr<Database> migrated();
    std::unique_ptr<Database> opened(); // empty: no schema
    DatabaseUrl freshUrl() { return freshDatabaseUrl(m_dir.path()); }

private:
    QTemporaryDir m_dir;
};

} // namespace marquee::test
