#pragma once

#include "storeerror.h"

#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace marquee {

class Database;
class StatementCache;

// The two per-user title lists (docs/api.md, "User routes"). They share one shape; only the
// watchlist has note / watched / watchedAt.
enum class ListKind { Watchlist, Favorites };

enum class ListSort { AddedDesc, AddedAsc, TitleAsc, TitleDesc };

// One row of `watchlist` or `favorites`. Optional fields are SQL NULL when empty (nullopt).
struct ListItem
{
    qint64 id = 0;
    qint64 tmdbId = 0;
    QString contentType; // "movie" | "tv"
    QString title;
    std::optional<QString> posterPath;
    std::optional<QString> backdropPath;
    std::optional<QString> overview;
    std::optional<QString> releaseDate; // YYYY-MM-DD
    std::optional<double> voteAverage;
    qint64 addedAt = 0; // ms since the epoch, UTC
    // Watchlist only.
    std::optional<QString> note;
    bool watched = false;
    std::optional<qint64> watchedAt;
};

struct ListQuery
{
    qint64 userId = 0;
    std::optional<QString> contentType; // filter; nullopt = both
    ListSort sort = ListSort::AddedDesc;
    int page = 1; // 1-based
    int limit = 20;
};

struct ListPage
{
    QList<ListItem> items;
    qint64 total = 0; // matching rows over all pages
};

// A PATCH of a watchlist item: only the fields given change.
struct WatchlistChange
{
    std::optional<bool> watched;
    std::optional<std::optional<QString>> note; // outer: given; inner nullopt: set to NULL
};

// All SQL of both lists. Every statement is prepared once per thread and reused, and keyed by
// the owner's user id, so one user can never reach another's rows; list reads are one indexed query
// (+ one COUNT when the page alone cannot tell the total). Writes are single autocommitted
// statements (or one transaction), so they have been committed when the method returns. A failure
// is a StoreError (storeerror.h): Unavailable without a connection, Failed when a statement fails.
class ListStore
{
public:
    explicit ListStore(Database &db);
    ~ListStore();
    Q_DISABLE_COPY_MOVE(ListStore)

    // Any thread may use the store (each on its own connection, Database::connection()); a thread
    // other than the owner's calls this before it closes its connection and ends.
    void releaseThread();

    ListPage list(ListKind kind, const ListQuery &query);
    // Up to `limit` of the user's items in the order they were added (addedAt, then id), after
    // the item (afterAddedAt, afterId); (0, 0) starts at the oldest. Keyset paging: an item
    // removed between two calls moves no other item, so a walk with the last item read as the
    // next key sees every item that stays in the list exactly once; each call is one indexed
    // query, however far into the list it starts (no OFFSET, no COUNT).
    QList<ListItem> listAddedAfter(
        ListKind kind, qint64 userId, qint64 afterAddedAt, qint64 afterId, int limit);
    // The user's items in the list (of one content type when given).
    qint64 count(ListKind kind, qint64 userId, const std::optional<QString> &contentType = {});
    std::optional<ListItem> find(
        ListKind kind, qint64 userId, const QString &contentType, qint64 tmdbId);

    struct AddResult
    {
        ListItem item; // the new row, or the one already there
        bool created = false;
        bool full = false; // not created: the list holds `cap` titles already (and not this one)
    };
    // Inserts item (its id is assigned here, and addedAt unless the item brings one: an import
    // keeps the original's). A duplicate key is detected by the unique constraint, not by a prior
    // read, so two writers cannot both insert. With cap > 0, a list already holding cap titles
    // takes no more (a duplicate is still reported as one). On PostgreSQL the checks and the
    // insert are one statement (one round trip, and no error to abort a write group); a user
    // deleted meanwhile throws StoreError::UserGone.
    AddResult add(ListKind kind, qint64 userId, ListItem item, int cap = 0);

    // False when there was no such row of this user.
    bool removeById(ListKind kind, qint64 userId, qint64 id);
    bool removeByKey(ListKind kind, qint64 userId, const QString &contentType, qint64 tmdbId);

    // The updated item, or nullopt when the user has no such item.
    std::optional<ListItem> updateWatchlist(
        qint64 userId, const QString &contentType, qint64 tmdbId, const WatchlistChange &change);

private:
    Database &m_db;
    std::unique_ptr<StatementCache> m_statements;
};

} // namespace marquee
