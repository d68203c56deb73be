#pragma once

#include "exchange.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <deque>
#include <functional>

namespace marquee {

// Who may call a route; enforced by the pipeline, never by the route itself.
enum class Access { Public, OptionalUser, User, Admin };
// Which rate-limit tier a route counts against (docs/api.md, "Rate limits").
enum class RateTier { None, General, Search, Sensitive };

using Handler = std::function<void(const ExchangePtr &)>;

struct Route
{
    HttpMethod method;
    QString pattern; // "/api/movies/{id}"
    QStringList segments;
    Handler handler;
    Access access = Access::Public;
    RateTier tier = RateTier::General;
    // The handler counts the request against `tier` itself (RateLimiter::check) instead of the
    // pipeline counting every request: the Clerk webhook counts only the deliveries it refuses,
    // because Svix sends many genuine ones from a few shared addresses (docs/api.md, "Rate
    // limits").
    bool countsOwnRate = false;
    // The handler may run on any of the server's event loops (MARQUEE_WORKERS), not only the
    // primary one: it touches nothing but thread-safe services (docs/architecture.md, "Event
    // loops"). Such a route is served where its request arrived unless it needs authentication
    // work beyond what the authenticator remembers (Authenticator::admitFromMemory), which is the
    // primary loop's.
    bool onAnyLoop = false;
    int literalSegments = 0;

    Route &withAccess(Access a)
    {
        access = a;
        return *this;
    }
    Route &withTier(RateTier t)
    {
        tier = t;
        return *this;
    }
    Route &countingItsOwnRate()
    {
        countsOwnRate = true;
        return *this;
    }
    Route &onAnyEventLoop()
    {
        onAnyLoop = true;
        return *this;
    }
};

// The route table: reads like the API reference. Literal segments beat parameters
// ("/api/movies/popular" wins over "/api/movies/{id}"), then registration order. A route is
// found by method and path alone; HEAD finds the GET route, and a known path with another
// method gives the methods it allows (405 and OPTIONS). Routes are registered once, before the
// server listens; match() is then read-only.
//
// @code
// Router router;
// router.get(QStringLiteral("/api/movies/{id}"), handler).withTier(RateTier::Catalogue);
// const Router::Match m = router.match(HttpMethod::Get, QStringLiteral("/api/movies/550"));
// // m.route->pattern == "/api/movies/{id}", m.params["id"] == "550"
// @endcode
class Router
{
public:
    Route &get(const QString &pattern, Handler h)
    {
        return add(HttpMethod::Get, pattern, std::move(h));
    }
    Route &post(const QString &pattern, Handler h)
    {
        return add(HttpMethod::Post, pattern, std::move(h));
    }
    Route &patch(const QString &pattern, Handler h)
    {
        return add(HttpMethod::Patch, pattern, std::move(h));
    }
    Route &put(const QString &pattern, Handler h)
    {
        return add(HttpMethod::Put, pattern, std::move(h));
    }
    Route &del(const QString &pattern, Handler h)
    {
        return add(HttpMethod::Delete, pattern, std::move(h));
    }
    Route &add(HttpMethod method, const QString &pattern, Handler handler);

    struct Match
    {
        const Route *route = nullptr;
        QHash<QString, QString> params;
        QList<HttpMethod> allowed; // methods the path supports (for 405/OPTIONS), when no route
        bool pathKnown() const { return route || !allowed.isEmpty(); }
    };
    // HEAD matches GET routes.
    Match match(HttpMethod method, const QString &path) const;

    const std::deque<Route> &routes() const { return m_routes; }

    // What answers a path under `prefix` that no route matches, instead of 404 (the image route
    // refuses a file name with a slash in it as 400). Not a route: `marquee routes` omits it.
    void setFallback(const QString &prefix, Handler handler)
    {
        m_fallbacks.append({prefix, std::move(handler)});
    }
    const Handler *fallback(const QString &path) const
    {
        for (const auto &f : m_fallbacks) {
            if (path.startsWith(f.first))
                return &f.second;
        }
        return nullptr;
    }

private:
    static bool matches(
        const Route &route, const QStringList &segments, QHash<QString, QString> *params);
    std::deque<Route> m_routes;
    QHash<QString, QList<const Route *>> m_literal; // parameter-free routes by path
    QList<std::pair<QString, Handler>> m_fallbacks;
};

QByteArray allowHeader(const QList<HttpMethod> &methods);

} // namespace marquee
