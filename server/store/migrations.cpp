#include "migrations.h"

#include "log/categories.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

namespace marquee {

namespace {

struct Migration
{
    int version;
    const char *name;
    const char *sql; // statements separated by ";\n", with {TYPE} placeholders
};

// Portable SQL with a few dialect placeholders; timestamps are ms since the epoch (BIGINT).
const Migration kMigrations[] = {
    {1, "initial schema", R"SQL(
CREATE TABLE users (
    id {ID},
    clerk_id TEXT NOT NULL UNIQUE,
    email TEXT,
    first_name TEXT,
    last_name TEXT,
    display_name TEXT,
    image_url TEXT,
    preferences TEXT NOT NULL DEFAULT '{}',
    created_at {BIGINT} NOT NULL,
    updated_at {BIGINT} NOT NULL,
    last_seen_at {BIGINT},
    profile_synced_at {BIGINT}
);
CREATE INDEX idx_users_email ON users (email);
CREATE INDEX idx_users_created ON users (created_at, id);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id {BIGINT} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at {BIGINT} NOT NULL,
    last_seen_at {BIGINT} NOT NULL,
    user_agent TEXT,
    ip_address TEXT,
    revoked_at {BIGINT}
);
CREATE INDEX idx_sessions_user ON sessions (user_id, last_seen_at);
CREATE TABLE watchlist (
    id {ID},
    user_id {BIGINT} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL CHECK (content_type IN ('movie', 'tv')),
    tmdb_id {BIGINT} NOT NULL,
    title TEXT NOT NULL,
    poster_path TEXT,
    backdrop_path TEXT,
    overview TEXT,
    release_date TEXT,
    vote_average {REAL},
    note TEXT,
    watched INTEGER NOT NULL DEFAULT 0,
    watched_at {BIGINT},
    added_at {BIGINT} NOT NULL,
    UNIQUE (user_id, content_type, tmdb_id)
);
CREATE INDEX idx_watchlist_user_added ON watchlist (user_id, added_at, id);
CREATE INDEX idx_watchlist_user_title ON watchlist (user_id, title);
CREATE TABLE favorites (
    id {ID},
    user_id {BIGINT} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL CHECK (content_type IN ('movie', 'tv')),
    tmdb_id {BIGINT} NOT NULL,
    title TEXT NOT NULL,
    poster_path TEXT,
    backdrop_path TEXT,
    overview TEXT,
    release_date TEXT,
    vote_average {REAL},
    added_at {BIGINT} NOT NULL,
    UNIQUE (user_id, content_type, tmdb_id)
);
CREATE INDEX idx_favorites_user_added ON favorites (user_id, added_at, id);
CREATE INDEX idx_favorites_user_title ON favorites (user_id, title);
CREATE TABLE content_cache (
    cache_key TEXT PRIMARY KEY,
    category TEXT NOT NULL,
    status INTEGER NOT NULL,
    body {BLOB} NOT NULL,
    etag TEXT NOT NULL,
    fetched_at {BIGINT} NOT NULL,
    expires_at {BIGINT} NOT NULL,
    size_bytes {BIGINT} NOT NULL
);
CREATE INDEX idx_content_cache_expires ON content_cache (expires_at);
CREATE INDEX idx_content_cache_category ON content_cache (category);
CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY,
    event_type TEXT NOT NULL,
    received_at {BIGINT} NOT NULL
);
CREATE INDEX idx_webhook_events_received ON webhook_events (received_at)
)SQL"},
    // Clerk's webhooks arrive out of order and are retried for days (docs/auth.md, "Webhooks"):
    // a deleted Clerk id is remembered with its deletion time, so a late user.created/updated or a
    // still-valid token cannot bring the user back, and each user keeps the updated_at of the
    // Clerk profile it holds, so an older profile never overwrites a newer one.
    {2, "clerk deletions and profile versions", R"SQL(
CREATE TABLE deleted_users (
    clerk_id TEXT PRIMARY KEY,
    deleted_at {BIGINT} NOT NULL,
    event_id TEXT,
    recorded_at {BIGINT} NOT NULL
);
ALTER TABLE users ADD COLUMN clerk_updated_at {BIGINT}
)SQL"},
    // The catalogue's counters (hits, misses, stale answers, background refreshes, ...), added up
    // over restarts and over every server on the database, for `marquee cache stats`.
    {3, "catalogue counters", R"SQL(
CREATE TABLE cache_counters (
    name TEXT PRIMARY KEY,
    value {BIGINT} NOT NULL
)
)SQL"},
};

const char *kTables[] = {"cache_counters", "deleted_users", "webhook_events", "content_cache",
    "favorites", "watchlist", "sessions", "users", "schema_migrations"};

QString dialectSql(QString sql, SqlDialect d)
{
    const bool pg = d == SqlDialect::Postgres;
    sql.replace(QLatin1String("{ID}"),
        pg ? QLatin1String("BIGSERIAL PRIMARY KEY")
           : QLatin1String("INTEGER PRIMARY KEY AUTOINCREMENT"));
    sql.replace(QLatin1String("{BIGINT}"), pg ? QLatin1String("BIGINT") : QLatin1String("INTEGER"));
    sql.replace(
        QLatin1String("{REAL}"), pg ? QLatin1String("DOUBLE PRECISION") : QLatin1String("REAL"));
    sql.replace(QLatin1String("{BLOB}"), pg ? QLatin1String("BYTEA") : QLatin1String("BLOB"));
    return sql;
}

// Serialises concurrent migrators (several processes on one PostgreSQL database).
class MigrationLock
{
public:
    explicit MigrationLock(Database &db)
        : m_db(db)
    {
        if (m_db.dialect() == SqlDialect::Postgres)
            QSqlQuery(m_db.connection()).exec(QStringLiteral("SELECT pg_advisory_lock(727070)"));
    }
    ~MigrationLock()
    {
        if (m_db.dialect() == SqlDialect::Postgres)
            QSqlQuery(m_db.connection()).exec(QStringLiteral("SELECT pg_advisory_unlock(727070)"));
    }
    Q_DISABLE_COPY_MOVE(MigrationLock)

private:
    Database &m_db;
};

} // namespace

Migrator::Migrator(Database &db)
    : m_db(db)
{ }

int Migrator::latestVersion()
{
    return kMigrations[std::size(kMigrations) - 1].version;
}

// Asked instead of CREATE TABLE IF NOT EXISTS: reading the status must not change the schema,
// and PostgreSQL answers IF NOT EXISTS on an existing table with a NOTICE.
bool Migrator::tableExists()
{
    QSqlQuery q(m_db.connection());
    const QString sql = m_db.dialect() == SqlDialect::Postgres
        ? QStringLiteral("SELECT to_regclass('schema_migrations') IS NOT NULL")
        : QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = "
                         "'schema_migrations'");
    if (!q.exec(sql) || !q.next())
        throw StoreError(StoreError::Kind::Failed,
            QStringLiteral("cannot read the schema version: %1").arg(q.lastError().text()));
    return q.value(0).toBool();
}

void Migrator::ensureTable()
{
    if (tableExists())
        return;
    QSqlQuery q(m_db.connection());
    const QString sql = dialectSql(
        QStringLiteral(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at {BIGINT} NOT NULL)"),
        m_db.dialect());
    if (!q.exec(sql))
        throw StoreError(StoreError::Kind::Failed,
            QStringLiteral("cannot create schema_migrations: %1").arg(q.lastError().text()));
}

int Migrator::currentVersion()
{
    ensureTable();
    QSqlQuery q(m_db.connection());
    if (!q.exec(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))
        || !q.next())
        throw StoreError(StoreError::Kind::Failed, q.lastError().text());
    return q.value(0).toInt();
}

QList<MigrationInfo> Migrator::status()
{
    QList<MigrationInfo> out;
    const bool exists = tableExists();
    QHash<int, qint64> applied;
    QSqlQuery q(m_db.connection());
    if (exists && !q.exec(QStringLiteral("SELECT version, applied_at FROM schema_migrations")))
        throw StoreError(StoreError::Kind::Failed, q.lastError().text());
    while (exists && q.next())
        applied.insert(q.value(0).toInt(), q.value(1).toLongLong());
    for (const Migration &m : kMigrations)
        out.append({m.version, QString::fromLatin1(m.name), applied.value(m.version, 0)});
    return out;
}

QList<MigrationInfo> Migrator::all()
{
    QList<MigrationInfo> out;
    for (const Migration &m : kMigrations)
        out.append({m.version, QString::fromLatin1(m.name), 0});
    return out;
}

int Migrator::pendingCount()
{
    const QList<MigrationInfo> list = status();
    return int(std::count_if(
        list.begin(), list.end(), [](const MigrationInfo &m) { return m.appliedAt == 0; }));
}

int Migrator::apply()
{
    int appliedCount = 0;
    MigrationLock lock(m_db);
    const int current = currentVersion();
    if (current > latestVersion())
        throw StoreError(StoreError::Kind::Incompatible,
            QStringLiteral("the database schema (version %1) is newer than this Marquee knows "
                           "(%2); upgrade Marquee")
                .arg(current)
                .arg(latestVersion()));
    for (const Migration &m : kMigrations) {
        if (m.version <= current)
            continue;
        QString failure;
        bool ok = false;
        try {
            ok = m_db.transaction([&](QSqlDatabase &db) {
                QSqlQuery q(db);
                const QStringList statements
                    = dialectSql(QString::fromLatin1(m.sql), m_db.dialect())
                          .split(QStringLiteral(";\n"));
                for (const QString &s : statements) {
                    if (s.trimmed().isEmpty())
                        continue;
                    if (!q.exec(s)) {
                        failure = q.lastError().text();
                        return false;
                    }
                }
                q.prepare(QStringLiteral(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"));
                q.addBindValue(m.version);
                q.addBindValue(QString::fromLatin1(m.name));
                q.addBindValue(QDateTime::currentMSecsSinceEpoch());
                if (!q.exec()) {
                    failure = q.lastError().text();
                    return false;
                }
                return true;
            });
        } catch (const StoreError &e) {
            failure = e.message(); // the transaction could not begin or commit
        }
        if (!ok)
            throw StoreError(StoreError::Kind::Failed,
                QStringLiteral("migration %1 (%2) failed: %3")
                    .arg(m.version)
                    .arg(QLatin1String(m.name), failure));
        qCInfo(lcStore) << "applied migration" << m.version << m.name;
        ++appliedCount;
    }
    return appliedCount;
}

void Migrator::dropAll()
{
    MigrationLock lock(m_db);
    QString failure;
    const bool ok = m_db.transaction([&](QSqlDatabase &db) {
        QSqlQuery q(db);
        for (const char *t : kTables) {
            const QString sql
                = QStringLiteral("DROP TABLE IF EXISTS %1%2")
                      .arg(QLatin1String(t),
                          m_db.dialect() == SqlDialect::Postgres ? QStringLiteral(" CASCADE")
                                                                 : QString());
            if (!q.exec(sql)) {
                failure = q.lastError().text();
                return false;
            }
        }
        return true;
    });
    if (!ok)
        throw StoreError(StoreError::Kind::Failed, failure);
}

} // namespace marquee
