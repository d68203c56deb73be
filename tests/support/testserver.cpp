#include "testserver.h"

#include "testdatabase.h"

namespace marquee::test {

Config testConfig(const QString &dir)
{
    Config c;
    c.port = 0;
    c.host = QStringLiteral("127.0.0.1");
    c.database = freshDatabaseUrl(dir); // SQLite, or PostgreSQL in the *_postgresql runs
    c.databaseIsDefault = false;
    c.environment = RunEnvironment::Test;
    c.tmdbBaseUrl = QStringLiteral("http://127.0.0.1:9/3"); // never the real TMDB
    c.tmdbImageBaseUrl = QStringLiteral("http://127.0.0.1:9/t/p");
    c.imageCacheDir = dir + QStringLiteral("/images"); // never the user's data folder
    c.clerkApiUrl = QStringLiteral("http://127.0.0.1:9");
    c.shutdownGraceMs = 5000;
    // One event loop unless the run asks for more (the *_loops4 runs of tests/CMakeLists.txt).
    c.workers = qEnvironmentVariableIntValue("MARQUEE_TEST_WORKERS");
    if (c.workers < 1)
        c.workers = 1;
    c.warmup = false; // no background upstream calls unless a test asks for them
    return c;
}

TestServer::TestServer(Logger *log)
    : config(testConfig(m_dir.path()))
    , m_log(log ? log : &m_ownLog)
{ }

TestServer::~TestServer()
{
    stop();
}

bool TestServer::start()
{
    m_server.reset();
    m_error.clear();
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("no temporary folder for the database: ") + m_dir.errorString();
        return false;
    }
    auto server = std::make_unique<MarqueeServer>(config, m_log);
    if (extraRoutes)
        extraRoutes(server->router());
    if (!server->start(&m_error)) {
        if (m_error.isEmpty())
            m_error = QStringLiteral("MarqueeServer::start() failed without a reason");
        return false;
    }
    m_server = std::move(server);
    return true;
}

MarqueeServer &TestServer::server()
{
    if (!m_server)
        qFatal("TestServer::server() without a running server (start() %s)",
            m_error.isEmpty() ? "was not called"
                              : qPrintable(QStringLiteral("failed: ") + m_error));
    return *m_server;
}

void TestServer::stop()
{
    m_server.reset();
}

HttpReply TestServer::get(
    const QByteArray &path, const QList<std::pair<QByteArray, QByteArray>> &headers) const
{
    return request("GET", path, headers);
}

HttpReply TestServer::request(const QByteArray &method, const QByteArray &path,
    const QList<std::pair<QByteArray, QByteArray>> &headers, const QByteArray &body) const
{
    HttpClient c(port());
    return c.request(method, path, headers, body);
}

} // namespace marquee::test
