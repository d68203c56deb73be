// The test double of TMDB: it answers from the examples in TMDB's own OpenAPI document
// (tests/data/tmdb-api.json), checks the API key and counts calls, so catalogue tests can trust it.
#include "support/faketmdb.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using marquee::test::FakeTmdb;

namespace {

struct ReplyDeleter
{
    void operator()(QNetworkReply *reply) const { reply->deleteLater(); }
};
using ReplyPtr = std::unique_ptr<QNetworkReply, ReplyDeleter>;

struct Result
{
    bool finished = false;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QByteArray retryAfter;
};

enum class Key { Query, Bearer, None };

} // namespace

Q_DECLARE_METATYPE(Key)

class TestFakeTmdb : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void servesExampleWithPageEcho();
    void substitutesRequestedId();
    void routesLiteralPathsBeforeTemplates();
    void answersPlaceholderWithoutExample();
    void embedsAppendedSubResources();
    void catalogueCallsConformToSpec_data();
    void catalogueCallsConformToSpec();
    void rejectsMissingOrWrongKey();
    void acceptsBothKeyForms_data();
    void acceptsBothKeyForms();
    void recordsViolations_data();
    void recordsViolations();
    void failNextAnswersErrorsWithRetryAfter();
    void notFoundAndOverride();
    void delaysAnswers();
    void hangsUntilReleased();
    void dropsConnections();
    void destructionFailsWaitingClients();
    void reusesKeepAliveConnection();
    void parsesPipelinedAndSplitRequests();
    void countsRequests();

private:
    QUrl url(const QString &target, Key key = Key::Query) const;
    ReplyPtr get(const QString &target, Key key = Key::Query);
    Result fetch(const QString &target, Key key = Key::Query);
    static Result collect(QNetworkReply *reply);

    std::unique_ptr<FakeTmdb> m_fake;
    std::unique_ptr<QNetworkAccessManager> m_nam;
};

void TestFakeTmdb::init()
{
    m_fake = std::make_unique<FakeTmdb>(QStringLiteral(MARQUEE_TMDB_SPEC));
    QVERIFY2(m_fake->start(), qPrintable(m_fake->errorString()));
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_nam->setProxy(QNetworkProxy::NoProxy); // a proxy from the environment must not see loopback
}

void TestFakeTmdb::cleanup()
{
    m_nam.reset();
    m_fake.reset();
}

QUrl TestFakeTmdb::url(const QString &target, Key key) const
{
    // target is relative to the base URL, which already ends in /3
    QUrl result(m_fake->baseUrl() + target);
    if (key == Key::Query) {
        QUrlQuery query(result);
        query.addQueryItem(QStringLiteral("api_key"), m_fake->apiKey());
        result.setQuery(query);
    }
    return result;
}

ReplyPtr TestFakeTmdb::get(const QString &target, Key key)
{
    QNetworkRequest request(url(target, key));
    if (key == Key::Bearer)
        request.setRawHeader("Authorization", "Bearer " + m_fake->apiKey().toUtf8());
    return ReplyPtr(m_nam->get(request));
}

Result TestFakeTmdb::fetch(const QString &target, Key key)
{
    const ReplyPtr reply = get(target, key);
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(5000);
    return collect(reply.get());
}

Result TestFakeTmdb::collect(QNetworkReply *reply)
{
    Result result;
    result.finished = reply->isFinished();
    result.error = reply->error();
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.json = QJsonDocument::fromJson(result.body).object();
    result.retryAfter = reply->rawHeader("Retry-After");
    return result;
}

void TestFakeTmdb::servesExampleWithPageEcho()
{
    const Result first = fetch(QStringLiteral("/movie/popular"));
    QCOMPARE(first.status, 200);
    QCOMPARE(first.json.value(QLatin1String("page")).toInt(), 1);
    QVERIFY(!first.json.value(QLatin1String("results")).toArray().isEmpty());
    QVERIFY(first.json.value(QLatin1String("results"))
                .toArray()
                .first()
                .toObject()
                .contains(QLatin1String("poster_path")));

    const Result third = fetch(QStringLiteral("/movie/popular?page=3&language=en-US"));
    QCOMPARE(third.status, 200);
    QCOMPARE(third.json.value(QLatin1String("page")).toInt(), 3);
    QCOMPARE(
        third.json.value(QLatin1String("results")), first.json.value(QLatin1String("results")));
    QCOMPARE(m_fake->violations(), QStringList());
}

void TestFakeTmdb::substitutesRequestedId()
{
    const Result movie = fetch(QStringLiteral("/movie/550"));
    QCOMPARE(movie.status, 200);
    QCOMPARE(movie.json.value(QLatin1String("id")).toInt(), 550);
    QVERIFY(!movie.json.value(QLatin1String("title")).toString().isEmpty());

    // With two path parameters the top-level id is the season's own; the number is echoed.
    const Result season = fetch(QStringLiteral("/tv/1399/season/2"));
    QCOMPARE(season.status, 200);
    QCOMPARE(season.json.value(QLatin1String("season_number")).toInt(), 2);
    QCOMPARE(m_fake->violations(), QStringList());
}

void TestFakeTmdb::answersPlaceholderWithoutExample()
{
    // TMDB's example for movie recommendations is an empty object.
    const QStringList notes = m_fake->specNotes();
    QVERIFY(notes.join(QLatin1Char('\n'))
                .contains(QLatin1String("/3/movie/{movie_id}/recommendations")));
    const Result result = fetch(QStringLiteral("/movie/550/recommendations?page=2"));
    QCOMPARE(result.status, 200);
    QCOMPARE(result.json.value(QLatin1String("page")).toInt(), 2);
    QVERIFY(result.json.value(QLatin1String("results")).isArray());
}

void TestFakeTmdb::routesLiteralPathsBeforeTemplates()
{
    const Result latest = fetch(QStringLiteral("/movie/latest"));
    QCOMPARE(latest.status, 200);
    QVERIFY(latest.json.value(QLatin1String("id")).toInt() != 0);

    const Result countries = fetch(QStringLiteral("/configuration/countries"));
    QCOMPARE(countries.status, 200);
    QVERIFY(QJsonDocument::fromJson(countries.body).isArray());
    QCOMPARE(m_fake->violations(), QStringList());
}

void TestFakeTmdb::embedsAppendedSubResources()
{
    const Result movie
        = fetch(QStringLiteral("/movie/550?append_to_response=videos,credits,watch/providers"));
    QCOMPARE(movie.status, 200);
    QCOMPARE(movie.json.value(QLatin1String("id")).toInt(), 550);
    const QJsonObject credits = movie.json.value(QLatin1String("credits")).toObject();
    QVERIFY(!credits.value(QLatin1String("cast")).toArray().isEmpty());
    QVERIFY(!credits.contains(QLatin1String("id")));
    QVERIFY(
        movie.json.value(QLatin1String("videos")).toObject().contains(QLatin1String("results")));
    QVERIFY(movie.json.value(QLatin1String("watch/providers")).isObject());
    QCOMPARE(m_fake->violations(), QStringList());
}

void TestFakeTmdb::catalogueCallsConformToSpec_data()
{
    QTest::addColumn<QString>("target");
    // The TMDB calls behind the catalogue routes (docs/api.md, "Catalogue routes").
    const char *targets[] = {"/trending/movie/week", "/trending/tv/day", "/trending/all/week",
        "/movie/popular?page=2&language=en-US&region=US", "/movie/top_rated", "/movie/now_playing",
        "/movie/upcoming", "/genre/movie/list", "/genre/tv/list",
        "/search/movie?query=fight&year=1999&include_adult=false",
        "/search/tv?query=thrones&first_air_date_year=2011", "/search/multi?query=pitt",
        "/discover/movie?with_genres=28%7C12&primary_release_year=1999&with_runtime.gte=90"
        "&vote_count.gte=100&with_watch_providers=8&watch_region=US&sort_by=popularity.desc",
        "/discover/tv?first_air_date.gte=2010-01-01&with_networks=49&sort_by=vote_average.desc",
        "/movie/550/recommendations", "/movie/550/similar?page=2", "/movie/550/videos",
        "/movie/550/credits", "/movie/550/watch/providers", "/movie/550/release_dates", "/tv/1399",
        "/tv/1399/season/1", "/tv/1399/season/1/episode/1", "/tv/1399/recommendations",
        "/tv/1399/similar", "/tv/1399/videos", "/tv/1399/credits", "/tv/1399/watch/providers",
        "/tv/popular", "/tv/top_rated", "/tv/airing_today", "/tv/on_the_air",
        "/person/31?append_to_response=combined_credits", "/configuration"};
    for (const char *target : targets)
        QTest::newRow(target) << QString::fromLatin1(target);
}

void TestFakeTmdb::catalogueCallsConformToSpec()
{
    QFETCH(QString, target);
    const Result result = fetch(target);
    QCOMPARE(result.status, 200);
    QVERIFY(!result.json.isEmpty());
    QCOMPARE(m_fake->violations(), QStringList());
}

void TestFakeTmdb::rejectsMissingOrWrongKey()
{
    const Result missing = fetch(QStringLiteral("/movie/popular"), Key::None);
    QCOMPARE(missing.status, 401);
    QCOMPARE(missing.json.value(QLatin1String("status_code")).toInt(), 7);
    QCOMPARE(missing.json.value(QLatin1String("success")).toBool(true), false);

    m_fake->setApiKey(QStringLiteral("another-key"));
    const Result wrong
        = fetch(QStringLiteral("/movie/popular?api_key=fake-tmdb-api-key"), Key::None);
    QCOMPARE(wrong.status, 401);
}

void TestFakeTmdb::acceptsBothKeyForms_data()
{
    QTest::addColumn<Key>("key");
    QTest::newRow("api_key query parameter") << Key::Query;
    QTest::newRow("Authorization: Bearer") << Key::Bearer;
}

void TestFakeTmdb::acceptsBothKeyForms()
{
    QFETCH(Key, key);
    m_fake->setApiKey(QStringLiteral("s3cret/key+1"));
    const Result result = fetch(QStringLiteral("/movie/popular"), key);
    QCOMPARE(result.status, 200);
    QCOMPARE(m_fake->violations(), QStringList());
}

void TestFakeTmdb::recordsViolations_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("expected"); // part of the violation, empty for none

    QTest::newRow("valid list") << "/movie/popular?page=2&language=en-US" << QString();
    QTest::newRow("valid discover with dotted names")
        << "/discover/movie?sort_by=vote_average.desc&primary_release_date.gte=2020-01-01"
           "&vote_average.gte=7.5&with_genres=28,12&with_release_type=2%7C3&include_adult=false"
        << QString();
    QTest::newRow("valid trending window") << "/trending/movie/day" << QString();
    QTest::newRow("valid append") << "/tv/1399?append_to_response=season/1,credits" << QString();
    QTest::newRow("unknown query parameter") << "/movie/popular?foo=bar"
                                             << "foo is not declared";
    QTest::newRow("sort_by outside enum") << "/discover/movie?sort_by=rating.desc"
                                          << "sort_by=rating.desc is not one of";
    QTest::newRow("time_window outside enum") << "/trending/movie/month"
                                              << "time_window=month is not one of";
    QTest::newRow("page not an integer") << "/movie/popular?page=two"
                                         << "page=two is not an integer";
    QTest::newRow("bad date") << "/discover/movie?primary_release_date.gte=2020-13-01"
                              << "is not a date";
    QTest::newRow("bad boolean") << "/search/movie?query=x&include_adult=yes"
                                 << "true or false";
    QTest::newRow("bad number") << "/discover/movie?vote_average.gte=high"
                                << "is not a number";
    QTest::newRow("missing required query") << "/search/movie"
                                            << "query is missing";
    QTest::newRow("repeated parameter") << "/movie/popular?page=1&page=2"
                                        << "more than once";
    QTest::newRow("unknown appended item") << "/movie/550?append_to_response=bogus"
                                           << "bogus is not a sub-resource";
    QTest::newRow("unknown path") << "/movie/popular/extra"
                                  << "no GET path";
    QTest::newRow("non-numeric id") << "/movie/abc"
                                    << "no GET path";
    QTest::newRow("non-numeric id typed string in the spec") << "/tv/abc/similar"
                                                             << "no GET path";
}

void TestFakeTmdb::recordsViolations()
{
    QFETCH(QString, target);
    QFETCH(QString, expected);
    const Result result = fetch(target);
    QVERIFY(result.finished);
    const QStringList violations = m_fake->violations();
    if (expected.isEmpty()) {
        QCOMPARE(result.status, 200);
        QCOMPARE(violations, QStringList());
        return;
    }
    QCOMPARE(violations.size(), 1);
    QVERIFY2(violations.first().contains(expected), qPrintable(violations.first()));
    QVERIFY2(!violations.first().contains(m_fake->apiKey()), "the API key leaked into a violation");
    m_fake->clearViolations();
    QCOMPARE(m_fake->violations(), QStringList());
}

void TestFakeTmdb::failNextAnswersErrorsWithRetryAfter()
{
    m_fake->failNext(2, 503, 7);
    for (int i = 0; i < 2; ++i) {
        const Result failed = fetch(QStringLiteral("/movie/popular"));
        QCOMPARE(failed.status, 503);
        QCOMPARE(failed.retryAfter, QByteArray("7"));
        QCOMPARE(failed.json.value(QLatin1String("success")).toBool(true), false);
        QVERIFY(failed.json.contains(QLatin1String("status_code")));
    }
    QCOMPARE(fetch(QStringLiteral("/movie/popular")).status, 200);

    m_fake->failNext(1, 429);
    const Result limited = fetch(QStringLiteral("/movie/popular"));
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.json.value(QLatin1String("status_code")).toInt(), 25);
    QVERIFY(limited.retryAfter.isEmpty());
}

void TestFakeTmdb::notFoundAndOverride()
{
    m_fake->setNotFound(QStringLiteral("/3/movie/999"));
    const Result missing = fetch(QStringLiteral("/movie/999"));
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.json.value(QLatin1String("status_code")).toInt(), 34);
    QCOMPARE(fetch(QStringLiteral("/movie/998")).status, 200);
    QCOMPARE(fetch(QStringLiteral("/movie/999/credits")).status, 200); // exact paths only

    m_fake->setResponse(QStringLiteral("/3/movie/42"), 200, R"({"id":42,"title":"Custom"})");
    const Result custom = fetch(QStringLiteral("/movie/42"));
    QCOMPARE(custom.status, 200);
    QCOMPARE(custom.json.value(QLatin1String("title")).toString(), QStringLiteral("Custom"));
    QCOMPARE(m_fake->violations(), QStringList());
}

void TestFakeTmdb::delaysAnswers()
{
    m_fake->setDelay(300);
    QElapsedTimer timer;
    timer.start();
    const Result result = fetch(QStringLiteral("/movie/popular"));
    QCOMPARE(result.status, 200);
    QVERIFY2(timer.elapsed() >= 300, qPrintable(QString::number(timer.elapsed())));
}

void TestFakeTmdb::hangsUntilReleased()
{
    m_fake->setHang(true);
    const ReplyPtr reply = get(QStringLiteral("/movie/popular"));
    QTRY_COMPARE(m_fake->callCount(), 1);
    QTest::qWait(300); // proving that nothing happens takes waiting
    QVERIFY(!reply->isFinished());

    m_fake->setHang(false);
    QTRY_VERIFY(reply->isFinished());
    QCOMPARE(collect(reply.get()).status, 200);
}

void TestFakeTmdb::dropsConnections()
{
    m_fake->setDropConnections(true);
    const Result result = fetch(QStringLiteral("/movie/popular"));
    QVERIFY(result.finished);
    QVERIFY(result.error != QNetworkReply::NoError);
    QCOMPARE(result.status, 0);
    QVERIFY(m_fake->callCount() >= 1);

    m_fake->setDropConnections(false);
    QCOMPARE(fetch(QStringLiteral("/movie/popular")).status, 200);
}

void TestFakeTmdb::destructionFailsWaitingClients()
{
    m_fake->setHang(true);
    const ReplyPtr reply = get(QStringLiteral("/movie/popular"));
    QTRY_COMPARE(m_fake->callCount(), 1);
    m_fake.reset();
    QTRY_VERIFY(reply->isFinished());
    QVERIFY(reply->error() != QNetworkReply::NoError);
}

void TestFakeTmdb::reusesKeepAliveConnection()
{
    const Result first = fetch(QStringLiteral("/movie/550"));
    const Result second = fetch(QStringLiteral("/movie/551"));
    QCOMPARE(first.status, 200);
    QCOMPARE(second.status, 200);
    QCOMPARE(second.json.value(QLatin1String("id")).toInt(), 551);
    QCOMPARE(m_fake->callCount(), 2);
    QCOMPARE(m_fake->connectionCount(), 1);
}

void TestFakeTmdb::parsesPipelinedAndSplitRequests()
{
    QTcpSocket socket;
    QByteArray received;
    connect(&socket, &QTcpSocket::readyRead, this, [&] { received += socket.readAll(); });
    socket.connectToHost(QHostAddress::LocalHost, m_fake->port());
    QTRY_COMPARE(socket.state(), QAbstractSocket::ConnectedState);

    const QByteArray key = m_fake->apiKey().toUtf8();
    const QByteArray first = "GET /3/movie/550?api_key=" + key + " HTTP/1.1\r\nHost: x\r\n\r\n";
    const QByteArray second = "GET /3/movie/551 HTTP/1.1\r\nAuthorization: Bearer " + key
        + "\r\nContent-Length: 2\r\n\r\n{}";
    const QByteArray third
        = "GET /3/movie/552?api_key=" + key + " HTTP/1.1\r\nConnection: close\r\n\r\n";
    socket.write(first + second + third.left(20)); // pipelined, the last one cut in two
    QTRY_COMPARE(received.count("HTTP/1.1 200 OK"), 2);
    socket.write(third.mid(20));
    QTRY_COMPARE(received.count("HTTP/1.1 200 OK"), 3);
    QTRY_COMPARE(socket.state(), QAbstractSocket::UnconnectedState); // Connection: close

    const qsizetype id550 = received.indexOf("\"id\":550");
    const qsizetype id551 = received.indexOf("\"id\":551");
    const qsizetype id552 = received.indexOf("\"id\":552");
    QVERIFY(id550 >= 0 && id550 < id551 && id551 < id552);
    QCOMPARE(received.count("Content-Length: "), 3);
    QCOMPARE(m_fake->connectionCount(), 1);
}

void TestFakeTmdb::countsRequests()
{
    QSignalSpy received(m_fake.get(), &FakeTmdb::requestReceived);
    QCOMPARE(fetch(QStringLiteral("/movie/550"), Key::Bearer).status, 200);
    QCOMPARE(fetch(QStringLiteral("/movie/550/credits")).status, 200);
    QCOMPARE(fetch(QStringLiteral("/movie/popular?page=2")).status, 200);

    QCOMPARE(m_fake->callCount(), 3);
    QCOMPARE(m_fake->callCount(QStringLiteral("/3/movie/550")), 2);
    QCOMPARE(m_fake->callCount(QStringLiteral("/3/tv")), 0);
    QCOMPARE(received.count(), 3);
    QCOMPARE(received.first().first().toString(), QStringLiteral("/3/movie/550"));

    const QList<FakeTmdb::Request> requests = m_fake->requests();
    QCOMPARE(requests.size(), 3);
    bool sawBearer = false;
    for (const auto &[name, value] : requests.first().headers)
        sawBearer = sawBearer
            || (name.compare("authorization", Qt::CaseInsensitive) == 0
                && value.startsWith("Bearer "));
    QVERIFY(sawBearer);
    QCOMPARE(requests.last().query.queryItemValue(QStringLiteral("page")), QStringLiteral("2"));

    m_fake->resetCounters();
    QCOMPARE(m_fake->callCount(), 0);
    QVERIFY(m_fake->requests().isEmpty());
}

QTEST_GUILESS_MAIN(TestFakeTmdb)
#include "tst_faketmdb.moc"
