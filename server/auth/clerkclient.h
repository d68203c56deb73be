#pragma once

#include "jwks.h"
#include "store/userstore.h"

#include <QElapsedTimer>
#include <QObject>

#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace marquee {

struct Config;

// Everything Marquee asks Clerk over the network: the signing keys (CLERK_JWKS_URL, else the
// Backend API's /v1/jwks with the secret key) and user profiles (/v1/users/{id}). Keys are cached
// for 5 minutes and kept when a refresh fails; an unknown kid forces a refresh at most once per
// 10 seconds, so made-up kids cannot hammer Clerk. CLERK_JWT_KEY (localKeys()) needs no network
// at all; with a JWKS source as well, the authenticator tries it first (docs/auth.md, "Tokens").
class ClerkClient : public QObject
{
    Q_OBJECT
public:
    using KeysCallback = std::function<void(const KeySet &)>;
    using ProfileCallback = std::function<void(const std::optional<ClerkProfile> &)>;

    ClerkClient(const Config &config, QObject *parent = nullptr);
    ~ClerkClient() override;
    Q_DISABLE_COPY_MOVE(ClerkClient)

    bool canVerify() const { return !m_localKeys.isEmpty() || hasRemoteKeys(); }
    bool canFetchProfiles() const { return !m_secretKey.isEmpty(); }

    // The PEM key of CLERK_JWT_KEY (empty when it is not set or not usable).
    const KeySet &localKeys() const { return m_localKeys; }
    // Whether a JWKS is fetched (CLERK_JWKS_URL, or CLERK_SECRET_KEY's /v1/jwks).
    bool hasRemoteKeys() const { return !m_jwksUrl.isEmpty(); }

    // The JWKS (fetched when missing, refreshed when stale); the local keys without a JWKS source.
    void withKeys(KeysCallback done);
    void refreshForUnknownKey(KeysCallback done);
    void fetchUser(const QString &clerkId, ProfileCallback done);

    int jwksFetches() const { return m_fetches; }

    static constexpr qint64 kKeysFreshMs = 5 * 60 * 1000;
    static constexpr qint64 kForcedRefreshGapMs = 10 * 1000;

private:
    void fetchKeys();

    QNetworkAccessManager *m_nam;
    QString m_jwksUrl;
    QByteArray m_secretKey;
    QString m_apiUrl;
    int m_timeoutMs;
    bool m_jwksNeedsSecret = false;
    KeySet m_localKeys; // CLERK_JWT_KEY
    KeySet m_keys; // the JWKS
    QElapsedTimer m_clock;
    qint64 m_fetchedAtMs = -1;
    qint64 m_lastForcedMs = -kForcedRefreshGapMs;
    bool m_fetching = false;
    QList<KeysCallback> m_waiting;
    int m_fetches = 0;
};

} // namespace marquee
