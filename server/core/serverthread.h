#pragma once

#include "api/serverstatus.h"
#include "config/config.h"

#include <QMutex>
#include <QObject>
#include <QThread>
#include <QTimer>

#include <atomic>

namespace marquee {

class AccessLog;
class MarqueeServer;

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
// The access log is lent and must be thread-safe (Logger is) and outlive this object. The
// destructor stops the server gracefully if it still runs and waits for its thread.
class ServerThread : public QObject
{
    Q_OBJECT
public:
    enum class Phase { Idle, Starting, Running, Stopping, Stopped, Failed };
    struct State
    {
        Phase phase = Phase::Idle;
        quint16 port = 0; // once Running
        QString error; // when Failed: why the server could not start
    };

    // How often the server's thread refreshes the snapshot, and looks for the owner's requests.
    static constexpr int kSnapshotIntervalMs = 250;
    static constexpr int kTickMs = 50;

    ServerThread(Config config, AccessLog *accessLog, QObject *parent = nullptr);
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

signals:
    // state() changed; read state() for what. Always emitted on the owner's thread, and never
    // after this object is gone (a change on the server's thread reaches it as an event posted to
    // this object, dropped with it). At Stopped and Failed the server is gone and its thread ends.
    void stateChanged();
    // The server's thread's side of stateChanged() (relayed through the owner's event queue).
    void changedOnServerThread(QPrivateSignal);

private:
    // On the server's thread.
    void startServer();
    void onTick();
    void publish();
    void finish();
    void setState(Phase phase, quint16 port = 0, const QString &error = {});

    const Config m_config;
    AccessLog *const m_accessLog;
    QThread m_thread;
    QObject *m_context = nullptr; // lives on m_thread: queued calls run there
    MarqueeServer *m_server = nullptr; // owned and touched on m_thread only
    QTimer *m_tick = nullptr; // on m_thread, a child of m_server
    bool m_started = false; // owner's thread
    std::atomic<bool> m_stopRequested {false}; // owner -> server thread
    bool m_stopping = false; // server thread
    int m_ticks = 0; // server thread

    mutable QMutex m_mutex; // guards m_snapshot and m_state
    HealthSnapshot m_snapshot;
    State m_state;
};

} // namespace marquee
