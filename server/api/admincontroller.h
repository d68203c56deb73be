#pragma once

#include "controller.h"

namespace marquee {

class ServerStatus;
class UserStore;

// Admin routes (docs/api.md, "Operational routes"): only users in ADMIN_USER_IDS.
class AdminController : public Controller
{
public:
    AdminController(ServerStatus &status, UserStore &users)
        : m_status(status)
        , m_users(users)
    { }
    void registerRoutes(Router &router) override;

private:
    void stats(const ExchangePtr &ex);
    void users(const ExchangePtr &ex);
    void purgeCache(const ExchangePtr &ex);
    void restoreUser(const ExchangePtr &ex);
    ServerStatus &m_status;
    UserStore &m_users;
};

} // namespace marquee
