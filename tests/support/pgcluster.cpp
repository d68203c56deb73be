#include "pgcluster.h"

#include <QCollator>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QProcess>
#include <QTcpServer>
#include <QThread>
#include <QUrl>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>

namespace marquee::test {

namespace {

const QString kServerUser = QStringLiteral("postgres"); // the Debian package's system user

QString quoteIdentifier(QString name)
{
    return QLatin1Char('"') + name.replace(QLatin1Char('"'), QStringLiteral("\"\""))
        + QLatin1Char('"');
}

quint16 freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

QString tailOf(const QString &text, int lines)
{
    QStringList all = text.trimmed().split(QLatin1Char('\n'));
    if (all.size() > lines)
        all = all.mid(all.size() - lines);
    return all.join(QLatin1Char('\n'));
}

} // namespace

PgCluster::PgCluster() = default;

PgCluster::~PgCluster()
{
    stop();
    m_dir.reset(); // the data folder goes only once the server is down
}

QString PgCluster::findServerBinaries()
{
    const QDir root(QStringLiteral("/usr/lib/postgresql"));
    QStringList versions = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCollator numeric;
    numeric.setNumericMode(true);
    std::sort(versions.begin(), versions.end(),
        [&numeric](const QString &a, const QString &b) { return numeric.compare(a, b) > 0; });
    for (const QString &v : std::as_const(versions)) {
        const QString bin = root.filePath(v + QStringLiteral("/bin"));
        if (QFileInfo(bin + QStringLiteral("/pg_ctl")).isExecutable()
            && QFileInfo(bin + QStringLiteral("/initdb")).isExecutable()
            && QFileInfo(bin + QStringLiteral("/psql")).isExecutable())
            return bin;
    }
    return {};
}

QString PgCluster::dataDir() const
{
    return m_dir ? m_dir->filePath(QStringLiteral("data")) : QString();
}

QString PgCluster::logFile() const
{
    return m_dir ? m_dir->filePath(QStringLiteral("server.log")) : QString();
}

QString PgCluster::logTail(int lines) const
{
    QFile f(logFile());
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("(no server log)");
    return tailOf(QString::fromLocal8Bit(f.readAll()), lines);
}

QProcessEnvironment PgCluster::toolEnvironment() const
{
    // PGHOST, PGPORT, PGDATA, PGUSER, PGOPTIONS... of the developer's shell must not steer the
    // tools to another server or database.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &name : env.keys()) {
        if (name.startsWith(QLatin1String("PG")))
            env.remove(name);
    }
    return env;
}

PgCluster::Result PgCluster::runTool(
    const QString &tool, const QStringList &args, bool asServerUser, int timeoutMs) const
{
    QProcess p;
    p.setProcessEnvironment(toolEnvironment());
    // The server user may not be allowed into the test's working directory.
    if (m_dir)
        p.setWorkingDirectory(m_dir->path());
    const QString program = m_binDir + QLatin1Char('/') + tool;
    if (asServerUser && m_asPostgres)
        p.start(QStringLiteral("runuser"),
            QStringList {QStringLiteral("-u"), kServerUser, QStringLiteral("--"), program} + args);
    else
        p.start(program, args);
    Result r;
    if (!p.waitForStarted(10000)) {
        r.errors = QStringLiteral("cannot run %1: %2").arg(program, p.errorString());
        return r;
    }
    const bool finished = p.waitForFinished(timeoutMs);
    if (!finished) {
        p.kill();
        p.waitForFinished(5000);
    }
    r.output = QString::fromLocal8Bit(p.readAllStandardOutput()).trimmed();
    r.errors = QString::fromLocal8Bit(p.readAllStandardError()).trimmed();
    if (!finished)
        r.errors
            += QStringLiteral("\n[%1 killed: still running after %2 ms]").arg(tool).arg(timeoutMs);
    r.ok = finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    return r;
}

bool PgCluster::start(int timeoutMs)
{
    if (m_running)
        return true;
    m_error.clear();
    m_binDir = findServerBinaries();
    if (m_binDir.isEmpty()) {
        m_error = QStringLiteral("PostgreSQL server binaries not found (no "
                                 "/usr/lib/postgresql/<version>/bin/pg_ctl): install the Debian "
                                 "package postgresql");
        return false;
    }

    uid_t serverUid = 0;
    gid_t serverGid = 0;
    m_asPostgres = ::geteuid() == 0;
    if (m_asPostgres) {
        const passwd *pw = ::getpwnam(kServerUser.toLocal8Bit().constData());
        if (!pw) {
            m_error = QStringLiteral("running as root, and there is no \"%1\" system user to run "
                                     "the PostgreSQL server as (PostgreSQL refuses root): install "
                                     "the Debian package postgresql")
                          .arg(kServerUser);
            return false;
        }
        serverUid = pw->pw_uid;
        serverGid = pw->pw_gid;
    }

    const QDeadlineTimer deadline(timeoutMs);
    // After stop(), start() brings the same cluster back on the same port (a restart).
    const bool restart = m_dir != nullptr;
    if (!restart) {
        m_dir = std::make_unique<QTemporaryDir>(
            QDir::tempPath() + QStringLiteral("/marquee-pg-XXXXXX"));
        if (!m_dir->isValid()) {
            m_error = QStringLiteral("cannot create a temporary folder for PostgreSQL: %1")
                          .arg(m_dir->errorString());
            m_dir.reset();
            return false;
        }
        if (m_asPostgres
            && ::chown(QFile::encodeName(m_dir->path()).constData(), serverUid, serverGid) != 0) {
            m_error = QStringLiteral("cannot hand %1 to the %2 user: %3")
                          .arg(m_dir->path(), kServerUser, QString::fromLocal8Bit(strerror(errno)));
            m_dir.reset();
            return false;
        }
        const Result init = runTool(QStringLiteral("initdb"),
            {QStringLiteral("-D"), dataDir(), QStringLiteral("-A"), QStringLiteral("trust"),
                QStringLiteral("-U"), user(), QStringLiteral("-E"), QStringLiteral("UTF8"),
                QStringLiteral("--no-locale"), QStringLiteral("--no-sync")},
            true, int(qMax<qint64>(deadline.remainingTime(), 1000)));
        if (!init.ok) {
            m_error
                = QStringLiteral("initdb (%1) failed: %2").arg(m_binDir, tailOf(init.all(), 15));
            if (m_asPostgres)
                m_error += QStringLiteral(" (it ran as %1: can that user reach %2?)")
                               .arg(kServerUser, m_dir->path());
            m_dir.reset();
            return false;
        }
    }

    // A port found free can be taken before the server binds it: a few tries.
    for (int attempt = 1; attempt <= 3; ++attempt) {
        if (!restart || attempt > 1)
            m_port = freeLoopbackPort();
        if (m_port == 0) {
            m_error = QStringLiteral("no free loopback port for PostgreSQL");
            return false;
        }
        const QString options = QStringLiteral("-p %1 -k '%2' -c listen_addresses=127.0.0.1 "
                                               "-c fsync=off -c synchronous_commit=off "
                                               "-c full_page_writes=off")
                                    .arg(m_port)
                                    .arg(m_dir->path());
        const int waitSeconds = int(qMax<qint64>(deadline.remainingTime() / 1000, 5));
        const Result started = runTool(QStringLiteral("pg_ctl"),
            {QStringLiteral("-D"), dataDir(), QStringLiteral("-l"), logFile(), QStringLiteral("-o"),
                options, QStringLiteral("-w"), QStringLiteral("-t"), QString::number(waitSeconds),
                QStringLiteral("start")},
            true, (waitSeconds + 10) * 1000);
        if (started.ok) {
            m_running = true;
            return true;
        }
        const QString log = logTail(15);
        m_error = QStringLiteral("PostgreSQL (%1) did not start on 127.0.0.1:%2: %3; server log "
                                 "%4:\n%5")
                      .arg(m_binDir)
                      .arg(m_port)
                      .arg(tailOf(started.all(), 5), logFile(), log);
        // pg_ctl may give up while the server is still coming up: make sure it is down.
        m_running = true;
        stop();
        if (!log.contains(QLatin1String("could not bind"))
            && !log.contains(QLatin1String("already in use")))
            return false;
    }
    return false;
}

void PgCluster::stop()
{
    if (!m_running)
        return;
    m_running = false;
    const Result stopped = runTool(QStringLiteral("pg_ctl"),
        {QStringLiteral("-D"), dataDir(), QStringLiteral("-m"), QStringLiteral("fast"),
            QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("30"),
            QStringLiteral("stop")},
        true, 40000);
    if (stopped.ok)
        return;
    // Last resort: the postmaster's pid is the first line of postmaster.pid; SIGQUIT is
    // PostgreSQL's immediate shutdown (children go too).
    QFile pidFile(dataDir() + QStringLiteral("/postmaster.pid"));
    if (!pidFile.open(QIODevice::ReadOnly))
        return;
    const pid_t pid = pid_t(pidFile.readLine().trimmed().toLongLong());
    if (pid <= 1)
        return;
    ::kill(pid, SIGQUIT);
    for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i)
        QThread::msleep(50);
}

QString PgCluster::socketDir() const
{
    return m_dir ? m_dir->path() : QString();
}

QString PgCluster::url(const QString &dbName) const
{
    return QStringLiteral("postgresql://%1@127.0.0.1:%2/%3")
        .arg(user())
        .arg(m_port)
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(dbName)));
}

bool PgCluster::psql(const QString &dbName, const QString &sql, QString *output)
{
    if (!m_running) {
        m_error = QStringLiteral("psql: the PostgreSQL cluster is not running");
        return false;
    }
    const Result r = runTool(QStringLiteral("psql"),
        {QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-A"), QStringLiteral("-t"),
            QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-h"),
            QStringLiteral("127.0.0.1"), QStringLiteral("-p"), QString::number(m_port),
            QStringLiteral("-U"), user(), QStringLiteral("-d"), dbName, QStringLiteral("-c"), sql},
        false);
    if (output)
        *output = r.output;
    if (!r.ok)
        m_error = QStringLiteral("psql on %1 failed: %2 (SQL: %3)").arg(dbName, r.all(), sql);
    return r.ok;
}

bool PgCluster::createDatabase(const QString &dbName)
{
    return psql(QStringLiteral("postgres"),
        QStringLiteral("CREATE DATABASE %1 OWNER %2")
            .arg(quoteIdentifier(dbName), quoteIdentifier(user())));
}

bool PgCluster::dropDatabase(const QString &dbName)
{
    return psql(QStringLiteral("postgres"),
        QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(quoteIdentifier(dbName)));
}

} // namespace marquee::test
