#pragma once

#include "http/router.h"

namespace marquee {

// One controller per resource (qBittorrent's webui/api model): registerRoutes() is the route
// table of that resource; each action reads parameters, calls a service, answers.
class Controller
{
public:
    virtual ~Controller() = default;
    virtual void registerRoutes(Router &router) = 0;
};

} // namespace marquee
