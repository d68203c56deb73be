#pragma once

#include "config/httpoptions.h"
#include "pipeline.h"
#include "router.h"

#include <QAbstractHttpServer>
#include <QHostAddress>
#include <QPointer>

namespace marquee {

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

    // Returns the bound port, or 0 with *error set.
    quint16 listenOn(const QHostAddress &address, quint16 port, QString *error);
    void stopListening();
    void closeIdleConnections();
    void setShuttingDown(bool on) { m_shuttingDown = on; }
    bool isShuttingDown() const { return m_shuttingDown; }

    void setAuthenticator(Authenticator *a) { m_authenticator = a; }
    void setRateLimiter(RateLimiter *r) { m_rateLimiter = r; }
    // Where the access-log line of every answer and refusal goes; none: no access lines.
    void setAccessLog(AccessLog *log) { m_accessLog = log; }

    int inFlight() const { return m_inFlight; }
    quint64 requestsServed() const { return m_served; }
    const HttpOptions &options() const { return m_options; }

    void finishExchange(Exchange &exchange, HttpResponse response);

signals:
    void drained(); // the last in-flight request was answered
    void requestFinished(int status, double durationMs);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    void dispatch(const ExchangePtr &ex);
    void runRoute(const ExchangePtr &ex);
    bool applyCors(Exchange &ex) const;
    void answerOptions(const ExchangePtr &ex, bool originAllowed);

    HttpOptions m_options;
    Router *m_router;
    QPointer<ConnectionGuard> m_guard;
    Authenticator *m_authenticator = nullptr;
    RateLimiter *m_rateLimiter = nullptr;
    AccessLog *m_accessLog = nullptr;
    int m_inFlight = 0;
    quint64 m_served = 0;
    bool m_shuttingDown = false;
};

} // namespace marquee
