// Watchlist and favorites end to end (docs/api.md, "User routes"; docs/lists.md): real server,
// real SQLite, real RS256 tokens; a fresh server and database for every test row, so no
// test sees another's rows.
#include "support/check.h"
#include "support/fakeclerk.h"
#include "support/httpclient.h"
#include "support/marqueeprocess.h"
#include "support/testdatabase.h"
#include "support/testkeys.h"
#include "support/testserver.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTest>

using namespace marquee;
using namespace marquee::test;

namespace {

const QByteArray kOrigin = "http://localhost:5173";
const QRegularExpression kIsoMs(
    QStringLiteral("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$"));

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject movie(
    qint64 tmdbId, const QString &title, const QString &type = QStringLiteral("movie"))
{
    return QJsonObject {{"tmdbId", tmdbId}, {"contentType", type}, {"title", title},
        {"posterPath", QStringLiteral("/p%1.jpg").arg(tmdbId)}};
}

// "name":"value" (value needs no escaping); moc cannot read raw strings with an odd number of
// quotes.
QByteArray member(const char *name, const QByteArray &value)
{
    return '"' + QByteArray(name) + "\":\"" + value + '"';
}

bool hasDetail(const QJsonObject &body, const QString &field, const QString &issue)
{
    const QJsonArray details = body.value("details").toArray();
    for (const auto &d : details) {
        if (d.toObject().value("field").toString() == field
            && d.toObject().value("issue").toString() == issue)
            return true;
    }
    return false;
}

// The field the first validation detail of an error answer names.
QString firstDetailField(const QJsonObject &body)
{
    const QJsonArray details = body.value("details").toArray();
    return details.first().toObject().value("field").toString();
}

QStringList titles(const QJsonObject &body)
{
    QStringList out;
    for (const auto &item : body.value("data").toArray())
        out << item.toObject().value("title").toString() + QLatin1Char('/')
                + item.toObject().value("contentType").toString();
    return out;
}

QJsonObject meta(int page, int limit, int total, int totalPages)
{
    return QJsonObject {
        {"page", page}, {"limit", limit}, {"total", total}, {"totalPages", totalPages}};
}

const QStringList kWatchlistKeys {"id", "tmdbId", "contentType", "title", "posterPath", "posterUrl",
    "backdropPath", "backdropUrl", "overview", "releaseDate", "voteAverage", "addedAt", "note",
    "watched", "watchedAt"};

QStringList itemKeys(const QString &list)
{
    return list == QLatin1String("watchlist") ? kWatchlistKeys : kWatchlistKeys.mid(0, 12);
}

} // namespace

class TestLists : public QObject
{
    Q_OBJECT

    RsaKeyPair m_key;
    std::unique_ptr<ClerkTokens> m_tokens; // signed with m_key, the server's CLERK_JWT_KEY
    std::unique_ptr<TestServer> m_ts;
    QByteArray m_alice;
    QByteArray m_bob;

    HttpReply call(const QByteArray &method, const QByteArray &path, const QByteArray &bearer,
        const QByteArray &body = {}, const QByteArray &contentType = "application/json")
    {
        QList<std::pair<QByteArray, QByteArray>> headers;
        if (!bearer.isEmpty())
            headers.append({"Authorization", "Bearer " + bearer});
        if (!body.isEmpty() && !contentType.isEmpty())
            headers.append({"Content-Type", contentType});
        return m_ts->request(method, path, headers, body);
    }
    HttpReply get(const QByteArray &path, const QByteArray &bearer = {})
    {
        return call("GET", path, bearer.isEmpty() ? m_alice : bearer);
    }
    // POSTs and requires 201 (else the test fails: call through CHECK(), or RETURN_IF_FAILED()
    // after using the item); returns the item.
    QJsonObject add(const QString &list, const QJsonObject &item, const QByteArray &bearer = {})
    {
        const HttpReply r = call(
            "POST", "/api/" + list.toLatin1(), bearer.isEmpty() ? m_alice : bearer, compact(item));
        if (r.status != 201)
            QTest::qFail(qPrintable(QStringLiteral("setup: POST /api/%1 answered %2: %3")
                                        .arg(list)
                                        .arg(r.status)
                                        .arg(QString::fromUtf8(r.body))),
                __FILE__, __LINE__);
        return r.json().value("data").toObject();
    }
    qint64 rows(const QString &table)
    {
        if (!m_ts->isRunning())
            return -1;
        QSqlQuery q(m_ts->server().database().connection());
        return q.exec(QStringLiteral("SELECT COUNT(*) FROM ") + table) && q.next()
            ? q.value(0).toLongLong()
            : -1;
    }

    // A fresh server with four event loops and no rate limit (call through CHECK()).
    void restartWithFourLoops()
    {
        m_ts.reset();
        m_ts = std::make_unique<TestServer>();
        m_ts->config.clerkJwtKey = QString::fromLatin1(m_key.publicPem());
        m_ts->config.http.allowedOrigins = {QString::fromLatin1(kOrigin)};
        m_ts->config.workers = 4;
        m_ts->config.rateLimitGeneral = 0;
        QVERIFY2(m_ts->start(), notStarted("server", m_ts->startError()));
    }

    static void verifyNoStore(const HttpReply &r)
    {
        QCOMPARE(r.header("Cache-Control"), QByteArray("private, no-store"));
    }

private slots:
    void initTestCase()
    {
        m_key = RsaKeyPair::generate();
        m_tokens = std::make_unique<ClerkTokens>(m_key, QString(), QString::fromLatin1(kOrigin));
    }

    void init()
    {
        m_ts = std::make_unique<TestServer>();
        m_ts->config.clerkJwtKey = QString::fromLatin1(m_key.publicPem());
        m_ts->config.http.allowedOrigins = {QString::fromLatin1(kOrigin)};
        QVERIFY2(m_ts->start(), notStarted("server", m_ts->startError()));
        m_alice = m_tokens->token(QStringLiteral("user_alice"), QStringLiteral("sess_a"), 600);
        m_bob = m_tokens->token(QStringLiteral("user_bob"), QStringLiteral("sess_b"), 600);
    }

    void cleanup() { m_ts.reset(); }

    // ---- authentication

    void everyRouteNeedsAToken_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        for (const char *list : {"watchlist", "favorites"}) {
            const QByteArray base = QByteArray("/api/") + list;
            QTest::addRow("%s GET", list) << QByteArray("GET") << base;
            QTest::addRow("%s POST", list) << QByteArray("POST") << base;
            QTest::addRow("%s check", list)
                << QByteArray("GET") << base + "/check?tmdbId=550&contentType=movie";
            QTest::addRow("%s DELETE id", list) << QByteArray("DELETE") << base + "/1";
            QTest::addRow("%s DELETE key", list) << QByteArray("DELETE") << base + "/movie/550";
        }
        QTest::newRow("watchlist PATCH")
            << QByteArray("PATCH") << QByteArray("/api/watchlist/movie/550");
    }
    void everyRouteNeedsAToken()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        const QByteArray body = method == "POST" ? compact(movie(550, "Fight Club"))
            : method == "PATCH"                  ? QByteArray(R"({"watched":true})")
                                                 : QByteArray();
        CHECK(verifyError(call(method, path, {}, body), 401, QStringLiteral("UNAUTHENTICATED")));
        CHECK(verifyError(
            call(method, path, "not.a.token", body), 401, QStringLiteral("UNAUTHENTICATED")));
        QCOMPARE(rows(QStringLiteral("watchlist")) + rows(QStringLiteral("favorites")), 0);
    }

    // ---- POST and the item shape

    void addAnswersTheItem_data()
    {
        QTest::addColumn<QString>("list");
        QTest::newRow("watchlist") << QStringLiteral("watchlist");
        QTest::newRow("favorites") << QStringLiteral("favorites");
    }
    void addAnswersTheItem()
    {
        QFETCH(QString, list);
        QJsonObject body {{"tmdbId", 550}, {"contentType", "movie"}, {"title", "Fight Club"},
            {"posterPath", "/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"}, {"backdropPath", QJsonValue::Null},
            {"overview", "A ticking-time-bomb insomniac..."}, {"releaseDate", "1999-10-15"},
            {"voteAverage", 8.4}};
        if (list == QLatin1String("watchlist"))
            body.insert("note", "with Sam");
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const HttpReply r = call("POST", "/api/" + list.toLatin1(), m_alice, compact(body));
        QVERIFY2(r.status == 201, r.body.constData());
        CHECK(verifyNoStore(r));
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json; charset=utf-8"));
        const QJsonObject answer = r.json();
        QCOMPARE(answer.value("success").toBool(), true);
        QVERIFY(!answer.value("message").toString().isEmpty());
        const QJsonObject item = answer.value("data").toObject();

        QStringList keys = item.keys();
        QStringList expectedKeys = itemKeys(list);
        keys.sort();
        expectedKeys.sort();
        QCOMPARE(keys, expectedKeys);
        QVERIFY(item.value("id").toInteger() > 0);
        QCOMPARE(item.value("tmdbId").toInteger(), 550);
        QCOMPARE(item.value("contentType").toString(), QStringLiteral("movie"));
        QCOMPARE(item.value("title").toString(), QStringLiteral("Fight Club"));
        QCOMPARE(item.value("posterPath").toString(),
            QStringLiteral("/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"));
        QCOMPARE(item.value("posterUrl").toString(),
            QStringLiteral("https://image.tmdb.org/t/p/w500/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"));
        QVERIFY(item.value("backdropPath").isNull());
        QVERIFY(item.value("backdropUrl").isNull());
        QCOMPARE(
            item.value("overview").toString(), QStringLiteral("A ticking-time-bomb insomniac..."));
        QCOMPARE(item.value("releaseDate").toString(), QStringLiteral("1999-10-15"));
        QCOMPARE(item.value("voteAverage").toDouble(), 8.4);
        const QString addedAt = item.value("addedAt").toString();
        QVERIFY2(kIsoMs.match(addedAt).hasMatch(), qPrintable(addedAt));
        const qint64 addedMs
            = QDateTime::fromString(addedAt, Qt::ISODateWithMs).toMSecsSinceEpoch();
        QVERIFY(addedMs >= before && addedMs <= QDateTime::currentMSecsSinceEpoch());
        if (list == QLatin1String("watchlist")) {
            QCOMPARE(item.value("note").toString(), QStringLiteral("with Sam"));
            QCOMPARE(item.value("watched").toBool(true), false);
            QVERIFY(item.value("watchedAt").isNull());
        }

        // The list answers the same item, with meta.
        const HttpReply listed = get("/api/" + list.toLatin1());
        QCOMPARE(listed.status, 200);
        CHECK(verifyNoStore(listed));
        QCOMPARE(listed.json().value("success").toBool(), true);
        QCOMPARE(listed.json().value("data").toArray(), QJsonArray {item});
        // Unpaged: the whole list, so the limit is the per-user cap.
        QCOMPARE(listed.json().value("meta").toObject(), meta(1, 5000, 1, 1));
        QCOMPARE(rows(list), 1);
    }

    void backdropUrlIsBuiltLikeTheCatalogue()
    {
        QJsonObject body = movie(603, QStringLiteral("The Matrix"));
        body.insert("backdropPath", "/fNG7i7RqMErkcqhohV2a6cV1Ehy.jpg");
        const QJsonObject item = add(QStringLiteral("favorites"), body);
        RETURN_IF_FAILED();
        QCOMPARE(item.value("posterUrl").toString(),
            QStringLiteral("https://image.tmdb.org/t/p/w500/p603.jpg"));
        QCOMPARE(item.value("backdropUrl").toString(),
            QStringLiteral("https://image.tmdb.org/t/p/w1280/fNG7i7RqMErkcqhohV2a6cV1Ehy.jpg"));
    }

    // Values at the edges of each rule are accepted and stored as given.
    void addAcceptsEdgeValues_data()
    {
        QTest::addColumn<QString>("list");
        QTest::addColumn<QByteArray>("extra"); // JSON members added to a valid body
        QTest::addColumn<QString>("field");
        QTest::addColumn<QByteArray>("expected"); // the field's value in the answer, as JSON
        QTest::newRow("title 500")
            << "watchlist" << QByteArray(member("title", QByteArray(500, 't'))) << "title"
            << QByteArray('"' + QByteArray(500, 't') + '"');
        QTest::newRow("title unicode") << "favorites" << QByteArray(R"("title":"Amélie 🎬")")
                                       << "title" << QByteArray(R"("Amélie 🎬")");
        QTest::newRow("vote 0") << "watchlist" << QByteArray(R"("voteAverage":0)") << "voteAverage"
                                << QByteArray("0");
        QTest::newRow("vote 10") << "favorites" << QByteArray(R"("voteAverage":10)")
                                 << "voteAverage" << QByteArray("10");
        QTest::newRow("vote null") << "watchlist" << QByteArray(R"("voteAverage":null)")
                                   << "voteAverage" << QByteArray("null");
        QTest::newRow("poster null") << "watchlist" << QByteArray(R"("posterPath":null)")
                                     << "posterUrl" << QByteArray("null");
        QTest::newRow("poster 200")
            << "favorites" << QByteArray(member("posterPath", "/" + QByteArray(199, 'a')))
            << "posterPath" << QByteArray("\"/" + QByteArray(199, 'a') + '"');
        QTest::newRow("overview empty")
            << "watchlist" << QByteArray(R"("overview":"")") << "overview" << QByteArray(R"("")");
        QTest::newRow("overview 5000")
            << "favorites" << QByteArray(member("overview", QByteArray(5000, 'o'))) << "overview"
            << QByteArray('"' + QByteArray(5000, 'o') + '"');
        QTest::newRow("overview absent")
            << "watchlist" << QByteArray() << "overview" << QByteArray("null");
        QTest::newRow("leap day") << "watchlist" << QByteArray(R"("releaseDate":"2000-02-29")")
                                  << "releaseDate" << QByteArray(R"("2000-02-29")");
        QTest::newRow("date null") << "favorites" << QByteArray(R"("releaseDate":null)")
                                   << "releaseDate" << QByteArray("null");
        // TMDB sends "" for an unknown date; a frontend copying release_date through must work.
        QTest::newRow("date empty") << "watchlist" << QByteArray(R"("releaseDate":"")")
                                    << "releaseDate" << QByteArray("null");
        QTest::newRow("note 1000")
            << "watchlist" << QByteArray(member("note", QByteArray(1000, 'n'))) << "note"
            << QByteArray('"' + QByteArray(1000, 'n') + '"');
        QTest::newRow("note null")
            << "watchlist" << QByteArray(R"("note":null)") << "note" << QByteArray("null");
        QTest::newRow("tv") << "favorites" << QByteArray(R"("contentType":"tv")") << "contentType"
                            << QByteArray(R"("tv")");
    }
    void addAcceptsEdgeValues()
    {
        QFETCH(QString, list);
        QFETCH(QByteArray, extra);
        QFETCH(QString, field);
        QFETCH(QByteArray, expected);
        QJsonObject body = movie(7, QStringLiteral("Se7en"));
        if (!extra.isEmpty()) {
            const QJsonObject more = QJsonDocument::fromJson("{" + extra + "}").object();
            QVERIFY(!more.isEmpty());
            for (auto it = more.begin(); it != more.end(); ++it)
                body.insert(it.key(), it.value());
        }
        const HttpReply r = call("POST", "/api/" + list.toLatin1(), m_alice, compact(body));
        QVERIFY2(r.status == 201, r.body.constData());
        const QJsonValue got = r.json().value("data").toObject().value(field);
        QCOMPARE(
            QJsonDocument(QJsonArray {got}).toJson(QJsonDocument::Compact), "[" + expected + "]");
        // And it reads back the same.
        const QJsonObject stored
            = get("/api/" + list.toLatin1()).json().value("data").toArray().first().toObject();
        QCOMPARE(stored.value(field), got);
    }

    void largestTmdbIdIsAccepted()
    {
        const QJsonObject item = add(QStringLiteral("watchlist"), movie(2147483647, "Max"));
        RETURN_IF_FAILED();
        QCOMPARE(item.value("tmdbId").toInteger(), 2147483647LL);
        QCOMPARE(get("/api/watchlist/check?tmdbId=2147483647&contentType=movie")
                     .json()
                     .value("inWatchlist")
                     .toBool(),
            true);
    }

    // ---- validation: every rule, and nothing changes

    void addRefusesInvalidBodies_data()
    {
        QTest::addColumn<QString>("list");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("issue");
        const QByteArray ok = R"("tmdbId":550,"contentType":"movie","title":"Fight Club")";
        const QByteArray noId = R"("contentType":"movie","title":"Fight Club")";
        const QByteArray noType = R"("tmdbId":550,"title":"Fight Club")";
        const QByteArray noTitle = R"("tmdbId":550,"contentType":"movie")";
        auto row = [](const char *name, const char *list, const QByteArray &body, const char *field,
                       const char *issue) {
            QTest::newRow(name) << QString::fromLatin1(list) << QByteArray("{" + body + "}")
                                << QString::fromLatin1(field) << QString::fromLatin1(issue);
        };
        row("empty object", "watchlist", "", "tmdbId", "required");
        row("tmdbId missing", "watchlist", noId, "tmdbId", "required");
        row("tmdbId string", "watchlist", noId + R"(,"tmdbId":"550")", "tmdbId", "wrong_type");
        row("tmdbId fraction", "favorites", noId + R"(,"tmdbId":550.5)", "tmdbId", "wrong_type");
        row("tmdbId null", "watchlist", noId + R"(,"tmdbId":null)", "tmdbId", "wrong_type");
        row("tmdbId bool", "watchlist", noId + R"(,"tmdbId":true)", "tmdbId", "wrong_type");
        row("tmdbId zero", "watchlist", noId + R"(,"tmdbId":0)", "tmdbId", "out_of_range");
        row("tmdbId negative", "favorites", noId + R"(,"tmdbId":-550)", "tmdbId", "out_of_range");
        row("tmdbId 2^31", "watchlist", noId + R"(,"tmdbId":2147483648)", "tmdbId", "out_of_range");
        row("contentType missing", "watchlist", noType, "contentType", "required");
        row("contentType person", "watchlist", noType + R"(,"contentType":"person")", "contentType",
            "invalid_value");
        row("contentType case", "favorites", noType + R"(,"contentType":"Movie")", "contentType",
            "invalid_value");
        row("contentType number", "watchlist", noType + R"(,"contentType":1)", "contentType",
            "wrong_type");
        row("title missing", "watchlist", noTitle, "title", "required");
        row("title empty", "watchlist", noTitle + R"(,"title":"")", "title", "too_short");
        row("title blank", "favorites", noTitle + R"(,"title":"   ")", "title", "invalid_value");
        row("title 501", "watchlist", noTitle + "," + member("title", QByteArray(501, 't')),
            "title", "too_long");
        row("title number", "watchlist", noTitle + R"(,"title":42)", "title", "wrong_type");
        row("title null", "watchlist", noTitle + R"(,"title":null)", "title", "wrong_type");
        // PostgreSQL cannot store U+0000 in text: refused on both backends alike, with the others
        // of C0 but tab and line breaks.
        row("title NUL", "watchlist", noTitle + R"(,"title":"a\u0000b")", "title", "invalid_value");
        row("title bell", "favorites", noTitle + R"(,"title":"a\u0007b")", "title",
            "invalid_value");
        row("note NUL", "watchlist", ok + R"(,"note":"\u0000")", "note", "invalid_value");
        row("overview DEL", "favorites", ok + R"(,"overview":"x\u007f")", "overview",
            "invalid_value");
        row("posterPath no slash", "watchlist", ok + R"(,"posterPath":"x.jpg")", "posterPath",
            "invalid_format");
        row("posterPath empty", "favorites", ok + R"(,"posterPath":"")", "posterPath",
            "invalid_format");
        row("posterPath space", "watchlist", ok + R"(,"posterPath":"/a b.jpg")", "posterPath",
            "invalid_format");
        row("posterPath 201", "watchlist",
            ok + "," + member("posterPath", "/" + QByteArray(200, 'p')), "posterPath", "too_long");
        row("posterPath number", "watchlist", ok + R"(,"posterPath":5)", "posterPath",
            "wrong_type");
        row("backdropPath no slash", "favorites", ok + R"(,"backdropPath":"b.jpg")", "backdropPath",
            "invalid_format");
        row("backdropPath 201", "watchlist",
            ok + "," + member("backdropPath", "/" + QByteArray(200, 'b')), "backdropPath",
            "too_long");
        row("backdropPath object", "watchlist", ok + R"(,"backdropPath":{})", "backdropPath",
            "wrong_type");
        row("overview 5001", "watchlist", ok + "," + member("overview", QByteArray(5001, 'o')),
            "overview", "too_long");
        row("overview number", "favorites", ok + R"(,"overview":1)", "overview", "wrong_type");
        row("releaseDate month 13", "watchlist", ok + R"(,"releaseDate":"1999-13-01")",
            "releaseDate", "invalid_format");
        row("releaseDate Feb 30", "watchlist", ok + R"(,"releaseDate":"1999-02-30")", "releaseDate",
            "invalid_format");
        row("releaseDate not leap", "favorites", ok + R"(,"releaseDate":"1999-02-29")",
            "releaseDate", "invalid_format");
        row("releaseDate other format", "watchlist", ok + R"(,"releaseDate":"15/10/1999")",
            "releaseDate", "invalid_format");
        row("releaseDate with time", "watchlist", ok + R"(,"releaseDate":"1999-10-15T00:00:00Z")",
            "releaseDate", "too_long");
        row("releaseDate number", "favorites", ok + R"(,"releaseDate":19991015)", "releaseDate",
            "wrong_type");
        row("voteAverage above 10", "watchlist", ok + R"(,"voteAverage":10.1)", "voteAverage",
            "out_of_range");
        row("voteAverage negative", "favorites", ok + R"(,"voteAverage":-0.1)", "voteAverage",
            "out_of_range");
        row("voteAverage string", "watchlist", ok + R"(,"voteAverage":"8.4")", "voteAverage",
            "wrong_type");
        row("note 1001", "watchlist", ok + "," + member("note", QByteArray(1001, 'n')), "note",
            "too_long");
        row("note number", "watchlist", ok + R"(,"note":5)", "note", "wrong_type");
        row("note on favorites", "favorites", ok + R"(,"note":"hi")", "note", "unknown_field");
        row("unknown field", "watchlist", ok + R"(,"rating":5)", "rating", "unknown_field");
        row("watched on POST", "watchlist", ok + R"(,"watched":true)", "watched", "unknown_field");
        row("id on POST", "favorites", ok + R"(,"id":1)", "id", "unknown_field");
        row("snake case", "watchlist", noId + R"(,"tmdb_id":550)", "tmdb_id", "unknown_field");
    }
    void addRefusesInvalidBodies()
    {
        QFETCH(QString, list);
        QFETCH(QByteArray, body);
        QFETCH(QString, field);
        QFETCH(QString, issue);
        CHECK(add(list, movie(1, QStringLiteral("Already there")))); // failures must not touch it
        const QJsonObject before = get("/api/" + list.toLatin1()).json();
        const HttpReply r = call("POST", "/api/" + list.toLatin1(), m_alice, body);
        CHECK(verifyError(r, 400, QStringLiteral("VALIDATION_ERROR")));
        CHECK(verifyNoStore(r));
        QVERIFY2(hasDetail(r.json(), field, issue), r.body.constData());
        QVERIFY(!r.json().value("error").toString().isEmpty());
        QCOMPARE(rows(list), 1);
        QCOMPARE(get("/api/" + list.toLatin1()).json(), before);
    }

    void addRefusesBodiesThatAreNotJsonObjects_data()
    {
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        const QByteArray good = compact(movie(550, "Fight Club"));
        QTest::newRow("no content type") << QByteArray() << good << 415 << "UNSUPPORTED_MEDIA_TYPE";
        QTest::newRow("text/plain")
            << QByteArray("text/plain") << good << 415 << "UNSUPPORTED_MEDIA_TYPE";
        QTest::newRow("form") << QByteArray("application/x-www-form-urlencoded")
                              << QByteArray("tmdbId=550") << 415 << "UNSUPPORTED_MEDIA_TYPE";
        QTest::newRow("not json") << QByteArray("application/json") << QByteArray("tmdbId=550")
                                  << 400 << "INVALID_JSON";
        QTest::newRow("truncated")
            << QByteArray("application/json") << good.left(20) << 400 << "INVALID_JSON";
        QTest::newRow("array") << QByteArray("application/json") << QByteArray("[" + good + "]")
                               << 400 << "INVALID_JSON";
        QTest::newRow("string") << QByteArray("application/json") << QByteArray("\"x\"") << 400
                                << "INVALID_JSON";
        QTest::newRow("charset ok but array") << QByteArray("application/json; charset=utf-8")
                                              << QByteArray("[]") << 400 << "INVALID_JSON";
    }
    void addRefusesBodiesThatAreNotJsonObjects()
    {
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        for (const QByteArray list : {"watchlist", "favorites"}) {
            const HttpReply r = call("POST", "/api/" + list, m_alice, body, contentType);
            CHECK(verifyError(r, status, code));
            QCOMPARE(rows(QString::fromLatin1(list)), 0);
        }
    }

    // ---- 409 and keys

    void duplicateIsConflictWithTheExistingItem_data() { addAnswersTheItem_data(); }
    void duplicateIsConflictWithTheExistingItem()
    {
        QFETCH(QString, list);
        const QJsonObject first = add(list, movie(550, QStringLiteral("Fight Club")));
        RETURN_IF_FAILED();
        QVERIFY(!first.isEmpty());
        const HttpReply again = call("POST", "/api/" + list.toLatin1(), m_alice,
            compact(movie(550, QStringLiteral("Another title"))));
        CHECK(verifyError(again, 409, QStringLiteral("CONFLICT")));
        CHECK(verifyNoStore(again));
        QVERIFY(hasDetail(again.json(), QStringLiteral("tmdbId"), QStringLiteral("duplicate")));
        QCOMPARE(again.json().value("data").toObject(), first);
        QCOMPARE(rows(list), 1);
        QCOMPARE(get("/api/" + list.toLatin1()).json().value("data").toArray(), QJsonArray {first});
    }

    void movieAndShowWithTheSameIdAreDifferentItems_data() { addAnswersTheItem_data(); }
    void movieAndShowWithTheSameIdAreDifferentItems()
    {
        QFETCH(QString, list);
        const QByteArray base = "/api/" + list.toLatin1();
        const QJsonObject film = add(list, movie(1399, QStringLiteral("A film")));
        RETURN_IF_FAILED();
        const QJsonObject show
            = add(list, movie(1399, QStringLiteral("A show"), QStringLiteral("tv")));
        RETURN_IF_FAILED();
        QVERIFY(!film.isEmpty() && !show.isEmpty());
        QVERIFY(film.value("id") != show.value("id"));
        QCOMPARE(get(base).json().value("meta").toObject().value("total").toInt(), 2);
        QCOMPARE(
            get(base + "?contentType=movie").json().value("data").toArray(), QJsonArray {film});
        QCOMPARE(get(base + "?contentType=tv").json().value("data").toArray(), QJsonArray {show});
        QCOMPARE(
            get(base + "/check?tmdbId=1399&contentType=tv").json().value("data").toObject(), show);

        const HttpReply removed = call("DELETE", base + "/movie/1399", m_alice);
        QCOMPARE(removed.status, 200);
        QCOMPARE(get(base).json().value("data").toArray(), QJsonArray {show});
        CHECK(verifyError(
            call("DELETE", base + "/movie/1399", m_alice), 404, QStringLiteral("NOT_FOUND")));
    }

    // ---- GET /check

    void checkAnswersTheOriginalShape_data()
    {
        QTest::addColumn<QString>("list");
        QTest::addColumn<QString>("flag");
        QTest::addColumn<QString>("otherFlag");
        QTest::newRow("watchlist") << "watchlist"
                                   << "inWatchlist"
                                   << "isFavorite";
        QTest::newRow("favorites") << "favorites"
                                   << "isFavorite"
                                   << "inWatchlist";
    }
    void checkAnswersTheOriginalShape()
    {
        QFETCH(QString, list);
        QFETCH(QString, flag);
        QFETCH(QString, otherFlag);
        const QByteArray path = "/api/" + list.toLatin1() + "/check?tmdbId=550&contentType=movie";
        HttpReply r = get(path);
        QCOMPARE(r.status, 200);
        CHECK(verifyNoStore(r));
        QJsonObject body = r.json();
        QCOMPARE(body.value("success").toBool(), true);
        QCOMPARE(body.value(flag), QJsonValue(false));
        QVERIFY(body.contains("data") && body.value("data").isNull());
        QVERIFY(!body.contains(otherFlag));

        const QJsonObject item = add(list, movie(550, QStringLiteral("Fight Club")));
        RETURN_IF_FAILED();
        body = get(path).json();
        QCOMPARE(body.value(flag), QJsonValue(true));
        QCOMPARE(body.value("data").toObject(), item);
        QCOMPARE(body.keys(), (QStringList {"data", flag, "success"}));
        // The other list does not have it.
        const QString other = list == QLatin1String("watchlist") ? QStringLiteral("favorites")
                                                                 : QStringLiteral("watchlist");
        body = get("/api/" + other.toLatin1() + "/check?tmdbId=550&contentType=movie").json();
        QCOMPARE(body.value(otherFlag), QJsonValue(false));
    }

    void checkValidatesItsQuery_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QString>("field");
        QTest::newRow("nothing") << QByteArray("") << "tmdbId";
        QTest::newRow("no tmdbId") << QByteArray("contentType=movie") << "tmdbId";
        QTest::newRow("no contentType") << QByteArray("tmdbId=550") << "contentType";
        QTest::newRow("tmdbId text") << QByteArray("tmdbId=abc&contentType=movie") << "tmdbId";
        QTest::newRow("tmdbId zero") << QByteArray("tmdbId=0&contentType=movie") << "tmdbId";
        QTest::newRow("tmdbId 2^31")
            << QByteArray("tmdbId=2147483648&contentType=movie") << "tmdbId";
        QTest::newRow("tmdbId fraction") << QByteArray("tmdbId=5.5&contentType=movie") << "tmdbId";
        QTest::newRow("contentType person")
            << QByteArray("tmdbId=5&contentType=person") << "contentType";
        QTest::newRow("unknown") << QByteArray("tmdbId=5&contentType=movie&type=tv") << "type";
        QTest::newRow("twice") << QByteArray("tmdbId=5&tmdbId=6&contentType=movie") << "tmdbId";
    }
    void checkValidatesItsQuery()
    {
        QFETCH(QByteArray, query);
        QFETCH(QString, field);
        for (const QByteArray list : {"watchlist", "favorites"}) {
            const HttpReply r = get("/api/" + list + "/check?" + query);
            CHECK(verifyError(r, 400, QStringLiteral("VALIDATION_ERROR")));
            QCOMPARE(firstDetailField(r.json()), field);
        }
    }

    // ---- GET list: pagination, filter, sort

    void pagination()
    {
        QList<qint64> ids;
        for (int i = 1; i <= 25; ++i)
            ids << add(QStringLiteral("watchlist"), movie(i, QStringLiteral("Title %1").arg(i)))
                       .value("id")
                       .toInteger();
        RETURN_IF_FAILED();
        QCOMPARE(rows(QStringLiteral("watchlist")), 25);

        struct Case
        {
            const char *query;
            int count;
            QJsonObject meta;
        };
        const Case cases[] = {
            {"", 25, meta(1, 5000, 25, 1)}, // no page and no limit: the whole list
            {"?page=2", 5, meta(2, 20, 25, 2)},
            {"?page=3", 0, meta(3, 20, 25, 2)},
            {"?page=10000", 0, meta(10000, 20, 25, 2)},
            {"?limit=1", 1, meta(1, 1, 25, 25)},
            {"?limit=1&page=25", 1, meta(25, 1, 25, 25)},
            {"?limit=1&page=26", 0, meta(26, 1, 25, 25)},
            {"?limit=100", 25, meta(1, 100, 25, 1)},
            {"?limit=25", 25, meta(1, 25, 25, 1)},
            {"?limit=5&page=5", 5, meta(5, 5, 25, 5)},
            {"?limit=100&page=2", 0, meta(2, 100, 25, 1)},
        };
        for (const Case &c : cases) {
            const HttpReply r = get(QByteArray("/api/watchlist") + c.query);
            QVERIFY2(r.status == 200, c.query);
            QVERIFY2(r.json().value("data").toArray().size() == c.count, c.query);
            QCOMPARE(r.json().value("meta").toObject(), c.meta);
        }
        // Walking pages of 7 sees every item exactly once, newest first.
        QList<qint64> walked;
        for (int page = 1; page <= 4; ++page) {
            const QJsonArray data = get("/api/watchlist?limit=7&page=" + QByteArray::number(page))
                                        .json()
                                        .value("data")
                                        .toArray();
            for (const auto &item : data)
                walked << item.toObject().value("id").toInteger();
        }
        QList<qint64> newestFirst(ids.rbegin(), ids.rend());
        QCOMPARE(walked, newestFirst);
        // An empty list: total 0, no pages.
        QCOMPARE(get("/api/favorites").json().value("meta").toObject(), meta(1, 5000, 0, 0));
        QCOMPARE(get("/api/favorites?page=2").json().value("meta").toObject(), meta(2, 20, 0, 0));
    }

    // The original frontend reads `data` of an unpaged GET as the whole list: no title may go
    // missing there, so every list is capped (MARQUEE_LIST_MAX_ITEMS) and the cap is the limit.
    void unpagedReadIsTheWholeListUpToTheCap()
    {
        m_ts = std::make_unique<TestServer>();
        m_ts->config.clerkJwtKey = QString::fromLatin1(m_key.publicPem());
        m_ts->config.listMaxItems = 3;
        QVERIFY2(m_ts->start(), qPrintable(m_ts->startError()));
        for (int i = 1; i <= 3; ++i)
            QVERIFY(!add(QStringLiteral("watchlist"), movie(i, QStringLiteral("T%1").arg(i)))
                         .isEmpty());

        HttpReply r = call("POST", "/api/watchlist", m_alice, compact(movie(4, "Fourth")));
        QVERIFY2(r.status == 409, r.body);
        QCOMPARE(r.json().value("code").toString(), QStringLiteral("CONFLICT"));
        QVERIFY(r.json().value("error").toString().contains(QLatin1String("full")));
        QCOMPARE(r.json().value("details").toArray().first().toObject().value("issue").toString(),
            QStringLiteral("full"));
        // A title already there is still a duplicate, with the item, when the list is full.
        r = call("POST", "/api/watchlist", m_alice, compact(movie(2, "T2")));
        QCOMPARE(r.status, 409);
        QCOMPARE(r.json().value("details").toArray().first().toObject().value("issue").toString(),
            QStringLiteral("duplicate"));
        QCOMPARE(r.json().value("data").toObject().value("tmdbId").toInteger(), 2);
        QCOMPARE(rows(QStringLiteral("watchlist")), 3);

        r = get("/api/watchlist");
        QCOMPARE(r.json().value("data").toArray().size(), 3);
        QCOMPARE(r.json().value("meta").toObject(), meta(1, 3, 3, 1));
        // The cap is per user and per list.
        QVERIFY(!add(QStringLiteral("favorites"), movie(4, "Fourth")).isEmpty());
        QVERIFY(!add(QStringLiteral("watchlist"), movie(4, "Fourth"), m_bob).isEmpty());
        // Room again after a removal.
        QCOMPARE(call("DELETE", "/api/watchlist/movie/1", m_alice).status, 200);
        QVERIFY(!add(QStringLiteral("watchlist"), movie(4, "Fourth")).isEmpty());
    }

    void listValidatesItsQuery_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QString>("field");
        QTest::newRow("limit 101") << QByteArray("limit=101") << "limit";
        QTest::newRow("limit 0") << QByteArray("limit=0") << "limit";
        QTest::newRow("limit text") << QByteArray("limit=ten") << "limit";
        QTest::newRow("limit empty") << QByteArray("limit=") << "limit";
        QTest::newRow("page 0") << QByteArray("page=0") << "page";
        QTest::newRow("page -1") << QByteArray("page=-1") << "page";
        QTest::newRow("page 10001") << QByteArray("page=10001") << "page";
        QTest::newRow("page fraction") << QByteArray("page=1.5") << "page";
        QTest::newRow("contentType person") << QByteArray("contentType=person") << "contentType";
        QTest::newRow("contentType empty") << QByteArray("contentType=") << "contentType";
        QTest::newRow("sort unknown") << QByteArray("sort=rating.desc") << "sort";
        QTest::newRow("sort no direction") << QByteArray("sort=title") << "sort";
        QTest::newRow("sort snake") << QByteArray("sort=added_at.desc") << "sort";
        QTest::newRow("unknown") << QByteArray("per_page=5") << "per_page";
        QTest::newRow("twice") << QByteArray("page=1&page=2") << "page";
    }
    void listValidatesItsQuery()
    {
        QFETCH(QByteArray, query);
        QFETCH(QString, field);
        for (const QByteArray list : {"watchlist", "favorites"}) {
            const HttpReply r = get("/api/" + list + "?" + query);
            CHECK(verifyError(r, 400, QStringLiteral("VALIDATION_ERROR")));
            CHECK(verifyNoStore(r));
            QCOMPARE(firstDetailField(r.json()), field);
        }
    }

    void filterAndSortOrders_data()
    {
        QTest::addColumn<QString>("list");
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QStringList>("expected");
        // Added in this order: Casablanca/movie, Alien/tv, Brazil/movie, Dune/tv, Alien/movie.
        const QStringList newestFirst {
            "Alien/movie", "Dune/tv", "Brazil/movie", "Alien/tv", "Casablanca/movie"};
        for (const char *list : {"watchlist", "favorites"}) {
            auto row
                = [list](const char *name, const QByteArray &query, const QStringList &expected) {
                      QTest::addRow("%s %s", list, name)
                          << QString::fromLatin1(list) << query << expected;
                  };
            row("default", {}, newestFirst);
            row("addedAt.desc", "sort=addedAt.desc", newestFirst);
            row("addedAt.asc", "sort=addedAt.asc",
                {"Casablanca/movie", "Alien/tv", "Brazil/movie", "Dune/tv", "Alien/movie"});
            // Equal titles keep the order they were added in (tie-break on id).
            row("title.asc", "sort=title.asc",
                {"Alien/tv", "Alien/movie", "Brazil/movie", "Casablanca/movie", "Dune/tv"});
            row("title.desc", "sort=title.desc",
                {"Dune/tv", "Casablanca/movie", "Brazil/movie", "Alien/movie", "Alien/tv"});
            row("movies", "contentType=movie", {"Alien/movie", "Brazil/movie", "Casablanca/movie"});
            row("shows by title", "contentType=tv&sort=title.asc", {"Alien/tv", "Dune/tv"});
            row("movies by title, page 2 of 2", "contentType=movie&sort=title.desc&limit=2&page=2",
                {"Alien/movie"});
        }
    }
    void filterAndSortOrders()
    {
        QFETCH(QString, list);
        QFETCH(QByteArray, query);
        QFETCH(QStringList, expected);
        CHECK(add(list, movie(10, QStringLiteral("Casablanca"))));
        CHECK(add(list, movie(11, QStringLiteral("Alien"), QStringLiteral("tv"))));
        CHECK(add(list, movie(12, QStringLiteral("Brazil"))));
        CHECK(add(list, movie(13, QStringLiteral("Dune"), QStringLiteral("tv"))));
        CHECK(add(list, movie(14, QStringLiteral("Alien"))));
        const HttpReply r = get("/api/" + list.toLatin1() + (query.isEmpty() ? "" : "?" + query));
        QCOMPARE(r.status, 200);
        QCOMPARE(titles(r.json()), expected);
        const int total = query.contains("contentType=movie") ? 3
            : query.contains("contentType=tv")                ? 2
                                                              : 5;
        QCOMPARE(r.json().value("meta").toObject().value("total").toInt(), total);
    }

    // The total of a filtered read counts that content type only, also when the page is full
    // (a partly filled page tells the total by itself; a full one needs the count).
    void filteredTotalCountsOnlyThatType_data() { addAnswersTheItem_data(); }
    void filteredTotalCountsOnlyThatType()
    {
        QFETCH(QString, list);
        const QByteArray base = "/api/" + list.toLatin1();
        for (int i = 1; i <= 3; ++i)
            CHECK(add(list, movie(100 + i, QStringLiteral("Film %1").arg(i))));
        for (int i = 1; i <= 2; ++i)
            CHECK(
                add(list, movie(200 + i, QStringLiteral("Show %1").arg(i), QStringLiteral("tv"))));
        struct Case
        {
            const char *query;
            int count;
            QJsonObject meta;
        };
        const Case cases[] = {
            {"?contentType=movie&limit=2", 2, meta(1, 2, 3, 2)},
            {"?contentType=movie&limit=2&page=2", 1, meta(2, 2, 3, 2)},
            {"?contentType=movie&limit=3", 3, meta(1, 3, 3, 1)},
            {"?contentType=movie&limit=1&page=3", 1, meta(3, 1, 3, 3)},
            {"?contentType=tv&limit=2", 2, meta(1, 2, 2, 1)},
            {"?contentType=tv&limit=1", 1, meta(1, 1, 2, 2)},
            {"?contentType=tv&limit=1&page=3", 0, meta(3, 1, 2, 2)},
            {"?limit=2", 2, meta(1, 2, 5, 3)},
        };
        for (const Case &c : cases) {
            const HttpReply r = get(base + c.query);
            QVERIFY2(r.status == 200, c.query);
            QVERIFY2(r.json().value("data").toArray().size() == c.count, c.query);
            QVERIFY2(r.json().value("meta").toObject() == c.meta,
                qPrintable(QString::fromLatin1(c.query) + QStringLiteral(": ")
                    + QString::fromUtf8(compact(r.json().value("meta").toObject()))));
        }
    }

    // ---- PATCH (watchlist only)

    void patchSetsWatchedAndNote()
    {
        const QJsonObject added = add(QStringLiteral("watchlist"), movie(550, "Fight Club"));
        RETURN_IF_FAILED();
        const QByteArray path = "/api/watchlist/movie/550";
        // Requires 200 and no-store (else fails the test: RETURN_IF_FAILED() after it).
        auto patch = [&](const QByteArray &body) {
            const HttpReply r = call("PATCH", path, m_alice, body);
            if (r.status != 200 || r.header("Cache-Control") != "private, no-store")
                QTest::qFail(
                    qPrintable(QStringLiteral("PATCH %1 answered %2 (Cache-Control %3): %4")
                                   .arg(QString::fromUtf8(body))
                                   .arg(r.status)
                                   .arg(QString::fromLatin1(r.header("Cache-Control")),
                                       QString::fromUtf8(r.body))),
                    __FILE__, __LINE__);
            return r.json().value("data").toObject();
        };
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const QJsonObject watched = patch(R"({"watched":true})");
        RETURN_IF_FAILED();
        QCOMPARE(watched.value("watched").toBool(), true);
        const QString watchedAt = watched.value("watchedAt").toString();
        QVERIFY2(kIsoMs.match(watchedAt).hasMatch(), qPrintable(watchedAt));
        QVERIFY(QDateTime::fromString(watchedAt, Qt::ISODateWithMs).toMSecsSinceEpoch() >= before);
        // Everything else is as it was.
        for (const char *key :
            {"id", "tmdbId", "contentType", "title", "posterPath", "posterUrl", "addedAt", "note"})
            QCOMPARE(watched.value(key), added.value(key));
        QCOMPARE(get("/api/watchlist/check?tmdbId=550&contentType=movie")
                     .json()
                     .value("data")
                     .toObject(),
            watched);

        QTest::qWait(5);
        const QJsonObject again = patch(R"({"watched":true})");
        RETURN_IF_FAILED();
        QCOMPARE(again.value("watchedAt").toString(), watchedAt); // idempotent

        const QJsonObject noted = patch(R"({"note":"rewatch with Sam"})");
        RETURN_IF_FAILED();
        QCOMPARE(noted.value("note").toString(), QStringLiteral("rewatch with Sam"));
        QCOMPARE(noted.value("watched").toBool(), true);
        QCOMPARE(noted.value("watchedAt").toString(), watchedAt);

        const QJsonObject unnoted = patch(R"({"note":null})");
        RETURN_IF_FAILED();
        QVERIFY(unnoted.value("note").isNull());

        const QJsonObject unwatched = patch(R"({"watched":false})");
        RETURN_IF_FAILED();
        QCOMPARE(unwatched.value("watched").toBool(true), false);
        QVERIFY(unwatched.value("watchedAt").isNull());

        const QJsonObject both = patch(R"({"watched":true,"note":"both"})");
        RETURN_IF_FAILED();
        QCOMPARE(both.value("watched").toBool(), true);
        QVERIFY(!both.value("watchedAt").isNull());
        QCOMPARE(both.value("note").toString(), QStringLiteral("both"));
        QCOMPARE(get("/api/watchlist").json().value("data").toArray(), QJsonArray {both});
    }

    // A list page read before a PATCH is not answered again after it: the change shows.
    void patchIsSeenByTheNextListRead()
    {
        CHECK(add(QStringLiteral("watchlist"), movie(551, "Other")));
        CHECK(add(QStringLiteral("watchlist"), movie(550, "Fight Club")));
        for (const QByteArray query : {"", "?limit=20", "?contentType=movie&sort=title.asc"}) {
            const QJsonArray before = get("/api/watchlist" + query).json().value("data").toArray();
            QCOMPARE(before.size(), 2);
            QCOMPARE(get("/api/watchlist" + query).json().value("data").toArray(), before);
        }
        auto item550 = [this](const QByteArray &query) {
            for (const auto &v : get("/api/watchlist" + query).json().value("data").toArray()) {
                if (v.toObject().value("tmdbId").toInteger() == 550)
                    return v.toObject();
            }
            return QJsonObject();
        };

        QCOMPARE(
            call("PATCH", "/api/watchlist/movie/550", m_alice, R"({"watched":true})").status, 200);
        for (const QByteArray query : {"", "?limit=20", "?contentType=movie&sort=title.asc"}) {
            const QJsonObject item = item550(query);
            QVERIFY2(item.value("watched").toBool(), query.constData());
            QVERIFY2(!item.value("watchedAt").isNull(), query.constData());
        }
        QCOMPARE(
            call("PATCH", "/api/watchlist/movie/550", m_alice, R"({"note":"with Sam"})").status,
            200);
        for (const QByteArray query : {"", "?limit=20", "?contentType=movie&sort=title.asc"})
            QCOMPARE(item550(query).value("note").toString(), QStringLiteral("with Sam"));
        // A refused PATCH changes nothing, and the pages read after it say so.
        CHECK(verifyError(call("PATCH", "/api/watchlist/movie/550", m_alice, R"({"watched":1})"),
            400, QStringLiteral("VALIDATION_ERROR")));
        QCOMPARE(item550("?limit=20").value("note").toString(), QStringLiteral("with Sam"));
        QCOMPARE(
            call("PATCH", "/api/watchlist/movie/550", m_alice, R"({"watched":false})").status, 200);
        QCOMPARE(item550("?limit=20").value("watched").toBool(true), false);
        QVERIFY(item550("?limit=20").value("watchedAt").isNull());
    }

    void patchRefusesBadRequests_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        const QByteArray p = "/api/watchlist/movie/550";
        const QByteArray good = R"({"watched":true})";
        QTest::newRow("empty body object")
            << QByteArray("PATCH") << p << QByteArray("{}") << 400 << "VALIDATION_ERROR";
        QTest::newRow("unknown field") << QByteArray("PATCH") << p << QByteArray(R"({"rating":5})")
                                       << 400 << "VALIDATION_ERROR";
        QTest::newRow("unknown beside known")
            << QByteArray("PATCH") << p << QByteArray(R"({"watched":true,"title":"x"})") << 400
            << "VALIDATION_ERROR";
        QTest::newRow("watched string")
            << QByteArray("PATCH") << p << QByteArray(R"({"watched":"yes"})") << 400
            << "VALIDATION_ERROR";
        QTest::newRow("note NUL") << QByteArray("PATCH") << p
                                  << QByteArray(R"({"note":"x\u0000y"})") << 400
                                  << "VALIDATION_ERROR";
        QTest::newRow("watched number")
            << QByteArray("PATCH") << p << QByteArray(R"({"watched":1})") << 400
            << "VALIDATION_ERROR";
        QTest::newRow("watched null")
            << QByteArray("PATCH") << p << QByteArray(R"({"watched":null})") << 400
            << "VALIDATION_ERROR";
        QTest::newRow("note number")
            << QByteArray("PATCH") << p << QByteArray(R"({"note":5})") << 400 << "VALIDATION_ERROR";
        QTest::newRow("note 1001") << QByteArray("PATCH") << p
                                   << QByteArray("{\"note\":\"" + QByteArray(1001, 'n') + "\"}")
                                   << 400 << "VALIDATION_ERROR";
        QTest::newRow("good note, bad watched")
            << QByteArray("PATCH") << p << QByteArray(R"({"note":"ok","watched":"no"})") << 400
            << "VALIDATION_ERROR";
        QTest::newRow("array") << QByteArray("PATCH") << p << QByteArray("[]") << 400
                               << "INVALID_JSON";
        QTest::newRow("broken json")
            << QByteArray("PATCH") << p << QByteArray("{\"watched\":") << 400 << "INVALID_JSON";
        QTest::newRow("type person")
            << QByteArray("PATCH") << QByteArray("/api/watchlist/person/550") << good << 400
            << "VALIDATION_ERROR";
        QTest::newRow("tmdbId text")
            << QByteArray("PATCH") << QByteArray("/api/watchlist/movie/abc") << good << 400
            << "VALIDATION_ERROR";
        QTest::newRow("tmdbId zero") << QByteArray("PATCH") << QByteArray("/api/watchlist/movie/0")
                                     << good << 400 << "VALIDATION_ERROR";
        QTest::newRow("tmdbId 2^31")
            << QByteArray("PATCH") << QByteArray("/api/watchlist/movie/2147483648") << good << 400
            << "VALIDATION_ERROR";
        QTest::newRow("tmdbId negative")
            << QByteArray("PATCH") << QByteArray("/api/watchlist/movie/-5") << good << 400
            << "VALIDATION_ERROR";
        QTest::newRow("absent item")
            << QByteArray("PATCH") << QByteArray("/api/watchlist/movie/551") << good << 404
            << "NOT_FOUND";
        QTest::newRow("same id, other type")
            << QByteArray("PATCH") << QByteArray("/api/watchlist/tv/550") << good << 404
            << "NOT_FOUND";
        QTest::newRow("favorites has no PATCH")
            << QByteArray("PATCH") << QByteArray("/api/favorites/movie/550") << good << 405
            << "METHOD_NOT_ALLOWED";
        QTest::newRow("no PUT") << QByteArray("PUT") << p << good << 405 << "METHOD_NOT_ALLOWED";
    }
    void patchRefusesBadRequests()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        CHECK(add(QStringLiteral("watchlist"), movie(550, "Fight Club")));
        CHECK(add(QStringLiteral("favorites"), movie(550, "Fight Club")));
        const QByteArray check = "/api/watchlist/check?tmdbId=550&contentType=movie";
        const QJsonObject before = get(check).json();
        CHECK(verifyError(call(method, path, m_alice, body), status, code));
        QCOMPARE(get(check).json(), before);
    }

    void patchNeedsAJsonContentType()
    {
        CHECK(add(QStringLiteral("watchlist"), movie(550, "Fight Club")));
        CHECK(verifyError(
            call("PATCH", "/api/watchlist/movie/550", m_alice, R"({"watched":true})", "text/plain"),
            415, QStringLiteral("UNSUPPORTED_MEDIA_TYPE")));
    }

    // ---- DELETE

    void deleteById_data() { addAnswersTheItem_data(); }
    void deleteById()
    {
        QFETCH(QString, list);
        const QByteArray base = "/api/" + list.toLatin1();
        const qint64 keep = add(list, movie(1, "Keep")).value("id").toInteger();
        RETURN_IF_FAILED();
        const qint64 drop = add(list, movie(2, "Drop")).value("id").toInteger();
        RETURN_IF_FAILED();
        const HttpReply r = call("DELETE", base + "/" + QByteArray::number(drop), m_alice);
        QCOMPARE(r.status, 200);
        CHECK(verifyNoStore(r));
        QCOMPARE(
            r.json(), (QJsonObject {{"success", true}, {"data", QJsonObject {{"removed", true}}}}));
        QCOMPARE(rows(list), 1);
        QCOMPARE(
            get(base).json().value("data").toArray().first().toObject().value("id").toInteger(),
            keep);
        const HttpReply again = call("DELETE", base + "/" + QByteArray::number(drop), m_alice);
        CHECK(verifyError(again, 404, QStringLiteral("NOT_FOUND")));
        CHECK(verifyNoStore(again));
        CHECK(verifyError(
            call("DELETE", base + "/999999", m_alice), 404, QStringLiteral("NOT_FOUND")));
        QCOMPARE(rows(list), 1);
    }

    void deleteByKey_data() { addAnswersTheItem_data(); }
    void deleteByKey()
    {
        QFETCH(QString, list);
        const QByteArray base = "/api/" + list.toLatin1();
        CHECK(add(list, movie(550, "Fight Club")));
        CHECK(add(list, movie(551, "Other")));
        const HttpReply r = call("DELETE", base + "/movie/550", m_alice);
        QCOMPARE(r.status, 200);
        CHECK(verifyNoStore(r));
        QCOMPARE(
            r.json(), (QJsonObject {{"success", true}, {"data", QJsonObject {{"removed", true}}}}));
        QCOMPARE(get(base + "/check?tmdbId=550&contentType=movie").json().value("data"),
            QJsonValue(QJsonValue::Null));
        CHECK(verifyError(
            call("DELETE", base + "/movie/550", m_alice), 404, QStringLiteral("NOT_FOUND")));
        CHECK(verifyError(
            call("DELETE", base + "/tv/551", m_alice), 404, QStringLiteral("NOT_FOUND")));
        QCOMPARE(rows(list), 1);
    }

    void deleteValidatesThePath_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QString>("field");
        for (const char *list : {"watchlist", "favorites"}) {
            // "<list> <name>": DELETE /api/<list><path> names `field` as invalid.
            auto row = [list](const char *name, const char *path, const char *field) {
                QTest::addRow("%s %s", list, name)
                    << QByteArray("/api/") + list + path << QString::fromLatin1(field);
            };
            row("id text", "/abc", "id");
            row("id zero", "/0", "id");
            row("id 2^31", "/2147483648", "id");
            row("id leading zero", "/01", "id");
            row("type person", "/person/550", "contentType");
            row("type case", "/MOVIE/550", "contentType");
            row("tmdbId text", "/movie/x", "tmdbId");
            row("tmdbId zero", "/tv/0", "tmdbId");
        }
    }
    void deleteValidatesThePath()
    {
        QFETCH(QByteArray, path);
        QFETCH(QString, field);
        CHECK(add(QStringLiteral("watchlist"), movie(550, "Fight Club")));
        CHECK(add(QStringLiteral("favorites"), movie(550, "Fight Club")));
        const HttpReply r = call("DELETE", path, m_alice);
        CHECK(verifyError(r, 400, QStringLiteral("VALIDATION_ERROR")));
        QVERIFY2(hasDetail(r.json(), field, QStringLiteral("invalid_id"))
                || hasDetail(r.json(), field, QStringLiteral("invalid_value")),
            r.body.constData());
        QCOMPARE(rows(QStringLiteral("watchlist")) + rows(QStringLiteral("favorites")), 2);
    }

    // ---- isolation between users

    void usersNeverSeeEachOthersItems_data() { addAnswersTheItem_data(); }
    void usersNeverSeeEachOthersItems()
    {
        QFETCH(QString, list);
        const QByteArray base = "/api/" + list.toLatin1();
        const QJsonObject alices = add(list, movie(550, "Fight Club"));
        RETURN_IF_FAILED();
        CHECK(add(list, movie(1399, "Thrones", QStringLiteral("tv"))));
        const QByteArray id = QByteArray::number(alices.value("id").toInteger());

        HttpReply r = get(base, m_bob);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("data").toArray(), QJsonArray());
        QCOMPARE(r.json().value("meta").toObject(), meta(1, 5000, 0, 0));
        r = get(base + "/check?tmdbId=550&contentType=movie", m_bob);
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().value("data").isNull());
        CHECK(
            verifyError(call("DELETE", base + "/" + id, m_bob), 404, QStringLiteral("NOT_FOUND")));
        CHECK(verifyError(
            call("DELETE", base + "/movie/550", m_bob), 404, QStringLiteral("NOT_FOUND")));
        if (list == QLatin1String("watchlist"))
            CHECK(verifyError(
                call("PATCH", base + "/movie/550", m_bob, R"({"watched":true,"note":"mine"})"), 404,
                QStringLiteral("NOT_FOUND")));
        QCOMPARE(get(base + "/check?tmdbId=550&contentType=movie").json().value("data").toObject(),
            alices);

        // Bob's own copy of the same title is his: no 409, a new id, counted only for him.
        const QJsonObject bobs = add(list, movie(550, "Fight Club"), m_bob);
        RETURN_IF_FAILED();
        QVERIFY(!bobs.isEmpty());
        QVERIFY(bobs.value("id") != alices.value("id"));
        QCOMPARE(get(base).json().value("meta").toObject().value("total").toInt(), 2);
        QCOMPARE(get(base, m_bob).json().value("data").toArray(), QJsonArray {bobs});
        // Alice cannot delete Bob's by id either, and deleting her own leaves his.
        CHECK(verifyError(
            call("DELETE", base + "/" + QByteArray::number(bobs.value("id").toInteger()), m_alice),
            404, QStringLiteral("NOT_FOUND")));
        QCOMPARE(call("DELETE", base + "/movie/550", m_alice).status, 200);
        QCOMPARE(get(base, m_bob).json().value("data").toArray(), QJsonArray {bobs});
        QCOMPARE(rows(list), 2); // Alice's show and Bob's film
    }

    // ---- several event loops (MARQUEE_WORKERS)

    // Every loop reads the lists on its own database connection (and writes there on
    // PostgreSQL); a token the primary loop has verified is admitted from memory. Whatever loop a
    // client's connection landed on, it reads what any other loop acknowledged: every loop's
    // page of the list is read (and, on SQLite, kept) before each write, and read again after it.
    void everyEventLoopSeesEveryWrite()
    {
        CHECK(restartWithFourLoops()); // and no rate limit: some 800 requests of one user
        MarqueeServer &server = m_ts->server();
        QCOMPARE(get("/api/watchlist").status, 200); // the token is verified once, on the primary

        constexpr int kClients = 16;
        std::vector<std::unique_ptr<HttpClient>> clients;
        for (int i = 0; i < kClients; ++i)
            clients.push_back(std::make_unique<HttpClient>(m_ts->port()));
        const QList<std::pair<QByteArray, QByteArray>> auth {
            {"Authorization", "Bearer " + m_alice}};
        const auto total = [](const HttpReply &r) {
            return r.json().value("meta").toObject().value("total").toInt(-1);
        };
        const quint64 servedBefore = server.requestsServed();
        const quint64 primaryBefore = server.http().requestsServed();
        const quint64 forwardedBefore = server.requestsForwarded();
        QElapsedTimer clock;
        clock.start();
        quint64 reads = 0;
        quint64 writes = 0;
        for (int i = 0; i < kClients; ++i) {
            for (const auto &c : clients) {
                const HttpReply r = c->get("/api/watchlist", auth);
                QCOMPARE(r.status, 200);
                QCOMPARE(total(r), i);
                ++reads;
            }
            const HttpReply added = clients[i]->request("POST", "/api/watchlist",
                auth
                    + QList<std::pair<QByteArray, QByteArray>> {{"Content-Type",
                        "application/json"}},
                compact(movie(i + 1, QStringLiteral("Title %1").arg(i + 1))));
            QCOMPARE(added.status, 201);
            ++writes;
        }
        for (int i = 0; i < kClients; ++i) {
            const HttpReply removed = clients[kClients - 1 - i]->request(
                "DELETE", "/api/watchlist/movie/" + QByteArray::number(i + 1), auth);
            QCOMPARE(removed.status, 200);
            ++writes;
            for (const auto &c : clients) {
                const HttpReply r = c->get("/api/watchlist/check?tmdbId="
                        + QByteArray::number(i + 1) + "&contentType=movie",
                    auth);
                QCOMPARE(r.status, 200);
                QCOMPARE(r.json().value("inWatchlist").toBool(), false);
                QCOMPARE(total(c->get("/api/watchlist", auth)), kClients - 1 - i);
                reads += 2;
            }
        }
        QTRY_COMPARE(server.requestsServed(), servedBefore + reads + writes);
        // Answered by other loops than the primary (the kernel spread the connections).
        QVERIFY(server.http().requestsServed() - primaryBefore < reads + writes);
        // SQLite: writes go to the one writer, the primary loop; reads never. PostgreSQL: both
        // stay where they arrived, but for the user and session read again every second.
        const quint64 forwarded = server.requestsForwarded() - forwardedBefore;
        const bool sqlite = server.database().dialect() == SqlDialect::Sqlite;
        const quint64 rereads = sqlite ? 0 : 2 * quint64(clock.elapsed() / 1000 + 1);
        QVERIFY2(forwarded <= (sqlite ? writes : 0) + rereads + 8,
            qPrintable(
                QStringLiteral("%1 of %2 reads and %3 writes were handed to the primary loop")
                    .arg(forwarded)
                    .arg(reads)
                    .arg(writes)));
        clients.clear();
        QCOMPARE(rows(QStringLiteral("watchlist")), 0);
    }

    // Pipelined on one connection, a user's writes take effect in their order and a read behind
    // a write sees it, whatever loop took the connection and wherever the writes run (the
    // user's write lane: the primary loop on SQLite, one database worker on PostgreSQL).
    void pipelinedWritesAndReadsKeepTheirOrder()
    {
        CHECK(restartWithFourLoops());
        QCOMPARE(get("/api/watchlist").status, 200); // the token is known to every loop now
        const QByteArray auth = "Authorization: Bearer " + m_alice + "\r\n";
        const auto post = [&](int id) {
            const QByteArray body = compact(movie(id, QStringLiteral("Title %1").arg(id)));
            return "POST /api/watchlist HTTP/1.1\r\nHost: x\r\n" + auth
                + "Content-Type: application/json\r\nContent-Length: "
                + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        };
        const auto del = [&](int id) {
            return "DELETE /api/watchlist/movie/" + QByteArray::number(id)
                + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n";
        };
        const auto check = [&](int id) {
            return "GET /api/watchlist/check?tmdbId=" + QByteArray::number(id)
                + "&contentType=movie HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n";
        };
        for (int round = 0; round < 12; ++round) {
            HttpClient c(m_ts->port());
            QVERIFY(c.connectToServer());
            const int id = 100 + round;
            // add, check, remove, check, add again, check: all at once.
            c.socket()->write(post(id) + check(id) + del(id) + check(id) + post(id) + check(id));
            const QList<int> statuses {201, 200, 200, 200, 201, 200};
            const QList<bool> inList {false, true, false, false, false, true};
            for (int i = 0; i < statuses.size(); ++i) {
                const HttpReply r = c.readReply();
                QCOMPARE(r.status, statuses[i]);
                if (i % 2 == 1)
                    QCOMPARE(r.json().value("inWatchlist").toBool(), inList[i]);
            }
        }
        QCOMPARE(get("/api/watchlist").json().value("meta").toObject().value("total").toInt(), 12);
    }

    // ---- durability: a 201 survives kill -9 right after it

    void acknowledgedWritesSurviveKill9()
    {
        QTemporaryDir dir;
        QVERIFY2(dir.isValid(), qPrintable(dir.errorString()));
        const QProcessEnvironment env = MarqueeProcess::cleanEnvironment(dir.path(),
            {{QStringLiteral("DATABASE_URL"), freshDatabaseUrl(dir.path()).describe()},
                {QStringLiteral("PORT"), QStringLiteral("0")},
                {QStringLiteral("CLERK_JWT_KEY"), QString::fromLatin1(m_key.publicPem())},
                {QStringLiteral("ALLOWED_ORIGINS"), QString::fromLatin1(kOrigin)}});

        MarqueeProcess first;
        QVERIFY2(first.start(env, dir.path()), qPrintable(first.errorString()));
        QList<QJsonObject> acknowledged;
        {
            HttpClient client(first.port());
            for (int i = 1; i <= 20; ++i) {
                QJsonObject body = movie(i, QStringLiteral("Title %1").arg(i));
                body.insert("note", QStringLiteral("note %1").arg(i));
                const HttpReply r = client.request("POST", "/api/watchlist",
                    {{"Authorization", "Bearer " + m_alice}, {"Content-Type", "application/json"}},
                    compact(body));
                QVERIFY2(r.status == 201, r.body.constData());
                acknowledged.prepend(r.json().value("data").toObject());
            }
            const HttpReply fav = client.request("POST", "/api/favorites",
                {{"Authorization", "Bearer " + m_alice}, {"Content-Type", "application/json"}},
                compact(movie(550, "Fight Club")));
            QCOMPARE(fav.status, 201);
            // The last 201 is on the wire: kill at once, no chance to flush anything.
            QVERIFY(first.kill9());
        }
        QCOMPARE(first.process().exitStatus(), QProcess::CrashExit);

        MarqueeProcess second;
        QVERIFY2(second.start(env, dir.path()), qPrintable(second.errorString()));
        {
            HttpClient client(second.port());
            const HttpReply list = client.request(
                "GET", "/api/watchlist?limit=100", {{"Authorization", "Bearer " + m_alice}});
            QCOMPARE(list.status, 200);
            QJsonArray expected;
            for (const QJsonObject &o : acknowledged)
                expected.append(o);
            QCOMPARE(list.json().value("data").toArray(), expected);
            const HttpReply fav
                = client.request("GET", "/api/favorites/check?tmdbId=550&contentType=movie",
                    {{"Authorization", "Bearer " + m_alice}});
            QCOMPARE(fav.json().value("isFavorite").toBool(), true);
        }
        QVERIFY(second.terminate());
    }
};

QTEST_GUILESS_MAIN(TestLists)
#include "tst_lists.moc"
