#include "database.h"

#include "log/categories.h"

#include <QAbstractEventDispatcher>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QNetworkProxy>
#include <QSet>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <dlfcn.h>
#include <mutex>

namespace marquee {

namespace {
thread_local bool t_mayWaitToReconnect = false; // Database::mayWaitToReconnect()
}

Database::Database(DatabaseUrl url)
    : m_url(std::move(url))
    , m_ownerThread(QThread::currentThread())
{ }

Database::~Database()
{
    close();
    delete m_probe;
}

static QString connectionNameFor(const void *owner)
{
    return QStringLiteral("marquee-%1-%2")
        .arg(quintptr(owner), 0, 16)
        .arg(quintptr(QThread::currentThreadId()), 0, 16);
}

namespace {

// PostgreSQL's notices (NOTICE, WARNING, ...: "table x does not exist, skipping") reach the client
// on the side of a query. libpq's default handler prints them raw on stderr, which breaks the
// JSON-lines log of production; they go through our logger instead. The QPSQL plugin has loaded
// libpq (privately: RTLD_LOCAL), so its functions are looked up at run time in the library
// already in the process; Marquee neither links libpq nor needs its headers.
struct LibPq
{
    using NoticeReceiver = void (*)(void *arg, const void *result);
    using SetNoticeReceiver = NoticeReceiver (*)(void *conn, NoticeReceiver proc, void *arg);
    using ResultErrorField = char *(*)(const void *result, int fieldCode);
    using ResultErrorMessage = char *(*)(const void *result);
    using Status = int (*)(const void *conn);
    using ConsumeInput = int (*)(void *conn);
    using IsBusy = int (*)(void *conn);

    SetNoticeReceiver setNoticeReceiver = nullptr;
    ResultErrorField resultErrorField = nullptr;
    ResultErrorMessage resultErrorMessage = nullptr;
    Status status = nullptr; // PQstatus: CONNECTION_BAD (1) once the connection is lost
    ConsumeInput consumeInput = nullptr; // PQconsumeInput: reads what the server sent meanwhile
    IsBusy isBusy = nullptr; // PQisBusy: parses what was read (a FATAL notice: g_ended)
    QString failure; // why the functions could not be found

    static const LibPq &instance()
    {
        static const LibPq lib;
        return lib;
    }

private:
    LibPq()
    {
        // RTLD_NOLOAD: only the libpq the driver uses, never a second copy.
        void *handle = dlopen("libpq.so.5", RTLD_LAZY | RTLD_NOLOAD);
        if (!handle) {
            const char *why = dlerror();
            failure = QStringLiteral("libpq.so.5 is not loaded (%1)")
                          .arg(why ? QString::fromLocal8Bit(why) : QStringLiteral("no reason"));
            return;
        }
        // The handle stays open: the driver keeps libpq loaded for the life of the process.
        setNoticeReceiver
            = reinterpret_cast<SetNoticeReceiver>(dlsym(handle, "PQsetNoticeReceiver"));
        resultErrorField = reinterpret_cast<ResultErrorField>(dlsym(handle, "PQresultErrorField"));
        resultErrorMessage
            = reinterpret_cast<ResultErrorMessage>(dlsym(handle, "PQresultErrorMessage"));
        status = reinterpret_cast<Status>(dlsym(handle, "PQstatus"));
        consumeInput = reinterpret_cast<ConsumeInput>(dlsym(handle, "PQconsumeInput"));
        isBusy = reinterpret_cast<IsBusy>(dlsym(handle, "PQisBusy"));
        if (!setNoticeReceiver || !resultErrorField || !resultErrorMessage) {
            failure = QStringLiteral("libpq.so.5 lacks PQsetNoticeReceiver, PQresultErrorField or "
                                     "PQresultErrorMessage");
            setNoticeReceiver = nullptr;
        }
    }
};

// libpq-fe.h / postgres_ext.h field codes.
constexpr int kDiagSeverity = 'S'; // localized ("HINWEIS")
constexpr int kDiagSeverityNonLocalized = 'V'; // "NOTICE" (servers since 9.6)

// Called by libpq on the thread running the query that raised the notice.
// Connections on which the server announced its end (FATAL or PANIC while idle: "terminating
// connection due to administrator command" on a restart). libpq hands that over as a notice and
// only calls the connection bad once it reads the close, maybe a read later.
std::mutex g_endedMutex;
QSet<const void *> g_ended;

bool announcedEnd(const void *conn)
{
    std::lock_guard lock(g_endedMutex);
    return g_ended.contains(conn);
}

void forgetEnd(const void *conn)
{
    std::lock_guard lock(g_endedMutex);
    g_ended.remove(conn);
}

// `conn` is the connection (the receiver's argument, set in routeNotices()).
void receiveNotice(void *conn, const void *result)
{
    const LibPq &pq = LibPq::instance();
    const char *severity = pq.resultErrorField(result, kDiagSeverityNonLocalized);
    if (!severity)
        severity = pq.resultErrorField(result, kDiagSeverity);
    const char *message = pq.resultErrorMessage(result); // "NOTICE:  text\nDETAIL: ...\n"
    const QString text
        = QStringLiteral("PostgreSQL: %1").arg(QString::fromUtf8(message ? message : "").trimmed());
    // WARNING (and anything graver that arrives as a notice) is worth seeing; NOTICE, INFO, LOG
    // and DEBUG are the server thinking aloud.
    static const QByteArrayList quiet {
        "NOTICE", "INFO", "LOG", "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3", "DEBUG4", "DEBUG5"};
    if (severity && quiet.contains(QByteArray(severity)))
        qCDebug(lcStore).noquote() << text;
    else
        qCWarning(lcStore).noquote() << text;
    if (conn && severity && (qstrcmp(severity, "FATAL") == 0 || qstrcmp(severity, "PANIC") == 0)) {
        std::lock_guard lock(g_endedMutex);
        g_ended.insert(conn);
    }
}

// Routes the connection's notices through the logger; without libpq's functions, asks the
// server not to send notices at all (warnings still come, raw).
void routeNotices(QSqlDatabase &db)
{
    const LibPq &pq = LibPq::instance();
    const QVariant handle = db.driver()->handle();
    // Qt names the metatype after the struct behind libpq's typedef: "pg_conn*" (Qt 6.4).
    const char *type = handle.isValid() ? handle.typeName() : nullptr;
    const bool isPgConn = type && (qstrcmp(type, "pg_conn*") == 0 || qstrcmp(type, "PGconn*") == 0);
    if (pq.setNoticeReceiver && isPgConn) {
        if (void *conn = *static_cast<void *const *>(handle.constData())) {
            forgetEnd(conn); // a new connection where an ended one was
            pq.setNoticeReceiver(conn, &receiveNotice, conn);
            return;
        }
    }
    static std::once_flag once;
    std::call_once(once, [&] {
        const QString why = !pq.failure.isEmpty() ? pq.failure
            : !isPgConn ? QStringLiteral("the driver's handle is %1, not a PGconn*")
                              .arg(QLatin1String(type ? type : "empty"))
                        : QStringLiteral("the driver's handle is null");
        qCDebug(lcStore).noquote()
            << QStringLiteral("cannot route PostgreSQL notices to the log (%1); asking the "
                              "server for warnings only")
                   .arg(why);
    });
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SET client_min_messages TO warning")))
        qCWarning(lcStore) << "cannot set client_min_messages:" << q.lastError().text();
}

// libpq's PGconn behind a QPSQL connection, or null.
void *pgConnection(const QSqlDatabase &db)
{
    const QSqlDriver *driver = db.driver();
    const QVariant handle = driver ? driver->handle() : QVariant();
    // Qt names the metatype after the struct behind libpq's typedef: "pg_conn*" (Qt 6.4).
    const char *type = handle.isValid() ? handle.typeName() : nullptr;
    if (!type || (qstrcmp(type, "pg_conn*") != 0 && qstrcmp(type, "PGconn*") != 0))
        return nullptr;
    return *static_cast<void *const *>(handle.constData());
}

// A PostgreSQL connection that libpq found dead (the server restarted or went away: the query
// that found out failed). QSqlDatabase::isOpen() still says true for it.
bool isLost(const QSqlDatabase &db)
{
    const LibPq &pq = LibPq::instance();
    void *conn = pq.status ? pgConnection(db) : nullptr;
    if (!conn)
        return false;
    // A server that restarted (or an administrator's pg_terminate_backend) has said so on the
    // idle connection (FATAL 57P01): read it without blocking, so the query about to run gets a
    // new connection instead of failing on the old one.
    if (pq.consumeInput && pq.isBusy) {
        pq.consumeInput(conn); // one recv(), answered EAGAIN when nothing came
        pq.isBusy(conn); // parses it: the notice receiver hears of a FATAL
    }
    constexpr int kConnectionBad = 1; // libpq-fe.h ConnStatusType
    return pq.status(conn) == kConnectionBad || announcedEnd(conn);
}

// What to do about the usual reasons a connection fails, after libpq's own words.
QString connectHint(const QString &why)
{
    if (why.contains(QLatin1String("Connection refused"))
        || why.contains(QLatin1String("No such file or directory")))
        return QStringLiteral(" (is PostgreSQL running, and listening on that address?)");
    if (why.contains(QLatin1String("password authentication failed"))
        || why.contains(QLatin1String("no password supplied"))
        || why.contains(QLatin1String("no pg_hba.conf entry"))
        || (why.contains(QLatin1String("role \""))
            && why.contains(QLatin1String("does not exist"))))
        return QStringLiteral(" (check the user name and password in DATABASE_URL, and "
                              "pg_hba.conf)");
    if (why.contains(QLatin1String("database \"")) && why.contains(QLatin1String("does not exist")))
        return QStringLiteral(" (create it first: createdb -O <user> <database>)");
    if (why.contains(QLatin1String("timeout expired")))
        return QStringLiteral(" (no answer within connect_timeout)");
    return {};
}

// "name" as an SQL identifier.
QString quotedIdentifier(QString name)
{
    return QLatin1Char('"') + name.replace(QLatin1Char('"'), QLatin1String("\"\""))
        + QLatin1Char('"');
}

// Every PostgreSQL connection: the database must store Unicode (Marquee's text is UTF-8: a
// LATIN1 database would refuse a title with an emoji, as a 500), and no statement may hold the
// event loop longer than 10 s (a lock held by a stuck client, a runaway plan).
void checkSession(QSqlDatabase &db)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SHOW server_encoding")) || !q.next())
        throw StoreError::unavailable(QStringLiteral("cannot read the database's encoding: %1")
                                          .arg(q.lastError().text().simplified()));
    const QString encoding = q.value(0).toString();
    if (encoding.compare(QLatin1String("UTF8"), Qt::CaseInsensitive) != 0)
        throw StoreError::unavailable(
            QStringLiteral("the database's encoding is %1, and Marquee needs UTF8 (create it "
                           "with createdb -E UTF8 -T template0)")
                .arg(encoding));
    if (!q.exec(QStringLiteral("SET statement_timeout = 10000")))
        throw StoreError::unavailable(QStringLiteral("cannot set statement_timeout: %1")
                                          .arg(q.lastError().text().simplified()));
    // Every statement is prepared once per connection and keyed by indexed columns (a user's id,
    // a key): one generic plan fits every execution. Left to choose, the server kept planning a
    // list read afresh each time (its LIMIT and OFFSET parameters make the generic plan look
    // dearer), a quarter of its work per read (docs/performance.md). Servers before 12 lack the
    // setting and keep their own choice.
    if (!q.exec(QStringLiteral("SET plan_cache_mode = force_generic_plan")))
        qCDebug(lcStore) << "cannot set plan_cache_mode:" << q.lastError().text().simplified();
}

// ?schema=NAME (Prisma's parameter): the connection works in that schema, made when missing.
// Asked first and created only when absent: CREATE SCHEMA IF NOT EXISTS needs the right to
// create even when the schema is there.
void useSchema(QSqlDatabase &db, const QString &schema)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT 1 FROM pg_namespace WHERE nspname = ?"));
    q.addBindValue(schema);
    if (!q.exec())
        throw StoreError::unavailable(QStringLiteral("cannot look up the schema %1: %2")
                                          .arg(schema, q.lastError().text().simplified()));
    // Two servers starting at once may both find it missing: the loser's CREATE fails on the
    // catalogue's unique key (23505) or as a duplicate schema (42P06), and the schema is there.
    if (!q.next()
        && !q.exec(QStringLiteral("CREATE SCHEMA IF NOT EXISTS ") + quotedIdentifier(schema))) {
        const QString state = q.lastError().nativeErrorCode();
        if (state != QLatin1String("23505") && state != QLatin1String("42P06"))
            throw StoreError::unavailable(QStringLiteral("cannot create the schema %1: %2")
                                              .arg(schema, q.lastError().text().simplified()));
    }
    if (!q.exec(QStringLiteral("SET search_path TO ") + quotedIdentifier(schema)))
        throw StoreError::unavailable(QStringLiteral("cannot use the schema %1: %2")
                                          .arg(schema, q.lastError().text().simplified()));
}

} // namespace

QSqlDatabase Database::connect(const DatabaseUrl &url, const QString &name)
{
    if (!QSqlDatabase::isDriverAvailable(url.driverName()))
        throw StoreError::unavailable(
            QStringLiteral("the Qt SQL driver %1 is not installed (Debian package %2)")
                .arg(url.driverName(),
                    url.dialect == SqlDialect::Sqlite ? QStringLiteral("libqt6sql6-sqlite")
                                                      : QStringLiteral("libqt6sql6-psql")));
    QSqlDatabase db = QSqlDatabase::addDatabase(url.driverName(), name);
    if (url.dialect == SqlDialect::Sqlite) {
        db.setDatabaseName(url.path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    } else {
        db.setHostName(url.host);
        db.setPort(url.port);
        db.setUserName(url.user);
        db.setPassword(url.password);
        db.setDatabaseName(url.database);
        QString opts = QStringLiteral("connect_timeout=%1").arg(url.connectTimeoutSeconds);
        // Over TCP, a connection whose peer went silent (a network cut: no reset ever comes) is
        // given up within about 10 s instead of the kernel's minutes; the event loop waits on it.
        if (!url.host.startsWith(QLatin1Char('/')))
            opts += QStringLiteral(";keepalives=1;keepalives_idle=5;keepalives_interval=2;"
                                   "keepalives_count=3;tcp_user_timeout=10000");
        if (!url.options.isEmpty())
            opts += QLatin1Char(';') + url.options;
        db.setConnectOptions(opts);
    }
    if (!db.open()) {
        // libpq's reasons span lines ("...failed: Connection refused\n\tIs the server running
        // ...?"): the error stays one line.
        const QString why = db.lastError().text().simplified();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        throw StoreError::unavailable(QStringLiteral("cannot open the database %1: %2%3")
                                          .arg(url.describe(), why, connectHint(why)));
    }
    return db;
}

void Database::open()
{
    if (m_url.dialect == SqlDialect::Sqlite) {
        const QFileInfo file(m_url.path);
        const QString dir = file.absolutePath();
        if (!QDir().mkpath(dir))
            throw StoreError::unavailable(
                QStringLiteral("cannot create the database folder %1").arg(dir));
        if (!QFileInfo(dir).isWritable() || (file.exists() && !file.isWritable()))
            throw StoreError::unavailable(
                QStringLiteral("the database file %1 is not writable").arg(m_url.path));
    }
    m_closed = false;
    openConnection(connectionNameFor(this));
}

void Database::openConnection(const QString &name)
{
    QSqlDatabase db = connect(m_url, name);
    if (m_url.dialect == SqlDialect::Sqlite) {
        QSqlQuery q(db);
        // WAL keeps readers off the writer's back; synchronous=NORMAL in WAL mode still survives
        // a process crash (kill -9) for every committed transaction.
        // The background checkpointer keeps the log short; the automatic checkpoint (on the
        // writer's own time) is only the safety net, at 40 MB.
        for (const char *pragma :
            {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON",
                "PRAGMA wal_autocheckpoint=10000", "PRAGMA temp_store=MEMORY"}) {
            if (!q.exec(QLatin1String(pragma)))
                throw StoreError::unavailable(QStringLiteral("cannot configure the database %1: %2")
                                                  .arg(m_url.path, q.lastError().text()));
        }
    } else {
        routeNotices(db);
        try {
            checkSession(db);
            if (!m_url.schema.isEmpty())
                useSchema(db, m_url.schema);
        } catch (...) {
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(name);
            throw;
        }
    }
    std::lock_guard lock(m_mutex);
    m_connectionNames.append(name);
}

QSqlDatabase Database::connection()
{
    const QString name = connectionNameFor(this);
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (m_url.dialect != SqlDialect::Postgres || m_closed || !isLost(db))
            return db;
        // PostgreSQL restarted or went away: this connection is dead for good. It is replaced
        // by a new one, here or on a later call (at most one attempt a second).
        if (!reconnectDue(name))
            return db;
        qCWarning(lcStore).noquote()
            << QStringLiteral("the connection to %1 was lost; reconnecting").arg(m_url.describe());
        forgetEnd(pgConnection(db));
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        {
            std::lock_guard lock(m_mutex);
            m_connectionNames.removeAll(name);
            m_failedAttempts.insert(name, QDateTime::currentMSecsSinceEpoch());
        }
        // A restarted server answers at once: the owner reconnects here. Another event loop does
        // too, unless an attempt has failed since the host last answered (hostAnswers()).
        if (!onOwnerThread() && !hostAnswers())
            return QSqlDatabase();
    } else if (m_closed || !reconnectDue(name) || !hostAnswers()) {
        // The last attempt failed: the next blocking one waits until the host answers at all.
        return QSqlDatabase();
    }
    const qint64 failedBefore = m_attemptFailedAtMs;
    try {
        openConnection(name);
        // The host answers again (a failure recorded meanwhile by another thread stands).
        qint64 expected = failedBefore;
        m_attemptFailedAtMs.compare_exchange_strong(expected, 0);
        std::lock_guard lock(m_mutex);
        if (m_failedAttempts.remove(name))
            qCInfo(lcStore).noquote()
                << QStringLiteral("connected to %1 again").arg(m_url.describe());
    } catch (const StoreError &e) {
        qCCritical(lcStore).noquote() << e.message(); // the caller finds the connection closed
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        m_attemptFailedAtMs = now;
        std::lock_guard lock(m_mutex);
        m_failedAttempts.insert(name, now);
    }
    return QSqlDatabase::database(name, false);
}

bool Database::hostAnswers()
{
    // SQLite, a Unix socket (connecting to one never hangs), or a thread without an event loop
    // (a command, the admin reader): the attempt itself is the test.
    if (m_url.dialect != SqlDialect::Postgres || m_url.host.startsWith(QLatin1Char('/'))
        || !QAbstractEventDispatcher::instance(QThread::currentThread()))
        return true;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!onOwnerThread()) {
        // A database worker may wait (mayWaitToReconnect()); another event loop (list reads)
        // tries, and may wait connect_timeout, only while no attempt has failed since the
        // owner's probe or anyone's connection last found the host answering; the owner probes
        // on its own next use. A last blocking try every 10 s, should nobody find out.
        if (t_mayWaitToReconnect)
            return true;
        const qint64 failed = m_attemptFailedAtMs;
        return failed == 0 || m_hostAnsweredAtMs >= failed || now - failed >= 10000;
    }
    if (now - m_hostAnsweredAtMs < 3000)
        return true;
    if (!m_probe) {
        // An asynchronous TCP connect: a network cut (no answer at all) costs this nothing,
        // where a blocking reconnection would hold the event loop for connect_timeout.
        m_probe = new QTcpSocket;
        m_probe->setProxy(QNetworkProxy::NoProxy);
        QTcpSocket *probe = m_probe;
        auto finish = [this, probe](bool answered) {
            if (answered)
                m_hostAnsweredAtMs = QDateTime::currentMSecsSinceEpoch();
            probe->disconnect();
            probe->abort();
            probe->deleteLater();
            if (m_probe == probe)
                m_probe = nullptr;
        };
        QObject::connect(probe, &QTcpSocket::connected, probe, [finish] { finish(true); });
        QObject::connect(probe, &QTcpSocket::errorOccurred, probe, [finish] { finish(false); });
        QTimer::singleShot(m_url.connectTimeoutSeconds * 1000, probe, [finish] { finish(false); });
        probe->connectToHost(m_url.host, quint16(m_url.port));
    }
    return false;
}

void Database::mayWaitToReconnect()
{
    t_mayWaitToReconnect = true;
}

bool Database::reconnectDue(const QString &name)
{
    std::lock_guard lock(m_mutex);
    const auto it = m_failedAttempts.constFind(name);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    return it == m_failedAttempts.constEnd() || now - it.value() >= kReconnectIntervalMs;
}

QSqlDatabase Database::requireConnection()
{
    QSqlDatabase db = connection();
    if (!db.isOpen())
        throw StoreError::unavailable(QStringLiteral("the database is unavailable"));
    return db;
}

void Database::startBackgroundCheckpoints(int intervalMs)
{
    if (m_url.dialect != SqlDialect::Sqlite || m_checkpointThread)
        return;
    m_checkpointThread = new QThread;
    m_checkpointThread->setObjectName(QStringLiteral("marquee-wal-checkpoint"));
    auto *timer = new QTimer;
    timer->setInterval(intervalMs);
    timer->moveToThread(m_checkpointThread);
    QObject::connect(m_checkpointThread, &QThread::started, timer, qOverload<>(&QTimer::start));
    QObject::connect(timer, &QTimer::timeout, timer, [this] {
        QSqlQuery q(connection());
        q.exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"));
    });
    // finished is emitted on the checkpoint thread itself: its connection is closed there.
    QObject::connect(
        m_checkpointThread, &QThread::finished, timer,
        [this, timer] {
            delete timer;
            closeThreadConnection();
        },
        Qt::DirectConnection);
    m_checkpointThread->start(QThread::LowPriority);
}

void Database::stopBackgroundCheckpoints()
{
    if (!m_checkpointThread)
        return;
    m_checkpointThread->quit();
    m_checkpointThread->wait();
    delete m_checkpointThread;
    m_checkpointThread = nullptr;
}

void Database::closeThreadConnection()
{
    const QString name = connectionNameFor(this);
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        forgetEnd(pgConnection(db)); // a later connection may be given the same address
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(name);
    std::lock_guard lock(m_mutex);
    m_connectionNames.removeAll(name);
}

void Database::close()
{
    commitGroup();
    m_groupTimerContext.reset();
    stopBackgroundCheckpoints();
    std::lock_guard lock(m_mutex);
    m_closed = true;
    for (const QString &name : std::as_const(m_connectionNames)) {
        {
            QSqlDatabase db = QSqlDatabase::database(name, false);
            if (db.isOpen())
                db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }
    m_connectionNames.clear();
}

bool Database::ping()
{
    for (int attempt = 0; attempt < 2; ++attempt) {
        QSqlDatabase db = connection();
        if (!db.isOpen())
            return false;
        QSqlQuery q(db);
        if (q.exec(QStringLiteral("SELECT 1")) && q.next())
            return true;
        // A ping is what finds a lost connection when nothing else asked: one more try, on a
        // new connection when one is due.
        if (!isLost(db))
            return false;
    }
    return false;
}

qint64 Database::sizeBytes()
{
    QSqlDatabase db = connection();
    if (!db.isOpen())
        return -1;
    QSqlQuery q(db);
    const bool ok = m_url.dialect == SqlDialect::Sqlite
        ? q.exec(QStringLiteral("SELECT page_count * page_size FROM pragma_page_count(), "
                                "pragma_page_size()"))
        : q.exec(QStringLiteral("SELECT pg_database_size(current_database())"));
    return ok && q.next() ? q.value(0).toLongLong() : -1;
}

void Database::beginGroup()
{
    // PostgreSQL aborts a whole transaction on one failed statement (a duplicate key would undo
    // the group), and several servers may share it: there every write commits on its own.
    if (!onOwnerThread() || m_groupOpen || m_url.dialect != SqlDialect::Sqlite)
        return;
    QSqlDatabase db = connection();
    if (!db.transaction()) {
        qCWarning(lcStore) << "cannot begin a write group:" << db.lastError().text();
        return; // writes then autocommit one by one
    }
    m_groupOpen = true;
    if (!m_groupTimerContext)
        m_groupTimerContext = std::make_unique<QObject>();
    QTimer::singleShot(0, m_groupTimerContext.get(), [this] { commitGroup(); });
}

void Database::afterGroupCommit(std::function<void(bool)> done)
{
    if (!onOwnerThread() || !m_groupOpen) {
        done(true);
        return;
    }
    m_groupWaiters.append(std::move(done));
    if (m_groupWaiters.size() >= 256)
        commitGroup();
}

void Database::commitGroup()
{
    if (!onOwnerThread() || !m_groupOpen)
        return;
    m_groupOpen = false;
    QSqlDatabase db = connection();
    const bool ok = db.commit();
    if (!ok) {
        qCCritical(lcStore) << "group commit failed:" << db.lastError().text();
        db.rollback();
    }
    const auto waiters = std::exchange(m_groupWaiters, {});
    for (const auto &w : waiters)
        w(ok);
}

bool Database::transaction(const std::function<bool(QSqlDatabase &)> &fn)
{
    commitGroup(); // a transaction of its own cannot nest inside an open group
    QSqlDatabase db = requireConnection();
    if (!db.transaction())
        throw StoreError::failed(db.lastError(), "beginning a transaction");
    bool ok = false;
    try {
        ok = fn(db);
    } catch (...) {
        db.rollback();
        throw;
    }
    if (!ok) {
        db.rollback();
        return false;
    }
    if (!db.commit()) {
        const StoreError error = StoreError::failed(db.lastError(), "committing a transaction");
        db.rollback();
        throw error;
    }
    return true;
}

} // namespace marquee
