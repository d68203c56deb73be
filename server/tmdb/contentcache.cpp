#include "contentcache.h"

#include "log/categories.h"
#include "store/database.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QMap>
#include <QSqlError>
#include <QSqlQuery>

namespace marquee {

ContentCache::ContentCache(Database *db, qint64 memoryBudgetBytes)
    : m_db(db)
    , m_budget(memoryBudgetBytes)
{ }

QByteArray ContentCache::makeEtag(const QByteArray &body)
{
    const QByteArray hash = QCryptographicHash::hash(body, QCryptographicHash::Sha1);
    return '"' + hash.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
        + '"';
}

void ContentCache::remember(const QString &key, CacheEntry entry)
{
    if (entry.status == 200 && entry.envelope.isEmpty() && m_envelope)
        entry.envelope = m_envelope(entry.body); // outside the lock: it copies the body
    std::unique_lock lock(m_memory);
    if (auto it = m_index.find(key); it != m_index.end()) {
        m_memoryBytes -= it.value()->second.cost();
        m_lru.erase(it.value());
        m_index.erase(it);
    }
    if (entry.cost() > m_budget)
        return;
    m_lru.emplace_front(key, entry);
    m_index.insert(key, m_lru.begin());
    m_memoryBytes += entry.cost();
    while (m_memoryBytes > m_budget && !m_lru.empty()) {
        m_memoryBytes -= m_lru.back().second.cost();
        m_index.remove(m_lru.back().first);
        m_lru.pop_back();
    }
}

std::optional<CacheEntry> ContentCache::getFromMemory(const QString &key)
{
    std::unique_lock lock(m_memory);
    if (auto it = m_index.find(key); it != m_index.end()) {
        m_lru.splice(m_lru.begin(), m_lru, it.value()); // most recently used
        return m_lru.front().second;
    }
    return std::nullopt;
}

std::optional<CacheEntry> ContentCache::get(const QString &key)
{
    if (auto e = getFromMemory(key))
        return e;
    if (!m_db)
        return std::nullopt;
    QSqlQuery q(m_db->connection());
    q.prepare(QStringLiteral("SELECT status, body, etag, category, fetched_at, expires_at FROM "
                             "content_cache WHERE cache_key = ?"));
    q.addBindValue(key);
    if (!q.exec()) {
        qCWarning(lcCache) << "cache read failed:" << q.lastError().text();
        return std::nullopt;
    }
    if (!q.next())
        return std::nullopt;
    CacheEntry e;
    e.status = q.value(0).toInt();
    e.body = q.value(1).toByteArray();
    e.etag = q.value(2).toByteArray();
    e.category = q.value(3).toString();
    e.fetchedAt = q.value(4).toLongLong();
    e.expiresAt = q.value(5).toLongLong();
    remember(key, e);
    return e;
}

void ContentCache::put(const QString &key, const CacheEntry &entry, bool persist)
{
    remember(key, entry);
    if (!persist || !m_db)
        return;
    QSqlQuery q(m_db->connection());
    q.prepare(QStringLiteral(
        "INSERT INTO content_cache (cache_key, category, status, body, etag, fetched_at, "
        "expires_at, size_bytes) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (cache_key) DO UPDATE SET category = excluded.category, status = "
        "excluded.status, "
        "body = excluded.body, etag = excluded.etag, fetched_at = excluded.fetched_at, "
        "expires_at = excluded.expires_at, size_bytes = excluded.size_bytes"));
    q.addBindValue(key);
    q.addBindValue(entry.category);
    q.addBindValue(entry.status);
    q.addBindValue(entry.body);
    q.addBindValue(QString::fromLatin1(entry.etag));
    q.addBindValue(entry.fetchedAt);
    q.addBindValue(entry.expiresAt);
    q.addBindValue(qint64(entry.body.size()));
    if (!q.exec())
        qCWarning(lcCache) << "cache write failed:" << q.lastError().text();
}

void ContentCache::clear()
{
    m_countedAtMs = -1; // /health counts again at once
    {
        std::unique_lock lock(m_memory);
        m_lru.clear();
        m_index.clear();
        m_memoryBytes = 0;
    }
    if (m_db)
        QSqlQuery(m_db->connection()).exec(QStringLiteral("DELETE FROM content_cache"));
}

qint64 ContentCache::removeWhere(const std::function<bool(const CacheEntry &)> &match,
    const QString &whereSql, const QVariant &bound, const char *what)
{
    m_countedAtMs = -1; // /health counts again at once
    qint64 removed = 0;
    std::unique_lock lock(m_memory);
    for (auto it = m_lru.begin(); it != m_lru.end();) {
        if (!match(it->second)) {
            ++it;
            continue;
        }
        m_memoryBytes -= it->second.cost();
        m_index.remove(it->first);
        it = m_lru.erase(it);
        ++removed;
    }
    lock.unlock();
    if (!m_db)
        return removed;
    QSqlQuery q(m_db->connection());
    q.prepare(QStringLiteral("DELETE FROM content_cache WHERE ") + whereSql);
    q.addBindValue(bound);
    if (!q.exec()) {
        qCWarning(lcCache) << what << "failed:" << q.lastError().text();
        return removed;
    }
    // An entry in both layers is counted once: the rows are what the statistics count.
    return qMax<qint64>(removed, q.numRowsAffected());
}

qint64 ContentCache::clearCategory(const QString &category)
{
    return removeWhere([&category](const CacheEntry &e) { return e.category == category; },
        QStringLiteral("category = ?"), category, "cache purge");
}

qint64 ContentCache::removeExpired()
{
    const qint64 nowMs = now();
    return removeWhere([nowMs](const CacheEntry &e) { return !e.isFresh(nowMs); },
        QStringLiteral("expires_at <= ?"), nowMs, "cache prune");
}

QList<ContentCache::CategoryStats> ContentCache::memoryStats() const
{
    const qint64 nowMs = now();
    QMap<QString, CategoryStats> by;
    std::unique_lock lock(m_memory);
    for (const auto &[key, entry] : m_lru) {
        CategoryStats &s = by[entry.category];
        s.category = entry.category;
        ++s.entries;
        s.bytes += entry.cost();
        if (!entry.isFresh(nowMs))
            ++s.expired;
    }
    return by.values();
}

int ContentCache::prune(qint64 deadForMs, qint64 maxRows)
{
    if (!m_db)
        return 0;
    QSqlQuery q(m_db->connection());
    q.prepare(QStringLiteral("DELETE FROM content_cache WHERE expires_at < ?"));
    q.addBindValue(now() - deadForMs);
    if (!q.exec()) {
        qCWarning(lcCache) << "cache prune failed:" << q.lastError().text();
        return 0;
    }
    int removed = q.numRowsAffected();
    // The key space is the clients' to choose (discover filters): the table is capped, and the
    // entries that expire first go first.
    const qint64 excess = databaseEntries() - maxRows;
    if (maxRows > 0 && excess > 0) {
        q.prepare(
            QStringLiteral("DELETE FROM content_cache WHERE cache_key IN "
                           "(SELECT cache_key FROM content_cache ORDER BY expires_at LIMIT ?)"));
        q.addBindValue(excess);
        if (q.exec())
            removed += q.numRowsAffected();
    }
    m_countedAtMs = -1;
    return removed;
}

QList<ContentCache::CategoryStats> ContentCache::databaseStats()
{
    QList<CategoryStats> out;
    if (!m_db)
        return out;
    QSqlQuery q(m_db->connection());
    q.prepare(QStringLiteral("SELECT category, COUNT(*), COALESCE(SUM(size_bytes), 0), "
                             "SUM(CASE WHEN expires_at < ? THEN 1 ELSE 0 END) FROM content_cache "
                             "GROUP BY category ORDER BY category"));
    q.addBindValue(now());
    if (!q.exec())
        return out;
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toLongLong(),
            q.value(3).toLongLong()});
    return out;
}

bool ContentCache::addCounter(const QString &name, qint64 delta)
{
    if (!m_db)
        return false;
    QSqlQuery q(m_db->connection());
    q.prepare(QStringLiteral("INSERT INTO cache_counters (name, value) VALUES (?, ?) "
                             "ON CONFLICT (name) DO UPDATE SET value = cache_counters.value + "
                             "excluded.value"));
    q.addBindValue(name);
    q.addBindValue(delta);
    if (!q.exec()) {
        qCWarning(lcCache) << "cache counter" << name << "not saved:" << q.lastError().text();
        return false;
    }
    return true;
}

QList<std::pair<QString, qint64>> ContentCache::counters()
{
    QList<std::pair<QString, qint64>> out;
    if (!m_db)
        return out;
    QSqlQuery q(m_db->connection());
    if (!q.exec(QStringLiteral("SELECT name, value FROM cache_counters ORDER BY name")))
        return out;
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toLongLong()});
    return out;
}

qint64 ContentCache::databaseEntries()
{
    if (!m_db)
        return 0;
    QSqlQuery q(m_db->connection());
    if (q.exec(QStringLiteral("SELECT COUNT(*) FROM content_cache")) && q.next())
        return q.value(0).toLongLong();
    return 0;
}

qint64 ContentCache::approximateEntries()
{
    // /health is unauthenticated and unlimited: it must not count a large table on every call.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_countedAtMs < 0 || now - m_countedAtMs > 10000) {
        m_counted = databaseEntries();
        m_countedAtMs = now;
    }
    return m_counted;
}

} // namespace marquee
