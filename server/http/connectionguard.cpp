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

// What Qt 6.4's QHttpHeaderParser accepts; a header block it would not parse is refused here,
// because Qt then drops every header of the request while the guard would still act on them.
constexpr int kMaxHeaderFields = 100;
constexpr int kMaxFieldSize = 8 * 1024;
// Over the header and body limits, what a socket may buffer (a backstop that does not depend on
// parsing: no request can make one connection hold more).
constexpr qint64 kReadSlack = 16 * 1024;
constexpr int kMaxChunkLine = 1024;
constexpr qint64 kChunkFramingSlack = 8 * 1024; // less than kReadSlack: a request always fits

bool isTokenChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || (c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

bool isToken(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (char c : s) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Index of the empty line that ends a header block ("\n\n" or "\n\r\n", as Qt's parser reads it),
// or -1; *length is the terminator's size.
qint64 headerEnd(const QByteArray &head, qint64 from, qint64 *length)
{
    for (qint64 i = head.indexOf('\n', from); i >= 0; i = head.indexOf('\n', i + 1)) {
        if (i + 1 < head.size() && head.at(i + 1) == '\n') {
            *length = 2;
            return i;
        }
        if (i + 2 < head.size() && head.at(i + 1) == '\r' && head.at(i + 2) == '\n') {
            *length = 3;
            return i;
        }
    }
    return -1;
}

// METHOD SP target SP HTTP/1.x, exactly: what Qt's parser reads less strictly. head holds at
// least the request line's LF.
bool requestLineOk(const QByteArray &head)
{
    QByteArrayView line(head.constData(), head.indexOf('\n'));
    if (line.endsWith('\r'))
        line.chop(1);
    const qsizetype sp1 = line.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    const QByteArrayView version = sp2 < 0 ? QByteArrayView() : line.sliced(sp2 + 1);
    bool ok = sp1 > 0 && sp1 <= 32 && isToken(line.first(sp1)) && sp2 > sp1 + 1
        && (version == "HTTP/1.1" || version == "HTTP/1.0");
    for (qsizetype i = sp1 + 1; ok && i < sp2; ++i)
        ok = line[i] > 0x20 && line[i] < 0x7f;
    return ok;
}

// The value of the request's Origin header in a (possibly partial) header block.
QByteArray originIn(const QByteArray &head)
{
    for (qsizetype at = head.indexOf('\n'); at >= 0 && at + 1 < head.size();
         at = head.indexOf('\n', at + 1)) {
        if (head.size() - at > 8 && qstrnicmp(head.constData() + at + 1, "origin:", 7) == 0) {
            const qsizetype end = head.indexOf('\n', at + 1);
            return head.mid(at + 8, end < 0 ? -1 : end - at - 8).trimmed();
        }
    }
    return {};
}

// What a refused request is logged as: nothing a client sent reaches a log line unchecked.
QByteArray methodForLog(const QByteArray &head)
{
    const QByteArray method = head.left(head.indexOf(' '));
    return isToken(method) && method.size() <= 32 ? method : QByteArrayLiteral("OTHER");
}

QString pathForLog(const QByteArray &head)
{
    const qsizetype sp = head.indexOf(' ');
    if (sp < 0)
        return QStringLiteral("-");
    QByteArray target = head.mid(sp + 1, 512);
    target = target.left(target.indexOf(' ')).left(200);
    target = target.left(target.indexOf('?'));
    if (!target.startsWith('/'))
        return QStringLiteral("-");
    for (char c : std::as_const(target)) {
        if (c <= 0x20 || c >= 0x7f)
            return QStringLiteral("-");
    }
    return QString::fromLatin1(target);
}

} // namespace

// Per-connection state: an incremental scan of the HTTP/1.1 framing that reads each byte once
// (not a full parser; Qt's still does the real work) and knows where every request ends.
class ConnectionState : public QObject
{
public:
    explicit ConnectionState(QTcpSocket *socket, std::function<void()> gone)
        : QObject(socket)
        , m_gone(std::move(gone))
    { }
    // Counted down here, not on the socket's destroyed() signal: Qt 6.4 disconnects every
    // signal of a socket whose request it cannot parse.
    ~ConnectionState() override
    {
        if (m_gone)
            m_gone();
    }

    enum class Phase { Head, Body, ChunkSize, ChunkData, ChunkEnd, LastChunkEnd, Refused };
    Phase phase = Phase::Head;
    QByteArray head; // header block or chunk-size line being collected (bounded)
    qint64 remaining = 0;
    qint64 bodySoFar = 0;
    // Bytes Qt's parser left unread after its last turn: whatever is available beyond them
    // when the next readyRead comes is new, and only that is scanned.
    qint64 unreadAfterParser = 0;
    quint64 completeRequests = 0; // seen whole by the guard; the next one's index
    bool requestInProgress = false; // some of a request has arrived, not all of it
    qint64 requestStartedMs = 0; // when its first byte came (whole-request deadline)
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
    bool lineChecked = false; // the request line of the head being read has been checked
    qint64 bodyWire = 0; // bytes of the chunked body on the wire, framing included
    QByteArray origin; // the request's Origin when it is an allowed one (for refusals)
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
        if (s->requestInProgress && now - s->requestStartedMs >= m_options.idleTimeoutMs) {
            qCInfo(lcHttp) << "connection aborted: a request did not arrive in time";
            socket->abort();
            continue;
        }
        const bool idle = s->inFlight == 0 && !s->requestInProgress
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
        if (s && s->inFlight == 0 && !s->requestInProgress)
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
    auto *state = new ConnectionState(socket, [self, client] {
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
    if (state->phase == ConnectionState::Phase::Refused) {
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
        const quint64 before = state->completeRequests;
        scan(socket, state, data, data.size() - fresh);
        if (state->phase == ConnectionState::Phase::Refused && !state->refusalPending)
            return;
        // White space alone between requests (which Qt's parser skips) is no activity: a
        // trickle of it must not keep an idle connection open.
        if (state->phase == ConnectionState::Phase::Head && state->head.isEmpty()
            && !state->requestInProgress && state->completeRequests == before)
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
    using Phase = ConnectionState::Phase;
    const qint64 n = data.size();
    const auto requestDone = [this, state] { requestComplete(state); };
    while (pos < n) {
        switch (state->phase) {
        case Phase::Head: {
            if (state->head.isEmpty()) {
                // Qt's parser skips this white space between requests; so does the guard (and
                // beforeParser() does not count it as activity).
                while (pos < n && std::strchr(" \t\r\n\v", data.at(pos)) != nullptr
                    && data.at(pos) != 0)
                    ++pos;
                if (pos >= n)
                    break;
                state->requestInProgress = true;
                state->requestStartedMs = m_clock.elapsed();
            }
            const qint64 oldSize = state->head.size();
            const qint64 room = m_options.maxHeaderBytes + 4 - oldSize;
            state->head.append(data.constData() + pos, qMin(room, n - pos));
            // Qt's parser reads the request line as soon as its LF arrives and drops the
            // connection, with every answer still due on it, when it cannot: check it then too.
            if (!state->lineChecked && state->head.indexOf('\n') >= 0) {
                state->lineChecked = true;
                if (!requestLineOk(state->head)) {
                    refuse(socket, state, 400, QStringLiteral("Malformed request line"));
                    return;
                }
            }
            qint64 terminator = 0;
            const qint64 end = headerEnd(state->head, qMax<qint64>(0, oldSize - 3), &terminator);
            if (end < 0 || end + terminator > m_options.maxHeaderBytes + 4) {
                if (state->head.size() > m_options.maxHeaderBytes) {
                    refuse(socket, state, 431,
                        QStringLiteral("Request header block exceeds %1 bytes")
                            .arg(m_options.maxHeaderBytes));
                    return;
                }
                pos = n;
                break;
            }
            pos += end + terminator - oldSize;
            if (!headComplete(socket, state, end))
                return;
            break;
        }
        case Phase::Body: {
            const qint64 take = qMin(state->remaining, n - pos);
            pos += take;
            state->remaining -= take;
            if (state->remaining == 0)
                requestDone();
            break;
        }
        case Phase::ChunkSize: {
            // A chunk-size line: hex digits, an optional extension, CRLF. Qt's parser reads a
            // size it cannot parse as the last chunk, so anything else is refused here.
            const qint64 nl = data.indexOf('\n', pos);
            const qint64 take = (nl < 0 ? n : nl + 1) - pos;
            state->head.append(data.constData() + pos, take);
            pos += take;
            if (state->head.size() > kMaxChunkLine) {
                refuse(socket, state, 400, QStringLiteral("Chunk size line too long"));
                return;
            }
            if (nl < 0)
                break;
            const QByteArray line = state->head;
            state->head.clear();
            if (!line.endsWith("\r\n")) {
                refuse(socket, state, 400, QStringLiteral("Chunk size line must end with CRLF"));
                return;
            }
            const QByteArray digits = line.left(line.size() - 2).split(';').first().trimmed();
            bool hex = !digits.isEmpty() && digits.size() <= 15;
            for (char c : digits)
                hex = hex && isHexDigit(c);
            if (!hex) {
                refuse(socket, state, 400, QStringLiteral("Malformed chunk size"));
                return;
            }
            const qint64 size = digits.toLongLong(nullptr, 16); // < 2^60: no overflow
            if (size > m_options.maxBodyBytes - state->bodySoFar) {
                refuse(socket, state, 413,
                    QStringLiteral("Request body exceeds the limit of %1 bytes")
                        .arg(m_options.maxBodyBytes));
                return;
            }
            state->bodySoFar += size;
            // Framing counts too: a body of tiny chunks with long extensions must not outgrow
            // what a socket may buffer while Qt's parser holds the whole request.
            state->bodyWire += line.size() + size + 2;
            if (state->bodyWire > m_options.maxBodyBytes + kChunkFramingSlack) {
                refuse(socket, state, 413,
                    QStringLiteral("Chunked body exceeds the limit of %1 bytes with its framing")
                        .arg(m_options.maxBodyBytes + kChunkFramingSlack));
                return;
            }
            state->remaining = 2; // the CRLF after the chunk data, or after the last chunk
            if (size == 0) {
                state->phase = Phase::LastChunkEnd; // no trailers: Qt's parser reads none
            } else {
                state->remaining = size;
                state->phase = Phase::ChunkData;
            }
            break;
        }
        case Phase::ChunkData: {
            const qint64 take = qMin(state->remaining, n - pos);
            pos += take;
            state->remaining -= take;
            if (state->remaining == 0) {
                state->remaining = 2;
                state->phase = Phase::ChunkEnd;
            }
            break;
        }
        case Phase::ChunkEnd:
        case Phase::LastChunkEnd: {
            // Exactly CRLF: Qt's parser takes these two bytes whatever they are.
            const char expected = state->remaining == 2 ? '\r' : '\n';
            if (data.at(pos) != expected) {
                refuse(socket, state, 400,
                    QStringLiteral("Chunked body malformed (CRLF expected after a chunk; "
                                   "trailers are not accepted)"));
                return;
            }
            ++pos;
            // Qt's parser, given the last chunk's CR alone, later reads the LF and the next
            // byte as that CRLF: the next request would lose its first byte. Refused instead.
            if (state->phase == Phase::LastChunkEnd && state->remaining == 2 && pos == n) {
                refuse(socket, state, 400,
                    QStringLiteral("The CRLF ending a chunked body must arrive in one piece"));
                return;
            }
            if (--state->remaining == 0) {
                if (state->phase == Phase::LastChunkEnd)
                    requestDone();
                else
                    state->phase = Phase::ChunkSize;
            }
            break;
        }
        case Phase::Refused:
            return;
        }
    }
}

void ConnectionGuard::requestComplete(ConnectionState *state)
{
    state->origin.clear(); // a later request's refusal carries its own origin, or none
    ++state->completeRequests;
    state->requestInProgress = false;
    state->phase = ConnectionState::Phase::Head;
    if (state->closeRequested && state->completeRequests == state->closeIndex + 1) {
        // Nothing after a request that closes the connection is processed (RFC 9112 section
        // 9.6): what follows it is taken away from Qt's parser once it has taken this one.
        state->phase = ConnectionState::Phase::Refused;
        state->refusal.clear();
        state->refusalIndex = state->completeRequests;
        state->refusalPending = true;
    }
}

// The header block of one request has arrived whole (state->head up to end). Checks it the way
// Qt's parser will read it; false when the request was refused.
bool ConnectionGuard::headComplete(QTcpSocket *socket, ConnectionState *state, qint64 end)
{
    using Phase = ConnectionState::Phase;
    const QByteArray head = state->head.left(end + 1); // request line + fields, each with '\n'
    const qsizetype lineEnd = head.indexOf('\n');
    QByteArrayView requestLine(head.constData(), lineEnd);
    if (requestLine.endsWith('\r'))
        requestLine.chop(1);
    const bool http10 = requestLine.endsWith("HTTP/1.0");

    qint64 length = 0;
    int lengths = 0, encodings = 0, fields = 0;
    bool chunked = false, expectContinue = false, upgradeConnection = false, websocket = false;
    bool connectionClose = false, keepAlive = false;
    QByteArray origin;
    QByteArrayView rest(head.constData() + lineEnd + 1, head.size() - lineEnd - 1);
    while (!rest.isEmpty()) {
        const qsizetype nl = rest.indexOf('\n');
        QByteArrayView line = rest.first(nl);
        rest = rest.sliced(nl + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            break;
        const QString why = [&]() -> QString {
            if (line.startsWith(' ') || line.startsWith('\t'))
                return QStringLiteral("folded header lines are not accepted");
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.first(colon)))
                return QStringLiteral("a header line has no valid field name");
            if (++fields > kMaxHeaderFields)
                return QStringLiteral("more than %1 header fields").arg(kMaxHeaderFields);
            if (line.size() > kMaxFieldSize)
                return QStringLiteral("a header field is longer than %1 bytes").arg(kMaxFieldSize);
            for (char c : line.sliced(colon + 1)) {
                if ((c >= 0 && c < 0x20 && c != '\t') || c == 0x7f)
                    return QStringLiteral("a header value holds a control character");
            }
            const QByteArray name = line.first(colon).toByteArray().toLower();
            const QByteArray value = line.sliced(colon + 1).trimmed().toByteArray();
            if (name == "content-length") {
                bool digits = !value.isEmpty() && value.size() <= 18;
                for (char c : value)
                    digits = digits && c >= '0' && c <= '9';
                if (!digits || ++lengths > 1)
                    return QStringLiteral("Content-Length must be one number");
                length = value.toLongLong();
            } else if (name == "transfer-encoding") {
                if (++encodings > 1 || value.toLower() != "chunked")
                    return QStringLiteral("Transfer-Encoding must be exactly one \"chunked\"");
                chunked = true;
            } else if (name == "expect") {
                expectContinue = value.toLower() == "100-continue";
            } else if (name == "connection") {
                const QByteArray v = value.toLower();
                upgradeConnection = upgradeConnection || v.contains("upgrade");
                connectionClose = connectionClose || v.contains("close");
                keepAlive = keepAlive || v.contains("keep-alive");
            } else if (name == "origin") {
                origin = value;
            } else if (name == "upgrade") {
                websocket = websocket || value.toLower() == "websocket";
            }
            return {};
        }();
        if (!why.isEmpty()) {
            refuse(socket, state, 400, QStringLiteral("Malformed request headers: ") + why);
            return false;
        }
    }
    if (lengths > 0 && encodings > 0) {
        // Both framings at once is how bodies get smuggled past a limit.
        refuse(socket, state, 400,
            QStringLiteral("Malformed request headers: Content-Length with Transfer-Encoding"));
        return false;
    }
    if (upgradeConnection && websocket) {
        refuse(socket, state, 400, QStringLiteral("WebSocket upgrades are not supported"));
        return false;
    }
    if (!chunked && length > m_options.maxBodyBytes) {
        refuse(socket, state, 413,
            QStringLiteral("Request body exceeds the limit of %1 bytes")
                .arg(m_options.maxBodyBytes));
        return false;
    }
    state->head.clear();
    state->lineChecked = false;
    state->bodySoFar = 0;
    state->bodyWire = 0;
    state->origin
        = m_options.allowedOrigins.contains(QString::fromUtf8(origin)) ? origin : QByteArray();
    if (connectionClose || (http10 && !keepAlive)) {
        state->closeRequested = true;
        state->closeIndex = state->completeRequests;
    }
    // 100 Continue only where it means something: HTTP/1.1 with a body to come (RFC 9110
    // section 10.1.1 says to ignore the expectation from HTTP/1.0).
    if (expectContinue && !http10 && (chunked || length > 0)) {
        state->answers[state->completeRequests].interim = "HTTP/1.1 100 Continue\r\n\r\n";
        writeInOrder(socket, state);
    }
    if (chunked) {
        state->phase = Phase::ChunkSize;
    } else if (length > 0) {
        state->remaining = length;
        state->phase = Phase::Body;
    } else {
        requestComplete(state);
    }
    return true;
}

void ConnectionGuard::refuse(
    QTcpSocket *socket, ConnectionState *state, int status, const QString &message)
{
    const QByteArray head = std::exchange(state->head, QByteArray());
    const QByteArray method = methodForLog(head);
    const QString path = pathForLog(head);
    state->phase = ConnectionState::Phase::Refused;
    const QByteArray rid = newRequestId();
    const auto code = status == 431 ? ApiError::Code::HeaderTooLarge
        : status == 400             ? ApiError::Code::ValidationError
                                    : ApiError::Code::PayloadTooLarge;
    const HttpResponse r = HttpResponse::error(ApiError(code, message), rid);
    QList<std::pair<QByteArray, QByteArray>> headers {
        {"Content-Type", r.contentType}, {"X-Request-Id", rid}, {"Connection", "close"}};
    appendSecurityHeaders(headers, r.contentType);
    // A browser reads the refusal only with the CORS headers the pipeline would have added.
    if (!m_options.allowedOrigins.isEmpty()) {
        headers.append(Header {"Vary", "Origin"});
        QByteArray origin = state->origin;
        if (origin.isEmpty()) {
            origin = originIn(head);
            if (!m_options.allowedOrigins.contains(QString::fromUtf8(origin)))
                origin.clear();
        }
        if (!origin.isEmpty()) {
            headers.append(Header {"Access-Control-Allow-Origin", origin});
            headers.append(Header {"Access-Control-Allow-Credentials", "true"});
            headers.append(Header {"Access-Control-Expose-Headers", "X-Request-Id"});
        }
    }
    state->refusal = serializeResponse(status, headers, r.body, true);
    state->refusalIndex = state->completeRequests;
    state->refusalPending = true;
    emit rejected(status, rid, method, path);
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
    state->requestInProgress = false;
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
