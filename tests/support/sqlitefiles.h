#pragma once

#include "store/database.h"
#include "store/migrations.h"

#include <QTemporaryDir>

#include <memory>

namespace marquee::test {

// New SQLite files with the current schema, for the unit tests of a layer that run the stores
// without a server. Header only: those tests link their layer alone, not the test support
// library. The files go with this object's temporary folder.
//
//     SqliteFiles m_files;
//     const auto db = m_files.migrated(); // a fresh database, opened and migrated
class SqliteFiles
{
public:
    std::unique_ptr<Database> migrated()
    {
        const QString url = QStringLiteral("sqlite://%1/db%2.db").arg(m_dir.path()).arg(++m_count);
        auto db = std::make_unique<Database>(*DatabaseUrl::parse(url, nullptr));
        db->open();
        Migrator(*db).apply();
        return db;
    }

private:
    QTemporaryDir m_dir;
    int m_count = 0;
};

} // namespace marquee::test
