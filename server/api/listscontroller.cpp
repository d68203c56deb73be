#include "listscontroller.h"

#include "http/apierror.h"
#include "http/jsonwriter.h"
#include "http/validation.h"
#include "log/timeformat.h"
#include "store/database.h"
#include "store/listrules.h"
#include "storeerrors.h"
#include "tmdb/imageurls.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace marquee {

namespace {

const QByteArray kNoStore = QByteArrayLiteral("private, no-store");
const QStringList kSorts {QStringLiteral("addedAt.desc"), QStringLiteral("addedAt.asc"),
    QStringLiteral("title.asc"), QStringLiteral("title.desc")};

QString listName(ListKind kind)
{
    return kind == ListKind::Watchlist ? QStringLiteral("watchlist") : QStringLiteral("favorites");
}

ListSort sortFrom(const QString &s)
{
    if (s == QLatin1String("addedAt.asc"))
        return ListSort::AddedAsc;
    if (s == QLatin1String("title.asc"))
        return ListSort::TitleAsc;
    if (s == QLatin1String("title.desc"))
        return ListSort::TitleDesc;
    return ListSort::AddedDesc;
}

// Absent or JSON null -> nullopt (stored as NULL); "" stays an empty, non-null string.
std::optional<QString> nullableString(JsonFields &f, const char *name, int maxLength)
{
    const auto s = f.string(name, false, 0, maxLength, true);
    if (!s || f.isNull(name))
        return std::nullopt;
    return s->isNull() ? QString(QLatin1String("")) : *s;
}

std::optional<QString> imagePath(JsonFields &f, const char *name)
{
    const auto s = nullableString(f, name, ListRules::kMaxImagePathLength);
    if (!s)
        return s;
    if (!ListRules::isImagePath(*s)) {
        f.problems().add(QLatin1String(name), QStringLiteral("invalid_format"),
            QStringLiteral("%1 must be a TMDB image path starting with \"/\"")
                .arg(QLatin1String(name)));
        return std::nullopt;
    }
    return s;
}

ListItem parseNewItem(const HttpRequest &request, ListKind kind)
{
    const QJsonObject body = parseJsonObjectBody(request);
    JsonFields f(body);
    if (kind == ListKind::Watchlist)
        f.allowOnly({"tmdbId", "contentType", "title", "posterPath", "backdropPath", "overview",
            "releaseDate", "voteAverage", "note"});
    else
        f.allowOnly({"tmdbId", "contentType", "title", "posterPath", "backdropPath", "overview",
            "releaseDate", "voteAverage"});
    ListItem item;
    item.tmdbId = f.integer("tmdbId", true, 1, ListRules::kMaxTmdbId).value_or(0);
    item.contentType = f.oneOf("contentType", true, ListRules::contentTypes()).value_or(QString());
    if (const auto title = f.string("title", true, 1, ListRules::kMaxTitleLength)) {
        if (title->trimmed().isEmpty())
            f.problems().add(QStringLiteral("title"), QStringLiteral("invalid_value"),
                QStringLiteral("title must not be blank"));
        item.title = *title;
    }
    item.posterPath = imagePath(f, "posterPath");
    item.backdropPath = imagePath(f, "backdropPath");
    item.overview = nullableString(f, "overview", ListRules::kMaxOverviewLength);
    // TMDB sends "" for an unknown release date: stored as null rather than refused.
    if (body.value(QStringLiteral("releaseDate")) == QJsonValue(QString())) {
        // nothing to store
    } else if (const auto date = f.date("releaseDate", false, true); date && !date->isNull()) {
        item.releaseDate = *date;
    }
    item.voteAverage = f.number(
        "voteAverage", false, ListRules::kMinVoteAverage, ListRules::kMaxVoteAverage, true);
    if (kind == ListKind::Watchlist)
        item.note = nullableString(f, "note", ListRules::kMaxNoteLength);
    f.finish();
    return item;
}

WatchlistChange parseChange(const HttpRequest &request)
{
    JsonFields f(parseJsonObjectBody(request));
    f.allowOnly({"watched", "note"});
    if (!f.has("watched") && !f.has("note"))
        f.problems().add(QStringLiteral("body"), QStringLiteral("required"),
            QStringLiteral("Give at least one of: watched, note"));
    WatchlistChange change;
    change.watched = f.boolean("watched", false);
    if (f.has("note"))
        change.note = nullableString(f, "note", ListRules::kMaxNoteLength);
    f.finish();
    return change;
}

QString pathContentType(const HttpRequest &request)
{
    const QString type = request.param(QStringLiteral("contentType"));
    if (!ListRules::contentTypes().contains(type))
        throw ApiError::validation(QStringLiteral("contentType"), QStringLiteral("invalid_value"),
            QStringLiteral("contentType must be one of: movie, tv"));
    return type;
}

ApiError notInList(ListKind kind)
{
    return ApiError::notFound(QStringLiteral("No such item in your %1").arg(listName(kind)));
}

} // namespace

ListsController::ListsController(
    Database &db, const ImageUrls &images, int maxItems, WriteLane lane)
    : m_db(db)
    , m_store(db)
    , m_images(images)
    , m_maxItems(maxItems)
    , m_pages(db.dialect() == SqlDialect::Sqlite)
    , m_lane(std::move(lane))
{ }

void ListsController::registerRoutes(Router &router)
{
    registerList(router, ListKind::Watchlist);
    registerList(router, ListKind::Favorites);
    router
        .patch(QStringLiteral("/api/watchlist/{contentType}/{tmdbId}"),
            [this](const ExchangePtr &ex) { write(ex, [this, ex] { return patchWatchlist(ex); }); })
        .withAccess(Access::User)
        .onAnyEventLoop();
}

void ListsController::releaseThread()
{
    m_store.releaseThread(); // the server closes the thread's connection next
}

void ListsController::registerList(Router &router, ListKind kind)
{
    const QString base = QStringLiteral("/api/") + listName(kind);
    using Action = HttpResponse (ListsController::*)(const ExchangePtr &, ListKind);
    auto route = [this, kind](Action action) {
        return [this, kind, action](const ExchangePtr &ex) {
            const HttpMethod method = ex->request().method;
            if (method == HttpMethod::Get || method == HttpMethod::Head)
                read(ex, [this, ex, kind, action] { return (this->*action)(ex, kind); });
            else
                write(ex, [this, ex, kind, action] { return (this->*action)(ex, kind); });
        };
    };
    // Every list route runs on the event loop that received it (a read on that loop's own
    // connection), or in the user's write lane (write(), read()).
    router.get(base, route(&ListsController::list)).withAccess(Access::User).onAnyEventLoop();
    router.post(base, route(&ListsController::add)).withAccess(Access::User).onAnyEventLoop();
    router.get(base + QStringLiteral("/check"), route(&ListsController::check))
        .withAccess(Access::User)
        .onAnyEventLoop();
    router.del(base + QStringLiteral("/{id}"), route(&ListsController::removeById))
        .withAccess(Access::User)
        .onAnyEventLoop();
    router
        .del(base + QStringLiteral("/{contentType}/{tmdbId}"), route(&ListsController::removeByKey))
        .withAccess(Access::User)
        .onAnyEventLoop();
}

void ListsController::write(const ExchangePtr &ex, std::function<HttpResponse()> action)
{
    const qint64 user = ex->principal.userId;
    auto run = [this, ex, user, action = std::move(action)] {
        beginWrite(ex);
        answer(ex, action, true);
        // Out of flight once committed: with its group (SQLite), else now.
        m_db.afterGroupCommit([this, user](bool) { countWrite(user, -1); });
    };
    countWrite(user, +1); // before it is handed over: a read behind it follows it into the lane
    if (!m_lane) {
        run();
        return;
    }
    if (!m_lane(user, std::move(run))) {
        countWrite(user, -1);
        refuseAtShutdown(ex);
    }
}

void ListsController::read(const ExchangePtr &ex, std::function<HttpResponse()> action)
{
    const qint64 user = ex->principal.userId;
    // A write of this user still in flight (pipelined before this read on the same connection,
    // say): the read waits behind it in its lane and sees it.
    if (m_lane && writesInFlight(user) > 0) {
        auto run = [this, ex, action = std::move(action)] { answer(ex, action); };
        if (!m_lane(user, std::move(run)))
            refuseAtShutdown(ex);
        return;
    }
    answer(ex, action);
}

void ListsController::countWrite(qint64 user, int delta)
{
    std::lock_guard lock(m_writesMutex);
    int &n = m_writesInFlight[user];
    n += delta;
    if (n <= 0)
        m_writesInFlight.remove(user);
}

int ListsController::writesInFlight(qint64 user) const
{
    std::lock_guard lock(m_writesMutex);
    return m_writesInFlight.value(user);
}

void ListsController::refuseAtShutdown(const ExchangePtr &ex)
{
    ex->addResponseHeader("Cache-Control", kNoStore);
    ex->addResponseHeader("Connection", "close");
    ex->fail(
        ApiError(ApiError::Code::ServiceUnavailable, QStringLiteral("Server is shutting down")));
}

void ListsController::beginWrite(const ExchangePtr &ex)
{
    // The user's cached pages go now, and again once the write is committed, whatever the action
    // does (it may change rows and then fail): a page another loop read before the commit is not
    // kept (ListPageCache). Queued before the action's answer, so it runs before the answer.
    const qint64 user = ex->principal.userId;
    m_pages.forgetUser(user);
    m_db.beginGroup();
    if (m_db.inGroup())
        m_db.afterGroupCommit([this, user](bool) { m_pages.forgetUser(user); });
}

void ListsController::answer(
    const ExchangePtr &ex, const std::function<HttpResponse()> &action, bool durable)
{
    // Whatever the answer, errors included: a user's lists are nobody else's to cache.
    ex->addResponseHeader("Cache-Control", kNoStore);
    ex->runHandler([&] {
        HttpResponse response = mapStoreErrors(StoreRoutes::Lists, action);
        if (!durable) {
            ex->respond(std::move(response));
            return;
        }
        // A write is answered once the group it joined is committed: a 2xx means durable.
        m_db.afterGroupCommit([this, ex, response = std::move(response)](bool committed) mutable {
            if (committed) {
                // Again: a page another loop read before the commit is not kept (ListPageCache).
                m_pages.forgetUser(ex->principal.userId);
                ex->respond(std::move(response));
                return;
            }
            // Pages read inside the failed group may show rows that never made it.
            m_pages.clear();
            ex->fail(toApiError(StoreError::unavailable(QStringLiteral("the group commit failed")),
                StoreRoutes::Lists));
        });
    });
}

HttpResponse ListsController::list(const ExchangePtr &ex, ListKind kind)
{
    QueryFields q(ex->request());
    q.allowOnly({QStringLiteral("page"), QStringLiteral("limit"), QStringLiteral("contentType"),
        QStringLiteral("sort")});
    ListQuery query;
    query.userId = ex->principal.userId;
    const auto page = q.integer(QStringLiteral("page"), false, 1, 10000);
    const auto limit = q.integer(QStringLiteral("limit"), false, 1, 100);
    // The original frontend has no paging: it shows `data` as the whole list. So a read without
    // page and limit is the whole list (at most the cap); paging starts when the client asks.
    const bool paged = page || limit;
    query.page = int(page.value_or(1));
    query.limit = paged ? int(limit.value_or(20)) : m_maxItems;
    query.contentType = q.oneOf(QStringLiteral("contentType"), false, ListRules::contentTypes());
    query.sort = sortFrom(q.oneOf(QStringLiteral("sort"), false, kSorts).value_or(QString()));
    q.finish();

    quint64 ticket = 0;
    if (auto page = m_pages.find(kind, query, &ticket)) {
        HttpResponse cached;
        cached.body = std::move(*page);
        return cached;
    }
    const ListPage rows = m_store.list(kind, query);
    const ImageUrls images(m_images); // the catalogue's thread may change the original
    const qint64 totalPages = (rows.total + query.limit - 1) / query.limit;
    // Written straight to bytes: building QJsonObjects dominated the cost of a list read.
    HttpResponse r;
    r.body.reserve(256 + rows.items.size() * 400);
    JsonWriter w(&r.body);
    w.beginObject().field("success", true).key("data").beginArray();
    for (const ListItem &item : rows.items)
        writeListItem(w, item, kind, &images);
    w.endArray().key("meta").beginObject();
    w.field("page", query.page).field("limit", query.limit).field("total", rows.total);
    w.field("totalPages", totalPages).endObject().endObject();
    // Read inside an open write group (the primary loop), the rows may include writes not yet
    // committed: not for other loops to find.
    if (!m_db.inGroup())
        m_pages.store(kind, query, r.body, ticket);
    return r;
}

// The original backend's shape: the flag next to `data`, not inside it.
HttpResponse ListsController::check(const ExchangePtr &ex, ListKind kind)
{
    QueryFields q(ex->request());
    q.allowOnly({QStringLiteral("tmdbId"), QStringLiteral("contentType")});
    const auto tmdbId = q.integer(QStringLiteral("tmdbId"), true, 1, ListRules::kMaxTmdbId);
    const auto type = q.oneOf(QStringLiteral("contentType"), true, ListRules::contentTypes());
    q.finish();

    const auto item = m_store.find(kind, ex->principal.userId, *type, *tmdbId);
    return HttpResponse::object(QJsonObject {{"success", true},
        {kind == ListKind::Watchlist ? QStringLiteral("inWatchlist") : QStringLiteral("isFavorite"),
            item.has_value()},
        {"data", item ? QJsonValue(toJson(*item, kind)) : QJsonValue(QJsonValue::Null)}});
}

HttpResponse ListsController::add(const ExchangePtr &ex, ListKind kind)
{
    const ListItem item = parseNewItem(ex->request(), kind);
    const qint64 userId = ex->principal.userId;
    const auto duplicate = [&](const ListItem &existing) {
        ApiError e(ApiError::Code::Conflict,
            QStringLiteral("This title is already in your %1").arg(listName(kind)),
            QJsonArray {QJsonObject {{"field", "tmdbId"}, {"issue", "duplicate"}}});
        e.extra.insert(QStringLiteral("data"), toJson(existing, kind));
        return e;
    };
    // The cap keeps the unpaged read (the whole list) bounded. On PostgreSQL it is checked in
    // the insert itself, so several servers on one database hold it too.
    const ListStore::AddResult result = m_store.add(kind, userId, item, m_maxItems);
    if (result.full)
        throw ApiError(ApiError::Code::Conflict,
            QStringLiteral("Your %1 is full (%2 titles): remove a title to add another")
                .arg(listName(kind))
                .arg(m_maxItems),
            QJsonArray {QJsonObject {{"field", "list"}, {"issue", "full"}}});
    if (!result.created)
        throw duplicate(result.item);
    HttpResponse r;
    r.status = 201;
    JsonWriter w(&r.body);
    w.beginObject()
        .field("success", true)
        .field("message", QStringLiteral("Added to %1").arg(listName(kind)));
    w.key("data");
    const ImageUrls images(m_images);
    writeListItem(w, result.item, kind, &images);
    w.endObject();
    return r;
}

HttpResponse ListsController::removeById(const ExchangePtr &ex, ListKind kind)
{
    const qint64 id = pathId(ex->request(), QStringLiteral("id"));
    if (!m_store.removeById(kind, ex->principal.userId, id))
        throw notInList(kind);
    return HttpResponse::ok(QJsonObject {{"removed", true}});
}

HttpResponse ListsController::removeByKey(const ExchangePtr &ex, ListKind kind)
{
    const QString type = pathContentType(ex->request());
    const qint64 tmdbId = pathId(ex->request(), QStringLiteral("tmdbId"));
    if (!m_store.removeByKey(kind, ex->principal.userId, type, tmdbId))
        throw notInList(kind);
    return HttpResponse::ok(QJsonObject {{"removed", true}});
}

HttpResponse ListsController::patchWatchlist(const ExchangePtr &ex)
{
    const QString type = pathContentType(ex->request());
    const qint64 tmdbId = pathId(ex->request(), QStringLiteral("tmdbId"));
    const WatchlistChange change = parseChange(ex->request());
    const auto item = m_store.updateWatchlist(ex->principal.userId, type, tmdbId, change);
    if (!item)
        throw notInList(ListKind::Watchlist);
    return HttpResponse::ok(toJson(*item, ListKind::Watchlist));
}

void writeListItem(JsonWriter &w, const ListItem &item, ListKind kind, const ImageUrls *images)
{
    w.beginObject()
        .field("id", item.id)
        .field("tmdbId", item.tmdbId)
        .field("contentType", item.contentType)
        .field("title", item.title)
        .field("posterPath", item.posterPath);
    if (images)
        w.field(
            "posterUrl", images->url(ImageUrls::Kind::Poster, item.posterPath.value_or(QString())));
    w.field("backdropPath", item.backdropPath);
    if (images)
        w.field("backdropUrl",
            images->url(ImageUrls::Kind::Backdrop, item.backdropPath.value_or(QString())));
    w.field("overview", item.overview)
        .field("releaseDate", item.releaseDate)
        .field("voteAverage", item.voteAverage)
        .field("addedAt", isoUtc(item.addedAt));
    if (kind == ListKind::Watchlist) {
        w.field("note", item.note).field("watched", item.watched);
        w.field("watchedAt", item.watchedAt ? isoUtc(*item.watchedAt) : QString());
    }
    w.endObject();
}

// One shape, written once: single items go through the same writer as list pages.
QJsonObject ListsController::toJson(const ListItem &item, ListKind kind) const
{
    QByteArray bytes;
    JsonWriter w(&bytes);
    const ImageUrls images(m_images);
    writeListItem(w, item, kind, &images);
    return QJsonDocument::fromJson(bytes).object();
}

} // namespace marquee
