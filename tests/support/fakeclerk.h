#pragma once

#include "config/config.h"
#include "fakehttpserver.h"
#include "log/logbuffer.h"
#include "testkeys.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>

#include <memory>

namespace marquee::test {

// An in-process Clerk for tests: the JWKS of an instance (Frontend API's
// /.well-known/jwks.json, Backend API's /v1/jwks behind the secret key) and the Backend API's
// GET /v1/users/{id}. It runs on the caller's event loop (never blocks), so the server under test
// and the fake can share one thread.
class FakeClerk : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FakeClerk)

public:
    // method, path (percent-decoded, without the query), headers as sent, header(name).
    using Request = FakeHttpServer::Request;

    explicit FakeClerk(QObject *parent = nullptr);
    ~FakeClerk() override;

    // Listens on 127.0.0.1 with a free port; false (see errorString()) if it could not bind.
    bool start();
    // Clerk out of reach: connections are refused from now on; the counters below are kept.
    void stop();
    QString errorString() const;
    quint16 port() const;
    QString baseUrl() const; // "http://127.0.0.1:<port>", for CLERK_API_URL
    QString jwksUrl() const; // baseUrl() + "/.well-known/jwks.json", for CLERK_JWKS_URL

    // The published keys (RsaKeyPair::publicJwk()); replacing them is a key rotation.
    void setKeys(const QList<QJsonObject> &jwks);
    QList<QJsonObject> keys() const;

    // Required as "Authorization: Bearer <key>" by /v1/jwks and /v1/users; starts as
    // defaultSecretKey().
    void setSecretKey(const QString &key);
    QString secretKey() const;
    static QString defaultSecretKey();

    // Backend API users by their "id". clerkUser() builds one shaped like Clerk's.
    void setUser(const QJsonObject &user);
    void removeUser(const QString &id);
    static QJsonObject clerkUser(const QString &id, const QString &email,
        const QString &firstName = {}, const QString &lastName = {}, const QString &imageUrl = {});

    // Failure knobs. Precedence: hang > failNext > authentication > the answer.
    void setDelay(int ms);
    void setHang(bool hang); // turning it off answers the parked requests
    int parkedRequests() const; // parked by setHang(true), their client still waiting
    void failNext(int count, int status);

    int callCount() const;
    int jwksCalls() const; // requests to either JWKS path, whatever they were answered
    int userCalls(const QString &id) const;
    QList<Request> requests() const;
    void resetCounters();

signals:
    void requestReceived(const QString &path);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

// Session tokens as one Clerk instance issues them: signed with `key` (published in the fake's
// JWKS by the test), carrying iss, azp and sid. Tests change a claim with `extra` (a null value
// removes the claim).
class ClerkTokens
{
public:
    ClerkTokens(RsaKeyPair key, QString issuer, QString authorizedParty);

    const RsaKeyPair &key() const { return m_key; }
    const QString &issuer() const { return m_issuer; }
    const QString &authorizedParty() const { return m_azp; }

    QJsonObject claims(const QString &subject, const QString &sessionId, qint64 lifetime = 60,
        const QJsonObject &extra = {}) const;
    QByteArray token(const QString &subject, const QString &sessionId, qint64 lifetime = 60,
        const QJsonObject &extra = {}) const;
    // "Bearer <token>" as an (Authorization, value) header pair.
    static QPair<QByteArray, QByteArray> bearer(const QByteArray &token);

private:
    RsaKeyPair m_key;
    QString m_issuer;
    QString m_azp;
};

// Where the server under test gets its keys, as the app decides from its environment:
// CLERK_JWKS_URL, else {CLERK_API_URL}/v1/jwks with CLERK_SECRET_KEY, else CLERK_JWT_KEY.
enum class ClerkKeySource { JwksUrl, SecretKey, Pem };

// Points a configuration at the fake (CLERK_API_URL) and sets the one key source; `pemKey` is
// only read for ClerkKeySource::Pem. The fake's keys are left to the test.
void useFakeClerk(
    Config &config, const FakeClerk &clerk, ClerkKeySource source, const RsaKeyPair &pemKey = {});

// Watches a log (a Logger's buffer, which must outlive the watch) for strings that must never be
// written: tokens, claim values, secrets. Lines are those logged since construction or restart().
class LogWatch
{
public:
    explicit LogWatch(const LogBuffer &buffer);
    void restart();
    void watch(const QString &text); // strings under 8 characters are ignored (false alarms)
    void watchToken(const QByteArray &token); // the token, its payload and its signature
    QStringList leaks() const; // "<watched> in: <line>", one per hit
    const QStringList &watched() const { return m_watched; }

private:
    quint64 lastId() const;

    const LogBuffer &m_buffer;
    quint64 m_mark = 0;
    QStringList m_watched;
};

} // namespace marquee::test
