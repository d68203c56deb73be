#include "usercontroller.h"

#include "api/listscontroller.h"
#include "api/storeerrors.h"
#include "auth/clerkauthenticator.h"
#include "http/apierror.h"
#include "http/jsonwriter.h"
#include "http/validation.h"
#include "log/text.h"
#include "log/timeformat.h"
#include "store/database.h"
#include "store/userstore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTimer>

namespace marquee {

QJsonValue isoUtcOrNull(qint64 ms)
{
    if (ms <= 0)
        return QJsonValue::Null;
    return isoUtc(ms);
}

HttpResponse privateResponse(HttpResponse r)
{
    r.setHeader("Cache-Control", "private, no-store");
    return r;
}

static QJsonValue orNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

QJsonObject UserController::profileJson(
    const UserRecord &u, qint64 watchlistCount, qint64 favoritesCount)
{
    const QJsonObject p = u.preferences;
    return QJsonObject {
        {"id", u.id},
        {"clerkId", u.clerkId},
        {"email", orNull(u.email)},
        {"firstName", orNull(u.firstName)},
        {"lastName", orNull(u.lastName)},
        {"displayName", orNull(u.displayName)},
        {"imageUrl", orNull(u.imageUrl)},
        {"preferences",
            QJsonObject {
                {"language",
                    p.value("language").isString() ? p.value("language") : QJsonValue::Null},
                {"region", p.value("region").isString() ? p.value("region") : QJsonValue::Null},
                {"includeAdult", p.value("includeAdult").toBool(false)}}},
        {"stats",
            QJsonObject {{"watchlistCount", watchlistCount}, {"favoritesCount", favoritesCount}}},
        {"createdAt", isoUtcOrNull(u.createdAt)},
        {"updatedAt", isoUtcOrNull(u.updatedAt)},
        {"lastSeenAt", isoUtcOrNull(u.lastSeenAt)},
    };
}

UserController::UserController(UserStore &users, ClerkAuthenticator &auth)
    : m_users(users)
    , m_auth(auth)
    , m_lists(users.database())
{ }

UserController::~UserController() = default;

void UserController::registerRoutes(Router &router)
{
    // The account routes answer a store failure as the account family does; the export reads
    // the lists, and answers as the list routes do (api/storeerrors.h).
    const auto route = [this](void (UserController::*action)(const ExchangePtr &),
                           StoreRoutes family = StoreRoutes::Account) {
        return storeRoute(family, [this, action](const ExchangePtr &ex) { (this->*action)(ex); });
    };
    router.get(QStringLiteral("/api/user/profile"), route(&UserController::profile))
        .withAccess(Access::User);
    router.patch(QStringLiteral("/api/user/profile"), route(&UserController::updateProfile))
        .withAccess(Access::User)
        .withTier(RateTier::Sensitive);
    router.del(QStringLiteral("/api/user/profile"), route(&UserController::deleteProfile))
        .withAccess(Access::User)
        .withTier(RateTier::Sensitive);
    router
        .get(QStringLiteral("/api/user/export"),
            route(&UserController::exportData, StoreRoutes::Lists))
        .withAccess(Access::User)
        .withTier(RateTier::Sensitive); // reads both lists whole: the costliest user route
    router.post(QStringLiteral("/api/user/sync"), route(&UserController::sync))
        .withAccess(Access::User)
        .withTier(RateTier::Sensitive);
    router.get(QStringLiteral("/api/user/sessions"), route(&UserController::sessions))
        .withAccess(Access::User);
    router.del(QStringLiteral("/api/user/sessions/{sid}"), route(&UserController::revokeSession))
        .withAccess(Access::User)
        .withTier(RateTier::Sensitive);
}

HttpResponse UserController::profileResponse(qint64 userId)
{
    const auto user = m_users.findById(userId);
    if (!user)
        throw ApiError::notFound(QStringLiteral("User not found"));
    const auto counts = m_users.counts(userId);
    return privateResponse(
        HttpResponse::ok(profileJson(*user, counts.watchlist, counts.favorites)));
}

void UserController::profile(const ExchangePtr &ex)
{
    QueryFields q(ex->request());
    q.allowOnly({});
    q.finish();
    ex->respond(profileResponse(ex->principal.userId));
}

void UserController::updateProfile(const ExchangePtr &ex)
{
    JsonFields body(parseJsonObjectBody(ex->request()));
    body.allowOnly({"displayName", "preferences"});
    const bool setName = body.has("displayName");
    std::optional<QString> name;
    if (setName) {
        name = body.string("displayName", false, 1, 100, true);
        if (name && !name->isNull() && name->trimmed().isEmpty())
            body.problems().add(QStringLiteral("displayName"), QStringLiteral("too_short"),
                QStringLiteral("displayName must not be blank"));
    }
    const auto current = m_users.findById(ex->principal.userId);
    if (!current)
        throw ApiError::notFound(QStringLiteral("User not found"));
    QJsonObject prefs = current->preferences;
    if (const auto p = body.object("preferences", false)) {
        JsonFields pf(*p);
        pf.allowOnly({"language", "region", "includeAdult"});
        static const QRegularExpression lang(QStringLiteral("^[a-z]{2,3}(-[A-Z]{2})?$"));
        static const QRegularExpression region(QStringLiteral("^[A-Z]{2}$"));
        if (pf.has("language")) {
            const auto v = pf.string("language", false, 2, 10, true);
            if (v && !v->isNull() && !lang.match(*v).hasMatch())
                pf.problems().add(QStringLiteral("preferences.language"),
                    QStringLiteral("invalid_format"),
                    QStringLiteral("preferences.language must look like en-US"));
            else if (v) {
                if (v->isNull())
                    prefs.remove("language");
                else
                    prefs.insert("language", *v);
            }
        }
        if (pf.has("region")) {
            const auto v = pf.string("region", false, 2, 2, true);
            if (v && !v->isNull() && !region.match(*v).hasMatch())
                pf.problems().add(QStringLiteral("preferences.region"),
                    QStringLiteral("invalid_format"),
                    QStringLiteral("preferences.region must be an ISO 3166-1 code like US"));
            else if (v) {
                if (v->isNull())
                    prefs.remove("region");
                else
                    prefs.insert("region", *v);
            }
        }
        if (const auto adult = pf.boolean("includeAdult", false))
            prefs.insert("includeAdult", *adult);
        pf.finish();
    }
    body.finish();
    m_users.updateSettings(
        ex->principal.userId, name, setName, prefs, QDateTime::currentMSecsSinceEpoch());
    m_auth.forgetUser(ex->principal.clerkId); // preferences are cached with the user
    ex->respond(profileResponse(ex->principal.userId));
}

void UserController::deleteProfile(const ExchangePtr &ex)
{
    if (!m_users.deleteUser(ex->principal.userId))
        throw ApiError::notFound(QStringLiteral("User not found"));
    m_auth.forgetUser(ex->principal.clerkId);
    ex->respond(privateResponse(HttpResponse::ok(QJsonObject {{"deleted", true}})));
}

static QJsonArray sessionsJson(const QList<SessionRecord> &list, const QString &current)
{
    QJsonArray out;
    for (const SessionRecord &s : list)
        out.append(QJsonObject {{"id", s.id}, {"createdAt", isoUtcOrNull(s.createdAt)},
            {"lastSeenAt", isoUtcOrNull(s.lastSeenAt)}, {"userAgent", orNull(s.userAgent)},
            {"ipAddress", orNull(s.ipAddress)}, {"current", s.id == current},
            {"revoked", s.revokedAt > 0}, {"revokedAt", isoUtcOrNull(s.revokedAt)}});
    return out;
}

// An export is built a slice of list items per event-loop turn, so a user with full lists
// (two lists of up to MARQUEE_LIST_MAX_ITEMS titles) never holds up every other client. Each
// slice continues after the last item written (keyset paging), so items removed between slices
// move nothing else: every item that stays in its list for the whole export is in it once.
struct UserController::Export
{
    ExchangePtr ex;
    qint64 userId = 0;
    QByteArray body;
    ListKind kind = ListKind::Watchlist;
    qint64 afterAddedAt = 0; // key of the last item written of this list; (0, 0) before the first
    qint64 afterId = 0;
    bool firstItem = true; // of the current list
    int slices = 0;
};

static constexpr int kExportSlice = 500;

std::function<void(const Exchange &ex, int slicesDone)> UserController::betweenExportSlices;

void UserController::exportData(const ExchangePtr &ex)
{
    const qint64 id = ex->principal.userId;
    const auto user = m_users.findById(id);
    if (!user)
        throw ApiError::notFound(QStringLiteral("User not found"));
    const auto counts = m_users.counts(id);
    auto job = std::make_shared<Export>();
    job->ex = ex;
    job->userId = id;
    const QJsonObject head {{"exportedAt", isoUtcOrNull(QDateTime::currentMSecsSinceEpoch())},
        {"profile", profileJson(*user, counts.watchlist, counts.favorites)},
        {"sessions", sessionsJson(m_users.sessions(id), ex->principal.sessionId)}};
    // {"success":true,"data":{<head without its closing brace>,"watchlist":[ ... ]}}
    QByteArray headJson = compactJson(head);
    headJson.chop(1);
    job->body = "{\"success\":true,\"data\":" + headJson + ",\"watchlist\":[";
    // Room for both lists (a few hundred bytes an item), so the body is not copied as it grows.
    job->body.reserve(job->body.size() + 64
        + int(qMin<qint64>(counts.watchlist + counts.favorites + 16, 20000)) * 320);
    exportSlice(job);
}

void UserController::exportSlice(const std::shared_ptr<Export> &job)
{
    // A client that went away gets nothing: dropping the job ends its exchange as client-gone.
    if (job->ex->isClientGone() || job->ex->isAnswered())
        return;
    job->ex->runHandler([&] {
        if (job->slices > 0 && betweenExportSlices)
            betweenExportSlices(*job->ex, job->slices);
        ++job->slices;
        const QList<ListItem> rows = mapStoreErrors(StoreRoutes::Lists, [&] {
            return m_lists.listAddedAfter(
                job->kind, job->userId, job->afterAddedAt, job->afterId, kExportSlice);
        });
        const bool watchlist = job->kind == ListKind::Watchlist;
        for (const ListItem &item : std::as_const(rows)) {
            if (!job->firstItem)
                job->body += ',';
            job->firstItem = false;
            JsonWriter w(&job->body);
            writeListItem(w, item, job->kind, nullptr);
        }
        if (!rows.isEmpty()) {
            job->afterAddedAt = rows.constLast().addedAt;
            job->afterId = rows.constLast().id;
        }
        if (rows.size() == kExportSlice) {
            // Maybe more after the last one: the next slice on the next turn.
        } else if (watchlist) {
            job->body += "],\"favorites\":[";
            job->kind = ListKind::Favorites;
            job->afterAddedAt = 0;
            job->afterId = 0;
            job->firstItem = true;
        } else {
            // Deleted meanwhile (DELETE /api/user/profile, a Clerk user.deleted event): what was
            // read is a fragment of an account that no longer exists, not an export of it.
            if (!mapStoreErrors(StoreRoutes::Lists, [&] { return m_users.findById(job->userId); }))
                throw ApiError::notFound(
                    QStringLiteral("The account was deleted during the export"));
            job->body += "]}}";
            HttpResponse r;
            r.body = std::move(job->body);
            r = privateResponse(std::move(r));
            r.setHeader("Content-Disposition", "attachment; filename=\"marquee-export.json\"");
            job->ex->respond(std::move(r));
            return;
        }
        QTimer::singleShot(0, &m_slices, [this, job] { exportSlice(job); });
    });
}

void UserController::sync(const ExchangePtr &ex)
{
    const qint64 id = ex->principal.userId;
    m_auth.syncProfile(ex->principal.clerkId, [this, ex, id](bool ok) {
        ex->runHandler([&] {
            HttpResponse r
                = mapStoreErrors(StoreRoutes::Account, [&] { return profileResponse(id); });
            r.setHeader("X-Marquee-Synced", ok ? "true" : "false");
            ex->respond(std::move(r));
        });
    });
}

void UserController::sessions(const ExchangePtr &ex)
{
    ex->respond(privateResponse(HttpResponse::ok(
        sessionsJson(m_users.sessions(ex->principal.userId), ex->principal.sessionId))));
}

void UserController::revokeSession(const ExchangePtr &ex)
{
    const QString sid = ex->request().param(QStringLiteral("sid"));
    if (sid.isEmpty() || sid.size() > 200 || hasControlCharacters(sid))
        throw ApiError::validation(QStringLiteral("sid"), QStringLiteral("invalid_value"),
            QStringLiteral("sid is not a session id"));
    if (!m_users.revokeSession(ex->principal.userId, sid, QDateTime::currentMSecsSinceEpoch()))
        throw ApiError::notFound(QStringLiteral("No such session"));
    m_auth.forgetSession(sid);
    ex->respond(privateResponse(HttpResponse::ok(QJsonObject {{"revoked", true}, {"id", sid}})));
}

} // namespace marquee
