// JWT and JWKS verification as units (docs/auth.md): every rule a Clerk session token must pass
// (algorithm, key id, signature, times, issuer, authorised party), keys generated here.
#include "auth/jwks.h"
#include "auth/jwt.h"
#include "testkeys.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <atomic>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <thread>
#include <vector>

using namespace marquee;
using namespace marquee::test;

Q_DECLARE_METATYPE(marquee::JwtError)

namespace {

constexpr qint64 now = 1700000000;
const QString issuer = QStringLiteral("https://clerk.marquee.test");
const QString appOrigin = QStringLiteral("https://app.marquee.test");
const QString devOrigin = QStringLiteral("http://localhost:5173");
const QString subject = QStringLiteral("user_2abcdef");
const QString sessionId = QStringLiteral("sess_2abcdef");

QJsonObject validClaims()
{
    return sessionClaims(now, subject, issuer, appOrigin, sessionId);
}

QString errorName(JwtError error)
{
    return QString(jwtErrorName(error));
}

QList<QByteArray> segments(const QByteArray &token)
{
    return token.split('.');
}

QByteArray joinSegments(const QList<QByteArray> &parts)
{
    return parts.join('.');
}

// The same bytes spelt differently: flips a bit that only padding-free base64url leaves over.
QByteArray nonCanonical(const QByteArray &segment)
{
    static const QByteArray alphabet
        = QByteArrayLiteral("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    Q_ASSERT(segment.size() % 4 != 0);
    QByteArray changed = segment;
    const qsizetype last = changed.size() - 1;
    changed[last] = alphabet.at(alphabet.indexOf(changed.at(last)) ^ 1);
    return changed;
}

template<auto Free> struct OpenSslDeleter
{
    template<typename T> void operator()(T *object) const { Free(object); }
};
using EncoderCtxPtr = std::unique_ptr<OSSL_ENCODER_CTX, OpenSslDeleter<OSSL_ENCODER_CTX_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;

QByteArray timesThree(const QByteArray &bigEndian)
{
    const BignumPtr n(BN_bin2bn(reinterpret_cast<const unsigned char *>(bigEndian.constData()),
        int(bigEndian.size()), nullptr));
    if (!n || BN_mul_word(n.get(), 3) != 1)
        qFatal("BN_mul_word failed");
    QByteArray result(BN_num_bytes(n.get()), Qt::Uninitialized);
    BN_bn2bin(n.get(), reinterpret_cast<unsigned char *>(result.data()));
    return result;
}

// PKCS#1 "BEGIN RSA PUBLIC KEY": a real RSA key in a container Clerk's SDK does not accept.
QByteArray pkcs1PublicPem(const RsaKeyPair &key)
{
    const EncoderCtxPtr ctx(OSSL_ENCODER_CTX_new_for_pkey(
        key.key(), EVP_PKEY_PUBLIC_KEY, "PEM", "type-specific", nullptr));
    unsigned char *data = nullptr;
    size_t length = 0;
    if (!ctx || OSSL_ENCODER_to_data(ctx.get(), &data, &length) != 1)
        qFatal("PKCS#1 encoding failed");
    const QByteArray pem(reinterpret_cast<const char *>(data), qsizetype(length));
    OPENSSL_free(data);
    return pem;
}

QByteArray ecPublicPem()
{
    const PkeyPtr key(EVP_EC_gen("P-256"));
    const EncoderCtxPtr ctx(OSSL_ENCODER_CTX_new_for_pkey(
        key.get(), EVP_PKEY_PUBLIC_KEY, "PEM", "SubjectPublicKeyInfo", nullptr));
    unsigned char *data = nullptr;
    size_t length = 0;
    if (!key || !ctx || OSSL_ENCODER_to_data(ctx.get(), &data, &length) != 1)
        qFatal("EC key generation failed");
    const QByteArray pem(reinterpret_cast<const char *>(data), qsizetype(length));
    OPENSSL_free(data);
    return pem;
}

QByteArray pemBase64(const QByteArray &pem)
{
    QByteArray body;
    for (const QByteArray &line : pem.split('\n')) {
        if (!line.startsWith("-----"))
            body += line.trimmed();
    }
    return body;
}

} // namespace

class TestJwt : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void base64UrlCoding_data();
    void base64UrlCoding();

    void verify_data();
    void verify();

    void verifiedTokenFields();
    void issuerNotConfigured_data();
    void issuerNotConfigured();
    void authorizedPartiesPolicy_data();
    void authorizedPartiesPolicy();
    void clockSkew_data();
    void clockSkew();
    void unknownKeyReportsKid();
    void keySelection_data();
    void keySelection();

    void pemFormats_data();
    void pemFormats();
    void pemPinnedToRs256();
    void jwks_data();
    void jwks();
    void smallKeyRefused();
    void keySetCopiesShareKeys();
    void concurrentVerification();

private:
    QByteArray sign(const QJsonObject &claims, const RsaKeyPair &key,
        const QString &alg = QStringLiteral("RS256")) const
    {
        return mintRsaToken(sessionHeader(key, alg), claims, key);
    }
    QByteArray signHeader(const QJsonObject &header) const
    {
        return mintRsaToken(header, validClaims(), m_keyA, QStringLiteral("RS256"));
    }

    RsaKeyPair m_keyA; // kid key-a, JWK without alg
    RsaKeyPair m_keyB; // kid key-b, JWK alg RS256
    RsaKeyPair m_pinned512; // kid key-512, JWK alg RS512
    RsaKeyPair m_impostor; // a key of nobody, published under key-a by the attacker
    RsaKeyPair m_small; // 1024 bits
    KeySet m_keys;
    JwtPolicy m_policy;
};

void TestJwt::initTestCase()
{
    m_keyA = RsaKeyPair::generate(2048, QStringLiteral("key-a"));
    m_keyB = RsaKeyPair::generate(2048, QStringLiteral("key-b"));
    m_pinned512 = RsaKeyPair::generate(2048, QStringLiteral("key-512"));
    m_impostor = RsaKeyPair::generate(2048, QStringLiteral("key-a"));
    m_small = RsaKeyPair::generate(1024, QStringLiteral("key-small"));

    QString error;
    const std::optional<KeySet> keys = KeySet::fromJwks(
        jwksDocument({m_keyA.publicJwk(QString()), m_keyB.publicJwk(QStringLiteral("RS256")),
            m_pinned512.publicJwk(QStringLiteral("RS512"))}),
        &error);
    QVERIFY2(keys, qPrintable(error));
    QCOMPARE(keys->keyIds(), QStringList({"key-a", "key-b", "key-512"}));
    m_keys = *keys;
    m_policy.issuer = issuer;
    m_policy.authorizedParties = {appOrigin, devOrigin};
}

void TestJwt::base64UrlCoding_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QByteArray>("decoded");

    QTest::newRow("empty") << QByteArray() << true << QByteArray();
    QTest::newRow("one byte") << QByteArray("_w") << true << QByteArray("\xff");
    QTest::newRow("two bytes") << QByteArray("-_8") << true << QByteArray("\xfb\xff");
    QTest::newRow("three bytes") << QByteArray("YWJj") << true << QByteArray("abc");
    QTest::newRow("url alphabet") << QByteArray("-_-_") << true << QByteArray("\xfb\xff\xbf");
    QTest::newRow("padding") << QByteArray("_w==") << false << QByteArray();
    QTest::newRow("single pad") << QByteArray("-_8=") << false << QByteArray();
    QTest::newRow("plus") << QByteArray("+/8") << false << QByteArray();
    QTest::newRow("slash") << QByteArray("ab/c") << false << QByteArray();
    QTest::newRow("space") << QByteArray("YW Jj") << false << QByteArray();
    QTest::newRow("newline") << QByteArray("YWJj\n") << false << QByteArray();
    QTest::newRow("nul") << QByteArray("YW\0j", 4) << false << QByteArray();
    QTest::newRow("high byte") << QByteArray("YW\xc3\xa9") << false << QByteArray();
    QTest::newRow("dangling sextet") << QByteArray("YWJjZ") << false << QByteArray();
    QTest::newRow("dangling zero sextet") << QByteArray("YWJjA") << false << QByteArray();
    QTest::newRow("non-zero trailing bits (2)") << QByteArray("_x") << false << QByteArray();
    QTest::newRow("non-zero trailing bits (3)") << QByteArray("-_9") << false << QByteArray();
}

void TestJwt::base64UrlCoding()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    QFETCH(QByteArray, decoded);

    const std::optional<QByteArray> result = base64UrlDecode(text);
    QCOMPARE(result.has_value(), valid);
    if (valid) {
        QCOMPARE(*result, decoded);
        QCOMPARE(base64UrlEncode(*result), text);
    }
}

void TestJwt::verify_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<JwtError>("expected");

    const QJsonObject claims = validClaims();
    const QJsonObject header = sessionHeader(m_keyA);
    const QByteArray valid = sign(claims, m_keyA);
    const QList<QByteArray> parts = segments(valid);
    const QByteArray signature = *base64UrlDecode(parts[2]);

    // Accepted.
    QTest::newRow("valid RS256") << valid << JwtError::None;
    QTest::newRow("valid RS384") << sign(claims, m_keyA, QStringLiteral("RS384")) << JwtError::None;
    QTest::newRow("valid RS512") << sign(claims, m_keyA, QStringLiteral("RS512")) << JwtError::None;
    QTest::newRow("valid RS256 on JWK pinned RS256") << sign(claims, m_keyB) << JwtError::None;
    QTest::newRow("valid RS512 on JWK pinned RS512")
        << sign(claims, m_pinned512, QStringLiteral("RS512")) << JwtError::None;
    QTest::newRow("valid without typ")
        << signHeader(without(header, QStringLiteral("typ"))) << JwtError::None;
    QTest::newRow("valid with cty")
        << signHeader(with(header, QStringLiteral("cty"), QStringLiteral("json")))
        << JwtError::None;
    QTest::newRow("valid without nbf and iat")
        << sign(without(without(claims, QStringLiteral("nbf")), QStringLiteral("iat")), m_keyA)
        << JwtError::None;
    QTest::newRow("valid with extra claims") << sign(
        with(with(claims, QStringLiteral("aud"), QStringLiteral("anything")),
            QStringLiteral("org_id"), QJsonValue::Null),
        m_keyA) << JwtError::None;
    QTest::newRow("valid fractional exp")
        << sign(with(claims, QStringLiteral("exp"), double(now) + 30.75), m_keyA) << JwtError::None;
    // Clerk's Date arithmetic turns this into NaN and accepts it; so do we (clamped).
    QTest::newRow("exp beyond any date")
        << sign(with(claims, QStringLiteral("exp"), 1e300), m_keyA) << JwtError::None;
    QTest::newRow("azp accepted when in list")
        << sign(with(claims, QStringLiteral("azp"), devOrigin), m_keyA) << JwtError::None;

    // Time claims, default skew of 5 s.
    const auto at = [&](const char *claim, qint64 value) {
        return sign(with(claims, QLatin1String(claim), value), m_keyA);
    };
    QTest::newRow("expired long ago") << at("exp", now - 3600) << JwtError::Expired;
    QTest::newRow("exp now, within skew") << at("exp", now) << JwtError::None;
    QTest::newRow("exp within skew") << at("exp", now - 4) << JwtError::None;
    QTest::newRow("exp at skew boundary") << at("exp", now - 5) << JwtError::Expired;
    QTest::newRow("exp beyond skew") << at("exp", now - 6) << JwtError::Expired;
    QTest::newRow("exp far negative") << at("exp", -4000000000000000000) << JwtError::Expired;
    QTest::newRow("nbf within skew") << at("nbf", now + 5) << JwtError::None;
    QTest::newRow("nbf beyond skew") << at("nbf", now + 6) << JwtError::NotYetValid;
    QTest::newRow("nbf far future") << at("nbf", now + 86400) << JwtError::NotYetValid;
    QTest::newRow("iat within skew") << at("iat", now + 5) << JwtError::None;
    QTest::newRow("iat in the future") << at("iat", now + 6) << JwtError::IssuedInFuture;

    // Missing and ill-typed claims.
    const auto claim = [&](const char *name, const QJsonValue &value) {
        return sign(with(claims, QLatin1String(name), value), m_keyA);
    };
    QTest::newRow("missing exp") << sign(without(claims, QStringLiteral("exp")), m_keyA)
                                 << JwtError::MissingClaim;
    QTest::newRow("string exp") << claim("exp", QString::number(now + 60))
                                << JwtError::InvalidClaim;
    QTest::newRow("null exp") << claim("exp", QJsonValue::Null) << JwtError::InvalidClaim;
    QTest::newRow("bool exp") << claim("exp", true) << JwtError::InvalidClaim;
    QTest::newRow("array exp") << claim("exp", QJsonArray {now + 60}) << JwtError::InvalidClaim;
    QTest::newRow("string nbf") << claim("nbf", QStringLiteral("0")) << JwtError::InvalidClaim;
    QTest::newRow("string iat") << claim("iat", QStringLiteral("0")) << JwtError::InvalidClaim;
    QTest::newRow("missing sub") << sign(without(claims, QStringLiteral("sub")), m_keyA)
                                 << JwtError::MissingClaim;
    QTest::newRow("empty sub") << claim("sub", QString()) << JwtError::InvalidClaim;
    QTest::newRow("numeric sub") << claim("sub", 12345) << JwtError::InvalidClaim;
    QTest::newRow("null sub") << claim("sub", QJsonValue::Null) << JwtError::InvalidClaim;
    QTest::newRow("object sub") << claim("sub", QJsonObject {{"id", subject}})
                                << JwtError::InvalidClaim;
    QTest::newRow("numeric sid") << claim("sid", 7) << JwtError::InvalidClaim;

    // Authorized party and issuer (both configured in m_policy).
    QTest::newRow("wrong azp") << claim("azp", QStringLiteral("https://evil.test"))
                               << JwtError::BadAuthorizedParty;
    QTest::newRow("azp differs in case")
        << claim("azp", appOrigin.toUpper()) << JwtError::BadAuthorizedParty;
    QTest::newRow("azp with trailing slash")
        << claim("azp", appOrigin + QLatin1Char('/')) << JwtError::BadAuthorizedParty;
    QTest::newRow("missing azp") << sign(without(claims, QStringLiteral("azp")), m_keyA)
                                 << JwtError::BadAuthorizedParty;
    QTest::newRow("empty azp") << claim("azp", QString()) << JwtError::BadAuthorizedParty;
    QTest::newRow("numeric azp") << claim("azp", 1) << JwtError::InvalidClaim;
    QTest::newRow("array azp") << claim("azp", QJsonArray {appOrigin}) << JwtError::InvalidClaim;
    QTest::newRow("wrong iss") << claim("iss", QStringLiteral("https://clerk.evil.test"))
                               << JwtError::BadIssuer;
    QTest::newRow("iss with trailing slash")
        << claim("iss", issuer + QLatin1Char('/')) << JwtError::BadIssuer;
    QTest::newRow("missing iss") << sign(without(claims, QStringLiteral("iss")), m_keyA)
                                 << JwtError::BadIssuer;
    QTest::newRow("numeric iss") << claim("iss", 1) << JwtError::InvalidClaim;

    // Algorithms.
    const auto withAlg
        = [&](const QJsonValue &alg) { return with(header, QStringLiteral("alg"), alg); };
    QTest::newRow("alg none, empty signature") << mintUnsignedToken(withAlg(QStringLiteral("none")),
        claims) << JwtError::UnsupportedAlgorithm;
    QTest::newRow("alg none, with signature") << mintUnsignedToken(withAlg(QStringLiteral("none")),
        claims, parts[2]) << JwtError::UnsupportedAlgorithm;
    QTest::newRow("alg None") << mintUnsignedToken(withAlg(QStringLiteral("None")), claims)
                              << JwtError::UnsupportedAlgorithm;
    QTest::newRow("alg NONE") << mintUnsignedToken(withAlg(QStringLiteral("NONE")), claims)
                              << JwtError::UnsupportedAlgorithm;
    QTest::newRow("alg empty") << mintRsaToken(
        withAlg(QString()), claims, m_keyA, QStringLiteral("RS256"))
                               << JwtError::UnsupportedAlgorithm;
    QTest::newRow("alg missing") << mintRsaToken(
        without(header, QStringLiteral("alg")), claims, m_keyA, QStringLiteral("RS256"))
                                 << JwtError::UnsupportedAlgorithm;
    QTest::newRow("alg numeric") << mintRsaToken(withAlg(256), claims, m_keyA,
        QStringLiteral("RS256")) << JwtError::UnsupportedAlgorithm;
    QTest::newRow("alg lower case rs256") << mintRsaToken(withAlg(QStringLiteral("rs256")), claims,
        m_keyA, QStringLiteral("RS256")) << JwtError::UnsupportedAlgorithm;
    QTest::newRow("HS256 keyed with the public PEM")
        << mintHmacToken(withAlg(QStringLiteral("HS256")), claims, m_keyA.publicPem())
        << JwtError::UnsupportedAlgorithm;
    QTest::newRow("HS256 keyed with the public JWK")
        << mintHmacToken(withAlg(QStringLiteral("HS256")), claims, compactJson(m_keyA.publicJwk()))
        << JwtError::UnsupportedAlgorithm;
    QTest::newRow("HS256 keyed with the modulus") << mintHmacToken(withAlg(QStringLiteral("HS256")),
        claims, m_keyA.modulus()) << JwtError::UnsupportedAlgorithm;
    QTest::newRow("HS384") << mintHmacToken(withAlg(QStringLiteral("HS384")), claims,
        m_keyA.publicPem()) << JwtError::UnsupportedAlgorithm;
    QTest::newRow("HS512") << mintHmacToken(withAlg(QStringLiteral("HS512")), claims,
        m_keyA.publicPem()) << JwtError::UnsupportedAlgorithm;
    QTest::newRow("ES256") << mintRsaToken(
        withAlg(QStringLiteral("ES256")), claims, m_keyA, QStringLiteral("RS256"))
                           << JwtError::UnsupportedAlgorithm;
    QTest::newRow("PS256") << mintRsaToken(
        withAlg(QStringLiteral("PS256")), claims, m_keyA, QStringLiteral("RS256"))
                           << JwtError::UnsupportedAlgorithm;
    QTest::newRow("EdDSA") << mintRsaToken(
        withAlg(QStringLiteral("EdDSA")), claims, m_keyA, QStringLiteral("RS256"))
                           << JwtError::UnsupportedAlgorithm;
    QTest::newRow("JWK pinned to RS512, token RS256")
        << sign(claims, m_pinned512, QStringLiteral("RS256")) << JwtError::UnsupportedAlgorithm;
    QTest::newRow("JWK pinned to RS256, token RS512")
        << sign(claims, m_keyB, QStringLiteral("RS512")) << JwtError::UnsupportedAlgorithm;

    // Keys and signatures.
    QTest::newRow("other key under a known kid")
        << sign(claims, m_impostor) << JwtError::BadSignature;
    QTest::newRow("unknown kid") << sign(
        claims, m_impostor.withKeyId(QStringLiteral("key-unknown")))
                                 << JwtError::UnknownKey;
    QTest::newRow("no kid, several keys")
        << sign(claims, m_keyA.withKeyId(QString())) << JwtError::UnknownKey;
    const QByteArray otherToken
        = sign(with(claims, QStringLiteral("sub"), QStringLiteral("user_other")), m_keyA);
    QTest::newRow("signature from another token")
        << joinSegments({parts[0], parts[1], segments(otherToken)[2]}) << JwtError::BadSignature;
    QTest::newRow("signature from another key's token")
        << joinSegments({parts[0], parts[1], segments(sign(claims, m_keyB))[2]})
        << JwtError::BadSignature;
    QTest::newRow("tampered payload") << joinSegments({parts[0],
        base64Url(compactJson(with(claims, QStringLiteral("sub"), QStringLiteral("user_admin")))),
        parts[2]}) << JwtError::BadSignature;
    QTest::newRow("tampered header") << joinSegments(
        {base64Url(compactJson(with(header, QStringLiteral("cty"), QStringLiteral("json")))),
            parts[1], parts[2]}) << JwtError::BadSignature;
    QTest::newRow("header says RS256, signed RS384")
        << mintRsaToken(header, claims, m_keyA, QStringLiteral("RS384")) << JwtError::BadSignature;
    QTest::newRow("empty signature")
        << joinSegments({parts[0], parts[1], QByteArray()}) << JwtError::BadSignature;
    QTest::newRow("signature one byte short")
        << joinSegments({parts[0], parts[1], base64Url(signature.chopped(1))})
        << JwtError::BadSignature;
    QTest::newRow("signature one byte long")
        << joinSegments({parts[0], parts[1], base64Url(signature + '\0')})
        << JwtError::BadSignature;
    QByteArray flipped = signature;
    flipped[100] = char(flipped[100] ^ 0x01);
    QTest::newRow("signature bit flipped")
        << joinSegments({parts[0], parts[1], base64Url(flipped)}) << JwtError::BadSignature;
    QTest::newRow("expired and badly signed: signature first")
        << sign(with(claims, QStringLiteral("exp"), now - 3600), m_impostor)
        << JwtError::BadSignature;
    QTest::newRow("payload not JSON, badly signed: signature first")
        << mintRsaTokenRaw(compactJson(header), "not json", m_impostor, QStringLiteral("RS256"))
        << JwtError::BadSignature;

    // Structure.
    QTest::newRow("empty") << QByteArray() << JwtError::Malformed;
    QTest::newRow("two dots only") << QByteArray("..") << JwtError::Malformed;
    QTest::newRow("two segments") << joinSegments({parts[0], parts[1]}) << JwtError::Malformed;
    QTest::newRow("four segments") << valid + '.' + parts[2] << JwtError::Malformed;
    QTest::newRow("trailing dot") << valid + '.' << JwtError::Malformed;
    QTest::newRow("bad base64 in header")
        << joinSegments({parts[0] + "*", parts[1], parts[2]}) << JwtError::Malformed;
    QTest::newRow("bad base64 in payload")
        << joinSegments({parts[0], parts[1] + "!", parts[2]}) << JwtError::Malformed;
    QByteArray standardAlphabet = parts[2];
    standardAlphabet.replace('-', '+').replace('_', '/');
    if (standardAlphabet == parts[2])
        standardAlphabet.prepend("+/");
    QTest::newRow("standard base64 alphabet in signature")
        << joinSegments({parts[0], parts[1], standardAlphabet}) << JwtError::Malformed;
    QTest::newRow("padded signature")
        << joinSegments({parts[0], parts[1], parts[2] + "=="}) << JwtError::Malformed;
    QTest::newRow("space in token")
        << parts[0] + ". " + parts[1] + '.' + parts[2] << JwtError::Malformed;
    QTest::newRow("trailing newline") << valid + '\n' << JwtError::Malformed;
    QTest::newRow("non-canonical signature encoding")
        << joinSegments({parts[0], parts[1], nonCanonical(parts[2])}) << JwtError::Malformed;
    QTest::newRow("header not JSON") << mintRsaTokenRaw("{alg:RS256}", compactJson(claims), m_keyA,
        QStringLiteral("RS256")) << JwtError::Malformed;
    QTest::newRow("header with trailing garbage") << mintRsaTokenRaw(
        compactJson(header) + "x", compactJson(claims), m_keyA, QStringLiteral("RS256"))
                                                  << JwtError::Malformed;
    QTest::newRow("header a JSON array") << mintRsaTokenRaw(
        QJsonDocument(QJsonArray {header}).toJson(QJsonDocument::Compact), compactJson(claims),
        m_keyA, QStringLiteral("RS256")) << JwtError::Malformed;
    QTest::newRow("header empty") << mintRsaTokenRaw(QByteArray(), compactJson(claims), m_keyA,
        QStringLiteral("RS256")) << JwtError::Malformed;
    QTest::newRow("payload not JSON")
        << mintRsaTokenRaw(compactJson(header), "sub=user_2abcdef", m_keyA, QStringLiteral("RS256"))
        << JwtError::Malformed;
    QTest::newRow("payload a JSON array") << mintRsaTokenRaw(compactJson(header),
        QJsonDocument(QJsonArray {claims}).toJson(QJsonDocument::Compact), m_keyA,
        QStringLiteral("RS256")) << JwtError::Malformed;
    QTest::newRow("payload JSON null") << mintRsaTokenRaw(compactJson(header), "null", m_keyA,
        QStringLiteral("RS256")) << JwtError::Malformed;
    QTest::newRow("payload empty") << mintRsaTokenRaw(compactJson(header), QByteArray(), m_keyA,
        QStringLiteral("RS256")) << JwtError::Malformed;
    QByteArray overflowing = compactJson(claims);
    overflowing.replace(QByteArray::number(now + 60), "1e999");
    QTest::newRow("exp overflowing a double") << mintRsaTokenRaw(compactJson(header), overflowing,
        m_keyA, QStringLiteral("RS256")) << JwtError::Malformed;
    QTest::newRow("token too large")
        << sign(with(claims, QStringLiteral("padding"), QString(70000, QLatin1Char('x'))), m_keyA)
        << JwtError::Malformed;

    // Header parameters.
    const auto extra = [&](const char *name, const QJsonValue &value) {
        return signHeader(with(header, QLatin1String(name), value));
    };
    QTest::newRow("jku header") << extra("jku", QStringLiteral("https://evil.test/jwks.json"))
                                << JwtError::ForbiddenHeader;
    QTest::newRow("x5u header") << extra("x5u", QStringLiteral("https://evil.test/cert.pem"))
                                << JwtError::ForbiddenHeader;
    QTest::newRow("jwk header") << extra("jwk", m_impostor.publicJwk())
                                << JwtError::ForbiddenHeader;
    QTest::newRow("x5c header") << extra("x5c", QJsonArray {QStringLiteral("MIIB")})
                                << JwtError::ForbiddenHeader;
    QTest::newRow("x5t header") << extra("x5t", QStringLiteral("abc")) << JwtError::ForbiddenHeader;
    QTest::newRow("x5t#S256 header")
        << extra("x5t#S256", QStringLiteral("abc")) << JwtError::ForbiddenHeader;
    QTest::newRow("crit header") << extra("crit", QJsonArray {QStringLiteral("exp")})
                                 << JwtError::ForbiddenHeader;
    QTest::newRow("b64 header") << extra("b64", false) << JwtError::ForbiddenHeader;
    QTest::newRow("zip header") << extra("zip", QStringLiteral("DEF")) << JwtError::ForbiddenHeader;
    QTest::newRow("enc header") << extra("enc", QStringLiteral("A256GCM"))
                                << JwtError::ForbiddenHeader;
    QTest::newRow("unknown header") << extra("foo", 1) << JwtError::ForbiddenHeader;
    QTest::newRow("typ lower case")
        << extra("typ", QStringLiteral("jwt")) << JwtError::ForbiddenHeader;
    QTest::newRow("typ at+jwt") << extra("typ", QStringLiteral("at+jwt"))
                                << JwtError::ForbiddenHeader;
    QTest::newRow("typ numeric") << extra("typ", 1) << JwtError::ForbiddenHeader;
    QTest::newRow("kid numeric") << extra("kid", 1) << JwtError::Malformed;
    QTest::newRow("kid too long") << extra("kid", QString(300, QLatin1Char('k')))
                                  << JwtError::Malformed;
    QTest::newRow("cty numeric") << extra("cty", 1) << JwtError::Malformed;
}

void TestJwt::verify()
{
    QFETCH(QByteArray, token);
    QFETCH(JwtError, expected);

    const JwtResult result = verifyJwt(token, m_keys, m_policy, now);
    QCOMPARE(errorName(result.error), errorName(expected));
    QCOMPARE(result.ok(), expected == JwtError::None);
    QCOMPARE(result.token.has_value(), expected == JwtError::None);
    if (!result.ok())
        QVERIFY(!result.message.isEmpty());

    // Messages end up in logs and responses: no part of the token, no claim value.
    const QByteArray message = result.message.toUtf8();
    for (const QByteArray &part : segments(token)) {
        if (part.size() >= 8)
            QVERIFY2(!message.contains(part), message.constData());
    }
    QVERIFY2(!message.contains("user_"), message.constData());
    QVERIFY2(!message.contains("marquee.test"), message.constData());
    QVERIFY2(!message.contains("evil"), message.constData());
}

void TestJwt::verifiedTokenFields()
{
    const QJsonObject claims
        = with(validClaims(), QStringLiteral("email"), QStringLiteral("a@b.test"));
    const JwtResult result
        = verifyJwt(sign(claims, m_keyB, QStringLiteral("RS256")), m_keys, m_policy, now);
    QVERIFY2(result.ok(), qPrintable(result.message));
    const VerifiedToken &token = *result.token;
    QCOMPARE(token.subject, subject);
    QCOMPARE(token.sessionId, sessionId);
    QCOMPARE(token.authorizedParty, appOrigin);
    QCOMPARE(token.issuer, issuer);
    QCOMPARE(token.keyId, QStringLiteral("key-b"));
    QCOMPARE(result.keyId, QStringLiteral("key-b"));
    QCOMPARE(token.algorithm, QStringLiteral("RS256"));
    QCOMPARE(token.expiresAt, now + 60);
    QCOMPARE(token.issuedAt, now - 1);
    QCOMPARE(token.notBefore, now - 11);
    QCOMPARE(token.claims.value(QStringLiteral("email")).toString(), QStringLiteral("a@b.test"));
    QCOMPARE(token.claims, claims);
}

void TestJwt::issuerNotConfigured_data()
{
    QTest::addColumn<QJsonObject>("claims");
    QTest::addColumn<JwtError>("expected");

    QTest::newRow("missing iss") << without(validClaims(), QStringLiteral("iss")) << JwtError::None;
    QTest::newRow("any iss") << with(
        validClaims(), QStringLiteral("iss"), QStringLiteral("https://other.test"))
                             << JwtError::None;
    QTest::newRow("numeric iss still ill-typed")
        << with(validClaims(), QStringLiteral("iss"), 1) << JwtError::InvalidClaim;
}

void TestJwt::issuerNotConfigured()
{
    QFETCH(QJsonObject, claims);
    QFETCH(JwtError, expected);

    JwtPolicy policy = m_policy;
    policy.issuer.clear();
    const JwtResult result = verifyJwt(sign(claims, m_keyA), m_keys, policy, now);
    QCOMPARE(errorName(result.error), errorName(expected));
}

void TestJwt::authorizedPartiesPolicy_data()
{
    QTest::addColumn<QStringList>("parties");
    QTest::addColumn<QJsonObject>("claims");
    QTest::addColumn<JwtError>("expected");

    const QStringList none;
    QTest::newRow("none configured, missing azp")
        << none << without(validClaims(), QStringLiteral("azp")) << JwtError::None;
    QTest::newRow("none configured, any azp")
        << none << with(validClaims(), QStringLiteral("azp"), QStringLiteral("https://other.test"))
        << JwtError::None;
    QTest::newRow("none configured, numeric azp still ill-typed")
        << none << with(validClaims(), QStringLiteral("azp"), 1) << JwtError::InvalidClaim;
    // An empty entry, as splitting "a,,b" leaves, must not stand for "no azp".
    QTest::newRow("empty entry, missing azp")
        << QStringList {QString()} << without(validClaims(), QStringLiteral("azp"))
        << JwtError::BadAuthorizedParty;
    QTest::newRow("one configured, matching azp")
        << QStringList {appOrigin} << validClaims() << JwtError::None;
}

void TestJwt::authorizedPartiesPolicy()
{
    QFETCH(QStringList, parties);
    QFETCH(QJsonObject, claims);
    QFETCH(JwtError, expected);

    JwtPolicy policy = m_policy;
    policy.authorizedParties = parties;
    const JwtResult result = verifyJwt(sign(claims, m_keyA), m_keys, policy, now);
    QCOMPARE(errorName(result.error), errorName(expected));
}

void TestJwt::clockSkew_data()
{
    QTest::addColumn<qint64>("skew");
    QTest::addColumn<QString>("claim");
    QTest::addColumn<qint64>("value");
    QTest::addColumn<JwtError>("expected");

    QTest::newRow("no skew, exp now")
        << qint64(0) << QStringLiteral("exp") << now << JwtError::Expired;
    QTest::newRow("no skew, exp next second")
        << qint64(0) << QStringLiteral("exp") << now + 1 << JwtError::None;
    QTest::newRow("no skew, nbf now")
        << qint64(0) << QStringLiteral("nbf") << now << JwtError::None;
    QTest::newRow("no skew, nbf next second")
        << qint64(0) << QStringLiteral("nbf") << now + 1 << JwtError::NotYetValid;
    QTest::newRow("no skew, iat next second")
        << qint64(0) << QStringLiteral("iat") << now + 1 << JwtError::IssuedInFuture;
    QTest::newRow("negative skew counts as none")
        << qint64(-100) << QStringLiteral("exp") << now << JwtError::Expired;
    QTest::newRow("60 s, exp 59 s ago")
        << qint64(60) << QStringLiteral("exp") << now - 59 << JwtError::None;
    QTest::newRow("60 s, exp 60 s ago")
        << qint64(60) << QStringLiteral("exp") << now - 60 << JwtError::Expired;
    QTest::newRow("60 s, nbf in 60 s")
        << qint64(60) << QStringLiteral("nbf") << now + 60 << JwtError::None;
    QTest::newRow("60 s, nbf in 61 s")
        << qint64(60) << QStringLiteral("nbf") << now + 61 << JwtError::NotYetValid;
}

void TestJwt::clockSkew()
{
    QFETCH(qint64, skew);
    QFETCH(QString, claim);
    QFETCH(qint64, value);
    QFETCH(JwtError, expected);

    JwtPolicy policy = m_policy;
    policy.clockSkewSeconds = skew;
    QJsonObject claims = with(validClaims(), claim, value);
    if (claim != QLatin1String("iat"))
        claims.remove(QStringLiteral("iat")); // only the claim under test may decide
    const JwtResult result = verifyJwt(sign(claims, m_keyA), m_keys, policy, now);
    QCOMPARE(errorName(result.error), errorName(expected));
}

void TestJwt::unknownKeyReportsKid()
{
    const JwtResult result
        = verifyJwt(sign(validClaims(), m_impostor.withKeyId(QStringLiteral("ins_rotated_kid"))),
            m_keys, m_policy, now);
    QCOMPARE(errorName(result.error), errorName(JwtError::UnknownKey));
    QCOMPARE(result.keyId, QStringLiteral("ins_rotated_kid"));
    QVERIFY(!result.message.contains(QStringLiteral("ins_rotated_kid")));
}

void TestJwt::keySelection_data()
{
    QTest::addColumn<QString>("keySource");
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<JwtError>("expected");

    const QJsonObject claims = validClaims();
    const RsaKeyPair noKid = m_keyA.withKeyId(QString());
    QTest::newRow("JWKS of one key, token without kid")
        << QStringLiteral("jwks") << sign(claims, noKid) << JwtError::UnknownKey;
    QTest::newRow("JWKS of one key, token with its kid")
        << QStringLiteral("jwks") << sign(claims, m_keyA) << JwtError::None;
    QTest::newRow("JWKS of one key, token with another kid")
        << QStringLiteral("jwks") << sign(claims, m_keyA.withKeyId(QStringLiteral("key-b")))
        << JwtError::UnknownKey;
    QTest::newRow("PEM, token without kid")
        << QStringLiteral("pem") << sign(claims, noKid) << JwtError::None;
    QTest::newRow("PEM, token with any kid")
        << QStringLiteral("pem") << sign(claims, m_keyA.withKeyId(QStringLiteral("ins_whatever")))
        << JwtError::None;
    QTest::newRow("PEM, token signed by another key")
        << QStringLiteral("pem") << sign(claims, m_impostor) << JwtError::BadSignature;
}

void TestJwt::keySelection()
{
    QFETCH(QString, keySource);
    QFETCH(QByteArray, token);
    QFETCH(JwtError, expected);

    QString error;
    const std::optional<KeySet> keys = keySource == QLatin1String("pem")
        ? KeySet::fromPem(m_keyA.publicPem(), &error)
        : KeySet::fromJwks(jwksDocument({m_keyA.publicJwk()}), &error);
    QVERIFY2(keys, qPrintable(error));
    QCOMPARE(keys->size(), 1);
    QCOMPARE(keys->isPem(), keySource == QLatin1String("pem"));
    const JwtResult result = verifyJwt(token, *keys, m_policy, now);
    QCOMPARE(errorName(result.error), errorName(expected));
}

void TestJwt::pemFormats_data()
{
    QTest::addColumn<QByteArray>("pem");
    QTest::addColumn<bool>("loads");

    const QByteArray pem = m_keyA.publicPem();
    const QByteArray body = pemBase64(pem);
    QByteArray crlf = pem;
    crlf.replace("\n", "\r\n");
    QByteArray escaped = pem;
    escaped.replace("\n", "\\n");
    const QByteArray der = QByteArray::fromBase64(body);

    QTest::newRow("PEM") << pem << true;
    QTest::newRow("CRLF line ends") << crlf << true;
    QTest::newRow("one line") << QByteArray(pem).replace('\n', "") << true;
    QTest::newRow("literal \\n") << escaped << true;
    QTest::newRow("bare base64") << body << true;
    QTest::newRow("surrounding whitespace") << "  \n" + pem + "\n\n" << true;

    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("armour only") << QByteArray("-----BEGIN PUBLIC KEY-----\n"
                                               "-----END PUBLIC KEY-----\n")
                                 << false;
    QTest::newRow("not base64") << QByteArray("-----BEGIN PUBLIC KEY-----\n!!!!\n"
                                              "-----END PUBLIC KEY-----\n")
                                << false;
    QTest::newRow("truncated DER") << der.chopped(10).toBase64() << false;
    QTest::newRow("trailing bytes after DER") << (der + "\x05\x00").toBase64() << false;
    QTest::newRow("PKCS#1 RSA PUBLIC KEY") << pkcs1PublicPem(m_keyA) << false;
    QTest::newRow("private key") << m_keyA.privatePem() << false;
    QTest::newRow("EC public key") << ecPublicPem() << false;
    QTest::newRow("1024-bit RSA key") << m_small.publicPem() << false;
}

void TestJwt::pemFormats()
{
    QFETCH(QByteArray, pem);
    QFETCH(bool, loads);

    QString error;
    const std::optional<KeySet> keys = KeySet::fromPem(pem, &error);
    QCOMPARE(keys.has_value(), loads);
    if (!loads) {
        QVERIFY(!error.isEmpty());
        return;
    }
    QVERIFY(keys->isPem());
    QCOMPARE(keys->size(), 1);
    QCOMPARE(keys->keys().first().bits, 2048);
    const JwtResult result = verifyJwt(sign(validClaims(), m_keyA), *keys, m_policy, now);
    QVERIFY2(result.ok(), qPrintable(result.message));
}

void TestJwt::pemPinnedToRs256()
{
    QString error;
    const std::optional<KeySet> keys = KeySet::fromPem(m_keyA.publicPem(), &error);
    QVERIFY2(keys, qPrintable(error));
    for (const QString &alg : {QStringLiteral("RS384"), QStringLiteral("RS512")}) {
        const JwtResult result = verifyJwt(sign(validClaims(), m_keyA, alg), *keys, m_policy, now);
        QCOMPARE(errorName(result.error), errorName(JwtError::UnsupportedAlgorithm));
    }
}

void TestJwt::jwks_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("keyIds"); // the keys kept, in order
    QTest::addColumn<int>("skipped");
    QTest::addColumn<bool>("loads");

    const QJsonObject a = m_keyA.publicJwk();
    const QJsonObject b = m_keyB.publicJwk();
    const QJsonObject ec {{"kty", "EC"}, {"crv", "P-256"}, {"kid", "ec-1"}, {"use", "sig"},
        {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
        {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}};
    const QJsonObject oct {{"kty", "oct"}, {"kid", "hmac-1"}, {"k", "c2VjcmV0"}};
    const QStringList justA {QStringLiteral("key-a")};
    const QStringList none;
    const auto set = [](const QList<QJsonObject> &keys) { return jwksDocument(keys); };

    QTest::newRow("one key") << set({a}) << justA << 0 << true;
    QTest::newRow("two keys") << set({a, b}) << QStringList {"key-a", "key-b"} << 0 << true;
    QTest::newRow("EC key skipped") << set({ec, a}) << justA << 1 << true;
    QTest::newRow("oct key skipped") << set({oct, a}) << justA << 1 << true;
    QTest::newRow("use enc skipped") << set({with(b, "use", "enc"), a}) << justA << 1 << true;
    QTest::newRow("no use accepted") << set({without(a, "use")}) << justA << 0 << true;
    QTest::newRow("key_ops verify accepted")
        << set({with(a, "key_ops", QJsonArray {"verify"})}) << justA << 0 << true;
    QTest::newRow("key_ops encrypt skipped")
        << set({with(b, "key_ops", QJsonArray {"encrypt"}), a}) << justA << 1 << true;
    QTest::newRow("alg PS256 skipped") << set({with(b, "alg", "PS256"), a}) << justA << 1 << true;
    QTest::newRow("alg RSA-OAEP skipped")
        << set({with(b, "alg", "RSA-OAEP"), a}) << justA << 1 << true;
    QTest::newRow("no kid skipped") << set({without(b, "kid"), a}) << justA << 1 << true;
    QTest::newRow("duplicate kid, first kept")
        << set({a, with(b, "kid", "key-a")}) << justA << 1 << true;
    QTest::newRow("n not base64url")
        << set({with(b, "n", b.value("n").toString() + "+"), a}) << justA << 1 << true;
    QTest::newRow("n missing") << set({without(b, "n"), a}) << justA << 1 << true;
    QTest::newRow("e = 1 skipped") << set({with(b, "e", "AQ"), a}) << justA << 1 << true;
    QTest::newRow("e = 3 kept") << set({with(b, "e", "Aw"), a}) << QStringList {"key-b", "key-a"}
                                << 0 << true;
    QTest::newRow("even e skipped") << set({with(b, "e", "AQAA"), a}) << justA << 1 << true;
    QByteArray evenModulus = m_keyB.modulus();
    evenModulus[evenModulus.size() - 1] = char(evenModulus.back() & 0xfe);
    QTest::newRow("even modulus skipped")
        << set({with(b, "n", QString::fromLatin1(base64Url(evenModulus))), a}) << justA << 1
        << true;
    QTest::newRow("modulus with a small factor skipped")
        << set({with(b, "n", QString::fromLatin1(base64Url(timesThree(m_keyB.modulus())))), a})
        << justA << 1 << true;
    QTest::newRow("1024-bit key skipped") << set({m_small.publicJwk(), a}) << justA << 1 << true;
    QTest::newRow("private member ignored") << set({with(a, "d", "AQAB")}) << justA << 0 << true;
    QTest::newRow("non-object entry skipped")
        << QByteArray("{\"keys\":[1,") + compactJson(a) + "]}" << justA << 1 << true;

    QTest::newRow("not JSON") << QByteArray("keys") << none << 0 << false;
    QTest::newRow("JSON array") << QByteArray("[]") << none << 0 << false;
    QTest::newRow("no keys member") << QByteArray("{\"key\":[]}") << none << 0 << false;
    QTest::newRow("keys not an array") << QByteArray("{\"keys\":{}}") << none << 0 << false;
    QTest::newRow("no keys") << QByteArray("{\"keys\":[]}") << none << 0 << false;
    QTest::newRow("only an EC key") << set({ec}) << none << 1 << false;
    QTest::newRow("only a 1024-bit key") << set({m_small.publicJwk()}) << none << 1 << false;
}

void TestJwt::jwks()
{
    QFETCH(QByteArray, json);
    QFETCH(QStringList, keyIds);
    QFETCH(int, skipped);
    QFETCH(bool, loads);

    QString error;
    const std::optional<KeySet> keys = KeySet::fromJwks(json, &error);
    QCOMPARE(keys.has_value(), loads);
    if (!loads) {
        QVERIFY(!error.isEmpty());
        return;
    }
    QVERIFY(!keys->isPem());
    QCOMPARE(keys->keyIds(), keyIds);
    QCOMPARE(keys->skipped().size(), skipped);
    // The kept key-a is the real one (the first of a duplicated kid wins).
    JwtPolicy policy = m_policy;
    const JwtResult result = verifyJwt(sign(validClaims(), m_keyA), *keys, policy, now);
    QVERIFY2(result.ok(), qPrintable(result.message));
}

void TestJwt::smallKeyRefused()
{
    QString error;
    QVERIFY(!KeySet::fromPem(m_small.publicPem(), &error));
    QVERIFY2(error.contains(QLatin1String("2048")), qPrintable(error));

    error.clear();
    QVERIFY(!KeySet::fromJwks(jwksDocument({m_small.publicJwk()}), &error));
    QVERIFY2(error.contains(QLatin1String("2048")), qPrintable(error));

    // Next to a good key the small one is skipped: its tokens find no key.
    const std::optional<KeySet> keys
        = KeySet::fromJwks(jwksDocument({m_small.publicJwk(), m_keyA.publicJwk()}), &error);
    QVERIFY2(keys, qPrintable(error));
    QCOMPARE(keys->keyIds(), QStringList {"key-a"});
    QVERIFY(keys->skipped().first().contains(QLatin1String("key-small")));
    const JwtResult result = verifyJwt(sign(validClaims(), m_small), *keys, m_policy, now);
    QCOMPARE(errorName(result.error), errorName(JwtError::UnknownKey));
}

void TestJwt::keySetCopiesShareKeys()
{
    const KeySet copy = m_keys;
    QCOMPARE(copy.size(), m_keys.size());
    QCOMPARE(copy.keys().first().key.get(), m_keys.keys().first().key.get());

    const KeySet empty;
    QVERIFY(empty.isEmpty());
    const JwtResult result = verifyJwt(sign(validClaims(), m_keyA), empty, m_policy, now);
    QCOMPARE(errorName(result.error), errorName(JwtError::UnknownKey));
}

void TestJwt::concurrentVerification()
{
    const QByteArray good = sign(validClaims(), m_keyA);
    const QByteArray bad = sign(validClaims(), m_impostor);
    std::atomic<int> failures {0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, keys = m_keys] {
            for (int i = 0; i < 50; ++i) {
                if (!verifyJwt(good, keys, m_policy, now).ok()
                    || verifyJwt(bad, keys, m_policy, now).error != JwtError::BadSignature)
                    ++failures;
            }
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    QCOMPARE(failures.load(), 0);
}

QTEST_GUILESS_MAIN(TestJwt)
#include "tst_jwt.moc"
