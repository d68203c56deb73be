#include "logger.h"

#include "categories.h"

#include <QCoreApplication>
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
    m_pending.reserve(kMaxPendingAccess);
    // Access lines are written in batches (one write per ~100 ms under load, not one per request).
    m_flushTimer.setInterval(100);
    QObject::connect(&m_flushTimer, &QTimer::timeout, [this] { flush(); });
    if (QCoreApplication::instance())
        m_flushTimer.start();
}

Logger::~Logger()
{
    flush();
}

void Logger::setFormat(LogFormat format)
{
    QMutexLocker lock(&m_writeMutex);
    formatPendingLocked();
    m_formatter.setFormat(format);
}

void Logger::setOutput(FILE *out)
{
    QMutexLocker lock(&m_writeMutex);
    formatPendingLocked();
    m_sink.setOutput(out);
}

void Logger::flush()
{
    QMutexLocker lock(&m_writeMutex);
    formatPendingLocked();
    m_sink.flush();
}

void Logger::formatPendingLocked()
{
    {
        QMutexLocker lock(&m_pendingMutex);
        if (m_pending.empty())
            return;
        m_formatting.swap(m_pending);
        m_pending.reserve(kMaxPendingAccess);
    }
    QByteArray lines;
    lines.reserve(qsizetype(m_formatting.size()) * 128);
    for (const PendingAccess &p : m_formatting)
        m_formatter.appendAccessLine(lines, p.record, p.ms);
    m_formatting.clear();
    m_sink.write(std::move(lines), true);
}

void Logger::write(const LogRecord &record)
{
    {
        QMutexLocker lock(&m_writeMutex);
        formatPendingLocked(); // the access lines logged before go out before this one
        m_sink.write(m_formatter.format(record), false);
    }
    m_buffer.append(LogEntry {0, record.time, record.level, record.category, record.message});
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
    m_buffer.appendAccess(record, ms);
    bool full;
    {
        QMutexLocker lock(&m_pendingMutex);
        m_pending.push_back(PendingAccess {record, ms});
        full = m_pending.size() >= kMaxPendingAccess;
    }
    if (full) {
        QMutexLocker lock(&m_writeMutex);
        formatPendingLocked();
    }
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
