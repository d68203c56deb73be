#include "admincontroller.h"

#include "adminactions.h"
#include "config/version.h"
#include "http/apierror.h"
#include "http/validation.h"
#include "log/categories.h"
#include "serverstatus.h"
#include "store/userstore.h"
#include "storeerrors.h"
#include "tmdb/catalogueservice.h"
#include "tmdb/imagecache.h"
#include "usercontroller.h"

#include <QJsonArray>

namespace marquee {

void AdminController::registerRoutes(Router &router)
{
    const auto route = [this](void (AdminController::*action)(const ExchangePtr &)) {
        return storeRoute(
            StoreRoutes::Account, [this, action](const ExchangePtr &ex) { (this->*action)(ex); });
    };
    router.get(QStringLiteral("/api/admin/stats"), route(&AdminController::stats))
        .withAccess(Access::Admin);
    router.get(QStringLiteral("/api/admin/users"), route(&AdminController::users))
        .withAccess(Access::Admin);
    router.post(QStringLiteral("/api/admin/cache/purge"), route(&AdminController::purgeCache))
        .withAccess(Access::Admin)
        .withTier(RateTier::Sensitive);
    router
        .post(QStringLiteral("/api/admin/users/{clerkId}/restore"),
            route(&AdminController::restoreUser))
        .withAccess(Access::Admin)
        .withTier(RateTier::Sensitive);
    router.del(QStringLiteral("/api/admin/users/{clerkId}"), route(&AdminController::deleteUser))
        .withAccess(Access::Admin)
        .withTier(RateTier::Sensitive);
    router
        .post(QStringLiteral("/api/admin/users/{clerkId}/sign-out"),
            route(&AdminController::signOutUser))
        .withAccess(Access::Admin)
        .withTier(RateTier::Sensitive);
}

void AdminController::stats(const ExchangePtr &ex)
{
    QueryFields q(ex->request());
    q.allowOnly({});
    q.finish();
    const HealthSnapshot h = m_status.health();
    QJsonObject cache;
    if (CatalogueService *c = m_status.catalogue()) {
        const CatalogueStats s = c->stats();
        QJsonArray categories;
        for (const auto &cat : c->cache().databaseStats())
            categories.append(QJsonObject {{"category", cat.category}, {"entries", cat.entries},
                {"bytes", cat.bytes}, {"expired", cat.expired}});
        cache = QJsonObject {{"hits", qint64(s.hits)}, {"misses", qint64(s.misses)},
            {"stale", qint64(s.stale)}, {"coalesced", qint64(s.coalesced)},
            {"upstreamCalls", qint64(s.upstreamCalls)},
            {"upstreamErrors", qint64(s.upstreamErrors)}, {"notFound", qint64(s.notFound)},
            {"refreshedAhead", qint64(s.refreshedAhead)}, {"revalidated", qint64(s.revalidated)},
            {"warmed", qint64(s.warmed)}, {"hitRatio", s.hitRatio()},
            {"memoryEntries", c->cache().memoryEntries()},
            {"memoryBytes", c->cache().memoryBytes()}, {"categories", categories}};
    }
    QJsonObject images;
    if (ImageCache *ic = m_status.imageCache()) {
        const ImageCache::Stats s = ic->stats();
        images = QJsonObject {{"files", s.files}, {"bytes", s.bytes}, {"hits", qint64(s.hits)},
            {"misses", qint64(s.misses)}, {"upstreamErrors", qint64(s.upstreamErrors)}};
    }
    ex->respond(privateResponse(HttpResponse::ok(QJsonObject {
        {"version", MARQUEE_VERSION},
        {"uptimeSeconds", h.uptimeSeconds},
        {"requests", QJsonObject {{"served", qint64(h.requestsServed)}, {"inFlight", h.inFlight}}},
        {"tmdb", h.tmdb},
        {"cache", cache},
        {"images", images},
        {"users", QJsonObject {{"total", m_users.userCount()}}},
    })));
}

void AdminController::users(const ExchangePtr &ex)
{
    QueryFields q(ex->request());
    q.allowOnly({QStringLiteral("page"), QStringLiteral("limit")});
    const int page = int(q.integer(QStringLiteral("page"), false, 1, 100000).value_or(1));
    const int limit = int(q.integer(QStringLiteral("limit"), false, 1, 100).value_or(20));
    q.finish();
    qint64 total = 0;
    QJsonArray data;
    for (const UserRecord &u : m_users.listUsers(page, limit, &total)) {
        const auto counts = m_users.counts(u.id);
        data.append(UserController::profileJson(u, counts.watchlist, counts.favorites));
    }
    const qint64 pages = (total + limit - 1) / limit;
    ex->respond(privateResponse(HttpResponse::ok(data,
        QJsonObject {{"page", page}, {"limit", limit}, {"total", total}, {"totalPages", pages}})));
}

void AdminController::purgeCache(const ExchangePtr &ex)
{
    QueryFields q(ex->request());
    q.allowOnly({QStringLiteral("category")});
    QStringList known;
    for (int c = 0; c < kCacheCategoryCount; ++c)
        known << categoryName(CacheCategory(c));
    const QString category = q.oneOf(QStringLiteral("category"), false, known).value_or(QString());
    q.finish();
    const qint64 purged = m_actions.purgeCache(category);
    QJsonObject out {{"purged", purged}};
    if (!category.isEmpty())
        out.insert("category", category);
    ex->respond(privateResponse(HttpResponse::ok(out)));
}

qint64 AdminController::userIdParam(const ExchangePtr &ex)
{
    QueryFields q(ex->request());
    q.allowOnly({});
    q.finish();
    const QString clerkId = ex->request().param(QStringLiteral("clerkId"));
    if (clerkId.isEmpty() || clerkId.size() > 200)
        throw ApiError::validation(QStringLiteral("clerkId"), QStringLiteral("invalid_value"),
            QStringLiteral("clerkId is not a Clerk user id"));
    const auto user = m_users.findByClerkId(clerkId);
    if (!user)
        throw ApiError::notFound(QStringLiteral("User not found"));
    return user->id;
}

void AdminController::deleteUser(const ExchangePtr &ex)
{
    if (!m_actions.deleteUser(userIdParam(ex)))
        throw ApiError::notFound(QStringLiteral("User not found"));
    ex->respond(privateResponse(HttpResponse::ok(QJsonObject {{"deleted", true}})));
}

void AdminController::signOutUser(const ExchangePtr &ex)
{
    const int revoked = m_actions.signOutEverywhere(userIdParam(ex));
    if (revoked < 0)
        throw ApiError::notFound(QStringLiteral("User not found"));
    ex->respond(privateResponse(HttpResponse::ok(QJsonObject {{"revoked", revoked}})));
}

// Undoes a Clerk deletion on purpose (docs/auth.md, "Webhooks"): the Clerk id is no longer
// refused, so its next valid token, or a user.created/updated event, creates the user again
// (with none of the deleted data: that is gone).
void AdminController::restoreUser(const ExchangePtr &ex)
{
    QueryFields q(ex->request());
    q.allowOnly({});
    q.finish();
    const QString clerkId = ex->request().param(QStringLiteral("clerkId"));
    if (clerkId.isEmpty() || clerkId.size() > 200)
        throw ApiError::validation(QStringLiteral("clerkId"), QStringLiteral("invalid_value"),
            QStringLiteral("clerkId is not a Clerk user id"));
    const auto deletion = m_users.deletion(clerkId);
    if (!m_users.forgetClerkDeletion(clerkId))
        throw ApiError::notFound(QStringLiteral("No deletion of this user is recorded"));
    qCInfo(lcAuth) << "an administrator undid the deletion of a Clerk user";
    ex->respond(privateResponse(HttpResponse::ok(QJsonObject {{"restored", true},
        {"clerkId", clerkId}, {"deletedAt", isoUtcOrNull(deletion ? deletion->deletedAt : 0)}})));
}

} // namespace marquee
