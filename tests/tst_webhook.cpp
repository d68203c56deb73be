// Svix webhook signatures as a unit (docs/auth.md): the signed content, secrets, timestamps
// and tolerance, several signatures in one header, and every byte of a signature mattering.
#include "auth/webhook.h"
#include "testkeys.h"

#include <QMap>
#include <QTest>

using namespace marquee;
using namespace marquee::test;

Q_DECLARE_METATYPE(marquee::WebhookError)

namespace {

constexpr qint64 now = 1700000000;
const QByteArray messageId = QByteArrayLiteral("msg_2abcdef");
const QByteArray body = QByteArrayLiteral(
    R"({"data":{"id":"user_2abcdef","first_name":"Ada"},"object":"event","type":"user.updated"})");

QString errorName(WebhookError error)
{
    return QString(webhookErrorName(error));
}

} // namespace

class TestWebhook : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void verify_data();
    void verify();
    void svixKnownAnswer();
    void signingKey_data();
    void signingKey();
    void headerNames_data();
    void headerNames();

private:
    QByteArray m_secret;
};

void TestWebhook::initTestCase()
{
    m_secret = newWebhookSecret();
    QVERIFY(m_secret.startsWith("whsec_"));
}

void TestWebhook::verify_data()
{
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<QByteArray>("timestamp");
    QTest::addColumn<QByteArray>("signature");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<WebhookError>("expected");

    const QByteArray time = QByteArray::number(now);
    const QByteArray good = webhookSignature(m_secret, messageId, time, body);
    const QByteArray otherSecret = newWebhookSecret();
    const QByteArray wrong = webhookSignature(otherSecret, messageId, time, body);
    const QByteArray goodValue = good.mid(3); // without "v1,"
    const auto row = [&](const char *name, const QByteArray &secret, const QByteArray &id,
                         const QByteArray &timestamp, const QByteArray &signature,
                         const QByteArray &payload, WebhookError expected) {
        QTest::newRow(name) << secret << id << timestamp << signature << payload << expected;
    };
    const auto at = [&](qint64 timestamp) {
        const SignedWebhook signedWebhook = signWebhook(m_secret, body, timestamp, messageId);
        return std::make_pair(signedWebhook.timestamp, signedWebhook.signature);
    };

    row("valid", m_secret, messageId, time, good, body, WebhookError::None);
    const QByteArray emptyBodySignature = webhookSignature(m_secret, messageId, time, {});
    row("valid, empty body", m_secret, messageId, time, emptyBodySignature, {}, WebhookError::None);
    row("secret without whsec_ prefix", m_secret.mid(6), messageId, time, good, body,
        WebhookError::None);
    row("secret with surrounding whitespace", " " + m_secret + "\n", messageId, time, good, body,
        WebhookError::None);
    row("several signatures, last matches", m_secret, messageId, time, wrong + ' ' + good, body,
        WebhookError::None);
    row("several signatures, first matches", m_secret, messageId, time, good + ' ' + wrong, body,
        WebhookError::None);
    row("several signatures, none matches", m_secret, messageId, time,
        wrong + ' ' + webhookSignature(otherSecret, "msg_other", time, body), body,
        WebhookError::BadSignature);
    row("double space between signatures", m_secret, messageId, time, wrong + "  " + good, body,
        WebhookError::None);
    row("v2 entry ignored", m_secret, messageId, time, "v2," + goodValue, body,
        WebhookError::BadSignature);
    row("v2 entry beside a valid v1", m_secret, messageId, time, "v2,abc " + good, body,
        WebhookError::None);
    row("upper-case version", m_secret, messageId, time, "V1," + goodValue, body,
        WebhookError::BadSignature);
    row("no version", m_secret, messageId, time, goodValue, body, WebhookError::BadSignature);
    row("empty v1", m_secret, messageId, time, "v1,", body, WebhookError::BadSignature);
    row("truncated signature", m_secret, messageId, time, good.chopped(2), body,
        WebhookError::BadSignature);
    row("signature with trailing garbage", m_secret, messageId, time, good + "AA", body,
        WebhookError::BadSignature);
    // Every byte counts: the comparison must not stop short of the end, nor accept a prefix.
    const auto withChar = [](QByteArray signature, qsizetype at) {
        signature[at] = signature.at(at) == 'A' ? 'B' : 'A';
        return signature;
    };
    row("last character changed", m_secret, messageId, time, withChar(good, good.size() - 1), body,
        WebhookError::BadSignature);
    row("first character changed", m_secret, messageId, time, withChar(good, 3), body,
        WebhookError::BadSignature);
    QByteArray mac = QByteArray::fromBase64(goodValue);
    QCOMPARE(mac.size(), 32);
    mac[31] = char(mac.at(31) ^ 0x01);
    row("last MAC byte changed", m_secret, messageId, time, "v1," + mac.toBase64(), body,
        WebhookError::BadSignature);
    row("last character missing", m_secret, messageId, time, good.chopped(1), body,
        WebhookError::BadSignature);
    row("one character appended", m_secret, messageId, time, good + "A", body,
        WebhookError::BadSignature);
    row("one MAC byte appended", m_secret, messageId, time,
        "v1," + (QByteArray::fromBase64(goodValue) + 'x').toBase64(), body,
        WebhookError::BadSignature);
    row("MAC without its last byte", m_secret, messageId, time,
        "v1," + QByteArray::fromBase64(goodValue).chopped(1).toBase64(), body,
        WebhookError::BadSignature);

    row("tampered body", m_secret, messageId, time, good, QByteArray(body).replace("Ada", "Eve"),
        WebhookError::BadSignature);
    row("body with trailing newline", m_secret, messageId, time, good, body + '\n',
        WebhookError::BadSignature);
    row("tampered id", m_secret, "msg_other", time, good, body, WebhookError::BadSignature);
    row("tampered timestamp", m_secret, messageId, QByteArray::number(now + 1), good, body,
        WebhookError::BadSignature);
    row("wrong secret", otherSecret, messageId, time, good, body, WebhookError::BadSignature);

    const auto [oldTime, oldSignature] = at(now - 300);
    row("300 s old", m_secret, messageId, oldTime, oldSignature, body, WebhookError::None);
    const auto [tooOldTime, tooOldSignature] = at(now - 301);
    row("301 s old", m_secret, messageId, tooOldTime, tooOldSignature, body, WebhookError::TooOld);
    const auto [futureTime, futureSignature] = at(now + 300);
    row("300 s ahead", m_secret, messageId, futureTime, futureSignature, body, WebhookError::None);
    const auto [tooNewTime, tooNewSignature] = at(now + 301);
    row("301 s ahead", m_secret, messageId, tooNewTime, tooNewSignature, body,
        WebhookError::TooNew);
    row("timestamp zero", m_secret, messageId, "0", good, body, WebhookError::TooOld);

    row("non-numeric timestamp", m_secret, messageId, "yesterday", good, body,
        WebhookError::BadTimestamp);
    row("timestamp with trailing text", m_secret, messageId, time + "abc", good, body,
        WebhookError::BadTimestamp);
    row("fractional timestamp", m_secret, messageId, time + ".5", good, body,
        WebhookError::BadTimestamp);
    row("negative timestamp", m_secret, messageId, "-" + time, good, body,
        WebhookError::BadTimestamp);
    row("plus sign", m_secret, messageId, "+" + time, good, body, WebhookError::BadTimestamp);
    row("leading space", m_secret, messageId, " " + time, good, body, WebhookError::BadTimestamp);
    row("leading zero", m_secret, messageId, "0" + time, good, body, WebhookError::BadTimestamp);
    row("exponent", m_secret, messageId, "17e8", good, body, WebhookError::BadTimestamp);
    row("milliseconds overflow", m_secret, messageId, "99999999999999999999999", good, body,
        WebhookError::BadTimestamp);

    row("missing id", m_secret, {}, time, good, body, WebhookError::MissingHeaders);
    row("missing timestamp", m_secret, messageId, {}, good, body, WebhookError::MissingHeaders);
    row("missing signature", m_secret, messageId, time, {}, body, WebhookError::MissingHeaders);

    row("empty secret", {}, messageId, time, good, body, WebhookError::BadSecret);
    row("prefix only", "whsec_", messageId, time, good, body, WebhookError::BadSecret);
    row("secret not base64", "whsec_not*base64!", messageId, time, good, body,
        WebhookError::BadSecret);
    row("secret too short", "whsec_" + QByteArray("short").toBase64(), messageId, time, good, body,
        WebhookError::BadSecret);
    row("bad secret reported before headers", "whsec_!", {}, {}, {}, body, WebhookError::BadSecret);
}

void TestWebhook::verify()
{
    QFETCH(QByteArray, secret);
    QFETCH(QByteArray, id);
    QFETCH(QByteArray, timestamp);
    QFETCH(QByteArray, signature);
    QFETCH(QByteArray, payload);
    QFETCH(WebhookError, expected);

    QCOMPARE(errorName(verifyWebhook(secret, id, timestamp, signature, payload, now)),
        errorName(expected));
}

// Svix's published example: an independent check of the signed content and encodings.
void TestWebhook::svixKnownAnswer()
{
    const QByteArray secret = QByteArrayLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    const QByteArray id = QByteArrayLiteral("msg_p5jXN8AQM9LWM0D4loKWxJek");
    const QByteArray timestamp = QByteArrayLiteral("1614265330");
    const QByteArray payload = QByteArrayLiteral(R"({"test": 2432232314})");
    const QByteArray signature
        = QByteArrayLiteral("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");

    QCOMPARE(webhookSignature(secret, id, timestamp, payload), signature);
    QCOMPARE(errorName(verifyWebhook(secret, id, timestamp, signature, payload, 1614265330)),
        errorName(WebhookError::None));
    QCOMPARE(errorName(verifyWebhook(secret, id, timestamp, signature, payload, 1614265330 + 301)),
        errorName(WebhookError::TooOld));
}

void TestWebhook::signingKey_data()
{
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<QByteArray>("key"); // empty: refused

    const QByteArray key = QByteArray(24, '\x5a');
    QTest::newRow("whsec_") << "whsec_" + key.toBase64() << key;
    QTest::newRow("bare base64") << key.toBase64() << key;
    QTest::newRow("unpadded") << "whsec_" + QByteArray(32, '\x01').toBase64().replace("=", "")
                              << QByteArray(32, '\x01');
    QTest::newRow("url alphabet refused")
        << QByteArray("whsec_-_-_-_-_-_-_-_-_-_-_-_") << QByteArray();
    QTest::newRow("15 bytes refused") << QByteArray(15, 'k').toBase64() << QByteArray();
    QTest::newRow("16 bytes accepted") << QByteArray(16, 'k').toBase64() << QByteArray(16, 'k');
    QTest::newRow("prefix twice refused") << "whsec_whsec_" + key.toBase64() << QByteArray();
}

void TestWebhook::signingKey()
{
    QFETCH(QByteArray, secret);
    QFETCH(QByteArray, key);

    const std::optional<QByteArray> decoded = webhookSigningKey(secret);
    QCOMPARE(decoded.has_value(), !key.isEmpty());
    if (decoded)
        QCOMPARE(*decoded, key);
}

void TestWebhook::headerNames_data()
{
    QTest::addColumn<QStringList>("names"); // header names the request carries, prefix only
    QTest::addColumn<WebhookError>("expected");

    QTest::newRow("svix") << QStringList {"svix", "svix", "svix"} << WebhookError::None;
    QTest::newRow("standard webhooks")
        << QStringList {"webhook", "webhook", "webhook"} << WebhookError::None;
    QTest::newRow("mixed") << QStringList {"svix", "webhook", "svix"} << WebhookError::None;
    QTest::newRow("other prefix") << QStringList {"x-svix", "svix", "svix"}
                                  << WebhookError::MissingHeaders;
}

void TestWebhook::headerNames()
{
    QFETCH(QStringList, names);
    QFETCH(WebhookError, expected);

    const SignedWebhook signedWebhook = signWebhook(m_secret, body, now, messageId);
    QMap<QByteArray, QByteArray> request;
    request.insert(names[0].toLatin1() + "-id", signedWebhook.id);
    request.insert(names[1].toLatin1() + "-timestamp", signedWebhook.timestamp);
    request.insert(names[2].toLatin1() + "-signature", signedWebhook.signature);
    // A decoy under the other name must not win over the svix- one.
    if (names[0] == QLatin1String("svix"))
        request.insert("webhook-id", "msg_decoy");

    const WebhookHeaders headers
        = WebhookHeaders::pick([&request](const QByteArray &name) { return request.value(name); });
    QCOMPARE(
        errorName(verifyWebhook(m_secret, headers, signedWebhook.body, now)), errorName(expected));
}

QTEST_GUILESS_MAIN(TestWebhook)
#include "tst_webhook.moc"
