#include "prismaimport.h"

#include "database.h"
#include "listrules.h"
#include "liststore.h"
#include "userstore.h"

#include <QDateTime>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>

namespace marquee {

namespace {

const QString kUser = QStringLiteral("User");
const QString kWatchlist = QStringLiteral("Watchlist");
const QString kFavorite = QStringLiteral("Favorite");

QString quotedIdentifier(const QString &name)
{
    QString escaped = name;
    escaped.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

bool isTimestamp(const QString &type)
{
    return type == QLatin1String("date") || type.startsWith(QLatin1String("timestamp"));
}

// The SELECT expressions for one source table: a column the table lacks reads as NULL, so the
// row is judged as if the field were empty.
class ColumnReader
{
public:
    explicit ColumnReader(QHash<QString, QString> types)
        : m_types(std::move(types))
    { }

    bool has(const QString &column) const { return m_types.contains(column); }

    // Any column as text (ids may be cuid strings or integers, tmdbId an int or a string).
    QString text(const QString &column) const
    {
        return has(column) ? quotedIdentifier(column) + QLatin1String("::text")
                           : QStringLiteral("NULL::text");
    }
    // A release date stored as a date or timestamp becomes YYYY-MM-DD; a string is read as is.
    QString date(const QString &column) const
    {
        if (has(column) && isTimestamp(m_types.value(column)))
            return QStringLiteral("to_char(%1, 'YYYY-MM-DD')").arg(quotedIdentifier(column));
        return text(column);
    }
    // A timestamp as milliseconds since the epoch. Prisma's DateTime is timestamp(3) without a
    // time zone, holding UTC: extract() reads it as UTC.
    QString epochMs(const QString &column) const
    {
        if (has(column) && isTimestamp(m_types.value(column)))
            return QStringLiteral("(extract(epoch FROM %1) * 1000)::bigint")
                .arg(quotedIdentifier(column));
        return QStringLiteral("NULL::bigint");
    }

private:
    QHash<QString, QString> m_types; // column -> data_type
};

std::optional<QString> optionalText(const QVariant &v)
{
    if (v.isNull())
        return std::nullopt;
    return v.toString();
}

// Prisma apps often store "" for "no poster" or "no date": read as null (as Marquee's routes
// read TMDB's "" release date), not refused.
std::optional<QString> optionalNonEmpty(const QVariant &v)
{
    auto s = optionalText(v);
    if (s && s->isEmpty())
        return std::nullopt;
    return s;
}

} // namespace

struct PrismaImport::UserMap
{
    QHash<QString, qint64> ids; // source "User".id -> Marquee users.id
    QSet<QString> refused; // source "User".id
};

std::optional<PrismaImport::Source> PrismaImport::parseSource(const QString &url, QString *error)
{
    auto parsed = DatabaseUrl::parse(url, error);
    if (!parsed)
        return std::nullopt;
    if (parsed->dialect != SqlDialect::Postgres) {
        if (error)
            *error = QStringLiteral("the original backend's database is a postgresql:// URL");
        return std::nullopt;
    }
    Source source {*parsed, QString()};
    source.schema = QUrlQuery(QUrl(url.trimmed()))
                        .queryItemValue(QStringLiteral("schema"), QUrl::FullyDecoded);
    return source;
}

PrismaImport::PrismaImport(Source source, Database &target, int maxItemsPerList)
    : m_source(std::move(source))
    , m_target(target)
    , m_maxItems(maxItemsPerList)
    , m_connectionName(
          QStringLiteral("marquee-import-%1").arg(reinterpret_cast<quintptr>(this), 0, 16))
{ }

PrismaImport::~PrismaImport()
{
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        if (db.isOpen()) {
            QSqlQuery(db).exec(QStringLiteral("ROLLBACK")); // nothing was written: nothing to keep
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

void PrismaImport::openSource()
{
    const DatabaseUrl &url = m_source.url;
    QSqlDatabase db = Database::connect(url, m_connectionName);
    QSqlQuery q(db);
    const auto exec = [&](const QString &sql) {
        if (!q.exec(sql))
            throw StoreError::unavailable(
                QStringLiteral("cannot read the database %1: %2")
                    .arg(url.describe(), q.lastError().text().simplified()));
    };
    // Read-only twice over: for the session, and for the one transaction everything is read in.
    exec(QStringLiteral("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"));
    if (!m_source.schema.isEmpty())
        exec(QStringLiteral("SET search_path TO %1").arg(quotedIdentifier(m_source.schema)));
    exec(QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    q.prepare(QStringLiteral("SELECT table_name::text, column_name::text, data_type::text FROM "
                             "information_schema.columns WHERE table_schema = current_schema() "
                             "AND table_name IN (?, ?, ?)"));
    q.addBindValue(kUser);
    q.addBindValue(kWatchlist);
    q.addBindValue(kFavorite);
    if (!q.exec())
        throw StoreError::failed(q, "reading the source's columns");
    m_columns.clear();
    while (q.next())
        m_columns[q.value(0).toString()].insert(q.value(1).toString(), q.value(2).toString());
    if (!m_columns.contains(kUser))
        throw StoreError::unavailable(
            QStringLiteral("%1 has no \"User\" table%2: is it the original backend's database?")
                .arg(url.describe(),
                    m_source.schema.isEmpty()
                        ? QString()
                        : QStringLiteral(" in schema \"%1\"").arg(m_source.schema)));
}

ImportReport PrismaImport::run()
{
    ImportReport report;
    UserMap users;
    importUsers(users, report);
    for (const QString &table : {kWatchlist, kFavorite}) {
        if (m_columns.contains(table))
            importItems(table, users, report);
        else
            report.notes << QStringLiteral(
                "the source has no \"%1\" table: nothing imported from it")
                                .arg(table);
    }
    return report;
}

static void requireColumns(
    const ColumnReader &columns, const QString &table, std::initializer_list<const char *> names)
{
    for (const char *name : names)
        if (!columns.has(QLatin1String(name)))
            throw StoreError::unavailable(
                QStringLiteral("the source's \"%1\" table has no \"%2\" column")
                    .arg(table, QLatin1String(name)));
}

void PrismaImport::importUsers(UserMap &users, ImportReport &report)
{
    const ColumnReader c(m_columns.value(kUser));
    requireColumns(c, kUser, {"id", "clerkId"});
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.setForwardOnly(true);
    const QString sql
        = QStringLiteral("SELECT %1, %2, %3, %4, %5, %6 FROM \"User\" ORDER BY %7 \"id\"")
              .arg(c.text(QStringLiteral("id")), c.text(QStringLiteral("clerkId")),
                  c.text(QStringLiteral("email")), c.text(QStringLiteral("firstName")),
                  c.text(QStringLiteral("lastName")), c.text(QStringLiteral("imageUrl")),
                  c.has(QStringLiteral("createdAt")) ? QStringLiteral("\"createdAt\",")
                                                     : QString());
    if (!q.exec(sql))
        throw StoreError::failed(q, "reading the source's users");
    UserStore store(m_target);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    while (q.next()) {
        const QString id = q.value(0).toString();
        ClerkProfile profile;
        profile.clerkId = q.value(1).toString().trimmed();
        if (profile.clerkId.isEmpty()) {
            users.refused.insert(id);
            report.refused.append({kUser, id, QStringLiteral("clerkId is missing")});
            continue;
        }
        if (const auto existing = store.findByClerkId(profile.clerkId)) {
            users.ids.insert(id, existing->id); // Marquee's own profile stays as it is
            ++report.usersMatched;
            continue;
        }
        profile.email = q.value(2).toString();
        profile.firstName = q.value(3).toString();
        profile.lastName = q.value(4).toString();
        profile.imageUrl = q.value(5).toString();
        // No version (updatedAt 0): Clerk's next profile for the user is applied whatever its date.
        const ProfileWrite written = store.applyClerkProfile(profile, now, true);
        if (written == ProfileWrite::Deleted) {
            const QString why = QStringLiteral("Clerk user %1 was deleted in Marquee (user.deleted "
                                               "webhook) and is not brought back")
                                    .arg(profile.clerkId);
            users.refused.insert(id);
            report.refused.append({kUser, id, why});
            continue;
        }
        const auto created = store.findByClerkId(profile.clerkId);
        if (!created)
            throw StoreError::unavailable(
                QStringLiteral("user %1 was not there after it was created").arg(profile.clerkId));
        users.ids.insert(id, created->id);
        ++report.usersCreated;
    }
}

void PrismaImport::importItems(const QString &table, const UserMap &users, ImportReport &report)
{
    const ListKind kind = table == kWatchlist ? ListKind::Watchlist : ListKind::Favorites;
    const ColumnReader c(m_columns.value(table));
    requireColumns(c, table, {"id", "userId"});
    const QString order = c.has(QStringLiteral("addedAt")) ? QStringLiteral("\"addedAt\", \"id\"")
                                                           : QStringLiteral("\"id\"");
    const QString sql
        = QStringLiteral("SELECT %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12 FROM %13 "
                         "ORDER BY %14")
              .arg(c.text(QStringLiteral("id")), c.text(QStringLiteral("userId")),
                  c.text(QStringLiteral("tmdbId")), c.text(QStringLiteral("contentType")),
                  c.text(QStringLiteral("title")), c.text(QStringLiteral("posterPath")),
                  c.text(QStringLiteral("backdropPath")), c.text(QStringLiteral("overview")),
                  c.date(QStringLiteral("releaseDate")))
              .arg(c.text(QStringLiteral("voteAverage")), c.text(QStringLiteral("note")),
                  c.epochMs(QStringLiteral("addedAt")), quotedIdentifier(table), order);
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.setForwardOnly(true);
    if (!q.exec(sql))
        throw StoreError::failed(q, "reading the source's list items");

    ListStore store(m_target);
    QHash<qint64, qint64> counts; // Marquee user id -> items in this list, read once
    while (q.next()) {
        const QString id = q.value(0).toString();
        const auto refuse = [&](const QString &why) { report.refused.append({table, id, why}); };
        const QString sourceUser = q.value(1).toString();
        if (users.refused.contains(sourceUser)) {
            refuse(QStringLiteral("its user %1 was refused").arg(sourceUser));
            continue;
        }
        if (!users.ids.contains(sourceUser)) {
            refuse(QStringLiteral("userId %1 is no row of \"User\"").arg(sourceUser));
            continue;
        }
        const qint64 userId = users.ids.value(sourceUser);

        ListItem item;
        if (const QVariant tmdbId = q.value(2); !tmdbId.isNull()) {
            bool ok = false;
            item.tmdbId = tmdbId.toString().trimmed().toLongLong(&ok);
            if (!ok) {
                refuse(
                    QStringLiteral("tmdbId \"%1\" is not a whole number").arg(tmdbId.toString()));
                continue;
            }
        }
        item.contentType = q.value(3).toString();
        item.title = q.value(4).toString();
        item.posterPath = optionalNonEmpty(q.value(5));
        item.backdropPath = optionalNonEmpty(q.value(6));
        item.overview = optionalText(q.value(7));
        item.releaseDate = optionalNonEmpty(q.value(8));
        if (const auto vote = optionalText(q.value(9))) {
            bool ok = false;
            item.voteAverage = vote->toDouble(&ok);
            if (!ok) {
                refuse(QStringLiteral("voteAverage \"%1\" is not a number").arg(*vote));
                continue;
            }
        }
        if (kind == ListKind::Watchlist)
            item.note = optionalText(q.value(10));
        item.addedAt = q.value(11).toLongLong(); // 0 (no addedAt): the time of the import
        if (const QString why = ListRules::violation(item, kind); !why.isEmpty()) {
            refuse(why);
            continue;
        }

        if (store.find(kind, userId, item.contentType, item.tmdbId)) {
            ++report.duplicates;
            continue;
        }
        auto count = counts.find(userId);
        if (count == counts.end())
            count = counts.insert(userId, store.count(kind, userId));
        if (*count >= m_maxItems) {
            refuse(QStringLiteral("the user's %1 is full (%2 titles, MARQUEE_LIST_MAX_ITEMS)")
                       .arg(kind == ListKind::Watchlist ? QStringLiteral("watchlist")
                                                        : QStringLiteral("favorites"))
                       .arg(m_maxItems));
            continue;
        }
        if (!store.add(kind, userId, item).created) {
            ++report.duplicates; // added meanwhile by a running server
            continue;
        }
        ++*count;
        ++(kind == ListKind::Watchlist ? report.watchlistImported : report.favoritesImported);
    }
}

} // namespace marquee
