#include "testkeys.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

namespace marquee::test {

namespace {

template<auto Free> struct OpenSslDeleter
{
    template<typename T> void operator()(T *object) const { Free(object); }
};
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX_free>>;

[[noreturn]] void fail(const char *what)
{
    ERR_print_errors_fp(stderr);
    qFatal("testkeys: %s failed", what);
}

const EVP_MD *digestFor(const QString &alg)
{
    if (alg.endsWith(QLatin1String("256")))
        return EVP_sha256();
    if (alg.endsWith(QLatin1String("384")))
        return EVP_sha384();
    if (alg.endsWith(QLatin1String("512")))
        return EVP_sha512();
    qFatal("testkeys: no digest for alg %s", qPrintable(alg));
}

QByteArray bioContents(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, int(size));
}

QByteArray bignumParam(EVP_PKEY *key, const char *name)
{
    BIGNUM *raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &raw) != 1)
        fail("EVP_PKEY_get_bn_param");
    const BignumPtr bignum(raw);
    QByteArray bytes(BN_num_bytes(bignum.get()), Qt::Uninitialized);
    BN_bn2bin(bignum.get(), reinterpret_cast<unsigned char *>(bytes.data()));
    return bytes;
}

QByteArray hmac(const QString &alg, const QByteArray &key, const QByteArray &data)
{
    const char *digest = alg.endsWith(QLatin1String("512")) ? "SHA512"
        : alg.endsWith(QLatin1String("384"))                ? "SHA384"
                                                            : "SHA256";
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t macLength = 0;
    if (!EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, key.constData(), size_t(key.size()),
            reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size()), mac,
            sizeof mac, &macLength))
        fail("EVP_Q_mac");
    return QByteArray(reinterpret_cast<const char *>(mac), int(macLength));
}

QByteArray signingInput(const QJsonObject &header, const QJsonObject &payload)
{
    return base64Url(compactJson(header)) + '.' + base64Url(compactJson(payload));
}

} // namespace

RsaKeyPair RsaKeyPair::generate(int bits, const QString &keyId)
{
    EVP_PKEY *key = EVP_RSA_gen(static_cast<unsigned int>(bits));
    if (!key)
        fail("EVP_RSA_gen");
    RsaKeyPair pair;
    pair.m_key = std::shared_ptr<EVP_PKEY>(key, OpenSslDeleter<EVP_PKEY_free>());
    pair.m_keyId = keyId;
    return pair;
}

RsaKeyPair RsaKeyPair::withKeyId(const QString &keyId) const
{
    RsaKeyPair copy = *this;
    copy.m_keyId = keyId;
    return copy;
}

int RsaKeyPair::bits() const
{
    return EVP_PKEY_get_bits(m_key.get());
}

QByteArray RsaKeyPair::publicPem() const
{
    const BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), m_key.get()) != 1)
        fail("PEM_write_bio_PUBKEY");
    return bioContents(bio.get());
}

QByteArray RsaKeyPair::privatePem() const
{
    const BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio
        || PEM_write_bio_PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr, nullptr)
            != 1)
        fail("PEM_write_bio_PrivateKey");
    return bioContents(bio.get());
}

QByteArray RsaKeyPair::modulus() const
{
    return bignumParam(m_key.get(), OSSL_PKEY_PARAM_RSA_N);
}

QByteArray RsaKeyPair::exponent() const
{
    return bignumParam(m_key.get(), OSSL_PKEY_PARAM_RSA_E);
}

QJsonObject RsaKeyPair::publicJwk(const QString &alg, const QString &use) const
{
    QJsonObject jwk {
        {QStringLiteral("kty"), QStringLiteral("RSA")},
        {QStringLiteral("n"), QString::fromLatin1(base64Url(modulus()))},
        {QStringLiteral("e"), QString::fromLatin1(base64Url(exponent()))},
    };
    if (!m_keyId.isEmpty())
        jwk.insert(QStringLiteral("kid"), m_keyId);
    if (!alg.isEmpty())
        jwk.insert(QStringLiteral("alg"), alg);
    if (!use.isEmpty())
        jwk.insert(QStringLiteral("use"), use);
    return jwk;
}

QByteArray jwksDocument(const QList<QJsonObject> &jwks)
{
    QJsonArray keys;
    for (const QJsonObject &jwk : jwks)
        keys.append(jwk);
    return compactJson(QJsonObject {{QStringLiteral("keys"), keys}});
}

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject with(QJsonObject object, const QString &key, const QJsonValue &value)
{
    object.insert(key, value);
    return object;
}

QJsonObject without(QJsonObject object, const QString &key)
{
    object.remove(key);
    return object;
}

QByteArray signRsa(const RsaKeyPair &key, const QString &alg, const QByteArray &data)
{
    const MdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX *keyCtx = nullptr;
    size_t length = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), &keyCtx, digestFor(alg), nullptr, key.key()) != 1
        || EVP_PKEY_CTX_set_rsa_padding(keyCtx, RSA_PKCS1_PADDING) <= 0
        || EVP_DigestSign(ctx.get(), nullptr, &length,
               reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size()))
            != 1)
        fail("EVP_DigestSign (size)");
    QByteArray signature(qsizetype(length), Qt::Uninitialized);
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length,
            reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size()))
        != 1)
        fail("EVP_DigestSign");
    signature.truncate(qsizetype(length));
    return signature;
}

QByteArray mintRsaToken(const QJsonObject &header, const QJsonObject &payload,
    const RsaKeyPair &key, const QString &signingAlg)
{
    const QString alg
        = signingAlg.isEmpty() ? header.value(QLatin1String("alg")).toString() : signingAlg;
    return mintRsaTokenRaw(compactJson(header), compactJson(payload), key, alg);
}

QByteArray mintRsaTokenRaw(const QByteArray &header, const QByteArray &payload,
    const RsaKeyPair &key, const QString &signingAlg)
{
    const QByteArray input = base64Url(header) + '.' + base64Url(payload);
    return input + '.' + base64Url(signRsa(key, signingAlg, input));
}

QByteArray mintHmacToken(
    const QJsonObject &header, const QJsonObject &payload, const QByteArray &secret)
{
    const QString alg = header.value(QLatin1String("alg")).toString(QStringLiteral("HS256"));
    const QByteArray input = signingInput(header, payload);
    return input + '.' + base64Url(hmac(alg, secret, input));
}

QByteArray mintUnsignedToken(
    const QJsonObject &header, const QJsonObject &payload, const QByteArray &signatureSegment)
{
    return signingInput(header, payload) + '.' + signatureSegment;
}

QJsonObject sessionHeader(const RsaKeyPair &key, const QString &alg)
{
    QJsonObject header {
        {QStringLiteral("alg"), alg}, {QStringLiteral("typ"), QStringLiteral("JWT")}};
    if (!key.keyId().isEmpty())
        header.insert(QStringLiteral("kid"), key.keyId());
    return header;
}

QJsonObject sessionClaims(qint64 now, const QString &subject, const QString &issuer,
    const QString &authorizedParty, const QString &sessionId, qint64 lifetime)
{
    QJsonObject claims {
        {QStringLiteral("sub"), subject},
        {QStringLiteral("iat"), now - 1},
        {QStringLiteral("nbf"), now - 11},
        {QStringLiteral("exp"), now + lifetime},
    };
    if (!issuer.isEmpty())
        claims.insert(QStringLiteral("iss"), issuer);
    if (!authorizedParty.isEmpty())
        claims.insert(QStringLiteral("azp"), authorizedParty);
    if (!sessionId.isEmpty())
        claims.insert(QStringLiteral("sid"), sessionId);
    return claims;
}

QByteArray newWebhookSecret()
{
    QByteArray key(32, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(key.data()), int(key.size())) != 1)
        fail("RAND_bytes");
    return QByteArrayLiteral("whsec_") + key.toBase64();
}

QByteArray webhookSignature(const QByteArray &secret, const QByteArray &id,
    const QByteArray &timestamp, const QByteArray &body)
{
    const QByteArray encoded = secret.startsWith("whsec_") ? secret.mid(6) : secret;
    const QByteArray key = QByteArray::fromBase64(encoded);
    return QByteArrayLiteral("v1,")
        + hmac(QStringLiteral("HS256"), key, id + '.' + timestamp + '.' + body).toBase64();
}

SignedWebhook signWebhook(
    const QByteArray &secret, const QByteArray &body, qint64 timestamp, const QByteArray &id)
{
    const QByteArray time = QByteArray::number(timestamp);
    return {id, time, webhookSignature(secret, id, time, body), body};
}

} // namespace marquee::test
