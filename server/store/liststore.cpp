#include "liststore.h"

#include "database.h"
#include "log/categories.h"

#include <QDateTime>
#include <QHash>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringList>
#include <QThread>
#include <QVariant>

#include <mutex>

namespace marquee {

namespace {

// The table name is never user input: it comes from the enum, so building it into the SQL is safe.
QLatin1String table(ListKind kind)
{
    return kind == ListKind::Watchlist ? QLatin1String("watchlist") : QLatin1String("favorites");
}

// Column order is what readItem() expects.
QString columns(ListKind kind)
{
    QString c = QStringLiteral("id, tmdb_id, content_type, title, poster_path, backdrop_path, "
                               "overview, release_date, vote_average, added_at");
    if (kind == ListKind::Watchlist)
        c += QLatin1String(", note, watched, watched_at");
    return c;
}

// Every order ends on id so pages never overlap or skip rows that share a title or timestamp;
// the two title orders are exact mirrors of each other, as are the two addedAt orders.
QLatin1String orderBy(ListSort sort)
{
    switch (sort) {
    case ListSort::AddedAsc:
        return QLatin1String("added_at ASC, id ASC");
    case ListSort::TitleAsc:
        return QLatin1String("title ASC, id ASC");
    case ListSort::TitleDesc:
        return QLatin1String("title DESC, id DESC");
    case ListSort::AddedDesc:
        break;
    }
    return QLatin1String("added_at DESC, id DESC");
}

// A typed SQL NULL: drivers bind a null QVariant as NULL.
template<typename T> QVariant orNull(const std::optional<T> &value)
{
    return value ? QVariant::fromValue(*value) : QVariant(QMetaType::fromType<T>());
}

std::optional<QString> optString(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<QString>(v.toString());
}

ListItem readItem(const QSqlQuery &q, ListKind kind)
{
    ListItem item;
    item.id = q.value(0).toLongLong();
    item.tmdbId = q.value(1).toLongLong();
    item.contentType = q.value(2).toString();
    item.title = q.value(3).toString();
    item.posterPath = optString(q.value(4));
    item.backdropPath = optString(q.value(5));
    item.overview = optString(q.value(6));
    item.releaseDate = optString(q.value(7));
    if (!q.value(8).isNull())
        item.voteAverage = q.value(8).toDouble();
    item.addedAt = q.value(9).toLongLong();
    if (kind == ListKind::Watchlist) {
        item.note = optString(q.value(10));
        item.watched = q.value(11).toInt() != 0;
        if (!q.value(12).isNull())
            item.watchedAt = q.value(12).toLongLong();
    }
    return item;
}

[[noreturn]] void fail(const QSqlQuery &q, const char *what)
{
    throw StoreError::failed(q, what); // logged there
}

} // namespace

// Prepared statements, reused: preparing costs about three times as much as running one of these
// short queries. A connection belongs to one thread, so statements are kept per thread.
class StatementCache
{
public:
    explicit StatementCache(Database &db)
        : m_db(db)
    { }

    std::shared_ptr<QSqlQuery> get(const QString &sql)
    {
        QSqlDatabase connection = m_db.requireConnection();
        const Qt::HANDLE thread = QThread::currentThreadId();
        {
            // Held for the lookup only: a PREPARE (a round trip on PostgreSQL) on one event loop
            // never holds up another's statements.
            std::lock_guard lock(m_mutex);
            const std::shared_ptr<QSqlQuery> slot = m_byThread.value(thread).value(sql);
            // A statement of a connection that has since been closed (or replaced) is useless.
            if (slot && slot->driver() == connection.driver())
                return slot;
        }
        auto q = std::make_shared<QSqlQuery>(connection);
        // QPSQL fetches a forward-only result one row per round of PQgetResult (single-row
        // mode); a list page is small, and whole is quicker.
        q->setForwardOnly(m_db.dialect() != SqlDialect::Postgres);
        const bool prepared = q->prepare(sql);
        {
            std::lock_guard lock(m_mutex);
            auto &mine = m_byThread[thread];
            if (prepared)
                mine.insert(sql, q);
            else
                mine.remove(sql);
        }
        if (!prepared)
            fail(*q, "prepare");
        return q;
    }

    // The calling thread's statements go (before its connection closes).
    void forgetThread()
    {
        QHash<QString, std::shared_ptr<QSqlQuery>> mine;
        {
            std::lock_guard lock(m_mutex);
            mine = m_byThread.take(QThread::currentThreadId());
        }
        // Destroyed here, outside the lock (PostgreSQL deallocates each: a round trip).
    }

private:
    Database &m_db;
    std::mutex m_mutex;
    QHash<Qt::HANDLE, QHash<QString, std::shared_ptr<QSqlQuery>>> m_byThread;
};

namespace {

// A cached statement in use: finished when it goes, so SQLite holds no read snapshot and
// PostgreSQL no open portal between requests.
class Statement
{
public:
    explicit Statement(std::shared_ptr<QSqlQuery> q)
        : m_q(std::move(q))
    { }
    ~Statement() { m_q->finish(); }
    Q_DISABLE_COPY_MOVE(Statement)
    QSqlQuery &operator*() const { return *m_q; }

private:
    std::shared_ptr<QSqlQuery> m_q;
};

// SQLite, away from the writer's thread: the reads inside see one snapshot (a commit of the
// writer, the primary event loop, may land between two autocommitted reads of another loop).
// Elsewhere nothing: the writer's own thread sees no commit between its reads, and PostgreSQL
// reads the page and its total in one statement.
class ReadSnapshot
{
public:
    explicit ReadSnapshot(Database &db)
    {
        if (db.dialect() != SqlDialect::Sqlite || db.onOwnerThread())
            return;
        m_db = db.requireConnection();
        // BEGIN (deferred) takes no lock: the first read takes the snapshot.
        m_open = m_db.transaction();
    }
    ~ReadSnapshot()
    {
        if (m_open && !m_db.commit())
            m_db.rollback();
    }
    Q_DISABLE_COPY_MOVE(ReadSnapshot)

private:
    QSqlDatabase m_db;
    bool m_open = false;
};

} // namespace

ListStore::ListStore(Database &db)
    : m_db(db)
    , m_statements(std::make_unique<StatementCache>(db))
{ }

ListStore::~ListStore() = default;

void ListStore::releaseThread()
{
    m_statements->forgetThread();
}

static QString whereOwner(const std::optional<QString> &contentType)
{
    return contentType ? QStringLiteral(" WHERE user_id = ? AND content_type = ?")
                       : QStringLiteral(" WHERE user_id = ?");
}

static void bindOwner(QSqlQuery &q, qint64 userId, const std::optional<QString> &contentType)
{
    q.addBindValue(userId);
    if (contentType)
        q.addBindValue(*contentType);
}

ListPage ListStore::list(ListKind kind, const ListQuery &query)
{
    const qint64 offset = qint64(query.page - 1) * query.limit;
    // PostgreSQL: the total rides along with the page (one round trip, where the event loop
    // waits for each); SQLite answers the count apart, and only when the page cannot tell it.
    const bool postgres = m_db.dialect() == SqlDialect::Postgres;
    const ReadSnapshot snapshot(m_db); // the page and its count agree
    Statement st(m_statements->get(QLatin1String("SELECT ") + columns(kind)
        + (postgres ? QLatin1String(", COUNT(*) OVER ()") : QLatin1String())
        + QLatin1String(" FROM ") + table(kind) + whereOwner(query.contentType)
        + QLatin1String(" ORDER BY ") + orderBy(query.sort) + QLatin1String(" LIMIT ? OFFSET ?")));
    QSqlQuery &q = *st;
    bindOwner(q, query.userId, query.contentType);
    q.addBindValue(query.limit);
    q.addBindValue(offset);
    if (!q.exec())
        fail(q, "list read");
    ListPage page;
    page.items.reserve(qMin(query.limit, 100)); // an unpaged read asks for up to the whole cap
    qint64 total = -1;
    const int totalColumn = postgres ? q.record().count() - 1 : -1;
    while (q.next()) {
        page.items.append(readItem(q, kind));
        if (postgres)
            total = q.value(totalColumn).toLongLong();
    }
    if (total >= 0) {
        page.total = total;
        return page;
    }

    // A partly filled page (or an empty first page) already tells the total: skip the COUNT.
    const qint64 rows = page.items.size();
    if ((rows > 0 && rows < query.limit) || (rows == 0 && offset == 0)) {
        page.total = offset + rows;
        return page;
    }
    page.total = count(kind, query.userId, query.contentType);
    return page;
}

// The key `(added_at, id) > (a, i)` is spelled out rather than written as a row value, so it
// reads the same to every SQLite version and to PostgreSQL; `added_at >= a` in front lets both
// seek in the (user_id, added_at, id) index instead of filtering the user's rows from the start.
QList<ListItem> ListStore::listAddedAfter(
    ListKind kind, qint64 userId, qint64 afterAddedAt, qint64 afterId, int limit)
{
    Statement st(m_statements->get(QLatin1String("SELECT ") + columns(kind)
        + QLatin1String(" FROM ") + table(kind)
        + QLatin1String(" WHERE user_id = ? AND added_at >= ? AND (added_at > ? OR id > ?)"
                        " ORDER BY ")
        + orderBy(ListSort::AddedAsc) + QLatin1String(" LIMIT ?")));
    QSqlQuery &q = *st;
    q.addBindValue(userId);
    q.addBindValue(afterAddedAt);
    q.addBindValue(afterAddedAt);
    q.addBindValue(afterId);
    q.addBindValue(limit);
    if (!q.exec())
        fail(q, "list keyset read");
    QList<ListItem> items;
    items.reserve(qMin(limit, 1000));
    while (q.next())
        items.append(readItem(q, kind));
    return items;
}

qint64 ListStore::count(ListKind kind, qint64 userId, const std::optional<QString> &contentType)
{
    Statement st(m_statements->get(
        QLatin1String("SELECT COUNT(*) FROM ") + table(kind) + whereOwner(contentType)));
    QSqlQuery &c = *st;
    bindOwner(c, userId, contentType);
    if (!c.exec() || !c.next())
        fail(c, "list count");
    return c.value(0).toLongLong();
}

std::optional<ListItem> ListStore::find(
    ListKind kind, qint64 userId, const QString &contentType, qint64 tmdbId)
{
    Statement st(m_statements->get(QLatin1String("SELECT ") + columns(kind)
        + QLatin1String(" FROM ") + table(kind)
        + QLatin1String(" WHERE user_id = ? AND content_type = ? AND tmdb_id = ?")));
    QSqlQuery &q = *st;
    q.addBindValue(userId);
    q.addBindValue(contentType);
    q.addBindValue(tmdbId);
    if (!q.exec())
        fail(q, "list lookup");
    if (!q.next())
        return std::nullopt;
    return readItem(q, kind);
}

// INSERT first and let the unique constraint decide: a check-then-insert would let two
// processes sharing a PostgreSQL database both pass the check.
ListStore::AddResult ListStore::add(ListKind kind, qint64 userId, ListItem item, int cap)
{
    const bool watchlist = kind == ListKind::Watchlist;
    const bool postgres = m_db.dialect() == SqlDialect::Postgres;
    if (item.addedAt <= 0)
        item.addedAt = QDateTime::currentMSecsSinceEpoch();
    item.watched = false;
    item.watchedAt.reset();
    if (!watchlist)
        item.note.reset();
    // What the key says is there, when no row was made.
    auto notCreated = [&](bool checkCap) -> AddResult {
        if (auto existing = find(kind, userId, item.contentType, item.tmdbId))
            return {*existing, false, false};
        if (checkCap && cap > 0 && count(kind, userId) >= cap)
            return {item, false, true};
        return {item, false, false};
    };
    // SQLite (one writer): the cap is read first, as cheap as it is there.
    if (!postgres && cap > 0 && count(kind, userId) >= cap) {
        AddResult r = notCreated(false);
        r.full = !r.item.id;
        return r;
    }

    QString sql = QLatin1String("INSERT INTO ") + table(kind)
        + QLatin1String(" (user_id, content_type, tmdb_id, title, poster_path, backdrop_path, "
                        "overview, release_date, vote_average, added_at");
    const QString values = watchlist ? QStringLiteral("?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?")
                                     : QStringLiteral("?, ?, ?, ?, ?, ?, ?, ?, ?, ?");
    sql += watchlist ? QLatin1String(", note)") : QLatin1String(")");
    if (postgres) {
        // One statement: no row when the user is gone, the list is full, or the title is there
        // (ON CONFLICT: no error, so a write group on PostgreSQL survives a duplicate). QPSQL's
        // lastInsertId() reads OIDs, which BIGSERIAL tables do not have: RETURNING id.
        sql += QLatin1String(" SELECT ") + values
            + QLatin1String(" WHERE EXISTS (SELECT 1 FROM users WHERE id = ?)");
        if (cap > 0)
            sql += QLatin1String(" AND (SELECT COUNT(*) FROM ") + table(kind)
                + QLatin1String(" WHERE user_id = ?) < ?");
        sql += QLatin1String(
            " ON CONFLICT (user_id, content_type, tmdb_id) DO NOTHING RETURNING id");
    } else {
        sql += QLatin1String(" VALUES (") + values + QLatin1Char(')');
    }

    Statement st(m_statements->get(sql));
    QSqlQuery &q = *st;
    q.addBindValue(userId);
    q.addBindValue(item.contentType);
    q.addBindValue(item.tmdbId);
    q.addBindValue(item.title);
    q.addBindValue(orNull(item.posterPath));
    q.addBindValue(orNull(item.backdropPath));
    q.addBindValue(orNull(item.overview));
    q.addBindValue(orNull(item.releaseDate));
    q.addBindValue(orNull(item.voteAverage));
    q.addBindValue(item.addedAt);
    if (watchlist)
        q.addBindValue(orNull(item.note));
    if (postgres) {
        q.addBindValue(userId);
        if (cap > 0) {
            q.addBindValue(userId);
            q.addBindValue(cap);
        }
    }

    if (!q.exec()) {
        // Most likely the unique key: then the row that won is there to be read.
        if (auto existing = find(kind, userId, item.contentType, item.tmdbId))
            return {*existing, false, false};
        // The foreign key: the user went (another server deleted it a moment ago).
        const QSqlError error = q.lastError();
        if (error.nativeErrorCode() == QLatin1String("23503")
            || error.databaseText().contains(QLatin1String("FOREIGN KEY constraint failed")))
            throw StoreError(StoreError::Kind::UserGone,
                QStringLiteral("list insert for user %1, who no longer exists").arg(userId));
        fail(q, "list insert");
    }
    QVariant id;
    if (postgres) {
        if (!q.next()) {
            q.finish();
            AddResult r = notCreated(true);
            if (!r.item.id && !r.full)
                throw StoreError(StoreError::Kind::UserGone,
                    QStringLiteral("list insert for user %1, who no longer exists").arg(userId));
            return r;
        }
        id = q.value(0);
    } else {
        id = q.lastInsertId();
    }
    if (!id.isValid() || id.isNull())
        fail(q, "list insert id");
    item.id = id.toLongLong();
    return {item, true, false};
}

bool ListStore::removeById(ListKind kind, qint64 userId, qint64 id)
{
    Statement st(m_statements->get(QLatin1String("DELETE FROM ") + table(kind)
        + QLatin1String(" WHERE id = ? AND user_id = ?")));
    QSqlQuery &q = *st;
    q.addBindValue(id);
    q.addBindValue(userId);
    if (!q.exec())
        fail(q, "list delete");
    return q.numRowsAffected() > 0;
}

bool ListStore::removeByKey(ListKind kind, qint64 userId, const QString &contentType, qint64 tmdbId)
{
    Statement st(m_statements->get(QLatin1String("DELETE FROM ") + table(kind)
        + QLatin1String(" WHERE user_id = ? AND content_type = ? AND tmdb_id = ?")));
    QSqlQuery &q = *st;
    q.addBindValue(userId);
    q.addBindValue(contentType);
    q.addBindValue(tmdbId);
    if (!q.exec())
        fail(q, "list delete");
    return q.numRowsAffected() > 0;
}

// Marking an item watched twice keeps the first watchedAt (PATCH stays idempotent); unmarking
// clears it, so watched = 0 always goes with watched_at IS NULL.
static QString watchlistAssignments(const WatchlistChange &change)
{
    QStringList set;
    if (change.watched) {
        set << (*change.watched
                ? QStringLiteral("watched = 1, watched_at = COALESCE(watched_at, ?)")
                : QStringLiteral("watched = 0, watched_at = NULL"));
    }
    if (change.note)
        set << QStringLiteral("note = ?");
    return set.join(QLatin1String(", "));
}

std::optional<ListItem> ListStore::updateWatchlist(
    qint64 userId, const QString &contentType, qint64 tmdbId, const WatchlistChange &change)
{
    m_db.requireConnection(); // Unavailable before a transaction is tried
    std::optional<ListItem> updated;
    bool missing = false;
    // One transaction: the answer shows exactly the row this PATCH produced.
    const bool committed = m_db.transaction([&](QSqlDatabase &) {
        Statement st(
            m_statements->get(QLatin1String("UPDATE watchlist SET ") + watchlistAssignments(change)
                + QLatin1String(" WHERE user_id = ? AND content_type = ? AND tmdb_id = ?")));
        QSqlQuery &q = *st;
        if (change.watched && *change.watched)
            q.addBindValue(QDateTime::currentMSecsSinceEpoch());
        if (change.note)
            q.addBindValue(orNull(*change.note));
        q.addBindValue(userId);
        q.addBindValue(contentType);
        q.addBindValue(tmdbId);
        if (!q.exec())
            fail(q, "watchlist update");
        if (q.numRowsAffected() == 0) {
            missing = true;
            return false;
        }
        updated = find(ListKind::Watchlist, userId, contentType, tmdbId);
        return updated.has_value();
    });
    if (missing)
        return std::nullopt;
    if (!committed) {
        qCWarning(lcStore) << "watchlist update was not committed";
        throw StoreError(StoreError::Kind::Failed, QStringLiteral("a list update failed"));
    }
    return updated;
}

} // namespace marquee
