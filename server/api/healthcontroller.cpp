#include "healthcontroller.h"

#include "config/version.h"
#include "http/apierror.h"
#include "serverstatus.h"
#include "tmdb/catalogueservice.h"

#include <QFile>
#include <QJsonObject>

namespace marquee {

void HealthController::registerRoutes(Router &router)
{
    router.get(QStringLiteral("/health"), [this](const ExchangePtr &ex) { health(ex); })
        .withTier(RateTier::None);
    router.get(QStringLiteral("/api/openapi.json"), [this](const ExchangePtr &ex) { openapi(ex); })
        .onAnyEventLoop(); // a constant document (a thread-safe function-local static)
}

void HealthController::health(const ExchangePtr &ex)
{
    const HealthSnapshot h = m_status.health();
    if (h.shuttingDown)
        throw ApiError(ApiError::Code::ServiceUnavailable,
            QStringLiteral("Server is shutting down"),
            QJsonArray {QJsonObject {{"field", "server"}, {"issue", "shutting_down"}}});
    if (!h.databaseOk) {
        // The error envelope, and next to it what a load balancer or a person wants to read:
        // the database is down, the rest of the server is up.
        ApiError e(ApiError::Code::ServiceUnavailable, QStringLiteral("Database unavailable"),
            QJsonArray {QJsonObject {{"field", "database"}, {"issue", "unavailable"}}});
        e.extra.insert(QStringLiteral("data"),
            QJsonObject {{"status", "unavailable"}, {"version", MARQUEE_VERSION},
                {"uptimeSeconds", h.uptimeSeconds}, {"database", "down"}, {"tmdb", h.tmdb}});
        throw e;
    }
    const bool degraded = h.tmdb == QLatin1String("offline");
    QJsonObject cache {
        {"entries", h.cacheEntries}, {"hitRatio", h.cacheHitRatio}, {"scope", h.cacheScope}};
    if (h.cacheScope == QLatin1String("memory"))
        cache.insert(QStringLiteral("note"), QString::fromLatin1(kDemoCacheNote));
    ex->respond(HttpResponse::ok(QJsonObject {
        {"status", degraded ? "degraded" : "ok"},
        {"version", MARQUEE_VERSION},
        {"uptimeSeconds", h.uptimeSeconds},
        {"database", "ok"},
        {"tmdb", h.tmdb},
        {"cache", cache},
    }));
}

void HealthController::openapi(const ExchangePtr &ex)
{
    static const QByteArray doc = [] {
        QFile f(QStringLiteral(":/marquee/openapi.json"));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();
    if (doc.isEmpty())
        throw ApiError(
            ApiError::Code::Internal, QStringLiteral("OpenAPI document missing from the build"));
    HttpResponse r;
    r.body = doc;
    r.setHeader("Cache-Control", "public, max-age=300");
    ex->respond(std::move(r));
}

} // namespace marquee
