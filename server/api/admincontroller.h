#pragma once

#include "controller.h"

namespace marquee {

class AdminActions;
class ServerStatus;
class UserStore;

// Admin routes (docs/api.md, "Operational routes"): only users in ADMIN_USER_IDS.
class AdminController : public Controller
{
public:
    AdminController(ServerStatus &status, UserStore &users, AdminActions &actions)
        : m_status(status)
        , m_users(users)
        , m_actions(actions)
    { }
    void registerRoutes(Router &router) override;

private:
    void stats(const ExchangePtr &ex);
    void users(const ExchangePtr &ex);
    void purgeCache(const ExchangePtr &ex);
    void restoreUser(const ExchangePtr &ex);
    void deleteUser(const ExchangePtr &ex);
    void signOutUser(const ExchangePtr &ex);
    qint64 userIdParam(const ExchangePtr &ex); // the {clerkId} route parameter's user, or 404
    ServerStatus &m_status;
    UserStore &m_users;
    AdminActions &m_actions;
};

} // namespace marquee
