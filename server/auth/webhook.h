#pragma once

#include <QByteArray>
#include <QLatin1String>

#include <functional>
#include <optional>

namespace marquee {

// Svix / Standard Webhooks signatures, as Clerk sends them: HMAC-SHA256 over
// "{id}.{timestamp}.{body}" with the base64-decoded secret, each signature as "v1,<base64>".
// Replay protection (an id applied once) belongs to the caller, which has the database.

enum class WebhookError {
    None,
    MissingHeaders, // id, timestamp or signature header absent or empty
    BadTimestamp, // not a plain decimal number of seconds
    TooOld, // more than webhookToleranceSeconds in the past
    TooNew, // more than webhookToleranceSeconds in the future
    BadSignature, // no v1 entry matches
    BadSecret, // the configured secret is not (whsec_) base64 of at least 16 bytes
};

constexpr qint64 webhookToleranceSeconds = 300;

// Stable identifier ("bad_signature") for logs and test output.
QLatin1String webhookErrorName(WebhookError error);

struct WebhookHeaders
{
    QByteArray id;
    QByteArray timestamp;
    QByteArray signature;

    // Each header by its svix- name, else its webhook- (Standard Webhooks) name. `header` gets
    // a lower-case name and returns an empty array when the request lacks it.
    static WebhookHeaders pick(const std::function<QByteArray(const QByteArray &name)> &header);
};

// The HMAC key of a signing secret: "whsec_" + base64, or the base64 alone (surrounding
// whitespace ignored). nullopt when it is not valid base64 or shorter than 16 bytes.
std::optional<QByteArray> webhookSigningKey(const QByteArray &secret);

// Checks the secret, the headers, the timestamp (within the tolerance either way), then the
// signatures in constant time. `body` is the raw request body, byte for byte.
WebhookError verifyWebhook(const QByteArray &secret, const QByteArray &id,
    const QByteArray &timestamp, const QByteArray &signatureHeader, const QByteArray &body,
    qint64 nowSeconds);
WebhookError verifyWebhook(const QByteArray &secret, const WebhookHeaders &headers,
    const QByteArray &body, qint64 nowSeconds);

} // namespace marquee
