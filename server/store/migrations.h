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
// Marquee processes starting at once against PostgreSQL serialise on an advisory lock. Every
// method reports a failure by throwing StoreError (storeerror.h) whose message is one sentence for
// the command line.
class Migrator
{
public:
    explicit Migrator(Database &db);

    // Applies what is pending; returns how many migrations it applied. A schema newer than this
    // build is a StoreError of kind Incompatible.
    int apply();
    // Reads only: a database never migrated lists every migration as pending.
    QList<MigrationInfo> status();
    // Migrations not yet applied.
    int pendingCount();
    int currentVersion();
    static int latestVersion();
    // Every migration this build knows, none applied.
    static QList<MigrationInfo> all();
    // Drops every table Marquee created (for `marquee db reset --yes`).
    void dropAll();

private:
    bool tableExists();
    void ensureTable();
    Database &m_db;
};

} // namespace marquee
