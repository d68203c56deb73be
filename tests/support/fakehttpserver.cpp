#include "fakehttpserver.h"

#include "http/httpresponse.h"

#include <QHash>
#include <QHostAddress>
#include <QMetaObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <optional>

namespace marquee::test {

namespace {

// A client that never ends its header block must not grow the buffer forever.
constexpr qsizetype maxHeaderBytes = 64 * 1024;

enum class ParseResult { Incomplete, Complete, Malformed };

ParseResult takeRequest(QByteArray &buffer, FakeHttpServer::Request &out)
{
    while (buffer.startsWith("\r\n")) // tolerated before a request line (RFC 9112 2.2)
        buffer.remove(0, 2);
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return buffer.size() > maxHeaderBytes ? ParseResult::Malformed : ParseResult::Incomplete;
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine.at(2).startsWith("HTTP/1.")
        || !requestLine.at(1).startsWith('/'))
        return ParseResult::Malformed;
    out = {};
    out.method = requestLine.at(0);
    out.keepAlive = requestLine.at(2) != "HTTP/1.0";
    qint64 contentLength = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon <= 0)
            return ParseResult::Malformed;
        const QByteArray name = lines.at(i).left(colon).trimmed();
        const QByteArray value = lines.at(i).mid(colon + 1).trimmed();
        out.headers.append({name, value});
        if (name.compare("content-length", Qt::CaseInsensitive) == 0) {
            bool ok = false;
            contentLength = value.toLongLong(&ok);
            if (!ok || contentLength < 0)
                return ParseResult::Malformed;
        } else if (name.compare("transfer-encoding", Qt::CaseInsensitive) == 0) {
            return ParseResult::Malformed; // no fake takes a chunked body
        } else if (name.compare("connection", Qt::CaseInsensitive) == 0) {
            const QByteArray token = value.toLower();
            if (token.contains("close"))
                out.keepAlive = false;
            else if (token.contains("keep-alive"))
                out.keepAlive = true;
        }
    }
    const qint64 total = headerEnd + 4 + contentLength;
    if (buffer.size() < total)
        return ParseResult::Incomplete;
    const QByteArray target = requestLine.at(1);
    const qsizetype question = target.indexOf('?');
    out.path = QUrl::fromPercentEncoding(question < 0 ? target : target.left(question));
    if (question >= 0)
        out.query = QUrlQuery(QString::fromUtf8(target.mid(question + 1)));
    out.body = buffer.mid(headerEnd + 4, contentLength);
    buffer.remove(0, total);
    return ParseResult::Complete;
}

} // namespace

QByteArray FakeHttpServer::Request::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

struct FakeHttpServer::Private
{
    struct Connection
    {
        QByteArray buffer;
        bool busy = false; // one request at a time keeps answers in request order
        quint64 serial = 0; // of the connection's latest request
        quint64 awaiting = 0; // the serial of the request still to be answered, 0 if none
        std::optional<Request> parked;
    };

    explicit Private(FakeHttpServer *owner)
        : q(owner)
    { }

    void acceptConnections();
    void readFrom(QTcpSocket *socket);
    void dispatch(QTcpSocket *socket, const Request &request);
    void answer(QTcpSocket *socket, const Request &request);
    void write(QTcpSocket *socket, quint64 serial, const QByteArray &response, bool keepAlive);
    void forget(QTcpSocket *socket);
    QByteArray serialise(const Reply &reply, bool keepAlive) const;

    FakeHttpServer *q;
    QTcpServer *server = nullptr; // child of q
    QHash<QTcpSocket *, Connection> connections;
    Observer observer;
    Handler handler;
    QByteArray contentType = "application/json; charset=utf-8";
    QByteArray badRequestBody;
    int delayMs = 0;
    bool hang = false;
    bool drop = false;
    int connectionsAccepted = 0;
    QString error;
};

void FakeHttpServer::Private::acceptConnections()
{
    while (QTcpSocket *socket = server->nextPendingConnection()) {
        ++connectionsAccepted;
        connections.insert(socket, {});
        QObject::connect(socket, &QTcpSocket::readyRead, q, [this, socket] { readFrom(socket); });
        QObject::connect(socket, &QTcpSocket::disconnected, q, [this, socket] { forget(socket); });
    }
}

void FakeHttpServer::Private::readFrom(QTcpSocket *socket)
{
    for (;;) {
        const auto it = connections.find(socket);
        if (it == connections.end())
            return; // dropped while handling the previous request
        it->buffer += socket->readAll();
        if (it->busy)
            return;
        Request request;
        switch (takeRequest(it->buffer, request)) {
        case ParseResult::Incomplete:
            return;
        case ParseResult::Malformed:
            it->buffer.clear();
            it->busy = true;
            it->awaiting = ++it->serial;
            write(socket, it->serial, serialise({400, badRequestBody, {}}, false), false);
            return;
        case ParseResult::Complete:
            it->busy = true;
            it->awaiting = ++it->serial;
            dispatch(socket, request);
            break;
        }
    }
}

void FakeHttpServer::Private::dispatch(QTcpSocket *socket, const Request &request)
{
    if (observer)
        observer(request);
    if (!connections.contains(socket))
        return;
    if (drop) {
        socket->abort();
        forget(socket);
        return;
    }
    if (hang) {
        connections[socket].parked = request;
        return;
    }
    answer(socket, request);
}

void FakeHttpServer::Private::answer(QTcpSocket *socket, const Request &request)
{
    Responder responder;
    responder.m_server = q;
    responder.m_socket = socket;
    responder.m_serial = connections.value(socket).serial;
    responder.m_keepAlive = request.keepAlive;
    if (handler)
        handler(request, responder);
    else
        responder.send({404, {}, {}});
}

void FakeHttpServer::Private::write(
    QTcpSocket *socket, quint64 serial, const QByteArray &response, bool keepAlive)
{
    const auto it = connections.find(socket);
    if (it == connections.end() || it->awaiting != serial)
        return; // the client has gone, or this request was answered already
    it->awaiting = 0;
    socket->write(response);
    if (!keepAlive) {
        socket->disconnectFromHost(); // after the write is flushed
        return;
    }
    it->busy = false;
    // A request that arrived meanwhile is already buffered and would get no readyRead of its own.
    if (!it->buffer.isEmpty())
        QMetaObject::invokeMethod(
            socket, [this, socket] { readFrom(socket); }, Qt::QueuedConnection);
}

void FakeHttpServer::Private::forget(QTcpSocket *socket)
{
    if (connections.remove(socket) == 0)
        return;
    socket->disconnect(q);
    socket->deleteLater();
}

QByteArray FakeHttpServer::Private::serialise(const Reply &reply, bool keepAlive) const
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(reply.status) + ' '
        + reasonPhrase(reply.status) + "\r\nContent-Type: " + contentType
        + "\r\nContent-Length: " + QByteArray::number(reply.body.size())
        + (keepAlive ? "\r\nConnection: keep-alive\r\n" : "\r\nConnection: close\r\n");
    for (const auto &[name, value] : reply.headers)
        out += name + ": " + value + "\r\n";
    return out + "\r\n" + reply.body;
}

void FakeHttpServer::Responder::send(const Reply &reply) const
{
    if (!isPending())
        return;
    FakeHttpServer::Private *d = m_server->d.get();
    const QByteArray response = d->serialise(reply, m_keepAlive);
    QTcpSocket *socket = m_socket;
    if (d->delayMs <= 0) {
        d->write(socket, m_serial, response, m_keepAlive);
        return;
    }
    // The socket as context cancels the answer when the client has gone away meanwhile.
    QTimer::singleShot(d->delayMs, Qt::PreciseTimer, socket,
        [server = m_server, socket, serial = m_serial, response, keepAlive = m_keepAlive] {
            if (server)
                server->d->write(socket, serial, response, keepAlive);
        });
}

bool FakeHttpServer::Responder::isPending() const
{
    if (!m_server || !m_socket)
        return false;
    const auto &connections = m_server->d->connections;
    const auto it = connections.constFind(m_socket.data());
    return it != connections.constEnd() && it->awaiting == m_serial;
}

FakeHttpServer::FakeHttpServer(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this))
{
    d->server = new QTcpServer(this);
    connect(d->server, &QTcpServer::newConnection, this, [this] { d->acceptConnections(); });
}

FakeHttpServer::~FakeHttpServer()
{
    // The server and sockets are QObject children and die after d; cut their signals first so
    // that none reaches a half-destroyed server.
    d->server->disconnect(this);
    for (auto it = d->connections.cbegin(); it != d->connections.cend(); ++it)
        it.key()->disconnect(this);
}

void FakeHttpServer::setObserver(Observer observer)
{
    d->observer = std::move(observer);
}

void FakeHttpServer::setHandler(Handler handler)
{
    d->handler = std::move(handler);
}

void FakeHttpServer::setContentType(const QByteArray &contentType)
{
    d->contentType = contentType;
}

void FakeHttpServer::setBadRequestBody(const QByteArray &body)
{
    d->badRequestBody = body;
}

bool FakeHttpServer::start()
{
    if (d->server->isListening())
        return true;
    if (!d->server->listen(QHostAddress::LocalHost, 0)) {
        d->error = d->server->errorString();
        return false;
    }
    return true;
}

void FakeHttpServer::stop()
{
    d->server->close();
    const QList<QTcpSocket *> sockets = d->connections.keys();
    for (QTcpSocket *socket : sockets)
        socket->abort();
}

QString FakeHttpServer::errorString() const
{
    return d->error;
}

quint16 FakeHttpServer::port() const
{
    return d->server->serverPort();
}

int FakeHttpServer::connectionCount() const
{
    return d->connectionsAccepted;
}

void FakeHttpServer::setDelay(int ms)
{
    d->delayMs = std::max(0, ms);
}

void FakeHttpServer::setHang(bool hang)
{
    d->hang = hang;
    if (hang)
        return;
    QList<QPair<QTcpSocket *, Request>> parked;
    for (auto it = d->connections.begin(); it != d->connections.end(); ++it) {
        if (it->parked) {
            parked.append({it.key(), *it->parked});
            it->parked.reset();
        }
    }
    for (const auto &[socket, request] : std::as_const(parked))
        d->answer(socket, request);
}

void FakeHttpServer::setDropConnections(bool drop)
{
    d->drop = drop;
}

int FakeHttpServer::parkedCount() const
{
    int n = 0;
    for (auto it = d->connections.cbegin(); it != d->connections.cend(); ++it) {
        if (it->parked && it.key()->state() == QAbstractSocket::ConnectedState)
            ++n;
    }
    return n;
}

} // namespace marquee::test
