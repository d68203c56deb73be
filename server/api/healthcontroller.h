#pragma once

#include "controller.h"

namespace marquee {

class MarqueeServer;

// GET /health and GET /api/openapi.json (docs/api.md, "Operational routes").
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
