// The built-in demo catalogue as a unit (docs/demo-catalogue.md): every catalogue route answers
// from the bundled data in TMDB's shapes, with TMDB's paging, filters and 404s.
#include "tmdb/democatalogue.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>
#include <QThread>
#include <QUrlQuery>

#include <atomic>
#include <memory>
#include <vector>

using namespace marquee;

namespace {

// The one catalogue this test program reads (its data loads on the first request).
const DemoCatalogue &demo()
{
    static const DemoCatalogue catalogue;
    return catalogue;
}

struct Reply
{
    int status = 0;
    QJsonObject body;
    QByteArray raw;
};

Reply fetch(const QString &path, const QString &query = {})
{
    const DemoCatalogue::Answer answer = demo().get(path, QUrlQuery(query));
    return {answer.status, QJsonDocument::fromJson(answer.body).object(), answer.body};
}

QList<int> idsOf(const QJsonArray &results)
{
    QList<int> ids;
    for (const QJsonValue &v : results)
        ids.append(v[QLatin1String("id")].toInt());
    return ids;
}

// Every page of a paginated answer, concatenated; also checks the paging fields agree.
QJsonArray allPages(const QString &path, const QString &query = {})
{
    QJsonArray all;
    int totalPages = 1;
    int totalResults = -1;
    for (int page = 1; page <= totalPages; ++page) {
        const QString q = (query.isEmpty() ? QString() : query + QLatin1Char('&'))
            + QStringLiteral("page=%1").arg(page);
        const Reply r = fetch(path, q);
        if (r.status != 200) {
            qWarning() << path << q << "answered" << r.status;
            return {};
        }
        totalPages = r.body.value(QLatin1String("total_pages")).toInt();
        totalResults = r.body.value(QLatin1String("total_results")).toInt();
        if (r.body.value(QLatin1String("page")).toInt() != page)
            qWarning() << path << "page field is wrong";
        for (const QJsonValue &v : r.body.value(QLatin1String("results")).toArray())
            all.append(v);
    }
    if (all.size() != totalResults)
        qWarning() << path << query << "total_results" << totalResults << "but" << all.size();
    return all;
}

bool resolves(const QString &mediaType, int id)
{
    return fetch(QStringLiteral("/%1/%2").arg(mediaType).arg(id)).status == 200;
}

const QByteArray TmdbNotFound = "{\"success\":false,\"status_code\":34,\"status_message\":\"The "
                                "resource you requested could not be found.\"}";

const QStringList ListPaths = {
    QStringLiteral("/movie/popular"),
    QStringLiteral("/movie/top_rated"),
    QStringLiteral("/movie/now_playing"),
    QStringLiteral("/movie/upcoming"),
    QStringLiteral("/tv/popular"),
    QStringLiteral("/tv/top_rated"),
    QStringLiteral("/tv/airing_today"),
    QStringLiteral("/tv/on_the_air"),
    QStringLiteral("/trending/movie/day"),
    QStringLiteral("/trending/movie/week"),
    QStringLiteral("/trending/tv/day"),
    QStringLiteral("/trending/tv/week"),
    QStringLiteral("/trending/person/day"),
    QStringLiteral("/trending/person/week"),
    QStringLiteral("/trending/all/day"),
    QStringLiteral("/trending/all/week"),
};

// The media type of a list entry: its own media_type, else the list's kind.
QString mediaTypeOf(const QJsonObject &entry, const QString &listPath)
{
    const QString own = entry.value(QLatin1String("media_type")).toString();
    if (!own.isEmpty())
        return own;
    return listPath.section(QLatin1Char('/'), 1, 1) == QLatin1String("tv")
        ? QStringLiteral("tv")
        : QStringLiteral("movie");
}

} // namespace

class TestDemoCatalogue : public QObject
{
    Q_OBJECT

private slots:
    void everyPathAnswers_data();
    void everyPathAnswers();
    void listsResolve_data();
    void listsResolve();
    void pagination();
    void pastTheEnd_data();
    void pastTheEnd();
    void invalidPage_data();
    void invalidPage();
    void appendToResponse_data();
    void appendToResponse();
    void search_data();
    void search();
    void searchWithBuiltQuery();
    void discoverFilters_data();
    void discoverFilters();
    void discoverGenreLogic();
    void discoverSorts_data();
    void discoverSorts();
    void notFound_data();
    void notFound();
    void titlesAreConsistent_data();
    void titlesAreConsistent();
    void peopleAreConsistent();
    void bodiesAreCompact();
    void concurrentReaders();
};

void TestDemoCatalogue::everyPathAnswers_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("keys"); // must be present
    QTest::addColumn<QString>("nonEmptyArray"); // one array that must have entries

    const QStringList paged = {QStringLiteral("page"), QStringLiteral("results"),
        QStringLiteral("total_pages"), QStringLiteral("total_results")};
    for (const QString &path : ListPaths)
        QTest::newRow(qPrintable(path)) << path << QString() << paged << QStringLiteral("results");
    QTest::newRow("now_playing dates") << "/movie/now_playing"
                                       << "" << QStringList {"dates", "results"} << "results";
    QTest::newRow("upcoming dates") << "/movie/upcoming"
                                    << "" << QStringList {"dates"} << "results";
    QTest::newRow("genre movie") << "/genre/movie/list"
                                 << "" << QStringList {"genres"} << "genres";
    QTest::newRow("genre tv") << "/genre/tv/list"
                              << "" << QStringList {"genres"} << "genres";
    QTest::newRow("configuration") << "/configuration"
                                   << "" << QStringList {"images", "change_keys"} << "change_keys";
    QTest::newRow("search movie") << "/search/movie"
                                  << "query=club" << paged << "results";
    QTest::newRow("search tv") << "/search/tv"
                               << "query=thrones" << paged << "results";
    QTest::newRow("search multi") << "/search/multi"
                                  << "query=the" << paged << "results";
    QTest::newRow("search person") << "/search/person"
                                   << "query=hanks" << paged << "results";
    QTest::newRow("discover movie") << "/discover/movie"
                                    << "" << paged << "results";
    QTest::newRow("discover tv") << "/discover/tv"
                                 << "" << paged << "results";

    const QStringList movie = {"id", "title", "genres", "runtime", "status", "tagline",
        "release_date", "poster_path", "vote_average"};
    const QStringList tv = {"id", "name", "genres", "seasons", "number_of_seasons",
        "first_air_date", "last_episode_to_air", "networks"};
    QTest::newRow("movie 550") << "/movie/550"
                               << "" << movie << "genres";
    QTest::newRow("movie 11 (real detail)") << "/movie/11"
                                            << "" << movie << "genres";
    QTest::newRow("tv 1399") << "/tv/1399"
                             << "" << tv << "seasons";
    QTest::newRow("tv 1396") << "/tv/1396"
                             << "" << tv << "seasons";
    for (const char *sub : {"recommendations", "similar"}) {
        QTest::newRow(qPrintable(QStringLiteral("movie %1").arg(sub)))
            << QStringLiteral("/movie/550/%1").arg(sub) << QString() << paged << "results";
        QTest::newRow(qPrintable(QStringLiteral("tv %1").arg(sub)))
            << QStringLiteral("/tv/1399/%1").arg(sub) << QString() << paged << "results";
    }
    QTest::newRow("movie videos") << "/movie/550/videos"
                                  << "" << QStringList {"id", "results"} << "results";
    QTest::newRow("movie credits") << "/movie/550/credits"
                                   << "" << QStringList {"id", "cast", "crew"} << "cast";
    QTest::newRow("movie images") << "/movie/550/images"
                                  << "" << QStringList {"id", "backdrops", "posters", "logos"}
                                  << "posters";
    QTest::newRow("movie release_dates") << "/movie/550/release_dates"
                                         << "" << QStringList {"id", "results"} << "results";
    QTest::newRow("movie watch/providers") << "/movie/550/watch/providers"
                                           << "" << QStringList {"id", "results"} << "";
    QTest::newRow("synthesised movie credits")
        << "/movie/13/credits"
        << "" << QStringList {"id", "cast", "crew"} << "cast";
    QTest::newRow("tv videos") << "/tv/1399/videos"
                               << "" << QStringList {"id", "results"} << "results";
    QTest::newRow("tv credits") << "/tv/1399/credits"
                                << "" << QStringList {"id", "cast", "crew"} << "cast";
    QTest::newRow("tv images") << "/tv/1399/images"
                               << "" << QStringList {"id", "backdrops", "posters", "logos"}
                               << "posters";
    QTest::newRow("tv content_ratings") << "/tv/1399/content_ratings"
                                        << "" << QStringList {"id", "results"} << "results";
    QTest::newRow("tv watch/providers") << "/tv/1399/watch/providers"
                                        << "" << QStringList {"id", "results"} << "";
    QTest::newRow("season real") << "/tv/1399/season/1"
                                 << "" << QStringList {"id", "name", "season_number", "air_date"}
                                 << "episodes";
    QTest::newRow("season synthesised")
        << "/tv/66732/season/4"
        << "" << QStringList {"id", "name", "season_number"} << "episodes";
    QTest::newRow("episode real") << "/tv/1399/season/1/episode/1"
                                  << ""
                                  << QStringList {"id", "name", "episode_number", "still_path"}
                                  << "guest_stars";
    QTest::newRow("episode synthesised") << "/tv/100088/season/1/episode/9"
                                         << "" << QStringList {"id", "name", "air_date"} << "";
    QTest::newRow("person real") << "/person/31"
                                 << "" << QStringList {"id", "name", "biography", "profile_path"}
                                 << "also_known_as";
    QTest::newRow("person synthesised")
        << "/person/287"
        << "" << QStringList {"id", "name", "known_for_department"} << "";
    QTest::newRow("person combined_credits") << "/person/31/combined_credits"
                                             << "" << QStringList {"id", "cast", "crew"} << "cast";
    QTest::newRow("person movie_credits") << "/person/31/movie_credits"
                                          << "" << QStringList {"id", "cast", "crew"} << "cast";
    QTest::newRow("person tv_credits") << "/person/1253360/tv_credits"
                                       << "" << QStringList {"id", "cast", "crew"} << "cast";
}

void TestDemoCatalogue::everyPathAnswers()
{
    QFETCH(QString, path);
    QFETCH(QString, query);
    QFETCH(QStringList, keys);
    QFETCH(QString, nonEmptyArray);

    const Reply r = fetch(path, query);
    QCOMPARE(r.status, 200);
    for (const QString &key : keys)
        QVERIFY2(r.body.contains(key), qPrintable(key));
    if (!nonEmptyArray.isEmpty())
        QVERIFY(!r.body.value(nonEmptyArray).toArray().isEmpty());
    if (r.body.contains(QLatin1String("results")) && r.body.contains(QLatin1String("page"))) {
        for (const QJsonValue &v : r.body.value(QLatin1String("results")).toArray()) {
            const QJsonObject item = v.toObject();
            QVERIFY(item.value(QLatin1String("id")).toInt() > 0);
            QVERIFY(item.contains(QLatin1String("title")) || item.contains(QLatin1String("name")));
        }
    }
}

void TestDemoCatalogue::listsResolve_data()
{
    QTest::addColumn<QString>("path");
    for (const QString &path : ListPaths)
        QTest::newRow(qPrintable(path)) << path;
}

void TestDemoCatalogue::listsResolve()
{
    QFETCH(QString, path);
    const QJsonArray all = allPages(path);
    QVERIFY(!all.isEmpty());
    const bool trending = path.startsWith(QLatin1String("/trending/"));
    for (const QJsonValue &v : all) {
        const QJsonObject entry = v.toObject();
        // TMDB marks media_type on trending entries only
        QCOMPARE(entry.contains(QLatin1String("media_type")), trending);
        const QString mediaType = mediaTypeOf(entry, path);
        const int id = entry.value(QLatin1String("id")).toInt();
        QVERIFY2(
            resolves(mediaType, id), qPrintable(QStringLiteral("%1 %2").arg(mediaType).arg(id)));
        if (mediaType == QLatin1String("person")) {
            for (const QJsonValue &k : entry.value(QLatin1String("known_for")).toArray())
                QVERIFY(resolves(
                    k[QLatin1String("media_type")].toString(), k[QLatin1String("id")].toInt()));
        }
    }
}

void TestDemoCatalogue::pagination()
{
    const Reply first = fetch(QStringLiteral("/movie/popular"));
    const Reply second = fetch(QStringLiteral("/movie/popular"), QStringLiteral("page=2"));
    QCOMPARE(first.status, 200);
    QCOMPARE(second.status, 200);
    const int total = first.body.value(QLatin1String("total_results")).toInt();
    QVERIFY2(total > 20, "the popular list must span two pages to test paging");
    QCOMPARE(first.body.value(QLatin1String("total_pages")).toInt(), (total + 19) / 20);
    QCOMPARE(first.body.value(QLatin1String("results")).toArray().size(), 20);
    QCOMPARE(second.body.value(QLatin1String("page")).toInt(), 2);
    QCOMPARE(second.body.value(QLatin1String("results")).toArray().size(), total - 20);
    const QList<int> one = idsOf(first.body.value(QLatin1String("results")).toArray());
    for (int id : idsOf(second.body.value(QLatin1String("results")).toArray()))
        QVERIFY(!one.contains(id));
}

void TestDemoCatalogue::pastTheEnd_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("query");
    QTest::newRow("popular") << "/movie/popular"
                             << "";
    QTest::newRow("trending all") << "/trending/all/week"
                                  << "";
    QTest::newRow("search") << "/search/movie"
                            << "query=fight";
    QTest::newRow("discover") << "/discover/tv"
                              << "with_genres=18";
    QTest::newRow("recommendations") << "/movie/550/recommendations"
                                     << "";
}

void TestDemoCatalogue::pastTheEnd()
{
    QFETCH(QString, path);
    QFETCH(QString, query);
    const Reply first = fetch(path, query);
    const int pages = first.body.value(QLatin1String("total_pages")).toInt();
    const Reply beyond = fetch(path, query + QStringLiteral("&page=%1").arg(pages + 1));
    QCOMPARE(beyond.status, 200);
    QCOMPARE(beyond.body.value(QLatin1String("page")).toInt(), pages + 1);
    QVERIFY(beyond.body.value(QLatin1String("results")).toArray().isEmpty());
    QCOMPARE(beyond.body.value(QLatin1String("total_pages")).toInt(), pages);
    QCOMPARE(beyond.body.value(QLatin1String("total_results")),
        first.body.value(QLatin1String("total_results")));
    const Reply last = fetch(path, query + QStringLiteral("&page=500"));
    QCOMPARE(last.status, 200);
}

void TestDemoCatalogue::invalidPage_data()
{
    QTest::addColumn<QString>("query");
    QTest::newRow("zero") << "page=0";
    QTest::newRow("negative") << "page=-1";
    QTest::newRow("too big") << "page=501";
    QTest::newRow("not a number") << "page=two";
    QTest::newRow("empty") << "page=";
}

void TestDemoCatalogue::invalidPage()
{
    QFETCH(QString, query);
    for (const QString &path : {QStringLiteral("/movie/popular"), QStringLiteral("/search/multi"),
             QStringLiteral("/discover/movie"), QStringLiteral("/tv/1399/similar")}) {
        const Reply r = fetch(path, query + QStringLiteral("&query=a"));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.body.value(QLatin1String("status_code")).toInt(), 22);
    }
}

void TestDemoCatalogue::appendToResponse_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("appends");
    QTest::addColumn<QStringList>("absent");
    QTest::newRow("movie all")
        << "/movie/550"
        << "videos,credits,images,recommendations,similar,release_dates,watch/providers"
        << QStringList {"content_ratings"};
    QTest::newRow("movie spaces and unknown")
        << "/movie/603"
        << "credits, videos,keywords_x" << QStringList {"keywords_x", "images"};
    QTest::newRow("tv all")
        << "/tv/1399"
        << "videos,credits,images,recommendations,similar,content_ratings,watch/providers"
        << QStringList {"release_dates"};
    QTest::newRow("person") << "/person/31"
                            << "combined_credits" << QStringList {"images"};
    QTest::newRow("person per media")
        << "/person/1253360"
        << "movie_credits,tv_credits" << QStringList {"combined_credits"};
}

void TestDemoCatalogue::appendToResponse()
{
    QFETCH(QString, path);
    QFETCH(QString, appends);
    QFETCH(QStringList, absent);
    const Reply r = fetch(path, QStringLiteral("append_to_response=") + appends);
    QCOMPARE(r.status, 200);
    QVERIFY(r.body.contains(QLatin1String("id")));
    for (QString name : appends.split(QLatin1Char(','))) {
        name = name.trimmed();
        if (absent.contains(name))
            continue;
        QVERIFY2(r.body.value(name).isObject(), qPrintable(name));
        // appended objects are the standalone answer without its id, as TMDB nests them
        const QJsonObject standalone = fetch(path + QLatin1Char('/') + name).body;
        QJsonObject nested = r.body.value(name).toObject();
        nested.insert(QStringLiteral("id"), standalone.value(QLatin1String("id")));
        if (!standalone.contains(QLatin1String("id")))
            nested.remove(QStringLiteral("id"));
        QCOMPARE(nested, standalone);
    }
    for (const QString &name : absent)
        QVERIFY2(!r.body.contains(name), qPrintable(name));
    if (path == QLatin1String("/person/31"))
        QVERIFY(!r.body.value(QLatin1String("combined_credits"))[QLatin1String("cast")]
                     .toArray()
                     .isEmpty());
}

void TestDemoCatalogue::search_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("expected"); // "<media_type>/<id>" in the results, or "" for none

    QTest::newRow("movie substring") << "/search/movie"
                                     << "query=fight"
                                     << "movie/550";
    QTest::newRow("movie case") << "/search/movie"
                                << "query=FIGHT%20club"
                                << "movie/550";
    QTest::newRow("plus is a space") << "/search/movie"
                                     << "query=fight+club"
                                     << "movie/550";
    QTest::newRow("movie year") << "/search/movie"
                                << "query=godfather&year=1974"
                                << "movie/240";
    QTest::newRow("movie wrong year") << "/search/movie"
                                      << "query=fight&year=2001"
                                      << "";
    QTest::newRow("tv") << "/search/tv"
                        << "query=thrones"
                        << "tv/1399";
    QTest::newRow("tv original name") << "/search/tv"
                                      << "query=Kimetsu"
                                      << "tv/85937";
    QTest::newRow("multi movie") << "/search/multi"
                                 << "query=star%20wars"
                                 << "movie/11";
    QTest::newRow("multi tv") << "/search/multi"
                              << "query=breaking"
                              << "tv/1396";
    QTest::newRow("multi person") << "/search/multi"
                                  << "query=hanks"
                                  << "person/31";
    QTest::newRow("person") << "/search/person"
                            << "query=pitt"
                            << "person/287";
    QTest::newRow("percent sign") << "/search/multi"
                                  << "query=100%25"
                                  << "";
    QTest::newRow("nonsense") << "/search/multi"
                              << "query=zzqxvbnm"
                              << "";
    QTest::newRow("movie nonsense") << "/search/movie"
                                    << "query=qqqqqq"
                                    << "";
    QTest::newRow("no query") << "/search/movie"
                              << ""
                              << "";
    QTest::newRow("tv does not find movies") << "/search/tv"
                                             << "query=fight%20club"
                                             << "";
}

void TestDemoCatalogue::search()
{
    QFETCH(QString, path);
    QFETCH(QString, query);
    QFETCH(QString, expected);
    const Reply r = fetch(path, query);
    QCOMPARE(r.status, 200);
    const QJsonArray results = r.body.value(QLatin1String("results")).toArray();
    QCOMPARE(r.body.value(QLatin1String("total_results")).toInt(), results.size());
    if (expected.isEmpty()) {
        QVERIFY(results.isEmpty());
        QCOMPARE(r.body.value(QLatin1String("total_pages")).toInt(), 1);
        return;
    }
    const bool multi = path.endsWith(QLatin1String("multi"));
    bool found = false;
    for (const QJsonValue &v : results) {
        const QJsonObject item = v.toObject();
        QCOMPARE(item.contains(QLatin1String("media_type")), multi);
        const QString type = multi ? item.value(QLatin1String("media_type")).toString()
                                   : path.section(QLatin1Char('/'), 2, 2);
        QVERIFY(resolves(type, item.value(QLatin1String("id")).toInt()));
        found |= QStringLiteral("%1/%2").arg(type).arg(item.value(QLatin1String("id")).toInt())
            == expected;
    }
    QVERIFY2(found, qPrintable(expected));
}

void TestDemoCatalogue::searchWithBuiltQuery()
{
    QUrlQuery built;
    built.addQueryItem(QStringLiteral("query"), QStringLiteral("Fight Club"));
    const auto answer = demo().get(QStringLiteral("/search/movie"), built);
    QCOMPARE(answer.status, 200);
    QVERIFY(idsOf(QJsonDocument::fromJson(answer.body)[QLatin1String("results")].toArray())
                .contains(550));
}

void TestDemoCatalogue::discoverFilters_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("field"); // checked on every result (or on the detail for "detail:")
    QTest::addColumn<QString>("op"); // has, lacks, prefix, gte, lte, eq
    QTest::addColumn<QString>("operand");

    QTest::newRow("movie genre") << "/discover/movie"
                                 << "with_genres=18"
                                 << "genre_ids"
                                 << "has"
                                 << "18";
    QTest::newRow("tv genre") << "/discover/tv"
                              << "with_genres=10765"
                              << "genre_ids"
                              << "has"
                              << "10765";
    QTest::newRow("movie without genre") << "/discover/movie"
                                         << "without_genres=18"
                                         << "genre_ids"
                                         << "lacks"
                                         << "18";
    QTest::newRow("tv without genre") << "/discover/tv"
                                      << "without_genres=16|35"
                                      << "genre_ids"
                                      << "lacks"
                                      << "16";
    QTest::newRow("primary_release_year") << "/discover/movie"
                                          << "primary_release_year=1994"
                                          << "release_date"
                                          << "prefix"
                                          << "1994-";
    QTest::newRow("year") << "/discover/movie"
                          << "year=1999"
                          << "release_date"
                          << "prefix"
                          << "1999-";
    QTest::newRow("first_air_date_year") << "/discover/tv"
                                         << "first_air_date_year=2019"
                                         << "first_air_date"
                                         << "prefix"
                                         << "2019-";
    QTest::newRow("tv year") << "/discover/tv"
                             << "year=2023"
                             << "first_air_date"
                             << "prefix"
                             << "2023-";
    QTest::newRow("release date from") << "/discover/movie"
                                       << "primary_release_date.gte=2023-01-01"
                                       << "release_date"
                                       << "gte"
                                       << "2023-01-01";
    QTest::newRow("release date to") << "/discover/movie"
                                     << "release_date.lte=1980-01-01"
                                     << "release_date"
                                     << "lte"
                                     << "1980-01-01";
    QTest::newRow("air date from") << "/discover/tv"
                                   << "first_air_date.gte=2021-01-01"
                                   << "first_air_date"
                                   << "gte"
                                   << "2021-01-01";
    QTest::newRow("movie vote_average") << "/discover/movie"
                                        << "vote_average.gte=8.5"
                                        << "vote_average"
                                        << "gte"
                                        << "8.5";
    QTest::newRow("tv vote_average") << "/discover/tv"
                                     << "vote_average.gte=8.6"
                                     << "vote_average"
                                     << "gte"
                                     << "8.6";
    QTest::newRow("vote_count") << "/discover/movie"
                                << "vote_count.gte=20000"
                                << "vote_count"
                                << "gte"
                                << "20000";
    QTest::newRow("movie language") << "/discover/movie"
                                    << "with_original_language=ja"
                                    << "original_language"
                                    << "eq"
                                    << "ja";
    QTest::newRow("tv language") << "/discover/tv"
                                 << "with_original_language=es"
                                 << "original_language"
                                 << "eq"
                                 << "es";
    QTest::newRow("runtime") << "/discover/movie"
                             << "with_runtime.lte=100"
                             << "detail:runtime"
                             << "lte"
                             << "100";
    QTest::newRow("networks") << "/discover/tv"
                              << "with_networks=49"
                              << "detail:networks"
                              << "has"
                              << "49";
    QTest::newRow("providers") << "/discover/tv"
                               << "with_watch_providers=8&watch_region=US"
                               << "id"
                               << "gte"
                               << "1";
    QTest::newRow("combined") << "/discover/movie"
                              << "with_genres=28&vote_average.gte=7&sort_by=vote_average.desc"
                              << "genre_ids"
                              << "has"
                              << "28";
}

void TestDemoCatalogue::discoverFilters()
{
    QFETCH(QString, path);
    QFETCH(QString, query);
    QFETCH(QString, field);
    QFETCH(QString, op);
    QFETCH(QString, operand);

    const QJsonArray everything = allPages(path);
    const QJsonArray results = allPages(path, query);
    QVERIFY2(!results.isEmpty(), "a filter test needs matches");
    QVERIFY2(results.size() < everything.size(), "the filter must actually remove titles");
    const QString media = path.section(QLatin1Char('/'), 2, 2);
    for (const QJsonValue &v : results) {
        QJsonObject subject = v.toObject();
        QString key = field;
        if (field.startsWith(QLatin1String("detail:"))) {
            subject = fetch(
                QStringLiteral("/%1/%2").arg(media).arg(subject.value(QLatin1String("id")).toInt()))
                          .body;
            key = field.mid(7);
        }
        const QJsonValue value = subject.value(key);
        const QString what = QStringLiteral("%1 %2")
                                 .arg(subject.value(QLatin1String("id")).toInt())
                                 .arg(QString::fromUtf8(QJsonDocument(subject.value(key).isArray()
                                         ? subject.value(key).toArray()
                                         : QJsonArray {value})
                                                            .toJson(QJsonDocument::Compact)));
        if (op == QLatin1String("has") || op == QLatin1String("lacks")) {
            QSet<int> ids;
            for (const QJsonValue &g : value.toArray())
                ids.insert(g.isObject() ? g[QLatin1String("id")].toInt() : g.toInt());
            QVERIFY2(
                ids.contains(operand.toInt()) == (op == QLatin1String("has")), qPrintable(what));
        } else if (op == QLatin1String("prefix")) {
            QVERIFY2(value.toString().startsWith(operand), qPrintable(what));
        } else if (op == QLatin1String("eq")) {
            QCOMPARE(value.toString(), operand);
        } else if (value.isString()) {
            QVERIFY2(op == QLatin1String("gte") ? value.toString() >= operand
                                                : value.toString() <= operand,
                qPrintable(what));
        } else {
            QVERIFY2(op == QLatin1String("gte") ? value.toDouble() >= operand.toDouble()
                                                : value.toDouble() <= operand.toDouble(),
                qPrintable(what));
        }
    }
}

void TestDemoCatalogue::discoverGenreLogic()
{
    auto idSet = [](const QJsonArray &results) {
        const QList<int> ids = idsOf(results);
        return QSet<int>(ids.begin(), ids.end());
    };
    const QSet<int> drama
        = idSet(allPages(QStringLiteral("/discover/movie"), QStringLiteral("with_genres=18")));
    const QSet<int> crime
        = idSet(allPages(QStringLiteral("/discover/movie"), QStringLiteral("with_genres=80")));
    const QSet<int> both
        = idSet(allPages(QStringLiteral("/discover/movie"), QStringLiteral("with_genres=18,80")));
    const QSet<int> either
        = idSet(allPages(QStringLiteral("/discover/movie"), QStringLiteral("with_genres=18|80")));
    const QSet<int> encoded
        = idSet(allPages(QStringLiteral("/discover/movie"), QStringLiteral("with_genres=18%7C80")));
    QVERIFY(!both.isEmpty());
    QCOMPARE(both, QSet<int>(drama).intersect(crime));
    QCOMPARE(either, QSet<int>(drama).unite(crime));
    QCOMPARE(encoded, either);
    // the catalogue service builds its queries item by item from decoded values
    QUrlQuery built;
    built.addQueryItem(QStringLiteral("with_genres"), QStringLiteral("18|80"));
    built.addQueryItem(QStringLiteral("page"), QStringLiteral("1"));
    const auto answer = demo().get(QStringLiteral("/discover/movie"), built);
    QCOMPARE(QJsonDocument::fromJson(answer.body)[QLatin1String("total_results")].toInt(),
        either.size());
    QVERIFY(both.size() < either.size());
}

void TestDemoCatalogue::discoverSorts_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("sortBy");
    QTest::addColumn<QString>("field");

    const QStringList directions = {QStringLiteral("asc"), QStringLiteral("desc")};
    for (const QString &dir : directions) {
        for (const char *field : {"popularity", "vote_average", "primary_release_date", "title"})
            QTest::newRow(qPrintable(QStringLiteral("movie %1.%2").arg(field, dir)))
                << "/discover/movie" << QStringLiteral("%1.%2").arg(field, dir)
                << (QLatin1String(field) == QLatin1String("primary_release_date")
                           ? QStringLiteral("release_date")
                           : QString::fromLatin1(field));
        for (const char *field : {"popularity", "vote_average", "first_air_date", "name"})
            QTest::newRow(qPrintable(QStringLiteral("tv %1.%2").arg(field, dir)))
                << "/discover/tv" << QStringLiteral("%1.%2").arg(field, dir)
                << QString::fromLatin1(field);
    }
    QTest::newRow("default is popularity.desc") << "/discover/movie"
                                                << ""
                                                << "popularity";
}

void TestDemoCatalogue::discoverSorts()
{
    QFETCH(QString, path);
    QFETCH(QString, sortBy);
    QFETCH(QString, field);
    const QJsonArray results
        = allPages(path, sortBy.isEmpty() ? QString() : QStringLiteral("sort_by=") + sortBy);
    QVERIFY(results.size() > 10);
    const bool ascending = sortBy.endsWith(QLatin1String(".asc"));
    for (qsizetype i = 1; i < results.size(); ++i) {
        const QJsonValue a = results.at(i - 1)[field];
        const QJsonValue b = results.at(i)[field];
        const int order = a.isString() ? a.toString().compare(b.toString(), Qt::CaseInsensitive)
                                       : (a.toDouble() < b.toDouble()        ? -1
                                               : a.toDouble() > b.toDouble() ? 1
                                                                             : 0);
        QVERIFY2(ascending ? order <= 0 : order >= 0,
            qPrintable(QStringLiteral("%1 before %2")
                           .arg(a.toVariant().toString(), b.toVariant().toString())));
    }
}

void TestDemoCatalogue::notFound_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("unknown movie") << "/movie/1";
    QTest::newRow("movie id not a number") << "/movie/abc";
    QTest::newRow("tv id is a movie id") << "/tv/550";
    QTest::newRow("movie id is a tv id") << "/movie/1399";
    QTest::newRow("unknown person") << "/person/999999";
    QTest::newRow("negative id") << "/movie/-550";
    QTest::newRow("overflowing id") << "/movie/99999999999";
    QTest::newRow("unknown season") << "/tv/1399/season/99";
    QTest::newRow("specials are not served") << "/tv/1399/season/0";
    QTest::newRow("unknown episode") << "/tv/1399/season/1/episode/99";
    QTest::newRow("episode zero") << "/tv/1399/season/1/episode/0";
    QTest::newRow("episode without number") << "/tv/1399/season/1/episode";
    QTest::newRow("season of unknown show") << "/tv/2/season/1";
    QTest::newRow("movie has no content_ratings") << "/movie/550/content_ratings";
    QTest::newRow("tv has no release_dates") << "/tv/1399/release_dates";
    QTest::newRow("unknown sub-resource") << "/movie/550/nonsense";
    QTest::newRow("too deep") << "/movie/550/credits/extra";
    QTest::newRow("unknown time window") << "/trending/movie/month";
    QTest::newRow("unknown trending type") << "/trending/people/day";
    QTest::newRow("unknown list") << "/movie/latest_news";
    QTest::newRow("unknown genre list") << "/genre/person/list";
    QTest::newRow("unknown search") << "/search/keyword";
    QTest::newRow("unknown discover") << "/discover/person";
    QTest::newRow("unknown person sub-resource") << "/person/31/images";
    QTest::newRow("unknown root") << "/collection/10";
    QTest::newRow("empty path") << "";
    QTest::newRow("root") << "/";
}

void TestDemoCatalogue::notFound()
{
    QFETCH(QString, path);
    const Reply r = fetch(path);
    QCOMPARE(r.status, 404);
    QCOMPARE(r.raw, TmdbNotFound);
}

void TestDemoCatalogue::titlesAreConsistent_data()
{
    QTest::addColumn<QString>("media");
    QTest::newRow("movies") << "movie";
    QTest::newRow("shows") << "tv";
}

// Every title discover lists (that is, every title) leads only to things that exist.
void TestDemoCatalogue::titlesAreConsistent()
{
    QFETCH(QString, media);
    const QJsonArray all = allPages(QStringLiteral("/discover/") + media);
    QVERIFY(all.size() >= (media == QLatin1String("movie") ? 25 : 12));
    const QString nameKey
        = media == QLatin1String("movie") ? QStringLiteral("title") : QStringLiteral("name");
    for (const QJsonValue &v : all) {
        const QJsonObject item = v.toObject();
        const int id = item.value(QLatin1String("id")).toInt();
        const Reply r = fetch(QStringLiteral("/%1/%2").arg(media).arg(id),
            QStringLiteral("append_to_response=recommendations,similar,credits"));
        QCOMPARE(r.status, 200);
        const QJsonObject detail = r.body;
        // the list entry shows what the detail page will show
        for (const QString &key : {nameKey, QStringLiteral("poster_path"),
                 QStringLiteral("overview"), QStringLiteral("vote_average")})
            QCOMPARE(item.value(key), detail.value(key));
        QSet<int> genres;
        for (const QJsonValue &g : detail.value(QLatin1String("genres")).toArray())
            genres.insert(g[QLatin1String("id")].toInt());
        for (const QJsonValue &g : item.value(QLatin1String("genre_ids")).toArray())
            QVERIFY(genres.contains(g.toInt()));

        for (const char *list : {"recommendations", "similar"}) {
            const QJsonArray related
                = allPages(QStringLiteral("/%1/%2/%3").arg(media).arg(id).arg(QLatin1String(list)));
            QVERIFY2(!related.isEmpty(), list);
            for (int other : idsOf(related)) {
                QVERIFY(other != id);
                QVERIFY2(resolves(media, other), qPrintable(QString::number(other)));
            }
        }
        const QJsonObject credits = detail.value(QLatin1String("credits")).toObject();
        for (const char *role : {"cast", "crew"}) {
            for (const QJsonValue &c : credits.value(QLatin1String(role)).toArray()) {
                const int person = c[QLatin1String("id")].toInt();
                QVERIFY2(resolves(QStringLiteral("person"), person),
                    qPrintable(QString::number(person)));
            }
        }
        if (media == QLatin1String("tv")) {
            int episodesTotal = 0;
            const QJsonArray seasons = detail.value(QLatin1String("seasons")).toArray();
            QVERIFY(!seasons.isEmpty());
            QCOMPARE(detail.value(QLatin1String("number_of_seasons")).toInt(), seasons.size());
            for (const QJsonValue &s : seasons) {
                const int number = s[QLatin1String("season_number")].toInt();
                const Reply season = fetch(QStringLiteral("/tv/%1/season/%2").arg(id).arg(number));
                QCOMPARE(season.status, 200);
                QCOMPARE(season.body.value(QLatin1String("id")), s[QLatin1String("id")]);
                const QJsonArray episodes = season.body.value(QLatin1String("episodes")).toArray();
                QCOMPARE(episodes.size(), s[QLatin1String("episode_count")].toInt());
                episodesTotal += int(episodes.size());
                for (const QJsonValue &e : episodes) {
                    const int n = e[QLatin1String("episode_number")].toInt();
                    const Reply episode = fetch(
                        QStringLiteral("/tv/%1/season/%2/episode/%3").arg(id).arg(number).arg(n));
                    QCOMPARE(episode.status, 200);
                    QCOMPARE(episode.body.value(QLatin1String("id")), e[QLatin1String("id")]);
                }
            }
            QCOMPARE(detail.value(QLatin1String("number_of_episodes")).toInt(), episodesTotal);
            const QJsonObject last = detail.value(QLatin1String("last_episode_to_air")).toObject();
            const Reply lastEpisode
                = fetch(QStringLiteral("/tv/%1/season/%2/episode/%3")
                            .arg(id)
                            .arg(last.value(QLatin1String("season_number")).toInt())
                            .arg(last.value(QLatin1String("episode_number")).toInt()));
            QCOMPARE(lastEpisode.status, 200);
            QCOMPARE(lastEpisode.body.value(QLatin1String("id")), last.value(QLatin1String("id")));
        }
    }
}

// Every person a credit names exists, and everything they are credited for exists.
void TestDemoCatalogue::peopleAreConsistent()
{
    QSet<int> people;
    for (const QString &media : {QStringLiteral("movie"), QStringLiteral("tv")}) {
        for (int id : idsOf(allPages(QStringLiteral("/discover/") + media))) {
            const QJsonObject credits
                = fetch(QStringLiteral("/%1/%2/credits").arg(media).arg(id)).body;
            for (const char *role : {"cast", "crew"})
                for (int person : idsOf(credits.value(QLatin1String(role)).toArray()))
                    people.insert(person);
            const QJsonObject detail = fetch(QStringLiteral("/%1/%2").arg(media).arg(id)).body;
            for (int person : idsOf(detail.value(QLatin1String("created_by")).toArray())) {
                QVERIFY(resolves(QStringLiteral("person"), person));
                people.insert(person);
            }
        }
    }
    QVERIFY(people.size() >= 20);
    // every person the catalogue knows is someone's credit: trending lists them all
    const QList<int> trending = idsOf(allPages(QStringLiteral("/trending/person/week")));
    QCOMPARE(QSet<int>(trending.begin(), trending.end()), people);

    for (int id : people) {
        const Reply r = fetch(QStringLiteral("/person/%1").arg(id),
            QStringLiteral("append_to_response=combined_credits"));
        QCOMPARE(r.status, 200);
        const QJsonObject credits = r.body.value(QLatin1String("combined_credits")).toObject();
        const QJsonArray cast = credits.value(QLatin1String("cast")).toArray();
        const QJsonArray crew = credits.value(QLatin1String("crew")).toArray();
        QVERIFY2(!cast.isEmpty() || !crew.isEmpty(), qPrintable(QString::number(id)));
        for (const QJsonArray &list : {cast, crew}) {
            for (const QJsonValue &c : list) {
                const QString media = c[QLatin1String("media_type")].toString();
                const int title = c[QLatin1String("id")].toInt();
                QVERIFY2(resolves(media, title),
                    qPrintable(QStringLiteral("%1 %2").arg(media).arg(title)));
                // ...and that title's credits name this person back
                const QJsonObject back
                    = fetch(QStringLiteral("/%1/%2/credits").arg(media).arg(title)).body;
                const QList<int> named = idsOf(back.value(QLatin1String("cast")).toArray())
                    + idsOf(back.value(QLatin1String("crew")).toArray());
                const bool creator = [&] {
                    for (const QJsonValue &p : fetch(QStringLiteral("/%1/%2").arg(media).arg(title))
                                                   .body.value(QLatin1String("created_by"))
                                                   .toArray())
                        if (p[QLatin1String("id")].toInt() == id)
                            return true;
                    return false;
                }();
                QVERIFY2(named.contains(id) || creator,
                    qPrintable(QStringLiteral("%1 in %2 %3").arg(id).arg(media).arg(title)));
            }
        }
    }
}

void TestDemoCatalogue::bodiesAreCompact()
{
    for (const QString &path : {QStringLiteral("/movie/550"), QStringLiteral("/movie/popular"),
             QStringLiteral("/configuration")}) {
        const Reply r = fetch(path);
        QVERIFY(!r.raw.contains('\n'));
        QVERIFY(!r.raw.contains("\": "));
    }
    const QJsonObject images
        = fetch(QStringLiteral("/configuration")).body.value(QLatin1String("images")).toObject();
    QCOMPARE(images.value(QLatin1String("base_url")).toString(),
        QStringLiteral("https://image.tmdb.org/t/p/"));
    QCOMPARE(images.value(QLatin1String("secure_base_url")).toString(),
        QStringLiteral("https://image.tmdb.org/t/p/"));
    for (const char *sizes :
        {"backdrop_sizes", "logo_sizes", "poster_sizes", "profile_sizes", "still_sizes"})
        QVERIFY(images.value(QLatin1String(sizes)).toArray().contains(QStringLiteral("original")));
}

void TestDemoCatalogue::concurrentReaders()
{
    // Data is shared read-only between the server's threads: hammer it from several at once.
    std::atomic<int> failures {0};
    std::vector<std::unique_ptr<QThread>> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back(QThread::create([&failures] {
            for (int i = 0; i < 200; ++i) {
                const auto a = demo().get(QStringLiteral("/movie/550"),
                    QUrlQuery(QStringLiteral("append_to_response=credits,similar")));
                const auto b = demo().get(QStringLiteral("/discover/tv"),
                    QUrlQuery(QStringLiteral("with_genres=18&sort_by=name.asc")));
                if (a.status != 200 || b.status != 200)
                    ++failures;
            }
        }));
        threads.back()->start();
    }
    for (auto &thread : threads)
        QVERIFY(thread->wait(60000));
    QCOMPARE(failures.load(), 0);
}

QTEST_GUILESS_MAIN(TestDemoCatalogue)
#include "tst_democatalogue.moc"
