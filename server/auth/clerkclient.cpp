#include "clerkclient.h"

#include "config/config.h"
#include "config/version.h"
#include "log/categories.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace marquee {

ClerkClient::ClerkClient(const Config &config, QObject *parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
    , m_secretKey(config.clerkSecretKey.toUtf8())
    , m_apiUrl(config.clerkApiUrl)
    , m_timeoutMs(qMin(config.tmdbTimeoutMs, 5000))
{
    m_clock.start();
    if (!config.clerkJwksUrl.isEmpty()) {
        m_jwksUrl = config.clerkJwksUrl;
    } else if (!config.clerkSecretKey.isEmpty()) {
        m_jwksUrl = config.clerkApiUrl + QStringLiteral("/v1/jwks");
        m_jwksNeedsSecret = true;
    }
    if (!config.clerkJwtKey.isEmpty()) {
        QString error;
        if (auto keys = KeySet::fromPem(config.clerkJwtKey.toUtf8(), &error))
            m_localKeys = *keys;
        else
            qCCritical(lcAuth).noquote() << "CLERK_JWT_KEY is not usable:" << error;
    }
}

ClerkClient::~ClerkClient() = default;

void ClerkClient::withKeys(KeysCallback done)
{
    if (m_jwksUrl.isEmpty()) {
        done(m_localKeys);
        return;
    }
    const qint64 now = m_clock.elapsed();
    const bool have = m_fetchedAtMs >= 0 && !m_keys.isEmpty();
    if (have && now - m_fetchedAtMs < kKeysFreshMs) {
        done(m_keys);
        return;
    }
    if (have) { // stale: answer with what we have, refresh behind the scenes
        done(m_keys);
        fetchKeys();
        return;
    }
    m_waiting.append(std::move(done));
    fetchKeys();
}

void ClerkClient::refreshForUnknownKey(KeysCallback done)
{
    const qint64 now = m_clock.elapsed();
    if (m_jwksUrl.isEmpty()) {
        done(m_localKeys);
        return;
    }
    if (now - m_lastForcedMs < kForcedRefreshGapMs) {
        done(m_keys);
        return;
    }
    m_lastForcedMs = now;
    m_waiting.append(std::move(done));
    fetchKeys();
}

void ClerkClient::fetchKeys()
{
    if (m_fetching)
        return;
    m_fetching = true;
    ++m_fetches;
    QNetworkRequest req {QUrl(m_jwksUrl)};
    req.setRawHeader("Accept", "application/json");
    req.setRawHeader("User-Agent", "Marquee/" MARQUEE_VERSION);
    // The secret key goes only to the Backend API's own /v1/jwks, never to CLERK_JWKS_URL.
    if (m_jwksNeedsSecret)
        req.setRawHeader("Authorization", "Bearer " + m_secretKey);
    req.setTransferTimeout(m_timeoutMs);
    QNetworkReply *reply = m_nam->get(req);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        m_fetching = false;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        QString error;
        std::optional<KeySet> keys;
        if (status == 200)
            keys = KeySet::fromJwks(reply->readAll(), &error);
        else
            error = status ? QStringLiteral("HTTP %1").arg(status)
                           : QStringLiteral("network error %1").arg(int(reply->error()));
        if (keys) {
            m_keys = *keys;
            m_fetchedAtMs = m_clock.elapsed();
            for (const QString &skipped : m_keys.skipped())
                qCInfo(lcAuth).noquote() << "JWKS key skipped:" << skipped;
        } else {
            qCWarning(lcAuth).noquote()
                << "cannot refresh Clerk's signing keys (" + error + "); keeping" << m_keys.size()
                << "known key(s)";
        }
        const QList<KeysCallback> waiting = std::exchange(m_waiting, {});
        for (const KeysCallback &cb : waiting)
            cb(m_keys);
    });
}

void ClerkClient::fetchUser(const QString &clerkId, ProfileCallback done)
{
    if (m_secretKey.isEmpty()) {
        done(std::nullopt);
        return;
    }
    QNetworkRequest req {QUrl(m_apiUrl + QStringLiteral("/v1/users/")
        + QString::fromLatin1(QUrl::toPercentEncoding(clerkId)))};
    req.setRawHeader("Accept", "application/json");
    req.setRawHeader("User-Agent", "Marquee/" MARQUEE_VERSION);
    req.setRawHeader("Authorization", "Bearer " + m_secretKey);
    req.setTransferTimeout(m_timeoutMs);
    QNetworkReply *reply = m_nam->get(req);
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status != 200) {
            qCWarning(lcAuth).noquote() << QStringLiteral("Clerk user lookup failed (%1)")
                                               .arg(status ? QStringLiteral("HTTP %1").arg(status)
                                                           : QStringLiteral("network error"));
            done(std::nullopt);
            return;
        }
        done(ClerkProfile::fromClerkUser(QJsonDocument::fromJson(reply->readAll()).object()));
    });
}

} // namespace marquee
