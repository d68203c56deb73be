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
// Backend API's /v1/jwks with the secret key; CLERK_JWT_KEY needs no network at all) and user
// profiles (/v1/users/{id}). Keys are cached for 5 minutes and kept when a refresh fails; an
// unknown kid forces a refresh at most once per 10 seconds, so made-up kids cannot hammer Clerk.
class ClerkClient : public QObject
{
    Q_OBJECT
public:
    using KeysCallback = std::function<void(const KeySet &)>;
    using ProfileCallback = std::function<void(const std::optional<ClerkProfile> &)>;

    ClerkClient(const Config &config, QObject *parent = nullptr);
    ~ClerkClient() override;
    Q_DISABLE_COPY_MOVE(ClerkClient)

    bool canVerify() const { return m_pem || !m_jwksUrl.isEmpty(); }
    bool canFetchProfiles() const { return !m_secretKey.isEmpty(); }

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
    bool m_pem = false;
    bool m_jwksNeedsSecret = false;
    KeySet m_keys;
    QElapsedTimer m_clock;
    qint64 m_fetchedAtMs = -1;
    qint64 m_lastForcedMs = -kForcedRefreshGapMs;
    bool m_fetching = false;
    QList<KeysCallback> m_waiting;
    int m_fetches = 0;
};

} // namespace marquee
