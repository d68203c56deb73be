#pragma once

#include "config/databaseurl.h"
#include "storeerror.h"

#include <QHash>
#include <QSqlDatabase>
#include <QStringList>
#include <QThread>

class QTcpSocket;

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

namespace marquee {

// The database behind every store: SQLite (embedded default) or PostgreSQL. A QSqlDatabase
// connection belongs to the thread that opened it, so each thread gets its own, opened on first
// use. Everything dialect-specific lives here and in the migrations' type table. Failures are
// thrown as StoreError (storeerror.h).
class Database
{
public:
    explicit Database(DatabaseUrl url);
    ~Database();
    Q_DISABLE_COPY_MOVE(Database)

    // Checks the driver plugin and (SQLite) that the file's folder can be created and written;
    // opens this thread's connection. Throws StoreError (Unavailable) whose message is one clear
    // sentence.
    void open();
    // A connection named `name` to `url`, opened with the URL's connect options and nothing
    // more: it runs no statement (no pragma, no schema, no setting), so `marquee import` reads the
    // original backend's database through it without writing there. Throws StoreError
    // (Unavailable), one sentence, when the driver is missing or the connection fails; the named
    // connection is then removed again.
    static QSqlDatabase connect(const DatabaseUrl &url, const QString &name);
    QSqlDatabase connection(); // this thread's connection (opened on demand)
    // connection(), open, or StoreError (Unavailable): what a store method asks for first.
    QSqlDatabase requireConnection();
    void close(); // closes every connection this object opened

    // SQLite: copies the write-ahead log into the database from a thread of its own, so the
    // fsync of a checkpoint never stalls a request on the event loop.
    void startBackgroundCheckpoints(int intervalMs = 250);
    void stopBackgroundCheckpoints();

    SqlDialect dialect() const { return m_url.dialect; }
    const DatabaseUrl &url() const { return m_url; }
    bool ping();
    // What the data takes on disk (SQLite: the file's pages; PostgreSQL: pg_database_size);
    // -1 when it cannot be told.
    qint64 sizeBytes();

    // Group commit: writes made while a group is open share one transaction, committed when the
    // event loop next turns (or once 256 writers wait); each writer answers its client from
    // afterGroupCommit(), i.e. only once its row is durable. One commit for many requests is
    // what lets one event loop sustain high write rates on SQLite. Groups are the owner's (the
    // primary event loop's): on any other thread beginGroup() and commitGroup() do nothing and
    // afterGroupCommit() calls back at once, every write there committing on its own.
    void beginGroup();
    void afterGroupCommit(
        std::function<void(bool committed)> done); // at once when no group is open
    void commitGroup();
    bool inGroup() const { return onOwnerThread() && m_groupOpen; }

    // Runs fn inside a transaction; commits when it returns true (and returns true), rolls back
    // and returns false when it returns false, rolls back and rethrows when it throws. A
    // transaction that cannot begin or commit throws StoreError.
    bool transaction(const std::function<bool(QSqlDatabase &)> &fn);

    // Closes the calling thread's connection: a thread other than the owner's calls it before it
    // ends. (After close() no connection is opened again: late callbacks at shutdown.)
    void closeThreadConnection();

    // Called on a thread (a database worker) whose reconnections may wait connect_timeout
    // whatever other threads found: an event loop's do not while an attempt has failed since the
    // host last answered (they answer 503 at once instead).
    static void mayWaitToReconnect();
    // The thread that made this object (the server's primary event loop): write groups are its.
    bool onOwnerThread() const { return QThread::currentThread() == m_ownerThread; }

private:
    void openConnection(const QString &name); // throws StoreError (Unavailable)
    // A (re)connection may be tried for this thread's connection now: not within
    // kReconnectIntervalMs of the last attempt that failed or found the connection lost.
    bool reconnectDue(const QString &name);
    // PostgreSQL over TCP, after a failed attempt, on the owner's event loop: whether the host
    // has answered a TCP connect in the last 3 s; when not, one is started (asynchronously) and
    // the next call may find it answered. Elsewhere always true.
    bool hostAnswers();
    static constexpr qint64 kReconnectIntervalMs = 1000;

    DatabaseUrl m_url;
    std::mutex m_mutex;
    QStringList m_connectionNames;
    QHash<QString, qint64> m_failedAttempts; // connection name -> when (ms); guarded by m_mutex
    std::atomic<bool> m_closed {false}; // read by every thread's connection()
    QThread *m_ownerThread; // the thread that made this object (the server's event loop)
    QTcpSocket *m_probe = nullptr; // hostAnswers()' TCP connect in flight
    std::atomic<qint64> m_hostAnsweredAtMs {0}; // the owner's probe; read by every thread
    std::atomic<qint64> m_attemptFailedAtMs {0}; // any thread's last failed attempt; 0: none since
    QThread *m_checkpointThread = nullptr;
    bool m_groupOpen = false;
    QList<std::function<void(bool)>> m_groupWaiters;
    std::unique_ptr<QObject> m_groupTimerContext; // cancels a pending commit with this object
};

} // namespace marquee
