#include "connectionguard.h"

#include "apierror.h"
#include "httpresponse.h"
#include "log/categories.h"
#include "ratelimiter.h"
#include "wire.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <functional>
#include <map>

namespace marquee {

namespace {

// Over the header and body limits, what a socket may buffer (a backstop that does not depend on
// parsing: no request can make one connection hold more).
constexpr qint64 kReadSlack = 16 * 1024;

} // namespace

// Per-connection state: an incremental scan of the HTTP/1.1 framing that reads each byte once
// (not a full parser; Qt's still does the real work) and knows where every request ends.
class ConnectionState : public QObject
{
public:
    ConnectionState(QTcpSocket *socket, FramingScanner::Limits limits, std::function<void()> gone)
        : QObject(socket)
        , scanner(limits)
        , m_gone(std::move(gone))
    { }
    // Counted down here, not on the socket's destroyed() signal: Qt 6.4 disconnects every
    // signal of a socket whose request it cannot parse.
    ~ConnectionState() override
    {
        if (m_gone)
            m_gone();
    }

    FramingScanner scanner;
    bool refused = false; // the scanner stopped: a refusal, or past a closing request
    qint64 requestStartedMs = 0; // when the request being read began (whole-request deadline)
    // Bytes Qt's parser left unread after its last turn: whatever is available beyond them
    // when the next readyRead comes is new, and only that is scanned.
    qint64 unreadAfterParser = 0;
    int inFlight = 0; // handed to Qt, not yet answered
    quint64 nextSequence = 0; // given to the next request Qt hands over
    quint64 nextToWrite = 0; // the request whose answer goes out next
    struct Answer
    {
        QByteArray interim; // "100 Continue", written when its turn comes, before the answer
        QByteArray bytes;
        bool ready = false;
        bool close = false;
    };
    std::map<quint64, Answer> answers; // by request index, waiting for their turn
    bool hidden = false; // the buffered bytes are hidden from Qt's parser for this readyRead
    bool paused = false;
    // A refusal waiting for the complete requests before it to be handed to Qt.
    QByteArray refusal;
    quint64 refusalIndex = 0;
    bool refusalPending = false;
    qint64 parkedBytes = 0; // of ready answers waiting for an earlier one
    // A request asked to close the connection (Connection: close, or HTTP/1.0 without
    // keep-alive): nothing after it is processed (RFC 9112 section 9.6).
    bool closeRequested = false;
    quint64 closeIndex = 0;
    qint64 lastActivityMs = 0; // on the guard's monotonic clock
    qint64 unsentSinceMs = -1; // since when answer bytes have been waiting to be sent

private:
    std::function<void()> m_gone;
};

static const char kStateProperty[] = "_marquee_connection_state";

static ConnectionState *stateOf(QTcpSocket *socket)
{
    return socket
        ? static_cast<ConnectionState *>(socket->property(kStateProperty).value<QObject *>())
        : nullptr;
}

// Requests handed to Qt whose answers have not been written, ready ones waiting behind a slow
// earlier one included: they all hold memory.
static bool overloaded(QTcpSocket *socket, const ConnectionState *s)
{
    return s->nextSequence - s->nextToWrite >= quint64(ConnectionGuard::kMaxPipelined)
        || socket->bytesToWrite() + s->parkedBytes > ConnectionGuard::kMaxUnsentBytes;
}

// Writes every answer whose turn has come. An interim answer goes out when its request's turn
// comes, ahead of that request's final answer.
static void writeInOrder(QTcpSocket *socket, ConnectionState *s)
{
    while (!s->answers.empty() && s->answers.begin()->first == s->nextToWrite) {
        ConnectionState::Answer &a = s->answers.begin()->second;
        if (!a.interim.isEmpty()) {
            socket->write(a.interim);
            a.interim.clear();
        }
        if (!a.ready)
            break;
        const QByteArray bytes = std::move(a.bytes);
        const bool close = a.close;
        s->parkedBytes -= bytes.size();
        s->answers.erase(s->answers.begin());
        ++s->nextToWrite;
        socket->write(bytes);
        if (close) {
            s->answers.clear();
            s->parkedBytes = 0;
            socket->flush();
            socket->disconnectFromHost();
            return;
        }
    }
    socket->flush();
}

ConnectionGuard::ConnectionGuard(const HttpOptions &options, QObject *parent)
    : QTcpServer(parent)
    , m_options(options)
{
    setListenBacklogSize(options.listenBacklog);
    setMaxPendingConnections(options.listenBacklog);
    // One sweep for all connections instead of a timer per connection restarted on every
    // request (timer bookkeeping showed up in the request-rate profile).
    m_clock.start();
    m_sweep.setInterval(qBound(20, options.idleTimeoutMs / 4, 5000));
    connect(&m_sweep, &QTimer::timeout, this, &ConnectionGuard::closeExpired);
    m_sweep.start();
}

ConnectionGuard::~ConnectionGuard() = default;

void ConnectionGuard::followParser()
{
    // QAbstractHttpServer connects its readyRead handler when newConnection is emitted; this
    // connection is made after bind(), so it runs after that handler and can connect
    // afterParser() behind it.
    connect(this, &QTcpServer::newConnection, this, [this] {
        for (const QPointer<QTcpSocket> &socket : std::as_const(m_unfollowed)) {
            auto *state = stateOf(socket);
            if (!socket || !state)
                continue;
            connect(socket, &QTcpSocket::readyRead, state,
                [this, socket = socket.data(), state] { afterParser(socket, state); });
        }
        m_unfollowed.clear();
    });
}

quint64 ConnectionGuard::requestStarted(QTcpSocket *socket)
{
    auto *s = stateOf(socket);
    if (!s)
        return 0;
    ++s->inFlight;
    return s->nextSequence++;
}

void ConnectionGuard::deliver(QTcpSocket *socket, quint64 sequence, QByteArray bytes, bool close)
{
    auto *s = stateOf(socket);
    if (!s) {
        socket->write(bytes);
        socket->flush();
        if (close)
            socket->disconnectFromHost();
        return;
    }
    if (s->closeRequested && sequence == s->closeIndex && !close) {
        // HTTP/1.0 without keep-alive: the router did not ask to close, the guard does.
        close = true;
        const qsizetype headEnd = bytes.indexOf("\r\n\r\n");
        if (bytes.indexOf("\r\nConnection: close\r\n") < 0
            || bytes.indexOf("\r\nConnection: close\r\n") > headEnd)
            bytes.insert(bytes.indexOf("\r\n") + 2, "Connection: close\r\n");
    }
    ConnectionState::Answer &a = s->answers[sequence];
    a.bytes = std::move(bytes);
    a.ready = true;
    a.close = close;
    s->parkedBytes += a.bytes.size();
    writeInOrder(socket, s);
    resumeIfDrained(socket, s);
}

void ConnectionGuard::requestFinished(QTcpSocket *socket)
{
    if (auto *s = stateOf(socket)) {
        if (s->inFlight > 0)
            --s->inFlight;
        resumeIfDrained(socket, s);
    }
}

void ConnectionGuard::resumeIfDrained(QTcpSocket *socket, ConnectionState *s)
{
    if (!s->paused || overloaded(socket, s))
        return;
    s->paused = false;
    if (socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(socket, &QAbstractSocket::readyRead, Qt::QueuedConnection);
}

void ConnectionGuard::closeExpired()
{
    const qint64 now = m_clock.elapsed();
    const auto sockets = findChildren<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly);
    for (QTcpSocket *socket : sockets) {
        auto *s = stateOf(socket);
        if (!s)
            continue;
        if (socket->state() == QAbstractSocket::UnconnectedState) {
            socket->deleteLater(); // whatever happened to its signals, the slot comes back
            continue;
        }
        // Output a client does not read must drain within the idle time, or the connection is
        // cut: disconnectFromHost() alone would wait for it forever.
        if (socket->bytesToWrite() > 0) {
            if (s->unsentSinceMs < 0)
                s->unsentSinceMs = now;
            else if (now - s->unsentSinceMs >= m_options.idleTimeoutMs) {
                qCInfo(lcHttp) << "connection aborted: its client stopped reading";
                socket->abort();
                continue;
            }
        } else {
            s->unsentSinceMs = -1;
        }
        // A whole request (header block and body) must arrive within the idle time, however
        // slowly it trickles.
        if (s->scanner.inRequest() && now - s->requestStartedMs >= m_options.idleTimeoutMs) {
            qCInfo(lcHttp) << "connection aborted: a request did not arrive in time";
            socket->abort();
            continue;
        }
        const bool idle = s->inFlight == 0 && !s->scanner.inRequest()
            && now - s->lastActivityMs >= m_options.idleTimeoutMs;
        if (idle)
            socket->disconnectFromHost();
    }
}

void ConnectionGuard::closeIdleConnections()
{
    const auto sockets = findChildren<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly);
    for (QTcpSocket *socket : sockets) {
        auto *s = stateOf(socket);
        if (s && s->inFlight == 0 && !s->scanner.inRequest())
            socket->disconnectFromHost();
    }
}

void ConnectionGuard::incomingConnection(qintptr handle)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // Keyed like the rate limiter: an IPv6 /64 is one client, so rotating addresses in it does
    // not escape the cap.
    const QString client = RateLimitKey::forAddress(socket->peerAddress()).toString();
    const bool clientFull = m_perClient.value(client) >= m_options.maxConnectionsPerClient;
    if (m_active >= m_options.maxConnections || clientFull) {
        // At most one line a second: a flood of refused connections must not flood the log.
        const qint64 now = m_clock.elapsed();
        if (m_lastCapWarningMs < 0 || now - m_lastCapWarningMs >= 1000) {
            m_lastCapWarningMs = now;
            if (clientFull)
                qCWarning(lcHttp) << "connection refused: limit of"
                                  << m_options.maxConnectionsPerClient
                                  << "connections per client reached";
            else
                qCWarning(lcHttp) << "connection refused: limit of" << m_options.maxConnections
                                  << "reached";
        }
        const QByteArray rid = newRequestId();
        const HttpResponse r = HttpResponse::error(
            ApiError(ApiError::Code::ServiceUnavailable, QStringLiteral("Too many connections")),
            rid);
        QList<std::pair<QByteArray, QByteArray>> headers {{"Content-Type", r.contentType},
            {"X-Request-Id", rid}, {"Retry-After", "1"}, {"Connection", "close"}};
        appendSecurityHeaders(headers, r.contentType);
        socket->write(serializeResponse(503, headers, r.body, true));
        socket->disconnectFromHost();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        // A client that never reads the 503 is cut off too.
        QTimer::singleShot(m_options.idleTimeoutMs, socket, [socket] { socket->abort(); });
        return;
    }
    ++m_active;
    ++m_perClient[client];
    // The backstop: a socket never buffers more than one maximal request and some slack.
    socket->setReadBufferSize(m_options.maxHeaderBytes + m_options.maxBodyBytes + kReadSlack);
    QPointer<ConnectionGuard> self(this);
    auto *state = new ConnectionState(
        socket, {m_options.maxHeaderBytes, m_options.maxBodyBytes}, [self, client] {
            if (!self)
                return;
            --self->m_active;
            if (--self->m_perClient[client] <= 0)
                self->m_perClient.remove(client);
        });
    socket->setProperty(kStateProperty, QVariant::fromValue<QObject *>(state));
    state->lastActivityMs = m_clock.elapsed();

    // Connected before Qt's own readyRead handler (which is connected once this socket is
    // taken from the pending queue), so every byte is seen here first; afterParser() is
    // connected behind Qt's handler by followParser().
    connect(socket, &QTcpSocket::readyRead, this,
        [this, socket, state] { beforeParser(socket, state); });
    connect(socket, &QTcpSocket::bytesWritten, state, [this, socket, state] {
        state->lastActivityMs = m_clock.elapsed();
        state->unsentSinceMs = socket->bytesToWrite() > 0 ? state->lastActivityMs : -1;
        resumeIfDrained(socket, state);
    });
    m_unfollowed.append(socket);
    addPendingConnection(socket);
}

void ConnectionGuard::beforeParser(QTcpSocket *socket, ConnectionState *state)
{
    const qint64 previousActivity = state->lastActivityMs;
    state->lastActivityMs = m_clock.elapsed();
    const qint64 available = socket->bytesAvailable();
    if (state->refused) {
        if (!state->refusalPending) {
            socket->readAll(); // after a refusal nothing more is read
            return;
        }
        if (state->nextSequence >= state->refusalIndex) {
            drainAndAnswerRefusal(socket, state);
            return;
        }
        // Earlier requests are still being handed to Qt: the caps below still apply.
    } else if (const qint64 fresh = available - state->unreadAfterParser; fresh > 0) {
        // Only bytes never seen before are scanned: each byte once, however often Qt re-emits
        // readyRead for a buffer of pipelined requests.
        const QByteArray data = socket->peek(available);
        const quint64 before = state->scanner.completeRequests();
        scan(socket, state, data, data.size() - fresh);
        if (state->refused && !state->refusalPending)
            return;
        // White space alone between requests (which Qt's parser skips) is no activity: a
        // trickle of it must not keep an idle connection open.
        if (!state->refused && !state->scanner.inRequest()
            && state->scanner.completeRequests() == before)
            state->lastActivityMs = previousActivity;
    }
    // Too many unanswered requests or too much unsent output: Qt's parser gets to see nothing
    // this time (the bytes stay buffered; afterParser() gives them back). Reading resumes when
    // answers drain. Never while Qt is in the middle of a request.
    if (overloaded(socket, state) && !socket->isTransactionStarted() && available > 0) {
        socket->startTransaction();
        socket->skip(available);
        state->hidden = true;
        state->paused = true;
    }
}

void ConnectionGuard::afterParser(QTcpSocket *socket, ConnectionState *state)
{
    if (state->hidden) {
        socket->rollbackTransaction();
        state->hidden = false;
    }
    state->unreadAfterParser = socket->bytesAvailable();
}

void ConnectionGuard::scan(
    QTcpSocket *socket, ConnectionState *state, const QByteArray &data, qint64 pos)
{
    const bool wasInRequest = state->scanner.inRequest();
    const FramingScanner::Result r = state->scanner.feed(QByteArrayView(data).sliced(pos));
    if (state->scanner.inRequest() && (!wasInRequest || r.completed > 0))
        state->requestStartedMs = m_clock.elapsed();
    for (const quint64 index : r.continues)
        state->answers[index].interim = "HTTP/1.1 100 Continue\r\n\r\n";
    if (!r.continues.isEmpty())
        writeInOrder(socket, state);
    if (r.closeAt) {
        state->closeRequested = true;
        state->closeIndex = *r.closeAt;
    }
    if (r.refusal) {
        refuse(socket, state, *r.refusal);
    } else if (state->scanner.stopped() && !state->refused) {
        // Past a request that closes the connection: what follows it is taken away from Qt's
        // parser once it has taken that one, and nothing answers it.
        state->refused = true;
        state->refusal.clear();
        state->refusalIndex = state->closeIndex + 1;
        state->refusalPending = true;
    }
}

void ConnectionGuard::refuse(
    QTcpSocket *socket, ConnectionState *state, const FramingScanner::Refusal &refusal)
{
    const int status = refusal.status;
    state->refused = true;
    const QByteArray rid = newRequestId();
    const auto code = status == 431 ? ApiError::Code::HeaderTooLarge
        : status == 400             ? ApiError::Code::ValidationError
                                    : ApiError::Code::PayloadTooLarge;
    const HttpResponse r = HttpResponse::error(ApiError(code, refusal.message), rid);
    QList<std::pair<QByteArray, QByteArray>> headers {
        {"Content-Type", r.contentType}, {"X-Request-Id", rid}, {"Connection", "close"}};
    appendSecurityHeaders(headers, r.contentType);
    // A browser reads the refusal only with the CORS headers the pipeline would have added.
    if (!m_options.allowedOrigins.isEmpty()) {
        headers.append(Header {"Vary", "Origin"});
        const QByteArray &origin = refusal.origin;
        if (!origin.isEmpty() && m_options.allowedOrigins.contains(QString::fromUtf8(origin))) {
            headers.append(Header {"Access-Control-Allow-Origin", origin});
            headers.append(Header {"Access-Control-Allow-Credentials", "true"});
            headers.append(Header {"Access-Control-Expose-Headers", "X-Request-Id"});
        }
    }
    state->refusal = serializeResponse(status, headers, r.body, true);
    state->refusalIndex = state->scanner.completeRequests();
    state->refusalPending = true;
    emit rejected(status, rid, refusal.method, refusal.path);
    // The complete requests before this one are still answered, in order: the refusal waits
    // until Qt has taken them (beforeParser checks on every turn).
    if (state->nextSequence >= state->refusalIndex)
        drainAndAnswerRefusal(socket, state);
}

void ConnectionGuard::drainAndAnswerRefusal(QTcpSocket *socket, ConnectionState *state)
{
    state->refusalPending = false;
    // Take every buffered byte away from Qt's parser so it never sees the refused request.
    if (socket->isTransactionStarted())
        socket->rollbackTransaction();
    state->hidden = false;
    socket->readAll();
    state->unreadAfterParser = 0;
    if (state->refusal.isEmpty())
        return; // after a closing request: nothing to answer, the connection closes after it
    ConnectionState::Answer &a = state->answers[state->refusalIndex];
    a.bytes = std::move(state->refusal);
    a.ready = true;
    a.close = true;
    state->parkedBytes += a.bytes.size();
    state->refusal.clear();
    writeInOrder(socket, state);
}

} // namespace marquee
