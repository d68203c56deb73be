#include "fakeclerk.h"

#include "log/logger.h"

#include <QDateTime>
#include <QHash>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
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

const QString wellKnownJwksPath = QStringLiteral("/.well-known/jwks.json");
const QString backendJwksPath = QStringLiteral("/v1/jwks");
const QString usersPrefix = QStringLiteral("/v1/users/");

struct Reply
{
    int status = 200;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
};

struct ParsedRequest
{
    FakeClerk::Request request;
    bool keepAlive = true;
};

enum class ParseResult { Incomplete, Complete, Malformed };

const char *reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

// Clerk's Backend API error shape: {"errors":[{message, long_message, code}], "clerk_trace_id"}.
QByteArray clerkError(int status)
{
    QString code = QStringLiteral("internal_clerk_error");
    QString message = QStringLiteral("Oops, an unexpected error occurred");
    if (status == 401) {
        code = QStringLiteral("authentication_invalid");
        message = QStringLiteral("Invalid authentication");
    } else if (status == 404) {
        code = QStringLiteral("resource_not_found");
        message = QStringLiteral("not found");
    } else if (status == 405) {
        code = QStringLiteral("method_not_allowed");
        message = QStringLiteral("method not allowed");
    } else if (status == 429) {
        code = QStringLiteral("too_many_requests");
        message = QStringLiteral("Too many requests");
    }
    const QJsonObject error {{QStringLiteral("message"), message},
        {QStringLiteral("long_message"), message}, {QStringLiteral("code"), code}};
    const QJsonObject body {{QStringLiteral("errors"), QJsonArray {error}},
        {QStringLiteral("clerk_trace_id"), QStringLiteral("fake-trace")}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QByteArray serialise(const Reply &reply, bool keepAlive)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(reply.status) + ' '
        + reasonPhrase(reply.status)
        + "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: "
        + QByteArray::number(reply.body.size())
        + (keepAlive ? "\r\nConnection: keep-alive\r\n" : "\r\nConnection: close\r\n");
    for (const auto &[name, value] : reply.headers)
        out += name + ": " + value + "\r\n";
    return out + "\r\n" + reply.body;
}

ParseResult takeRequest(QByteArray &buffer, ParsedRequest &out)
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
    out.request.method = requestLine.at(0);
    out.keepAlive = requestLine.at(2) != "HTTP/1.0";
    qint64 contentLength = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon <= 0)
            return ParseResult::Malformed;
        const QByteArray name = lines.at(i).left(colon).trimmed();
        const QByteArray value = lines.at(i).mid(colon + 1).trimmed();
        out.request.headers.append({name, value});
        if (name.compare("content-length", Qt::CaseInsensitive) == 0) {
            bool ok = false;
            contentLength = value.toLongLong(&ok);
            if (!ok || contentLength < 0)
                return ParseResult::Malformed;
        } else if (name.compare("transfer-encoding", Qt::CaseInsensitive) == 0) {
            return ParseResult::Malformed; // nothing we serve takes a chunked body
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
    out.request.path = QUrl::fromPercentEncoding(question < 0 ? target : target.left(question));
    buffer.remove(0, total);
    return ParseResult::Complete;
}

} // namespace

QByteArray FakeClerk::Request::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

struct FakeClerk::Private
{
    struct Connection
    {
        QByteArray buffer;
        bool busy = false; // one request at a time keeps answers in request order
        std::optional<ParsedRequest> parked;
    };

    explicit Private(FakeClerk *owner)
        : q(owner)
    { }

    void acceptConnections();
    void readFrom(QTcpSocket *socket);
    void handle(QTcpSocket *socket, const ParsedRequest &parsed);
    void answer(QTcpSocket *socket, const ParsedRequest &parsed);
    void send(QTcpSocket *socket, const QByteArray &response, bool keepAlive);
    void forget(QTcpSocket *socket);
    Reply replyFor(const Request &request);
    bool authorised(const Request &request) const;

    FakeClerk *q;
    QTcpServer *server = nullptr; // child of q
    QHash<QTcpSocket *, Connection> connections;
    QList<QJsonObject> jwks;
    QString secretKey = FakeClerk::defaultSecretKey();
    QHash<QString, QJsonObject> users;
    int delayMs = 0;
    bool hang = false;
    int failCount = 0;
    int failStatus = 0;
    QList<Request> requests;
    QString error;
};

void FakeClerk::Private::acceptConnections()
{
    while (QTcpSocket *socket = server->nextPendingConnection()) {
        connections.insert(socket, {});
        QObject::connect(socket, &QTcpSocket::readyRead, q, [this, socket] { readFrom(socket); });
        QObject::connect(socket, &QTcpSocket::disconnected, q, [this, socket] { forget(socket); });
    }
}

void FakeClerk::Private::readFrom(QTcpSocket *socket)
{
    for (;;) {
        const auto it = connections.find(socket);
        if (it == connections.end())
            return;
        it->buffer += socket->readAll();
        if (it->busy)
            return;
        ParsedRequest parsed;
        switch (takeRequest(it->buffer, parsed)) {
        case ParseResult::Incomplete:
            return;
        case ParseResult::Malformed:
            it->buffer.clear();
            it->busy = true;
            send(socket, serialise({400, clerkError(400), {}}, false), false);
            return;
        case ParseResult::Complete:
            it->busy = true;
            handle(socket, parsed);
            break;
        }
    }
}

void FakeClerk::Private::handle(QTcpSocket *socket, const ParsedRequest &parsed)
{
    requests.append(parsed.request);
    emit q->requestReceived(parsed.request.path);
    if (!connections.contains(socket))
        return;
    if (hang) {
        connections[socket].parked = parsed;
        return;
    }
    answer(socket, parsed);
}

void FakeClerk::Private::answer(QTcpSocket *socket, const ParsedRequest &parsed)
{
    const QByteArray response = serialise(replyFor(parsed.request), parsed.keepAlive);
    const bool keepAlive = parsed.keepAlive;
    if (delayMs <= 0) {
        send(socket, response, keepAlive);
        return;
    }
    // The socket as context cancels the answer when the client has gone away meanwhile.
    QTimer::singleShot(delayMs, Qt::PreciseTimer, socket,
        [this, socket, response, keepAlive] { send(socket, response, keepAlive); });
}

void FakeClerk::Private::send(QTcpSocket *socket, const QByteArray &response, bool keepAlive)
{
    const auto it = connections.find(socket);
    if (it == connections.end())
        return;
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

void FakeClerk::Private::forget(QTcpSocket *socket)
{
    if (connections.remove(socket) == 0)
        return;
    socket->disconnect(q);
    socket->deleteLater();
}

bool FakeClerk::Private::authorised(const Request &request) const
{
    if (secretKey.isEmpty())
        return true;
    const QByteArray value = request.header("authorization");
    const QByteArray scheme = "bearer ";
    return value.left(scheme.size()).compare(scheme, Qt::CaseInsensitive) == 0
        && value.mid(scheme.size()) == secretKey.toUtf8();
}

Reply FakeClerk::Private::replyFor(const Request &request)
{
    if (failCount > 0) {
        --failCount;
        return {failStatus, clerkError(failStatus), {}};
    }
    const bool wellKnown = request.path == wellKnownJwksPath;
    if (!wellKnown && !authorised(request))
        return {401, clerkError(401), {}};
    if (request.method != "GET")
        return {405, clerkError(405), {{"Allow", "GET"}}};
    if (wellKnown || request.path == backendJwksPath) {
        QJsonArray keys;
        for (const QJsonObject &jwk : std::as_const(jwks))
            keys.append(jwk);
        return {200,
            QJsonDocument(QJsonObject {{QStringLiteral("keys"), keys}})
                .toJson(QJsonDocument::Compact),
            {{"Cache-Control", "public, max-age=3600"}}};
    }
    if (request.path.startsWith(usersPrefix)) {
        const QString id = request.path.mid(usersPrefix.size());
        const auto it = users.constFind(id);
        if (it == users.constEnd())
            return {404, clerkError(404), {}};
        return {200, QJsonDocument(*it).toJson(QJsonDocument::Compact), {}};
    }
    return {404, clerkError(404), {}};
}

FakeClerk::FakeClerk(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this))
{
    d->server = new QTcpServer(this);
    connect(d->server, &QTcpServer::newConnection, this, [this] { d->acceptConnections(); });
}

FakeClerk::~FakeClerk()
{
    // The server and sockets are QObject children and die after d; cut their signals first so
    // that none reaches a half-destroyed fake.
    d->server->disconnect(this);
    for (auto it = d->connections.cbegin(); it != d->connections.cend(); ++it)
        it.key()->disconnect(this);
}

bool FakeClerk::start()
{
    if (d->server->isListening())
        return true;
    if (!d->server->listen(QHostAddress::LocalHost, 0)) {
        d->error = d->server->errorString();
        return false;
    }
    return true;
}

QString FakeClerk::errorString() const
{
    return d->error;
}

quint16 FakeClerk::port() const
{
    return d->server->serverPort();
}

QString FakeClerk::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(port());
}

QString FakeClerk::jwksUrl() const
{
    return baseUrl() + wellKnownJwksPath;
}

void FakeClerk::setKeys(const QList<QJsonObject> &jwks)
{
    d->jwks = jwks;
}

QList<QJsonObject> FakeClerk::keys() const
{
    return d->jwks;
}

void FakeClerk::setSecretKey(const QString &key)
{
    d->secretKey = key;
}

QString FakeClerk::secretKey() const
{
    return d->secretKey;
}

QString FakeClerk::defaultSecretKey()
{
    return QStringLiteral("sk_test_FakeClerkSecretKey0123456789abcdefABCDEF");
}

void FakeClerk::setUser(const QJsonObject &user)
{
    d->users.insert(user.value(QStringLiteral("id")).toString(), user);
}

void FakeClerk::removeUser(const QString &id)
{
    d->users.remove(id);
}

QJsonObject FakeClerk::clerkUser(const QString &id, const QString &email, const QString &firstName,
    const QString &lastName, const QString &imageUrl)
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    auto nullable = [](const QString &s) { return s.isEmpty() ? QJsonValue() : QJsonValue(s); };
    auto address = [nowMs](const QString &addressId, const QString &text) {
        return QJsonObject {{QStringLiteral("id"), addressId},
            {QStringLiteral("object"), QStringLiteral("email_address")},
            {QStringLiteral("email_address"), text}, {QStringLiteral("reserved"), false},
            {QStringLiteral("verification"),
                QJsonObject {{QStringLiteral("status"), QStringLiteral("verified")},
                    {QStringLiteral("strategy"), QStringLiteral("email_code")},
                    {QStringLiteral("attempts"), 1}, {QStringLiteral("expire_at"), QJsonValue()}}},
            {QStringLiteral("linked_to"), QJsonArray()}, {QStringLiteral("created_at"), nowMs},
            {QStringLiteral("updated_at"), nowMs}};
    };
    // The primary address is deliberately not the first one: a client must pick it by
    // primary_email_address_id, as Clerk's documentation says.
    QJsonArray addresses;
    QJsonValue primaryId;
    if (!email.isEmpty()) {
        const QString primary = QStringLiteral("idn_") + id.section(QLatin1Char('_'), -1);
        addresses.append(address(primary + QStringLiteral("alt"), QStringLiteral("old.") + email));
        addresses.append(address(primary, email));
        primaryId = primary;
    }
    return QJsonObject {{QStringLiteral("id"), id},
        {QStringLiteral("object"), QStringLiteral("user")},
        {QStringLiteral("username"), QJsonValue()},
        {QStringLiteral("first_name"), nullable(firstName)},
        {QStringLiteral("last_name"), nullable(lastName)},
        {QStringLiteral("image_url"), nullable(imageUrl)},
        {QStringLiteral("profile_image_url"), nullable(imageUrl)},
        {QStringLiteral("has_image"), !imageUrl.isEmpty()},
        {QStringLiteral("primary_email_address_id"), primaryId},
        {QStringLiteral("primary_phone_number_id"), QJsonValue()},
        {QStringLiteral("primary_web3_wallet_id"), QJsonValue()},
        {QStringLiteral("password_enabled"), false}, {QStringLiteral("two_factor_enabled"), false},
        {QStringLiteral("email_addresses"), addresses},
        {QStringLiteral("phone_numbers"), QJsonArray()},
        {QStringLiteral("web3_wallets"), QJsonArray()},
        {QStringLiteral("external_accounts"), QJsonArray()},
        {QStringLiteral("public_metadata"), QJsonObject()},
        {QStringLiteral("private_metadata"), QJsonObject()},
        {QStringLiteral("unsafe_metadata"), QJsonObject()},
        {QStringLiteral("external_id"), QJsonValue()}, {QStringLiteral("banned"), false},
        {QStringLiteral("locked"), false}, {QStringLiteral("last_sign_in_at"), nowMs},
        {QStringLiteral("last_active_at"), nowMs}, {QStringLiteral("created_at"), nowMs},
        {QStringLiteral("updated_at"), nowMs}};
}

void FakeClerk::setDelay(int ms)
{
    d->delayMs = std::max(0, ms);
}

void FakeClerk::setHang(bool hang)
{
    d->hang = hang;
    if (hang)
        return;
    QList<QPair<QTcpSocket *, ParsedRequest>> parked;
    for (auto it = d->connections.begin(); it != d->connections.end(); ++it) {
        if (it->parked) {
            parked.append({it.key(), *it->parked});
            it->parked.reset();
        }
    }
    for (const auto &[socket, request] : std::as_const(parked))
        d->answer(socket, request);
}

void FakeClerk::failNext(int count, int status)
{
    d->failCount = std::max(0, count);
    d->failStatus = status;
}

int FakeClerk::callCount() const
{
    return int(d->requests.size());
}

int FakeClerk::jwksCalls() const
{
    return int(std::count_if(d->requests.cbegin(), d->requests.cend(),
        [](const Request &r) { return r.path == wellKnownJwksPath || r.path == backendJwksPath; }));
}

int FakeClerk::userCalls(const QString &id) const
{
    const QString path = usersPrefix + id;
    return int(std::count_if(d->requests.cbegin(), d->requests.cend(),
        [&path](const Request &r) { return r.path == path; }));
}

QList<FakeClerk::Request> FakeClerk::requests() const
{
    return d->requests;
}

void FakeClerk::resetCounters()
{
    d->requests.clear();
}

ClerkTokens::ClerkTokens(RsaKeyPair key, QString issuer, QString authorizedParty)
    : m_key(std::move(key))
    , m_issuer(std::move(issuer))
    , m_azp(std::move(authorizedParty))
{ }

QJsonObject ClerkTokens::claims(const QString &subject, const QString &sessionId, qint64 lifetime,
    const QJsonObject &extra) const
{
    QJsonObject claims = sessionClaims(
        QDateTime::currentSecsSinceEpoch(), subject, m_issuer, m_azp, sessionId, lifetime);
    for (auto it = extra.begin(); it != extra.end(); ++it) {
        if (it.value().isNull())
            claims.remove(it.key());
        else
            claims.insert(it.key(), it.value());
    }
    return claims;
}

QByteArray ClerkTokens::token(const QString &subject, const QString &sessionId, qint64 lifetime,
    const QJsonObject &extra) const
{
    return mintRsaToken(sessionHeader(m_key), claims(subject, sessionId, lifetime, extra), m_key);
}

QPair<QByteArray, QByteArray> ClerkTokens::bearer(const QByteArray &token)
{
    return {QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + token};
}

void useFakeClerk(
    Config &config, const FakeClerk &clerk, ClerkKeySource source, const RsaKeyPair &pemKey)
{
    config.clerkApiUrl = clerk.baseUrl();
    config.clerkJwksUrl.clear();
    config.clerkSecretKey.clear();
    config.clerkJwtKey.clear();
    switch (source) {
    case ClerkKeySource::JwksUrl:
        config.clerkJwksUrl = clerk.jwksUrl();
        break;
    case ClerkKeySource::SecretKey:
        config.clerkSecretKey = clerk.secretKey();
        break;
    case ClerkKeySource::Pem:
        config.clerkJwtKey = QString::fromLatin1(pemKey.publicPem());
        break;
    }
}

namespace {

quint64 lastLogId()
{
    const QList<LogEntry> entries = Logger::instance().buffer()->entriesAfter(0);
    return entries.isEmpty() ? 0 : entries.last().id;
}

} // namespace

LogWatch::LogWatch()
    : m_mark(lastLogId())
{ }

void LogWatch::restart()
{
    m_mark = lastLogId();
    m_watched.clear();
}

void LogWatch::watch(const QString &text)
{
    if (text.size() >= 8 && !m_watched.contains(text))
        m_watched.append(text);
}

void LogWatch::watchToken(const QByteArray &token)
{
    watch(QString::fromLatin1(token));
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() >= 2)
        watch(QString::fromLatin1(parts.at(1)));
    if (parts.size() >= 3)
        watch(QString::fromLatin1(parts.at(2)));
}

QStringList LogWatch::leaks() const
{
    QStringList found;
    for (const LogEntry &entry : Logger::instance().buffer()->entriesAfter(m_mark)) {
        for (const QString &text : m_watched) {
            if (entry.message.contains(text) || entry.category.contains(text))
                found << text.left(24) + QStringLiteral("... in: ") + entry.message;
        }
    }
    return found;
}

} // namespace marquee::test
