#include "cors.h"

namespace marquee {

bool appendCorsHeaders(
    QList<Header> &headers, const QStringList &allowedOrigins, const QByteArray &origin)
{
    if (allowedOrigins.isEmpty())
        return false;
    headers.append(Header {"Vary", "Origin"});
    if (origin.isEmpty() || !allowedOrigins.contains(QString::fromUtf8(origin)))
        return false;
    headers.append(Header {"Access-Control-Allow-Origin", origin});
    headers.append(Header {"Access-Control-Allow-Credentials", "true"});
    headers.append(Header {"Access-Control-Expose-Headers",
        "X-Request-Id, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, "
        "Retry-After, ETag, X-Cache, X-Marquee-Catalogue"});
    return true;
}

} // namespace marquee
