#include "httpserver.h"

#include "apierror.h"
#include "config/handoff.h"
#include "connectionguard.h"
#include "cors.h"
#include "log/accesslog.h"
#include "log/categories.h"
#include "requestid.h"
#include "wire.h"

#include <QFile>
#include <QHttpServerRequest>
#include <QTcpSocket>
#include <QThread>

namespace marquee {

HttpServer::HttpServer(HttpOptions options, Router *router, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_options(std::move(options))
    , m_router(router)
    , m_mailbox(new Mailbox(this))
    , m_home(std::make_shared<EventLoopHome>(m_mailbox))
{ }

HttpServer::~HttpServer()
{
    m_home->close();
}

quint16 HttpServer::listenOn(
    const QHostAddress &address, quint16 port, QString *error, bool reusePort)
{
    auto *guard = new ConnectionGuard(m_options, this);
    if (m_budget)
        guard->setBudget(m_budget);
    if (!(reusePort ? guard->listenReusingPort(address, port) : guard->listen(address, port))) {
        if (error)
            *error = guard->listenError();
        delete guard;
        return 0;
    }
    connect(guard, &ConnectionGuard::rejected, this,
        [this](int status, const QByteArray &rid, const QByteArray &method, const QString &path) {
            if (!m_accessLog)
                return;
            AccessRecord rec;
            rec.method = method;
            rec.path = path;
            rec.status = status;
            rec.requestId = rid;
            m_accessLog->logAccess(rec);
        });
    bind(guard); // takes ownership
    guard->followParser();
    m_guard = guard;
    return guard->serverPort();
}

int HttpServer::listenersSharingThePort() const
{
    return m_guard ? m_guard->listenersSharingThePort() : -1;
}

void HttpServer::stopListening()
{
    if (m_guard)
        m_guard->close();
}

int HttpServer::flushPendingOutput()
{
    return m_guard ? m_guard->flushPendingOutput() : 0;
}

void HttpServer::closeIdleConnections()
{
    if (m_guard)
        m_guard->closeIdleConnections();
}

void HttpServer::missingHandler(const QHttpServerRequest &, QTcpSocket *)
{
    // handleRequest() answers every request itself (404 and 405 included).
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    HttpRequest req = HttpRequest::fromQt(request);
    QByteArray rid = req.header("X-Request-Id");
    if (!isValidRequestId(rid))
        rid = newRequestId();
    ++m_inFlight;
    // An exchange is always destroyed on its own loop, wherever its last reference goes: its
    // destructor may answer, and the answer is written here.
    ExchangePtr ex(
        new Exchange(this, socket, std::move(req), std::move(rid)), [home = m_home](Exchange *e) {
            if (home->isCurrent()) {
                delete e;
                return;
            }
            auto box = std::make_shared<std::unique_ptr<Exchange>>(e);
            home->post([box] { box->reset(); }); // if refused, the box deletes it here
        });
    ex->m_home = m_home;
    if (Connection *connection = m_guard ? m_guard->connection(socket) : nullptr) {
        ex->m_connection = connection;
        ex->m_sequence = connection->requestStarted();
    }
    ex->runHandler([&] { dispatch(ex); });
    return true;
}

bool HttpServer::applyCors(Exchange &ex) const
{
    return appendCorsHeaders(
        ex.m_extraHeaders, m_options.allowedOrigins, ex.request().header("Origin"));
}

void HttpServer::dispatch(const ExchangePtr &ex)
{
    const HttpRequest &req = ex->request();
    const bool originAllowed = applyCors(*ex);

    if (req.method == HttpMethod::Options) {
        answerOptions(ex, originAllowed);
        return;
    }
    if (m_shuttingDown && req.path != QLatin1String("/health")) {
        ex->addResponseHeader("Connection", "close");
        throw ApiError(
            ApiError::Code::ServiceUnavailable, QStringLiteral("Server is shutting down"));
    }
    Router::Match match = m_router->match(req.method, req.path);
    if (!match.route) {
        if (const Handler *fallback = m_router->fallback(req.path);
            fallback && !match.pathKnown()) {
            if (m_primary) { // a fallback's handler is the primary loop's, like a route's
                HttpServer *primary = m_primary;
                m_forwarded.fetch_add(1, std::memory_order_relaxed);
                if (ex->m_connection)
                    ex->m_clientClosed = ex->m_connection->closedFlag();
                primary->m_mailbox->post([ex, fallback] {
                    ex->runHandler([&] {
                        (*fallback)(ex);
                        if (!ex->isAnswered())
                            throw ApiError(ApiError::Code::NotFound,
                                QStringLiteral("No route for %1 %2")
                                    .arg(QString::fromLatin1(ex->request().rawMethod),
                                        ex->request().path));
                    });
                });
                return;
            }
            (*fallback)(ex);
        }
        if (!match.pathKnown())
            throw ApiError(ApiError::Code::NotFound,
                QStringLiteral("No route for %1 %2")
                    .arg(QString::fromLatin1(req.rawMethod), req.path));
        ApiError e(ApiError::Code::MethodNotAllowed,
            QStringLiteral("%1 is not allowed on %2")
                .arg(QString::fromLatin1(req.rawMethod), req.path));
        e.headers.append(Header {"Allow", allowHeader(match.allowed)});
        throw e;
    }
    ex->route = match.route;
    ex->request().params = std::move(match.params);
    if (m_primary) {
        switch (servesHere(*ex)) {
        case Here::No:
            forwardToPrimary(ex);
            return;
        case Here::Admitted: // the principal is known: no authentication step here
            runRoute(ex);
            return;
        case Here::Yes:
            break;
        }
    }
    authenticateAndRun(ex);
}

HttpServer::Here HttpServer::servesHere(Exchange &ex) const
{
    if (!ex.route->onAnyLoop)
        return Here::No;
    const Access access = ex.route->access;
    // Without an authenticator a token means nothing, and the route runs anonymously anywhere.
    if (access == Access::Public
        || (access == Access::OptionalUser
            && (!m_primaryVerifiesTokens || ex.request().header("Authorization").isEmpty())))
        return Here::Yes;
    // A token known to the primary's authenticator, with nothing due for its user or session.
    if ((access == Access::User || access == Access::OptionalUser) && m_primaryVerifiesTokens
        && m_primary->m_authenticator->admitFromMemory(ex, access))
        return Here::Admitted;
    return Here::No;
}

void HttpServer::runOnLoop(std::function<void()> fn)
{
    if (QThread::currentThread() == thread())
        fn();
    else
        m_mailbox->post(std::move(fn));
}

void HttpServer::forwardToPrimary(const ExchangePtr &ex)
{
    HttpServer *primary = m_primary;
    m_forwarded.fetch_add(1, std::memory_order_relaxed);
    if (ex->m_connection)
        ex->m_clientClosed = ex->m_connection->closedFlag();
    // Admitted here already (shutdown was checked on arrival): the primary serves it.
    primary->m_mailbox->post(
        [primary, ex] { ex->runHandler([&] { primary->authenticateAndRun(ex); }); });
}

void HttpServer::authenticateAndRun(const ExchangePtr &ex)
{
    const Access access = ex->route->access;
    if (access == Access::Public || !m_authenticator) {
        if (access == Access::User || access == Access::Admin)
            throw ApiError(
                ApiError::Code::Unauthenticated, QString::fromLatin1(kAuthNotConfiguredMessage));
        runRoute(ex);
        return;
    }
    m_authenticator->authenticate(
        ex, access, [this, ex] { ex->runHandler([&] { runRoute(ex); }); });
}

void HttpServer::runRoute(const ExchangePtr &ex)
{
    if (ex->isAnswered())
        return;
    if (m_rateLimiter && ex->route->tier != RateTier::None && !ex->route->countsOwnRate)
        m_rateLimiter->check(*ex, ex->route->tier);
    ex->route->handler(ex);
}

void HttpServer::answerOptions(const ExchangePtr &ex, bool originAllowed)
{
    const HttpRequest &req = ex->request();
    const bool preflight
        = !req.header("Origin").isEmpty() && !req.header("Access-Control-Request-Method").isEmpty();
    const Router::Match match = m_router->match(HttpMethod::Options, req.path);
    if (preflight && !originAllowed)
        throw ApiError(ApiError::Code::Forbidden, QStringLiteral("Origin not allowed"));
    if (!match.pathKnown())
        throw ApiError(ApiError::Code::NotFound, QStringLiteral("No route for %1").arg(req.path));
    HttpResponse r = HttpResponse::empty(204);
    const QByteArray allow = allowHeader(match.allowed);
    r.setHeader("Allow", allow);
    if (preflight) {
        r.setHeader("Access-Control-Allow-Methods", allow);
        r.setHeader("Access-Control-Allow-Headers",
            "Authorization, Content-Type, X-Request-Id, If-None-Match");
        r.setHeader("Access-Control-Max-Age", QByteArray::number(m_options.corsMaxAgeSeconds));
    }
    ex->respond(std::move(r));
}

static bool etagMatches(const QByteArray &ifNoneMatch, const QByteArray &etag)
{
    if (ifNoneMatch.trimmed() == "*")
        return true;
    for (const QByteArray &candidate : ifNoneMatch.split(',')) {
        QByteArray c = candidate.trimmed();
        if (c.startsWith("W/"))
            c = c.mid(2);
        if (c == etag)
            return true;
    }
    return false;
}

// "close" in a Connection header, in any case.
static bool asksToClose(const QByteArray &connection)
{
    for (qsizetype i = 0; i + 5 <= connection.size(); ++i) {
        if (qstrnicmp(connection.constData() + i, 5, "close", 5) == 0)
            return true;
    }
    return false;
}

void HttpServer::finishExchange(Exchange &ex, HttpResponse response)
{
    const HttpRequest &req = ex.request();
    const bool isHead = req.method == HttpMethod::Head;
    // Conditional GET, for any response that carries an ETag.
    if (response.status == 200 && (req.method == HttpMethod::Get || isHead)) {
        const QByteArray etag = response.header("ETag");
        const QByteArray inm = req.header("If-None-Match");
        if (!etag.isEmpty() && !inm.isEmpty() && etagMatches(inm, etag)) {
            response.status = 304;
            response.body.clear();
            response.bodyFile.clear();
            response.bodyLength = -1;
        }
    }

    QTcpSocket *socket = ex.socket();
    Connection *connection = ex.m_connection;
    const bool gone = ex.isClientGone();
    if (!gone) {
        AnswerContext context;
        context.requestId = ex.requestId();
        context.pipelineHeaders = ex.m_extraHeaders;
        context.close = m_shuttingDown || asksToClose(req.header("Connection"))
            || (connection && connection->closesAfter(ex.m_sequence));
        context.withBody = !isHead;
        const QString file = isHead ? QString() : response.bodyFile;
        if (connection) {
            // The head is written into a buffer kept per thread; the connection copies it and
            // the body into the socket's write buffer (one block, one write(2)).
            thread_local QByteArray head;
            const QByteArrayView body = serializeAnswerHead(head, response, context);
            connection->deliver(
                ex.m_sequence, head, body, context.close, file, response.bodyLength);
        } else {
            // One buffer, one write(2): QAbstractSocket sends each buffered chunk with its own
            // syscall, which costs more than copying the body once.
            QByteArray bytes = serializeAnswer(response, context);
            if (!file.isEmpty()) { // no connection state to stream with: read it whole
                QFile f(file);
                if (f.open(QIODevice::ReadOnly))
                    bytes += f.read(response.bodyLength);
            }
            socket->write(bytes);
            socket->flush();
            if (context.close)
                socket->disconnectFromHost();
        }
    }

    AccessRecord rec;
    rec.method = req.rawMethod;
    rec.path = req.path;
    rec.status = response.status;
    rec.durationMs = ex.elapsedMsPrecise();
    rec.bytes
        = isHead ? 0 : (response.bodyFile.isEmpty() ? response.body.size() : response.bodyLength);
    rec.requestId = ex.requestId();
    rec.userId = ex.principal.userId;
    rec.clientGone = gone;
    if (m_accessLog)
        m_accessLog->logAccess(rec);

    ++m_served;
    emit requestFinished(response.status, rec.durationMs);
    if (!gone && ex.m_connection)
        ex.m_connection->requestFinished();
    if (--m_inFlight == 0)
        emit drained();
}

} // namespace marquee
