#pragma once

#include "controller.h"

namespace marquee {

class ServerStatus;

// GET /health and GET /api/openapi.json (docs/api.md, "Operational routes").
class HealthController : public Controller
{
public:
    explicit HealthController(ServerStatus &status)
        : m_status(status)
    { }
    void registerRoutes(Router &router) override;

private:
    void health(const ExchangePtr &ex);
    void openapi(const ExchangePtr &ex);
    ServerStatus &m_status;
};

} // namespace marquee
