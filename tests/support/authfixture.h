#pragma once

#include "fakeclerk.h"
#include "log/logger.h"
#include "testserver.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantList>

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>

namespace marquee::test {

using Headers = QList<std::pair<QByteArray, QByteArray>>;

// What the tests of the real server against a fake Clerk share (tst_auth, tst_users,
// tst_clerkwebhooks): one Clerk instance's signing key and tokens, a fresh fake Clerk and server
// per test, and a watch on the log for leaked secrets. A test class derives from QObject and
// this, and calls the steps below from its initTestCase(), cleanupTestCase(), init() and
// cleanup() slots. The steps can fail the test: a test calls them through CHECK() (check.h).
class AuthFixture
{
protected:
    static inline const QString origin = QStringLiteral("http://localhost:5173"); // azp, CORS
    static inline const QString issuer = QStringLiteral("https://fine-fox-12.clerk.accounts.dev");
    // Clerk user ids (token subjects); admin is in ADMIN_USER_IDS where a test wants an admin.
    static inline const QString alice = QStringLiteral("user_2alice");
    static inline const QString bob = QStringLiteral("user_2bob");
    static inline const QString admin = QStringLiteral("user_admin");

    AuthFixture() = default;
    ~AuthFixture() = default;
    Q_DISABLE_COPY_MOVE(AuthFixture)

    // initTestCase(): m_logger is installed for Qt's messages and writes to /dev/null (LogWatch
    // reads its buffer, not the output); the instance's signing key (kid "ins_2key1") and tokens
    // are made.
    void initFixture();
    // cleanupTestCase(): stops the server and the fake; the log is uninstalled and goes back to
    // stderr.
    void cleanupFixture();
    // init(): a fresh fake Clerk publishing m_key (a request a previous test's server left in
    // flight must not count here), and the log watch restarted.
    void startClerk();
    // cleanup(): stops the server and the fake; no token, claim value or secret may have been
    // logged, whatever the test did.
    void stopAndCheckTheLog();

    // The server, with the fake as its Clerk (keys from `source`), the frontend's origin allowed
    // and `admins` as ADMIN_USER_IDS; `tweak` has the last word on the configuration. Fails the
    // test, saying why, when the server does not start.
    void startServer(ClerkKeySource source, const QStringList &admins,
        const std::function<void(Config &)> &tweak = {});

    // A session token with a unique jti, watched in the log. Clerk's sids are unique per user; a
    // default one is derived from the subject.
    QByteArray token(const QString &subject, const QString &sid = {}, qint64 lifetime = 600,
        const QJsonObject &extra = {});

    // A request with the token as "Authorization: Bearer" (none when empty) and a body as JSON;
    // status 0 without a running server.
    HttpReply call(const QByteArray &method, const QByteArray &path, const QByteArray &token,
        const QByteArray &body = {}, Headers headers = {});
    // GET /api/user/profile's data, empty unless it answered 200.
    QJsonObject profileOf(const QByteArray &token);

    // The first column of the first row (-1 if the query fails).
    qint64 scalar(const QString &sql, const QVariantList &binds = {});
    qint64 userId(const QString &clerkId); // -1 for no such user
    qint64 rowsOf(const char *table, qint64 user); // the user's rows in the table

    Logger m_logger; // first: the server (m_ts) writes to it, m_log reads it
    std::optional<LogInstallation> m_logInstalled;
    RsaKeyPair m_key; // the instance's signing key, published by the fake
    std::unique_ptr<ClerkTokens> m_tokens;
    std::unique_ptr<FakeClerk> m_clerk;
    std::unique_ptr<TestServer> m_ts;
    LogWatch m_log {*m_logger.buffer()};

private:
    std::FILE *m_devNull = nullptr;
};

} // namespace marquee::test
