#include "httprequest.h"

#include <QHttpServerRequest>

namespace marquee {

QByteArray methodName(HttpMethod method)
{
    switch (method) {
    case HttpMethod::Get:
        return QByteArrayLiteral("GET");
    case HttpMethod::Head:
        return QByteArrayLiteral("HEAD");
    case HttpMethod::Post:
        return QByteArrayLiteral("POST");
    case HttpMethod::Put:
        return QByteArrayLiteral("PUT");
    case HttpMethod::Patch:
        return QByteArrayLiteral("PATCH");
    case HttpMethod::Delete:
        return QByteArrayLiteral("DELETE");
    case HttpMethod::Options:
        return QByteArrayLiteral("OPTIONS");
    case HttpMethod::Other:
        break;
    }
    return QByteArrayLiteral("OTHER");
}

static HttpMethod fromQtMethod(QHttpServerRequest::Method m)
{
    using M = QHttpServerRequest::Method;
    switch (m) {
    case M::Get:
        return HttpMethod::Get;
    case M::Head:
        return HttpMethod::Head;
    case M::Post:
        return HttpMethod::Post;
    case M::Put:
        return HttpMethod::Put;
    case M::Patch:
        return HttpMethod::Patch;
    case M::Delete:
        return HttpMethod::Delete;
    case M::Options:
        return HttpMethod::Options;
    default:
        return HttpMethod::Other;
    }
}

HttpRequest HttpRequest::fromQt(const QHttpServerRequest &request)
{
    HttpRequest r;
    r.method = fromQtMethod(request.method());
    r.rawMethod = methodName(r.method); // static text: no allocation
    const QUrl url = request.url();
    r.path = url.path(QUrl::FullyDecoded);
    if (r.path.isEmpty())
        r.path = QStringLiteral("/");
    // Form-style '+' means a space (axios encodes spaces so and Express decoded them); a literal
    // plus arrives as %2B and stays one.
    r.query
        = QUrlQuery(url.query(QUrl::FullyEncoded).replace(QLatin1Char('+'), QLatin1String("%20")));
    r.headers = request.headers(); // QPair is std::pair: the parser's list, shared
    r.body = request.body();
    r.remoteAddress = request.remoteAddress();
    return r;
}

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto &h : headers) {
        if (sameName(h.first, name))
            return h.second;
    }
    return {};
}

std::optional<QString> HttpRequest::queryValue(const QString &key) const
{
    if (!query.hasQueryItem(key))
        return std::nullopt;
    return query.queryItemValue(key, QUrl::FullyDecoded);
}

} // namespace marquee
