#include "wire.h"

#include "httpresponse.h"

#include <QRandomGenerator>

#include <cstdio>
#include <ctime>

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
    // An origin server with a clock sends Date on every final answer (RFC 9110 §6.6.1).
    if (status >= 200)
        out.append("Date: ").append(httpDate()).append("\r\n");
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

QByteArray formatHttpDate(qint64 secondsSinceEpoch)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4]
        = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t t = std::time_t(secondsSinceEpoch);
    std::tm tm {};
    gmtime_r(&t, &tm);
    // Built by hand: strftime's names follow the C locale, which a process may have changed.
    char buf[40];
    const int n
        = std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday],
            tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return QByteArray(buf, n);
}

QByteArray httpDate()
{
    // Formatted once a second per thread, not once per answer.
    thread_local qint64 second = -1;
    thread_local QByteArray value;
    const qint64 now = std::time(nullptr);
    if (now != second) {
        second = now;
        value = formatHttpDate(now);
    }
    return value;
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
