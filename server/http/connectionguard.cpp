#include "connectionguard.h"

#include "apierror.h"
#include "cors.h"
#include "log/categories.h"
#include "ratelimiter.h"
#include "requestid.h"
#include "wire.h"

#include <QFile>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace marquee {

ConnectionBudget::Refusal ConnectionBudget::take(
    const QString &client, int maxConnections, int maxPerClient)
{
    std::unique_lock lock(m_mutex);
    auto it = m_perClient.find(client);
    if (it != m_perClient.end() && *it >= maxPerClient)
        return Refusal::ClientFull;
    if (m_active >= maxConnections)
        return Refusal::Full;
    ++m_active;
    if (it == m_perClient.end())
        m_perClient.insert(client, 1);
    else
        ++*it;
    return Refusal::None;
}

void ConnectionBudget::release(const QString &client)
{
    std::unique_lock lock(m_mutex);
    --m_active;
    auto it = m_perClient.find(client);
    if (it != m_perClient.end() && --*it <= 0)
        m_perClient.erase(it);
}

int ConnectionBudget::active() const
{
    std::unique_lock lock(m_mutex);
    return m_active;
}

bool ConnectionBudget::mayWarn()
{
    const qint64 now = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now().time_since_epoch())
                           .count();
    qint64 last = m_lastWarningMs.load(std::memory_order_relaxed);
    return (last < 0 || now - last >= 1000)
        && m_lastWarningMs.compare_exchange_strong(last, now, std::memory_order_relaxed);
}

namespace {

// Over the header and body limits, what a socket may buffer (a backstop that does not depend on
// parsing: no request can make one connection hold more).
constexpr qint64 kReadSlack = 16 * 1024;

} // namespace

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

bool ConnectionGuard::listenReusingPort(const QHostAddress &address, quint16 port)
{
    m_listenError.clear();
    const bool dualStack = address == QHostAddress(QHostAddress::Any);
    const bool v6 = dualStack || address.protocol() == QAbstractSocket::IPv6Protocol;
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    auto fail = [&](const char *what) {
        m_listenError = QStringLiteral("%1: %2").arg(
            QLatin1String(what), QString::fromLocal8Bit(std::strerror(errno)));
        if (fd >= 0)
            ::close(fd);
        return false;
    };
    if (fd < 0)
        return fail("socket");
    const int on = 1;
    const int off = 0;
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0
        || ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0)
        return fail("setsockopt");
    int rc = -1;
    if (v6) {
        if (::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, dualStack ? &off : &on, sizeof on) != 0)
            return fail("setsockopt");
        sockaddr_in6 a {};
        a.sin6_family = AF_INET6;
        a.sin6_port = htons(port);
        if (!dualStack) {
            const Q_IPV6ADDR bytes = address.toIPv6Address();
            std::memcpy(&a.sin6_addr, &bytes, sizeof bytes);
            // The zone of a link-local address: an interface's number or its name ("eth0").
            bool numeric = false;
            a.sin6_scope_id = address.scopeId().toUInt(&numeric);
            if (!numeric && !address.scopeId().isEmpty())
                a.sin6_scope_id = ::if_nametoindex(address.scopeId().toLocal8Bit().constData());
        }
        rc = ::bind(fd, reinterpret_cast<const sockaddr *>(&a), sizeof a);
    } else {
        sockaddr_in a {};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(address.toIPv4Address());
        rc = ::bind(fd, reinterpret_cast<const sockaddr *>(&a), sizeof a);
    }
    if (rc != 0)
        return fail("bind");
    if (::listen(fd, m_options.listenBacklog) != 0)
        return fail("listen");
    if (!setSocketDescriptor(fd)) {
        m_listenError = errorString();
        ::close(fd);
        return false;
    }
    return true;
}

int ConnectionGuard::listenersSharingThePort() const
{
    // /proc/net/tcp{,6} name each socket's local address as the kernel holds it: the address's
    // bytes printed as 32-bit words in host order, then the port; state 0A is LISTEN.
    sockaddr_storage local {};
    socklen_t length = sizeof local;
    if (::getsockname(int(socketDescriptor()), reinterpret_cast<sockaddr *>(&local), &length) != 0)
        return -1;
    QByteArray wanted;
    const char *table = nullptr;
    auto words = [&wanted](const void *bytes, int count) {
        for (int i = 0; i < count; ++i) {
            quint32 word = 0;
            std::memcpy(&word, static_cast<const char *>(bytes) + 4 * i, 4);
            wanted += QByteArray::number(word, 16).rightJustified(8, '0').toUpper();
        }
    };
    quint16 port = 0;
    if (local.ss_family == AF_INET6) {
        const auto *a = reinterpret_cast<const sockaddr_in6 *>(&local);
        words(&a->sin6_addr, 4);
        port = ntohs(a->sin6_port);
        table = "/proc/net/tcp6";
    } else {
        const auto *a = reinterpret_cast<const sockaddr_in *>(&local);
        words(&a->sin_addr, 1);
        port = ntohs(a->sin_port);
        table = "/proc/net/tcp";
    }
    wanted += ':' + QByteArray::number(port, 16).rightJustified(4, '0').toUpper();
    QFile f(QString::fromLatin1(table));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    int count = 0;
    f.readLine(); // the column names
    while (!f.atEnd()) {
        const QList<QByteArray> fields = f.readLine().simplified().split(' ');
        if (fields.size() > 3 && fields.at(1) == wanted && fields.at(3) == "0A")
            ++count;
    }
    return count;
}

void ConnectionGuard::followParser()
{
    // QAbstractHttpServer connects its readyRead handler when newConnection is emitted; this
    // connection is made after bind(), so it runs after that handler and can connect
    // afterParser() behind it.
    connect(this, &QTcpServer::newConnection, this, [this] {
        for (const QPointer<QTcpSocket> &socket : std::as_const(m_unfollowed)) {
            Connection *c = socket ? connection(socket) : nullptr;
            if (!c)
                continue;
            connect(socket, &QTcpSocket::readyRead, c, [this, c] { afterParser(c); });
        }
        m_unfollowed.clear();
    });
}

void ConnectionGuard::closeExpired()
{
    const qint64 now = m_clock.elapsed();
    // A copy: closing a connection may change the hash.
    const auto connections = m_connections;
    for (Connection *c : connections) {
        QTcpSocket *socket = c->socket();
        if (socket->state() == QAbstractSocket::UnconnectedState) {
            socket->deleteLater(); // whatever happened to its signals, the slot comes back
            continue;
        }
        if (cutIfExpired(c, now))
            continue;
        if (c->isIdle() && now - c->m_lastActivityMs >= m_options.idleTimeoutMs)
            socket->disconnectFromHost();
    }
}

// The deadlines that abort a connection rather than close it; true when it was aborted.
bool ConnectionGuard::cutIfExpired(Connection *c, qint64 now)
{
    QTcpSocket *socket = c->socket();
    // Output a client does not read must drain within the idle time, or the connection is cut:
    // disconnectFromHost() alone would wait for it forever.
    if (socket->bytesToWrite() > 0) {
        if (c->m_unsentSinceMs < 0) {
            c->m_unsentSinceMs = now;
        } else if (now - c->m_unsentSinceMs >= m_options.idleTimeoutMs) {
            qCInfo(lcHttp) << "connection aborted: its client stopped reading";
            socket->abort();
            return true;
        }
    } else {
        c->m_unsentSinceMs = -1;
    }
    // A whole request (header block and body) must arrive within the idle time, however slowly
    // it trickles.
    if (c->m_scanner.inRequest() && now - c->m_requestStartedMs >= m_options.idleTimeoutMs) {
        qCInfo(lcHttp) << "connection aborted: a request did not arrive in time";
        socket->abort();
        return true;
    }
    return false;
}

int ConnectionGuard::flushPendingOutput()
{
    int pending = 0;
    const auto connections = m_connections;
    for (Connection *c : connections) {
        QTcpSocket *socket = c->socket();
        if (socket->state() != QAbstractSocket::ConnectedState
            && socket->state() != QAbstractSocket::ClosingState)
            continue;
        if (socket->bytesToWrite() > 0)
            socket->flush();
        if (socket->bytesToWrite() > 0 || c->m_file)
            ++pending;
    }
    return pending;
}

void ConnectionGuard::closeIdleConnections()
{
    const auto connections = m_connections;
    for (Connection *c : connections) {
        if (c->isIdle())
            c->socket()->disconnectFromHost();
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
    const ConnectionBudget::Refusal refusal
        = m_budget->take(client, m_options.maxConnections, m_options.maxConnectionsPerClient);
    if (refusal != ConnectionBudget::Refusal::None) {
        refuseOverCapacity(socket, refusal == ConnectionBudget::Refusal::ClientFull);
        return;
    }
    // The backstop: a socket never buffers more than one maximal request and some slack.
    socket->setReadBufferSize(m_options.maxHeaderBytes + m_options.maxBodyBytes + kReadSlack);
    QPointer<ConnectionGuard> self(this);
    auto *c = new Connection(socket, {m_options.maxHeaderBytes, m_options.maxBodyBytes},
        [self, socket, client, budget = m_budget] {
            budget->release(client);
            if (self)
                self->m_connections.remove(socket);
        });
    m_connections.insert(socket, c);
    c->m_lastActivityMs = m_clock.elapsed();

    // Connected before Qt's own readyRead handler (which is connected once this socket is
    // taken from the pending queue), so every byte is seen here first; afterParser() is
    // connected behind Qt's handler by followParser().
    connect(socket, &QTcpSocket::readyRead, c, [this, c] { beforeParser(c); });
    connect(socket, &QTcpSocket::bytesWritten, c, [this, c] {
        c->m_lastActivityMs = m_clock.elapsed();
        c->m_unsentSinceMs = c->socket()->bytesToWrite() > 0 ? c->m_lastActivityMs : -1;
        if (c->m_file)
            c->pumpFile();
        c->resumeIfDrained();
    });
    m_unfollowed.append(socket);
    addPendingConnection(socket);
}

void ConnectionGuard::refuseOverCapacity(QTcpSocket *socket, bool clientFull)
{
    // At most one line a second (for every event loop together): a flood of refused
    // connections must not flood the log.
    if (m_budget->mayWarn()) {
        if (clientFull)
            qCWarning(lcHttp) << "connection refused: limit of" << m_options.maxConnectionsPerClient
                              << "connections per client reached";
        else
            qCWarning(lcHttp) << "connection refused: limit of" << m_options.maxConnections
                              << "reached";
    }
    AnswerContext context;
    context.requestId = newRequestId();
    context.close = true;
    ApiError error(ApiError::Code::ServiceUnavailable, QStringLiteral("Too many connections"));
    error.headers.append(Header {"Retry-After", "1"});
    socket->write(serializeAnswer(HttpResponse::error(error, context.requestId), context));
    socket->disconnectFromHost();
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    // A client that never reads the 503 is cut off too.
    QTimer::singleShot(m_options.idleTimeoutMs, socket, [socket] { socket->abort(); });
}

void ConnectionGuard::beforeParser(Connection *c)
{
    const qint64 available = c->socket()->bytesAvailable();
    if (!scanNewBytes(c, available))
        return;
    holdBackIfOverloaded(c, available);
}

// Scans what arrived since Qt's parser last ran; false when nothing more is to be done for this
// readyRead (the connection was refused and its bytes dropped, or its refusal went out).
bool ConnectionGuard::scanNewBytes(Connection *c, qint64 available)
{
    QTcpSocket *socket = c->socket();
    const qint64 previousActivity = c->m_lastActivityMs;
    c->m_lastActivityMs = m_clock.elapsed();
    if (c->m_refused) {
        if (!c->m_refusalPending) {
            socket->readAll(); // after a refusal nothing more is read
            return false;
        }
        if (c->m_nextSequence >= c->m_refusalIndex) {
            drainAndAnswerRefusal(c);
            return false;
        }
        // Earlier requests are still being handed to Qt: the caps still apply.
        return true;
    }
    const qint64 fresh = available - c->m_unreadAfterParser;
    if (fresh <= 0)
        return true;
    // Only bytes never seen before are scanned: each byte once, however often Qt re-emits
    // readyRead for a buffer of pipelined requests. Peeked into a buffer kept per thread, not a
    // new one every read.
    thread_local QByteArray peeked;
    peeked.resize(available);
    const QByteArrayView data(
        peeked.constData(), qMax<qint64>(0, socket->peek(peeked.data(), available)));
    const quint64 before = c->m_scanner.completeRequests();
    scan(c, data, data.size() - fresh);
    if (c->m_refused && !c->m_refusalPending)
        return false;
    // White space alone between requests (which Qt's parser skips) is no activity: a trickle of
    // it must not keep an idle connection open.
    if (!c->m_refused && !c->m_scanner.inRequest() && c->m_scanner.completeRequests() == before)
        c->m_lastActivityMs = previousActivity;
    return true;
}

// Too many unanswered requests or too much unsent output: Qt's parser gets to see nothing this
// time (the bytes stay buffered; afterParser() gives them back). Reading resumes when answers
// drain. Never while Qt is in the middle of a request.
void ConnectionGuard::holdBackIfOverloaded(Connection *c, qint64 available)
{
    QTcpSocket *socket = c->socket();
    if (c->overloaded() && !socket->isTransactionStarted() && available > 0) {
        socket->startTransaction();
        socket->skip(available);
        c->m_hidden = true;
        c->m_paused = true;
    }
}

void ConnectionGuard::afterParser(Connection *c)
{
    if (c->m_hidden) {
        c->socket()->rollbackTransaction();
        c->m_hidden = false;
    }
    c->m_unreadAfterParser = c->socket()->bytesAvailable();
}

void ConnectionGuard::scan(Connection *c, QByteArrayView data, qint64 pos)
{
    const bool wasInRequest = c->m_scanner.inRequest();
    const FramingScanner::Result r = c->m_scanner.feed(data.sliced(pos));
    if (c->m_scanner.inRequest() && (!wasInRequest || r.completed > 0))
        c->m_requestStartedMs = m_clock.elapsed();
    for (const quint64 index : r.continues)
        c->m_answers[index].interim = "HTTP/1.1 100 Continue\r\n\r\n";
    if (!r.continues.isEmpty())
        c->writeInOrder();
    if (r.closeAt) {
        c->m_closeRequested = true;
        c->m_closeIndex = *r.closeAt;
    }
    if (r.refusal) {
        refuse(c, *r.refusal);
    } else if (c->m_scanner.stopped() && !c->m_refused) {
        // Past a request that closes the connection: what follows it is taken away from Qt's
        // parser once it has taken that one, and nothing answers it.
        c->m_refused = true;
        c->m_refusal.clear();
        c->m_refusalIndex = c->m_closeIndex + 1;
        c->m_refusalPending = true;
    }
}

void ConnectionGuard::refuse(Connection *c, const FramingScanner::Refusal &refusal)
{
    const int status = refusal.status;
    c->m_refused = true;
    const auto code = status == 431 ? ApiError::Code::HeaderTooLarge
        : status == 400             ? ApiError::Code::ValidationError
                                    : ApiError::Code::PayloadTooLarge;
    AnswerContext context;
    context.requestId = newRequestId();
    context.close = true;
    // A browser reads the refusal only with the CORS headers the pipeline would have added.
    appendCorsHeaders(context.pipelineHeaders, m_options.allowedOrigins, refusal.origin);
    c->m_refusal = serializeAnswer(
        HttpResponse::error(ApiError(code, refusal.message), context.requestId), context);
    c->m_refusalIndex = c->m_scanner.completeRequests();
    c->m_refusalPending = true;
    emit rejected(status, context.requestId, refusal.method, refusal.path);
    // The complete requests before this one are still answered, in order: the refusal waits
    // until Qt has taken them (scanNewBytes checks on every turn).
    if (c->m_nextSequence >= c->m_refusalIndex)
        drainAndAnswerRefusal(c);
}

void ConnectionGuard::drainAndAnswerRefusal(Connection *c)
{
    QTcpSocket *socket = c->socket();
    c->m_refusalPending = false;
    // Take every buffered byte away from Qt's parser so it never sees the refused request.
    if (socket->isTransactionStarted())
        socket->rollbackTransaction();
    c->m_hidden = false;
    socket->readAll();
    c->m_unreadAfterParser = 0;
    if (c->m_refusal.isEmpty())
        return; // after a closing request: nothing to answer, the connection closes after it
    c->park(c->m_refusalIndex, std::exchange(c->m_refusal, QByteArray()), true);
    c->writeInOrder();
}

} // namespace marquee
