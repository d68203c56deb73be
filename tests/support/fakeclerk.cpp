#include "fakeclerk.h"

#include "log/logbuffer.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace marquee::test {

namespace {

const QString wellKnownJwksPath = QStringLiteral("/.well-known/jwks.json");
const QString backendJwksPath = QStringLiteral("/v1/jwks");
const QString usersPrefix = QStringLiteral("/v1/users/");

using Reply = FakeHttpServer::Reply;

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

} // namespace

struct FakeClerk::Private
{
    Reply replyFor(const Request &request);
    bool authorised(const Request &request) const;

    QList<QJsonObject> jwks;
    QString secretKey = FakeClerk::defaultSecretKey();
    QHash<QString, QJsonObject> users;
    int failCount = 0;
    int failStatus = 0;
    QList<Request> requests;
    FakeHttpServer http; // last: gone before what its callbacks use
};

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
    , d(std::make_unique<Private>())
{
    d->http.setBadRequestBody(clerkError(400));
    d->http.setObserver([this](const Request &request) {
        d->requests.append(request);
        emit requestReceived(request.path);
    });
    d->http.setHandler([this](const Request &request, const FakeHttpServer::Responder &responder) {
        responder.send(d->replyFor(request));
    });
}

FakeClerk::~FakeClerk() = default;

bool FakeClerk::start()
{
    return d->http.start();
}

void FakeClerk::stop()
{
    d->http.stop();
}

QString FakeClerk::errorString() const
{
    return d->http.errorString();
}

quint16 FakeClerk::port() const
{
    return d->http.port();
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
    d->http.setDelay(ms);
}

void FakeClerk::setHang(bool hang)
{
    d->http.setHang(hang);
}

int FakeClerk::parkedRequests() const
{
    return d->http.parkedCount();
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

LogWatch::LogWatch(const LogBuffer &buffer)
    : m_buffer(buffer)
    , m_mark(lastId())
{ }

quint64 LogWatch::lastId() const
{
    const QList<LogEntry> entries = m_buffer.entriesAfter(0);
    return entries.isEmpty() ? 0 : entries.last().id;
}

void LogWatch::restart()
{
    m_mark = lastId();
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
    for (const LogEntry &entry : m_buffer.entriesAfter(m_mark)) {
        for (const QString &text : m_watched) {
            if (entry.message.contains(text) || entry.category.contains(text))
                found << text.left(24) + QStringLiteral("... in: ") + entry.message;
        }
    }
    return found;
}

} // namespace marquee::test
