#pragma once

#include "http/router.h"

namespace marquee {

// One controller per resource (qBittorrent's webui/api model): registerRoutes() is the route
// table of that resource; each action reads parameters, calls a service, answers.
//
// The contract of an action: validate everything first (QueryFields / JsonFields throw ApiError
// with the field and the issue), so a client's mistake changes nothing; then call the domain
// (stores and services report their own errors; this layer alone turns them into ApiError); then
// answer the Exchange exactly once, now or from a callback later. An action never blocks the
// event loop on the network.
//
// @code
// void ThingController::registerRoutes(Router &router)
// {
//     router.get(QStringLiteral("/api/things/{id}"), [this](const ExchangePtr &ex) { show(ex); })
//         .withAccess(Access::User);
// }
//
// void ThingController::show(const ExchangePtr &ex)
// {
//     QueryFields q(ex->request());
//     q.allowOnly({});
//     q.finish();                          // 400 with details on anything unknown
//     const qint64 id = pathId(ex->request(), QStringLiteral("id")); // 400 on a bad id
//     ex->respond(HttpResponse::ok(QJsonObject {{"id", id}}));
// }
// @endcode
class Controller
{
public:
    virtual ~Controller() = default;
    virtual void registerRoutes(Router &router) = 0;
    // A secondary event loop ends: what the controller holds for the calling thread (prepared
    // statements of its database connection) goes.
    virtual void releaseThread() { }
};

} // namespace marquee
