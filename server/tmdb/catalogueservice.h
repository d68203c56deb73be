#pragma once

#include "contentcache.h"
#include "imageurls.h"
#include "upstream.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <array>
#include <functional>
#include <optional>

namespace marquee {

struct Config;
class Database;
class DemoCatalogue;
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
    quint64 stale = 0;
    quint64 coalesced = 0; // requests that joined an upstream call already under way
    quint64 upstreamCalls = 0;
    quint64 upstreamErrors = 0;
    quint64 notFound = 0;
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

class CatalogueService : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const CatalogueAnswer &)>;

    // `demo` is the upstream when config has no TMDB key (then it must be set), unused otherwise;
    // it is not owned and must outlive the service.
    CatalogueService(
        const Config &config, Database *db, const DemoCatalogue *demo, QObject *parent = nullptr);
    ~CatalogueService() override;
    Q_DISABLE_COPY_MOVE(CatalogueService)

    void fetch(const UpstreamRequest &request, CacheCategory category, Callback done);

    bool isDemo() const { return m_demo; }
    QString status() const; // ok | offline | demo (docs/api.md)
    const CatalogueStats &stats() const { return m_stats; }
    // The same counts for one freshness class (hits, misses, stale serves, ...).
    const CatalogueStats &stats(CacheCategory category) const
    {
        return m_categoryStats[size_t(category)];
    }
    qint64 ttlMs(CacheCategory category) const; // the freshness in force
    ContentCache &cache() { return m_cache; }
    const ImageUrls &images() const { return m_images; }
    int inFlightKeys() const { return int(m_waiting.size()); }
    int prune();

    static constexpr qint64 kNotFoundMemoMs = 5 * 60 * 1000;
    static constexpr qint64 kPruneAfterDeadMs = 7LL * 24 * 3600 * 1000;
    static constexpr qint64 kMaxDatabaseEntries = 200000;

private:
    CatalogueStats &count(CacheCategory category) { return m_categoryStats[size_t(category)]; }
    void onUpstream(const QString &key, CacheCategory category, const UpstreamRequest &request,
        const UpstreamResult &result, const std::optional<CacheEntry> &stale);
    void answerAll(const QString &key, const CatalogueAnswer &answer);
    CatalogueAnswer fromEntry(const QString &key, const CacheEntry &entry,
        CatalogueAnswer::Source source, qint64 nowMs) const;

    const Config &m_config;
    bool m_demo;
    const DemoCatalogue *m_demoCatalogue;
    ContentCache m_cache;
    ImageUrls m_images;
    TmdbClient *m_client = nullptr;
    QHash<QString, QList<Callback>> m_waiting;
    CatalogueStats m_stats;
    std::array<CatalogueStats, kCacheCategoryCount> m_categoryStats {};
    QTimer m_pruneTimer;
    bool m_upstreamHealthy = true;
    bool m_keyRejectedLogged = false;
};

} // namespace marquee
