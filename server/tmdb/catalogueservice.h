#pragma once

#include "contentcache.h"
#include "imageurls.h"
#include "upstream.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <array>
#include <atomic>
#include <functional>
#include <mutex>
#include <optional>

namespace marquee {

struct Config;
class Database;
class DemoCatalogue;
class Mailbox;
class TmdbClient;

// Freshness classes (docs/api.md, "Cache policy").
enum class CacheCategory { Trending, Lists, Details, Reference, Search };
inline constexpr int kCacheCategoryCount = 5;
QString categoryName(CacheCategory category);

// Why the catalogue has no answer, in the catalogue's own terms: the API layer decides which HTTP
// status and error code each kind becomes (api/catalogueerrors.h). The message says what happened
// in words fit for a client; it never contains the TMDB key.
struct CatalogueError
{
    enum class Kind {
        NotFound, // TMDB has no such title, season, episode or person (remembered for a while)
        KeyRejected, // TMDB refused the server's key (HTTP 401)
        Timeout, // TMDB did not answer in time, or the throttle's queue was full
        Unreachable, // no answer at all (network error)
        RateLimited, // TMDB kept answering 429 after the client's retries
        BadAnswer, // any other error status from TMDB
    };
    Kind kind = Kind::BadAnswer;
    QString message;
};

// One catalogue answer: the enriched TMDB payload and its freshness, or an error. `envelope` is
// the payload in the form it is served in when the cache's memory layer holds it (see
// ContentCache::setEnvelope); empty otherwise.
struct CatalogueAnswer
{
    enum class Source { Hit, Miss, Stale };
    Source source = Source::Miss;
    QByteArray data; // enriched TMDB payload: the envelope's data
    QByteArray envelope; // the served form of data, shared with the cache; may be empty
    QByteArray etag;
    qint64 maxAgeSeconds = 0;
    bool demo = false;
    std::optional<CatalogueError> error;
};

struct CatalogueStats
{
    quint64 hits = 0;
    quint64 misses = 0;
    quint64 stale = 0; // answers from an expired entry: TMDB failed, or a revalidation runs
    quint64 coalesced = 0; // requests that joined an upstream call already under way
    quint64 upstreamCalls = 0;
    quint64 upstreamErrors = 0;
    quint64 notFound = 0;
    quint64 refreshedAhead = 0; // background calls for a fresh entry in the last 10% of its TTL
    quint64 revalidated = 0; // background calls behind a stale-while-revalidate answer
    quint64 warmed = 0; // background calls of the warm-up (home rows)
    double hitRatio() const
    {
        const quint64 total = hits + misses + stale;
        return total ? double(hits) / double(total) : 0.0;
    }
};

// The catalogue behind every /api/movies, /api/tv, ... route: cache first, then one upstream
// call per key however many clients wait for it (single flight), stale-if-error, a short memory
// of TMDB 404s. Without a TMDB key the built-in demo catalogue is the upstream.
// Why /health and `marquee cache stats` count different entries in demo mode (both say it).
inline const char *const kDemoCacheNote
    = "demo catalogue (no TMDB_API_KEY): its answers are cached in the server's memory only, "
      "never in the database, so `marquee cache stats` does not count them";

//
// Threads: fetch() may be called on any thread. A fresh (or stale-while-revalidate) entry of the
// memory layer is answered on the caller's thread; anything else is handed to the service's own
// thread (upstream calls, single flight, the database layer) and `done` runs there: a caller on
// another thread brings the answer home itself (Exchange::runAtHome). Statistics are atomic.
class CatalogueService : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const CatalogueAnswer &)>;
    // One of the home rows the warm-up keeps in the cache.
    struct WarmItem
    {
        UpstreamRequest request;
        CacheCategory category;
    };

    // `demo` is the upstream when config has no TMDB key (then it must be set), unused otherwise;
    // it is not owned and must outlive the service.
    CatalogueService(
        const Config &config, Database *db, const DemoCatalogue *demo, QObject *parent = nullptr);
    ~CatalogueService() override;
    Q_DISABLE_COPY_MOVE(CatalogueService)

    // allowStale false: the client sent Cache-Control: no-cache, and an expired entry is not
    // answered while it is revalidated (it still is when TMDB fails: stale-if-error).
    void fetch(const UpstreamRequest &request, CacheCategory category, Callback done,
        bool allowStale = true);

    // Fetches these in the background now, and again whenever one is missing or in the last 10%
    // of its freshness (checked every few seconds), within the upstream throttle.
    void startWarmup(QList<WarmItem> items);
    // True once every warm-up item has been answered at least once (cached or failed).
    bool warmupDone() const { return m_warmupPending.load() == 0 && !m_warm.isEmpty(); }

    bool isDemo() const { return m_demo; }
    QString status() const; // ok | offline | demo (docs/api.md)
    CatalogueStats stats() const { return m_stats.snapshot(); }
    // The same counts for one freshness class (hits, misses, stale serves, ...).
    CatalogueStats stats(CacheCategory category) const
    {
        return m_categoryStats[size_t(category)].snapshot();
    }
    qint64 ttlMs(CacheCategory category) const; // the freshness in force
    ContentCache &cache() { return m_cache; }
    const ImageUrls &images() const { return m_images; }
    int inFlightKeys() const { return int(m_waiting.size()); }
    int prune();
    // Adds what the counters gained since the last time to the database's cache_counters (every
    // 10 s, and at shutdown): `marquee cache stats` reads them.
    void saveCounters();

    static constexpr qint64 kNotFoundMemoMs = 5 * 60 * 1000;
    static constexpr qint64 kPruneAfterDeadMs = 7LL * 24 * 3600 * 1000;
    static constexpr qint64 kMaxDatabaseEntries = 200000;

private:
    struct Counters
    {
        std::atomic<quint64> hits {0}, misses {0}, stale {0}, coalesced {0}, upstreamCalls {0},
            upstreamErrors {0}, notFound {0}, refreshedAhead {0}, revalidated {0}, warmed {0};
        CatalogueStats snapshot() const;
    };
    using Counter = std::atomic<quint64> Counters::*;
    void count(CacheCategory category, Counter counter)
    {
        (m_stats.*counter).fetch_add(1, std::memory_order_relaxed);
        (m_categoryStats[size_t(category)].*counter).fetch_add(1, std::memory_order_relaxed);
    }
    enum class Refresh { Ahead, Revalidate, Warmup };
    QString keyOf(const UpstreamRequest &request) const;
    // The answer from an entry of the memory layer, if it can be given now (fresh, or within the
    // stale window); schedules the background call it asks for.
    std::optional<CatalogueAnswer> answerFromEntry(const QString &key,
        const UpstreamRequest &request, CacheCategory category, const CacheEntry &entry,
        bool allowStale, qint64 now);
    // Any thread; one background call per key at a time.
    void refreshInBackground(
        const QString &key, const UpstreamRequest &request, CacheCategory category, Refresh why);
    void refresh(
        const QString &key, const UpstreamRequest &request, CacheCategory category, Refresh why);
    void callUpstream(const QString &key, CacheCategory category, const UpstreamRequest &request,
        const std::optional<CacheEntry> &stale);
    void checkWarmup();
    void onUpstream(const QString &key, CacheCategory category, const UpstreamRequest &request,
        const UpstreamResult &result, const std::optional<CacheEntry> &stale);
    void answerAll(const QString &key, const CatalogueAnswer &answer);
    // A background call for key ended: forgotten on success; after a failure the next one waits
    // (1 s, doubling to 5 minutes), so a failing TMDB is not asked again on every request.
    void refreshEnded(const QString &key, bool failed, qint64 now);
    CatalogueAnswer fromEntry(const QString &key, const CacheEntry &entry,
        CatalogueAnswer::Source source, qint64 nowMs) const;

    const Config &m_config;
    bool m_demo;
    const DemoCatalogue *m_demoCatalogue;
    ContentCache m_cache;
    Mailbox *m_mailbox; // a child: how other threads hand work to the service's thread
    ImageUrls m_images;
    TmdbClient *m_client = nullptr;
    QHash<QString, QList<Callback>> m_waiting; // keys with an upstream call under way
    std::mutex m_refreshMutex;
    struct Refreshing
    {
        bool underWay = false; // asked for or running
        int failures = 0; // background calls for it that failed in a row
        qint64 notBeforeMs = 0; // after a failure: no background call before this
    };
    QHash<QString, Refreshing> m_refreshing; // keys with a background call, or failed ones
    Counters m_stats;
    std::array<Counters, kCacheCategoryCount> m_categoryStats {};
    QList<WarmItem> m_warm;
    QSet<QString> m_warmUnanswered; // warm-up keys not answered yet
    std::atomic<int> m_warmupPending {0};
    QTimer m_warmTimer;
    QTimer m_saveTimer;
    CatalogueStats m_saved; // what saveCounters() has written so far
    QTimer m_pruneTimer;
    bool m_upstreamHealthy = true;
    bool m_keyRejectedLogged = false;
};

} // namespace marquee
