#include "authfixture.h"

#include "check.h"
#include "log/logger.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QUuid>

namespace marquee::test {

void AuthFixture::initFixture()
{
    m_devNull = std::fopen("/dev/null", "w");
    QVERIFY2(m_devNull, "cannot open /dev/null for the log");
    m_logger.setFormat(LogFormat::Text);
    setLogLevel(LogLevel::Debug);
    m_logger.setOutput(m_devNull);
    m_logInstalled.emplace(m_logger);
    m_key = RsaKeyPair::generate(2048, QStringLiteral("ins_2key1"));
    m_tokens = std::make_unique<ClerkTokens>(m_key, issuer, origin);
}

void AuthFixture::cleanupFixture()
{
    m_ts.reset();
    m_clerk.reset();
    m_logInstalled.reset();
    m_logger.setOutput(stderr);
    if (m_devNull)
        std::fclose(m_devNull);
    m_devNull = nullptr;
}

void AuthFixture::startClerk()
{
    m_clerk = std::make_unique<FakeClerk>();
    QVERIFY2(m_clerk->start(), notStarted("fake Clerk", m_clerk->errorString()));
    m_clerk->setKeys({m_key.publicJwk()});
    m_log.restart();
}

void AuthFixture::stopAndCheckTheLog()
{
    m_ts.reset();
    m_clerk.reset();
    const QStringList leaks = m_log.leaks();
    QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join('\n')));
}

void AuthFixture::startServer(
    ClerkKeySource source, const QStringList &admins, const std::function<void(Config &)> &tweak)
{
    QVERIFY2(m_clerk, "startServer() needs the fake Clerk of startClerk()");
    m_ts = std::make_unique<TestServer>(&m_logger);
    useFakeClerk(m_ts->config, *m_clerk, source, m_key);
    m_ts->config.http.allowedOrigins = {origin};
    m_ts->config.adminUserIds = admins;
    if (tweak)
        tweak(m_ts->config);
    for (const QString &secret : m_ts->config.secrets())
        m_logger.addSecret(secret); // as the app does at start-up
    QVERIFY2(m_ts->start(), notStarted("server", m_ts->startError()));
}

QByteArray AuthFixture::token(
    const QString &subject, const QString &sid, qint64 lifetime, const QJsonObject &extra)
{
    QJsonObject claims = extra;
    claims.insert(QStringLiteral("jti"), QUuid::createUuid().toString(QUuid::Id128));
    const QByteArray t = m_tokens->token(
        subject, sid.isEmpty() ? QStringLiteral("sess_of_") + subject : sid, lifetime, claims);
    m_log.watchToken(t);
    return t;
}

HttpReply AuthFixture::call(const QByteArray &method, const QByteArray &path,
    const QByteArray &token, const QByteArray &body,
    QList<std::pair<QByteArray, QByteArray>> headers)
{
    if (!token.isEmpty())
        headers.append(ClerkTokens::bearer(token));
    if (!body.isEmpty())
        headers.append(std::pair<QByteArray, QByteArray>("Content-Type", "application/json"));
    if (!m_ts || !m_ts->isRunning()) {
        qWarning("AuthFixture::call(): no running server");
        return {};
    }
    return m_ts->request(method, path, headers, body);
}

QJsonObject AuthFixture::profileOf(const QByteArray &token)
{
    const HttpReply r = call("GET", "/api/user/profile", token);
    return r.status == 200 ? r.json().value("data").toObject() : QJsonObject();
}

qint64 AuthFixture::scalar(const QString &sql, const QVariantList &binds)
{
    if (!m_ts || !m_ts->isRunning()) {
        qWarning("AuthFixture::scalar(): no running server");
        return -1;
    }
    QSqlQuery q(m_ts->server().database().connection());
    q.prepare(sql);
    for (const QVariant &b : binds)
        q.addBindValue(b);
    if (!q.exec() || !q.next()) {
        qWarning("query failed: %s", qPrintable(q.lastError().text()));
        return -1;
    }
    return q.value(0).toLongLong();
}

qint64 AuthFixture::userId(const QString &clerkId)
{
    if (!m_ts || !m_ts->isRunning()) {
        qWarning("AuthFixture::userId(): no running server");
        return -1;
    }
    QSqlQuery q(m_ts->server().database().connection());
    q.prepare(QStringLiteral("SELECT id FROM users WHERE clerk_id = ?"));
    q.addBindValue(clerkId);
    return q.exec() && q.next() ? q.value(0).toLongLong() : -1;
}

qint64 AuthFixture::rowsOf(const char *table, qint64 user)
{
    return scalar(
        QStringLiteral("SELECT COUNT(*) FROM %1 WHERE user_id = ?").arg(QLatin1String(table)),
        {user});
}

} // namespace marquee::test
