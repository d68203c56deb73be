#include "jwt.h"

#include <QJsonDocument>
#include <QJsonValue>

#include <algorithm>
#include <cmath>
#include <memory>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

namespace marquee {

namespace {

// Clerk session tokens are about 1 KiB; anything near this is not one, and the cap bounds the
// base64 and JSON work an unauthenticated request can cause.
constexpr qsizetype kMaxTokenBytes = 64 * 1024;
constexpr qsizetype kMaxKeyIdLength = 256;
// Far beyond any real date, small enough that adding a clock skew cannot overflow.
constexpr qint64 numericDateLimit = Q_INT64_C(1000000000000000);

struct Rejection
{
    JwtError error;
    QString message;
};

struct DecodedToken
{
    QByteArray signingInput; // "header.payload" exactly as received: what the signature covers
    QJsonObject header;
    QByteArray payload; // JSON text, parsed only once the signature holds
    QByteArray signature;
};

struct MdCtxDeleter
{
    void operator()(EVP_MD_CTX *ctx) const { EVP_MD_CTX_free(ctx); }
};

const EVP_MD *digestFor(const QString &alg)
{
    if (alg == QLatin1String("RS256"))
        return EVP_sha256();
    if (alg == QLatin1String("RS384"))
        return EVP_sha384();
    if (alg == QLatin1String("RS512"))
        return EVP_sha512();
    return nullptr;
}

std::optional<QJsonObject> parseObject(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

std::optional<DecodedToken> decodeSegments(const QByteArray &token, Rejection *rejection)
{
    if (token.size() > kMaxTokenBytes) {
        *rejection = {JwtError::Malformed, QStringLiteral("The token is too large.")};
        return std::nullopt;
    }
    if (token.count('.') != 2) {
        *rejection = {JwtError::Malformed,
            QStringLiteral("A JWT consists of three parts separated by dots.")};
        return std::nullopt;
    }
    const qsizetype firstDot = token.indexOf('.');
    const qsizetype secondDot = token.indexOf('.', firstDot + 1);
    const QByteArrayView view(token);
    const std::optional<QByteArray> header = base64UrlDecode(view.first(firstDot));
    const std::optional<QByteArray> payload
        = base64UrlDecode(view.sliced(firstDot + 1, secondDot - firstDot - 1));
    const std::optional<QByteArray> signature = base64UrlDecode(view.sliced(secondDot + 1));
    if (!header || !payload || !signature) {
        *rejection = {JwtError::Malformed, QStringLiteral("A JWT part is not valid base64url.")};
        return std::nullopt;
    }
    std::optional<QJsonObject> headerObject = parseObject(*header);
    if (!headerObject) {
        *rejection = {JwtError::Malformed, QStringLiteral("The JWT header is not a JSON object.")};
        return std::nullopt;
    }
    return DecodedToken {token.first(secondDot), std::move(*headerObject), *payload, *signature};
}

// Only the parameters we understand: anything else (jku, x5u, jwk, x5c, crit, b64, ...) asks
// for behaviour we do not implement, and a key named by the token is never to be trusted.
std::optional<Rejection> checkHeader(const QJsonObject &header)
{
    const QJsonValue alg = header.value(QLatin1String("alg"));
    if (!alg.isString() || !digestFor(alg.toString()))
        return Rejection {JwtError::UnsupportedAlgorithm,
            QStringLiteral("Only RS256, RS384 and RS512 tokens are accepted.")};
    for (auto it = header.begin(); it != header.end(); ++it) {
        const QString name = it.key();
        if (name != QLatin1String("alg") && name != QLatin1String("kid")
            && name != QLatin1String("typ") && name != QLatin1String("cty"))
            return Rejection {JwtError::ForbiddenHeader,
                QStringLiteral("The JWT header has an unsupported parameter.")};
    }
    // Case-sensitive, as Clerk's assertHeaderType compares it.
    const QJsonValue typ = header.value(QLatin1String("typ"));
    if (!typ.isUndefined() && typ.toString() != QLatin1String("JWT"))
        return Rejection {JwtError::ForbiddenHeader, QStringLiteral("The JWT type must be JWT.")};
    const QJsonValue cty = header.value(QLatin1String("cty"));
    const QJsonValue kid = header.value(QLatin1String("kid"));
    if ((!cty.isUndefined() && !cty.isString()) || (!kid.isUndefined() && !kid.isString())
        || kid.toString().size() > kMaxKeyIdLength)
        return Rejection {
            JwtError::Malformed, QStringLiteral("A JWT header parameter has the wrong type.")};
    return std::nullopt;
}

bool signatureHolds(const PublicKey &key, const EVP_MD *digest, const DecodedToken &token)
{
    const std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX *keyCtx = nullptr; // owned by ctx
    const bool verified = ctx
        && EVP_DigestVerifyInit(ctx.get(), &keyCtx, digest, nullptr, key.key.get()) == 1
        && EVP_PKEY_CTX_set_rsa_padding(keyCtx, RSA_PKCS1_PADDING) > 0
        && EVP_DigestVerify(ctx.get(),
               reinterpret_cast<const unsigned char *>(token.signature.constData()),
               size_t(token.signature.size()),
               reinterpret_cast<const unsigned char *>(token.signingInput.constData()),
               size_t(token.signingInput.size()))
            == 1;
    // A failed verification queues errors that Qt's TLS code on this thread would misread.
    ERR_clear_error();
    return verified;
}

qint64 numericDateSeconds(double value)
{
    return qint64(
        std::trunc(std::clamp(value, -double(numericDateLimit), double(numericDateLimit))));
}

// A present claim of the wrong type is rejected even when we would not otherwise check it:
// Clerk never issues one, so it means a forged or broken token.
bool readOptionalString(const QJsonObject &claims, const char *name, QString *out)
{
    const QJsonValue value = claims.value(QLatin1String(name));
    if (value.isUndefined())
        return true;
    if (!value.isString())
        return false;
    *out = value.toString();
    return true;
}

bool readOptionalDate(const QJsonObject &claims, const char *name, qint64 *out)
{
    const QJsonValue value = claims.value(QLatin1String(name));
    if (value.isUndefined())
        return true;
    if (!value.isDouble() || !std::isfinite(value.toDouble()))
        return false;
    *out = numericDateSeconds(value.toDouble());
    return true;
}

std::optional<Rejection> readClaims(const QJsonObject &claims, VerifiedToken *token)
{
    const QJsonValue sub = claims.value(QLatin1String("sub"));
    if (sub.isUndefined())
        return Rejection {JwtError::MissingClaim, QStringLiteral("The sub claim is missing.")};
    if (!sub.isString() || sub.toString().isEmpty())
        return Rejection {
            JwtError::InvalidClaim, QStringLiteral("The sub claim must be a non-empty string.")};
    token->subject = sub.toString();
    if (claims.value(QLatin1String("exp")).isUndefined())
        return Rejection {JwtError::MissingClaim, QStringLiteral("The exp claim is missing.")};
    if (!readOptionalString(claims, "sid", &token->sessionId)
        || !readOptionalString(claims, "azp", &token->authorizedParty)
        || !readOptionalString(claims, "iss", &token->issuer)
        || !readOptionalDate(claims, "exp", &token->expiresAt)
        || !readOptionalDate(claims, "nbf", &token->notBefore)
        || !readOptionalDate(claims, "iat", &token->issuedAt))
        return Rejection {JwtError::InvalidClaim, QStringLiteral("A claim has the wrong type.")};
    return std::nullopt;
}

std::optional<Rejection> checkClaims(
    const QJsonObject &claims, const VerifiedToken &token, const JwtPolicy &policy, qint64 now)
{
    if (!policy.issuer.isEmpty() && token.issuer != policy.issuer)
        return Rejection {
            JwtError::BadIssuer, QStringLiteral("The token's issuer is not accepted.")};
    // Like Clerk: once parties are configured, a token without azp is refused too.
    if (!policy.authorizedParties.isEmpty()
        && (token.authorizedParty.isEmpty()
            || !policy.authorizedParties.contains(token.authorizedParty)))
        return Rejection {JwtError::BadAuthorizedParty,
            QStringLiteral("The token's authorized party is not accepted.")};
    const qint64 skew = qBound(Q_INT64_C(0), policy.clockSkewSeconds, numericDateLimit);
    // Boundaries as Clerk's millisecond comparisons give for any instant within second `now`:
    // expired once exp <= now - skew; early while nbf or iat > now + skew.
    if (token.expiresAt + skew <= now)
        return Rejection {JwtError::Expired, QStringLiteral("The token has expired.")};
    if (claims.contains(QLatin1String("nbf")) && token.notBefore > now + skew)
        return Rejection {JwtError::NotYetValid, QStringLiteral("The token is not valid yet.")};
    if (claims.contains(QLatin1String("iat")) && token.issuedAt > now + skew)
        return Rejection {
            JwtError::IssuedInFuture, QStringLiteral("The token was issued in the future.")};
    return std::nullopt;
}

JwtResult rejected(const Rejection &rejection, const QString &keyId = {})
{
    JwtResult result;
    result.error = rejection.error;
    result.message = rejection.message;
    result.keyId = keyId;
    return result;
}

} // namespace

QLatin1String jwtErrorName(JwtError error)
{
    switch (error) {
    case JwtError::None:
        return QLatin1String("none");
    case JwtError::Malformed:
        return QLatin1String("malformed");
    case JwtError::UnsupportedAlgorithm:
        return QLatin1String("unsupported_algorithm");
    case JwtError::ForbiddenHeader:
        return QLatin1String("forbidden_header");
    case JwtError::UnknownKey:
        return QLatin1String("unknown_key");
    case JwtError::BadSignature:
        return QLatin1String("bad_signature");
    case JwtError::MissingClaim:
        return QLatin1String("missing_claim");
    case JwtError::InvalidClaim:
        return QLatin1String("invalid_claim");
    case JwtError::Expired:
        return QLatin1String("expired");
    case JwtError::NotYetValid:
        return QLatin1String("not_yet_valid");
    case JwtError::IssuedInFuture:
        return QLatin1String("issued_in_future");
    case JwtError::BadIssuer:
        return QLatin1String("bad_issuer");
    case JwtError::BadAuthorizedParty:
        return QLatin1String("bad_authorized_party");
    }
    return QLatin1String("unknown");
}

JwtResult verifyJwt(
    const QByteArray &token, const KeySet &keys, const JwtPolicy &policy, qint64 nowSeconds)
{
    Rejection rejection {JwtError::None, {}};
    const std::optional<DecodedToken> decoded = decodeSegments(token, &rejection);
    if (!decoded)
        return rejected(rejection);
    if (const std::optional<Rejection> bad = checkHeader(decoded->header))
        return rejected(*bad);

    const QString algorithm = decoded->header.value(QLatin1String("alg")).toString();
    const QString keyId = decoded->header.value(QLatin1String("kid")).toString();
    const PublicKey *key = keys.find(keyId);
    if (!key) {
        return rejected(
            {JwtError::UnknownKey,
                keyId.isEmpty() ? QStringLiteral("The token names no signing key (kid).")
                                : QStringLiteral("No known signing key matches the token's kid.")},
            keyId);
    }
    if (!key->algorithm.isEmpty() && key->algorithm != algorithm)
        return rejected({JwtError::UnsupportedAlgorithm,
                            QStringLiteral("The token's algorithm is not the one of its key.")},
            keyId);
    if (!signatureHolds(*key, digestFor(algorithm), *decoded))
        return rejected(
            {JwtError::BadSignature, QStringLiteral("The JWT signature is invalid.")}, keyId);

    const std::optional<QJsonObject> claims = parseObject(decoded->payload);
    if (!claims)
        return rejected(
            {JwtError::Malformed, QStringLiteral("The JWT payload is not a JSON object.")}, keyId);
    VerifiedToken verified;
    if (std::optional<Rejection> bad = readClaims(*claims, &verified))
        return rejected(*bad, keyId);
    if (std::optional<Rejection> bad = checkClaims(*claims, verified, policy, nowSeconds))
        return rejected(*bad, keyId);

    verified.keyId = keyId;
    verified.algorithm = algorithm;
    verified.claims = *claims;
    JwtResult result;
    result.token = std::move(verified);
    result.keyId = keyId;
    return result;
}

} // namespace marquee
