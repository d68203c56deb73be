#include "connectionguard.h"

#include "apierror.h"
#include "httpresponse.h"
#include "log/categories.h"
#include "wire.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <functional>
#include <map>

namespace marquee {

// Per-connection state: an incremental scan of the HTTP/1.1 framing (not a full parser; Qt's
// parser still does the real work) that knows where each request's header block and body end.
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

    enum class Phase { Head, Body, ChunkSize, ChunkData, ChunkEnd, Trailers, Rejected };
    Phase phase = Phase::Head;
    QByteArray head; // header block being collected (bounded by the header cap)
    qint64 remaining = 0;
    qint64 bodySoFar = 0;
    int inFlight = 0;
    quint64 nextSequence = 0; // given to the next request read on this connection
    quint64 nextToWrite = 0; // the request whose answer goes out next
    std::map<quint64, std::pair<QByteArray, bool>> parked; // ready answers waiting their turn
    qint64 lastActivityMs = 0; // on the guard's monotonic clock
    qint64 headStartedMs = 0; // when the header block being collected began

private:
    std::function<void()> m_gone;

public:
};

static const char kStateProperty[] = "_marquee_connection_state";

static ConnectionState *stateOf(QTcpSocket *socket)
{
    return socket
        ? static_cast<ConnectionState *>(socket->property(kStateProperty).value<QObject *>())
        : nullptr;
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
    // HTTP/1.1 answers pipelined requests in the order they came: an answer that is ready
    // before an earlier one waits for it.
    s->parked.emplace(sequence, std::make_pair(std::move(bytes), close));
    while (!s->parked.empty() && s->parked.begin()->first == s->nextToWrite) {
        auto [data, closeAfter] = std::move(s->parked.begin()->second);
        s->parked.erase(s->parked.begin());
        ++s->nextToWrite;
        socket->write(data);
        if (closeAfter) {
            s->parked.clear();
            socket->flush();
            socket->disconnectFromHost();
            return;
        }
    }
    socket->flush();
}

void ConnectionGuard::requestFinished(QTcpSocket *socket)
{
    if (auto *s = stateOf(socket)) {
        if (s->inFlight > 0)
            --s->inFlight;
    }
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
        const bool idle = s->inFlight == 0 && now - s->lastActivityMs >= m_options.idleTimeoutMs;
        // A header block must arrive whole within the idle time, however slowly it trickles.
        const bool slowHead
            = !s->head.isEmpty() && now - s->headStartedMs >= m_options.idleTimeoutMs;
        if (idle || slowHead)
            socket->disconnectFromHost();
    }
}

void ConnectionGuard::closeIdleConnections()
{
    const auto sockets = findChildren<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly);
    for (QTcpSocket *socket : sockets) {
        auto *s = stateOf(socket);
        if (s && s->inFlight == 0 && s->head.isEmpty())
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
    const QString client = socket->peerAddress().toString();
    const bool clientFull = m_perClient.value(client) >= m_options.maxConnectionsPerClient;
    if (m_active >= m_options.maxConnections || clientFull) {
        if (clientFull)
            qCWarning(lcHttp) << "connection refused: limit of" << m_options.maxConnectionsPerClient
                              << "connections per client reached";
        else
            qCWarning(lcHttp) << "connection refused: limit of" << m_options.maxConnections
                              << "reached";
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
        return;
    }
    ++m_active;
    ++m_perClient[client];
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
    // taken from the pending queue), so every byte is seen here first.
    connect(socket, &QTcpSocket::readyRead, this,
        [this, socket, state] { onReadyRead(socket, state); });
    connect(socket, &QTcpSocket::bytesWritten, state,
        [this, state] { state->lastActivityMs = m_clock.elapsed(); });
    addPendingConnection(socket);
}

// Index of the empty line that ends a header block ("\r\n\r\n", "\n\n", "\n\r\n", "\r\n\n"),
// or -1; *length is the terminator's size.
static qint64 headerEnd(const QByteArray &head, qint64 from, qint64 *length)
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

static qint64 parseContentLength(
    const QByteArray &head, bool *chunked, bool *expectContinue, bool *bad)
{
    qint64 length = 0;
    int lengths = 0;
    bool transferEncoding = false;
    const QList<QByteArray> lines = head.split('\n');
    for (int i = 1; i < lines.size(); ++i) {
        const QByteArray &raw = lines.at(i);
        if (!raw.isEmpty() && (raw.at(0) == ' ' || raw.at(0) == '\t')) {
            *bad = true; // obsolete line folding: a value the parser may read differently
            continue;
        }
        const QByteArray line = raw.trimmed();
        const int colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length") {
            bool ok = false;
            length = value.toLongLong(&ok);
            if (!ok || length < 0 || ++lengths > 1)
                *bad = true;
        } else if (name == "transfer-encoding") {
            transferEncoding = true;
            *chunked = value.toLower().contains("chunked");
        } else if (name == "expect") {
            *expectContinue = value.toLower() == "100-continue";
        }
    }
    if (lengths > 0 && transferEncoding)
        *bad = true;
    return length;
}

void ConnectionGuard::onReadyRead(QTcpSocket *socket, ConnectionState *state)
{
    // Bytes arriving restart the idle clock; a half-sent request that stops arriving is cut off.
    state->lastActivityMs = m_clock.elapsed();
    if (state->phase == ConnectionState::Phase::Rejected) {
        socket->readAll();
        return;
    }
    // Qt's parser reads inside a transaction: what is still available is exactly what is new.
    const QByteArray data = socket->peek(socket->bytesAvailable());
    qint64 pos = 0;
    const qint64 n = data.size();
    using Phase = ConnectionState::Phase;
    while (pos < n) {
        switch (state->phase) {
        case Phase::Head: {
            if (state->head.isEmpty()) {
                while (pos < n && (data.at(pos) == '\r' || data.at(pos) == '\n'))
                    ++pos; // tolerated blank lines between requests
                if (pos >= n)
                    break;
            }
            const qint64 oldSize = state->head.size();
            if (oldSize == 0)
                state->headStartedMs = m_clock.elapsed();
            const qint64 room = m_options.maxHeaderBytes + 4 - oldSize;
            state->head.append(data.constData() + pos, qMin(room, n - pos));
            // The header block ends at an empty line, CRLF or a bare LF (as Qt's parser reads
            // it): the guard must never disagree with the parser about where a body starts.
            qint64 terminator = 0;
            const qint64 end = headerEnd(state->head, qMax<qint64>(0, oldSize - 3), &terminator);
            if (end < 0 || end + terminator > m_options.maxHeaderBytes + 4) {
                if (state->head.size() > m_options.maxHeaderBytes) {
                    reject(socket, state, 431,
                        QStringLiteral("Request header block exceeds %1 bytes")
                            .arg(m_options.maxHeaderBytes));
                    return;
                }
                pos = n;
                break;
            }
            pos += end + terminator - oldSize;
            bool chunked = false, expectContinue = false, bad = false;
            const qint64 length
                = parseContentLength(state->head.left(end), &chunked, &expectContinue, &bad);
            if (bad) {
                // Ambiguous framing (a second or unreadable Content-Length, Content-Length with
                // Transfer-Encoding, folded header lines) is how bodies get smuggled past a limit.
                reject(socket, state, 400, QStringLiteral("Malformed request headers"));
                return;
            }
            if (!chunked && length > m_options.maxBodyBytes) {
                reject(socket, state, 413,
                    QStringLiteral("Request body exceeds the limit of %1 bytes")
                        .arg(m_options.maxBodyBytes));
                return;
            }
            state->head.clear();
            state->bodySoFar = 0;
            if (expectContinue)
                socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            if (chunked) {
                state->phase = Phase::ChunkSize;
            } else if (length > 0) {
                state->remaining = length;
                state->phase = Phase::Body;
            }
            break;
        }
        case Phase::Body: {
            const qint64 take = qMin(state->remaining, n - pos);
            pos += take;
            state->remaining -= take;
            if (state->remaining == 0)
                state->phase = Phase::Head;
            break;
        }
        case Phase::ChunkSize:
        case Phase::Trailers: {
            const qint64 nl = data.indexOf('\n', pos);
            const qint64 take = (nl < 0 ? n : nl + 1) - pos;
            state->head.append(data.constData() + pos, take);
            pos += take;
            if (state->head.size() > 4096) {
                reject(socket, state, 431, QStringLiteral("Chunk header or trailer too large"));
                return;
            }
            if (nl < 0)
                break;
            const QByteArray line = state->head.trimmed();
            state->head.clear();
            if (state->phase == Phase::Trailers) {
                if (line.isEmpty())
                    state->phase = Phase::Head;
                break;
            }
            bool ok = false;
            const qint64 size = line.split(';').first().trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0) {
                state->phase = Phase::Head; // malformed: Qt's parser answers it
                break;
            }
            if (size == 0) {
                state->phase = Phase::Trailers;
                break;
            }
            state->bodySoFar += size;
            if (state->bodySoFar > m_options.maxBodyBytes) {
                reject(socket, state, 413,
                    QStringLiteral("Request body exceeds the limit of %1 bytes")
                        .arg(m_options.maxBodyBytes));
                return;
            }
            state->remaining = size;
            state->phase = Phase::ChunkData;
            break;
        }
        case Phase::ChunkData: {
            const qint64 take = qMin(state->remaining, n - pos);
            pos += take;
            state->remaining -= take;
            if (state->remaining == 0) {
                state->remaining = 2; // CRLF after the chunk
                state->phase = Phase::ChunkEnd;
            }
            break;
        }
        case Phase::ChunkEnd: {
            const qint64 take = qMin(state->remaining, n - pos);
            pos += take;
            state->remaining -= take;
            if (state->remaining == 0)
                state->phase = Phase::ChunkSize;
            break;
        }
        case Phase::Rejected:
            return;
        }
    }
}

void ConnectionGuard::reject(
    QTcpSocket *socket, ConnectionState *state, int status, const QString &message)
{
    const QByteArray requestLine
        = state->head.left(qMax<qsizetype>(0, state->head.indexOf('\r'))).left(200);
    state->phase = ConnectionState::Phase::Rejected;
    state->head.clear();
    // Take every buffered byte away from Qt's parser so it never sees the oversized request.
    if (socket->isTransactionStarted())
        socket->rollbackTransaction();
    socket->readAll();
    const QByteArray rid = newRequestId();
    const auto code = status == 431 ? ApiError::Code::HeaderTooLarge
        : status == 400             ? ApiError::Code::ValidationError
                                    : ApiError::Code::PayloadTooLarge;
    const HttpResponse r = HttpResponse::error(ApiError(code, message), rid);
    QList<std::pair<QByteArray, QByteArray>> headers {
        {"Content-Type", r.contentType}, {"X-Request-Id", rid}, {"Connection", "close"}};
    appendSecurityHeaders(headers, r.contentType);
    socket->write(serializeResponse(status, headers, r.body, true));
    socket->disconnectFromHost();
    emit rejected(status, rid, requestLine);
}

} // namespace marquee
