#pragma once

#include <QString>

namespace marquee {

class CatalogueService;
class ClerkAuthenticator;
class UserStore;

// What an administrator may do to the running server, one implementation for every way of asking:
// the admin API's routes and the admin window's buttons both call these, on the server's thread.
// Each returns after its change is committed; the store's failures are thrown (StoreError).
//
// @code
// AdminActions actions(users, auth, &catalogue);
// const qint64 gone = actions.purgeCache(QStringLiteral("search")); // one category
// actions.deleteUser(42);                                            // lists go with the user
// @endcode
class AdminActions
{
public:
    AdminActions(UserStore &users, ClerkAuthenticator &auth, CatalogueService *catalogue)
        : m_users(users)
        , m_auth(auth)
        , m_catalogue(catalogue)
    { }

    // Empties the catalogue cache (both layers), or one category of it ("trending", "lists",
    // "details", "reference", "search"); returns the entries removed.
    qint64 purgeCache(const QString &category = {});
    // Removes every expired cache entry; returns how many went.
    qint64 pruneExpired();
    // Revokes every session of the user; returns how many were active, or -1 when there is no
    // such user. Tokens of those sessions are refused from now on (403, revoked session).
    int signOutEverywhere(qint64 userId);
    // Deletes the user with their watchlist, favorites and sessions (as DELETE /api/user does);
    // false when there is no such user. Clerk's account is untouched: a later sign-in starts a
    // new, empty user.
    bool deleteUser(qint64 userId);

private:
    UserStore &m_users;
    ClerkAuthenticator &m_auth;
    CatalogueService *m_catalogue;
};

} // namespace marquee
