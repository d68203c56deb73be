#include "webhook.h"

#include <QList>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace marquee {

namespace {

// Svix secrets carry 24 to 64 random bytes; anything much shorter is a typo or a placeholder.
constexpr qsizetype kMinimumKeyBytes = 16;
// 18 digits cannot overflow qint64 and cover every date anyone will send.
constexpr qsizetype kMaxTimestampDigits = 18;

// Strict: digits only, no sign, no spaces and no leading zero. Svix signs the canonical number,
// so any other spelling could never match a signature anyway.
std::optional<qint64> parseTimestamp(const QByteArray &text)
{
    if (text.isEmpty() || text.size() > kMaxTimestampDigits || (text.size() > 1 && text[0] == '0'))
        return std::nullopt;
    qint64 value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

std::optional<QByteArray> expectedSignature(const QByteArray &key, const QByteArray &content)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int macLength = 0;
    const bool ok = HMAC(EVP_sha256(), key.constData(), int(key.size()),
                        reinterpret_cast<const unsigned char *>(content.constData()),
                        size_t(content.size()), mac, &macLength)
        != nullptr;
    ERR_clear_error();
    if (!ok)
        return std::nullopt;
    return QByteArray(reinterpret_cast<const char *>(mac), int(macLength)).toBase64();
}

bool anySignatureMatches(const QByteArray &signatureHeader, const QByteArray &expected)
{
    bool matched = false;
    // Every entry is compared, so the time taken does not reveal which one matched.
    for (const QByteArray &entry : signatureHeader.split(' ')) {
        const qsizetype comma = entry.indexOf(',');
        if (comma < 0 || entry.first(comma) != "v1")
            continue;
        const QByteArray candidate = entry.sliced(comma + 1);
        if (candidate.size() == expected.size()
            && CRYPTO_memcmp(candidate.constData(), expected.constData(), size_t(expected.size()))
                == 0)
            matched = true;
    }
    return matched;
}

} // namespace

QLatin1String webhookErrorName(WebhookError error)
{
    switch (error) {
    case WebhookError::None:
        return QLatin1String("none");
    case WebhookError::MissingHeaders:
        return QLatin1String("missing_headers");
    case WebhookError::BadTimestamp:
        return QLatin1String("bad_timestamp");
    case WebhookError::TooOld:
        return QLatin1String("too_old");
    case WebhookError::TooNew:
        return QLatin1String("too_new");
    case WebhookError::BadSignature:
        return QLatin1String("bad_signature");
    case WebhookError::BadSecret:
        return QLatin1String("bad_secret");
    }
    return QLatin1String("unknown");
}

WebhookHeaders WebhookHeaders::pick(const std::function<QByteArray(const QByteArray &)> &header)
{
    const auto either = [&header](const QByteArray &svixName, const QByteArray &standardName) {
        const QByteArray value = header(svixName);
        return value.isEmpty() ? header(standardName) : value;
    };
    return {either(QByteArrayLiteral("svix-id"), QByteArrayLiteral("webhook-id")),
        either(QByteArrayLiteral("svix-timestamp"), QByteArrayLiteral("webhook-timestamp")),
        either(QByteArrayLiteral("svix-signature"), QByteArrayLiteral("webhook-signature"))};
}

std::optional<QByteArray> webhookSigningKey(const QByteArray &secret)
{
    QByteArray encoded = secret.trimmed();
    if (encoded.startsWith("whsec_"))
        encoded.remove(0, 6);
    const QByteArray::FromBase64Result key
        = QByteArray::fromBase64Encoding(encoded, QByteArray::AbortOnBase64DecodingErrors);
    if (!key || key.decoded.size() < kMinimumKeyBytes)
        return std::nullopt;
    return key.decoded;
}

WebhookError verifyWebhook(const QByteArray &secret, const QByteArray &id,
    const QByteArray &timestamp, const QByteArray &signatureHeader, const QByteArray &body,
    qint64 nowSeconds)
{
    const std::optional<QByteArray> key = webhookSigningKey(secret);
    if (!key)
        return WebhookError::BadSecret;
    if (id.isEmpty() || timestamp.isEmpty() || signatureHeader.isEmpty())
        return WebhookError::MissingHeaders;
    const std::optional<qint64> sentAt = parseTimestamp(timestamp);
    if (!sentAt)
        return WebhookError::BadTimestamp;
    if (nowSeconds - *sentAt > webhookToleranceSeconds)
        return WebhookError::TooOld;
    if (*sentAt - nowSeconds > webhookToleranceSeconds)
        return WebhookError::TooNew;

    const std::optional<QByteArray> expected
        = expectedSignature(*key, id + '.' + timestamp + '.' + body);
    if (!expected || !anySignatureMatches(signatureHeader, *expected))
        return WebhookError::BadSignature;
    return WebhookError::None;
}

WebhookError verifyWebhook(const QByteArray &secret, const WebhookHeaders &headers,
    const QByteArray &body, qint64 nowSeconds)
{
    return verifyWebhook(
        secret, headers.id, headers.timestamp, headers.signature, body, nowSeconds);
}

} // namespace marquee
