#include "adminreader.h"

#include "store/database.h"
#include "store/storeerror.h"
#include "store/userstore.h"

namespace marquee {

AdminReader::AdminReader(Database &db, ContentCache *cache)
    : m_db(db)
    , m_cache(cache)
{
    m_thread = std::thread([this] { run(); });
}

AdminReader::~AdminReader()
{
    stop();
}

void AdminReader::requestCounts()
{
    {
        std::lock_guard lock(m_mutex);
        m_countsWanted = true;
    }
    m_wake.notify_one();
}

void AdminReader::requestUsers(quint64 requestId, const UserQuery &query)
{
    {
        std::lock_guard lock(m_mutex);
        m_users = std::make_pair(requestId, query);
    }
    m_wake.notify_one();
}

void AdminReader::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable())
        m_thread.join();
}

void AdminReader::run()
{
    for (;;) {
        bool counts = false;
        std::optional<std::pair<quint64, UserQuery>> users;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || m_countsWanted || m_users; });
            if (m_stop)
                break;
            counts = std::exchange(m_countsWanted, false);
            users.swap(m_users);
        }
        // Users first: someone is waiting for that answer; the counts are a refresh.
        if (users && onUsers)
            onUsers(readUsers(users->first, users->second));
        if (counts && onCounts)
            onCounts(readCounts());
    }
    m_db.closeThreadConnection();
}

AdminReader::Counts AdminReader::readCounts()
{
    Counts c;
    try {
        UserStore users(m_db);
        c.users = users.userCount();
        const UserStore::Counts lists = users.listItemTotals();
        c.watchlist = lists.watchlist;
        c.favorites = lists.favorites;
        c.databaseBytes = m_db.sizeBytes();
        if (m_cache)
            c.stored = m_cache->databaseStats(); // this thread's connection
        c.ok = true;
    } catch (const StoreError &) {
        // The health snapshot says the database is in trouble; these counts are skipped.
    }
    return c;
}

UserPage AdminReader::readUsers(quint64 requestId, UserQuery query)
{
    UserPage page;
    page.requestId = requestId;
    query.limit = qBound(1, query.limit, 1000);
    query.offset = qMax<qint64>(0, query.offset);
    page.query = query;
    try {
        UserStore users(m_db);
        for (const UserSummary &s :
            users.findUsers(query.filter, query.offset, query.limit, &page.total)) {
            const UserRecord &u = s.user;
            QString name = u.displayName;
            if (name.isEmpty())
                name = QStringList {u.firstName, u.lastName}.join(QLatin1Char(' ')).trimmed();
            page.users.append(UserView {u.id, u.clerkId, u.email, name, u.createdAt, u.lastSeenAt,
                s.watchlist, s.favorites, s.activeSessions});
        }
    } catch (const StoreError &e) {
        page.users.clear();
        page.error = e.message();
    }
    return page;
}

} // namespace marquee
