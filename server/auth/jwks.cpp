#include "jwks.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

namespace marquee {

namespace {

constexpr int kMinimumRsaBits = 2048;

template<auto Free> struct OpenSslDeleter
{
    template<typename T> void operator()(T *object) const { Free(object); }
};
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using ParamBuildPtr = std::unique_ptr<OSSL_PARAM_BLD, OpenSslDeleter<OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, OpenSslDeleter<OSSL_PARAM_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<EVP_PKEY_CTX_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;

// A failed OpenSSL call leaves entries in the thread's error queue; Qt's TLS backend on the same
// thread would later read them as its own errors.
struct ErrorQueueCleaner
{
    ~ErrorQueueCleaner() { ERR_clear_error(); }
};

bool isRsaAlgorithm(const QString &alg)
{
    return alg == QLatin1String("RS256") || alg == QLatin1String("RS384")
        || alg == QLatin1String("RS512");
}

// EVP_PKEY_fromdata checks almost nothing, and a JWK with e = 1 or an even modulus would make
// forgery trivial, so every key goes through OpenSSL's public-key validation (odd composite n
// without small factors, odd e > 1; WebCrypto accepts the same) as well as our size floor.
bool checkRsaKey(EVP_PKEY *key, QString *reason)
{
    if (!EVP_PKEY_is_a(key, "RSA")) {
        *reason = QStringLiteral("not an RSA key");
        return false;
    }
    const int bits = EVP_PKEY_get_bits(key);
    if (bits < kMinimumRsaBits) {
        *reason = QStringLiteral("RSA key of %1 bits is smaller than the required %2 bits")
                      .arg(bits)
                      .arg(kMinimumRsaBits);
        return false;
    }
    const PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!ctx || EVP_PKEY_public_check(ctx.get()) != 1) {
        *reason = QStringLiteral("RSA public key failed validation");
        return false;
    }
    return true;
}

BignumPtr bignumFromBase64Url(const QJsonValue &value)
{
    if (!value.isString())
        return nullptr;
    const std::optional<QByteArray> bytes = base64UrlDecode(value.toString().toLatin1());
    if (!bytes || bytes->isEmpty())
        return nullptr;
    return BignumPtr(BN_bin2bn(
        reinterpret_cast<const unsigned char *>(bytes->constData()), int(bytes->size()), nullptr));
}

PkeyPtr rsaKeyFromComponents(const BIGNUM *n, const BIGNUM *e)
{
    const ParamBuildPtr builder(OSSL_PARAM_BLD_new());
    if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n) != 1
        || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e) != 1)
        return nullptr;
    const ParamsPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
    const PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1)
        return nullptr;
    EVP_PKEY *key = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return nullptr;
    return PkeyPtr(key);
}

std::shared_ptr<EVP_PKEY> share(PkeyPtr key)
{
    return std::shared_ptr<EVP_PKEY>(key.release(), OpenSslDeleter<EVP_PKEY_free>());
}

// WebCrypto's JWK import (what Clerk's SDK uses) refuses these keys for RSASSA verification,
// so a token naming them must fail here too.
std::optional<QString> unusableJwkReason(const QJsonObject &jwk)
{
    if (jwk.value(QLatin1String("kty")).toString() != QLatin1String("RSA"))
        return QStringLiteral("kty is not RSA");
    const QJsonValue use = jwk.value(QLatin1String("use"));
    if (!use.isUndefined() && use.toString() != QLatin1String("sig"))
        return QStringLiteral("use is not sig");
    const QJsonValue keyOps = jwk.value(QLatin1String("key_ops"));
    if (!keyOps.isUndefined() && !keyOps.toArray().contains(QLatin1String("verify")))
        return QStringLiteral("key_ops lacks verify");
    const QJsonValue alg = jwk.value(QLatin1String("alg"));
    if (!alg.isUndefined() && !isRsaAlgorithm(alg.toString()))
        return QStringLiteral("alg is not RS256, RS384 or RS512");
    const QJsonValue kid = jwk.value(QLatin1String("kid"));
    if (!kid.isString() || kid.toString().isEmpty())
        return QStringLiteral("no kid");
    return std::nullopt;
}

std::optional<PublicKey> keyFromJwk(const QJsonObject &jwk, QString *reason)
{
    if (const std::optional<QString> unusable = unusableJwkReason(jwk)) {
        *reason = *unusable;
        return std::nullopt;
    }
    const BignumPtr n = bignumFromBase64Url(jwk.value(QLatin1String("n")));
    const BignumPtr e = bignumFromBase64Url(jwk.value(QLatin1String("e")));
    if (!n || !e) {
        *reason = QStringLiteral("n or e is missing or not base64url");
        return std::nullopt;
    }
    PkeyPtr key = rsaKeyFromComponents(n.get(), e.get());
    if (!key) {
        *reason = QStringLiteral("OpenSSL could not build the RSA key");
        return std::nullopt;
    }
    if (!checkRsaKey(key.get(), reason))
        return std::nullopt;
    PublicKey result;
    result.keyId = jwk.value(QLatin1String("kid")).toString();
    result.algorithm = jwk.value(QLatin1String("alg")).toString();
    result.bits = EVP_PKEY_get_bits(key.get());
    result.key = share(std::move(key));
    return result;
}

// Clerk's own loader strips the armour lines and all whitespace before decoding; we do the same,
// and also undo the literal "\n" that .env files and CI variables often leave in.
QByteArray pemBody(QByteArray pem)
{
    pem.replace("\\r", "").replace("\\n", "\n");
    QByteArray body;
    qsizetype pos = 0;
    while (pos < pem.size()) {
        const qsizetype armourStart = pem.indexOf("-----", pos);
        if (armourStart < 0) {
            body += pem.mid(pos);
            break;
        }
        body += pem.mid(pos, armourStart - pos);
        const qsizetype labelEnd = pem.indexOf("-----", armourStart + 5);
        if (labelEnd < 0)
            return {};
        pos = labelEnd + 5;
    }
    QByteArray compact;
    compact.reserve(body.size());
    for (const char c : std::as_const(body)) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            compact.append(c);
    }
    return compact;
}

} // namespace

std::optional<KeySet> KeySet::fromJwks(const QByteArray &json, QString *error)
{
    const ErrorQueueCleaner cleaner;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    const QJsonValue keys = document.object().value(QLatin1String("keys"));
    if (parseError.error != QJsonParseError::NoError || !document.isObject() || !keys.isArray()) {
        *error = QStringLiteral("the JWKS is not a JSON object with a \"keys\" array");
        return std::nullopt;
    }

    KeySet set;
    QSet<QString> seenKeyIds;
    const QJsonArray jwks = keys.toArray();
    for (qsizetype i = 0; i < jwks.size(); ++i) {
        const QJsonObject jwk = jwks.at(i).toObject();
        const QString kid = jwk.value(QLatin1String("kid")).toString();
        const QString label = kid.isEmpty() ? QStringLiteral("key #%1").arg(i) : kid;
        QString reason;
        std::optional<PublicKey> key = keyFromJwk(jwk, &reason);
        // Two keys under one kid would make the choice of key ambiguous; the first one wins.
        if (key && seenKeyIds.contains(key->keyId)) {
            key.reset();
            reason = QStringLiteral("duplicate kid");
        }
        if (!key) {
            set.m_skipped.append(QStringLiteral("%1: %2").arg(label, reason));
            continue;
        }
        seenKeyIds.insert(key->keyId);
        set.m_keys.append(std::move(*key));
    }
    if (set.m_keys.isEmpty()) {
        *error = set.m_skipped.isEmpty()
            ? QStringLiteral("the JWKS holds no keys")
            : QStringLiteral("the JWKS holds no usable RSA signing key (%1)")
                  .arg(set.m_skipped.join(QLatin1String("; ")));
        return std::nullopt;
    }
    return set;
}

std::optional<KeySet> KeySet::fromPem(const QByteArray &pem, QString *error)
{
    const ErrorQueueCleaner cleaner;
    const QByteArray base64 = pemBody(pem);
    const QByteArray::FromBase64Result der
        = QByteArray::fromBase64Encoding(base64, QByteArray::AbortOnBase64DecodingErrors);
    if (base64.isEmpty() || !der) {
        *error = QStringLiteral("the PEM key is not valid base64");
        return std::nullopt;
    }
    const auto *cursor = reinterpret_cast<const unsigned char *>(der.decoded.constData());
    const auto *end = cursor + der.decoded.size();
    PkeyPtr key(d2i_PUBKEY(nullptr, &cursor, long(der.decoded.size())));
    if (!key || cursor != end) {
        *error = QStringLiteral("the PEM key is not an SPKI public key (BEGIN PUBLIC KEY)");
        return std::nullopt;
    }
    QString reason;
    if (!checkRsaKey(key.get(), &reason)) {
        *error = QStringLiteral("the PEM key is unusable: %1").arg(reason);
        return std::nullopt;
    }
    PublicKey publicKey;
    // Clerk turns CLERK_JWT_KEY into a JWK with alg RS256, so it verifies nothing else.
    publicKey.algorithm = QStringLiteral("RS256");
    publicKey.bits = EVP_PKEY_get_bits(key.get());
    publicKey.key = share(std::move(key));

    KeySet set;
    set.m_pem = true;
    set.m_keys.append(std::move(publicKey));
    return set;
}

const PublicKey *KeySet::find(const QString &keyId) const
{
    if (m_pem)
        return m_keys.isEmpty() ? nullptr : &m_keys.first();
    if (keyId.isEmpty())
        return nullptr;
    for (const PublicKey &key : m_keys) {
        if (key.keyId == keyId)
            return &key;
    }
    return nullptr;
}

QStringList KeySet::keyIds() const
{
    QStringList ids;
    for (const PublicKey &key : m_keys)
        ids.append(key.keyId);
    return ids;
}

std::optional<QByteArray> base64UrlDecode(QByteArrayView text)
{
    // A single leftover character carries only 6 bits: no encoder produces it.
    if (text.size() % 4 == 1)
        return std::nullopt;
    QByteArray decoded;
    decoded.reserve(text.size() / 4 * 3 + 2);
    quint32 buffer = 0;
    int bits = 0;
    for (const char c : text) {
        int sextet;
        if (c >= 'A' && c <= 'Z')
            sextet = c - 'A';
        else if (c >= 'a' && c <= 'z')
            sextet = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            sextet = c - '0' + 52;
        else if (c == '-')
            sextet = 62;
        else if (c == '_')
            sextet = 63;
        else
            return std::nullopt;
        buffer = (buffer << 6) | quint32(sextet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            decoded.append(char((buffer >> bits) & 0xff));
        }
    }
    if ((buffer & ((1u << bits) - 1)) != 0)
        return std::nullopt;
    return decoded;
}

QByteArray base64UrlEncode(QByteArrayView data)
{
    return data.toByteArray().toBase64(
        QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

} // namespace marquee
