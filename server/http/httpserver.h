#pragma once

#include "config/httpoptions.h"
#include "pipeline.h"
#include "router.h"

#include <QAbstractHttpServer>
#include <QHostAddress>
#include <QPointer>

#include <atomic>
#include <memory>

namespace marquee {

class ConnectionBudget;
class Mailbox;
class ConnectionGuard;
class AccessLog;

// The HTTP front: every request passes through handleRequest() in this order
//   request id -> CORS / preflight -> route match (404, 405) -> authentication -> rate limit
//   -> route handler
// and every answer, synchronous or not, goes out through finishExchange(), which serialises it with
// the headers every response carries (serializeAnswer(), the guard's refusals' way out too),
// writes it through the request's Connection and writes the access-log line. Qt's router and
// afterRequest are not used: in 6.4 they miss responder-based and missing-handler answers
// (docs/qt64.md, "afterRequest misses responder answers and the missing handler").
class HttpServer : public QAbstractHttpServer
{
    Q_OBJECT
public:
    HttpServer(HttpOptions options, Router *router, QObject *parent = nullptr);
    ~HttpServer() override;
    Q_DISABLE_COPY_MOVE(HttpServer)

    // Returns the bound port, or 0 with *error set. With reusePort the socket is opened with
    // SO_REUSEPORT, so that the servers of other event loops listen on the same address and port.
    quint16 listenOn(
        const QHostAddress &address, quint16 port, QString *error, bool reusePort = false);
    // The connection caps shared with the servers of other event loops (before listenOn()).
    void setConnectionBudget(std::shared_ptr<ConnectionBudget> budget)
    {
        m_budget = std::move(budget);
    }
    // Makes this a secondary event loop of `primary` (which must outlive it): a request whose
    // route may run on any loop (Route::onAnyLoop) and needs no authentication work (no token, or
    // one the primary's authenticator admits from memory) is served here; every other one is handed
    // to the primary, where authentication, rate limit and handler run, and its answer comes back
    // here to be written.
    void setPrimary(HttpServer *primary)
    {
        m_primary = primary;
        m_primaryVerifiesTokens
            = primary->m_authenticator && primary->m_authenticator->verifiesTokens();
    }
    void stopListening();
    // See ConnectionGuard::listenersSharingThePort(); -1 when not listening.
    int listenersSharingThePort() const;
    void closeIdleConnections();
    int flushPendingOutput(); // ConnectionGuard::flushPendingOutput(); this loop's thread
    void setShuttingDown(bool on) { m_shuttingDown = on; }
    bool isShuttingDown() const { return m_shuttingDown; }

    void setAuthenticator(Authenticator *a) { m_authenticator = a; }
    void setRateLimiter(RateLimiter *r) { m_rateLimiter = r; }
    // Where the access-log line of every answer and refusal goes; none: no access lines.
    void setAccessLog(AccessLog *log) { m_accessLog = log; }

    // Readable from any thread.
    int inFlight() const { return m_inFlight.load(std::memory_order_relaxed); }
    quint64 requestsServed() const { return m_served.load(std::memory_order_relaxed); }
    // Requests this (secondary) loop handed to the primary loop to be served there.
    quint64 requestsForwarded() const { return m_forwarded.load(std::memory_order_relaxed); }
    const HttpOptions &options() const { return m_options; }

    void finishExchange(Exchange &exchange, HttpResponse response);
    // Any thread: fn runs on this server's loop, now when called there, else later (in the order
    // posted).
    void runOnLoop(std::function<void()> fn);

signals:
    void drained(); // the last in-flight request was answered
    void requestFinished(int status, double durationMs);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    void dispatch(const ExchangePtr &ex);
    enum class Here { No, Yes, Admitted };
    // Whether a secondary loop serves the request itself (Admitted: and its principal is known
    // already) or hands it to the primary.
    Here servesHere(Exchange &ex) const;
    void forwardToPrimary(const ExchangePtr &ex);
    void authenticateAndRun(const ExchangePtr &ex);
    void runRoute(const ExchangePtr &ex);
    bool applyCors(Exchange &ex) const;
    void answerOptions(const ExchangePtr &ex, bool originAllowed);

    HttpOptions m_options;
    Router *m_router;
    QPointer<ConnectionGuard> m_guard;
    Authenticator *m_authenticator = nullptr;
    RateLimiter *m_rateLimiter = nullptr;
    AccessLog *m_accessLog = nullptr;
    HttpServer *m_primary = nullptr;
    bool m_primaryVerifiesTokens = false;
    std::shared_ptr<ConnectionBudget> m_budget;
    Mailbox *m_mailbox; // a child: how other threads hand work to this loop
    std::shared_ptr<EventLoopHome> m_home;
    std::atomic<int> m_inFlight {0};
    std::atomic<quint64> m_served {0};
    std::atomic<quint64> m_forwarded {0};
    bool m_shuttingDown = false;
};

} // namespace marquee
