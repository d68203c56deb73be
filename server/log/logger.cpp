#include "logger.h"

#include "categories.h"

#include <QLoggingCategory>
#include <QReadWriteLock>

namespace marquee {

void setLogLevel(LogLevel level)
{
    QString rules = QStringLiteral("qt.*.debug=false\n");
    switch (level) {
    case LogLevel::Debug:
        rules += QStringLiteral("marquee.*.debug=true\n");
        break;
    case LogLevel::Error:
        rules += QStringLiteral("*.warning=false\n");
        Q_FALLTHROUGH();
    case LogLevel::Warning:
        rules += QStringLiteral("*.info=false\n");
        Q_FALLTHROUGH();
    case LogLevel::Info:
        rules += QStringLiteral("*.debug=false\n");
        break;
    }
    QLoggingCategory::setFilterRules(rules);
}

Logger::Logger(LogFormat format)
{
    m_formatter.setFormat(format);
    m_buffer.setAccessDescriber(
        [this](const AccessRecord &record) { return m_formatter.accessRecord(record).message; });
    // A viewer reading the buffer sees the access lines still waiting for the writer too.
    m_buffer.setBeforeRead([this] { drain(); });
    m_pending.reserve(kWakeWriterAt * 2);
    m_writer.reset(QThread::create([this] { writerLoop(); }));
    m_writer->setObjectName(QStringLiteral("marquee-log"));
    m_writer->start();
}

Logger::~Logger()
{
    {
        std::lock_guard<std::mutex> lock(m_pendingMutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_writer->wait();
    m_buffer.setBeforeRead({});
    flush();
}

void Logger::writerLoop()
{
    using namespace std::chrono_literals;
    std::unique_lock<std::mutex> lock(m_pendingMutex);
    while (!m_stopping) {
        // Woken by a full batch: formats it; else, every 100 ms, writes everything out.
        const bool full = m_wake.wait_for(
            lock, 100ms, [this] { return m_stopping || m_pending.size() >= kWakeWriterAt; });
        lock.unlock();
        if (full)
            drain();
        else
            flush();
        lock.lock();
    }
}

void Logger::setFormat(LogFormat format)
{
    QMutexLocker lock(&m_writeMutex);
    std::vector<AccessLine> announce;
    quint64 first = 0;
    drainLocked(&announce, &first); // logged meanwhile
    m_formatter.setFormat(format);
    lock.unlock();
    m_buffer.announceAccess(first, announce);
}

void Logger::setOutput(FILE *out)
{
    QMutexLocker lock(&m_writeMutex);
    std::vector<AccessLine> announce;
    quint64 first = 0;
    drainLocked(&announce, &first);
    m_sink.setOutput(out);
    lock.unlock();
    m_buffer.announceAccess(first, announce);
}

void Logger::flush()
{
    drain();
    m_sink.flush();
}

void Logger::drainLocked(std::vector<AccessLine> *announce, quint64 *firstId)
{
    {
        std::lock_guard<std::mutex> lock(m_pendingMutex);
        if (m_pending.empty())
            return;
        m_draining.swap(m_pending); // both keep their capacity: no allocation per batch
    }
    QByteArray lines;
    lines.reserve(qsizetype(m_draining.size()) * 128);
    for (const AccessLine &a : m_draining)
        m_formatter.appendAccessLine(lines, a.record, a.ms);
    m_sink.write(std::move(lines), true);
    *firstId = m_buffer.storeAccess(m_draining);
    if (m_buffer.hasListeners())
        *announce = m_draining;
    m_draining.clear();
}

void Logger::drain()
{
    std::vector<AccessLine> announce;
    quint64 first = 0;
    {
        QMutexLocker lock(&m_writeMutex);
        drainLocked(&announce, &first);
    }
    m_buffer.announceAccess(first, announce);
}

void Logger::write(const LogRecord &record)
{
    std::vector<AccessLine> announce;
    quint64 first = 0;
    LogEntry entry {0, record.time, record.level, record.category, record.message};
    {
        QMutexLocker lock(&m_writeMutex);
        drainLocked(&announce, &first); // the access lines logged before go out before this one
        m_sink.write(m_formatter.format(record), false);
        entry.id = m_buffer.store(entry);
    }
    m_buffer.announceAccess(first, announce);
    m_buffer.announce(entry);
}

void Logger::logMessage(const QString &level, const QString &category, const QString &message)
{
    write(m_formatter.qtRecord(level, category, message));
    if (m_messageHook)
        m_messageHook(level, category, message);
}

void Logger::logAccess(const AccessRecord &record)
{
    if (!lcAccess().isInfoEnabled())
        return;
    const qint64 ms = QDateTime::currentMSecsSinceEpoch();
    size_t waiting;
    {
        std::lock_guard<std::mutex> lock(m_pendingMutex);
        m_pending.push_back(AccessLine {record, ms});
        waiting = m_pending.size();
    }
    if (waiting == kWakeWriterAt)
        m_wake.notify_one();
    else if (waiting >= kMaxPendingAccess)
        drain(); // the writer is behind: this thread formats
}

// ---- LogInstallation -------------------------------------------------------------------------

std::atomic<Logger *> LogInstallation::s_current {nullptr};

// Held for reading while a message is being written, for writing while the installation
// changes: an installation that ends waits for the messages other threads are writing through
// it, so its Logger can be destroyed right after. Nothing may log while holding it for writing
// (the handler would wait for itself); a message emitted while one is being written never
// re-enters the handler (Qt hands it to stderr), so it need not be recursive. Never destroyed:
// a thread still logging while the process exits must not find it gone.
static QReadWriteLock &installationLock()
{
    static auto *lock = new QReadWriteLock;
    return *lock;
}

static QString levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return QStringLiteral("debug");
    case QtInfoMsg:
        return QStringLiteral("info");
    case QtWarningMsg:
        return QStringLiteral("warning");
    case QtCriticalMsg:
        return QStringLiteral("error");
    case QtFatalMsg:
        return QStringLiteral("fatal");
    }
    return QStringLiteral("info");
}

LogInstallation::LogInstallation(Logger &logger)
{
    QWriteLocker lock(&installationLock());
    m_previousLogger = s_current.exchange(&logger);
    m_previousHandler = qInstallMessageHandler(&LogInstallation::handle);
}

LogInstallation::~LogInstallation()
{
    QWriteLocker lock(&installationLock());
    qInstallMessageHandler(m_previousHandler);
    s_current.store(m_previousLogger);
}

void LogInstallation::handle(
    QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QString category
        = context.category ? QString::fromLatin1(context.category) : QStringLiteral("default");
    QReadLocker lock(&installationLock());
    if (Logger *logger = s_current.load())
        logger->logMessage(levelName(type), category, message);
}

} // namespace marquee
