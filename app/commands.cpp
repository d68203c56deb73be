#include "commands.h"

#include "config/config.h"
#include "config/dotenv.h"
#include "config/settings.h"
#include "config/units.h"
#include "core/marqueeserver.h"
#include "core/serverthread.h"
#include "log/categories.h"
#include "log/logger.h"
#include "runningserver.h"
#include "sdnotify.h"
#include "signalwatcher.h"
#include "store/migrations.h"
#include "store/prismaimport.h"
#include "store/userstore.h"
#include "tmdb/catalogueservice.h"
#include "tmdb/contentcache.h"
#include "tmdb/imagecache.h"
#include "uimodule.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QNetworkProxy>
#include <QProcessEnvironment>
#include <QScopeGuard>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QUrl>

#include <cstdio>
#include <mutex>
#include <sys/socket.h>
#include <unistd.h>

namespace marquee {

namespace {

void printLine(FILE *out, const QString &text)
{
    std::fprintf(out, "%s\n", text.toLocal8Bit().constData());
}

// A database that cannot be opened (not running, refused, no such database or user, no driver)
// stops start-up like a wrong setting: exit code 2. Anything else that stops it (the port is
// taken) is 1.
int startFailureCode(const QString &error)
{
    return error.startsWith(QLatin1String("DATABASE_URL:")) ? 2 : 1;
}

// Another Marquee server already answers where this one would listen. Its own code, so that the
// service's unit does not restart into the same refusal (RestartPreventExitStatus=3).
constexpr int kExitAlreadyRunning = 3;

// "STOPPING=1" for systemd, with the time the graceful stop may take: the unit's TimeoutStopSec
// is extended to the configured grace and a margin for closing the database, so that a long
// MARQUEE_SHUTDOWN_GRACE is not cut short by SIGKILL.
QByteArray stoppingNotice(const Config &config)
{
    const qint64 usec = (qint64(config.shutdownGraceMs) + 10000) * 1000;
    return "STOPPING=1\nEXTEND_TIMEOUT_USEC=" + QByteArray::number(usec);
}

int configError(const QString &text)
{
    printLine(stderr, QStringLiteral("marquee: configuration error: %1").arg(text));
    return 2;
}

std::optional<Config> loadConfiguration(
    const CommandLine &cl, int *exitCode, ConfigSources &sources)
{
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &k : env.keys())
        sources.environment.insert(k, env.value(k));
    QFile dotenv(cl.envFile);
    if (dotenv.exists()) {
        if (!dotenv.open(QIODevice::ReadOnly)) {
            *exitCode = configError(QStringLiteral("%1: cannot be read").arg(cl.envFile));
            return std::nullopt;
        }
        int badLine = 0;
        sources.dotenv = parseDotenv(QString::fromUtf8(dotenv.readAll()), &badLine);
        if (badLine > 0)
            printLine(stderr,
                QStringLiteral("marquee: warning: %1 line %2 is not NAME=VALUE and was skipped")
                    .arg(cl.envFile)
                    .arg(badLine));
    } else if (cl.envFile != QLatin1String(".env")) {
        *exitCode = configError(QStringLiteral("%1: no such file").arg(cl.envFile));
        return std::nullopt;
    }
    sources.flags = cl.settings;
    QString error;
    auto config = loadConfig(sources, &error);
    if (!config) {
        *exitCode = configError(error);
        return std::nullopt;
    }
    config->headless = cl.headless;
    return config;
}

bool openDatabase(Database &db)
{
    try {
        db.open();
    } catch (const StoreError &e) {
        printLine(stderr, QStringLiteral("marquee: DATABASE_URL: %1").arg(e.message()));
        return false;
    }
    return true;
}

// An SQLite file that is not there yet would be created by opening it; the commands that only
// read (and the cache commands) must not leave a new database behind.
bool databaseMissing(const DatabaseUrl &url)
{
    return url.dialect == SqlDialect::Sqlite && !QFileInfo::exists(url.path);
}

enum class Opened { Current, Missing, Unreachable, NeedsMigrating };

// Opens an existing database whose schema is current, or says (one line) why not. Only the
// server, `migrate` and `db reset` change the schema; every other command says what is wrong and
// leaves the database alone.
Opened openCurrent(Database &db, const DatabaseUrl &url)
{
    if (databaseMissing(url)) {
        printLine(stderr,
            QStringLiteral("marquee: there is no database at %1 yet: start the server or run "
                           "\"marquee migrate\" to create it")
                .arg(url.describe()));
        return Opened::Missing;
    }
    if (!openDatabase(db))
        return Opened::Unreachable;
    int pending = 0;
    try {
        pending = Migrator(db).pendingCount();
    } catch (const StoreError &e) {
        printLine(stderr, QStringLiteral("marquee: %1").arg(e.message()));
        return Opened::Unreachable;
    }
    if (pending > 0) {
        printLine(stderr,
            QStringLiteral("marquee: the database needs migrating (%1 pending migration(s)); "
                           "run \"marquee migrate\" first")
                .arg(pending));
        return Opened::NeedsMigrating;
    }
    return Opened::Current;
}

// 0 when the database is open and current; else the exit code, the reason already printed:
// 2 for a database that cannot be reached (as for every command), 1 for one that is missing or
// needs migrating.
int openUpToDate(Database &db, const DatabaseUrl &url)
{
    switch (openCurrent(db, url)) {
    case Opened::Current:
        return 0;
    case Opened::Unreachable:
        return 2;
    case Opened::Missing:
    case Opened::NeedsMigrating:
        break;
    }
    return 1;
}

// Lists every migration as applied or pending. Like `prisma migrate status`, it exits 1 while
// any is pending, so a script can ask before it migrates; it never changes the database.
int migrationStatus(const Config &config)
{
    QList<MigrationInfo> list;
    const bool missing = databaseMissing(config.database);
    if (missing) {
        list = Migrator::all();
    } else {
        Database db(config.database);
        if (!openDatabase(db))
            return 2; // unreachable, refused, missing: as a configuration error
        try {
            list = Migrator(db).status();
        } catch (const StoreError &e) {
            printLine(stderr, QStringLiteral("marquee: %1").arg(e.message()));
            return 1;
        }
    }
    printLine(stdout,
        QStringLiteral("database: %1%2")
            .arg(config.database.describe(),
                missing ? QStringLiteral(" (does not exist yet)") : QString()));
    int pending = 0;
    for (const auto &m : list) {
        pending += m.appliedAt ? 0 : 1;
        const QString when = m.appliedAt
            ? QDateTime::fromMSecsSinceEpoch(m.appliedAt, Qt::UTC).toString(Qt::ISODate)
            : QString();
        printLine(stdout,
            QStringLiteral("%1  %2  %3%4")
                .arg(m.version, 4)
                .arg(m.appliedAt ? QStringLiteral("applied") : QStringLiteral("pending"), m.name,
                    when.isEmpty() ? QString() : QStringLiteral("  (") + when + QLatin1Char(')')));
    }
    if (pending > 0) {
        printLine(stdout,
            QStringLiteral("%1 migration(s) pending: run \"marquee migrate\" to apply them")
                .arg(pending));
        return 1;
    }
    printLine(
        stdout, QStringLiteral("schema is up to date (version %1)").arg(Migrator::latestVersion()));
    return 0;
}

int migrate(const Config &config, const QStringList &rest)
{
    if (rest.value(0) == QLatin1String("status") && rest.size() == 1)
        return migrationStatus(config);
    if (!rest.isEmpty()) {
        printLine(stderr,
            QStringLiteral("marquee: unknown migrate subcommand \"%1\" (migrate | migrate status)")
                .arg(rest.first()));
        return 2;
    }
    Database db(config.database);
    if (!openDatabase(db))
        return 2; // unreachable, refused, missing: as a configuration error
    int applied = 0;
    try {
        applied = Migrator(db).apply();
    } catch (const StoreError &e) {
        printLine(stderr, QStringLiteral("marquee: %1").arg(e.message()));
        return 1;
    }
    printLine(stdout,
        applied
            ? QStringLiteral("applied %1 migration(s); schema at version %2")
                  .arg(applied)
                  .arg(Migrator::latestVersion())
            : QStringLiteral("schema is up to date (version %1)").arg(Migrator::latestVersion()));
    return 0;
}

int dbCommand(const Config &config, const QStringList &rest, bool yes)
{
    if (rest.value(0) != QLatin1String("reset")) {
        printLine(stderr, QStringLiteral("marquee: usage: marquee db reset --yes"));
        return 2;
    }
    if (!yes) {
        printLine(stderr,
            QStringLiteral(
                "marquee: db reset deletes ALL data in %1; run again with --yes to confirm")
                .arg(config.database.describe()));
        return 2;
    }
    Database db(config.database);
    if (!openDatabase(db))
        return 2; // unreachable, refused, missing: as a configuration error
    try {
        Migrator migrator(db);
        migrator.dropAll();
        migrator.apply();
    } catch (const StoreError &e) {
        printLine(stderr, QStringLiteral("marquee: %1").arg(e.message()));
        return 1;
    }
    printLine(stdout,
        QStringLiteral("database reset; schema at version %1").arg(Migrator::latestVersion()));
    return 0;
}

int cacheCommand(const Config &config, const QStringList &rest, bool images)
{
    const QString sub = rest.value(0);
    if (sub != QLatin1String("stats") && sub != QLatin1String("clear")
        && sub != QLatin1String("prune")) {
        printLine(stderr,
            QStringLiteral(
                "marquee: usage: marquee cache stats | cache clear [--images] | cache prune"));
        return 2;
    }
    const QString imageDir
        = config.imageCacheDir.isEmpty() ? ImageCache::defaultDirectory() : config.imageCacheDir;
    if (images && sub != QLatin1String("clear")) {
        printLine(stderr, QStringLiteral("marquee: --images goes with cache clear"));
        return 2;
    }
    if (images) {
        printLine(stdout,
            QStringLiteral("removed %1 cached images").arg(ImageCache::clearDirectory(imageDir)));
        return 0;
    }
    Database db(config.database);
    if (const int code = openUpToDate(db, config.database))
        return code;
    ContentCache cache(&db, 0);
    if (sub == QLatin1String("clear")) {
        const qint64 before = cache.databaseEntries();
        cache.clear();
        printLine(stdout, QStringLiteral("removed %1 cache entries").arg(before));
        return 0;
    }
    if (sub == QLatin1String("prune")) {
        printLine(stdout, QStringLiteral("removed %1 expired cache entries").arg(cache.prune(0)));
        return 0;
    }
    qint64 entries = 0, bytes = 0, expired = 0;
    printLine(stdout,
        QStringLiteral("%1 %2 %3 %4")
            .arg(QStringLiteral("category"), -10)
            .arg(QStringLiteral("entries"), 8)
            .arg(QStringLiteral("bytes"), 12)
            .arg(QStringLiteral("expired"), 8));
    for (const auto &c : cache.databaseStats()) {
        printLine(stdout,
            QStringLiteral("%1 %2 %3 %4")
                .arg(c.category, -10)
                .arg(c.entries, 8)
                .arg(c.bytes, 12)
                .arg(c.expired, 8));
        entries += c.entries;
        bytes += c.bytes;
        expired += c.expired;
    }
    printLine(stdout,
        QStringLiteral("%1 %2 %3 %4")
            .arg(QStringLiteral("total"), -10)
            .arg(entries, 8)
            .arg(bytes, 12)
            .arg(expired, 8));
    // What the servers on this database counted, over their restarts (cache_counters).
    QHash<QString, qint64> counted;
    for (const auto &[name, value] : cache.counters())
        counted.insert(name, value);
    printLine(stdout,
        QStringLiteral("catalogue: %1 hits, %2 misses, %3 stale answers, %4 refreshed ahead, %5 "
                       "revalidated, %6 warm-up calls, %7 upstream calls, %8 upstream errors")
            .arg(counted.value(QStringLiteral("hits")))
            .arg(counted.value(QStringLiteral("misses")))
            .arg(counted.value(QStringLiteral("stale")))
            .arg(counted.value(QStringLiteral("refreshed_ahead")))
            .arg(counted.value(QStringLiteral("revalidated")))
            .arg(counted.value(QStringLiteral("warmed")))
            .arg(counted.value(QStringLiteral("upstream_calls")))
            .arg(counted.value(QStringLiteral("upstream_errors"))));
    const ImageCache::Stats onDisk = ImageCache::scan(imageDir);
    printLine(stdout,
        QStringLiteral("images: %1 files, %2 bytes, %3 hits, %4 misses, %5 upstream errors in %6")
            .arg(onDisk.files)
            .arg(onDisk.bytes)
            .arg(onDisk.hits)
            .arg(onDisk.misses)
            .arg(onDisk.upstreamErrors)
            .arg(imageDir));
    if (config.tmdbApiKey.isEmpty())
        printLine(stdout, QStringLiteral("note: ") + QString::fromLatin1(kDemoCacheNote));
    return 0;
}

int usersCommand(const Config &config, const QStringList &rest)
{
    if (rest.value(0) != QLatin1String("list")) {
        printLine(stderr, QStringLiteral("marquee: usage: marquee users list"));
        return 2;
    }
    Database db(config.database);
    if (const int code = openUpToDate(db, config.database))
        return code;
    UserStore users(db);
    qint64 total = 0;
    int page = 1;
    printLine(stdout,
        QStringLiteral("%1  %2  %3  %4")
            .arg(QStringLiteral("id"), 6)
            .arg(QStringLiteral("clerk id"), -32)
            .arg(QStringLiteral("email"), -32)
            .arg(QStringLiteral("last seen")));
    for (;;) {
        QList<UserRecord> list;
        try {
            list = users.listUsers(page, 100, &total);
        } catch (const StoreError &e) {
            printLine(stderr, QStringLiteral("marquee: %1").arg(e.message()));
            return 1;
        }
        for (const UserRecord &u : list) {
            const QString seen = u.lastSeenAt
                ? QDateTime::fromMSecsSinceEpoch(u.lastSeenAt, Qt::UTC).toString(Qt::ISODate)
                : QStringLiteral("-");
            printLine(stdout,
                QStringLiteral("%1  %2  %3  %4")
                    .arg(u.id, 6)
                    .arg(u.clerkId, -32)
                    .arg(u.email.isEmpty() ? QStringLiteral("-") : u.email, -32)
                    .arg(seen));
        }
        if (list.size() < 100)
            break;
        ++page;
    }
    printLine(stdout, QStringLiteral("%1 user(s)").arg(total));
    return 0;
}

void printImportReport(const ImportReport &r)
{
    printLine(stdout,
        QStringLiteral("users: %1 created, %2 matched").arg(r.usersCreated).arg(r.usersMatched));
    printLine(stdout, QStringLiteral("watchlist items imported: %1").arg(r.watchlistImported));
    printLine(stdout, QStringLiteral("favorites imported: %1").arg(r.favoritesImported));
    printLine(stdout, QStringLiteral("skipped as duplicates: %1").arg(r.duplicates));
    printLine(stdout, QStringLiteral("refused: %1").arg(r.refused.size()));
    for (const ImportRefusal &refusal : r.refused)
        printLine(stdout,
            QStringLiteral("  \"%1\" id %2: %3").arg(refusal.table, refusal.id, refusal.reason));
    for (const QString &note : r.notes)
        printLine(stdout, QStringLiteral("note: %1").arg(note));
}

// Copies the original Node/Prisma backend's users and lists (docs/import.md). Like the other
// commands that are not `migrate`, it needs a database that is there and current (exit 1);
// a database it cannot reach, either one, is exit 2. Refused rows are listed, not failures.
int importCommand(
    const Config &config, const QStringList &rest, const QString &from, Logger &logger)
{
    if (!rest.isEmpty() || from.isEmpty()) {
        printLine(stderr,
            QStringLiteral(
                "marquee: usage: marquee import --from postgresql://user:pass@host:5432/db"));
        return 2;
    }
    QString error;
    const auto source = PrismaImport::parseSource(from, &error);
    if (!source) {
        printLine(stderr, QStringLiteral("marquee: --from: %1").arg(error));
        return 2;
    }
    logger.addSecret(source->url.password);
    Database db(config.database);
    switch (openCurrent(db, config.database)) {
    case Opened::Current:
        break;
    case Opened::Unreachable:
        return 2;
    case Opened::Missing:
    case Opened::NeedsMigrating:
        return 1;
    }
    PrismaImport import(*source, db, config.listMaxItems);
    try {
        import.openSource();
    } catch (const StoreError &e) {
        printLine(stderr, QStringLiteral("marquee: --from: %1").arg(e.message()));
        return 2;
    }
    printLine(stdout,
        QStringLiteral("importing from %1 (read-only) into %2")
            .arg(source->url.describe(), config.database.describe()));
    ImportReport report;
    try {
        report = import.run();
    } catch (const StoreError &e) {
        printLine(stderr,
            QStringLiteral("marquee: import stopped: %1 (what was imported stays; running the "
                           "import again goes on from there)")
                .arg(e.message()));
        return 1;
    }
    printImportReport(report);
    return 0;
}

// Prints every route the server registers ("METHOD /pattern"), for the OpenAPI check.
int routesCommand(Config config)
{
    QTemporaryDir dir;
    config.port = 0;
    config.host = QStringLiteral("127.0.0.1");
    config.database
        = *DatabaseUrl::parse(QStringLiteral("sqlite://%1/routes.db").arg(dir.path()), nullptr);
    setLogLevel(LogLevel::Error);
    MarqueeServer server(config, nullptr); // no requests, no access lines
    QString error;
    if (!server.start(&error)) {
        printLine(stderr, QStringLiteral("marquee: %1").arg(error));
        return 1;
    }
    static const char *const tiers[] = {"none", "general", "search", "sensitive"};
    static const char *const access[] = {"public", "optional", "user", "admin"};
    // counting=self: the route counts only what it refuses (x-rate-counting in the document).
    for (const Route &r : server.router().routes())
        printLine(stdout,
            QStringLiteral("%1 %2 tier=%3 access=%4%5")
                .arg(QString::fromLatin1(methodName(r.method)), r.pattern,
                    QLatin1String(tiers[int(r.tier)]), QLatin1String(access[int(r.access)]),
                    r.countsOwnRate ? QStringLiteral(" counting=self") : QString()));
    return 0;
}

// Every variable as the settings page shows it: the value in effect (secrets masked) and where
// it came from, first match as loadConfig() looks: flag, environment, .env, else the default.
QList<SettingView> settingViews(const Config &config, const ConfigSources &sources)
{
    QList<SettingView> out;
    for (const Setting &s : configSettings()) {
        QString value = s.current(config);
        if (s.secret && !value.isEmpty())
            value = maskSecret(value);
        if (s.kind == Setting::Kind::Url) { // a password in a URL is masked as well
            QUrl url(value);
            if (!url.password().isEmpty()) {
                url.setPassword(maskSecret(url.password()));
                value = url.toString();
            }
        }
        out.append(SettingView {QString::fromLatin1(s.name), value, configOrigin(sources, s),
            QString::fromUtf8(s.description)});
    }
    return out;
}

// The server on a thread of its own, the window on this one. SIGINT/SIGTERM and the window's
// Quit take the same path: a graceful stop of the server, then the event loop ends (exit 0).
int serveWithWindow(
    const Config &config, Logger &logger, const UiModule &ui, const UiOptions &options)
{
    // The hook below refers to the server: it goes after the server (and its threads) are gone.
    const auto unhook = qScopeGuard([&logger] { logger.setMessageHook({}); });
    ServerThread server(config, &logger, logger.buffer());
    // Qt's X11 platform ends the process with exit(1) when the X server goes away (a logout, a
    // closed `ssh -X`), right after logging "The X11 connection broke" on the GUI thread; exit()
    // would then destroy statics under a server still serving. Seeing that line, the server is
    // stopped gracefully first (its requests finish, the database closes), then exit goes on.
    // Qt 6.4's wording (docs/qt64.md); set before any other thread logs.
    logger.setMessageHook(
        [&server, &logger](const QString &level, const QString &, const QString &message) {
            if (level != QLatin1String("warning")
                || !message.startsWith(QLatin1String("The X11 connection broke"))
                || QThread::currentThread() != qApp->thread())
                return;
            // Through the logger itself: inside Qt's message handler, qWarning() would bypass it.
            logger.logMessage(QStringLiteral("warning"), QStringLiteral("marquee.app"),
                QStringLiteral("the display has gone: stopping the server"));
            server.requestStop();
            server.waitForStopped(30000);
            logger.flush();
        });
    SignalWatcher signals_;
    QObject::connect(
        &signals_, &SignalWatcher::terminationRequested, &server, [&server, &config](int sig) {
            qCInfo(lcApp) << "signal" << sig << "received";
            sdNotify(stoppingNotice(config));
            server.requestStop();
        });
    server.start();
    {
        QEventLoop starting;
        QObject::connect(&server, &ServerThread::stateChanged, &starting, [&] {
            if (server.state().phase != ServerThread::Phase::Starting)
                starting.quit();
        });
        if (server.state().phase == ServerThread::Phase::Starting)
            starting.exec();
    }
    const ServerThread::State started = server.state();
    if (started.phase == ServerThread::Phase::Failed) {
        printLine(stderr, QStringLiteral("marquee: cannot start: %1").arg(started.error));
        return startFailureCode(started.error);
    }
    QObject::connect(&server, &ServerThread::stateChanged, qApp, [&server, &config] {
        const ServerThread::Phase phase = server.state().phase;
        if (phase == ServerThread::Phase::Stopping)
            sdNotify(stoppingNotice(config));
        if (phase == ServerThread::Phase::Stopped)
            QCoreApplication::exit(0);
    });
    if (server.state().phase == ServerThread::Phase::Running)
        sdNotify("READY=1");
    if (server.state().phase != ServerThread::Phase::Running) {
        // A signal arrived while it started: no window, just the graceful stop.
        if (server.state().phase != ServerThread::Phase::Stopped)
            QCoreApplication::exec();
        logger.flush();
        return 0;
    }
    const int code = ui.run(server, options);
    logger.flush();
    return code;
}

int serve(const Config &config, Logger &logger)
{
    for (const QString &line : config.describe())
        qCInfo(lcConfig).noquote() << line;
    MarqueeServer server(config, &logger);
    SignalWatcher signals_;
    QObject::connect(
        &signals_, &SignalWatcher::terminationRequested, &server, [&server, &config](int sig) {
            qCInfo(lcApp) << "signal" << sig << "received";
            sdNotify(stoppingNotice(config));
            server.shutdown();
        });
    QObject::connect(&server, &MarqueeServer::stopped, qApp, [] { QCoreApplication::exit(0); });
    QString error;
    if (!server.start(&error)) {
        printLine(stderr, QStringLiteral("marquee: cannot start: %1").arg(error));
        return startFailureCode(error);
    }
    const ServiceAddress published(config.host, server.port()); // for the desktop app
    sdNotify("READY=1");
    const int code = QCoreApplication::exec();
    logger.flush();
    return code;
}

} // namespace

int runCommand(const CommandLine &cl, Logger &logger, const UiModule *ui)
{
    int exitCode = 0;
    ConfigSources sources;
    const auto config = loadConfiguration(cl, &exitCode, sources);
    if (!config)
        return exitCode;
    logger.setFormat(config->isProduction() ? LogFormat::Json : LogFormat::Text);
    setLogLevel(config->logLevel);
    for (const QString &s : config->secrets())
        logger.addSecret(s);
    const LogInstallation installed(logger);
    const QString cmd = cl.command.value(0);
    const QStringList rest = cl.command.mid(1);
    if (cmd.isEmpty() || cmd == QLatin1String("serve")) {
        // A server already answering where this one would listen (most often the packaged
        // service, when the desktop app is started beside it): say so rather than fight it.
        if (const auto running = findRunningServer(config->host, config->port)) {
            printLine(stderr, QStringLiteral("marquee: %1").arg(describeRunningServer(*running)));
            return ui ? ui->alreadyRunning(*running) : kExitAlreadyRunning;
        }
    }
    if ((cmd.isEmpty() || cmd == QLatin1String("serve")) && ui) {
        for (const QString &line : config->describe())
            qCInfo(lcConfig).noquote() << line;
        UiOptions options;
        options.settings = settingViews(*config, sources);
        options.envFile = QFileInfo(cl.envFile).absoluteFilePath();
        options.database = config->database.describe();
        return serveWithWindow(*config, logger, *ui, options);
    }
    if (cmd.isEmpty() || cmd == QLatin1String("serve"))
        return serve(*config, logger);
    if (cmd == QLatin1String("migrate"))
        return migrate(*config, rest);
    if (cmd == QLatin1String("db"))
        return dbCommand(*config, rest, cl.yes);
    if (cmd == QLatin1String("cache"))
        return cacheCommand(*config, rest, cl.images);
    if (cmd == QLatin1String("users"))
        return usersCommand(*config, rest);
    if (cmd == QLatin1String("import"))
        return importCommand(*config, rest, cl.from, logger);
    if (cmd == QLatin1String("routes"))
        return routesCommand(*config);
    printLine(stderr, QStringLiteral("marquee: unknown command \"%1\" (see --help)").arg(cmd));
    return 2;
}

} // namespace marquee
