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

std::optional<QByteArray> ListPageCache::find(ListKind kind, const ListQuery &query) const
{
    if (!m_enabled)
        return std::nullopt;
    if (const auto it = m_pages.constFind(key(kind, query)); it != m_pages.constEnd())
        return it.value();
    return std::nullopt;
}

void ListPageCache::store(ListKind kind, const ListQuery &query, const QByteArray &page)
{
    if (!m_enabled)
        return;
    if (m_bytes > kMaxBytes || m_pages.size() > kMaxPages)
        clear();
    const QString k = key(kind, query);
    if (const auto it = m_pages.constFind(k); it != m_pages.constEnd())
        m_bytes -= it.value().size(); // stored again: replaced, not counted twice
    else
        m_keysByUser[query.userId].append(k);
    m_pages.insert(k, page);
    m_bytes += page.size();
}

void ListPageCache::forgetUser(qint64 userId)
{
    const QStringList keys = m_keysByUser.take(userId);
    for (const QString &k : keys)
        m_bytes -= m_pages.take(k).size();
}

void ListPageCache::clear()
{
    m_pages.clear();
    m_keysByUser.clear();
    m_bytes = 0;
}

} // namespace marquee
