#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace marquee::test {

// A throwaway PostgreSQL server for tests that run against PostgreSQL as well as SQLite: its own
// cluster (initdb) in a temporary folder, on a free loopback port, with trust authentication for
// the superuser "marquee", stopped and deleted when the object goes. It needs the server binaries
// (Debian package postgresql: /usr/lib/postgresql/<version>/bin); a default cluster the package
// may have started on 5432 is never touched. As root, the binaries run as the postgres system
// user (PostgreSQL refuses to run as root).
//
//     PgCluster pg;
//     QVERIFY2(pg.start(), qPrintable(pg.errorString()));
//     QVERIFY2(pg.createDatabase("lists"), qPrintable(pg.errorString()));
//     env.insert("DATABASE_URL", pg.url("lists"));
class PgCluster
{
public:
    PgCluster();
    ~PgCluster(); // stops the server (pg_ctl stop -m fast), then deletes the folder
    Q_DISABLE_COPY_MOVE(PgCluster)

    // initdb, then pg_ctl start on a free port; true once it accepts connections. False with
    // errorString() naming what failed and why (the tail of the server log when it did not start).
    bool start(int timeoutMs = 60000);
    // Stops the server (pg_ctl stop -m fast); the cluster stays, and start() brings it back with
    // its data on the same port (a restart, as a database that went away and came back).
    void stop();
    bool isRunning() const { return m_running; }
    QString errorString() const { return m_error; }

    quint16 port() const { return m_port; }
    QString user() const { return QStringLiteral("marquee"); }
    QString binDir() const { return m_binDir; }
    QString logFile() const; // the server's log
    QString socketDir() const; // where its Unix socket is (.s.PGSQL.<port>)
    QString logTail(int lines = 30) const;

    // postgresql://marquee@127.0.0.1:PORT/dbName
    QString url(const QString &dbName) const;
    // An empty database (owned by marquee); false (errorString()) if it exists or cannot be made.
    bool createDatabase(const QString &dbName);
    bool dropDatabase(const QString &dbName);
    // Runs SQL with psql in dbName; *output gets the rows unaligned ("|" between columns, one row
    // a line, no header). False (errorString()) when psql fails or a statement errs.
    bool psql(const QString &dbName, const QString &sql, QString *output = nullptr);

    // The newest /usr/lib/postgresql/<version>/bin holding pg_ctl and initdb, or empty.
    static QString findServerBinaries();

private:
    struct Result
    {
        bool ok = false;
        QString output; // stdout
        QString errors; // stderr
        QString all() const { return (output + QLatin1Char('\n') + errors).trimmed(); }
    };
    Result runTool(const QString &tool, const QStringList &args, bool asServerUser,
        int timeoutMs = 60000) const;
    QProcessEnvironment toolEnvironment() const;
    QString dataDir() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_binDir;
    quint16 m_port = 0;
    bool m_running = false;
    bool m_asPostgres = false; // we are root: the server binaries run as postgres
    QString m_error;
};

} // namespace marquee::test
