#include "exchange.h"

#include "apierror.h"
#include "config/handoff.h"
#include "httpserver.h"
#include "log/categories.h"

#include <QThread>

namespace marquee {

EventLoopHome::EventLoopHome(Mailbox *mailbox)
    : m_mailbox(mailbox)
    , m_thread(mailbox->thread())
{ }

bool EventLoopHome::isCurrent() const
{
    return QThread::currentThread() == m_thread;
}

bool EventLoopHome::post(std::function<void()> fn)
{
    std::unique_lock lock(m_mutex);
    if (!m_mailbox)
        return false;
    // Posting is safe while the context exists, and close() waits for this lock; an event still
    // queued when the context goes is destroyed with it, on its thread.
    m_mailbox->post(std::move(fn));
    return true;
}

void EventLoopHome::close()
{
    std::unique_lock lock(m_mutex);
    m_mailbox = nullptr;
}

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
    // Away from its loop only when that loop has stopped (HttpServer's deleter): nobody to answer.
    if (m_answered || !m_server || (m_home && !m_home->isCurrent()))
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

bool Exchange::isClientGone() const
{
    if (m_home && !m_home->isCurrent())
        return m_clientClosed && m_clientClosed->load(std::memory_order_acquire);
    return m_socket.isNull() || m_socket->state() != QAbstractSocket::ConnectedState;
}

void Exchange::runAtHome(std::function<void()> fn)
{
    if (!m_home || m_home->isCurrent())
        fn();
    else
        m_home->post(std::move(fn));
}

void Exchange::respond(HttpResponse response)
{
    if (m_answered) {
        qCWarning(lcHttp) << "second answer for request" << m_requestId << "ignored";
        return;
    }
    m_answered = true;
    if (m_home && !m_home->isCurrent()) {
        // Answered on another loop (a forwarded route): written where the connection lives. Never
        // reached from the destructor, which always runs at home (HttpServer's deleter).
        if (ExchangePtr self = weak_from_this().lock()) {
            m_home->post(
                [self, r = std::move(response)]() mutable { self->deliver(std::move(r)); });
        }
        return;
    }
    deliver(std::move(response));
}

void Exchange::deliver(HttpResponse response)
{
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
