#pragma once

#include "database.h"

#include <QList>
#include <QString>

#include <optional>

namespace marquee {

struct MigrationInfo
{
    int version = 0;
    QString name;
    qint64 appliedAt = 0; // ms since epoch, 0 = pending
};

// Versioned schema migrations. Each runs in its own transaction together with the row that
// records it in schema_migrations, so a crash leaves the schema at a known version. Several
// Marquee processes starting at once against PostgreSQL serialise on an advisory lock.
class Migrator
{
public:
    explicit Migrator(Database &db);

    bool apply(QString *error, int *appliedCount = nullptr);
    // Reads only: a database never migrated lists every migration as pending.
    QList<MigrationInfo> status(QString *error);
    // Migrations not yet applied; -1 (and *error) when the database cannot be read.
    int pendingCount(QString *error);
    int currentVersion(QString *error);
    static int latestVersion();
    // Every migration this build knows, none applied.
    static QList<MigrationInfo> all();
    // Drops every table Marquee created (for `marquee db reset --yes`).
    bool dropAll(QString *error);

private:
    std::optional<bool> tableExists(QString *error);
    bool ensureTable(QString *error);
    Database &m_db;
};

} // namespace marquee
