#include "serverthread.h"

#include "log/categories.h"
#include "marqueeserver.h"

#include <QTimer>

namespace marquee {

ServerThread::ServerThread(Config config, AccessLog *accessLog, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_accessLog(accessLog)
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
    m_server = new MarqueeServer(m_config, m_accessLog);
    QString error;
    if (!m_server->start(&error)) {
        delete m_server;
        m_server = nullptr;
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
    m_tick->start(kTickMs);
    publish();
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
        m_server->shutdown(); // stopped() -> finish()
        return;
    }
    if (++m_ticks * kTickMs >= kSnapshotIntervalMs) {
        m_ticks = 0;
        publish();
    }
}

void ServerThread::publish()
{
    const HealthSnapshot h = m_server->health();
    QMutexLocker lock(&m_mutex);
    m_snapshot = h;
}

void ServerThread::finish()
{
    // No tick after this: one due in this same pass of the event loop (the grace timer and the
    // tick can expire together) would find the server gone.
    m_tick->stop();
    m_tick = nullptr;
    publish();
    // Later, not now: finish() runs inside the server's own stopped() signal.
    MarqueeServer *server = std::exchange(m_server, nullptr);
    QTimer::singleShot(0, m_context, [this, server] {
        delete server;
        m_thread.quit();
        setState(Phase::Stopped);
    });
}

} // namespace marquee
