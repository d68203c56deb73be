#pragma once

#include "httpdate.h" // every final answer carries Date
#include "httpresponse.h"

#include <QByteArray>
#include <QList>

namespace marquee {

// What an answer's bytes depend on beyond the response itself.
struct AnswerContext
{
    QByteArray requestId;
    QList<Header> pipelineHeaders; // added on the way (CORS, rate limit), before the route's own
    bool close = false; // the connection closes after this answer
    bool withBody = true; // false for HEAD: the headers of the GET, no body
};

// The one way out for every answer, whoever made it: the pipeline's (HttpServer::finishExchange)
// and the connection guard's refusals and over-capacity 503s alike, so every answer carries the
// headers docs/api.md promises in "Headers on every answer" (Date, X-Request-Id, the security
// headers, Cache-Control: no-store unless one is set) and its framing
// (Content-Length; none on 1xx, 204 and 304, RFC 9110 §8.6). One buffer, so the answer goes out in
// one write, and no list of headers built on the way: this runs for every request.
QByteArray serializeAnswer(const HttpResponse &response, const AnswerContext &context);
// The same answer in two parts: its head (status line and headers) written into `head`, whose
// allocation is reused, and the body that follows it, returned (empty: none; a view of
// response.body). The pipeline's way out: Connection::deliver() copies both into the socket's
// write buffer, whose block is itself reused, so an answer allocates nothing on its way out.
QByteArrayView serializeAnswerHead(
    QByteArray &head, const HttpResponse &response, const AnswerContext &context);

} // namespace marquee
