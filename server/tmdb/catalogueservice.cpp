#include "catalogueservice.h"

#include "config/config.h"
#include "config/handoff.h"
#include "democatalogue.h"
#include "log/categories.h"
#include "tmdbclient.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QThread>
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
    , m_mailbox(new Mailbox(this))
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
    m_saveTimer.setInterval(10 * 1000);
    connect(&m_saveTimer, &QTimer::timeout, this, &CatalogueService::saveCounters);
    m_saveTimer.start();
    m_warmTimer.setSingleShot(false);
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

void CatalogueService::saveCounters()
{
    // The demo catalogue is not TMDB: its answers are never in the database, nor its counts.
    if (m_demo)
        return;
    const CatalogueStats now = m_stats.snapshot();
    // Each counter moves on only when its row was written: a failure is retried next time.
    auto add = [&](const char *name, quint64 CatalogueStats::*field) {
        if (now.*field != m_saved.*field
            && m_cache.addCounter(QLatin1String(name), qint64(now.*field - m_saved.*field)))
            m_saved.*field = now.*field;
    };
    add("hits", &CatalogueStats::hits);
    add("misses", &CatalogueStats::misses);
    add("stale", &CatalogueStats::stale);
    add("coalesced", &CatalogueStats::coalesced);
    add("upstream_calls", &CatalogueStats::upstreamCalls);
    add("upstream_errors", &CatalogueStats::upstreamErrors);
    add("not_found", &CatalogueStats::notFound);
    add("refreshed_ahead", &CatalogueStats::refreshedAhead);
    add("revalidated", &CatalogueStats::revalidated);
    add("warmed", &CatalogueStats::warmed);
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

CatalogueStats CatalogueService::Counters::snapshot() const
{
    CatalogueStats s;
    s.hits = hits.load(std::memory_order_relaxed);
    s.misses = misses.load(std::memory_order_relaxed);
    s.stale = stale.load(std::memory_order_relaxed);
    s.coalesced = coalesced.load(std::memory_order_relaxed);
    s.upstreamCalls = upstreamCalls.load(std::memory_order_relaxed);
    s.upstreamErrors = upstreamErrors.load(std::memory_order_relaxed);
    s.notFound = notFound.load(std::memory_order_relaxed);
    s.refreshedAhead = refreshedAhead.load(std::memory_order_relaxed);
    s.revalidated = revalidated.load(std::memory_order_relaxed);
    s.warmed = warmed.load(std::memory_order_relaxed);
    return s;
}

QString CatalogueService::keyOf(const UpstreamRequest &request) const
{
    return (m_demo ? QStringLiteral("demo:") : QString()) + request.cacheKey();
}

std::optional<CatalogueAnswer> CatalogueService::answerFromEntry(const QString &key,
    const UpstreamRequest &request, CacheCategory category, const CacheEntry &entry,
    bool allowStale, qint64 now)
{
    const qint64 ttl = qMax<qint64>(0, entry.expiresAt - entry.fetchedAt);
    if (entry.isFresh(now)) {
        count(category, &Counters::hits);
        // Refresh ahead: a title asked for in the last tenth of its freshness is fetched again
        // in the background, so that a popular one never becomes a miss.
        if (entry.status == 200 && now >= entry.expiresAt - ttl / 10)
            refreshInBackground(key, request, category, Refresh::Ahead);
        return fromEntry(key, entry, CatalogueAnswer::Source::Hit, now);
    }
    if (!allowStale || entry.status != 200)
        return std::nullopt;
    const qint64 window
        = m_config.staleWindowSeconds < 0 ? ttl : m_config.staleWindowSeconds * 1000;
    if (now >= entry.expiresAt + window)
        return std::nullopt;
    count(category, &Counters::stale);
    refreshInBackground(key, request, category, Refresh::Revalidate);
    return fromEntry(key, entry, CatalogueAnswer::Source::Stale, now);
}

void CatalogueService::fetch(
    const UpstreamRequest &request, CacheCategory category, Callback done, bool allowStale)
{
    const QString key = keyOf(request);
    const qint64 now = m_cache.now();
    const bool home = QThread::currentThread() == thread();
    if (!home) {
        // Another event loop: the memory layer answers here; the rest is the service's thread's.
        if (const auto cached = m_cache.getFromMemory(key)) {
            if (auto a = answerFromEntry(key, request, category, *cached, allowStale, now)) {
                done(*a);
                return;
            }
        }
        m_mailbox->post([this, request, category, done = std::move(done), allowStale]() mutable {
            fetch(request, category, std::move(done), allowStale);
        });
        return;
    }
    std::optional<CacheEntry> cached = m_cache.get(key);
    if (cached) {
        if (auto a = answerFromEntry(key, request, category, *cached, allowStale, now)) {
            done(*a);
            return;
        }
    }
    auto waiting = m_waiting.find(key);
    if (waiting != m_waiting.end()) {
        count(category, &Counters::coalesced);
        waiting->append(std::move(done));
        return;
    }
    count(category, &Counters::misses);
    m_waiting.insert(key, {std::move(done)});
    callUpstream(key, category, request, cached);
}

void CatalogueService::callUpstream(const QString &key, CacheCategory category,
    const UpstreamRequest &request, const std::optional<CacheEntry> &stale)
{
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
        onUpstream(key, category, request, r, stale);
        return;
    }
    count(category, &Counters::upstreamCalls);
    m_client->get(request, [this, key, category, request, stale](const UpstreamResult &r) {
        onUpstream(key, category, request, r, stale);
    });
}

void CatalogueService::refreshInBackground(
    const QString &key, const UpstreamRequest &request, CacheCategory category, Refresh why)
{
    {
        std::unique_lock lock(m_refreshMutex);
        Refreshing &r = m_refreshing[key];
        if (r.underWay || m_cache.now() < r.notBeforeMs)
            return;
        r.underWay = true;
    }
    m_mailbox->post([this, key, request, category, why] { refresh(key, request, category, why); });
}

void CatalogueService::refresh(
    const QString &key, const UpstreamRequest &request, CacheCategory category, Refresh why)
{
    if (m_waiting.contains(key)) { // a call for it is under way already
        std::unique_lock lock(m_refreshMutex);
        m_refreshing[key].underWay = false;
        return;
    }
    count(category,
        why == Refresh::Ahead            ? &Counters::refreshedAhead
            : why == Refresh::Revalidate ? &Counters::revalidated
                                         : &Counters::warmed);
    m_waiting.insert(key, {});
    // The copy a failure falls back to, from either layer (a request that joins this call gets
    // it, and a no-cache request is promised it when TMDB fails).
    callUpstream(key, category, request, m_cache.get(key));
}

void CatalogueService::startWarmup(QList<WarmItem> items)
{
    m_warm = std::move(items);
    for (const WarmItem &w : std::as_const(m_warm))
        m_warmUnanswered.insert(keyOf(w.request));
    m_warmupPending = int(m_warmUnanswered.size());
    qint64 shortest = 0;
    for (const WarmItem &w : std::as_const(m_warm))
        shortest = shortest == 0 ? ttlMs(w.category) : qMin(shortest, ttlMs(w.category));
    // Checked often enough to catch the last tenth of the shortest freshness.
    m_warmTimer.setInterval(int(qBound(qint64(1000), shortest / 20, qint64(60000))));
    connect(&m_warmTimer, &QTimer::timeout, this, &CatalogueService::checkWarmup);
    m_warmTimer.start();
    qCInfo(lcCache) << "warm-up:" << m_warm.size() << "home rows";
    checkWarmup();
}

void CatalogueService::checkWarmup()
{
    const qint64 now = m_cache.now();
    for (const WarmItem &w : std::as_const(m_warm)) {
        const QString key = keyOf(w.request);
        const auto cached = m_cache.get(key);
        const qint64 ttl = cached ? qMax<qint64>(0, cached->expiresAt - cached->fetchedAt) : 0;
        if (!cached || now >= cached->expiresAt - ttl / 10)
            refreshInBackground(key, w.request, w.category, Refresh::Warmup);
        else if (m_warmUnanswered.remove(key))
            m_warmupPending = int(m_warmUnanswered.size());
    }
}

void CatalogueService::onUpstream(const QString &key, CacheCategory category,
    const UpstreamRequest &request, const UpstreamResult &result,
    const std::optional<CacheEntry> &stale)
{
    const qint64 now = m_cache.now();
    using Kind = UpstreamResult::Kind;
    const bool failed = result.kind != Kind::Ok && result.kind != Kind::NotFound;
    refreshEnded(key, failed, now);
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
        count(category, &Counters::notFound);
        CacheEntry e;
        e.status = 404;
        e.category = categoryName(category);
        e.fetchedAt = now;
        e.expiresAt = now + kNotFoundMemoMs;
        m_cache.put(key, e, false);
        answerAll(key, fromEntry(key, e, CatalogueAnswer::Source::Miss, now));
        return;
    }

    count(category, &Counters::upstreamErrors);
    m_upstreamHealthy = false;
    if (result.kind == Kind::KeyRejected && !m_keyRejectedLogged) {
        m_keyRejectedLogged = true;
        qCCritical(lcTmdb) << "TMDB rejected the configured TMDB_API_KEY (HTTP 401); check the key";
    }
    if (stale) {
        if (!m_waiting.value(key).isEmpty()) // nobody waits on a background call
            count(category, &Counters::stale);
        answerAll(key, fromEntry(key, *stale, CatalogueAnswer::Source::Stale, now));
        return;
    }
    CatalogueAnswer a;
    a.demo = m_demo;
    a.error = upstreamError(result);
    answerAll(key, a);
}

void CatalogueService::refreshEnded(const QString &key, bool failed, qint64 now)
{
    std::unique_lock lock(m_refreshMutex);
    auto it = m_refreshing.find(key);
    if (it == m_refreshing.end())
        return;
    if (!failed) {
        m_refreshing.erase(it);
        return;
    }
    it->underWay = false;
    it->failures = qMin(it->failures + 1, 20);
    it->notBeforeMs = now + qMin<qint64>(qint64(1000) << qMin(it->failures - 1, 9), 300000);
}

void CatalogueService::answerAll(const QString &key, const CatalogueAnswer &answer)
{
    const QList<Callback> waiting = m_waiting.take(key);
    if (!m_warmUnanswered.isEmpty() && m_warmUnanswered.remove(key)) {
        m_warmupPending = int(m_warmUnanswered.size());
        if (m_warmUnanswered.isEmpty())
            qCInfo(lcCache) << "warm-up done:" << m_warm.size() << "home rows cached";
    }
    for (const Callback &cb : waiting)
        cb(answer);
}

} // namespace marquee
