#pragma once

#include <QByteArray>
#include <QString>

namespace marquee {

// One answered (or refused) request, as the access log shows it.
struct AccessRecord
{
    QByteArray method;
    QString path; // never the query string: it may carry secrets
    int status = 0;
    double durationMs = 0;
    qint64 bytes = 0;
    QByteArray requestId;
    qint64 userId = 0;
    bool clientGone = false;
};

// Where the HTTP layer sends one record per request. The narrow view of the Logger that the
// HTTP server needs: it is handed one by whoever wires it, and never looks a logger up.
class AccessLog
{
public:
    virtual void logAccess(const AccessRecord &record) = 0;

protected:
    AccessLog() = default;
    ~AccessLog() = default;
    Q_DISABLE_COPY_MOVE(AccessLog)
};

} // namespace marquee
