// The TMDB catalogue end to end (docs/api.md, "Catalogue routes", "Cache policy"): real server,
// real SQLite, fake TMDB built from TMDB's spec. Routes and their parameters, the cache tiers and
// their max-age, coalescing of misses, stale answers when TMDB is down, shutdown with a miss in
// flight.
#include "api/cataloguecontroller.h"
#include "log/logger.h"
#include "support/check.h"
#include "support/fakeclerk.h"
#include "support/faketmdb.h"
#include "support/testkeys.h"
#include "support/testserver.h"
#include "tmdb/catalogueservice.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>

using namespace marquee;
using namespace marquee::test;

static const QString kKey = QStringLiteral("0123456789abcdef0123456789abcdef"); // v3 shape

class TestCatalogue : public QObject
{
    Q_OBJECT

    std::unique_ptr<FakeTmdb> m_fake;
    std::unique_ptr<TestServer> m_ts;
    // The cache's clock, for tests that let time pass (useFakeClock()); ms since the epoch.
    // Atomic: with several event loops (the *_loops4 run) other threads read it.
    std::atomic<qint64> m_now {0};
    bool m_fakeClock = false;

    void start(const std::function<void(Config &)> &tweak = {}, const QString &key = kKey)
    {
        m_ts.reset();
        m_fakeClock = false;
        m_fake = std::make_unique<FakeTmdb>(QStringLiteral(MARQUEE_TMDB_SPEC));
        QVERIFY2(m_fake->start(), notStarted("fake TMDB", m_fake->errorString()));
        m_fake->setApiKey(key);
        m_ts = std::make_unique<TestServer>();
        m_ts->config.tmdbApiKey = key;
        m_ts->config.tmdbBaseUrl = m_fake->baseUrl();
        if (tweak)
            tweak(m_ts->config);
        QVERIFY2(m_ts->start(), notStarted("server", m_ts->startError()));
    }

    // From now on the catalogue judges freshness by m_now, which only the test moves.
    void useFakeClock()
    {
        m_now = QDateTime::currentMSecsSinceEpoch();
        m_fakeClock = true;
        m_ts->server().catalogue()->cache().setClock([this] { return m_now.load(); });
    }

    void restartServerKeepingData()
    {
        const Config config = m_ts->config;
        m_ts->stop();
        m_ts->config = config;
        QVERIFY2(m_ts->start(), notStarted("server", m_ts->startError()));
        if (m_fakeClock)
            m_ts->server().catalogue()->cache().setClock([this] { return m_now.load(); });
    }

    qint64 cacheRows(const QString &like)
    {
        QSqlQuery q(m_ts->server().database().connection());
        q.prepare(QStringLiteral("SELECT COUNT(*) FROM content_cache WHERE cache_key LIKE ?"));
        q.addBindValue(like);
        return q.exec() && q.next() ? q.value(0).toLongLong() : -1;
    }

    void verifyNoViolations()
    {
        QVERIFY2(m_fake->violations().isEmpty(), qPrintable(m_fake->violations().join('\n')));
    }

private slots:
    void cleanup()
    {
        m_ts.reset();
        if (m_fake)
            verifyNoViolations(); // last: a failure here leaves nothing running
        m_fake.reset();
    }

    void everyRoute_data()
    {
        QTest::addColumn<QByteArray>("route");
        QTest::addColumn<QString>("upstream");
        QTest::newRow("movies trending")
            << QByteArray("/api/movies/trending") << "/3/trending/movie/week";
        QTest::newRow("movies trending day")
            << QByteArray("/api/movies/trending?timeWindow=day") << "/3/trending/movie/day";
        QTest::newRow("movies trending alias")
            << QByteArray("/api/movies/trending?time_window=day") << "/3/trending/movie/day";
        QTest::newRow("movies popular")
            << QByteArray("/api/movies/popular?region=us&language=en-us") << "/3/movie/popular";
        QTest::newRow("movies top rated")
            << QByteArray("/api/movies/top-rated") << "/3/movie/top_rated";
        QTest::newRow("movies now playing")
            << QByteArray("/api/movies/now-playing") << "/3/movie/now_playing";
        QTest::newRow("movies upcoming")
            << QByteArray("/api/movies/upcoming") << "/3/movie/upcoming";
        QTest::newRow("movies genres") << QByteArray("/api/movies/genres") << "/3/genre/movie/list";
        QTest::newRow("movies search")
            << QByteArray("/api/movies/search?query=fight%20club&year=1999&include_adult=false")
            << "/3/search/movie";
        QTest::newRow("movies discover") << QByteArray(
            "/api/movies/"
            "discover?with_genres=28,12&sort_by=vote_average.desc&vote_average.gte=7&primary_"
            "release_date.gte=2020-01-01&year=2021&with_watch_providers=8|337&watch_region=US")
                                         << "/3/discover/movie";
        QTest::newRow("movie details") << QByteArray("/api/movies/550") << "/3/movie/550";
        QTest::newRow("movie append")
            << QByteArray("/api/movies/550?append=videos,credits,watch/providers")
            << "/3/movie/550";
        QTest::newRow("movie recommendations")
            << QByteArray("/api/movies/550/recommendations?page=2")
            << "/3/movie/550/recommendations";
        QTest::newRow("movie similar")
            << QByteArray("/api/movies/550/similar") << "/3/movie/550/similar";
        QTest::newRow("movie videos")
            << QByteArray("/api/movies/550/videos") << "/3/movie/550/videos";
        QTest::newRow("movie credits")
            << QByteArray("/api/movies/550/credits") << "/3/movie/550/credits";
        QTest::newRow("movie providers")
            << QByteArray("/api/movies/550/watch-providers") << "/3/movie/550/watch/providers";
        QTest::newRow("tv trending") << QByteArray("/api/tv/trending") << "/3/trending/tv/week";
        QTest::newRow("tv popular") << QByteArray("/api/tv/popular") << "/3/tv/popular";
        QTest::newRow("tv top rated") << QByteArray("/api/tv/top-rated") << "/3/tv/top_rated";
        QTest::newRow("tv airing today")
            << QByteArray("/api/tv/airing-today") << "/3/tv/airing_today";
        QTest::newRow("tv on the air")
            << QByteArray("/api/tv/on-the-air?page=2") << "/3/tv/on_the_air";
        QTest::newRow("tv genres") << QByteArray("/api/tv/genres") << "/3/genre/tv/list";
        QTest::newRow("tv search")
            << QByteArray("/api/tv/search?query=thrones&first_air_date_year=2011")
            << "/3/search/tv";
        QTest::newRow("tv discover") << QByteArray(
            "/api/tv/discover?with_networks=49&first_air_date.gte=2020-01-01&sort_by=name.asc")
                                     << "/3/discover/tv";
        QTest::newRow("tv details")
            << QByteArray("/api/tv/1399?append=content_ratings,credits") << "/3/tv/1399";
        QTest::newRow("tv season") << QByteArray("/api/tv/1399/season/1") << "/3/tv/1399/season/1";
        QTest::newRow("tv specials")
            << QByteArray("/api/tv/1399/season/0") << "/3/tv/1399/season/0";
        QTest::newRow("tv episode")
            << QByteArray("/api/tv/1399/season/1/episode/1") << "/3/tv/1399/season/1/episode/1";
        QTest::newRow("tv recommendations")
            << QByteArray("/api/tv/1399/recommendations") << "/3/tv/1399/recommendations";
        QTest::newRow("tv similar") << QByteArray("/api/tv/1399/similar") << "/3/tv/1399/similar";
        QTest::newRow("tv videos") << QByteArray("/api/tv/1399/videos") << "/3/tv/1399/videos";
        QTest::newRow("tv credits") << QByteArray("/api/tv/1399/credits") << "/3/tv/1399/credits";
        QTest::newRow("tv providers")
            << QByteArray("/api/tv/1399/watch-providers") << "/3/tv/1399/watch/providers";
        QTest::newRow("trending all") << QByteArray("/api/trending") << "/3/trending/all/week";
        QTest::newRow("trending person day")
            << QByteArray("/api/trending?media_type=person&time_window=day")
            << "/3/trending/person/day";
        QTest::newRow("multi search") << QByteArray("/api/search?query=nolan") << "/3/search/multi";
        QTest::newRow("person") << QByteArray("/api/people/287") << "/3/person/287";
        QTest::newRow("images config") << QByteArray("/api/images/config") << "/3/configuration";
    }
    void everyRoute()
    {
        QFETCH(QByteArray, route);
        QFETCH(QString, upstream);
        CHECK(start());
        const HttpReply first = m_ts->get(route);
        QCOMPARE(first.status, 200);
        QVERIFY(first.json().value("success").toBool());
        QVERIFY(first.json().value("data").isObject());
        QCOMPARE(first.header("X-Cache"), QByteArray("MISS"));
        QVERIFY(first.header("Cache-Control").startsWith("public, max-age="));
        QVERIFY(first.header("ETag").startsWith('"'));
        QVERIFY(first.header("X-Marquee-Catalogue").isEmpty());
        QCOMPARE(m_fake->callCount(), 1);
        QCOMPARE(m_fake->requests().first().path, upstream);
        const HttpReply second = m_ts->get(route);
        QCOMPARE(second.status, 200);
        QCOMPARE(second.header("X-Cache"), QByteArray("HIT"));
        QCOMPARE(second.body, first.body);
        QCOMPARE(m_fake->callCount(), 1);
    }

    void parametersAreForwardedAsTmdbNamesThem()
    {
        CHECK(start());
        QCOMPARE(m_ts->get("/api/movies/popular?region=gb&language=pt-br&page=3").status, 200);
        const QUrlQuery q = m_fake->requests().last().query;
        QCOMPARE(q.queryItemValue("region"), QStringLiteral("GB"));
        QCOMPARE(q.queryItemValue("language"), QStringLiteral("pt-BR"));
        QCOMPARE(q.queryItemValue("page"), QStringLiteral("3"));
        QCOMPARE(m_ts->get("/api/movies/550?append=videos,credits").status, 200);
        QCOMPARE(m_fake->requests().last().query.queryItemValue("append_to_response"),
            QStringLiteral("videos,credits"));
        QCOMPARE(m_ts->get("/api/people/287").status, 200);
        QCOMPARE(m_fake->requests().last().query.queryItemValue("append_to_response"),
            QStringLiteral("combined_credits"));
        // A v3 key travels as api_key and never as a header.
        QCOMPARE(m_fake->requests().last().query.queryItemValue("api_key"), kKey);
    }

    void v4TokenIsSentAsBearer()
    {
        const QString token
            = QStringLiteral("eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.v4-read-token-signature");
        CHECK(start({}, token));
        QCOMPARE(m_ts->get("/api/movies/popular").status, 200);
        const auto req = m_fake->requests().last();
        QVERIFY(!req.query.hasQueryItem("api_key"));
        bool bearer = false;
        for (const auto &h : req.headers)
            bearer = bearer
                || (h.first.toLower() == "authorization" && h.second == "Bearer " + token.toUtf8());
        QVERIFY(bearer);
    }

    void everyPageIsItsOwnEntry()
    {
        CHECK(start());
        for (int page : {1, 2, 3}) {
            const HttpReply r = m_ts->get("/api/movies/popular?page=" + QByteArray::number(page));
            QCOMPARE(r.status, 200);
            QCOMPARE(r.json().value("data").toObject().value("page").toInt(), page);
        }
        QCOMPARE(m_fake->callCount(), 3);
        QCOMPARE(m_ts->get("/api/movies/popular?page=2").header("X-Cache"), QByteArray("HIT"));
        QCOMPARE(m_fake->callCount(), 3);
        QCOMPARE(cacheRows(QStringLiteral("/movie/popular%")), 3);
    }

    void expiredEntryIsRefreshedInPlace()
    {
        CHECK(start([](Config &c) {
            c.ttlLists = 60;
            c.staleWindowSeconds = 0; // an expired entry waits for TMDB
        }));
        useFakeClock();
        QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("MISS"));
        m_now += 53999; // before the last tenth (which would refresh it ahead)
        QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("HIT"));
        m_now += 6001;
        const HttpReply refreshed = m_ts->get("/api/movies/popular");
        QCOMPARE(refreshed.status, 200);
        QCOMPARE(refreshed.header("X-Cache"), QByteArray("MISS"));
        QCOMPARE(m_fake->callCount(), 2);
        QCOMPARE(cacheRows(QStringLiteral("/movie/popular%")), 1); // updated, not inserted again
    }

    // A fresh answer may be kept for its category's time (API.md §3 "Cache policy"), a cached one
    // for what is left of it. Every category gets a TTL of its own here, so an answer kept for
    // another category's time shows.
    void maxAgeFollowsTheCategory_data()
    {
        QTest::addColumn<QByteArray>("route");
        QTest::addColumn<qint64>("ttl");
        const qint64 trending = 1001, lists = 2002, details = 3003, reference = 4004, search = 505;
        QTest::newRow("trending") << QByteArray("/api/trending") << trending;
        QTest::newRow("movies trending") << QByteArray("/api/movies/trending") << trending;
        QTest::newRow("now playing") << QByteArray("/api/movies/now-playing") << trending;
        QTest::newRow("on the air") << QByteArray("/api/tv/on-the-air") << trending;
        QTest::newRow("popular") << QByteArray("/api/movies/popular") << lists;
        QTest::newRow("tv top rated") << QByteArray("/api/tv/top-rated") << lists;
        QTest::newRow("discover") << QByteArray("/api/movies/discover") << lists;
        QTest::newRow("recommendations") << QByteArray("/api/movies/550/recommendations") << lists;
        QTest::newRow("movie details") << QByteArray("/api/movies/550") << details;
        QTest::newRow("tv details") << QByteArray("/api/tv/1399") << details;
        QTest::newRow("credits") << QByteArray("/api/movies/550/credits") << details;
        QTest::newRow("season") << QByteArray("/api/tv/1399/season/1") << details;
        QTest::newRow("episode") << QByteArray("/api/tv/1399/season/1/episode/1") << details;
        QTest::newRow("person") << QByteArray("/api/people/287") << details;
        QTest::newRow("genres") << QByteArray("/api/movies/genres") << reference;
        QTest::newRow("images config") << QByteArray("/api/images/config") << reference;
        QTest::newRow("search") << QByteArray("/api/search?query=nolan") << search;
    }
    void maxAgeFollowsTheCategory()
    {
        QFETCH(QByteArray, route);
        QFETCH(qint64, ttl);
        CHECK(start([](Config &c) {
            c.ttlTrending = 1001;
            c.ttlLists = 2002;
            c.ttlDetails = 3003;
            c.ttlReference = 4004;
            c.ttlSearch = 505;
        }));
        useFakeClock();
        const HttpReply miss = m_ts->get(route);
        QCOMPARE(miss.status, 200);
        QCOMPARE(miss.header("X-Cache"), QByteArray("MISS"));
        QCOMPARE(miss.header("Cache-Control"), "public, max-age=" + QByteArray::number(ttl));
        m_now += 500 * 1000;
        const HttpReply hit = m_ts->get(route);
        QCOMPARE(hit.header("X-Cache"), QByteArray("HIT"));
        QCOMPARE(hit.header("Cache-Control"), "public, max-age=" + QByteArray::number(ttl - 500));
        // Fresh up to its time; a request in its last tenth fetches it again in the background
        // (refresh ahead), so at the old entry's expiry a new one answers, never a miss.
        m_now += (ttl - 500) * 1000 - 1;
        QCOMPARE(m_ts->get(route).header("X-Cache"), QByteArray("HIT"));
        QTRY_COMPARE(m_fake->callCount(), 2);
        QTRY_COMPARE(m_ts->server().catalogue()->inFlightKeys(), 0); // answered and stored
        m_now += 1;
        QCOMPARE(m_ts->get(route).header("X-Cache"), QByteArray("HIT"));
        QCOMPARE(m_fake->callCount(), 2);
        QCOMPARE(m_ts->server().catalogue()->stats().refreshedAhead, quint64(1));
    }

    void cacheSurvivesRestart()
    {
        CHECK(start());
        QCOMPARE(m_ts->get("/api/movies/550").status, 200);
        CHECK(restartServerKeepingData());
        const HttpReply r = m_ts->get("/api/movies/550");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("X-Cache"), QByteArray("HIT"));
        QCOMPARE(m_fake->callCount(), 1);
    }

    void concurrentMissesMakeOneUpstreamCall()
    {
        CHECK(start());
        m_fake->setDelay(200);
        std::vector<std::unique_ptr<HttpClient>> clients;
        for (int i = 0; i < 20; ++i) {
            clients.push_back(std::make_unique<HttpClient>(m_ts->port()));
            QVERIFY(clients.back()->connectToServer());
            clients.back()->socket()->write(
                "GET /api/movies/550/credits HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        // One of them goes away while waiting; the others must not notice.
        QTRY_COMPARE(m_fake->callCount(), 1);
        clients.front()->disconnect();
        for (size_t i = 1; i < clients.size(); ++i) {
            const HttpReply r = clients[i]->readReply();
            QCOMPARE(r.status, 200);
            QCOMPARE(r.header("X-Cache"), QByteArray("MISS"));
        }
        QCOMPARE(m_fake->callCount(), 1);
        QCOMPARE(m_ts->server().catalogue()->stats().coalesced, quint64(19));
    }

    void staleEntryServedDuringOutage_data()
    {
        QTest::addColumn<QString>("failure");
        QTest::newRow("503") << "503";
        QTest::newRow("500") << "500";
        QTest::newRow("dropped") << "drop";
        QTest::newRow("timeout") << "hang";
    }
    void staleEntryServedDuringOutage()
    {
        QFETCH(QString, failure);
        CHECK(start([](Config &c) {
            c.ttlTrending = 60;
            c.tmdbTimeoutMs = 300;
            c.staleWindowSeconds = 0; // stale only because TMDB fails
        }));
        useFakeClock();
        const HttpReply fresh = m_ts->get("/api/movies/trending");
        QCOMPARE(fresh.status, 200);
        m_now += 60 * 1000;
        if (failure == QLatin1String("drop"))
            m_fake->setDropConnections(true);
        else if (failure == QLatin1String("hang"))
            m_fake->setHang(true);
        else
            m_fake->failNext(10, failure.toInt());
        const HttpReply stale = m_ts->get("/api/movies/trending");
        QCOMPARE(stale.status, 200);
        QCOMPARE(stale.header("X-Cache"), QByteArray("STALE"));
        QCOMPARE(stale.json().value("data"), fresh.json().value("data"));
        QCOMPARE(stale.header("Cache-Control"), QByteArray("public, max-age=0"));
        QCOMPARE(m_ts->get("/health").json().value("data").toObject().value("status").toString(),
            QStringLiteral("degraded"));
        m_fake->setHang(false);
        m_fake->setDropConnections(false);
    }

    void failuresWithNothingCached_data()
    {
        QTest::addColumn<QString>("failure");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("upstream 500") << "500" << 502 << "UPSTREAM_ERROR";
        QTest::newRow("upstream 503") << "503" << 502 << "UPSTREAM_ERROR";
        QTest::newRow("unreachable") << "drop" << 503 << "SERVICE_UNAVAILABLE";
        QTest::newRow("timeout") << "hang" << 504 << "UPSTREAM_TIMEOUT";
        QTest::newRow("key rejected") << "key" << 503 << "SERVICE_UNAVAILABLE";
    }
    void failuresWithNothingCached()
    {
        QFETCH(QString, failure);
        QFETCH(int, status);
        QFETCH(QString, code);
        CHECK(start([](Config &c) { c.tmdbTimeoutMs = 300; }));
        if (failure == QLatin1String("drop"))
            m_fake->setDropConnections(true);
        else if (failure == QLatin1String("hang"))
            m_fake->setHang(true);
        else if (failure == QLatin1String("key"))
            m_fake->setApiKey(QStringLiteral("another-key"));
        else
            m_fake->failNext(10, failure.toInt());
        const HttpReply r = m_ts->get("/api/movies/popular");
        CHECK(verifyError(r, status, code));
        if (failure == QLatin1String("key"))
            QVERIFY(
                r.json().value("error").toString().contains(QLatin1String("TMDB key rejected")));
        QVERIFY(!r.body.contains(kKey.toUtf8()));
        m_fake->setHang(false);
        m_fake->setDropConnections(false);
    }

    void rateLimitIsHonouredThenRetried()
    {
        CHECK(start());
        m_fake->failNext(1, 429, 1);
        QElapsedTimer t;
        t.start();
        HttpClient c(m_ts->port());
        const HttpReply r = c.request("GET", "/api/movies/upcoming", {}, {}, 10000);
        QCOMPARE(r.status, 200);
        QCOMPARE(m_fake->callCount(), 2);
        QVERIFY(t.elapsed() >= 900); // waited for Retry-After: 1
    }

    void notFoundIsRememberedBriefly()
    {
        CHECK(start());
        m_fake->setNotFound(QStringLiteral("/3/movie/999"));
        const HttpReply r = m_ts->get("/api/movies/999");
        CHECK(verifyError(r, 404, QStringLiteral("NOT_FOUND")));
        QCOMPARE(m_ts->get("/api/movies/999").status, 404);
        QCOMPARE(m_fake->callCount(), 1);
    }

    void validationMakesNoUpstreamCall_data()
    {
        QTest::addColumn<QByteArray>("route");
        QTest::addColumn<QString>("field");
        QTest::newRow("id text") << QByteArray("/api/movies/abc") << "id";
        QTest::newRow("id zero") << QByteArray("/api/movies/0") << "id";
        QTest::newRow("id too big") << QByteArray("/api/tv/2147483648") << "id";
        QTest::newRow("id negative") << QByteArray("/api/people/-5") << "id";
        QTest::newRow("season text") << QByteArray("/api/tv/1399/season/x") << "season";
        QTest::newRow("page 0") << QByteArray("/api/movies/popular?page=0") << "page";
        QTest::newRow("page 501") << QByteArray("/api/movies/popular?page=501") << "page";
        QTest::newRow("page text") << QByteArray("/api/tv/popular?page=two") << "page";
        QTest::newRow("language") << QByteArray("/api/movies/popular?language=english")
                                  << "language";
        QTest::newRow("region") << QByteArray("/api/movies/popular?region=USA") << "region";
        QTest::newRow("unknown param") << QByteArray("/api/movies/popular?sort=1") << "sort";
        QTest::newRow("region on tv") << QByteArray("/api/tv/popular?region=US") << "region";
        QTest::newRow("trending page") << QByteArray("/api/movies/trending?page=2") << "page";
        QTest::newRow("time window")
            << QByteArray("/api/movies/trending?timeWindow=month") << "timeWindow";
        QTest::newRow("both aliases")
            << QByteArray("/api/movies/trending?timeWindow=day&time_window=week") << "timeWindow";
        QTest::newRow("media type") << QByteArray("/api/trending?media_type=books") << "media_type";
        QTest::newRow("query missing") << QByteArray("/api/movies/search") << "query";
        QTest::newRow("query empty") << QByteArray("/api/search?query=") << "query";
        QTest::newRow("query too long")
            << QByteArray("/api/search?query=" + QByteArray(201, 'q')) << "query";
        QTest::newRow("include_adult")
            << QByteArray("/api/search?query=a&include_adult=yes") << "include_adult";
        QTest::newRow("sort_by") << QByteArray("/api/movies/discover?sort_by=rating.desc")
                                 << "sort_by";
        QTest::newRow("tv sort on movies")
            << QByteArray("/api/movies/discover?sort_by=name.asc") << "sort_by";
        QTest::newRow("discover unknown filter")
            << QByteArray("/api/movies/discover?with_cast=287") << "with_cast";
        QTest::newRow("discover genres")
            << QByteArray("/api/movies/discover?with_genres=action") << "with_genres";
        QTest::newRow("discover date")
            << QByteArray("/api/movies/discover?primary_release_date.gte=2020/01/01")
            << "primary_release_date.gte";
        QTest::newRow("discover vote")
            << QByteArray("/api/tv/discover?vote_average.gte=11") << "vote_average.gte";
        QTest::newRow("discover networks")
            << QByteArray("/api/tv/discover?with_networks=49|213") << "with_networks";
        QTest::newRow("append") << QByteArray("/api/movies/550?append=reviews") << "append";
        QTest::newRow("append tv-only on movie")
            << QByteArray("/api/movies/550?append=content_ratings") << "append";
        QTest::newRow("images config param")
            << QByteArray("/api/images/config?size=w500") << "size";
    }
    void validationMakesNoUpstreamCall()
    {
        QFETCH(QByteArray, route);
        QFETCH(QString, field);
        CHECK(start());
        const HttpReply r = m_ts->get(route);
        CHECK(verifyError(r, 400, QStringLiteral("VALIDATION_ERROR")));
        QCOMPARE(r.json().value("details").toArray().first().toObject().value("field").toString(),
            field);
        QCOMPARE(m_fake->callCount(), 0);
    }

    void apiKeyNeverLeaks()
    {
        CHECK(start());
        Logger &log = m_ts->log(); // where the server's access lines go
        log.addSecret(kKey); // as the app does at start-up
        const quint64 before
            = log.buffer()->entriesAfter(0).isEmpty() ? 0 : log.buffer()->entriesAfter(0).last().id;
        QList<HttpReply> replies;
        replies << m_ts->get("/api/movies/550") << m_ts->get("/api/movies/abc");
        m_fake->failNext(1, 500);
        replies << m_ts->get("/api/movies/551");
        m_fake->setApiKey(QStringLiteral("rotated"));
        replies << m_ts->get("/api/tv/popular");
        for (const HttpReply &r : replies) {
            QVERIFY(!r.body.contains(kKey.toUtf8()));
            for (const auto &h : r.headers)
                QVERIFY(!h.second.contains(kKey.toUtf8()));
        }
        for (const auto &e : log.buffer()->entriesAfter(before))
            QVERIFY2(!e.message.contains(kKey), qPrintable(e.message));
        QCOMPARE(cacheRows(QLatin1Char('%') + kKey + QLatin1Char('%')), 0);
        QVERIFY(cacheRows(QStringLiteral("%")) > 0);
    }

    void imageUrlsAreAbsolute()
    {
        CHECK(start());
        m_fake->setResponse(QStringLiteral("/3/movie/77"), 200,
            R"({"id":77,"title":"Memento","poster_path":"/poster.jpg","backdrop_path":null,)"
            R"("production_companies":[{"id":1,"logo_path":"/logo.png","name":"X"}]})");
        const QJsonObject data = m_ts->get("/api/movies/77").json().value("data").toObject();
        QCOMPARE(data.value("poster_url").toString(),
            QStringLiteral("https://image.tmdb.org/t/p/w500/poster.jpg"));
        QVERIFY(data.contains("backdrop_url"));
        QVERIFY(data.value("backdrop_url").isNull());
        QCOMPARE(data.value("production_companies")
                     .toArray()
                     .first()
                     .toObject()
                     .value("logo_url")
                     .toString(),
            QStringLiteral("https://image.tmdb.org/t/p/w300/logo.png"));
        const QJsonObject list = m_ts->get("/api/movies/popular").json().value("data").toObject();
        const QJsonObject first = list.value("results").toArray().first().toObject();
        QVERIFY(first.value("poster_url")
                    .toString()
                    .startsWith(QLatin1String("https://image.tmdb.org/t/p/w500/")));
        const QJsonObject cfg = m_ts->get("/api/images/config").json().value("data").toObject();
        QVERIFY(cfg.value("secure_base_url").toString().startsWith(QLatin1String("https://")));
        QVERIFY(cfg.value("poster_sizes").toArray().size() > 3);
    }

    void etagGivesNotModified()
    {
        CHECK(start());
        const HttpReply first = m_ts->get("/api/movies/genres");
        const HttpReply second
            = m_ts->get("/api/movies/genres", {{"If-None-Match", first.header("ETag")}});
        QCOMPARE(second.status, 304);
        QVERIFY(second.body.isEmpty());
        QCOMPARE(second.header("ETag"), first.header("ETag"));
    }

    void searchIsOnlyMemoisedInMemory()
    {
        CHECK(start());
        QCOMPARE(m_ts->get("/api/movies/search?query=matrix").status, 200);
        QCOMPARE(m_ts->get("/api/movies/search?query=matrix").header("X-Cache"), QByteArray("HIT"));
        QCOMPARE(m_fake->callCount(), 1);
        QCOMPARE(cacheRows(QStringLiteral("/search/%")), 0);
        CHECK(restartServerKeepingData());
        QCOMPARE(
            m_ts->get("/api/movies/search?query=matrix").header("X-Cache"), QByteArray("MISS"));
    }

    // Five calls a second: a burst of five from the full bucket, then one every 200 ms. Proven by
    // when the calls reach the fake, as lower bounds only (a slow machine makes calls later,
    // never earlier, so nothing here depends on how fast the machine is).
    void throttleLimitsUpstreamRate()
    {
        CHECK(start([](Config &c) { c.tmdbRatePerSecond = 5; }));
        QElapsedTimer sinceFirstRequest;
        QList<qint64> arrivals; // ms after the first request was written
        QObject watch;
        connect(m_fake.get(), &FakeTmdb::requestReceived, &watch,
            [&] { arrivals << sinceFirstRequest.elapsed(); });
        std::vector<std::unique_ptr<HttpClient>> clients;
        for (int i = 0; i < 10; ++i) {
            clients.push_back(std::make_unique<HttpClient>(m_ts->port()));
            QVERIFY(clients.back()->connectToServer());
        }
        sinceFirstRequest.start();
        for (int i = 0; i < 10; ++i)
            clients[size_t(i)]->socket()->write(
                "GET /api/movies/" + QByteArray::number(600 + i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        for (auto &c : clients)
            QCOMPARE(c->readReply(false, 10000).status, 200);
        QCOMPARE(m_fake->callCount(), 10);
        QCOMPARE(arrivals.size(), 10);
        // The bucket held five tokens when the first request came: the sixth call needs one more
        // (200 ms), the tenth five more (1 s). 10 ms of slack for rounding to milliseconds.
        QString times;
        for (qint64 ms : std::as_const(arrivals))
            times += QString::number(ms) + QLatin1Char(' ');
        for (int k = 5; k < 10; ++k)
            QVERIFY2(arrivals.at(k) >= (k - 4) * 200 - 10,
                qPrintable(QStringLiteral("call %1 reached TMDB after %2 ms (all, in ms: %3)")
                               .arg(k + 1)
                               .arg(arrivals.at(k))
                               .arg(times)));
    }

    void shutdownWaitsForCatalogueRequest()
    {
        CHECK(start());
        QCOMPARE(m_ts->server().config().shutdownGraceMs, 5000);
        m_fake->setHang(true); // TMDB answers when the test says so
        HttpClient c(m_ts->port());
        QVERIFY(c.connectToServer());
        c.socket()->write("GET /api/movies/550/videos HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE(m_fake->callCount(), 1);
        QSignalSpy stopped(&m_ts->server(), &MarqueeServer::stopped);
        m_ts->server().shutdown();
        QVERIFY2(!QTest::qWaitFor([&] { return stopped.count() > 0; }, 500),
            "the server stopped with a request in flight, long before its grace period was over");
        m_fake->setHang(false);
        const HttpReply r = c.readReply(false, 3000);
        QCOMPARE(r.status, 200);
        QTRY_COMPARE(stopped.count(), 1);
    }

    void demoCatalogueServesEveryRoute()
    {
        // No TMDB key: the built-in demo catalogue answers, and says so.
        m_fake.reset();
        m_ts = std::make_unique<TestServer>();
        QVERIFY(m_ts->config.tmdbApiKey.isEmpty());
        QVERIFY2(m_ts->start(), notStarted("server", m_ts->startError()));
        QCOMPARE(m_ts->get("/health").json().value("data").toObject().value("tmdb").toString(),
            QStringLiteral("demo"));
        const QList<QByteArray> routes {"/api/movies/trending", "/api/movies/popular",
            "/api/movies/top-rated", "/api/movies/now-playing", "/api/movies/upcoming",
            "/api/movies/genres", "/api/movies/search?query=fight",
            "/api/movies/discover?with_genres=18", "/api/movies/550?append=videos,credits",
            "/api/movies/550/recommendations", "/api/movies/550/similar", "/api/movies/550/videos",
            "/api/movies/550/credits", "/api/movies/550/watch-providers", "/api/tv/trending",
            "/api/tv/popular", "/api/tv/top-rated", "/api/tv/airing-today", "/api/tv/on-the-air",
            "/api/tv/genres", "/api/tv/search?query=thrones", "/api/tv/discover?sort_by=name.asc",
            "/api/tv/1399", "/api/tv/1399/season/1", "/api/tv/1399/season/1/episode/1",
            "/api/tv/1399/recommendations", "/api/tv/1399/similar", "/api/tv/1399/videos",
            "/api/tv/1399/credits", "/api/tv/1399/watch-providers",
            "/api/trending?media_type=person", "/api/search?query=hanks", "/api/people/31",
            "/api/images/config"};
        for (const QByteArray &route : routes) {
            const HttpReply r = m_ts->get(route);
            QVERIFY2(r.status == 200, route.constData());
            QCOMPARE(r.header("X-Marquee-Catalogue"), QByteArray("demo"));
            QVERIFY2(r.json().value("data").isObject(), route.constData());
        }
        const QJsonObject movie = m_ts->get("/api/movies/550").json().value("data").toObject();
        QCOMPARE(movie.value("id").toInt(), 550);
        QVERIFY(movie.value("poster_url")
                    .toString()
                    .startsWith(QLatin1String("https://image.tmdb.org/t/p/")));
        const HttpReply missing = m_ts->get("/api/movies/1");
        QCOMPARE(missing.status, 404);
        QCOMPARE(missing.header("X-Marquee-Catalogue"), QByteArray("demo"));
        // Demo answers never land in the database cache (a key added later must not see them).
        QCOMPARE(cacheRows(QStringLiteral("%")), 0);
        // So /health counts the memory layer, and says so (`marquee cache stats` says it too).
        const QJsonObject cache
            = m_ts->get("/health").json().value("data").toObject().value("cache").toObject();
        QCOMPARE(cache.value("scope").toString(), QStringLiteral("memory"));
        QVERIFY(cache.value("entries").toInteger() > 0);
        QVERIFY2(cache.value("note").toString().contains(QLatin1String("marquee cache stats")),
            qPrintable(cache.value("note").toString()));
    }

    // A missing season or episode is named as what it is, not as a missing title.
    void missingSeasonOrEpisodeIsNamed_data()
    {
        QTest::addColumn<QByteArray>("route");
        QTest::addColumn<QString>("upstream");
        QTest::addColumn<QString>("message");
        QTest::newRow("season") << QByteArray("/api/tv/1399/season/99") << "/3/tv/1399/season/99"
                                << "TMDB has no such season";
        QTest::newRow("episode") << QByteArray("/api/tv/1399/season/1/episode/99")
                                 << "/3/tv/1399/season/1/episode/99"
                                 << "TMDB has no such episode";
        QTest::newRow("person") << QByteArray("/api/people/999999") << "/3/person/999999"
                                << "TMDB has no such person";
        QTest::newRow("title") << QByteArray("/api/movies/999999") << "/3/movie/999999"
                               << "TMDB has no such title";
    }
    void missingSeasonOrEpisodeIsNamed()
    {
        QFETCH(QByteArray, route);
        QFETCH(QString, upstream);
        QFETCH(QString, message);
        CHECK(start());
        m_fake->setNotFound(upstream);
        for (int i = 0; i < 2; ++i) { // from TMDB, then from the remembered 404
            const HttpReply r = m_ts->get(route);
            QCOMPARE(r.status, 404);
            QCOMPARE(r.json().value("code").toString(), QStringLiteral("NOT_FOUND"));
            QCOMPARE(r.json().value("error").toString(), message);
        }
    }

    // More pipelined requests than a connection may have unanswered (64): the guard stops
    // handing them to Qt's parser while 64 wait for TMDB and resumes as answers go out. Every
    // one is answered, in order, none twice.
    void pipelinedMissesBeyondTheCapAreAnsweredInOrder()
    {
        CHECK(start([](Config &c) { c.tmdbRatePerSecond = 100000; }));
        m_fake->setDelay(30);
        constexpr int count = 150;
        QByteArray burst;
        for (int i = 0; i < count; ++i)
            burst += "GET /api/movies/" + QByteArray::number(1000 + i)
                + " HTTP/1.1\r\nHost: x\r\nX-Request-Id: m" + QByteArray::number(i) + "\r\n\r\n";
        HttpClient client(m_ts->port());
        QVERIFY(client.connectToServer());
        client.socket()->write(burst);
        for (int i = 0; i < count; ++i) {
            const HttpReply r = client.readReply(false, 10000);
            QVERIFY2(
                r.status == 200, qPrintable(QStringLiteral("answer %1: %2").arg(i).arg(r.status)));
            QCOMPARE(r.header("X-Request-Id"), "m" + QByteArray::number(i));
        }
        QCOMPARE(m_fake->callCount(QStringLiteral("/3/movie/")), count);
    }

    // Answers ready behind a slow one count against the connection's cap too: with the first
    // request waiting on TMDB, at most 64 requests are handed to the router; all are answered,
    // in order, once TMDB answers.
    void answersWaitingBehindASlowOneAreCapped_data()
    {
        QTest::addColumn<bool>("closing");
        QTest::newRow("keep-alive") << false;
        QTest::newRow("a closing request last") << true; // the cap must hold in that state too
    }
    void answersWaitingBehindASlowOneAreCapped()
    {
        QFETCH(bool, closing);
        CHECK(start());
        m_fake->setHang(true);
        QByteArray burst = "GET /api/movies/4242 HTTP/1.1\r\nHost: x\r\nX-Request-Id: slow\r\n\r\n";
        constexpr int count = 1000;
        for (int i = 0; i < count; ++i)
            burst += "GET /health HTTP/1.1\r\nHost: x\r\nX-Request-Id: h" + QByteArray::number(i)
                + "\r\n\r\n";
        if (closing)
            burst += "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Request-Id: "
                     "last\r\n\r\n";
        HttpClient client(m_ts->port());
        QVERIFY(client.connectToServer());
        client.socket()->write(burst);
        QTRY_VERIFY(m_ts->server().health().requestsServed >= 60);
        QTest::qWait(300); // time for more to be handed over, had the cap been ignored
        const quint64 served = m_ts->server().health().requestsServed;
        QVERIFY2(served <= 64, qPrintable(QStringLiteral("%1 answers held").arg(served)));
        m_fake->setHang(false);
        QCOMPARE(client.readReply(false, 10000).header("X-Request-Id"), QByteArray("slow"));
        for (int i = 0; i < count; ++i)
            QCOMPARE(
                client.readReply(false, 10000).header("X-Request-Id"), "h" + QByteArray::number(i));
        if (closing) {
            const HttpReply last = client.readReply(false, 10000);
            QCOMPARE(last.header("X-Request-Id"), QByteArray("last"));
            QVERIFY(last.closed || client.waitForClose(5000));
        }
    }

    // A bad request line arriving while an earlier request waits on TMDB: Qt's parser would
    // drop the connection with the earlier answer; the guard refuses it after that answer.
    void badRequestLineAfterASlowRequestKeepsTheEarlierAnswer()
    {
        CHECK(start());
        m_fake->setHang(true);
        HttpClient client(m_ts->port());
        QVERIFY(client.connectToServer());
        client.socket()->write(
            "GET /api/movies/4343 HTTP/1.1\r\nHost: x\r\n\r\nGET /\r\nHost: x\r\n");
        QTRY_COMPARE(m_fake->callCount(QStringLiteral("/3/movie/4343")), 1);
        QTest::qWait(100);
        m_fake->setHang(false);
        QCOMPARE(client.readReply(false, 10000).status, 200);
        QCOMPARE(client.readReply(false, 10000).status, 400);
    }

    void queuedMissesHaveADeadline()
    {
        // One upstream call a second: the second and third miss would wait longer than the
        // upstream timeout for the throttle, so they are answered 504 instead of waiting on.
        CHECK(start([](Config &c) {
            c.tmdbRatePerSecond = 1;
            c.tmdbTimeoutMs = 300;
        }));
        std::vector<std::unique_ptr<HttpClient>> clients;
        for (int i = 0; i < 3; ++i) {
            clients.push_back(std::make_unique<HttpClient>(m_ts->port()));
            QVERIFY(clients.back()->connectToServer());
            clients.back()->socket()->write(
                "GET /api/movies/" + QByteArray::number(700 + i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        QList<int> statuses;
        for (auto &c : clients)
            statuses << c->readReply(false, 5000).status;
        std::sort(statuses.begin(), statuses.end());
        QCOMPARE(statuses, (QList<int> {200, 504, 504}));
        QCOMPARE(m_fake->callCount(), 1);
    }

    void databaseCacheIsCapped()
    {
        CHECK(start());
        ContentCache &cache = m_ts->server().catalogue()->cache();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (int i = 0; i < 10; ++i) {
            CacheEntry e;
            e.body = "{}";
            e.etag = "\"x\"";
            e.category = QStringLiteral("lists");
            e.fetchedAt = now;
            e.expiresAt = now + 60000 + i * 1000; // entry 0 expires first
            cache.put(QStringLiteral("/capped/%1").arg(i), e, true);
        }
        QCOMPARE(cache.prune(CatalogueService::kPruneAfterDeadMs, 4), 6);
        QCOMPARE(cacheRows(QStringLiteral("/capped/%")), 4);
        QCOMPARE(cacheRows(QStringLiteral("/capped/9")), 1); // the longest-lived stay
        QCOMPARE(cacheRows(QStringLiteral("/capped/0")), 0);
    }

    void plusInQueryIsASpace()
    {
        CHECK(start());
        QCOMPARE(m_ts->get("/api/movies/search?query=star+wars").status, 200);
        QCOMPARE(m_fake->requests().last().query.queryItemValue("query", QUrl::FullyDecoded),
            QStringLiteral("star wars"));
        QCOMPARE(m_ts->get("/api/movies/search?query=c%2B%2B").status, 200);
        QCOMPARE(m_fake->requests().last().query.queryItemValue("query", QUrl::FullyDecoded),
            QStringLiteral("c++"));
    }

    void signedInAnswersAreNotSharedCacheable()
    {
        const RsaKeyPair key = RsaKeyPair::generate();
        CHECK(start([&key](Config &c) {
            c.clerkJwtKey = QString::fromLatin1(key.publicPem());
            c.http.allowedOrigins = {QStringLiteral("http://localhost:5173")};
        }));
        const QByteArray token
            = ClerkTokens(key, QString(), QStringLiteral("http://localhost:5173"))
                  .token(QStringLiteral("user_p"), QString(), 600);
        const HttpReply anonymous = m_ts->get("/api/movies/popular");
        QVERIFY(anonymous.header("Cache-Control").startsWith("public, "));
        const HttpReply personal
            = m_ts->get("/api/movies/popular", {{"Authorization", "Bearer " + token}});
        QCOMPARE(personal.status, 200);
        QVERIFY2(personal.header("Cache-Control").startsWith("private, max-age="),
            personal.header("Cache-Control").constData());
        QCOMPARE(personal.headerCount("Vary"), 1);
        QVERIFY2(personal.header("Vary").contains("Authorization"), personal.header("Vary"));
    }

    // Past its freshness but within the stale window (one TTL by default) an entry is answered
    // at once, X-Cache: STALE, while one background call fetches it again; a client that sends
    // Cache-Control: no-cache waits for TMDB instead; past the window it is a miss.
    void staleWhileRevalidate()
    {
        CHECK(start([](Config &c) { c.ttlLists = 60; }));
        useFakeClock();
        const HttpReply first = m_ts->get("/api/movies/popular");
        QCOMPARE(first.header("X-Cache"), QByteArray("MISS"));
        m_fake->setDelay(1500);
        m_now += 61 * 1000;
        QElapsedTimer clock;
        clock.start();
        const HttpReply stale = m_ts->get("/api/movies/popular");
        QCOMPARE(stale.status, 200);
        QCOMPARE(stale.header("X-Cache"), QByteArray("STALE"));
        QCOMPARE(stale.header("Cache-Control"), QByteArray("public, max-age=0"));
        QCOMPARE(stale.json().value("data"), first.json().value("data"));
        QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("STALE"));
        QVERIFY2(clock.elapsed() < 1000,
            qPrintable(QStringLiteral("the stale answers waited %1 ms").arg(clock.elapsed())));
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->callCount(), 2, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(m_ts->server().catalogue()->inFlightKeys(), 0, 5000);
        QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("HIT"));
        QCOMPARE(m_fake->callCount(), 2); // one background call for both stale answers
        CatalogueStats stats = m_ts->server().catalogue()->stats();
        QCOMPARE(stats.revalidated, quint64(1));
        QCOMPARE(stats.stale, quint64(2));

        m_fake->setDelay(0);
        m_now += 61 * 1000;
        const HttpReply fresh = m_ts->get("/api/movies/popular", {{"Cache-Control", "no-cache"}});
        QCOMPARE(fresh.header("X-Cache"), QByteArray("MISS"));
        QCOMPARE(m_fake->callCount(), 3);
        m_now += 121 * 1000; // past the window of the entry that answer made
        QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("MISS"));
        QCOMPARE(m_fake->callCount(), 4);
        stats = m_ts->server().catalogue()->stats();
        QCOMPARE(stats.stale, quint64(2));
        QCOMPARE(stats.misses, quint64(3));
        // Saved for `marquee cache stats`, each count once however often it is saved.
        CatalogueService *catalogue = m_ts->server().catalogue();
        catalogue->saveCounters();
        catalogue->saveCounters();
        QHash<QString, qint64> saved;
        for (const auto &[name, value] : catalogue->cache().counters())
            saved.insert(name, value);
        QCOMPARE(saved.value(QStringLiteral("stale")), 2);
        QCOMPARE(saved.value(QStringLiteral("revalidated")), 1);
        QCOMPARE(saved.value(QStringLiteral("misses")), 3);
        QCOMPARE(saved.value(QStringLiteral("upstream_calls")), 4);
    }

    // A background call that fails is not made again on the next request: the stale copy is
    // served, and TMDB is asked again after a second (doubling while it keeps failing).
    void failedRevalidationBacksOff()
    {
        CHECK(start([](Config &c) { c.ttlLists = 60; }));
        useFakeClock();
        QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("MISS"));
        m_fake->failNext(1000, 503);
        m_now += 61 * 1000;
        for (int i = 0; i < 20; ++i)
            QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("STALE"));
        QTRY_COMPARE(m_ts->server().catalogue()->inFlightKeys(), 0);
        QCOMPARE(m_fake->callCount(), 2); // the first stale answer's call only
        m_now += 1000; // the back-off is over
        QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("STALE"));
        QTRY_COMPARE(m_fake->callCount(), 3);
        QTRY_COMPARE(m_ts->server().catalogue()->inFlightKeys(), 0);
        m_now += 1000; // the second failure doubled it
        QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("STALE"));
        QCOMPARE(m_fake->callCount(), 3);
    }

    // A request with Cache-Control: no-cache that joins a running revalidation falls back to the
    // stale copy when TMDB fails, also when only the database layer holds it.
    void noCacheJoiningARevalidationGetsTheStaleCopyOnFailure()
    {
        CHECK(start([](Config &c) {
            c.ttlLists = 60;
            c.cacheMemoryMb = 0; // the database layer only
            c.tmdbTimeoutMs = 300;
        }));
        useFakeClock();
        QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("MISS"));
        m_fake->setHang(true);
        m_now += 61 * 1000;
        QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("STALE"));
        const HttpReply r = m_ts->get("/api/movies/popular", {{"Cache-Control", "no-cache"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("X-Cache"), QByteArray("STALE"));
        m_fake->setHang(false);
    }

    // MARQUEE_STALE_WINDOW=0: an expired entry is never served while TMDB answers.
    void staleWindowZeroWaitsForTmdb()
    {
        CHECK(start([](Config &c) {
            c.ttlLists = 60;
            c.staleWindowSeconds = 0;
        }));
        useFakeClock();
        QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("MISS"));
        m_now += 60 * 1000;
        QCOMPARE(m_ts->get("/api/movies/popular").header("X-Cache"), QByteArray("MISS"));
        QCOMPARE(m_ts->server().catalogue()->stats().revalidated, quint64(0));
    }

    // The warm-up fetches the home rows in the background at start, so that the first home page
    // is answered from the cache, and fetches each again in the last tenth of its freshness.
    void warmUpFillsTheHomeRows()
    {
        CHECK(start([](Config &c) {
            c.warmup = true;
            c.ttlTrending = 20; // the check runs every second
        }));
        CatalogueService *catalogue = m_ts->server().catalogue();
        QTRY_VERIFY_WITH_TIMEOUT(catalogue->warmupDone(), 10000);
        const int rows = int(CatalogueController::homeRows().size());
        QCOMPARE(m_fake->callCount(), rows);
        QCOMPARE(catalogue->stats().warmed, quint64(rows));
        for (const char *route :
            {"/api/trending", "/api/trending?time_window=day", "/api/movies/trending",
                "/api/tv/trending?timeWindow=day", "/api/movies/popular", "/api/movies/top-rated",
                "/api/movies/now-playing", "/api/movies/upcoming", "/api/tv/popular",
                "/api/tv/top-rated", "/api/tv/on-the-air", "/api/tv/airing-today",
                "/api/movies/genres", "/api/tv/genres", "/api/images/config"}) {
            const HttpReply r = m_ts->get(route);
            QCOMPARE(r.status, 200);
            QVERIFY2(r.header("X-Cache") == "HIT", route);
        }
        QCOMPARE(m_fake->callCount(), rows);
        useFakeClock();
        m_now += 19 * 1000; // the trending rows' last tenth
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->callCount(), rows + 9, 5000);
        QCOMPARE(catalogue->stats().warmed, quint64(rows + 9));
    }

    void healthReportsTmdbAndCache()
    {
        CHECK(start());
        QCOMPARE(m_ts->get("/api/movies/popular").status, 200);
        QCOMPARE(m_ts->get("/api/movies/popular").status, 200);
        const QJsonObject h = m_ts->get("/health").json().value("data").toObject();
        QCOMPARE(h.value("tmdb").toString(), QStringLiteral("ok"));
        QCOMPARE(h.value("cache").toObject().value("entries").toInt(), 1);
        QCOMPARE(h.value("cache").toObject().value("hitRatio").toDouble(), 0.5);
    }
};

QTEST_GUILESS_MAIN(TestCatalogue)
#include "tst_catalogue.moc"
