#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace marquee {

// One request to TMDB's v3 API, as TMDB's spec allows it: a path without the /3 prefix and the
// query parameters (never the API key). Its cache key is the path plus the sorted parameters.
struct UpstreamRequest
{
    QString path; // "/movie/550"
    QList<std::pair<QString, QString>> params;

    void add(const QString &name, const QString &value) { params.append({name, value}); }
    QString cacheKey() const;
};

struct UpstreamResult
{
    enum class Kind { Ok, NotFound, KeyRejected, RateLimited, ServerError, NetworkError, Timeout };
    Kind kind = Kind::NetworkError;
    int status = 0;
    QByteArray body;
    QString detail; // for the log; never contains the key
};

} // namespace marquee
