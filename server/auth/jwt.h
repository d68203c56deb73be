#pragma once

#include "jwks.h"

#include <QByteArray>
#include <QJsonObject>
#include <QLatin1String>
#include <QString>
#include <QStringList>

#include <optional>

namespace marquee {

enum class JwtError {
    None,
    Malformed, // not three strict base64url segments of JSON objects, or too large
    UnsupportedAlgorithm, // alg not RS256/RS384/RS512, or not the alg its key is pinned to
    ForbiddenHeader, // a header parameter other than alg/kid/typ/cty, or typ not "JWT"
    UnknownKey, // no key for the kid: the caller may refresh its JWKS (if keyId is set)
    BadSignature,
    MissingClaim, // sub or exp absent
    InvalidClaim, // a claim of the wrong type, or an empty sub
    Expired, // exp + skew has passed
    NotYetValid, // nbf - skew is still ahead
    IssuedInFuture,
    BadIssuer,
    BadAuthorizedParty,
};

// Stable identifier ("bad_signature") for logs, metrics and test output.
QLatin1String jwtErrorName(JwtError error);

struct JwtPolicy
{
    QString issuer; // when set, iss must equal it exactly
    QStringList authorizedParties; // when not empty, azp must be present and one of these
    qint64 clockSkewSeconds = 5;
};

struct VerifiedToken
{
    QString subject; // sub
    QString sessionId; // sid, empty when absent
    QString authorizedParty; // azp, empty when absent
    QString issuer; // iss, empty when absent
    QString keyId; // kid of the header, empty when absent
    QString algorithm; // RS256, RS384 or RS512
    qint64 expiresAt = 0; // seconds since the epoch
    qint64 issuedAt = 0; // 0 when absent
    qint64 notBefore = 0; // 0 when absent
    QJsonObject claims; // the whole payload, for claims we do not interpret
};

struct JwtResult
{
    JwtError error = JwtError::None;
    QString message; // one sentence safe to log or return: never token text or claim values
    std::optional<VerifiedToken> token;
    QString keyId; // kid from the header, also set on UnknownKey so the caller can refresh

    bool ok() const { return error == JwtError::None; }
};

// Verifies a compact JWS the way Clerk's verifyToken does (docs/api.md, "Authentication"): the
// header is checked, the key picked by kid, the RSASSA-PKCS1-v1_5 signature verified, and only then
// is the payload parsed and its claims believed. Times are whole seconds since the epoch;
// fractional NumericDates are truncated, as JavaScript's Date does.
// Thread-safe: a KeySet is immutable and each call uses its own OpenSSL contexts.
JwtResult verifyJwt(
    const QByteArray &token, const KeySet &keys, const JwtPolicy &policy, qint64 nowSeconds);

} // namespace marquee
