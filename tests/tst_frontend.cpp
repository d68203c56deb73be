// The original backend's own React client replayed against Marquee: every call its hooks
// make (axios, base URL /api, TanStack Query reading `data.data`), with what the client
// reads checked field by field. Real server, real SQLite, real RS256 tokens from a fake Clerk, and
// the catalogue going through the real TMDB client to a fake TMDB built from TMDB's spec.
#include "support/authfixture.h"
#include "support/faketmdb.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QUrlQuery>

#include <algorithm>

using namespace marquee;
using namespace marquee::test;

namespace {

// What axios sends with every request.
const QByteArray kAccept = "application/json, text/plain, */*";
const QString kPosterBase = QStringLiteral("https://image.tmdb.org/t/p/w500");

// TMDB's spec has no example for /movie/{id}/recommendations (the fake would answer {}): a page
// in TMDB's shape, one title without a poster.
const QByteArray kRecommendations
    = R"({"page":2,"results":[)"
      R"({"adult":false,"backdrop_path":"/b1.jpg","genre_ids":[18],"id":807,"media_type":"movie",)"
      R"("original_language":"en","original_title":"Se7en","overview":"Two detectives.",)"
      R"("popularity":40.1,"poster_path":"/6yoghtyTpznpBik8EngEmJskVUO.jpg",)"
      R"("release_date":"1995-09-22","title":"Se7en","video":false,"vote_average":8.4,)"
      R"("vote_count":20000},)"
      R"({"adult":false,"backdrop_path":null,"genre_ids":[],"id":1991,"media_type":"movie",)"
      R"("original_language":"en","original_title":"Unseen","overview":"","popularity":0.6,)"
      R"("poster_path":null,"release_date":"","title":"Unseen","video":false,)"
      R"("vote_average":0,"vote_count":0}],"total_pages":3,"total_results":41})";

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString bodyOf(const HttpReply &r)
{
    return QString::fromUtf8(r.body.left(400));
}

// Why `text` would not do as the toast the client shows (`error.response.data.error`); empty when
// it reads as a message for a person.
QString toastProblem(const QJsonValue &value, const QString &code)
{
    if (!value.isString())
        return QStringLiteral("`error` is not a string but %1")
            .arg(QString::fromUtf8(
                QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact)));
    const QString text = value.toString();
    static const QRegularExpression codeLike(QStringLiteral("^[A-Z0-9_.]+$"));
    if (text.trimmed().isEmpty())
        return QStringLiteral("`error` is empty");
    if (text.trimmed() != text)
        return QStringLiteral("`error` has leading or trailing white space");
    if (text.size() < 8 || text.size() > 300)
        return QStringLiteral("`error` has %1 characters").arg(text.size());
    if (text == code || codeLike.match(text).hasMatch())
        return QStringLiteral("`error` is a code, not a message: %1").arg(text);
    if (!text.contains(QLatin1Char(' ')))
        return QStringLiteral("`error` is one word, not a sentence: %1").arg(text);
    if (text.contains(QLatin1Char('\n')))
        return QStringLiteral("`error` spans lines: %1").arg(text);
    if (!text.at(0).isLetter())
        return QStringLiteral("`error` does not start with a word: %1").arg(text);
    return {};
}

// What a browser needs to let the client read the answer at all.
QString corsProblem(const HttpReply &r, const QString &origin)
{
    if (r.header("Access-Control-Allow-Origin") != origin.toUtf8())
        return QStringLiteral("Access-Control-Allow-Origin is \"%1\", not the client's origin")
            .arg(QString::fromUtf8(r.header("Access-Control-Allow-Origin")));
    return {};
}

// A TMDB image URL next to its path, as the catalogue builds it (null without a path).
QString posterProblem(const QJsonObject &o, const QString &where)
{
    if (!o.contains(QLatin1String("poster_path")) || !o.contains(QLatin1String("poster_url")))
        return where + QStringLiteral(" lacks poster_path or poster_url");
    const QJsonValue path = o.value(QLatin1String("poster_path"));
    const QJsonValue url = o.value(QLatin1String("poster_url"));
    if (path.isString() && !path.toString().isEmpty()) {
        if (url.toString() != kPosterBase + path.toString())
            return where
                + QStringLiteral(": poster_url %1 for poster_path %2")
                      .arg(url.toString(), path.toString());
    } else if (!url.isNull()) {
        return where + QStringLiteral(": poster_url without a poster_path");
    }
    return {};
}

// The movie list the client renders (cards: id, title, poster) and pages through.
QString listProblem(const QJsonObject &data, int page)
{
    const QJsonArray results = data.value(QLatin1String("results")).toArray();
    if (!data.value(QLatin1String("results")).isArray() || results.isEmpty())
        return QStringLiteral("data.results is not a non-empty array");
    if (page > 0 && data.value(QLatin1String("page")).toInt() != page)
        return QStringLiteral("data.page is %1, not %2")
            .arg(data.value(QLatin1String("page")).toInt())
            .arg(page);
    if (!data.value(QLatin1String("total_pages")).isDouble())
        return QStringLiteral("data.total_pages is not a number");
    for (qsizetype i = 0; i < results.size(); ++i) {
        const QJsonObject m = results.at(i).toObject();
        const QString where = QStringLiteral("data.results[%1]").arg(i);
        if (m.value(QLatin1String("id")).toInteger() <= 0)
            return where + QStringLiteral(".id is not a positive number");
        if (m.value(QLatin1String("title")).toString().isEmpty())
            return where + QStringLiteral(".title is not a non-empty string");
        if (const QString p = posterProblem(m, where); !p.isEmpty())
            return p;
    }
    return {};
}

QString namedObjectsProblem(
    const QJsonValue &value, const QString &where, const QStringList &stringKeys, bool numericId)
{
    const QJsonArray items = value.toArray();
    if (!value.isArray() || items.isEmpty())
        return where + QStringLiteral(" is not a non-empty array");
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonObject o = items.at(i).toObject();
        if (numericId && o.value(QLatin1String("id")).toInteger() <= 0)
            return where + QStringLiteral("[%1].id is not a positive number").arg(i);
        for (const QString &key : stringKeys) {
            if (o.value(key).toString().isEmpty())
                return where + QStringLiteral("[%1].%2 is not a non-empty string").arg(i).arg(key);
        }
    }
    return {};
}

// What the client reads from `data` of each catalogue answer; empty when all of it is there.
QString shapeProblem(const QJsonValue &dataValue, const QString &shape, int page)
{
    if (!dataValue.isObject())
        return QStringLiteral("data is not an object");
    const QJsonObject data = dataValue.toObject();
    if (shape == QLatin1String("list"))
        return listProblem(data, page);
    if (shape == QLatin1String("details")) {
        if (data.value(QLatin1String("id")).toInteger() <= 0)
            return QStringLiteral("data.id is not a positive number");
        if (data.value(QLatin1String("title")).toString().isEmpty())
            return QStringLiteral("data.title is not a non-empty string");
        if (const QString p = posterProblem(data, QStringLiteral("data")); !p.isEmpty())
            return p;
        return namedObjectsProblem(data.value(QLatin1String("genres")),
            QStringLiteral("data.genres"), {QStringLiteral("name")}, true);
    }
    if (shape == QLatin1String("credits")) {
        if (!data.value(QLatin1String("crew")).isArray())
            return QStringLiteral("data.crew is not an array");
        return namedObjectsProblem(data.value(QLatin1String("cast")), QStringLiteral("data.cast"),
            {QStringLiteral("name"), QStringLiteral("character")}, true);
    }
    if (shape == QLatin1String("videos"))
        return namedObjectsProblem(data.value(QLatin1String("results")),
            QStringLiteral("data.results"),
            {QStringLiteral("key"), QStringLiteral("site"), QStringLiteral("type"),
                QStringLiteral("name")},
            false);
    if (shape == QLatin1String("genres"))
        return namedObjectsProblem(data.value(QLatin1String("genres")),
            QStringLiteral("data.genres"), {QStringLiteral("name")}, true);
    return QStringLiteral("unknown shape ") + shape;
}

// The item fields the client's watchlist page reads.
QString itemProblem(const QJsonObject &item, const QString &where)
{
    for (const char *key :
        {"id", "tmdbId", "contentType", "title", "posterPath", "posterUrl", "note", "addedAt"}) {
        if (!item.contains(QLatin1String(key)))
            return where + QStringLiteral(" lacks ") + QLatin1String(key);
    }
    if (item.value(QLatin1String("id")).toInteger() <= 0)
        return where + QStringLiteral(".id is not a positive number");
    const qint64 tmdbId = item.value(QLatin1String("tmdbId")).toInteger();
    if (item.value(QLatin1String("title")).toString() != QStringLiteral("Title %1").arg(tmdbId))
        return where + QStringLiteral(".title is not the one sent");
    const QJsonValue path = item.value(QLatin1String("posterPath"));
    const QJsonValue url = item.value(QLatin1String("posterUrl"));
    if (path.isString() ? url.toString() != kPosterBase + path.toString() : !url.isNull())
        return where + QStringLiteral(".posterUrl does not match posterPath");
    return {};
}

QList<qint64> idsOf(const QJsonArray &items)
{
    QList<qint64> ids;
    for (const QJsonValue &v : items)
        ids << v.toObject().value(QLatin1String("id")).toInteger();
    return ids;
}

QString idList(const QList<qint64> &ids)
{
    QStringList s;
    for (qint64 id : ids)
        s << QString::number(id);
    return s.join(QLatin1Char(','));
}

} // namespace

class TestFrontend
    : public QObject
    , public AuthFixture
{
    Q_OBJECT

    std::unique_ptr<FakeTmdb> m_tmdb;

    // The server with the fakes as its Clerk and TMDB (with a key, so the catalogue is TMDB's,
    // not the demo). False when it did not start; the test has then failed, with the reason.
    bool start(const std::function<void(Config &)> &tweak = {})
    {
        startServer(ClerkKeySource::JwksUrl, {}, [&](Config &c) {
            c.tmdbApiKey = FakeTmdb::defaultApiKey();
            c.tmdbBaseUrl = m_tmdb->baseUrl();
            if (tweak)
                tweak(c);
        });
        if (QTest::currentTestFailed()) {
            qWarning("the server did not start: %s",
                qPrintable(m_ts ? m_ts->startError() : QStringLiteral("no server")));
            return false;
        }
        return true;
    }

    // A request as the client's axios instance sends it from the browser: its origin, its
    // Accept header, the Clerk token when signed in, a JSON body.
    HttpReply send(const QByteArray &method, const QByteArray &path, const QByteArray &bearer,
        const QByteArray &body = {})
    {
        return call(method, path, bearer, body, {{"Origin", origin.toUtf8()}, {"Accept", kAccept}});
    }

    // POSTs `count` titles (tmdbId first, first + 1, ...) as the client's add button does, with
    // posterPath and note on some of them; the new ids in order. Empty on success, else what
    // went wrong.
    QString addTitles(const QByteArray &bearer, int count, QList<qint64> &ids, int first = 1000)
    {
        for (int i = 0; i < count; ++i) {
            const qint64 tmdbId = first + i;
            QJsonObject body {{"tmdbId", tmdbId}, {"contentType", "movie"},
                {"title", QStringLiteral("Title %1").arg(tmdbId)}};
            if (i % 3 != 2)
                body.insert("posterPath", QStringLiteral("/poster%1.jpg").arg(tmdbId));
            if (i % 2 == 0)
                body.insert("note", QStringLiteral("watch with Sam (%1)").arg(i));
            const HttpReply r = send("POST", "/api/watchlist", bearer, compact(body));
            const QJsonObject item = r.json().value("data").toObject();
            if (r.status != 201 || !r.json().value("success").toBool()
                || item.value("id").toInteger() <= 0 || item.value("tmdbId").toInteger() != tmdbId)
                return QStringLiteral("POST /api/watchlist #%1 (tmdbId %2) answered %3: %4")
                    .arg(i + 1)
                    .arg(tmdbId)
                    .arg(r.status)
                    .arg(bodyOf(r));
            ids << item.value("id").toInteger();
        }
        return {};
    }

    // GET /api/watchlist as the client's hook sends it (no page, no limit): every title, newest
    // first, with meta as docs/api.md gives it. Empty when so, else what differs.
    QString wholeListProblem(const QByteArray &bearer, const QList<qint64> &added)
    {
        const HttpReply r = send("GET", "/api/watchlist", bearer);
        if (r.status != 200)
            return QStringLiteral("GET /api/watchlist answered %1: %2")
                .arg(r.status)
                .arg(bodyOf(r));
        const QJsonObject answer = r.json();
        if (answer.value("success") != QJsonValue(true))
            return QStringLiteral("success is not true");
        if (!answer.value("data").isArray())
            return QStringLiteral("data is not an array");
        const QJsonArray data = answer.value("data").toArray();
        QList<qint64> newestFirst = added;
        std::reverse(newestFirst.begin(), newestFirst.end());
        const QList<qint64> got = idsOf(data);
        if (got != newestFirst)
            return QStringLiteral("data holds %1 items (ids %2), not the %3 added, newest first")
                .arg(got.size())
                .arg(idList(got).left(200))
                .arg(added.size());
        for (qsizetype i = 0; i < data.size(); ++i) {
            const QString p = itemProblem(data.at(i).toObject(), QStringLiteral("data[%1]").arg(i));
            if (!p.isEmpty())
                return p;
        }
        const QJsonObject listMeta = answer.value("meta").toObject();
        const qint64 n = added.size();
        if (listMeta.value("total").toInteger(-1) != n || listMeta.value("page").toInteger() != 1)
            return QStringLiteral("meta is %1, not page 1 with total %2")
                .arg(QString::fromUtf8(compact(listMeta)))
                .arg(n);
        // Unpaged, the limit that applied is the per-user cap; all of it fits on one page.
        if (listMeta.value("limit").toInteger() != m_ts->config.listMaxItems)
            return QStringLiteral("meta.limit is %1, not the per-user cap %2")
                .arg(listMeta.value("limit").toInteger())
                .arg(m_ts->config.listMaxItems);
        if (listMeta.value("totalPages").toInteger() != (n > 0 ? 1 : 0))
            return QStringLiteral("meta.totalPages is %1, not %2")
                .arg(listMeta.value("totalPages").toInteger())
                .arg(n > 0 ? 1 : 0);
        return corsProblem(r, origin);
    }

    QString pageProblem(
        const QByteArray &bearer, const QByteArray &query, int items, const QJsonObject &meta)
    {
        const HttpReply r = send("GET", "/api/watchlist?" + query, bearer);
        if (r.status != 200)
            return QStringLiteral("?%1 answered %2: %3")
                .arg(QString::fromLatin1(query))
                .arg(r.status)
                .arg(bodyOf(r));
        const qsizetype got = r.json().value("data").toArray().size();
        if (got != items || r.json().value("meta").toObject() != meta)
            return QStringLiteral("?%1: %2 items and meta %3, not %4 items and meta %5")
                .arg(QString::fromLatin1(query))
                .arg(got)
                .arg(QString::fromUtf8(compact(r.json().value("meta").toObject())))
                .arg(items)
                .arg(QString::fromUtf8(compact(meta)));
        return {};
    }

    static QJsonObject meta(int page, int limit, int total, int totalPages)
    {
        return QJsonObject {
            {"page", page}, {"limit", limit}, {"total", total}, {"totalPages", totalPages}};
    }

private slots:
    void initTestCase() { initFixture(); }
    void cleanupTestCase() { cleanupFixture(); }

    void init()
    {
        startClerk();
        if (QTest::currentTestFailed()) {
            qWarning("the fake Clerk did not start: %s",
                qPrintable(m_clerk ? m_clerk->errorString() : QStringLiteral("no fake")));
            return;
        }
        m_tmdb = std::make_unique<FakeTmdb>(QStringLiteral(MARQUEE_TMDB_SPEC));
        QVERIFY2(
            m_tmdb->start(), qPrintable("the fake TMDB did not start: " + m_tmdb->errorString()));
    }

    void cleanup()
    {
        const QStringList violations = m_tmdb ? m_tmdb->violations() : QStringList();
        m_ts.reset();
        m_tmdb.reset();
        QVERIFY2(violations.isEmpty(),
            qPrintable("requests TMDB's spec does not allow:\n" + violations.join('\n')));
        stopAndCheckTheLog();
    }

    // ---- the catalogue hooks

    void catalogueCallsAnswerWhatTheClientReads_data()
    {
        QTest::addColumn<QByteArray>("path"); // as axios sends it, under the base URL /api
        QTest::addColumn<QString>("upstream"); // the TMDB path it must become
        QTest::addColumn<QStringList>("upstreamQuery"); // name=value, as TMDB must receive them
        QTest::addColumn<QString>("shape"); // what the client reads from data
        QTest::addColumn<int>("page"); // data.page the client pages by; 0: not checked
        // What the fake TMDB answers; empty: the example of TMDB's spec.
        QTest::addColumn<QByteArray>("upstreamBody");

        auto row
            = [](const char *name, const char *path, const char *upstream, const QStringList &query,
                  const char *shape, int page, const QByteArray &upstreamBody = {}) {
                  QTest::newRow(name) << QByteArray(path) << QString::fromLatin1(upstream) << query
                                      << QString::fromLatin1(shape) << page << upstreamBody;
              };
        row("trending week", "/api/movies/trending?timeWindow=week", "/3/trending/movie/week", {},
            "list", 0);
        row("trending day", "/api/movies/trending?timeWindow=day", "/3/trending/movie/day", {},
            "list", 0);
        row("popular page 1", "/api/movies/popular?page=1", "/3/movie/popular", {"page=1"}, "list",
            1);
        row("popular page 2", "/api/movies/popular?page=2", "/3/movie/popular", {"page=2"}, "list",
            2);
        row("top rated", "/api/movies/top-rated", "/3/movie/top_rated", {}, "list", 0);
        row("now playing", "/api/movies/now-playing", "/3/movie/now_playing", {}, "list", 0);
        row("upcoming", "/api/movies/upcoming", "/3/movie/upcoming", {}, "list", 0);
        row("details", "/api/movies/550", "/3/movie/550", {}, "details", 0);
        row("credits", "/api/movies/550/credits", "/3/movie/550/credits", {}, "credits", 0);
        row("videos", "/api/movies/550/videos", "/3/movie/550/videos", {}, "videos", 0);
        row("similar page 2", "/api/movies/550/similar?page=2", "/3/movie/550/similar", {"page=2"},
            "list", 2);
        row("recommendations page 2", "/api/movies/550/recommendations?page=2",
            "/3/movie/550/recommendations", {"page=2"}, "list", 2, kRecommendations);
        // axios's params serializer writes a space as '+'; a hand-built URL has %20.
        row("search, space as +", "/api/movies/search?query=fight+club&page=1", "/3/search/movie",
            {"query=fight club", "page=1"}, "list", 1);
        row("search, space as %20", "/api/movies/search?query=fight%20club&page=2",
            "/3/search/movie", {"query=fight club", "page=2"}, "list", 2);
        row("discover",
            "/api/movies/discover?with_genres=28&year=2020&sort_by=popularity.desc&page=1",
            "/3/discover/movie",
            {"with_genres=28", "year=2020", "sort_by=popularity.desc", "page=1"}, "list", 1);
        row("genres", "/api/movies/genres", "/3/genre/movie/list", {}, "genres", 0);
    }
    void catalogueCallsAnswerWhatTheClientReads()
    {
        QFETCH(QByteArray, path);
        QFETCH(QString, upstream);
        QFETCH(QStringList, upstreamQuery);
        QFETCH(QString, shape);
        QFETCH(int, page);
        QFETCH(QByteArray, upstreamBody);
        if (!start())
            return;
        if (!upstreamBody.isEmpty())
            m_tmdb->setResponse(upstream, 200, upstreamBody);
        const QByteArray signedIn = token(alice);
        // The client calls the catalogue signed out and, once signed in, with its token.
        for (const QByteArray &bearer : {QByteArray(), signedIn}) {
            const char *who = bearer.isEmpty() ? "signed out" : "signed in";
            const HttpReply r = send("GET", path, bearer);
            QVERIFY2(r.status == 200,
                qPrintable(QStringLiteral("%1: %2 %3").arg(who).arg(r.status).arg(bodyOf(r))));
            QCOMPARE(r.header("Content-Type"), QByteArray("application/json; charset=utf-8"));
            const QString cors = corsProblem(r, origin);
            QVERIFY2(cors.isEmpty(), qPrintable(QStringLiteral("%1: %2").arg(who, cors)));
            QVERIFY2(r.json().value("success") == QJsonValue(true), who);
            const QString problem = shapeProblem(r.json().value("data"), shape, page);
            QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("%1: %2").arg(who, problem)));
        }

        // It went through the real TMDB client, to the path and with the parameters TMDB names.
        const QList<FakeTmdb::Request> requests = m_tmdb->requests();
        QStringList seen;
        const FakeTmdb::Request *sent = nullptr;
        for (const FakeTmdb::Request &req : requests) {
            seen << req.path;
            if (req.path == upstream)
                sent = &req;
        }
        QVERIFY2(sent,
            qPrintable(QStringLiteral("TMDB was not asked for %1; it saw: %2")
                           .arg(upstream, seen.join(QLatin1String(", ")))));
        for (const QString &pair : upstreamQuery) {
            const QString name = pair.section(QLatin1Char('='), 0, 0);
            const QString value = pair.section(QLatin1Char('='), 1);
            QVERIFY2(sent->query.hasQueryItem(name), qPrintable(name + " was not sent to TMDB"));
            QCOMPARE(sent->query.queryItemValue(name, QUrl::FullyDecoded), value);
        }
        QVERIFY2(m_tmdb->violations().isEmpty(),
            qPrintable("requests TMDB's spec does not allow:\n" + m_tmdb->violations().join('\n')));
    }

    // The search box sends "fight club" as axios writes it and as a typed URL has it: one search.
    void searchSpaceAsPlusOrPercentIsOneSearch()
    {
        if (!start())
            return;
        const HttpReply plus = send("GET", "/api/movies/search?query=fight+club&page=1", {});
        QVERIFY2(plus.status == 200, qPrintable(bodyOf(plus)));
        const HttpReply percent = send("GET", "/api/movies/search?query=fight%20club&page=1", {});
        QVERIFY2(percent.status == 200, qPrintable(bodyOf(percent)));
        QCOMPARE(percent.header("X-Cache"), QByteArray("HIT"));
        QCOMPARE(percent.body, plus.body);
        QCOMPARE(m_tmdb->callCount(QStringLiteral("/3/search/movie")), 1);
        // A literal plus is %2B, and stays a plus.
        QCOMPARE(send("GET", "/api/movies/search?query=c%2B%2B&page=1", {}).status, 200);
        QCOMPARE(m_tmdb->requests().last().query.queryItemValue("query", QUrl::FullyDecoded),
            QStringLiteral("c++"));
    }

    // ---- the watchlist hooks

    // The client renders data of GET /api/watchlist as the whole list: no title may be missing,
    // however many there are (a 21st title was lost with the old default of 20 a page; more than
    // 100 is more than any one page).
    void wholeListWithoutPageOrLimit_data()
    {
        QTest::addColumn<int>("count");
        QTest::newRow("empty") << 0;
        QTest::newRow("one") << 1;
        QTest::newRow("21 titles") << 21;
        QTest::newRow("101 titles") << 101;
    }
    void wholeListWithoutPageOrLimit()
    {
        QFETCH(int, count);
        if (!start())
            return;
        const QByteArray t = token(alice);
        QList<qint64> ids;
        const QString added = addTitles(t, count, ids);
        QVERIFY2(added.isEmpty(), qPrintable(added));
        const QString problem = wholeListProblem(t, ids);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    // The watchlist page and the add/remove button, call by call.
    void watchlistAsTheClientUsesIt()
    {
        if (!start())
            return;
        const QByteArray t = token(alice);
        QList<qint64> ids;
        const QString added = addTitles(t, 25, ids);
        QVERIFY2(added.isEmpty(), qPrintable(added));
        QString problem = wholeListProblem(t, ids);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));

        // The button on title 1005 (the 6th added) asks whether it is in the list.
        const QByteArray checkPath = "/api/watchlist/check?tmdbId=1005&contentType=movie";
        HttpReply r = send("GET", checkPath, t);
        QVERIFY2(r.status == 200, qPrintable(bodyOf(r)));
        QVERIFY(corsProblem(r, origin).isEmpty());
        QCOMPARE(r.json().value("success"), QJsonValue(true));
        QCOMPARE(r.json().value("inWatchlist"), QJsonValue(true));
        const QJsonObject item = r.json().value("data").toObject();
        QCOMPARE(item.value("id").toInteger(), ids.at(5));
        problem = itemProblem(item, QStringLiteral("data"));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));

        // Remove it by its id, as the client's DELETE /watchlist/{id} does.
        r = send("DELETE", "/api/watchlist/" + QByteArray::number(ids.at(5)), t);
        QVERIFY2(r.status == 200, qPrintable(bodyOf(r)));
        QVERIFY(corsProblem(r, origin).isEmpty());
        QCOMPARE(r.json().value("success"), QJsonValue(true));
        QCOMPARE(r.json().value("data").toObject().value("removed"), QJsonValue(true));
        ids.removeAt(5);
        problem = wholeListProblem(t, ids);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));

        r = send("GET", checkPath, t);
        QVERIFY2(r.status == 200, qPrintable(bodyOf(r)));
        QCOMPARE(r.json().value("inWatchlist"), QJsonValue(false));
        QVERIFY(r.json().value("data").isNull());

        // Paging still applies when a client asks for it (24 titles now).
        problem = pageProblem(t, "page=1&limit=20", 20, meta(1, 20, 24, 2));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        problem = pageProblem(t, "page=2&limit=20", 4, meta(2, 20, 24, 2));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        problem = pageProblem(t, "limit=10", 10, meta(1, 10, 24, 3));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        problem = pageProblem(t, "page=2", 4, meta(2, 20, 24, 2));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));

        // Another user's list is their own, also unpaged.
        const QByteArray bobs = token(bob);
        problem = wholeListProblem(bobs, {});
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    // The whole list is bounded by the per-user cap: a full list refuses the next title with a
    // toast the client can show, and the unpaged read still answers every title.
    void fullWatchlistRefusesWithAToast()
    {
        if (!start([](Config &c) { c.listMaxItems = 25; }))
            return;
        const QByteArray t = token(alice);
        QList<qint64> ids;
        const QString added = addTitles(t, 25, ids);
        QVERIFY2(added.isEmpty(), qPrintable(added));
        const HttpReply r = send("POST", "/api/watchlist", t,
            R"({"tmdbId":5000,"contentType":"movie","title":"One Too Many"})");
        QVERIFY2(r.status == 409, qPrintable(bodyOf(r)));
        QCOMPARE(r.json().value("success"), QJsonValue(false));
        QCOMPARE(r.json().value("code").toString(), QStringLiteral("CONFLICT"));
        const QString toast = toastProblem(r.json().value("error"), QStringLiteral("CONFLICT"));
        QVERIFY2(toast.isEmpty(), qPrintable(toast));
        QCOMPARE(r.json().value("requestId").toString().toUtf8(), r.header("X-Request-Id"));
        const QString problem = wholeListProblem(t, ids);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    // A browser asks before the client's POST and DELETE (JSON body, Authorization header).
    void preflightAllowsTheClientsCalls_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::newRow("POST watchlist") << QByteArray("POST") << QByteArray("/api/watchlist");
        QTest::newRow("DELETE watchlist item")
            << QByteArray("DELETE") << QByteArray("/api/watchlist/12");
        QTest::newRow("GET watchlist check")
            << QByteArray("GET") << QByteArray("/api/watchlist/check");
        QTest::newRow("GET watchlist") << QByteArray("GET") << QByteArray("/api/watchlist");
    }
    void preflightAllowsTheClientsCalls()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        if (!start())
            return;
        const HttpReply r = m_ts->request("OPTIONS", path,
            {{"Origin", origin.toUtf8()}, {"Access-Control-Request-Method", method},
                {"Access-Control-Request-Headers", "authorization,content-type"}});
        QVERIFY2(r.status == 204, qPrintable(bodyOf(r)));
        QCOMPARE(r.header("Access-Control-Allow-Origin"), origin.toUtf8());
        const QByteArray methods = r.header("Access-Control-Allow-Methods");
        QVERIFY2(methods.split(',').contains(method) || methods.contains(method), methods);
        const QByteArray allowed = r.header("Access-Control-Allow-Headers").toLower();
        QVERIFY2(allowed.contains("authorization") && allowed.contains("content-type"), allowed);
    }

    // ---- errors: the client shows error.response.data.error in a toast

    void errorsAreToastReady_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QString>("auth"); // token | none | garbage | expired
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("before"); // POSTed to /api/watchlist first, if any
        QTest::addColumn<QString>("tmdbMissing"); // a TMDB path the fake answers 404
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("mentions"); // the message names what went wrong
        QTest::addColumn<QString>("detailField"); // the field details[] names, if any

        const QByteArray fightClub
            = R"({"tmdbId":550,"contentType":"movie","title":"Fight Club","posterPath":"/f.jpg"})";
        auto row
            = [](const char *name, const char *method, const QByteArray &path, const char *auth,
                  const QByteArray &body, const QByteArray &before, const char *tmdbMissing,
                  int status, const char *code, const char *mentions, const char *detailField) {
                  QTest::newRow(name)
                      << QByteArray(method) << path << QString::fromLatin1(auth) << body << before
                      << QString::fromLatin1(tmdbMissing) << status << QString::fromLatin1(code)
                      << QString::fromLatin1(mentions) << QString::fromLatin1(detailField);
              };
        row("400 page 0", "GET", "/api/movies/popular?page=0", "token", {}, {}, "", 400,
            "VALIDATION_ERROR", "page", "page");
        row("400 search without query", "GET", "/api/movies/search?page=1", "none", {}, {}, "", 400,
            "VALIDATION_ERROR", "query", "query");
        row("400 POST without title", "POST", "/api/watchlist", "token",
            R"({"tmdbId":550,"contentType":"movie","posterPath":"/f.jpg","note":"hi"})", {}, "",
            400, "VALIDATION_ERROR", "title", "title");
        row("400 check without contentType", "GET", "/api/watchlist/check?tmdbId=550", "token", {},
            {}, "", 400, "VALIDATION_ERROR", "contentType", "contentType");
        row("401 list without token", "GET", "/api/watchlist", "none", {}, {}, "", 401,
            "UNAUTHENTICATED", "token", "");
        row("401 list with a garbage token", "GET", "/api/watchlist", "garbage", {}, {}, "", 401,
            "UNAUTHENTICATED", "token", "");
        row("401 list with an expired token", "GET", "/api/watchlist", "expired", {}, {}, "", 401,
            "UNAUTHENTICATED", "token", "");
        row("401 POST without token", "POST", "/api/watchlist", "none", fightClub, {}, "", 401,
            "UNAUTHENTICATED", "token", "");
        row("401 check with a garbage token", "GET",
            "/api/watchlist/check?tmdbId=550&contentType=movie", "garbage", {}, {}, "", 401,
            "UNAUTHENTICATED", "token", "");
        row("404 DELETE unknown item", "DELETE", "/api/watchlist/999999", "token", {}, {}, "", 404,
            "NOT_FOUND", "watchlist", "");
        row("404 unknown route", "GET", "/api/movies/550/reviews", "token", {}, {}, "", 404,
            "NOT_FOUND", "/api/movies/550/reviews", "");
        row("404 unknown movie", "GET", "/api/movies/999999", "none", {}, {}, "/3/movie/999999",
            404, "NOT_FOUND", "", "");
        row("409 duplicate POST", "POST", "/api/watchlist", "token", fightClub, fightClub, "", 409,
            "CONFLICT", "already", "tmdbId");
    }
    void errorsAreToastReady()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QString, auth);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, before);
        QFETCH(QString, tmdbMissing);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(QString, mentions);
        QFETCH(QString, detailField);
        if (!start())
            return;
        if (!tmdbMissing.isEmpty())
            m_tmdb->setNotFound(tmdbMissing);
        const QByteArray valid = token(alice);
        if (!before.isEmpty()) {
            const HttpReply first = send("POST", "/api/watchlist", valid, before);
            QVERIFY2(first.status == 201,
                qPrintable("setting up: the first POST answered " + bodyOf(first)));
        }
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QByteArray bearer = auth == QLatin1String("token") ? valid
            : auth == QLatin1String("garbage")                   ? QByteArray("garbage")
            : auth == QLatin1String("expired")                   ? token(alice, {}, 600,
                                    QJsonObject {{"iat", now - 4000}, {"nbf", now - 4000}, {"exp", now - 3600}})
                                                                 : QByteArray();

        const HttpReply r = send(method, path, bearer, body);
        QVERIFY2(
            r.status == status, qPrintable(QStringLiteral("%1: %2").arg(r.status).arg(bodyOf(r))));
        QVERIFY2(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
        const QString cors = corsProblem(r, origin);
        QVERIFY2(cors.isEmpty(), qPrintable(cors));
        const QJsonObject answer = r.json();
        QVERIFY2(answer.value("success") == QJsonValue(false), qPrintable(bodyOf(r)));
        // The toast: error.response.data.error, shown as it is.
        const QString toast = toastProblem(answer.value("error"), code);
        QVERIFY2(toast.isEmpty(), qPrintable(toast));
        const QString message = answer.value("error").toString();
        QVERIFY2(message.contains(mentions, Qt::CaseInsensitive),
            qPrintable(QStringLiteral("\"%1\" does not mention %2").arg(message, mentions)));
        // The structure beside it.
        QCOMPARE(answer.value("code").toString(), code);
        QVERIFY(!r.header("X-Request-Id").isEmpty());
        QCOMPARE(answer.value("requestId").toString().toUtf8(), r.header("X-Request-Id"));
        if (!detailField.isEmpty()) {
            bool named = false;
            for (const QJsonValue &d : answer.value("details").toArray())
                named = named || d.toObject().value("field").toString() == detailField;
            QVERIFY2(named, qPrintable(detailField + " is not in details: " + bodyOf(r)));
        }
        if (status == 409 && !before.isEmpty()) {
            // The existing item comes along, for the client to show as already added.
            QCOMPARE(answer.value("data").toObject().value("tmdbId").toInteger(), 550);
        }
    }
};

QTEST_GUILESS_MAIN(TestFrontend)
#include "tst_frontend.moc"
