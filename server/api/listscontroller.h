#pragma once

#include "controller.h"
#include "listpagecache.h"
#include "store/liststore.h"

#include <QJsonObject>

#include <functional>

namespace marquee {

class JsonWriter;

class Database;
class DatabaseWorkers;
class ImageUrls;

// The watchlist and favorites (docs/api.md, "User routes"; docs/lists.md): one route table for both
// lists, every route for the token's user only. Another user's item is answered like an absent one.
class ListsController : public Controller
{
public:
    // writers: where writes run (PostgreSQL; DatabaseWorkers), or null: on the event loop.
    ListsController(
        Database &db, const ImageUrls &images, int maxItems, DatabaseWorkers *writers = nullptr);
    void registerRoutes(Router &router) override;
    void releaseThread() override;

private:
    // PostgreSQL: writes run on every event loop too (SQLite: on the primary's group commit).
    bool writesOnAnyLoop() const;
    void registerList(Router &router, ListKind kind);

    HttpResponse list(const ExchangePtr &ex, ListKind kind);
    HttpResponse check(const ExchangePtr &ex, ListKind kind);
    HttpResponse add(const ExchangePtr &ex, ListKind kind);
    HttpResponse removeById(const ExchangePtr &ex, ListKind kind);
    HttpResponse removeByKey(const ExchangePtr &ex, ListKind kind);
    HttpResponse patchWatchlist(const ExchangePtr &ex);

    // Runs a write and answers it durable: on a database worker when there are writers, else
    // here.
    void write(const ExchangePtr &ex, std::function<HttpResponse()> action);
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
    DatabaseWorkers *const m_writers;
};

// One list item as JSON, the one shape of both lists: with its image URLs when images is given
// (list answers), without them when not (the export: data, not a view).
void writeListItem(JsonWriter &w, const ListItem &item, ListKind kind, const ImageUrls *images);

} // namespace marquee
