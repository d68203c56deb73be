#include "wire.h"

#include "httpresponse.h"

#include <QRandomGenerator>

namespace marquee {

QByteArray serializeResponse(int status, const QList<std::pair<QByteArray, QByteArray>> &headers,
    const QByteArray &body, bool withBody)
{
    QByteArray out;
    out.reserve(256 + headers.size() * 48 + (withBody ? body.size() : 0));
    out.append("HTTP/1.1 ")
        .append(QByteArray::number(status))
        .append(' ')
        .append(reasonPhrase(status))
        .append("\r\n");
    for (const auto &h : headers)
        out.append(h.first).append(": ").append(h.second).append("\r\n");
    // 1xx, 204 and 304 carry no Content-Length (RFC 9110 §8.6); HEAD carries the GET's length.
    if (status >= 200 && status != 204 && status != 304)
        out.append("Content-Length: ").append(QByteArray::number(body.size())).append("\r\n");
    out.append("\r\n");
    if (withBody && status != 204 && status != 304)
        out.append(body);
    return out;
}

void appendSecurityHeaders(
    QList<std::pair<QByteArray, QByteArray>> &headers, const QByteArray &contentType)
{
    headers.append(Header {"X-Content-Type-Options", "nosniff"});
    headers.append(Header {"Referrer-Policy", "no-referrer"});
    if (contentType.startsWith("text/html"))
        headers.append(Header {"Content-Security-Policy",
            "default-src 'self'; img-src 'self' https://image.tmdb.org data:; "
            "frame-ancestors 'none'; base-uri 'none'"});
}

QByteArray newRequestId()
{
    quint64 words[2];
    QRandomGenerator::global()->fillRange(words);
    return QByteArray(reinterpret_cast<const char *>(words), sizeof(words)).toHex();
}

bool isValidRequestId(const QByteArray &id)
{
    if (id.isEmpty() || id.size() > 128)
        return false;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '.' || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

} // namespace marquee
