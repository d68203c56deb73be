#pragma once

#include "httprequest.h"
#include "httpresponse.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTcpSocket>

#include <functional>
#include <memory>
#include <optional>

namespace marquee {

class ApiError;
class HttpServer;
struct Route;

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

// One request and the promise of exactly one answer. Routes answer synchronously or keep the shared
// pointer and answer later; the socket is guarded, so an answer for a client that has gone is
// dropped (writing to a dead responder crashes). Never return QFuture from a route (docs/qt64.md,
// "Asynchronous answers: QFuture and QPromise routes crash").
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

    // Headers the pipeline adds to whatever answer is sent (CORS, rate limit).
    void addResponseHeader(const QByteArray &name, const QByteArray &value);
    const QList<std::pair<QByteArray, QByteArray>> &responseHeaders() const
    {
        return m_extraHeaders;
    }

    void respond(HttpResponse response);
    void fail(const ApiError &error);
    // Runs fn and turns an ApiError (or any other exception, as a 500) into an error answer.
    void guard(const std::function<void()> &fn);

    bool isAnswered() const { return m_answered; }
    bool isClientGone() const
    {
        return m_socket.isNull() || m_socket->state() != QAbstractSocket::ConnectedState;
    }
    qint64 elapsedMs() const { return m_timer.elapsed(); }
    double elapsedMsPrecise() const { return m_timer.nsecsElapsed() / 1e6; }
    QTcpSocket *socket() const { return m_socket.data(); }

private:
    friend class HttpServer;
    QPointer<HttpServer> m_server;
    QPointer<QTcpSocket> m_socket;
    HttpRequest m_request;
    QByteArray m_requestId;
    QList<std::pair<QByteArray, QByteArray>> m_extraHeaders;
    QElapsedTimer m_timer;
    bool m_answered = false;
    quint64 m_sequence = 0; // place in its connection's request order
};

using ExchangePtr = std::shared_ptr<Exchange>;

// The status recorded (never sent) for a request whose client went away before it was answered.
inline constexpr int kClientClosedRequest = 499;

} // namespace marquee
