#include "exchange.h"

#include "apierror.h"
#include "httpserver.h"
#include "log/categories.h"

namespace marquee {

Exchange::Exchange(
    HttpServer *server, QTcpSocket *socket, HttpRequest request, QByteArray requestId)
    : m_server(server)
    , m_socket(socket)
    , m_request(std::move(request))
    , m_requestId(std::move(requestId))
{
    m_timer.start();
    m_extraHeaders.reserve(8); // CORS and rate limit: one allocation, not one per header
}

Exchange::~Exchange()
{
    if (m_answered || !m_server)
        return;
    // A route may stop working for a client that has gone (a long export does): nobody is left
    // to answer, and it is not a server fault. It is recorded (the access line says client-gone)
    // with nginx's 499 "client closed request", never as a 500.
    if (isClientGone()) {
        qCDebug(lcHttp) << "request" << m_requestId << "ended unanswered: the client went away";
        respond(HttpResponse::empty(kClientClosedRequest));
        return;
    }
    // A route that dropped its exchange without answering is a bug; the client still gets one.
    qCCritical(lcHttp) << "request" << m_requestId << "was dropped without an answer";
    fail(ApiError(ApiError::Code::Internal, QStringLiteral("Internal server error")));
}

void Exchange::addResponseHeader(const QByteArray &name, const QByteArray &value)
{
    m_extraHeaders.append({name, value});
}

void Exchange::respond(HttpResponse response)
{
    if (m_answered) {
        qCWarning(lcHttp) << "second answer for request" << m_requestId << "ignored";
        return;
    }
    m_answered = true;
    if (m_server)
        m_server->finishExchange(*this, std::move(response));
}

void Exchange::fail(const ApiError &error)
{
    respond(HttpResponse::error(error, m_requestId));
}

void Exchange::runHandler(const std::function<void()> &fn)
{
    try {
        fn();
    } catch (const ApiError &e) {
        fail(e);
    } catch (const std::exception &e) {
        qCCritical(lcHttp) << "unhandled exception in" << m_request.rawMethod << m_request.path
                           << "request" << m_requestId << ":" << e.what();
        fail(ApiError(ApiError::Code::Internal, QStringLiteral("Internal server error")));
    }
}

} // namespace marquee
