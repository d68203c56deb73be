#pragma once

#include "controller.h"

#include <QJsonObject>

namespace marquee {

class ClerkAuthenticator;
class UserStore;
struct UserRecord;

// The caller's own account (docs/api.md, "User routes"): profile, settings, export, Clerk sync,
// sessions.
class UserController : public Controller
{
public:
    UserController(UserStore &users, ClerkAuthenticator &auth)
        : m_users(users)
        , m_auth(auth)
    { }
    void registerRoutes(Router &router) override;

    static QJsonObject profileJson(
        const UserRecord &user, qint64 watchlistCount, qint64 favoritesCount);

private:
    void profile(const ExchangePtr &ex);
    void updateProfile(const ExchangePtr &ex);
    void deleteProfile(const ExchangePtr &ex);
    void exportData(const ExchangePtr &ex);
    void sync(const ExchangePtr &ex);
    void sessions(const ExchangePtr &ex);
    void revokeSession(const ExchangePtr &ex);
    HttpResponse profileResponse(qint64 userId);

    UserStore &m_users;
    ClerkAuthenticator &m_auth;
};

// ISO-8601 UTC with milliseconds, or null for 0.
QJsonValue isoTime(qint64 ms);
HttpResponse privateResponse(HttpResponse r); // Cache-Control: private, no-store

} // namespace marquee
