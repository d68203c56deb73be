#pragma once

#include "controller.h"

namespace marquee {

class MarqueeServer;

// GET /health (API.md §6) and GET /api/openapi.json.
class HealthController : public Controller
{
public:
    explicit HealthController(MarqueeServer &server)
        : m_server(server)
    { }
    void registerRoutes(Router &router) override;

private:
    void health(const ExchangePtr &ex);
    void openapi(const ExchangePtr &ex);
    MarqueeServer &m_server;
};

} // namespace marquee
