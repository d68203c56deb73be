#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QString>
#include <QVariant>

#include <atomic>
#include <functional>
#include <list>
#include <mutex>
#include <optional>

namespace marquee {

class Database;

struct CacheEntry
{
    int status = 200; // 200, or 404 for a remembered missing title
    QByteArray body; // enriched TMDB payload (the envelope's data)
    QByteArray envelope; // memory layer only: the body as served (see setEnvelope), or empty
    QByteArray etag; // strong, quoted
    QString category;
    qint64 fetchedAt = 0; // ms since epoch
    qint64 expiresAt = 0;
    bool isFresh(qint64 nowMs) const { return nowMs < expiresAt; }
    qint64 cost() const { return body.size() + envelope.size() + 128; }
};

// Two layers: a bounded in-memory LRU in front of the database's content_cache table. An entry
// past its time stays readable (for stale-if-error) until pruned; storing a key again updates its
// row (upsert), never inserts a second one.
//
// Threads: the memory layer may be read from any thread (getFromMemory(), memoryBytes(),
// memoryEntries(), memoryStats()); it is guarded by one lock held only for a hash lookup and a
// list splice (a reader copies the entry's implicitly shared bytes, never the bytes). Everything
// that touches the database runs on the owner's thread. setClock() and setEnvelope() are set
// before serving.
class ContentCache
{
public:
    ContentCache(Database *db, qint64 memoryBudgetBytes);

    // The time freshness is judged by (ms since the epoch): the real time unless a test sets a
    // clock of its own.
    // Any thread. A test sets its clock once, before the requests that depend on it.
    qint64 now() const
    {
        return m_hasClock.load(std::memory_order_acquire) ? m_clock()
                                                          : QDateTime::currentMSecsSinceEpoch();
    }
    void setClock(std::function<qint64()> nowMs)
    {
        m_clock = std::move(nowMs);
        m_hasClock.store(bool(m_clock), std::memory_order_release);
    }

    // The form a 200 body is served in (the API's success envelope). The memory layer keeps each
    // body in that form too, built once when the entry enters memory, so that a hit is written
    // without copying. The cache does not know that form, the API layer does; without it (or for
    // an entry that entered memory before it was set) no envelope is kept.
    using Envelope = std::function<QByteArray(const QByteArray &body)>;
    void setEnvelope(Envelope wrap) { m_envelope = std::move(wrap); }

    std::optional<CacheEntry> get(const QString &key);
    // The memory layer alone; any thread.
    std::optional<CacheEntry> getFromMemory(const QString &key);
    void put(const QString &key, const CacheEntry &entry, bool persist);
    void clear(); // both layers
    // One category's entries (CacheEntry::category), from both layers; returns how many went.
    qint64 clearCategory(const QString &category);
    // Rows expired longer than deadForMs, then the soonest-expiring beyond maxRows; returns rows
    // removed.
    int prune(qint64 deadForMs, qint64 maxRows = 0);
    qint64 memoryBytes() const
    {
        std::unique_lock lock(m_memory);
        return m_memoryBytes;
    }
    int memoryEntries() const
    {
        std::unique_lock lock(m_memory);
        return int(m_index.size());
    }

    struct CategoryStats
    {
        QString category;
        qint64 entries = 0;
        qint64 bytes = 0;
        qint64 expired = 0;
    };
    QList<CategoryStats> databaseStats();
    QList<CategoryStats> memoryStats() const; // the memory layer, by category (ordered by name)
    // Every expired entry of both layers (not only the long-dead ones prune() takes); returns
    // how many rows and memory entries went.
    qint64 removeExpired();
    qint64 databaseEntries();
    qint64 approximateEntries(); // databaseEntries(), counted at most every 10 s

    // Named counters kept in the database (cache_counters), summed over restarts and servers:
    // adds a delta (owner's thread; false when it could not), and reads them all.
    bool addCounter(const QString &name, qint64 delta);
    QList<std::pair<QString, qint64>> counters();

    static QByteArray makeEtag(const QByteArray &body);

private:
    using Lru = std::list<std::pair<QString, CacheEntry>>;
    void remember(const QString &key, CacheEntry entry);
    // Removes the memory entries `match` accepts and the rows `whereSql` (one `?`, bound to
    // `bound`) selects; returns the larger count (what clearCategory/removeExpired report).
    qint64 removeWhere(const std::function<bool(const CacheEntry &)> &match,
        const QString &whereSql, const QVariant &bound, const char *what);

    Database *m_db;
    std::function<qint64()> m_clock; // empty: the real time
    std::atomic<bool> m_hasClock {false}; // m_clock is set (published to other threads)
    Envelope m_envelope; // empty: none kept
    qint64 m_budget;
    mutable std::mutex m_memory; // guards m_memoryBytes, m_lru, m_index
    qint64 m_memoryBytes = 0;
    qint64 m_counted = 0;
    qint64 m_countedAtMs = -1;
    Lru m_lru; // front = most recently used
    QHash<QString, Lru::iterator> m_index;
};

} // namespace marquee
