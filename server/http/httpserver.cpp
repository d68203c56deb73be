#include "httpserver.h"

#include "apierror.h"
#include "connectionguard.h"
#include "log/accesslog.h"
#include "log/categories.h"
#include "wire.h"

#include <QHttpServerRequest>
#include <QTcpSocket>

#include <algorithm>

namespace marquee {

HttpServer::HttpServer(HttpOptions options, Router *router, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_options(std::move(options))
    , m_router(router)
{ }

HttpServer::~HttpServer() = default;

quint16 HttpServer::listenOn(const QHostAddress &address, quint16 port, QString *error)
{
    auto *guard = new ConnectionGuard(m_options, this);
    if (!guard->listen(address, port)) {
        if (error)
            *error = guard->errorString();
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

void HttpServer::stopListening()
{
    if (m_guard)
        m_guard->close();
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
    const quint64 sequence = ConnectionGuard::requestStarted(socket);
    auto ex = std::make_shared<Exchange>(this, socket, std::move(req), std::move(rid));
    ex->m_sequence = sequence;
    ex->guard([&] { dispatch(ex); });
    return true;
}

bool HttpServer::applyCors(Exchange &ex) const
{
    if (m_options.allowedOrigins.isEmpty())
        return false;
    // Every answer varies by Origin once CORS is configured, whether or not this request's
    // origin is allowed: else a shared cache could hand the web app a copy made for a request
    // without Origin, one that lacks Access-Control-Allow-Origin.
    ex.addResponseHeader("Vary", "Origin");
    const QByteArray origin = ex.request().header("Origin");
    if (origin.isEmpty() || !m_options.allowedOrigins.contains(QString::fromUtf8(origin)))
        return false;
    ex.addResponseHeader("Access-Control-Allow-Origin", origin);
    ex.addResponseHeader("Access-Control-Allow-Credentials", "true");
    ex.addResponseHeader("Access-Control-Expose-Headers",
        "X-Request-Id, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, "
        "Retry-After, ETag, X-Cache, X-Marquee-Catalogue");
    return true;
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

    const Access access = match.route->access;
    if (access == Access::Public || !m_authenticator) {
        if (access == Access::User || access == Access::Admin)
            throw ApiError(
                ApiError::Code::Unauthenticated, QString::fromLatin1(kAuthNotConfiguredMessage));
        runRoute(ex);
        return;
    }
    m_authenticator->authenticate(ex, access, [this, ex] { ex->guard([&] { runRoute(ex); }); });
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
        }
    }

    QList<std::pair<QByteArray, QByteArray>> headers;
    headers.reserve(12 + response.headers.size() + 8);
    if (!response.contentType.isEmpty() && response.status != 204 && response.status != 304)
        headers.append(Header {"Content-Type", response.contentType});
    headers.append(Header {"X-Request-Id", ex.requestId()});
    appendSecurityHeaders(headers, response.contentType);
    if (response.header("Cache-Control").isEmpty())
        headers.append(Header {"Cache-Control", "no-store"});
    headers.append(ex.m_extraHeaders);
    for (const auto &h : response.headers) {
        // One Vary line: the pipeline's Origin and the route's Authorization are one list.
        if (h.first == "Vary") {
            auto it = std::find_if(headers.begin(), headers.end(),
                [](const auto &existing) { return existing.first == "Vary"; });
            if (it != headers.end()) {
                it->second += ", " + h.second;
                continue;
            }
        }
        headers.append(h);
    }
    const bool close = m_shuttingDown || req.header("Connection").toLower().contains("close");
    if (close && response.header("Connection").isEmpty())
        headers.append(Header {"Connection", "close"});

    QTcpSocket *socket = ex.socket();
    const bool gone = ex.isClientGone();
    if (!gone) {
        // One buffer, one write(2): QAbstractSocket sends each buffered chunk with its own
        // syscall, which costs more than copying the body once. flush() sends now rather
        // than on the next pass of the event loop.
        ConnectionGuard::deliver(socket, ex.m_sequence,
            serializeResponse(response.status, headers, response.body, !isHead), close);
    }

    AccessRecord rec;
    rec.method = req.rawMethod;
    rec.path = req.path;
    rec.status = response.status;
    rec.durationMs = ex.elapsedMsPrecise();
    rec.bytes = isHead ? 0 : response.body.size();
    rec.requestId = ex.requestId();
    rec.userId = ex.principal.userId;
    rec.clientGone = gone;
    if (m_accessLog)
        m_accessLog->logAccess(rec);

    ++m_served;
    emit requestFinished(response.status, rec.durationMs);
    if (!gone)
        ConnectionGuard::requestFinished(socket);
    if (--m_inFlight == 0)
        emit drained();
}

} // namespace marquee
