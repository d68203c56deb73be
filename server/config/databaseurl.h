#pragma once

#include <QString>

#include <optional>

namespace marquee {

enum class SqlDialect { Sqlite, Postgres };

// DATABASE_URL forms (README.md, "Configuration"): sqlite:///abs/path.db, sqlite:relative.db,
// file:./dev.db, postgresql://user:pass@host:5432/db (also postgres://) with ?schema=,
// ?sslmode=, ?connect_timeout=, ?host=/socket/folder (docs/postgresql.md).
struct DatabaseUrl
{
    SqlDialect dialect = SqlDialect::Sqlite;
    QString path; // SQLite: absolute file path
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString database;
    QString schema; // PostgreSQL: ?schema=NAME (Prisma's form); empty: the server's search_path
    int connectTimeoutSeconds = 5; // PostgreSQL: ?connect_timeout=
    QString options; // other libpq options from the query string ("sslmode=require;...")

    static std::optional<DatabaseUrl> parse(const QString &url, QString *error);
    static DatabaseUrl defaultSqlite(); // <user data dir>/marquee.db
    QString describe() const; // for logs: never the password
    QString driverName() const
    {
        return dialect == SqlDialect::Sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL");
    }
};

} // namespace marquee
