#pragma once

#include "adminbackend.h"
#include "adminreader.h"
#include "config/config.h"

#include <QDeadlineTimer>
#include <QMutex>
#include <QObject>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <deque>
#include <optional>

namespace marquee {

class AccessLog;
class LogBuffer;
class MarqueeServer;
class TrafficMeter;

// Runs a MarqueeServer on a thread of its own, with its own event loop, so that a window on the
// owner's thread never slows serving down and serving never freezes the window. The server (its
// listener, database connection, caches, timers) is created, started, stopped and destroyed on
// that thread, and nothing outside it ever touches it. The owner sees it only through copies
// (state(), snapshot()) taken under a mutex, and learns of a change from stateChanged(), a signal
// without arguments delivered on the owner's thread; it acts through requestStop(), an atomic flag
// the server's thread reads. Every hand-off is one ThreadSanitizer can see (Qt's own event queue
// is not instrumented in Debian's build; a signal's arguments would cross through it).
//
// @code
// ServerThread server(config, &logger);
// connect(&server, &ServerThread::stateChanged, window, [&] {
//     const ServerThread::State s = server.state();
//     if (s.phase == ServerThread::Phase::Stopped)
//         qApp->quit();
// });
// server.start();
// ...                                   // any time, on the owner's thread:
// const HealthSnapshot h = server.snapshot();
// server.requestStop();                 // in-flight requests finish, then Phase::Stopped
// @endcode
//
// It is also the admin window's AdminBackend: the richer snapshot, the users page and the admin
// actions cross the same way (copies under the mutex one way, a queue under it the other, picked
// up by the next tick).
//
// The access log and the log buffer are lent, must be thread-safe (Logger's are) and outlive this
// object. The destructor stops the server gracefully if it still runs and waits for its thread.
class ServerThread
    : public QObject
    , public AdminBackend
{
    Q_OBJECT
public:
    using Phase = AdminBackend::Phase;
    struct State
    {
        Phase phase = Phase::Idle;
        quint16 port = 0; // once Running
        QString error; // when Failed: why the server could not start
    };

    // How often the server's thread refreshes the snapshot, and looks for the owner's requests.
    static constexpr int kSnapshotIntervalMs = 250;
    static constexpr int kTickMs = 50;
    // The parts of the admin snapshot that cost a query (database size, users, cache rows) are
    // refreshed this often, and after every admin action.
    static constexpr int kCountsIntervalMs = 2000;
    static constexpr int kKeptResults = 200;

    ServerThread(Config config, AccessLog *accessLog, const LogBuffer *logs = nullptr,
        QObject *parent = nullptr);
    ~ServerThread() override;
    Q_DISABLE_COPY_MOVE(ServerThread)

    // Starts the thread and the server on it; returns at once. Phase Running or Failed follows.
    // Once only.
    void start();
    // The graceful stop (as SIGTERM): no new connections, in-flight requests finish within the
    // grace period, the database is closed; then Phase::Stopped. Thread-safe; safe to call more
    // than once, and before started(). Seen by the server's thread within kTickMs.
    void requestStop();

    State state() const;
    // The latest snapshot, at most kSnapshotIntervalMs old; a default one before Running.
    HealthSnapshot snapshot() const;
    bool isRunning() const { return m_thread.isRunning(); }
    // Waits for the server's thread to end (after requestStop()); false on timeout. For an exit
    // that cannot return to the event loop (see app/commands.cpp); otherwise use stateChanged().
    bool waitForStopped(int timeoutMs) { return m_thread.wait(QDeadlineTimer(timeoutMs)); }

    // AdminBackend.
    Phase phase() const override { return state().phase; }
    AdminSnapshot adminSnapshot() const override;
    QList<LogEntry> logLinesAfter(quint64 lastId) const override;
    quint64 queryUsers(const UserQuery &query) override;
    UserPage usersPage() const override;
    quint64 submit(const AdminCommand &command) override;
    QList<AdminResult> resultsAfter(quint64 lastSeq) const override;
    void subscribe(QObject *context, std::function<void()> changed) override;

signals:
    // state() changed; read state() for what. Always emitted on the owner's thread, and never
    // after this object is gone (a change on the server's thread reaches it as an event posted to
    // this object, dropped with it). At Stopped and Failed the server is gone and its thread ends.
    void stateChanged();
    // The server's thread's side of stateChanged() (relayed through the owner's event queue).
    void changedOnServerThread(QPrivateSignal);
    // A new snapshot, user page or action result (AdminBackend::subscribe), on the owner's
    // thread; relayed like stateChanged().
    void updated();
    void updatedOnServerThread(QPrivateSignal);

private:
    // On the server's thread.
    void startServer();
    void onTick();
    HealthSnapshot publish(); // also returns what it published
    // Counts::Request: ask the reader for new counts now (after an action, at start); WhenDue:
    // every kCountsIntervalMs; Arrived: rebuild from the counts the reader just brought.
    enum class Counts { WhenDue, Request, Arrived };
    void publishAdmin(Counts counts);
    void runQueued();
    AdminResult run(const AdminCommand &command);
    void announceUpdate();
    void keepResult(AdminResult result); // m_mutex held
    void failQueued(const QString &why);
    void finish();
    void stopReader();
    void setState(Phase phase, quint16 port = 0, const QString &error = {});

    const Config m_config;
    AccessLog *const m_accessLog;
    QThread m_thread;
    QObject *m_context = nullptr; // lives on m_thread: queued calls run there
    MarqueeServer *m_server = nullptr; // owned and touched on m_thread only
    QTimer *m_tick = nullptr; // on m_thread, a child of m_server
    TrafficMeter *m_meter = nullptr; // on m_thread, made with the server
    AdminReader *m_reader = nullptr; // made and stopped on m_thread; runs a thread of its own
    std::atomic<bool> m_countsArrived {false}; // reader -> server thread
    const LogBuffer *const m_logs;
    qint64 m_countsAtMs = -1; // server thread: when the costly counts were last taken
    AdminSnapshot m_counts; // server thread: those counts
    bool m_started = false; // owner's thread
    std::atomic<bool> m_stopRequested {false}; // owner -> server thread
    bool m_stopping = false; // server thread
    int m_ticks = 0; // server thread

    mutable QMutex m_mutex; // guards everything below
    HealthSnapshot m_snapshot;
    State m_state;
    AdminSnapshot m_admin;
    AdminReader::Counts m_read; // the reader's latest counts
    std::optional<std::pair<quint64, UserQuery>> m_userQuery; // the newest one not yet run
    quint64 m_lastUserRequest = 0;
    UserPage m_usersPage;
    std::deque<std::pair<quint64, AdminCommand>> m_commands;
    quint64 m_lastCommand = 0;
    std::deque<AdminResult> m_results; // the last kKeptResults
    quint64 m_lastResultSeq = 0;
    std::atomic<bool> m_adminWork {false}; // owner -> server thread: a query or command waits
};

} // namespace marquee
