#pragma once

#include "config/config.h"
#include "core/marqueeserver.h"
#include "httpclient.h"
#include "log/logger.h"

#include <QTemporaryDir>

#include <functional>
#include <memory>

namespace marquee::test {

// The real server on a real socket (port 0, 127.0.0.1) with a real SQLite file in a fresh
// temporary folder (a fresh PostgreSQL database with MARQUEE_TEST_DATABASE=postgresql:
// testdatabase.h). Tests adjust the configuration before start. Its access lines go to the
// test's Logger when one is given (it must outlive the server), else to a Logger of its own
// (written to stderr, not installed for Qt's messages).
class TestServer
{
    QTemporaryDir m_dir; // first: config's database path lives in it
    Logger m_ownLog; // before the server, which writes to it

public:
    explicit TestServer(Logger *log = nullptr);
    ~TestServer();

    Config config;
    // QVERIFY2(ts.start(), notStarted("server", ts.startError())). A server that did not start
    // is not kept: port() is then 0 and every request fails.
    bool start();
    // Routes a test adds to the server's own, registered before it listens (with several event
    // loops the route table must not change while they serve).
    std::function<void(Router &)> extraRoutes;
    void stop();
    bool isRunning() const { return m_server != nullptr; }
    // The running server. Called without one (a test that went on after a failed start()), it
    // stops the test program with a message rather than dereferencing nothing.
    MarqueeServer &server();
    quint16 port() const { return m_server ? m_server->port() : 0; }
    QString dataDir() const { return m_dir.path(); }
    QString databasePath() const { return config.database.path; }
    QString startError() const { return m_error; }
    Logger &log() { return *m_log; } // where the server's access lines go

    HttpClient client() const { return HttpClient(port()); }
    HttpReply get(
        const QByteArray &path, const QList<std::pair<QByteArray, QByteArray>> &headers = {}) const;
    HttpReply request(const QByteArray &method, const QByteArray &path,
        const QList<std::pair<QByteArray, QByteArray>> &headers = {},
        const QByteArray &body = {}) const;

private:
    Logger *m_log;
    std::unique_ptr<MarqueeServer> m_server;
    QString m_error;
};

// Default configuration for tests: a fresh database (SQLite in dir, or PostgreSQL), port 0, test
// environment.
Config testConfig(const QString &dir);

} // namespace marquee::test
