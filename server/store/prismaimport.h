#pragma once

#include "config/databaseurl.h"
#include "storeerror.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace marquee {

class Database;

// A row of the source that was not imported, and why (docs/import.md).
struct ImportRefusal
{
    QString table; // "User", "Watchlist" or "Favorite"
    QString id; // the row's id in the source
    QString reason; // one sentence naming the field and the rule it breaks
};

struct ImportReport
{
    int usersCreated = 0;
    int usersMatched = 0; // already in Marquee (same Clerk id): left as they are
    int watchlistImported = 0;
    int favoritesImported = 0;
    int duplicates = 0; // items already in the user's list in Marquee
    QList<ImportRefusal> refused;
    QStringList notes; // what the source lacks (a table): said, not refused
};

// Copies the users, watchlists and favorites of the original Node/Prisma backend's PostgreSQL
// database (Prisma's tables "User", "Watchlist", "Favorite") into Marquee's database. The source
// is only read: its connection is read-only for the session (SET SESSION CHARACTERISTICS AS
// TRANSACTION READ ONLY) and everything is read in one READ ONLY, REPEATABLE READ transaction, so
// the three tables are one consistent snapshot and PostgreSQL itself refuses any write.
//
// Idempotent: users are matched by Clerk id, items by Marquee's own key (user, contentType,
// tmdbId), so a second run adds nothing. Every item is checked against Marquee's rules
// (ListRules::violation()) and the list cap; a row that breaks one is refused and listed, and the
// import goes on. Columns the source's schema does not have read as null (a Prisma schema a little
// older or newer than the one in docs/import.md imports too).
//
//     auto source = PrismaImport::parseSource(url, &error);   // nullopt: error says why
//     PrismaImport import(*source, targetDb, config.listMaxItems);
//     import.openSource();                                      // StoreError: cannot connect
//     const ImportReport report = import.run();                 // StoreError: a database failed
class PrismaImport
{
public:
    struct Source
    {
        DatabaseUrl url;
        QString schema; // Prisma's ?schema=NAME; empty: the server's default search path
    };
    // A postgresql:// (or postgres://) URL as Prisma's DATABASE_URL has it.
    static std::optional<Source> parseSource(const QString &url, QString *error);

    PrismaImport(Source source, Database &target, int maxItemsPerList);
    ~PrismaImport(); // ends the read-only transaction and closes the source
    Q_DISABLE_COPY_MOVE(PrismaImport)

    // Connects to the source, starts the read-only snapshot and reads which columns its tables
    // have. StoreError (Unavailable), one line naming the source without its password, when it
    // cannot, or when the source has no "User" table (not the original backend's database).
    void openSource();
    ImportReport run();

    // The column -> data_type of each source table that exists (information_schema.columns).
    using Columns = QHash<QString, QHash<QString, QString>>;

private:
    struct UserMap;
    void importUsers(UserMap &users, ImportReport &report);
    void importItems(const QString &table, const UserMap &users, ImportReport &report);

    Source m_source;
    Database &m_target;
    int m_maxItems;
    QString m_connectionName;
    Columns m_columns;
};

} // namespace marquee
