#include "serverthread.h"

#include "adminreader.h"
#include "api/adminactions.h"
#include "lanaddress.h"
#include "log/categories.h"
#include "marqueeserver.h"
#include "store/storeerror.h"
#include "store/userstore.h"
#include "tmdb/catalogueservice.h"
#include "trafficmeter.h"

#include <QDateTime>
#include <QTimer>

namespace marquee {

ServerThread::ServerThread(
    Config config, AccessLog *accessLog, const LogBuffer *logs, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_accessLog(accessLog)
    , m_logs(logs)
{
    m_thread.setObjectName(QStringLiteral("marquee-server"));
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    // started() is emitted on the new thread and m_context lives there: a direct call, made
    // after the thread was created (so everything set before start() is visible to it).
    connect(&m_thread, &QThread::started, m_context, [this] { startServer(); });
    // A change made on the server's thread is announced on this object's thread: an event posted
    // to this object (so it dies with it), carrying nothing (the state is read under the mutex).
    connect(this, &ServerThread::changedOnServerThread, this, &ServerThread::stateChanged,
        Qt::QueuedConnection);
    connect(this, &ServerThread::updatedOnServerThread, this, &ServerThread::updated,
        Qt::QueuedConnection);
}

ServerThread::~ServerThread()
{
    if (m_thread.isRunning()) {
        requestStop();
        m_thread.wait();
    }
    // wait() is what orders the server thread's work before this destruction. Taking the mutex
    // its last setState() released makes that order visible to ThreadSanitizer too, which cannot
    // see inside QThread::wait().
    {
        QMutexLocker sync(&m_mutex);
    }
    delete m_context; // its thread has ended: nothing runs on it any more
}

void ServerThread::start()
{
    if (m_started)
        return;
    m_started = true;
    setState(Phase::Starting);
    m_thread.start();
}

void ServerThread::requestStop()
{
    m_stopRequested.store(true, std::memory_order_release);
}

ServerThread::State ServerThread::state() const
{
    QMutexLocker lock(&m_mutex);
    return m_state;
}

void ServerThread::setState(Phase phase, quint16 port, const QString &error)
{
    {
        QMutexLocker lock(&m_mutex);
        m_state = State {phase, port, error};
    }
    if (QThread::currentThread() == thread())
        emit stateChanged();
    else
        emit changedOnServerThread(QPrivateSignal());
}

HealthSnapshot ServerThread::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    return m_snapshot;
}

void ServerThread::startServer()
{
    m_meter = new TrafficMeter(m_accessLog);
    m_server = new MarqueeServer(m_config, m_meter);
    QString error;
    if (!m_server->start(&error)) {
        delete m_server;
        m_server = nullptr;
        delete std::exchange(m_meter, nullptr);
        m_thread.quit(); // before exec() began: exec() then returns at once (Qt 6)
        setState(Phase::Failed, 0, error);
        return;
    }
    connect(m_server, &MarqueeServer::stopped, m_context, [this] { finish(); });
    // The owner's requests reach this thread through an atomic flag read here, not through Qt's
    // event queue: a hand-off ThreadSanitizer can see (Qt's own is not instrumented), at the cost
    // of at most one tick of delay.
    m_tick = new QTimer(m_server);
    connect(m_tick, &QTimer::timeout, m_server, [this] { onTick(); });
    m_reader = new AdminReader(
        m_server->database(), m_server->catalogue() ? &m_server->catalogue()->cache() : nullptr);
    m_reader->onCounts = [this](const AdminReader::Counts &c) {
        if (!c.ok)
            return; // keep the last good counts
        {
            QMutexLocker lock(&m_mutex);
            m_read = c;
        }
        m_countsArrived.store(true, std::memory_order_release);
    };
    m_reader->onUsers = [this](const UserPage &page) {
        {
            QMutexLocker lock(&m_mutex);
            // An answer to a question superseded meanwhile is dropped: only the newest is shown.
            if (page.requestId < m_usersPage.requestId)
                return;
            m_usersPage = page;
        }
        announceUpdate();
    };
    // The reader ends before the database closes, whoever starts the shutdown.
    connect(m_server, &MarqueeServer::shuttingDown, m_context, [this] { stopReader(); });
    m_tick->start(kTickMs);
    publishAdmin(Counts::Request); // publishes the health snapshot too
    setState(Phase::Running, m_server->port());
    onTick(); // a stop requested before the start is honoured now
}

void ServerThread::onTick()
{
    if (!m_server)
        return; // finish() ran in this pass of the event loop; the deletion is on its way
    if (m_stopRequested.load(std::memory_order_acquire) && !m_stopping) {
        m_stopping = true;
        setState(Phase::Stopping, m_server->port());
        stopReader(); // before the database closes
        m_server->shutdown(); // stopped() -> finish()
        return;
    }
    if (m_adminWork.exchange(false, std::memory_order_acq_rel))
        runQueued();
    if (m_countsArrived.exchange(false, std::memory_order_acq_rel)) {
        publishAdmin(Counts::Arrived); // the reader brought new counts: show them now
        announceUpdate();
    }
    if (++m_ticks * kTickMs >= kSnapshotIntervalMs) {
        m_ticks = 0;
        publishAdmin(Counts::WhenDue); // publishes the health snapshot too
        announceUpdate();
    }
}

HealthSnapshot ServerThread::publish()
{
    const HealthSnapshot h = m_server->health();
    QMutexLocker lock(&m_mutex);
    m_snapshot = h;
    return h;
}

void ServerThread::stopReader()
{
    if (!m_reader)
        return;
    m_reader->stop();
    delete std::exchange(m_reader, nullptr);
}

void ServerThread::finish()
{
    stopReader(); // normally done at shuttingDown() already
    // No tick after this: one due in this same pass of the event loop (the grace timer and the
    // tick can expire together) would find the server gone.
    m_tick->stop();
    m_tick = nullptr;
    publish();
    // Later, not now: finish() runs inside the server's own stopped() signal.
    MarqueeServer *server = std::exchange(m_server, nullptr);
    TrafficMeter *meter = std::exchange(m_meter, nullptr);
    QTimer::singleShot(0, m_context, [this, server, meter] {
        delete server;
        delete meter;
        m_thread.quit();
        failQueued(QStringLiteral("the server has stopped"));
        setState(Phase::Stopped);
    });
}

// --- AdminBackend --------------------------------------------------------------------------

AdminSnapshot ServerThread::adminSnapshot() const
{
    QMutexLocker lock(&m_mutex);
    return m_admin;
}

QList<LogEntry> ServerThread::logLinesAfter(quint64 lastId) const
{
    return m_logs ? m_logs->entriesAfter(lastId) : QList<LogEntry> {};
}

quint64 ServerThread::queryUsers(const UserQuery &query)
{
    quint64 id = 0;
    {
        QMutexLocker lock(&m_mutex);
        id = ++m_lastUserRequest;
        m_userQuery = std::make_pair(id, query);
    }
    m_adminWork.store(true, std::memory_order_release);
    return id;
}

UserPage ServerThread::usersPage() const
{
    QMutexLocker lock(&m_mutex);
    return m_usersPage;
}

quint64 ServerThread::submit(const AdminCommand &command)
{
    quint64 id = 0;
    bool refused = false;
    {
        QMutexLocker lock(&m_mutex);
        id = ++m_lastCommand;
        if (m_state.phase == Phase::Running) {
            m_commands.emplace_back(id, command);
        } else {
            refused = true;
            keepResult(AdminResult {
                0, id, command, false, 0, QStringLiteral("the server is not running")});
        }
    }
    if (refused)
        emit updated(); // on the owner's thread: the caller's
    else
        m_adminWork.store(true, std::memory_order_release);
    return id;
}

QList<AdminResult> ServerThread::resultsAfter(quint64 lastSeq) const
{
    QMutexLocker lock(&m_mutex);
    QList<AdminResult> out;
    for (const AdminResult &r : m_results)
        if (r.seq > lastSeq)
            out.append(r);
    return out;
}

void ServerThread::subscribe(QObject *context, std::function<void()> changed)
{
    connect(this, &ServerThread::stateChanged, context, changed);
    connect(this, &ServerThread::updated, context, changed);
}

void ServerThread::keepResult(AdminResult result) // m_mutex held
{
    result.seq = ++m_lastResultSeq;
    m_results.push_back(std::move(result));
    while (m_results.size() > size_t(kKeptResults))
        m_results.pop_front();
}

void ServerThread::failQueued(const QString &why)
{
    QMutexLocker lock(&m_mutex);
    while (!m_commands.empty()) {
        auto [id, command] = m_commands.front();
        m_commands.pop_front();
        keepResult(AdminResult {0, id, command, false, 0, why});
    }
    if (m_userQuery) {
        m_usersPage = UserPage {m_userQuery->first, m_userQuery->second, 0, {}, why};
        m_userQuery.reset();
    }
}

void ServerThread::announceUpdate()
{
    emit updatedOnServerThread(QPrivateSignal());
}

void ServerThread::runQueued()
{
    std::optional<std::pair<quint64, UserQuery>> query;
    std::deque<std::pair<quint64, AdminCommand>> commands;
    {
        QMutexLocker lock(&m_mutex);
        if (m_reader)
            query.swap(m_userQuery); // else failQueued() answers it when the server is gone
        commands.swap(m_commands);
    }
    QList<AdminResult> results;
    for (const auto &[id, command] : commands) {
        AdminResult r = run(command);
        r.id = id;
        results.append(r);
    }
    if (query && m_reader)
        m_reader->requestUsers(query->first, query->second); // answered by the reader's thread
    if (results.isEmpty())
        return;
    {
        QMutexLocker lock(&m_mutex);
        for (AdminResult &r : results)
            keepResult(std::move(r));
    }
    publishAdmin(Counts::Request); // what the actions changed shows soon (the counts follow)
    announceUpdate();
}

AdminResult ServerThread::run(const AdminCommand &command)
{
    AdminResult r;
    r.command = command;
    AdminActions &actions = *m_server->adminActions();
    using Kind = AdminCommand::Kind;
    try {
        switch (command.kind) {
        case Kind::PurgeCategory:
            if (command.category.isEmpty()) {
                r.error = QStringLiteral("no category named");
                return r;
            }
            r.count = actions.purgeCache(command.category);
            break;
        case Kind::PurgeAll:
            r.count = actions.purgeCache();
            break;
        case Kind::PruneExpired:
            r.count = actions.pruneExpired();
            break;
        case Kind::SignOutUser:
            r.count = actions.signOutEverywhere(command.userId);
            if (r.count < 0) {
                r.count = 0;
                r.error = QStringLiteral("no such user");
                return r;
            }
            break;
        case Kind::DeleteUser:
            if (!actions.deleteUser(command.userId)) {
                r.error = QStringLiteral("no such user");
                return r;
            }
            r.count = 1;
            break;
        }
    } catch (const StoreError &e) {
        r.error = e.message();
        return r;
    }
    r.ok = true;
    return r;
}

static QString tmdbMode(const QString &status)
{
    if (status == QLatin1String("ok"))
        return QStringLiteral("live");
    return status; // demo | offline
}

void ServerThread::publishAdmin(Counts counts)
{
    CatalogueService *catalogue = m_server->catalogue();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const bool due
        = counts == Counts::Request || m_countsAtMs < 0 || now - m_countsAtMs >= kCountsIntervalMs;
    if (due) {
        m_countsAtMs = now;
        m_counts.lanUrls = lanUrls(m_config.host, m_server->port());
        // The counts that cost a scan are read by the reader's thread; the last ones it brought
        // are used meanwhile, and the new ones shown when they arrive (Counts::Arrived).
        if (m_reader)
            m_reader->requestCounts();
    }
    if (due || counts == Counts::Arrived) {
        AdminSnapshot &c = m_counts;
        AdminReader::Counts read;
        {
            QMutexLocker lock(&m_mutex);
            read = m_read;
        }
        c.databaseBytes = read.databaseBytes;
        c.users = read.users;
        c.watchlistItems = read.watchlist;
        c.favoriteItems = read.favorites;
        c.categories.clear();
        if (catalogue) {
            const auto &stored = read.stored;
            const auto inMemory = catalogue->cache().memoryStats();
            for (int i = 0; i < kCacheCategoryCount; ++i) {
                const auto category = CacheCategory(i);
                CacheCategoryView v;
                v.category = categoryName(category);
                // Where the category's entries live: the database, except in demo mode and for
                // search results, which are only ever kept in memory.
                const bool memoryOnly = catalogue->isDemo() || category == CacheCategory::Search;
                for (const auto &row : memoryOnly ? inMemory : stored) {
                    if (row.category == v.category) {
                        v.entries = row.entries;
                        v.bytes = row.bytes;
                        v.expired = row.expired;
                    }
                }
                c.categories.append(v);
            }
        }
    }

    AdminSnapshot a = m_counts;
    a.health = publish(); // one health() a snapshot, for both views
    a.listenUrl = QStringLiteral("http://%1:%2")
                      .arg(m_config.host.contains(QLatin1Char(':'))
                              ? QStringLiteral("[%1]").arg(m_config.host)
                              : m_config.host)
                      .arg(m_server->port());
    a.tmdbMode = tmdbMode(a.health.tmdb);
    a.database = m_config.database.describe();
    if (catalogue) {
        const CatalogueStats &s = catalogue->stats();
        a.cacheHits = s.hits;
        a.cacheMisses = s.misses;
        a.cacheStale = s.stale;
        a.upstreamCalls = s.upstreamCalls;
        a.upstreamCallsSaved = s.hits + s.coalesced;
        a.memoryEntries = catalogue->cache().memoryEntries();
        a.memoryBytes = catalogue->cache().memoryBytes();
        for (int i = 0; i < a.categories.size(); ++i) {
            const CatalogueStats &cs = catalogue->stats(CacheCategory(i));
            a.categories[i].hits = cs.hits;
            a.categories[i].misses = cs.misses;
            a.categories[i].stale = cs.stale;
            a.categories[i].ttlSeconds = catalogue->ttlMs(CacheCategory(i)) / 1000;
        }
    }
    a.traffic = m_meter->series(now, 120);
    a.requestsPerSecond = m_meter->rate(now, 10);
    a.p50Ms = m_meter->percentile(now, 60, 0.50);
    a.p99Ms = m_meter->percentile(now, 60, 0.99);
    QMutexLocker lock(&m_mutex);
    a.generation = m_admin.generation + 1;
    m_admin = std::move(a);
}

} // namespace marquee
