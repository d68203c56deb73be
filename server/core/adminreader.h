#pragma once

#include "adminbackend.h"
#include "tmdb/contentcache.h"

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace marquee {

class Database;

// The admin window's reads that cost a scan (users matching a filter, the cache table's rows per
// category, counts, the database's size) on a thread of their own with a database connection of
// its own, so that a large cache or user table never stalls serving on the server's thread.
// Requests of each kind are coalesced (the newest wins); results come back through the callbacks,
// called on the reader's thread. stop() (and the destructor) waits for the read in progress,
// closes the reader's connection and joins: call it before the database is closed.
//
// @code
// AdminReader reader(db, &catalogue->cache());
// reader.onUsers = [](UserPage page) { ... };        // under your own lock
// reader.requestUsers(7, UserQuery {QStringLiteral("alice"), 0, 100});
// @endcode
class AdminReader
{
public:
    struct Counts
    {
        qint64 users = 0;
        qint64 watchlist = 0;
        qint64 favorites = 0;
        qint64 databaseBytes = -1;
        QList<ContentCache::CategoryStats> stored; // content_cache rows per category
        bool ok = false; // false: the database failed; the numbers are not meaningful
    };

    AdminReader(Database &db, ContentCache *cache);
    ~AdminReader();
    Q_DISABLE_COPY_MOVE(AdminReader)

    void requestCounts();
    void requestUsers(quint64 requestId, const UserQuery &query);
    void stop();

    std::function<void(const Counts &)> onCounts;
    std::function<void(const UserPage &)> onUsers;

private:
    void run();
    Counts readCounts();
    UserPage readUsers(quint64 requestId, UserQuery query);

    Database &m_db;
    ContentCache *m_cache;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    bool m_countsWanted = false;
    std::optional<std::pair<quint64, UserQuery>> m_users;
    std::thread m_thread;
};

} // namespace marquee
