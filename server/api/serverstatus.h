#pragma once

#include <QString>

namespace marquee {

class CatalogueService;
class ImageCache;

// A snapshot of what the server is doing, for /health, the admin API and the admin window.
struct HealthSnapshot
{
    bool databaseOk = false;
    bool shuttingDown = false;
    QString tmdb; // ok | offline | demo | unconfigured
    qint64 cacheEntries = 0;
    // Where cacheEntries were counted: "database" (what `marquee cache stats` shows), or
    // "memory" for the demo catalogue, whose answers are never written to the database.
    QString cacheScope = QStringLiteral("database");
    double cacheHitRatio = 0;
    qint64 uptimeSeconds = 0;
    quint64 requestsServed = 0;
    int inFlight = 0;
};

// What the health and admin routes may see of the running server: a snapshot to read and the
// catalogue whose statistics they show and whose cache the admin purges. The controllers hold
// this narrow view, not the object that wires everything (core/MarqueeServer implements it), so
// api/ never depends on core/.
//
// @code
// class HealthController : public Controller {
//     explicit HealthController(ServerStatus &status) : m_status(status) { }
//     ...  const HealthSnapshot h = m_status.health();
// };
// @endcode
class ServerStatus
{
public:
    virtual ~ServerStatus() = default;
    // Cheap enough for every /health request: the database ping behind it is rate-limited.
    virtual HealthSnapshot health() = 0;
    // Null while the server is not started.
    virtual CatalogueService *catalogue() = 0;
    // Null while the server is not started.
    virtual ImageCache *imageCache() { return nullptr; }
};

} // namespace marquee
