#include "cataloguecontroller.h"

#include "catalogueerrors.h"
#include "catalogueparams.h"
#include "http/validation.h"

#include <QJsonDocument>

namespace marquee {

namespace {

const QString kIdList = QStringLiteral("\\d{1,10}([,|]\\d{1,10}){0,49}");
const QString kDate = QStringLiteral("\\d{4}-\\d{2}-\\d{2}");

QString mediaPath(bool movie)
{
    return movie ? QStringLiteral("movie") : QStringLiteral("tv");
}

// "/trending/<type>/<window>" in one allocation (arg() parses its pattern on every request).
QString trendingPath(const QString &type, const QString &window)
{
    QString path;
    path.reserve(11 + type.size() + window.size());
    path.append(QLatin1String("/trending/")).append(type).append(QLatin1Char('/')).append(window);
    return path;
}

// Cache-Control of a catalogue answer: "public, max-age=N", or private for a signed-in user.
// The text is kept per thread for the last N of each kind, since many answers in a row share it
// (the same entry within one second).
Header cacheControl(bool personal, qint64 maxAgeSeconds)
{
    struct Last
    {
        qint64 maxAge = -1;
        QByteArray text;
    };
    static const QByteArray name = QByteArrayLiteral("Cache-Control");
    thread_local Last last[2];
    Last &l = last[personal ? 1 : 0];
    if (l.maxAge != maxAgeSeconds) {
        l.maxAge = maxAgeSeconds;
        l.text = (personal ? QByteArrayLiteral("private, max-age=")
                           : QByteArrayLiteral("public, max-age="))
            + QByteArray::number(maxAgeSeconds);
    }
    return Header {name, l.text};
}

} // namespace

static QStringList names(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *n : list)
        out << QLatin1String(n);
    return out;
}

CatalogueController::CatalogueController(CatalogueService &service)
    : m_service(service)
{
    m_service.cache().setEnvelope(
        [](const QByteArray &body) { return HttpResponse::okRaw(body).body; });
}

void CatalogueController::registerRoutes(Router &router)
{
    registerMedia(router, Media::Movie);
    registerMedia(router, Media::Tv);
    router.get(QStringLiteral("/api/trending"), [this](const ExchangePtr &ex) { allTrending(ex); })
        .withAccess(Access::OptionalUser)
        .onAnyEventLoop();
    router.get(QStringLiteral("/api/search"), [this](const ExchangePtr &ex) { multiSearch(ex); })
        .withTier(RateTier::Search)
        .withAccess(Access::OptionalUser)
        .onAnyEventLoop();
    router.get(QStringLiteral("/api/people/{id}"), [this](const ExchangePtr &ex) { person(ex); })
        .withAccess(Access::OptionalUser)
        .onAnyEventLoop();
    router
        .get(QStringLiteral("/api/images/config"),
            [this](const ExchangePtr &ex) { imageConfig(ex); })
        .withAccess(Access::OptionalUser)
        .onAnyEventLoop();
}

void CatalogueController::registerMedia(Router &router, Media media)
{
    const bool movie = media == Media::Movie;
    const QString base = movie ? QStringLiteral("/api/movies") : QStringLiteral("/api/tv");
    const QString tmdb = QLatin1Char('/') + mediaPath(movie);
    auto route = [&](const QString &path, Handler h) -> Route & {
        return router.get(base + path, std::move(h))
            .withAccess(Access::OptionalUser)
            .onAnyEventLoop();
    };

    route(
        QStringLiteral("/trending"), [this, media](const ExchangePtr &ex) { trending(ex, media); });
    struct ListRoute
    {
        const char *route;
        const char *upstream;
        CacheCategory category;
    };
    const QList<ListRoute> lists = movie
        ? QList<ListRoute> {{"/popular", "/popular", CacheCategory::Lists},
            {"/top-rated", "/top_rated", CacheCategory::Lists},
            {"/now-playing", "/now_playing", CacheCategory::Trending},
            {"/upcoming", "/upcoming", CacheCategory::Lists}}
        : QList<ListRoute> {{"/popular", "/popular", CacheCategory::Lists},
            {"/top-rated", "/top_rated", CacheCategory::Lists},
            {"/airing-today", "/airing_today", CacheCategory::Trending},
            {"/on-the-air", "/on_the_air", CacheCategory::Trending}};
    for (const ListRoute &l : lists) {
        const QString upstream = tmdb + QLatin1String(l.upstream);
        const CacheCategory category = l.category;
        route(QLatin1String(l.route), [this, upstream, category, movie](const ExchangePtr &ex) {
            list(ex, upstream, category, movie);
        });
    }
    route(QStringLiteral("/genres"), [this, media](const ExchangePtr &ex) { genres(ex, media); });
    route(QStringLiteral("/search"), [this, media](const ExchangePtr &ex) {
        search(ex, media);
    }).withTier(RateTier::Search);
    route(
        QStringLiteral("/discover"), [this, media](const ExchangePtr &ex) { discover(ex, media); });
    route(QStringLiteral("/{id}"), [this, media](const ExchangePtr &ex) { details(ex, media); });
    for (const char *what :
        {"recommendations", "similar", "videos", "credits", "watch-providers"}) {
        const QString w = QLatin1String(what);
        route(QStringLiteral("/{id}/") + w,
            [this, media, w](const ExchangePtr &ex) { related(ex, media, w); });
    }
    if (!movie) {
        route(
            QStringLiteral("/{id}/season/{season}"), [this](const ExchangePtr &ex) { season(ex); });
        route(QStringLiteral("/{id}/season/{season}/episode/{episode}"),
            [this](const ExchangePtr &ex) { episode(ex); });
    }
}

void CatalogueController::serve(const ExchangePtr &ex, const UpstreamRequest &request,
    CacheCategory category, const std::function<QByteArray(const QByteArray &)> &transform)
{
    // Cache-Control: no-cache (or max-age=0, what a browser's reload sends) asks for a fresh
    // answer: an expired entry is not served while it is revalidated (TMDB's failure still falls
    // back to it).
    bool allowStale = !ex->request().header("Pragma").toLower().contains("no-cache");
    for (const QByteArray &directive : ex->request().header("Cache-Control").toLower().split(',')) {
        const QByteArray d = directive.trimmed();
        if (d == "no-cache" || (d.startsWith("max-age=") && d.mid(8).toLongLong() == 0))
            allowStale = false;
    }
    auto answer = [ex, transform](const CatalogueAnswer &a) {
        ex->runHandler([&] {
            if (a.error) {
                ApiError e = toApiError(*a.error);
                if (a.demo)
                    e.headers.append(Header {"X-Marquee-Catalogue", "demo"});
                throw e;
            }
            // Every header's text is static or shared with the cache entry: a hit allocates
            // nothing here but the list.
            static const QByteArray etag = QByteArrayLiteral("ETag");
            static const QByteArray vary = QByteArrayLiteral("Vary");
            static const QByteArray authorization = QByteArrayLiteral("Authorization");
            static const QByteArray xCache = QByteArrayLiteral("X-Cache");
            static const QByteArray hit = QByteArrayLiteral("HIT");
            static const QByteArray miss = QByteArrayLiteral("MISS");
            static const QByteArray stale = QByteArrayLiteral("STALE");
            static const Header demo {
                QByteArrayLiteral("X-Marquee-Catalogue"), QByteArrayLiteral("demo")};
            HttpResponse r;
            r.body = transform         ? HttpResponse::okRaw(transform(a.data)).body
                : a.envelope.isEmpty() ? HttpResponse::okRaw(a.data).body
                                       : a.envelope;
            r.headers.reserve(5);
            r.headers.append(Header {etag, a.etag});
            // An answer for a signed-in user may carry their saved language, region or adult
            // setting: a shared cache must not hand it to someone else. The anonymous answer
            // varies by Authorization too, or a shared cache would serve it to signed-in users.
            r.headers.append(cacheControl(ex->principal.isAuthenticated(), a.maxAgeSeconds));
            r.headers.append(Header {vary, authorization});
            r.headers.append(Header {xCache,
                a.source == CatalogueAnswer::Source::Hit        ? hit
                    : a.source == CatalogueAnswer::Source::Miss ? miss
                                                                : stale});
            if (a.demo)
                r.headers.append(demo);
            ex->respond(std::move(r));
        });
    };
    // The answer may come on the catalogue's own thread: it is written where the request came.
    m_service.fetch(
        request, category,
        [ex, answer](const CatalogueAnswer &a) { ex->runAtHome([answer, a] { answer(a); }); },
        allowStale);
}

QList<CatalogueService::WarmItem> CatalogueController::homeRows()
{
    // The upstream requests of the home page's rows as an anonymous client asks for them (no
    // parameters: the routes add none by default), so that the warm-up fills the same keys.
    QList<CatalogueService::WarmItem> rows;
    auto add = [&rows](const char *path, CacheCategory category) {
        rows.append({UpstreamRequest {QLatin1String(path), {}}, category});
    };
    for (const char *path : {"/trending/all/day", "/trending/all/week", "/trending/movie/day",
             "/trending/movie/week", "/trending/tv/day", "/trending/tv/week", "/movie/now_playing",
             "/tv/airing_today", "/tv/on_the_air"})
        add(path, CacheCategory::Trending);
    for (const char *path :
        {"/movie/popular", "/movie/top_rated", "/movie/upcoming", "/tv/popular", "/tv/top_rated"})
        add(path, CacheCategory::Lists);
    for (const char *path : {"/genre/movie/list", "/genre/tv/list", "/configuration"})
        add(path, CacheCategory::Reference);
    return rows;
}

void CatalogueController::list(
    const ExchangePtr &ex, const QString &upstream, CacheCategory category, bool withRegion)
{
    CatalogueParams p(*ex, upstream);
    static const QStringList regional = names({"page", "language", "region"});
    static const QStringList plain = names({"page", "language"});
    p.allow(withRegion ? regional : plain);
    p.page();
    p.language();
    if (withRegion)
        p.region();
    serve(ex, p.finish(), category);
}

void CatalogueController::trending(const ExchangePtr &ex, Media media)
{
    // TMDB's spec gives /trending no page parameter, so neither do we.
    CatalogueParams p(*ex, QString());
    static const QStringList allowed = names({"timeWindow", "time_window", "language"});
    static const QStringList windows = names({"day", "week"});
    p.allow(allowed);
    const QString window = p.aliased(QStringLiteral("timeWindow"), QStringLiteral("time_window"),
        windows, QStringLiteral("week"));
    p.language();
    UpstreamRequest r = p.finish();
    r.path = trendingPath(mediaPath(media == Media::Movie), window);
    serve(ex, r, CacheCategory::Trending);
}

void CatalogueController::allTrending(const ExchangePtr &ex)
{
    CatalogueParams p(*ex, QString());
    static const QStringList allowed
        = names({"media_type", "mediaType", "time_window", "timeWindow", "language"});
    static const QStringList types = names({"all", "movie", "tv", "person"});
    static const QStringList windows = names({"day", "week"});
    p.allow(allowed);
    const QString type = p.aliased(
        QStringLiteral("media_type"), QStringLiteral("mediaType"), types, QStringLiteral("all"));
    const QString window = p.aliased(QStringLiteral("time_window"), QStringLiteral("timeWindow"),
        windows, QStringLiteral("week"));
    p.language();
    UpstreamRequest r = p.finish();
    r.path = trendingPath(type, window);
    serve(ex, r, CacheCategory::Trending);
}

void CatalogueController::genres(const ExchangePtr &ex, Media media)
{
    CatalogueParams p(*ex,
        media == Media::Movie ? QStringLiteral("/genre/movie/list")
                              : QStringLiteral("/genre/tv/list"));
    static const QStringList allowed = names({"language"});
    p.allow(allowed);
    p.language();
    serve(ex, p.finish(), CacheCategory::Reference);
}

void CatalogueController::search(const ExchangePtr &ex, Media media)
{
    const bool movie = media == Media::Movie;
    CatalogueParams p(*ex, QStringLiteral("/search/%1").arg(mediaPath(movie)));
    if (movie)
        p.allow(names({"query", "page", "language", "region", "year", "include_adult",
            "primary_release_year"}));
    else
        p.allow(
            names({"query", "page", "language", "year", "include_adult", "first_air_date_year"}));
    p.searchQuery();
    p.page();
    p.language();
    p.boolean(QStringLiteral("include_adult"));
    p.integer(QStringLiteral("year"), 1800, 2200);
    if (movie) {
        p.region();
        p.integer(QStringLiteral("primary_release_year"), 1800, 2200);
    } else {
        p.integer(QStringLiteral("first_air_date_year"), 1800, 2200);
    }
    serve(ex, p.finish(), CacheCategory::Search);
}

void CatalogueController::multiSearch(const ExchangePtr &ex)
{
    CatalogueParams p(*ex, QStringLiteral("/search/multi"));
    p.allow(names({"query", "page", "language", "include_adult"}));
    p.searchQuery();
    p.page();
    p.language();
    p.boolean(QStringLiteral("include_adult"));
    serve(ex, p.finish(), CacheCategory::Search);
}

void CatalogueController::discover(const ExchangePtr &ex, Media media)
{
    const bool movie = media == Media::Movie;
    CatalogueParams p(*ex, QStringLiteral("/discover/%1").arg(mediaPath(movie)));
    QStringList allowed
        = names({"page", "language", "with_genres", "without_genres", "vote_average.gte",
            "vote_average.lte", "vote_count.gte", "with_runtime.gte", "with_runtime.lte",
            "with_original_language", "with_watch_providers", "watch_region", "sort_by"});
    QStringList sortOrders = names({"popularity.asc", "popularity.desc", "vote_average.asc",
        "vote_average.desc", "vote_count.asc", "vote_count.desc"});
    if (movie) {
        allowed += names({"region", "year", "primary_release_year", "primary_release_date.gte",
            "primary_release_date.lte"});
        sortOrders += names({"original_title.asc", "original_title.desc", "revenue.asc",
            "revenue.desc", "primary_release_date.asc", "primary_release_date.desc", "title.asc",
            "title.desc"});
    } else {
        allowed += names(
            {"first_air_date_year", "first_air_date.gte", "first_air_date.lte", "with_networks"});
        sortOrders += names({"first_air_date.asc", "first_air_date.desc", "name.asc", "name.desc",
            "original_name.asc", "original_name.desc"});
    }
    p.allow(allowed);
    p.page();
    p.language();
    p.pattern(QStringLiteral("with_genres"), kIdList, QStringLiteral("28,12 or 28|12"));
    p.pattern(QStringLiteral("without_genres"), kIdList, QStringLiteral("27"));
    p.number(QStringLiteral("vote_average.gte"), 0, 10);
    p.number(QStringLiteral("vote_average.lte"), 0, 10);
    p.number(QStringLiteral("vote_count.gte"), 0, 1e9);
    p.integer(QStringLiteral("with_runtime.gte"), 0, 1000);
    p.integer(QStringLiteral("with_runtime.lte"), 0, 1000);
    p.pattern(
        QStringLiteral("with_original_language"), QStringLiteral("[a-z]{2}"), QStringLiteral("en"));
    p.pattern(QStringLiteral("with_watch_providers"), kIdList, QStringLiteral("8|337"));
    p.region(QStringLiteral("watch_region"));
    p.oneOf(QStringLiteral("sort_by"), sortOrders);
    if (movie) {
        p.region();
        p.integer(QStringLiteral("year"), 1800, 2200);
        p.integer(QStringLiteral("primary_release_year"), 1800, 2200);
        p.pattern(QStringLiteral("primary_release_date.gte"), kDate, QStringLiteral("2024-01-31"));
        p.pattern(QStringLiteral("primary_release_date.lte"), kDate, QStringLiteral("2024-12-31"));
    } else {
        p.integer(QStringLiteral("first_air_date_year"), 1800, 2200);
        p.pattern(QStringLiteral("first_air_date.gte"), kDate, QStringLiteral("2024-01-31"));
        p.pattern(QStringLiteral("first_air_date.lte"), kDate, QStringLiteral("2024-12-31"));
        p.integer(QStringLiteral("with_networks"), 1, 2147483647);
    }
    serve(ex, p.finish(), CacheCategory::Lists);
}

void CatalogueController::details(const ExchangePtr &ex, Media media)
{
    const bool movie = media == Media::Movie;
    const qint64 id = pathId(ex->request(), QStringLiteral("id"));
    CatalogueParams p(*ex, QStringLiteral("/%1/%2").arg(mediaPath(movie)).arg(id));
    static const QStringList allowed = names({"language", "append"});
    static const QStringList movieParts = names({"videos", "credits", "images", "recommendations",
        "similar", "release_dates", "watch/providers"});
    static const QStringList tvParts = names({"videos", "credits", "images", "recommendations",
        "similar", "content_ratings", "watch/providers"});
    p.allow(allowed);
    p.language();
    p.append(movie ? movieParts : tvParts);
    serve(ex, p.finish(), CacheCategory::Details);
}

void CatalogueController::related(const ExchangePtr &ex, Media media, const QString &what)
{
    const qint64 id = pathId(ex->request(), QStringLiteral("id"));
    const QString upstreamWhat
        = what == QLatin1String("watch-providers") ? QStringLiteral("watch/providers") : what;
    CatalogueParams p(*ex,
        QStringLiteral("/%1/%2/%3")
            .arg(mediaPath(media == Media::Movie))
            .arg(id)
            .arg(upstreamWhat));
    const bool paged = what == QLatin1String("recommendations") || what == QLatin1String("similar");
    const bool localised = what != QLatin1String("watch-providers");
    static const QStringList pagedParams = names({"page", "language"});
    static const QStringList localisedParams = names({"language"});
    p.allow(paged ? pagedParams : localised ? localisedParams : QStringList());
    if (paged)
        p.page();
    if (localised)
        p.language();
    serve(ex, p.finish(), paged ? CacheCategory::Lists : CacheCategory::Details);
}

static qint64 pathNumber(const HttpRequest &request, const QString &name, qint64 max)
{
    static const QRegularExpression re(QStringLiteral("^(0|[1-9]\\d{0,5})$"));
    const QString v = request.param(name);
    if (!re.match(v).hasMatch() || v.toLongLong() > max)
        throw ApiError::validation(name, QStringLiteral("out_of_range"),
            QStringLiteral("%1 must be an integer from 0 to %2").arg(name).arg(max));
    return v.toLongLong();
}

void CatalogueController::season(const ExchangePtr &ex)
{
    const qint64 id = pathId(ex->request(), QStringLiteral("id"));
    const qint64 s = pathNumber(ex->request(), QStringLiteral("season"), 1000);
    CatalogueParams p(*ex, QStringLiteral("/tv/%1/season/%2").arg(id).arg(s));
    static const QStringList allowed = names({"language"});
    p.allow(allowed);
    p.language();
    serve(ex, p.finish(), CacheCategory::Details);
}

void CatalogueController::episode(const ExchangePtr &ex)
{
    const qint64 id = pathId(ex->request(), QStringLiteral("id"));
    const qint64 s = pathNumber(ex->request(), QStringLiteral("season"), 1000);
    const qint64 e = pathNumber(ex->request(), QStringLiteral("episode"), 100000);
    CatalogueParams p(*ex, QStringLiteral("/tv/%1/season/%2/episode/%3").arg(id).arg(s).arg(e));
    static const QStringList allowed = names({"language"});
    p.allow(allowed);
    p.language();
    serve(ex, p.finish(), CacheCategory::Details);
}

void CatalogueController::person(const ExchangePtr &ex)
{
    const qint64 id = pathId(ex->request(), QStringLiteral("id"));
    CatalogueParams p(*ex, QStringLiteral("/person/%1").arg(id));
    static const QStringList allowed = names({"language"});
    p.allow(allowed);
    p.language();
    p.fixed(QStringLiteral("append_to_response"), QStringLiteral("combined_credits"));
    serve(ex, p.finish(), CacheCategory::Details);
}

void CatalogueController::imageConfig(const ExchangePtr &ex)
{
    CatalogueParams p(*ex, QStringLiteral("/configuration"));
    p.allow({});
    serve(ex, p.finish(), CacheCategory::Reference, [](const QByteArray &data) {
        return QJsonDocument(QJsonDocument::fromJson(data).object().value("images").toObject())
            .toJson(QJsonDocument::Compact);
    });
}

} // namespace marquee
