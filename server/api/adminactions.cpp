#include "adminactions.h"

#include "auth/clerkauthenticator.h"
#include "log/categories.h"
#include "store/userstore.h"
#include "tmdb/catalogueservice.h"

#include <QDateTime>

namespace marquee {

qint64 AdminActions::purgeCache(const QString &category)
{
    if (!m_catalogue)
        return 0;
    ContentCache &cache = m_catalogue->cache();
    qint64 purged = 0;
    if (category.isEmpty()) {
        purged = cache.databaseEntries() + (m_catalogue->isDemo() ? cache.memoryEntries() : 0);
        cache.clear();
    } else {
        purged = cache.clearCategory(category);
    }
    qCInfo(lcCache).noquote() << QStringLiteral("an administrator purged %1 cache entries (%2)")
                                     .arg(purged)
                                     .arg(category.isEmpty() ? QStringLiteral("all") : category);
    return purged;
}

qint64 AdminActions::pruneExpired()
{
    if (!m_catalogue)
        return 0;
    const qint64 removed = m_catalogue->cache().removeExpired();
    qCInfo(lcCache) << "an administrator pruned" << removed << "expired cache entries";
    return removed;
}

int AdminActions::signOutEverywhere(qint64 userId)
{
    const auto user = m_users.findById(userId);
    if (!user)
        return -1;
    const QStringList sids = m_users.revokeAllSessions(userId, QDateTime::currentMSecsSinceEpoch());
    for (const QString &sid : sids)
        m_auth.forgetEndedSession(sid);
    m_auth.forgetUser(user->clerkId);
    qCInfo(lcAuth) << "an administrator signed user" << userId << "out of" << sids.size()
                   << "session(s)";
    return int(sids.size());
}

bool AdminActions::deleteUser(qint64 userId)
{
    const auto user = m_users.findById(userId);
    if (!user || !m_users.deleteUser(userId))
        return false;
    m_auth.forgetUser(user->clerkId);
    qCInfo(lcAuth) << "an administrator deleted user" << userId << "and their lists";
    return true;
}

} // namespace marquee
