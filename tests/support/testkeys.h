#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <memory>
#include <openssl/types.h>

// Test-only key material and token minting. Keys are generated per test run with OpenSSL and
// never checked in. Everything here signs whatever it is given, valid or not, so the tests can
// build attacks; nothing here verifies.
namespace marquee::test {

// An RSA key pair and the kid it is published under. Copies share the key.
class RsaKeyPair
{
public:
    // Any size OpenSSL will make (1024 for the too-small-key test); aborts the test on failure.
    static RsaKeyPair generate(int bits = 2048, const QString &keyId = {});

    // The same key published under another kid.
    RsaKeyPair withKeyId(const QString &keyId) const;

    const QString &keyId() const { return m_keyId; }
    EVP_PKEY *key() const { return m_key.get(); }
    int bits() const;

    QByteArray publicPem() const; // SPKI, "-----BEGIN PUBLIC KEY-----"
    QByteArray privatePem() const; // PKCS#8, for a fake issuer in another process
    QByteArray modulus() const; // n, big-endian bytes
    QByteArray exponent() const; // e, big-endian bytes

    // {"kty":"RSA","n","e","kid","alg","use"}; kid, alg and use are left out when empty.
    QJsonObject publicJwk(const QString &alg = QStringLiteral("RS256"),
        const QString &use = QStringLiteral("sig")) const;

private:
    std::shared_ptr<EVP_PKEY> m_key;
    QString m_keyId;
};

QByteArray jwksDocument(const QList<QJsonObject> &jwks); // {"keys":[...]}

QByteArray base64Url(const QByteArray &data); // unpadded base64url
QByteArray compactJson(const QJsonObject &object);

// A copy of a JSON object (a token's header or claims) with one member set, or removed.
QJsonObject with(QJsonObject object, const QString &key, const QJsonValue &value);
QJsonObject without(QJsonObject object, const QString &key);

// RSASSA-PKCS1-v1_5 with SHA-256/384/512 for "RS256"/"RS384"/"RS512".
QByteArray signRsa(const RsaKeyPair &key, const QString &alg, const QByteArray &data);

// header.payload.signature, signed with `signingAlg` (default: the header's alg, which must
// then be RS256/384/512); pass e.g. "RS256" to sign a header that claims "PS256".
QByteArray mintRsaToken(const QJsonObject &header, const QJsonObject &payload,
    const RsaKeyPair &key, const QString &signingAlg = {});
// The same with header and payload given as raw bytes (non-JSON, arrays, odd spellings).
QByteArray mintRsaTokenRaw(const QByteArray &header, const QByteArray &payload,
    const RsaKeyPair &key, const QString &signingAlg);

// HMAC-signed token (HS256/384/512 from the header's alg, default HS256) keyed with arbitrary
// bytes: the "public key as HMAC secret" attack.
QByteArray mintHmacToken(
    const QJsonObject &header, const QJsonObject &payload, const QByteArray &secret);

// header.payload.<signatureSegment>: alg "none" tokens, with or without a signature part.
QByteArray mintUnsignedToken(
    const QJsonObject &header, const QJsonObject &payload, const QByteArray &signatureSegment = {});

// A Clerk session token's header: alg, kid (when the key has one), typ JWT.
QJsonObject sessionHeader(const RsaKeyPair &key, const QString &alg = QStringLiteral("RS256"));
// A Clerk session token's claims, valid at `now` for `lifetime` seconds; azp and iss left out
// when empty.
QJsonObject sessionClaims(qint64 now, const QString &subject, const QString &issuer,
    const QString &authorizedParty, const QString &sessionId = {}, qint64 lifetime = 60);

// Svix webhooks.
QByteArray newWebhookSecret(); // "whsec_" + base64 of 32 random bytes
// "v1,<base64 HMAC-SHA256 of id.timestamp.body>" with the secret's key ("whsec_" optional).
QByteArray webhookSignature(const QByteArray &secret, const QByteArray &id,
    const QByteArray &timestamp, const QByteArray &body);

struct SignedWebhook
{
    QByteArray id;
    QByteArray timestamp;
    QByteArray signature; // svix-signature header value
    QByteArray body;
};
SignedWebhook signWebhook(const QByteArray &secret, const QByteArray &body, qint64 timestamp,
    const QByteArray &id = QByteArrayLiteral("msg_test"));

} // namespace marquee::test
