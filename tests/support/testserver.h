#pragma once

#include "config/config.h"
#include "core/marqueeserver.h"
#include "httpclient.h"

#include <QTemporaryDir>

#include <functional>
#include <memory>

namespace marquee::test {

// The real server on a real socket (port 0, 127.0.0.1) with a real SQLite file in a fresh
// temporary folder. Tests adjust the configuration before start.
class TestServer
{
    QTemporaryDir m_dir; // first: config's database path lives in it

public:
    TestServer();
    ~TestServer();

    Config config;
    bool start(); // QVERIFY(server.start())
    void stop();
    MarqueeServer &server() { return *m_server; }
    quint16 port() const { return m_server ? m_server->port() : 0; }
    QString dataDir() const { return m_dir.path(); }
    QString databasePath() const { return config.database.path; }
    QString startError() const { return m_error; }

    HttpClient client() const { return HttpClient(port()); }
    HttpReply get(
        const QByteArray &path, const QList<std::pair<QByteArray, QByteArray>> &headers = {}) const;
    HttpReply request(const QByteArray &method, const QByteArray &path,
        const QList<std::pair<QByteArray, QByteArray>> &headers = {},
        const QByteArray &body = {}) const;

private:
    std::unique_ptr<MarqueeServer> m_server;
    QString m_error;
};

// Default configuration for tests: embedded database in dir, port 0, test environment.
Config testConfig(const QString &dir);

} // namespace marquee::test
