#pragma once

#include "http/apierror.h"
#include "http/router.h"
#include "store/storeerror.h"

namespace marquee {

// The route families and how each answers a store failure. The two families have answered
// differently since they were written, and clients see those answers, so they are kept exactly:
enum class StoreRoutes {
    // The list routes and the export: no database 503 "The database is unavailable", a statement
    // that failed 500 "Internal server error".
    Lists,
    // The user, admin and webhook routes: every failure 503 "Database unavailable".
    Account,
};

// The one place where a StoreError becomes an HTTP answer (stores report StoreError, api/ alone
// maps it). What went wrong (the StoreError's message) stays in the log; the client
// learns only what kind of failure it was. A schema newer than the build (never seen by a running
// server: it refuses to start) is a 500 in both families.
ApiError toApiError(const StoreError &error, StoreRoutes routes);

// Runs fn; a StoreError it throws is thrown on as toApiError(routes). For the work a route does
// later (a callback, a slice on a later turn), which storeRoute() does not cover.
template<typename Fn> decltype(auto) mapStoreErrors(StoreRoutes routes, Fn &&fn)
{
    try {
        return fn();
    } catch (const StoreError &e) {
        throw toApiError(e, routes);
    }
}

// The handler, with a StoreError it throws answered by toApiError(routes): what a controller's
// route table wraps around the handlers that reach a store.
Handler storeRoute(StoreRoutes routes, Handler handler);

} // namespace marquee
