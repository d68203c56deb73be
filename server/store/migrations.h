#pragma once

#include "database.h"

#include <QList>
#include <QString>

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
    QList<MigrationInfo> status(QString *error);
    int currentVersion(QString *error);
    static int latestVersion();
    // Drops every table Marquee created (for `marquee db reset --yes`).
    bool dropAll(QString *error);

private:
    bool ensureTable(QString *error);
    Database &m_db;
};

} // namespace marquee
