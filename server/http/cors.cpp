#include "cors.h"

namespace marquee {

namespace {

bool originAllowed(const QStringList &allowedOrigins, const QByteArray &origin)
{
    for (char c : origin) {
        if (uchar(c) >= 0x80) // not ASCII: compared as text
            return allowedOrigins.contains(QString::fromUtf8(origin));
    }
    const QLatin1String ascii(origin.constData(), origin.size());
    for (const QString &allowed : allowedOrigins) {
        if (allowed == ascii)
            return true;
    }
    return false;
}

} // namespace

bool appendCorsHeaders(
    QList<Header> &headers, const QStringList &allowedOrigins, const QByteArray &origin)
{
    if (allowedOrigins.isEmpty())
        return false;
    // Static text (no allocation on every request); the origin is shared with the request.
    static const Header vary {QByteArrayLiteral("Vary"), QByteArrayLiteral("Origin")};
    static const QByteArray allowOrigin = QByteArrayLiteral("Access-Control-Allow-Origin");
    static const Header credentials {
        QByteArrayLiteral("Access-Control-Allow-Credentials"), QByteArrayLiteral("true")};
    static const Header expose {QByteArrayLiteral("Access-Control-Expose-Headers"),
        QByteArrayLiteral("X-Request-Id, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, "
                          "Retry-After, ETag, X-Cache, X-Marquee-Catalogue")};
    headers.append(vary);
    if (origin.isEmpty() || !originAllowed(allowedOrigins, origin))
        return false;
    headers.append(Header {allowOrigin, origin});
    headers.append(credentials);
    headers.append(expose);
    return true;
}

} // namespace marquee
