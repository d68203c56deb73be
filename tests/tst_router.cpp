// Router::match as a unit, without sockets: which route a method and a path reach, the path
// parameters it reads, and the methods a known path allows (for 405 and OPTIONS).
#include "http/router.h"

#include <QTest>

using namespace marquee;

class TestRouter : public QObject
{
    Q_OBJECT

    Router m_router;

    static QString patternOf(const Router::Match &m)
    {
        return m.route ? m.route->pattern : QString();
    }

private slots:
    void initTestCase()
    {
        const Handler none = [](const ExchangePtr &) {};
        m_router.get(QStringLiteral("/health"), none);
        m_router.get(QStringLiteral("/api/movies/{id}"), none);
        m_router.get(QStringLiteral("/api/movies/popular"), none); // after the parameter route
        m_router.get(QStringLiteral("/api/movies/{id}/credits"), none);
        m_router.get(QStringLiteral("/api/tv/{id}/season/{season}/episode/{episode}"), none);
        m_router.get(QStringLiteral("/api/watchlist"), none);
        m_router.post(QStringLiteral("/api/watchlist"), none);
        m_router.del(QStringLiteral("/api/watchlist/{id}"), none);
        m_router.del(QStringLiteral("/api/watchlist/{contentType}/{tmdbId}"), none);
        m_router.patch(QStringLiteral("/api/watchlist/{contentType}/{tmdbId}"), none);
    }

    void match_data()
    {
        QTest::addColumn<int>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("pattern"); // empty: no route for this method
        QTest::addColumn<QString>("params"); // "name=value,..." in the route's order
        QTest::addColumn<QString>("allowed"); // the path's methods when no route matched

        const int get = int(HttpMethod::Get), post = int(HttpMethod::Post),
                  del = int(HttpMethod::Delete), put = int(HttpMethod::Put),
                  head = int(HttpMethod::Head), patch = int(HttpMethod::Patch);
        QTest::newRow("literal") << get << "/health"
                                 << "/health"
                                 << ""
                                 << "";
        QTest::newRow("trailing slash") << get << "/health/"
                                        << "/health"
                                        << ""
                                        << "";
        QTest::newRow("empty segments") << get << "//health//"
                                        << "/health"
                                        << ""
                                        << "";
        QTest::newRow("case matters") << get << "/HEALTH"
                                      << ""
                                      << ""
                                      << "";
        QTest::newRow("HEAD is GET") << head << "/health"
                                     << "/health"
                                     << ""
                                     << "";
        QTest::newRow("literal beats parameter, registered later") << get << "/api/movies/popular"
                                                                   << "/api/movies/popular"
                                                                   << ""
                                                                   << "";
        QTest::newRow("parameter") << get << "/api/movies/550"
                                   << "/api/movies/{id}"
                                   << "id=550"
                                   << "";
        QTest::newRow("parameter is any segment") << get << "/api/movies/abc"
                                                  << "/api/movies/{id}"
                                                  << "id=abc"
                                                  << "";
        QTest::newRow("longer path") << get << "/api/movies/550/credits"
                                     << "/api/movies/{id}/credits"
                                     << "id=550"
                                     << "";
        QTest::newRow("three parameters") << get << "/api/tv/1399/season/1/episode/2"
                                          << "/api/tv/{id}/season/{season}/episode/{episode}"
                                          << "id=1399,season=1,episode=2"
                                          << "";
        QTest::newRow("too many segments") << get << "/api/movies/550/credits/x"
                                           << ""
                                           << ""
                                           << "";
        QTest::newRow("too few segments") << get << "/api/tv/1399/season/1"
                                          << ""
                                          << ""
                                          << "";
        QTest::newRow("same path, other method") << post << "/api/watchlist"
                                                 << "/api/watchlist"
                                                 << ""
                                                 << "";
        QTest::newRow("wrong method: allowed listed") << put << "/api/watchlist"
                                                      << ""
                                                      << ""
                                                      << "GET,POST";
        QTest::newRow("wrong method on a parameter path") << get << "/api/watchlist/movie/550"
                                                          << ""
                                                          << ""
                                                          << "DELETE,PATCH";
        QTest::newRow("two parameter routes, the right arity") << del << "/api/watchlist/12"
                                                               << "/api/watchlist/{id}"
                                                               << "id=12"
                                                               << "";
        QTest::newRow("two parameters") << patch << "/api/watchlist/movie/550"
                                        << "/api/watchlist/{contentType}/{tmdbId}"
                                        << "contentType=movie,tmdbId=550"
                                        << "";
        QTest::newRow("unknown path") << get << "/api/nope"
                                      << ""
                                      << ""
                                      << "";
    }
    void match()
    {
        QFETCH(int, method);
        QFETCH(QString, path);
        QFETCH(QString, pattern);
        QFETCH(QString, params);
        QFETCH(QString, allowed);
        const Router::Match m = m_router.match(HttpMethod(method), path);
        QCOMPARE(patternOf(m), pattern);
        QStringList got;
        if (m.route) {
            for (const QString &segment : m.route->segments) {
                if (segment.startsWith(QLatin1Char('{'))) {
                    const QString name = segment.mid(1, segment.size() - 2);
                    got << name + QLatin1Char('=') + m.params.value(name);
                }
            }
        }
        QCOMPARE(got.join(QLatin1Char(',')), params);
        QStringList methods;
        if (!m.route) {
            for (HttpMethod allowedMethod : m.allowed)
                methods << QString::fromLatin1(methodName(allowedMethod));
        }
        QCOMPARE(methods.join(QLatin1Char(',')), allowed);
        QCOMPARE(m.pathKnown(), !pattern.isEmpty() || !allowed.isEmpty());
    }

    void allowHeaderAddsHeadAndOptions()
    {
        QCOMPARE(allowHeader({HttpMethod::Get, HttpMethod::Post}),
            QByteArray("GET, HEAD, POST, OPTIONS"));
        QCOMPARE(allowHeader({HttpMethod::Delete}), QByteArray("DELETE, OPTIONS"));
    }
};

QTEST_GUILESS_MAIN(TestRouter)
#include "tst_router.moc"
