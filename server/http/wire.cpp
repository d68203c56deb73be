#include "wire.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace marquee {

namespace {

bool isVary(const Header &h)
{
    return h.first == QByteArrayView("Vary");
}

bool hasHeader(const QList<Header> &headers, QByteArrayView name)
{
    return std::any_of(headers.begin(), headers.end(),
        [name](const Header &h) { return sameName(h.first, name); });
}

// Writes into a buffer sized beforehand for everything it will be given (serializeAnswer adds
// up an upper bound): no capacity checks, no reallocation, one memcpy a piece.
class Writer
{
public:
    explicit Writer(char *at)
        : m_at(at)
    { }
    Writer &add(QByteArrayView text)
    {
        if (!text.isEmpty()) // memcpy is not given a null pointer
            std::memcpy(m_at, text.data(), size_t(text.size()));
        m_at += text.size();
        return *this;
    }
    Writer &add(char c)
    {
        *m_at++ = c;
        return *this;
    }
    Writer &number(qint64 n)
    {
        m_at = std::to_chars(m_at, m_at + 20, n).ptr;
        return *this;
    }
    Writer &line(QByteArrayView name, QByteArrayView value)
    {
        return add(name).add(": ").add(value).add("\r\n");
    }
    char *end() const { return m_at; }

private:
    char *m_at;
};

constexpr QByteArrayView kCsp = "default-src 'self'; img-src 'self' https://image.tmdb.org data:; "
                                "frame-ancestors 'none'; base-uri 'none'";

// Writes the answer into `out` (its allocation reused when large enough): the head, and the body
// too when `withBodyInOut`. Returns the body the answer carries (empty: none).
QByteArrayView writeAnswer(
    QByteArray &out, const HttpResponse &response, const AnswerContext &context, bool withBodyInOut)
{
    const int status = response.status;
    const bool isFinal = status >= 200;
    const bool bodyless = !isFinal || status == 204 || status == 304;
    const bool withBody = context.withBody && !bodyless;
    const QList<Header> &pipeline = context.pipelineHeaders;

    // An upper bound of the answer's size: the fixed lines (with the CSP) fit in 512 bytes, each
    // header in its name, value and 4 more (": " and CRLF, or ", " when merged into Vary).
    const QByteArray &date = httpDate();
    const QByteArray reason = reasonPhrase(status);
    qsizetype bound = 512 + kCsp.size() + reason.size() + response.contentType.size()
        + context.requestId.size() + date.size()
        + (withBody && withBodyInOut ? response.body.size() : 0);
    for (const QList<Header> *list : {&pipeline, &response.headers}) {
        for (const Header &h : *list)
            bound += h.first.size() + h.second.size() + 4;
    }
    out.resize(bound);
    Writer w(out.data());

    w.add("HTTP/1.1 ").number(status).add(' ').add(reason).add("\r\n");
    if (!response.contentType.isEmpty() && status != 204 && status != 304)
        w.line("Content-Type", response.contentType);
    w.line("X-Request-Id", context.requestId);
    w.add("X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n");
    if (response.contentType.startsWith("text/html")
        && !hasHeader(response.headers, "Content-Security-Policy"))
        w.line("Content-Security-Policy", kCsp);
    if (!hasHeader(response.headers, "Cache-Control") && !hasHeader(pipeline, "Cache-Control"))
        w.add("Cache-Control: no-store\r\n");

    // One Vary line: the pipeline's Origin and the route's Authorization are one list.
    const auto varies = std::count_if(pipeline.begin(), pipeline.end(), isVary)
        + std::count_if(response.headers.begin(), response.headers.end(), isVary);
    bool varyWritten = false;
    const auto header = [&](const Header &h) {
        if (varies < 2 || !isVary(h)) {
            w.line(h.first, h.second);
            return;
        }
        if (std::exchange(varyWritten, true))
            return;
        w.add("Vary: ");
        const char *separator = "";
        for (const QList<Header> *list : {&pipeline, &response.headers}) {
            for (const Header &v : *list) {
                if (isVary(v))
                    w.add(std::exchange(separator, ", ")).add(v.second);
            }
        }
        w.add("\r\n");
    };
    for (const Header &h : pipeline)
        header(h);
    for (const Header &h : response.headers)
        header(h);
    if (context.close && !hasHeader(response.headers, "Connection")
        && !hasHeader(pipeline, "Connection"))
        w.add("Connection: close\r\n");
    // An origin server with a clock sends Date on every final answer (RFC 9110 §6.6.1).
    if (isFinal)
        w.line("Date", date);
    // HEAD carries the GET's length.
    if (!bodyless)
        w.add("Content-Length: ")
            .number(response.bodyLength >= 0 ? response.bodyLength : response.body.size())
            .add("\r\n");
    w.add("\r\n");
    if (withBody && withBodyInOut)
        w.add(response.body);
    out.truncate(w.end() - out.constData());
    return withBody ? QByteArrayView(response.body) : QByteArrayView();
}

} // namespace

QByteArray serializeAnswer(const HttpResponse &response, const AnswerContext &context)
{
    QByteArray out;
    writeAnswer(out, response, context, true);
    return out;
}

QByteArrayView serializeAnswerHead(
    QByteArray &head, const HttpResponse &response, const AnswerContext &context)
{
    return writeAnswer(head, response, context, false);
}

} // namespace marquee
