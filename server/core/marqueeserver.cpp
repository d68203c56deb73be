#include "marqueeserver.h"

#include "api/adminactions.h"
#include "api/admincontroller.h"
#include "api/cataloguecontroller.h"
#include "api/healthcontroller.h"
#include "api/imagecontroller.h"
#include "api/listscontroller.h"
#include "api/usercontroller.h"
#include "api/webclientcontroller.h"
#include "api/webhookcontroller.h"
#include "auth/clerkauthenticator.h"
#include "auth/clerkclient.h"
#include "config/handoff.h"
#include "http/connectionguard.h"
#include "http/ratelimiter.h"
#include "log/categories.h"
#include "store/databaseworkers.h"
#include "store/migrations.h"
#include "store/userstore.h"
#include "tmdb/catalogueservice.h"
#include "tmdb/democatalogue.h"
#include "tmdb/imagecache.h"

#include <QHostAddress>

namespace marquee {

MarqueeServer::MarqueeServer(Config config, AccessLog *accessLog, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_accessLog(accessLog)
    , m_db(std::make_unique<Database>(m_config.database))
{
    m_uptime.start();
    m_graceTimer.setSingleShot(true);
    connect(&m_graceTimer, &QTimer::timeout, this, [this] {
        qCWarning(lcApp) << "grace period over with" << inFlight() << "request(s) still in flight";
        finishShutdown();
    });
    m_drainPoll.setInterval(10);
    connect(&m_drainPoll, &QTimer::timeout, this, [this] {
        if (inFlight() == 0 && flushPendingOutput() == 0)
            finishShutdown();
    });
}

MarqueeServer::~MarqueeServer()
{
    if (m_dbWorkers)
        m_dbWorkers->stop(); // they answer requests of the loops, and use the controllers
    stopLoops(); // they hand work to the primary loop's parts
    delete m_http; // before the database and the controllers it calls into
    m_http = nullptr;
    m_db->commitGroup(); // its callbacks reach into the lists controller
    m_controllers.clear();
    m_adminActions.reset();
    m_catalogue.reset();
    m_users.reset();
    m_db->close();
}

bool MarqueeServer::start(QString *error)
{
    int applied = 0;
    try {
        m_db->open();
        applied = Migrator(*m_db).apply();
    } catch (const StoreError &e) {
        *error = QStringLiteral("DATABASE_URL: %1").arg(e.message());
        return false;
    }
    if (applied > 0)
        qCInfo(lcStore) << "database schema now at version" << Migrator::latestVersion();

    m_db->startBackgroundCheckpoints();
    if (m_config.tmdbApiKey.isEmpty())
        m_demoCatalogue = std::make_unique<const DemoCatalogue>();
    m_catalogue = std::make_unique<CatalogueService>(m_config, m_db.get(), m_demoCatalogue.get());
    m_users = std::make_unique<UserStore>(*m_db);
    ImageCache::Options imageOptions;
    imageOptions.directory = m_config.imageCacheDir.isEmpty() ? ImageCache::defaultDirectory()
                                                              : m_config.imageCacheDir;
    imageOptions.capBytes = qint64(m_config.imageCacheMb) * 1024 * 1024;
    imageOptions.baseUrl = m_config.tmdbImageBaseUrl;
    imageOptions.timeoutMs = m_config.tmdbTimeoutMs;
    m_images = new ImageCache(imageOptions, this);
    m_clerk = new ClerkClient(m_config, this);
    m_auth = new ClerkAuthenticator(m_config, *m_users, *m_clerk, this);
    m_catalogue->prune();
    m_http = new HttpServer(m_config.http, &m_router);
    m_http->setAuthenticator(m_auth);
    m_http->setAccessLog(m_accessLog);
    m_rateLimiter = std::make_unique<TieredRateLimiter>(
        m_config.rateLimitGeneral, m_config.rateLimitSearch, m_config.rateLimitSensitive);
    m_http->setRateLimiter(m_rateLimiter.get());
    m_adminActions = std::make_unique<AdminActions>(*m_users, *m_auth, m_catalogue.get());
    if (m_config.database.dialect == SqlDialect::Postgres) {
        // List writes on PostgreSQL (DatabaseWorkers): a few commits in flight per core.
        const int writers = qBound(2, 3 * m_config.resolvedWorkers(), 16);
        m_dbWorkers = std::make_unique<DatabaseWorkers>(*m_db, writers, [this] {
            for (auto &c : m_controllers)
                c->releaseThread();
        });
    }
    registerRoutes();

    QHostAddress address;
    if (m_config.host == QLatin1String("localhost"))
        address = QHostAddress(QHostAddress::LocalHost);
    else
        address = QHostAddress(m_config.host);
    QString why;
    const int loops = m_config.resolvedWorkers();
    m_budget = std::make_shared<ConnectionBudget>();
    m_http->setConnectionBudget(m_budget);
    m_port = m_http->listenOn(address, m_config.port, &why, loops > 1);
    if (m_port == 0) {
        *error = QStringLiteral("PORT: cannot listen on %1:%2: %3")
                     .arg(m_config.host)
                     .arg(m_config.port)
                     .arg(why);
        return false;
    }
    if (!startLoops(address, error))
        return false;
    if (m_config.warmup)
        m_catalogue->startWarmup(CatalogueController::homeRows());
    qCInfo(lcApp).noquote() << QStringLiteral("listening on http://%1:%2 (%3 event loop%4)")
                                   .arg(m_config.host.contains(QLatin1Char(':'))
                                           ? QStringLiteral("[%1]").arg(m_config.host)
                                           : m_config.host)
                                   .arg(m_port)
                                   .arg(loops)
                                   .arg(loops == 1 ? "" : "s");
    emit started(m_port);
    return true;
}

bool MarqueeServer::startLoops(const QHostAddress &address, QString *error)
{
    const int loops = m_config.resolvedWorkers();
    for (int i = 1; i < loops; ++i) {
        auto loop = std::make_unique<Loop>();
        Loop *l = loop.get();
        m_loops.push_back(std::move(loop)); // stopLoops() takes it down, whatever happens next
        l->thread.setObjectName(QStringLiteral("marquee-http-%1").arg(i));
        l->mailbox = new Mailbox;
        l->mailbox->moveToThread(&l->thread);
        l->thread.start();
        QString why;
        quint16 port = 0;
        // Built on its own thread, so that its sockets and timers live there.
        l->mailbox->call([&] {
            l->http = new HttpServer(m_config.http, &m_router);
            l->http->setPrimary(m_http);
            l->http->setRateLimiter(m_rateLimiter.get());
            l->http->setAccessLog(m_accessLog);
            l->http->setConnectionBudget(m_budget);
            port = l->http->listenOn(address, m_port, &why, true);
        });
        if (port != m_port) {
            *error = QStringLiteral("MARQUEE_WORKERS: event loop %1 cannot listen on %2:%3: %4")
                         .arg(i)
                         .arg(m_config.host)
                         .arg(m_port)
                         .arg(why);
            return false;
        }
    }
    // SO_REUSEPORT lets any process of this user listen on the same address and port, and the
    // kernel would hand it some of our clients: with more sockets there than this server's, some
    // other program (another Marquee?) shares the port, and this one does not start.
    const int sharing = loops > 1 ? m_http->listenersSharingThePort() : -1;
    if (sharing > loops) {
        *error = QStringLiteral("PORT: another program listens on %1:%2 too (%3 listening sockets "
                                "for this server's %4 event loops); stop it or choose another port")
                     .arg(m_config.host)
                     .arg(m_port)
                     .arg(sharing)
                     .arg(loops);
        return false;
    }
    return true;
}

void MarqueeServer::stopLoops()
{
    for (const auto &l : m_loops) {
        if (l->thread.isRunning()) {
            l->mailbox->call([this, l = l.get()] {
                delete l->http;
                l->http = nullptr;
                // The loop's database connection (list routes), and what was prepared on it.
                for (auto &c : m_controllers)
                    c->releaseThread();
                m_db->closeThreadConnection();
            });
            l->mailbox->deleteLater(); // on its thread, as that thread finishes
            l->thread.quit();
            l->thread.wait();
        } else {
            delete l->mailbox;
        }
        l->mailbox = nullptr;
    }
    m_loops.clear();
}

int MarqueeServer::flushPendingOutput()
{
    int pending = m_http ? m_http->flushPendingOutput() : 0;
    for (const auto &l : m_loops) {
        int loopPending = 0;
        l->mailbox->call(
            [&loopPending, http = l->http] { loopPending = http->flushPendingOutput(); });
        pending += loopPending;
    }
    return pending;
}

int MarqueeServer::inFlight() const
{
    int n = m_http ? m_http->inFlight() : 0;
    for (const auto &l : m_loops)
        n += l->http ? l->http->inFlight() : 0;
    return n;
}

quint64 MarqueeServer::requestsServed() const
{
    quint64 n = m_http ? m_http->requestsServed() : 0;
    for (const auto &l : m_loops)
        n += l->http ? l->http->requestsServed() : 0;
    return n;
}

quint64 MarqueeServer::requestsForwarded() const
{
    quint64 n = 0;
    for (const auto &l : m_loops)
        n += l->http ? l->http->requestsForwarded() : 0;
    return n;
}

void MarqueeServer::registerRoutes()
{
    m_controllers.push_back(std::make_unique<HealthController>(*this));
    m_controllers.push_back(std::make_unique<CatalogueController>(*m_catalogue));
    m_controllers.push_back(std::make_unique<UserController>(*m_users, *m_auth));
    m_controllers.push_back(
        std::make_unique<ImageController>(*m_catalogue, *m_images, m_rateLimiter.get()));
    // A user's list writes, in order: PostgreSQL's on that user's database worker, SQLite's on
    // the primary loop (the one writer, with its group commit).
    ListsController::WriteLane lane;
    if (m_dbWorkers)
        lane = [workers = m_dbWorkers.get()](qint64 user, std::function<void()> work) {
            return workers->post(quint64(user), std::move(work));
        };
    else
        lane = [http = m_http](qint64, std::function<void()> work) {
            http->runOnLoop(std::move(work));
            return true;
        };
    m_controllers.push_back(std::make_unique<ListsController>(
        *m_db, m_catalogue->images(), m_config.listMaxItems, std::move(lane)));
    m_controllers.push_back(std::make_unique<WebhookController>(
        m_config.clerkWebhookSecret, *m_users, *m_auth, m_rateLimiter.get()));
    m_controllers.push_back(std::make_unique<AdminController>(*this, *m_users, *m_adminActions));
    m_controllers.push_back(
        std::make_unique<WebClientController>(m_config.clerkPublishableKey, m_config.publicUrl));
    for (auto &c : m_controllers)
        c->registerRoutes(m_router);
}

HealthSnapshot MarqueeServer::health()
{
    HealthSnapshot h;
    h.shuttingDown = m_stopping;
    const qint64 now = m_uptime.elapsed();
    if (m_pingedAtMs < 0 || now - m_pingedAtMs >= 1000 || !m_pingOk) {
        m_pingOk = !m_stopped && m_db->ping();
        m_pingedAtMs = now;
    }
    h.databaseOk = !m_stopped && m_pingOk;
    if (m_catalogue) {
        h.tmdb = m_catalogue->status();
        h.cacheEntries = m_catalogue->isDemo() ? m_catalogue->cache().memoryEntries()
                                               : m_catalogue->cache().approximateEntries();
        if (m_catalogue->isDemo())
            h.cacheScope = QStringLiteral("memory");
        h.cacheHitRatio = m_catalogue->stats().hitRatio();
    } else {
        h.tmdb = m_config.tmdbApiKey.isEmpty() ? QStringLiteral("demo") : QStringLiteral("ok");
    }
    h.uptimeSeconds = uptimeSeconds();
    h.requestsServed = requestsServed();
    h.inFlight = inFlight();
    return h;
}

void MarqueeServer::shutdown()
{
    if (m_stopping)
        return;
    m_stopping = true;
    emit shuttingDown();
    if (!m_http) {
        finishShutdown();
        return;
    }
    qCInfo(lcApp) << "shutting down: no new connections;" << inFlight()
                  << "request(s) in flight, grace period" << m_config.shutdownGraceMs << "ms";
    m_http->setShuttingDown(true);
    m_http->stopListening();
    m_http->closeIdleConnections();
    for (const auto &l : m_loops) {
        l->mailbox->call([http = l->http] {
            http->setShuttingDown(true);
            http->stopListening();
            http->closeIdleConnections();
        });
    }
    if (inFlight() == 0 && flushPendingOutput() == 0) {
        finishShutdown();
        return;
    }
    // Every loop drains: no request in flight and no answer still in a socket (an answer is
    // counted out when it is handed to its socket, before its bytes are sent).
    m_drainPoll.start();
    m_graceTimer.start(m_config.shutdownGraceMs);
}

void MarqueeServer::finishShutdown()
{
    if (m_stopped)
        return;
    m_stopped = true;
    m_graceTimer.stop();
    m_drainPoll.stop();
    if (m_dbWorkers)
        m_dbWorkers->stop(); // what they still hold is answered on the loops, still running
    stopLoops();
    if (m_http)
        m_http->closeIdleConnections();
    if (m_catalogue)
        m_catalogue->saveCounters();
    m_db->close();
    qCInfo(lcApp) << "stopped";
    emit stopped();
}

} // namespace marquee
