#include "catalogueservice.h"

#include "config/config.h"
#include "democatalogue.h"
#include "log/categories.h"
#include "tmdbclient.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QUrlQuery>

namespace marquee {

QString categoryName(CacheCategory category)
{
    switch (category) {
    case CacheCategory::Trending:
        return QStringLiteral("trending");
    case CacheCategory::Lists:
        return QStringLiteral("lists");
    case CacheCategory::Details:
        return QStringLiteral("details");
    case CacheCategory::Reference:
        return QStringLiteral("reference");
    case CacheCategory::Search:
        return QStringLiteral("search");
    }
    return QStringLiteral("lists");
}

CatalogueService::CatalogueService(
    const Config &config, Database *db, const DemoCatalogue *demo, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_demo(config.tmdbApiKey.isEmpty())
    , m_demoCatalogue(demo)
    , m_cache(db, qint64(config.cacheMemoryMb) * 1024 * 1024)
{
    Q_ASSERT(!m_demo || m_demoCatalogue);
    if (config.imageProxy)
        m_images.setProxy(config.publicUrl);
    if (!m_demo) {
        TmdbClient::Options o;
        o.baseUrl = config.tmdbBaseUrl;
        o.apiKey = config.tmdbApiKey;
        o.timeoutMs = config.tmdbTimeoutMs;
        o.ratePerSecond = config.tmdbRatePerSecond;
        m_client = new TmdbClient(o, this);
        // Image URLs follow TMDB's own configuration once it has been fetched.
        if (const auto cfg
            = m_cache.get(UpstreamRequest {QStringLiteral("/configuration"), {}}.cacheKey());
            cfg && cfg->status == 200)
            m_images.setConfiguration(
                QJsonDocument::fromJson(cfg->body).object().value("images").toObject());
    }
    m_pruneTimer.setInterval(3600 * 1000);
    connect(&m_pruneTimer, &QTimer::timeout, this, &CatalogueService::prune);
    m_pruneTimer.start();
}

CatalogueService::~CatalogueService() = default;

int CatalogueService::prune()
{
    const int removed = m_cache.prune(kPruneAfterDeadMs, kMaxDatabaseEntries);
    if (removed > 0)
        qCInfo(lcCache) << "pruned" << removed << "long-expired cache rows";
    return removed;
}

QString CatalogueService::status() const
{
    if (m_demo)
        return QStringLiteral("demo");
    return m_upstreamHealthy ? QStringLiteral("ok") : QStringLiteral("offline");
}

qint64 CatalogueService::ttlMs(CacheCategory category) const
{
    switch (category) {
    case CacheCategory::Trending:
        return m_config.ttlTrending * 1000;
    case CacheCategory::Lists:
        return m_config.ttlLists * 1000;
    case CacheCategory::Details:
        return m_config.ttlDetails * 1000;
    case CacheCategory::Reference:
        return m_config.ttlReference * 1000;
    case CacheCategory::Search:
        return m_config.ttlSearch * 1000;
    }
    return m_config.ttlLists * 1000;
}

// What TMDB has no such thing of, read off the upstream path inside the cache key.
static QString notFoundMessage(const QString &key)
{
    if (key.contains(QLatin1String("/episode/")))
        return QStringLiteral("TMDB has no such episode");
    if (key.contains(QLatin1String("/season/")))
        return QStringLiteral("TMDB has no such season");
    if (key.contains(QLatin1String("/person/")))
        return QStringLiteral("TMDB has no such person");
    return QStringLiteral("TMDB has no such title");
}

CatalogueAnswer CatalogueService::fromEntry(
    const QString &key, const CacheEntry &entry, CatalogueAnswer::Source source, qint64 nowMs) const
{
    CatalogueAnswer a;
    a.source = source;
    a.demo = m_demo;
    if (entry.status == 404) {
        a.error = CatalogueError {CatalogueError::Kind::NotFound, notFoundMessage(key)};
        return a;
    }
    a.data = entry.body;
    a.envelope = entry.envelope;
    a.etag = entry.etag;
    a.maxAgeSeconds = source == CatalogueAnswer::Source::Stale
        ? 0
        : qMax<qint64>(0, (entry.expiresAt - nowMs) / 1000);
    return a;
}

// Why an upstream call that brought nothing (and found nothing stale) failed.
static CatalogueError upstreamError(const UpstreamResult &result)
{
    using Kind = CatalogueError::Kind;
    switch (result.kind) {
    case UpstreamResult::Kind::KeyRejected:
        return {Kind::KeyRejected,
            QStringLiteral("TMDB key rejected: the server's TMDB_API_KEY is not valid")};
    case UpstreamResult::Kind::Timeout:
        return {Kind::Timeout, QStringLiteral("TMDB did not answer in time")};
    case UpstreamResult::Kind::NetworkError:
        return {Kind::Unreachable, QStringLiteral("TMDB is unreachable and nothing is cached")};
    default:
        break;
    }
    return {result.kind == UpstreamResult::Kind::RateLimited ? Kind::RateLimited : Kind::BadAnswer,
        QStringLiteral("TMDB answered with an error (HTTP %1)").arg(result.status)};
}

void CatalogueService::fetch(const UpstreamRequest &request, CacheCategory category, Callback done)
{
    const QString key = (m_demo ? QStringLiteral("demo:") : QString()) + request.cacheKey();
    const qint64 now = m_cache.now();
    std::optional<CacheEntry> cached = m_cache.get(key);
    if (cached && cached->isFresh(now)) {
        ++m_stats.hits;
        ++count(category).hits;
        done(fromEntry(key, *cached, CatalogueAnswer::Source::Hit, now));
        return;
    }
    auto waiting = m_waiting.find(key);
    if (waiting != m_waiting.end()) {
        ++m_stats.coalesced;
        ++count(category).coalesced;
        waiting->append(std::move(done));
        return;
    }
    ++m_stats.misses;
    ++count(category).misses;
    m_waiting.insert(key, {std::move(done)});
    if (m_demo) {
        QUrlQuery query;
        for (const auto &[name, value] : request.params)
            query.addQueryItem(name, value);
        const DemoCatalogue::Answer demo = m_demoCatalogue->get(request.path, query);
        UpstreamResult r;
        r.status = demo.status;
        r.body = demo.body;
        r.kind = demo.status == 200 ? UpstreamResult::Kind::Ok
            : demo.status == 404    ? UpstreamResult::Kind::NotFound
                                    : UpstreamResult::Kind::ServerError;
        onUpstream(key, category, request, r, cached);
        return;
    }
    ++m_stats.upstreamCalls;
    ++count(category).upstreamCalls;
    m_client->get(request, [this, key, category, request, cached](const UpstreamResult &r) {
        onUpstream(key, category, request, r, cached);
    });
}

void CatalogueService::onUpstream(const QString &key, CacheCategory category,
    const UpstreamRequest &request, const UpstreamResult &result,
    const std::optional<CacheEntry> &stale)
{
    const qint64 now = m_cache.now();
    using Kind = UpstreamResult::Kind;
    if (result.kind == Kind::Ok) {
        m_upstreamHealthy = true;
        m_keyRejectedLogged = false;
        if (request.path == QLatin1String("/configuration"))
            m_images.setConfiguration(
                QJsonDocument::fromJson(result.body).object().value("images").toObject());
        CacheEntry e;
        e.status = 200;
        e.body = m_images.enrich(result.body);
        e.etag = ContentCache::makeEtag(e.body);
        e.category = categoryName(category);
        e.fetchedAt = now;
        e.expiresAt = now + ttlMs(category);
        m_cache.put(key, e, !m_demo && category != CacheCategory::Search);
        answerAll(key, fromEntry(key, e, CatalogueAnswer::Source::Miss, now));
        return;
    }
    if (result.kind == Kind::NotFound) {
        m_upstreamHealthy = true;
        ++m_stats.notFound;
        ++count(category).notFound;
        CacheEntry e;
        e.status = 404;
        e.category = categoryName(category);
        e.fetchedAt = now;
        e.expiresAt = now + kNotFoundMemoMs;
        m_cache.put(key, e, false);
        answerAll(key, fromEntry(key, e, CatalogueAnswer::Source::Miss, now));
        return;
    }

    ++m_stats.upstreamErrors;
    ++count(category).upstreamErrors;
    m_upstreamHealthy = false;
    if (result.kind == Kind::KeyRejected && !m_keyRejectedLogged) {
        m_keyRejectedLogged = true;
        qCCritical(lcTmdb) << "TMDB rejected the configured TMDB_API_KEY (HTTP 401); check the key";
    }
    if (stale) {
        ++m_stats.stale;
        ++count(category).stale;
        answerAll(key, fromEntry(key, *stale, CatalogueAnswer::Source::Stale, now));
        return;
    }
    CatalogueAnswer a;
    a.demo = m_demo;
    a.error = upstreamError(result);
    answerAll(key, a);
}

void CatalogueService::answerAll(const QString &key, const CatalogueAnswer &answer)
{
    const QList<Callback> waiting = m_waiting.take(key);
    for (const Callback &cb : waiting)
        cb(answer);
}

} // namespace marquee
