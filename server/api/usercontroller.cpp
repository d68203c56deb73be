#include "usercontroller.h"

#include "auth/clerkauthenticator.h"
#include "core/timeformat.h"
#include "http/apierror.h"
#include "http/validation.h"
#include "store/database.h"
#include "store/userstore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTimer>

namespace marquee {

QJsonValue isoTime(qint64 ms)
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
        {"createdAt", isoTime(u.createdAt)},
        {"updatedAt", isoTime(u.updatedAt)},
        {"lastSeenAt", isoTime(u.lastSeenAt)},
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
    router.get(QStringLiteral("/api/user/profile"), [this](const ExchangePtr &ex) { profile(ex); })
        .withAccess(Access::User);
    router
        .patch(QStringLiteral("/api/user/profile"),
            [this](const ExchangePtr &ex) { updateProfile(ex); })
        .withAccess(Access::User)
        .withTier(RateTier::Sensitive);
    router
        .del(QStringLiteral("/api/user/profile"),
            [this](const ExchangePtr &ex) { deleteProfile(ex); })
        .withAccess(Access::User)
        .withTier(RateTier::Sensitive);
    router
        .get(QStringLiteral("/api/user/export"), [this](const ExchangePtr &ex) { exportData(ex); })
        .withAccess(Access::User);
    router.post(QStringLiteral("/api/user/sync"), [this](const ExchangePtr &ex) { sync(ex); })
        .withAccess(Access::User)
        .withTier(RateTier::Sensitive);
    router
        .get(QStringLiteral("/api/user/sessions"), [this](const ExchangePtr &ex) { sessions(ex); })
        .withAccess(Access::User);
    router
        .del(QStringLiteral("/api/user/sessions/{sid}"),
            [this](const ExchangePtr &ex) { revokeSession(ex); })
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
    if (!m_users.updateSettings(
            ex->principal.userId, name, setName, prefs, QDateTime::currentMSecsSinceEpoch()))
        throw ApiError(ApiError::Code::ServiceUnavailable, QStringLiteral("Database unavailable"));
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

// One list item of the export, as stored (no derived image URLs: an export is data, not a view).
static QJsonObject exportItem(const ListItem &item, bool watchlist)
{
    const auto orNullString = [](const std::optional<QString> &v) {
        return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
    };
    QJsonObject o {{"id", item.id}, {"tmdbId", item.tmdbId}, {"contentType", item.contentType},
        {"title", item.title}, {"posterPath", orNullString(item.posterPath)},
        {"backdropPath", orNullString(item.backdropPath)},
        {"overview", orNullString(item.overview)}, {"releaseDate", orNullString(item.releaseDate)},
        {"voteAverage",
            item.voteAverage ? QJsonValue(*item.voteAverage) : QJsonValue(QJsonValue::Null)},
        {"addedAt", isoTime(item.addedAt)}};
    if (watchlist) {
        o.insert("note", orNullString(item.note));
        o.insert("watched", item.watched);
        o.insert("watchedAt", isoTime(item.watchedAt.value_or(0)));
    }
    return o;
}

static QJsonArray sessionsJson(const QList<SessionRecord> &list, const QString &current)
{
    QJsonArray out;
    for (const SessionRecord &s : list)
        out.append(QJsonObject {{"id", s.id}, {"createdAt", isoTime(s.createdAt)},
            {"lastSeenAt", isoTime(s.lastSeenAt)}, {"userAgent", orNull(s.userAgent)},
            {"ipAddress", orNull(s.ipAddress)}, {"current", s.id == current},
            {"revoked", s.revokedAt > 0}, {"revokedAt", isoTime(s.revokedAt)}});
    return out;
}

// An export is built a slice of list items per event-loop turn, so a user with full lists
// (two lists of up to MARQUEE_LIST_MAX_ITEMS titles) never holds up every other client.
struct UserController::Export
{
    ExchangePtr ex;
    qint64 userId = 0;
    QByteArray body;
    ListKind kind = ListKind::Watchlist;
    int page = 1;
};

static constexpr int kExportSlice = 500;

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
    const QJsonObject head {{"exportedAt", isoTime(QDateTime::currentMSecsSinceEpoch())},
        {"profile", profileJson(*user, counts.watchlist, counts.favorites)},
        {"sessions", sessionsJson(m_users.sessions(id), ex->principal.sessionId)}};
    // {"success":true,"data":{<head without its closing brace>,"watchlist":[ ... ]}}
    QByteArray headJson = compactJson(head);
    headJson.chop(1);
    job->body = "{\"success\":true,\"data\":" + headJson + ",\"watchlist\":[";
    exportSlice(job);
}

void UserController::exportSlice(const std::shared_ptr<Export> &job)
{
    if (job->ex->isClientGone() || job->ex->isAnswered())
        return;
    job->ex->guard([&] {
        ListQuery q;
        q.userId = job->userId;
        q.sort = ListSort::AddedAsc;
        q.page = job->page;
        q.limit = kExportSlice;
        ListPage rows;
        try {
            rows = m_lists.list(job->kind, q);
        } catch (const ListStoreError &e) {
            throw ApiError(
                e.unavailable() ? ApiError::Code::ServiceUnavailable : ApiError::Code::Internal,
                e.unavailable() ? QStringLiteral("The database is unavailable")
                                : QStringLiteral("Internal server error"));
        }
        const bool watchlist = job->kind == ListKind::Watchlist;
        for (const ListItem &item : std::as_const(rows.items)) {
            if (!job->body.endsWith('['))
                job->body += ',';
            job->body += compactJson(exportItem(item, watchlist));
        }
        if (rows.items.size() == kExportSlice) {
            ++job->page;
        } else if (watchlist) {
            job->body += "],\"favorites\":[";
            job->kind = ListKind::Favorites;
            job->page = 1;
        } else {
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
        ex->guard([&] {
            HttpResponse r = profileResponse(id);
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
    if (sid.isEmpty() || sid.size() > 200)
        throw ApiError::validation(QStringLiteral("sid"), QStringLiteral("invalid_value"),
            QStringLiteral("sid is not a session id"));
    if (!m_users.revokeSession(ex->principal.userId, sid, QDateTime::currentMSecsSinceEpoch()))
        throw ApiError::notFound(QStringLiteral("No such session"));
    m_auth.forgetSession(sid);
    ex->respond(privateResponse(HttpResponse::ok(QJsonObject {{"revoked", true}, {"id", sid}})));
}

} // namespace marquee
