#pragma once

#include "connection.h"
#include "httprequest.h"
#include "httpresponse.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTcpSocket>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace marquee {

class ApiError;
class HttpServer;
struct Route;

// The event loop an HttpServer serves on, as its exchanges see it from other threads: work posted
// here runs on that loop while its server exists, and is dropped (destroyed on that loop's thread)
// once it is gone. Thread-safe.
class Mailbox;

class EventLoopHome
{
public:
    explicit EventLoopHome(Mailbox *mailbox);
    bool isCurrent() const;
    // Runs fn on the loop, later; false (fn dropped here) when the loop's server is gone.
    bool post(std::function<void()> fn);
    void close(); // the server is going: nothing more is posted

private:
    std::mutex m_mutex;
    Mailbox *m_mailbox; // guarded by m_mutex
    QThread *const m_thread;
};

// Who is calling; filled by the authentication step of the pipeline.
struct Principal
{
    qint64 userId = 0; // our users.id; 0 = anonymous
    QString clerkId;
    QString sessionId;
    bool admin = false;
    // The user's saved catalogue preferences, applied when a request does not set them.
    QString language;
    QString region;
    std::optional<bool> includeAdult;
    bool isAuthenticated() const { return userId > 0; }
};

// One request and the promise of exactly one answer. An Exchange is answered exactly once, maybe
// later, and the client may be gone by then. A route answers at once (respond() or fail(), or by
// throwing ApiError inside runHandler()) or keeps the shared pointer and answers when its work is
// done; a second answer is ignored with a warning. Whatever the route does, the answer leaves
// through HttpServer::finishExchange(), which adds the headers every response carries, writes the
// answer in its connection's request order and logs it. When the client has gone, the answer is
// not written but still logged; an Exchange dropped unanswered answers itself (499 when the client
// went away, else 500), so no request is ever left without its access-log line. Never return
// QFuture from a route (docs/qt64.md, "Asynchronous answers: QFuture and QPromise routes crash").
//
//     router.get("/api/thing", [](const ExchangePtr &ex) {
//         startWork([ex](const Result &result) {   // later, on the event loop
//             ex->runHandler([&] { ex->respond(HttpResponse::ok(toJson(result))); });
//         });
//     });
class Exchange : public std::enable_shared_from_this<Exchange>
{
public:
    Exchange(HttpServer *server, QTcpSocket *socket, HttpRequest request, QByteArray requestId);
    ~Exchange();
    Q_DISABLE_COPY_MOVE(Exchange)

    const HttpRequest &request() const { return m_request; }
    HttpRequest &request() { return m_request; }
    const QByteArray &requestId() const { return m_requestId; }
    Principal principal;
    const Route *route = nullptr;

    // Headers added to whatever answer is sent, errors included (CORS, rate limit, a route's
    // Cache-Control for all its answers).
    void addResponseHeader(const QByteArray &name, const QByteArray &value);
    const QList<Header> &responseHeaders() const { return m_extraHeaders; }

    void respond(HttpResponse response);
    void fail(const ApiError &error);
    // Runs a handler step and answers an ApiError it throws as that error (any other exception as
    // a 500): the one try/catch around route code.
    void runHandler(const std::function<void()> &fn);

    bool isAnswered() const { return m_answered; }
    // Whether the client has gone; on another thread than the exchange's event loop (a route
    // forwarded to the primary loop) as its connection last said.
    bool isClientGone() const;
    // Runs fn on the event loop the request arrived on: now when this is that loop, else posted
    // there (dropped if that loop has stopped). How work done for a request on another thread
    // (the catalogue's upstream call) comes back to answer it.
    void runAtHome(std::function<void()> fn);
    qint64 elapsedMs() const { return m_timer.elapsed(); }
    double elapsedMsPrecise() const { return m_timer.nsecsElapsed() / 1e6; }
    QTcpSocket *socket() const { return m_socket.data(); }

private:
    friend class HttpServer;
    void deliver(HttpResponse response);
    QPointer<HttpServer> m_server;
    std::shared_ptr<EventLoopHome> m_home;
    std::shared_ptr<std::atomic<bool>> m_clientClosed; // set when forwarded to another loop
    QPointer<QTcpSocket> m_socket;
    QPointer<Connection> m_connection; // the socket's state in the guard; the answer goes there
    HttpRequest m_request;
    QByteArray m_requestId;
    QList<Header> m_extraHeaders;
    QElapsedTimer m_timer;
    bool m_answered = false;
    quint64 m_sequence = 0; // place in its connection's request order
};

using ExchangePtr = std::shared_ptr<Exchange>;

// The status recorded (never sent) for a request whose client went away before it was answered.
inline constexpr int kClientClosedRequest = 499;

} // namespace marquee
