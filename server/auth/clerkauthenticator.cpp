#include "clerkauthenticator.h"

#include "clerkclient.h"
#include "config/config.h"
#include "http/apierror.h"
#include "log/categories.h"
#include "store/userstore.h"

#include <QCryptographicHash>
#include <QDateTime>

namespace marquee {

namespace {

QByteArray bearerToken(const QByteArray &header, bool *wellFormed)
{
    *wellFormed = false;
    if (header.size() < 8 || header.left(7).compare("Bearer ", Qt::CaseInsensitive) != 0)
        return {};
    const QByteArray token = header.mid(7).trimmed();
    if (token.isEmpty() || token.contains(' ') || token.size() > 16 * 1024)
        return {};
    *wellFormed = true;
    return token;
}

ApiError unauthenticated(const QString &message)
{
    ApiError e(ApiError::Code::Unauthenticated, message);
    e.headers.append(Header {"WWW-Authenticate", "Bearer"});
    return e;
}

} // namespace

ClerkAuthenticator::ClerkAuthenticator(
    const Config &config, UserStore &users, ClerkClient &clerk, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_users(users)
    , m_clerk(clerk)
{
    m_policy.issuer = config.clerkIssuer;
    m_policy.authorizedParties = config.http.allowedOrigins;
    m_sharedDatabase = config.database.dialect == SqlDialect::Postgres;
    for (const QString &id : config.adminUserIds)
        m_admins.insert(id);
}

ClerkAuthenticator::~ClerkAuthenticator() = default;

void ClerkAuthenticator::authenticate(
    const ExchangePtr &ex, Access access, std::function<void()> proceed)
{
    const QByteArray header = ex->request().header("Authorization");
    if (header.isEmpty()) {
        if (access == Access::OptionalUser)
            proceed();
        else if (!m_clerk.canVerify())
            ex->fail(unauthenticated(QString::fromLatin1(kAuthNotConfiguredMessage)));
        else
            ex->fail(unauthenticated(
                QStringLiteral("Authentication required: send Authorization: Bearer <token>")));
        return;
    }
    bool wellFormed = false;
    const QByteArray token = bearerToken(header, &wellFormed);
    if (!wellFormed) {
        reject(ex, access, QStringLiteral("Authorization must be \"Bearer <token>\""), proceed);
        return;
    }
    if (!m_clerk.canVerify()) {
        reject(ex, access, QString::fromLatin1(kAuthNotConfiguredMessage), proceed);
        return;
    }
    const QByteArray &key
        = token; // QHash compares the whole token, so no two tokens share an entry
    const qint64 now = nowSeconds();
    if (auto it = m_tokens.constFind(key); it != m_tokens.constEnd()) {
        if (it->expiresAt + m_policy.clockSkewSeconds > now) {
            admit(ex, *it, access, proceed);
            return;
        }
        std::lock_guard lock(m_cacheMutex);
        m_tokens.remove(key);
    }
    verify(ex, token, access, std::move(proceed));
}

void ClerkAuthenticator::verify(
    const ExchangePtr &ex, const QByteArray &token, Access access, std::function<void()> proceed)
{
    // CLERK_JWT_KEY first, as Clerk's SDK uses its jwtKey: a token it signed needs no network, so
    // sign-ins keep working while Clerk is out of reach. Only a token it did not sign (another
    // key, or an algorithm the PEM key is not pinned to) goes on to the JWKS, when there is one.
    if (!m_clerk.localKeys().isEmpty()) {
        const JwtResult local = verifyJwt(token, m_clerk.localKeys(), m_policy, nowSeconds());
        const bool otherKey = local.error == JwtError::BadSignature
            || local.error == JwtError::UnsupportedAlgorithm || local.error == JwtError::UnknownKey;
        if (local.ok() || !otherKey || !m_clerk.hasRemoteKeys()) {
            verified(ex, token, access, proceed, local);
            return;
        }
    }
    m_clerk.withKeys([this, ex, token, access, proceed](const KeySet &keys) {
        ex->runHandler([&] {
            const JwtResult r = verifyJwt(token, keys, m_policy, nowSeconds());
            if (r.error == JwtError::UnknownKey && !r.keyId.isEmpty()) {
                m_clerk.refreshForUnknownKey(
                    [this, ex, token, access, proceed](const KeySet &fresh) {
                        ex->runHandler([&] {
                            verified(ex, token, access, proceed,
                                verifyJwt(token, fresh, m_policy, nowSeconds()));
                        });
                    });
                return;
            }
            verified(ex, token, access, proceed, r);
        });
    });
}

void ClerkAuthenticator::verified(const ExchangePtr &ex, const QByteArray &token, Access access,
    const std::function<void()> &proceed, const JwtResult &result)
{
    if (!result.ok()) {
        qCInfo(lcAuth).noquote() << "token refused:" << jwtErrorName(result.error);
        reject(ex, access, QStringLiteral("Invalid token: %1").arg(result.message), proceed);
        return;
    }
    {
        std::lock_guard lock(m_cacheMutex);
        if (m_tokens.size() >= kMaxCachedTokens)
            m_tokens.clear(); // bounded; the next requests re-verify once
        m_tokens.insert(token, *result.token);
    }
    admit(ex, *result.token, access, proceed);
}

void ClerkAuthenticator::reject(const ExchangePtr &ex, Access access, const QString &message,
    const std::function<void()> &proceed)
{
    // On public routes a bad token is ignored: the catalogue never breaks because a token expired.
    if (access == Access::OptionalUser) {
        proceed();
        return;
    }
    ex->fail(unauthenticated(message));
}

ClerkAuthenticator::CachedUser *ClerkAuthenticator::userFor(
    const QString &clerkId, qint64 nowMs, bool *deleted)
{
    *deleted = false;
    auto it = m_userCache.find(clerkId);
    if (it != m_userCache.end() && (!m_sharedDatabase || nowMs - it->loadedMs < kSharedCacheMs))
        return &it.value();
    // New here, or (shared database) read again: another server may have changed it.
    const qint64 lastTouchMs = it != m_userCache.end() ? it->lastTouchMs : nowMs;
    bool created = false;
    std::optional<UserRecord> record;
    try {
        record = m_users.ensureUser(clerkId, nowMs, &created, deleted);
    } catch (const StoreError &) {
        return nullptr; // not deleted: the database failed (logged by the store)
    }
    if (!record) {
        forgetUser(clerkId);
        return nullptr;
    }
    if (created)
        qCInfo(lcAuth) << "new user" << record->id;
    CachedUser u;
    u.id = record->id;
    u.language = record->preferences.value("language").toString();
    u.region = record->preferences.value("region").toString();
    if (record->preferences.value("includeAdult").isBool())
        u.includeAdult = record->preferences.value("includeAdult").toBool();
    u.lastTouchMs = lastTouchMs;
    u.profileSyncedAt = record->profileSyncedAt;
    u.loadedMs = nowMs;
    if (it != m_userCache.end() && it->id != u.id)
        forgetUser(clerkId); // deleted and made again by another server: its sessions go too
    std::lock_guard lock(m_cacheMutex);
    return &m_userCache.insert(clerkId, u).value();
}

void ClerkAuthenticator::admit(const ExchangePtr &ex, const VerifiedToken &token, Access access,
    const std::function<void()> &proceed)
{
    const qint64 now = nowMs();
    bool deleted = false;
    CachedUser *user = userFor(token.subject, now, &deleted);
    if (deleted) {
        // Clerk deleted this account (user.deleted): its tokens, valid as they may still be, are
        // refused and never create the user again. An administrator can undo the deletion.
        qCInfo(lcAuth) << "token of a deleted user refused";
        reject(ex, access,
            QStringLiteral("This account has been deleted: its tokens are no longer accepted"),
            proceed);
        return;
    }
    if (!user) // the store failed: auth answers its own 503 (api/storeerrors.h is above auth/)
        throw ApiError(ApiError::Code::ServiceUnavailable, QStringLiteral("Database unavailable"));
    if (now - user->lastTouchMs >= kTouchIntervalMs) {
        try {
            m_users.touchLastSeen(user->id, now);
        } catch (const StoreError &) {
            // Logged by the store; a last-seen time is not worth refusing the request for.
        }
        std::lock_guard lock(m_cacheMutex);
        user->lastTouchMs = now;
    }
    if (m_clerk.canFetchProfiles() && now - user->profileSyncedAt >= kProfileMaxAgeMs) {
        {
            std::lock_guard lock(m_cacheMutex);
            user->profileSyncedAt = now; // one attempt per day, success or not
        }
        syncProfile(token.subject, {});
    }

    if (!token.sessionId.isEmpty()) {
        auto it = m_sessionCache.find(token.sessionId);
        if (it == m_sessionCache.end() || !sessionFresh(*it, now)) {
            // Last seen is written once a minute; in between, a shared database's session is
            // only read again (revoked by another server?), which writes and flushes nothing.
            const bool touch = it == m_sessionCache.end()
                || now - it->lastTouchMs >= kTouchIntervalMs || it->userId != user->id;
            const qint64 lastTouchMs = touch ? now : it->lastTouchMs;
            std::optional<SessionRecord> s;
            try {
                s = touch ? m_users.touchSession(token.sessionId, user->id,
                        QString::fromUtf8(ex->request().header("User-Agent")),
                        ex->request().remoteAddress.toString(), now)
                          : m_users.findSession(token.sessionId);
            } catch (const StoreError &) {
                // Logged by the store. The database failed, the session did not: nothing is
                // remembered of it (a cached "revoked" would refuse the user for a minute after
                // the database is back), and this request is answered as the database's failure.
                if (access == Access::OptionalUser) {
                    proceed();
                    return;
                }
                throw ApiError(
                    ApiError::Code::ServiceUnavailable, QStringLiteral("Database unavailable"));
            }
            CachedSession cs;
            cs.userId = s ? s->userId : 0;
            cs.revoked = !s || s->revokedAt > 0;
            cs.lastTouchMs = lastTouchMs;
            cs.loadedMs = now;
            std::lock_guard lock(m_cacheMutex);
            it = m_sessionCache.insert(token.sessionId, cs);
        }
        if (it->revoked || it->userId != user->id) {
            if (access == Access::OptionalUser) {
                proceed();
                return;
            }
            throw ApiError(ApiError::Code::Forbidden,
                it->revoked ? QStringLiteral("This session has been revoked")
                            : QStringLiteral("This session belongs to another user"));
        }
    }

    Principal &p = ex->principal;
    p.userId = user->id;
    p.clerkId = token.subject;
    p.sessionId = token.sessionId;
    p.admin = m_admins.contains(token.subject);
    p.language = user->language;
    p.region = user->region;
    p.includeAdult = user->includeAdult;
    if (access == Access::Admin && !p.admin)
        throw ApiError(ApiError::Code::Forbidden, QStringLiteral("Administrator rights required"));
    proceed();
}

bool ClerkAuthenticator::verifiesTokens() const
{
    return m_clerk.canVerify();
}

// The same judgement as authenticate() and admit() make from their caches, for a request that
// needs nothing else: no verification, no database read or write (last seen, session touch,
// shared-database refresh), no profile sync. Whatever is due, or refused, is left to them.
bool ClerkAuthenticator::admitFromMemory(Exchange &ex, Access access) const
{
    if (access != Access::User && access != Access::OptionalUser)
        return false;
    bool wellFormed = false;
    const QByteArray token = bearerToken(ex.request().header("Authorization"), &wellFormed);
    if (!wellFormed || !m_clerk.canVerify())
        return false;
    std::lock_guard lock(m_cacheMutex);
    const qint64 now = nowMs(); // under the lock: a test may set the clock meanwhile
    const auto t = m_tokens.constFind(token);
    if (t == m_tokens.constEnd() || t->expiresAt + m_policy.clockSkewSeconds <= now / 1000)
        return false;
    const auto u = m_userCache.constFind(t->subject);
    if (u == m_userCache.constEnd() || (m_sharedDatabase && now - u->loadedMs >= kSharedCacheMs)
        || now - u->lastTouchMs >= kTouchIntervalMs
        || (m_clerk.canFetchProfiles() && now - u->profileSyncedAt >= kProfileMaxAgeMs))
        return false;
    if (!t->sessionId.isEmpty()) {
        const auto s = m_sessionCache.constFind(t->sessionId);
        if (s == m_sessionCache.constEnd() || !sessionFresh(*s, now) || s->revoked
            || s->userId != u->id)
            return false;
    }
    Principal &p = ex.principal;
    p.userId = u->id;
    p.clerkId = t->subject;
    p.sessionId = t->sessionId;
    p.admin = m_admins.contains(t->subject);
    p.language = u->language;
    p.region = u->region;
    p.includeAdult = u->includeAdult;
    return true;
}

void ClerkAuthenticator::forgetUser(const QString &clerkId)
{
    std::lock_guard lock(m_cacheMutex);
    const auto it = m_userCache.constFind(clerkId);
    if (it != m_userCache.constEnd()) {
        const qint64 id = it->id;
        for (auto s = m_sessionCache.begin(); s != m_sessionCache.end();)
            s = s->userId == id ? m_sessionCache.erase(s) : std::next(s);
    }
    m_userCache.remove(clerkId);
}

void ClerkAuthenticator::forgetSession(const QString &sid)
{
    std::lock_guard lock(m_cacheMutex);
    m_sessionCache.remove(sid);
}

void ClerkAuthenticator::forgetDeletedUser(const QString &clerkId)
{
    forgetUser(clerkId);
    std::lock_guard lock(m_cacheMutex);
    m_tokens.removeIf([&clerkId](QHash<QByteArray, VerifiedToken>::iterator it) {
        return it->subject == clerkId;
    });
}

void ClerkAuthenticator::forgetEndedSession(const QString &sid)
{
    forgetSession(sid);
    std::lock_guard lock(m_cacheMutex);
    m_tokens.removeIf(
        [&sid](QHash<QByteArray, VerifiedToken>::iterator it) { return it->sessionId == sid; });
}

void ClerkAuthenticator::syncProfile(const QString &clerkId, std::function<void(bool)> done)
{
    m_clerk.fetchUser(clerkId,
        [this, clerkId, done = std::move(done)](const std::optional<ClerkProfile> &profile) {
            bool ok = false;
            if (profile && profile->clerkId == clerkId) {
                // Stale: a newer profile (a webhook's) is already stored, so it is current.
                try {
                    const ProfileWrite w = m_users.applyClerkProfile(*profile, nowMs(), false);
                    ok = w == ProfileWrite::Applied || w == ProfileWrite::Stale;
                } catch (const StoreError &) {
                    // Logged by the store: not synced (ok stays false).
                }
            }
            if (done)
                done(ok);
        });
}

} // namespace marquee
