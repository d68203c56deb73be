#pragma once

#include "controller.h"
#include "listpagecache.h"
#include "store/liststore.h"

#include <QHash>
#include <QJsonObject>

#include <functional>
#include <mutex>

namespace marquee {

class JsonWriter;

class Database;
class ImageUrls;

// The watchlist and favorites (docs/api.md, "User routes"; docs/lists.md): one route table for both
// lists, every route for the token's user only. Another user's item is answered like an absent one.
class ListsController : public Controller
{
public:
    // Where a user's writes run, one after another in the order they were handed over: the
    // database workers (PostgreSQL), the primary event loop (SQLite: its group commit); false
    // when it takes no more work (shutting down). Empty: right where the request is served.
    using WriteLane = std::function<bool(qint64 userId, std::function<void()> work)>;
    ListsController(Database &db, const ImageUrls &images, int maxItems, WriteLane lane = {});
    void registerRoutes(Router &router) override;
    void releaseThread() override;

private:
    void registerList(Router &router, ListKind kind);

    HttpResponse list(const ExchangePtr &ex, ListKind kind);
    HttpResponse check(const ExchangePtr &ex, ListKind kind);
    HttpResponse add(const ExchangePtr &ex, ListKind kind);
    HttpResponse removeById(const ExchangePtr &ex, ListKind kind);
    HttpResponse removeByKey(const ExchangePtr &ex, ListKind kind);
    HttpResponse patchWatchlist(const ExchangePtr &ex);

    // Runs a write in the user's lane and answers it once durable.
    void write(const ExchangePtr &ex, std::function<HttpResponse()> action);
    // Runs a read here, or in the user's lane behind a write of theirs still in flight.
    void read(const ExchangePtr &ex, std::function<HttpResponse()> action);
    void countWrite(qint64 user, int delta);
    int writesInFlight(qint64 user) const;
    void refuseAtShutdown(const ExchangePtr &ex); // the lane takes no more work
    // A write is about to run: forgets the user's cached pages and joins the write group.
    void beginWrite(const ExchangePtr &ex);
    // Runs an action and answers with its response or its error, both marked private/no-store.
    void answer(
        const ExchangePtr &ex, const std::function<HttpResponse()> &action, bool durable = false);
    // The action's response; a store failure thrown as the ApiError the client is told.
    QJsonObject toJson(const ListItem &item, ListKind kind) const;

    Database &m_db;
    ListStore m_store;
    const ImageUrls &m_images;
    const int m_maxItems; // per user and list
    ListPageCache m_pages; // enabled on SQLite only
    const WriteLane m_lane;
    mutable std::mutex m_writesMutex;
    QHash<qint64, int> m_writesInFlight; // user -> writes handed over, not yet committed
};

// One list item as JSON, the one shape of both lists: with its image URLs when images is given
// (list answers), without them when not (the export: data, not a view).
void writeListItem(JsonWriter &w, const ListItem &item, ListKind kind, const ImageUrls *images);

} // namespace marquee
