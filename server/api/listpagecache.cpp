#include "listpagecache.h"

namespace marquee {

QString ListPageCache::key(ListKind kind, const ListQuery &query)
{
    return QStringLiteral("%1|%2|%3|%4|%5|%6")
        .arg(query.userId)
        .arg(int(kind))
        .arg(query.page)
        .arg(query.limit)
        .arg(query.contentType.value_or(QString()))
        .arg(int(query.sort));
}

std::optional<QByteArray> ListPageCache::find(
    ListKind kind, const ListQuery &query, quint64 *ticket) const
{
    *ticket = 0;
    if (!m_enabled)
        return std::nullopt;
    const QString k = key(kind, query);
    std::lock_guard lock(m_mutex);
    *ticket = m_clock;
    if (const auto it = m_pages.constFind(k); it != m_pages.constEnd())
        return it.value();
    return std::nullopt;
}

void ListPageCache::store(
    ListKind kind, const ListQuery &query, const QByteArray &page, quint64 ticket)
{
    if (!m_enabled)
        return;
    const QString k = key(kind, query);
    std::lock_guard lock(m_mutex);
    // Forgotten since the page was read: it may show rows as they were before a write.
    if (m_clearedAt > ticket || m_forgotAt.value(query.userId) > ticket)
        return;
    if (m_bytes > kMaxBytes || m_pages.size() > kMaxPages)
        clearLocked();
    if (const auto it = m_pages.constFind(k); it != m_pages.constEnd())
        m_bytes -= it.value().size(); // stored again: replaced, not counted twice
    else
        m_keysByUser[query.userId].append(k);
    m_pages.insert(k, page);
    m_bytes += page.size();
}

void ListPageCache::forgetUser(qint64 userId)
{
    if (!m_enabled)
        return;
    std::lock_guard lock(m_mutex);
    if (m_forgotAt.size() > kMaxPages) {
        clearLocked(); // bounded: one time for everyone stands for the users' own
        return;
    }
    m_forgotAt.insert(userId, ++m_clock);
    const QStringList keys = m_keysByUser.take(userId);
    for (const QString &k : keys)
        m_bytes -= m_pages.take(k).size();
}

void ListPageCache::clear()
{
    std::lock_guard lock(m_mutex);
    clearLocked();
}

void ListPageCache::clearLocked()
{
    m_clearedAt = ++m_clock;
    m_forgotAt.clear();
    m_pages.clear();
    m_keysByUser.clear();
    m_bytes = 0;
}

int ListPageCache::pages() const
{
    std::lock_guard lock(m_mutex);
    return int(m_pages.size());
}

qint64 ListPageCache::bytes() const
{
    std::lock_guard lock(m_mutex);
    return m_bytes;
}

} // namespace marquee
