#pragma once

#include "databaseurl.h"

#include <QMutex>
#include <QSqlDatabase>
#include <QStringList>
#include <QThread>

#include <functional>

namespace marquee {

// The database behind every store: SQLite (embedded default) or PostgreSQL. A QSqlDatabase
// connection belongs to the thread that opened it, so each thread gets its own, opened on first
// use. Everything dialect-specific lives here and in the migrations' type table.
class Database
{
public:
    explicit Database(DatabaseUrl url);
    ~Database();
    Q_DISABLE_COPY_MOVE(Database)

    // Checks the driver plugin and (SQLite) that the file's folder can be created and written;
    // opens this thread's connection. On failure *error is one clear sentence.
    bool open(QString *error);
    QSqlDatabase connection(); // this thread's connection (opened on demand)
    void close(); // closes every connection this object opened

    // SQLite: copies the write-ahead log into the database from a thread of its own, so the
    // fsync of a checkpoint never stalls a request on the event loop.
    void startBackgroundCheckpoints(int intervalMs = 250);
    void stopBackgroundCheckpoints();

    SqlDialect dialect() const { return m_url.dialect; }
    const DatabaseUrl &url() const { return m_url; }
    bool ping();

    // Runs fn inside a transaction; commits when it returns true, rolls back otherwise or on throw.
    bool transaction(const std::function<bool(QSqlDatabase &)> &fn);

private:
    bool openConnection(const QString &name, QString *error);

    DatabaseUrl m_url;
    QMutex m_mutex;
    QStringList m_connectionNames;
    bool m_closed = false;
    QThread *m_checkpointThread = nullptr;
    void closeThreadConnection(); // after close() no connection is opened again (late callbacks at
                                  // shutdown)
};

} // namespace marquee
