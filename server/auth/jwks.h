#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <openssl/types.h>
#include <optional>

namespace marquee {

// One RSA verification key. Never changed after loading and shared by every copy of its KeySet,
// so handing a key set to another thread or caching it costs a reference count.
struct PublicKey
{
    QString keyId; // the JWK's kid; empty for a PEM key
    QString algorithm; // RS256/RS384/RS512 when the key is pinned to one (JWK alg, PEM), else empty
    int bits = 0;
    std::shared_ptr<EVP_PKEY> key;
};

// The keys a token may be verified with: Clerk's JWKS, or the PEM of CLERK_JWT_KEY.
// Only RSA signing keys of at least 2048 bits that pass OpenSSL's public-key check are kept;
// other JWKs are skipped (a JWKS may carry keys for other purposes) and listed in skipped().
class KeySet
{
public:
    KeySet() = default; // empty: every lookup fails, so every token gets UnknownKey

    // {"keys":[...]}. Fails when the document is not a JWKS or no usable key is left, so a
    // caller can keep its previous keys instead of replacing them with nothing.
    static std::optional<KeySet> fromJwks(const QByteArray &json, QString *error);

    // An SPKI public key ("-----BEGIN PUBLIC KEY-----"), as Clerk's dashboard shows it. Also
    // accepted the way environment variables mangle it: on one line, with literal "\n", or as
    // bare base64. Pinned to RS256 and matching any kid, exactly like Clerk's jwtKey option.
    static std::optional<KeySet> fromPem(const QByteArray &pem, QString *error);

    // The key for a token's kid (empty when the token has none), or nullptr. A JWKS needs an
    // exact kid; a PEM key set answers every kid, and tokens without one.
    const PublicKey *find(const QString &keyId) const;

    bool isEmpty() const { return m_keys.isEmpty(); }
    qsizetype size() const { return m_keys.size(); }
    bool isPem() const { return m_pem; }
    QStringList keyIds() const;
    const QList<PublicKey> &keys() const { return m_keys; }
    // One line per skipped JWK (kid and reason, never key material), for the log.
    const QStringList &skipped() const { return m_skipped; }

private:
    QList<PublicKey> m_keys;
    QStringList m_skipped;
    bool m_pem = false;
};

// JOSE base64url (RFC 7515 §2), shared by JWK fields and JWS segments. Strict: only A-Z a-z 0-9
// - _, no padding, no whitespace, and no length or trailing bits that a canonical encoder would
// not produce, so one value has exactly one encoding.
std::optional<QByteArray> base64UrlDecode(QByteArrayView text);
QByteArray base64UrlEncode(QByteArrayView data);

} // namespace marquee
