#pragma once

#include "controller.h"
#include "store/liststore.h"

#include <QHash>
#include <QJsonObject>

#include <functional>

namespace marquee {

class JsonWriter;

class Database;
class ImageUrls;

// The watchlist and favorites (docs/api.md, "User routes"; docs/lists.md): one route table for both
// lists, every route for the token's user only. Another user's item is answered like an absent one.
class ListsController : public Controller
{
public:
    ListsController(Database &db, const ImageUrls &images, int maxItems);
    void registerRoutes(Router &router) override;

private:
    void registerList(Router &router, ListKind kind);

    HttpResponse list(const ExchangePtr &ex, ListKind kind);
    HttpResponse check(const ExchangePtr &ex, ListKind kind);
    HttpResponse add(const ExchangePtr &ex, ListKind kind);
    HttpResponse removeById(const ExchangePtr &ex, ListKind kind);
    HttpResponse removeByKey(const ExchangePtr &ex, ListKind kind);
    HttpResponse patchWatchlist(const ExchangePtr &ex);

    // Runs an action and answers with its response or its error, both marked private/no-store.
    void answer(
        const ExchangePtr &ex, const std::function<HttpResponse()> &action, bool durable = false);
    // The action's response; a store failure thrown as the ApiError the client is told.
    static HttpResponse orApiError(const std::function<HttpResponse()> &action);
    QJsonObject toJson(const ListItem &item, ListKind kind) const;

    void forgetPages(qint64 userId);

    Database &m_db;
    ListStore m_store;
    const ImageUrls &m_images;
    const int m_maxItems; // per user and list
    // Serialised list pages per user, dropped on any write of theirs. Only where this process
    // is the database's only writer (SQLite); several servers on PostgreSQL read through.
    bool m_pageCacheEnabled;
    QHash<QString, QByteArray> m_pages;
    QHash<qint64, QStringList> m_pageKeysByUser;
    qint64 m_pageBytes = 0;
};

// One list item as JSON, the one shape of both lists: with its image URLs when images is given
// (list answers), without them when not (the export: data, not a view).
void writeListItem(JsonWriter &w, const ListItem &item, ListKind kind, const ImageUrls *images);

} // namespace marquee
