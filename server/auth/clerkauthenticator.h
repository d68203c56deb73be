#pragma once

#include "http/pipeline.h"
#include "jwt.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>

#include <functional>
#include <mutex>

namespace marquee {

struct Config;
class ClerkClient;
class UserStore;

// The authentication step of the pipeline (docs/api.md, "Authentication"). Bearer tokens are
// verified with our own RS256 verifier against Clerk's keys (CLERK_JWT_KEY first, without any
// network, then the JWKS), then the token's `sub` becomes a user (created on first sight, unless
// Clerk deleted that id: 401) and its `sid` a session (a revoked one is refused). Verified tokens,
// users and sessions are remembered in memory so a request normally costs no RSA operation and no
// database write.
class ClerkAuthenticator
    : public QObject
    , public Authenticator
{
    Q_OBJECT
public:
    ClerkAuthenticator(
        const Config &config, UserStore &users, ClerkClient &clerk, QObject *parent = nullptr);
    ~ClerkAuthenticator() override;
    Q_DISABLE_COPY_MOVE(ClerkAuthenticator)

    void authenticate(
        const ExchangePtr &exchange, Access access, std::function<void()> proceed) override;
    bool verifiesTokens() const override;
    bool admitFromMemory(Exchange &exchange, Access access) const override;

    // Called when users or sessions change outside a request (deletion, revocation, webhook).
    void forgetUser(const QString &clerkId);
    void forgetSession(const QString &sid);
    // Clerk deleted the user / ended the session: forgets it as above and drops the verified
    // tokens of that subject / sid, so nothing of it is answered from memory.
    void forgetDeletedUser(const QString &clerkId);
    void forgetEndedSession(const QString &sid);
    // Re-reads the profile from Clerk now; done() runs when it is stored (or failed).
    void syncProfile(const QString &clerkId, std::function<void(bool)> done);

    // The time tokens are judged by (ms since the epoch: exp, nbf, iat, the verified-token
    // cache) and users and sessions are touched at: the real time unless a test sets a clock.
    // Set on the owner's thread (other loops read it under the cache lock).
    void setClock(std::function<qint64()> nowMs)
    {
        std::lock_guard lock(m_cacheMutex);
        m_clock = std::move(nowMs);
    }

    static constexpr int kMaxCachedTokens = 10000;
    static constexpr qint64 kTouchIntervalMs = 60 * 1000;
    static constexpr qint64 kProfileMaxAgeMs = 24LL * 3600 * 1000;
    // On a database other servers write too (PostgreSQL), what this server remembers of a user
    // (id, preferences) and of a session (revoked or not) is read again after this long: another
    // server may have deleted the user, changed the preferences or signed the sessions out.
    static constexpr qint64 kSharedCacheMs = 1000;

private:
    struct CachedUser
    {
        qint64 id = 0;
        QString language, region;
        std::optional<bool> includeAdult;
        qint64 lastTouchMs = 0;
        qint64 profileSyncedAt = 0;
        qint64 loadedMs = 0; // when it was read from the database
    };
    struct CachedSession
    {
        qint64 userId = 0;
        bool revoked = false;
        qint64 lastTouchMs = 0; // when last seen was written (every kTouchIntervalMs)
        qint64 loadedMs = 0; // when read (shared database: again after kSharedCacheMs)
    };
    // Whether what is remembered of the session still stands at `now`, with nothing to write
    // (its last-seen touch) or read again (a shared database's other servers).
    bool sessionFresh(const CachedSession &s, qint64 now) const
    {
        return now - s.lastTouchMs < kTouchIntervalMs
            && (!m_sharedDatabase || now - s.loadedMs < kSharedCacheMs);
    }

    void verify(const ExchangePtr &ex, const QByteArray &token, Access access,
        std::function<void()> proceed);
    void admit(const ExchangePtr &ex, const VerifiedToken &token, Access access,
        const std::function<void()> &proceed);
    void reject(const ExchangePtr &ex, Access access, const QString &message,
        const std::function<void()> &proceed);
    void verified(const ExchangePtr &ex, const QByteArray &token, Access access,
        const std::function<void()> &proceed, const JwtResult &result);
    CachedUser *userFor(const QString &clerkId, qint64 nowMs, bool *deleted);
    qint64 nowMs() const { return m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch(); }
    qint64 nowSeconds() const { return nowMs() / 1000; }

    const Config &m_config;
    UserStore &m_users;
    ClerkClient &m_clerk;
    JwtPolicy m_policy;
    QSet<QString> m_admins;
    // The three caches below are written on the owner's thread only (the primary event loop),
    // always under m_cacheMutex; other loops read them under it (admitFromMemory()), the owner
    // without it.
    mutable std::mutex m_cacheMutex;
    QHash<QByteArray, VerifiedToken> m_tokens; // token -> verified claims (bounded)
    QHash<QString, CachedUser> m_userCache; // clerk id -> user
    QHash<QString, CachedSession> m_sessionCache;
    QSet<QString> m_syncing;
    std::function<qint64()> m_clock; // empty: the real time
    bool m_sharedDatabase = false; // PostgreSQL: other servers may write (kSharedCacheMs)
};

} // namespace marquee
