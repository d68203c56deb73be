#include "wire.h"

#include <algorithm>

namespace marquee {

namespace {

bool isVary(const Header &h)
{
    return h.first == "Vary";
}

bool hasHeader(const QList<Header> &headers, QByteArrayView name)
{
    return std::any_of(headers.begin(), headers.end(),
        [name](const Header &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
}

} // namespace

QByteArray serializeAnswer(const HttpResponse &response, const AnswerContext &context)
{
    const int status = response.status;
    const bool isFinal = status >= 200;
    const bool bodyless = !isFinal || status == 204 || status == 304;
    const bool withBody = context.withBody && !bodyless;
    const QList<Header> &pipeline = context.pipelineHeaders;

    QByteArray out;
    out.reserve(512 + (pipeline.size() + response.headers.size()) * 48
        + (withBody ? response.body.size() : 0));
    const auto line = [&out](QByteArrayView name, QByteArrayView value) {
        out.append(name).append(": ").append(value).append("\r\n");
    };
    out.append("HTTP/1.1 ")
        .append(QByteArray::number(status))
        .append(' ')
        .append(reasonPhrase(status))
        .append("\r\n");
    if (!response.contentType.isEmpty() && status != 204 && status != 304)
        line("Content-Type", response.contentType);
    line("X-Request-Id", context.requestId);
    line("X-Content-Type-Options", "nosniff");
    line("Referrer-Policy", "no-referrer");
    if (response.contentType.startsWith("text/html")
        && !hasHeader(response.headers, "Content-Security-Policy"))
        line("Content-Security-Policy",
            "default-src 'self'; img-src 'self' https://image.tmdb.org data:; "
            "frame-ancestors 'none'; base-uri 'none'");
    if (!hasHeader(response.headers, "Cache-Control") && !hasHeader(pipeline, "Cache-Control"))
        line("Cache-Control", "no-store");

    // One Vary line: the pipeline's Origin and the route's Authorization are one list.
    const auto varies = std::count_if(pipeline.begin(), pipeline.end(), isVary)
        + std::count_if(response.headers.begin(), response.headers.end(), isVary);
    bool varyWritten = false;
    const auto header = [&](const Header &h) {
        if (varies < 2 || !isVary(h)) {
            line(h.first, h.second);
            return;
        }
        if (std::exchange(varyWritten, true))
            return;
        out.append("Vary: ");
        const char *separator = "";
        for (const QList<Header> *list : {&pipeline, &response.headers}) {
            for (const Header &v : *list) {
                if (isVary(v))
                    out.append(std::exchange(separator, ", ")).append(v.second);
            }
        }
        out.append("\r\n");
    };
    for (const Header &h : pipeline)
        header(h);
    for (const Header &h : response.headers)
        header(h);
    if (context.close && !hasHeader(response.headers, "Connection")
        && !hasHeader(pipeline, "Connection"))
        line("Connection", "close");
    // An origin server with a clock sends Date on every final answer (RFC 9110 §6.6.1).
    if (isFinal)
        line("Date", httpDate());
    // HEAD carries the GET's length.
    if (!bodyless)
        out.append("Content-Length: ")
            .append(QByteArray::number(
                response.bodyLength >= 0 ? response.bodyLength : response.body.size()))
            .append("\r\n");
    out.append("\r\n");
    if (withBody)
        out.append(response.body);
    return out;
}

} // namespace marquee
