#pragma once

#include <QThread>

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace marquee {

class Database;
class Mailbox;

// Threads that run blocking database work for the event loops, each on a connection of its own
// (Database::connection() is per thread). What they are for: a PostgreSQL write waits until its
// commit is on disk, and one connection commits one write at a time; several writes in flight on
// several connections are flushed together by the server's own group commit. An event loop hands
// the work over and goes on serving; the answer goes back to the request's loop
// (Exchange::respond from another thread).
class DatabaseWorkers
{
public:
    // releaseThread runs on each worker before its connection closes (what was prepared there).
    DatabaseWorkers(Database &db, int count, std::function<void()> releaseThread);
    ~DatabaseWorkers(); // stop()
    Q_DISABLE_COPY_MOVE(DatabaseWorkers)

    // Any thread: work runs later on the worker of `key` (a user's id: one user's work runs in
    // the order it was posted). False, and work dropped unrun, once stop() has begun.
    bool post(quint64 key, std::function<void()> work);
    // Runs what was posted, closes the workers' connections, ends their threads. Safe twice.
    void stop();
    int count() const { return int(m_workers.size()); }

private:
    struct Worker
    {
        QThread thread;
        Mailbox *mailbox = nullptr; // lives in `thread`
    };

    Database &m_db;
    std::function<void()> m_release;
    std::vector<std::unique_ptr<Worker>> m_workers;
    std::mutex m_mutex; // post() against stop(): no mailbox is used once it may be gone
    bool m_stopping = false; // guarded by m_mutex
};

} // namespace marquee
