#pragma once

#include "controller.h"

namespace marquee {

class MarqueeServer;
class UserStore;

// Admin routes (docs/api.md, "Operational routes"): only users in ADMIN_USER_IDS.
class AdminController : public Controller
{
public:
    AdminController(MarqueeServer &server, UserStore &users)
        : m_server(server)
        , m_users(users)
    { }
    void registerRoutes(Router &router) override;

private:
    void stats(const ExchangePtr &ex);
    void users(const ExchangePtr &ex);
    void purgeCache(const ExchangePtr &ex);
    void restoreUser(const ExchangePtr &ex);
    MarqueeServer &m_server;
    UserStore &m_users;
};

} // namespace marquee
