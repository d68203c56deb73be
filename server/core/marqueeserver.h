#pragma once

#include "api/serverstatus.h"
#include "config/config.h"
#include "http/httpserver.h"
#include "http/router.h"
#include "store/database.h"

#include <QElapsedTimer>
#include <QObject>
#include <QThread>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

namespace marquee {

class AccessLog;
class ConnectionBudget;
class Mailbox;
class AdminActions;
class CatalogueService;
class DatabaseWorkers;
class ClerkAuthenticator;
class ClerkClient;
class UserStore;
class Controller;
class DemoCatalogue;
class ImageCache;
class TieredRateLimiter;

// Wires the parts together: configuration -> database (+ migrations) -> services -> routes ->
// HTTP listener; and takes them down again in order on shutdown. It owns what it builds (the
// demo catalogue too, when no TMDB key is configured); the access log is lent by the caller (the
// app's Logger; null: no access lines) and must outlive the server.
class MarqueeServer
    : public QObject
    , public ServerStatus
{
    Q_OBJECT
public:
    MarqueeServer(Config config, AccessLog *accessLog, QObject *parent = nullptr);
    ~MarqueeServer() override;
    Q_DISABLE_COPY_MOVE(MarqueeServer)

    bool start(QString *error);
    // Stops accepting, lets in-flight requests finish within the grace period, closes the
    // database, then emits stopped(). Safe to call twice.
    void shutdown();

    quint16 port() const { return m_port; }
    const Config &config() const { return m_config; }
    Database &database() { return *m_db; }
    HttpServer &http() { return *m_http; } // the primary event loop's
    int eventLoops() const { return 1 + int(m_loops.size()); }
    // Over every event loop; any thread.
    int inFlight() const;
    // Connections of every loop with output not yet sent (pushing it on); the primary's thread.
    int flushPendingOutput();
    quint64 requestsServed() const;
    quint64 requestsForwarded() const; // handed by a secondary loop to the primary
    Router &router() { return m_router; }
    CatalogueService *catalogue() override { return m_catalogue.get(); }
    ImageCache *imageCache() override { return m_images; }
    ClerkAuthenticator *authenticator() { return m_auth; }
    // Null while the server is not started.
    UserStore *users() { return m_users.get(); }
    AdminActions *adminActions() { return m_adminActions.get(); }
    HealthSnapshot health() override;
    qint64 uptimeSeconds() const { return m_uptime.elapsed() / 1000; }

signals:
    void started(quint16 port);
    void shuttingDown();
    void stopped();

private:
    // A secondary event loop (MARQUEE_WORKERS): a thread with its own HttpServer on the same
    // port, serving the routes that may run anywhere and handing the rest to the primary loop.
    struct Loop
    {
        QThread thread;
        Mailbox *mailbox = nullptr; // lives in `thread`: how work is handed to it
        HttpServer *http = nullptr; // lives in `thread`
    };
    bool startLoops(const QHostAddress &address, QString *error);
    void stopLoops();
    void registerRoutes();
    void finishShutdown();

    Config m_config;
    AccessLog *m_accessLog;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<const DemoCatalogue> m_demoCatalogue; // demo mode only; outlives m_catalogue
    std::unique_ptr<CatalogueService> m_catalogue;
    std::unique_ptr<UserStore> m_users;
    std::unique_ptr<TieredRateLimiter> m_rateLimiter;
    std::unique_ptr<AdminActions> m_adminActions;
    ClerkClient *m_clerk = nullptr;
    ImageCache *m_images = nullptr;
    ClerkAuthenticator *m_auth = nullptr;
    Router m_router;
    HttpServer *m_http = nullptr;
    std::shared_ptr<ConnectionBudget> m_budget;
    std::vector<std::unique_ptr<Loop>> m_loops;
    QTimer m_drainPoll;
    std::vector<std::unique_ptr<Controller>> m_controllers;
    // PostgreSQL's list writes (after the controllers: stopped and gone before them).
    std::unique_ptr<DatabaseWorkers> m_dbWorkers;
    QElapsedTimer m_uptime;
    // The database ping behind /health, at most once a second: a monitor (or a flood of
    // pipelined /health requests) must not cost a query each.
    qint64 m_pingedAtMs = -1;
    bool m_pingOk = false;
    QTimer m_graceTimer;
    quint16 m_port = 0;
    bool m_stopping = false;
    bool m_stopped = false;
};

} // namespace marquee
