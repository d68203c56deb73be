#pragma once

#include <QStringList>

namespace marquee {

// Limits and policies of the HTTP layer (filled from Config).
struct HttpOptions
{
    qint64 maxBodyBytes = 64 * 1024;
    qint64 maxHeaderBytes = 16 * 1024;
    int idleTimeoutMs = 30000;
    int maxConnections = 1000;
    int maxConnectionsPerClient = 100; // per remote address, so one client cannot take every slot
    int listenBacklog = 1024;
    QStringList allowedOrigins {QStringLiteral("http://localhost:5173")};
    int corsMaxAgeSeconds = 600;
};

} // namespace marquee
