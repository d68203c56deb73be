#pragma once

#include "accesslog.h"
#include "logbuffer.h"
#include "logformatter.h"
#include "loglevel.h"
#include "logsink.h"

#include <QString>
#include <QTimer>
#include <QtMessageHandler>

#include <atomic>
#include <cstdio>
#include <functional>
#include <vector>

namespace marquee {

// Sets Qt's logging filter rules for the level. Qt keeps those rules for the whole process, so
// this is a free function rather than something a Logger would seem to own.
void setLogLevel(LogLevel level);

// The server's log: every line, a Qt message or an access record, becomes a LogRecord (redacted
// by the formatter), is formatted once, goes to the sink and to the bounded buffer with ids that a
// viewer reads. An ordinary object with an owner: the wiring (app/main.cpp, the test support)
// creates it and hands it, or the AccessLog view of it, to whoever writes. It receives Qt's
// messages only while a LogInstallation for it exists. Its flush timer (batched access lines go
// out at least every 100 ms) runs on the thread that created it, when that thread has an event
// loop. Thread-safe; it must outlive every thread that may still log to it.
//
// An access line costs the request that logs it a copy of its record and the clock read, nothing
// more: the records wait (at most kMaxPendingAccess of them) and are formatted together by the
// batch writer, on the flush timer, before the next Qt message, or on flush(); the buffer words
// them only when read (LogBuffer). The order of lines in the output holds.
class Logger final : public AccessLog
{
public:
    explicit Logger(LogFormat format = LogFormat::Text);
    ~Logger(); // writes batched lines
    Q_DISABLE_COPY_MOVE(Logger)

    // Lines logged before take the format they were logged with.
    void setFormat(LogFormat format);
    void setOutput(FILE *out); // batched lines go to the old output first
    void addSecret(const QString &secret) { m_formatter.addSecret(secret); }
    QString redact(QString text) const { return m_formatter.redact(std::move(text)); }

    // A Qt message (what the installed handler calls); redacted with every rule.
    void logMessage(const QString &level, const QString &category, const QString &message);
    void logAccess(const AccessRecord &record) override; // batched; nothing unless lcAccess is info
    void flush(); // writes batched access lines now
    LogBuffer *buffer() { return &m_buffer; }
    const LogBuffer *buffer() const { return &m_buffer; }
    // Called after each Qt message is written, on the thread that logged it, with no lock of the
    // logger held. Set it before any other thread logs (it is read without a lock).
    using MessageHook = std::function<void(
        const QString &level, const QString &category, const QString &message)>;
    void setMessageHook(MessageHook hook) { m_messageHook = std::move(hook); }

    // Access records waiting to be formatted; reaching it, the request that logs one formats them.
    static constexpr size_t kMaxPendingAccess = 512;

private:
    struct PendingAccess
    {
        AccessRecord record;
        qint64 ms; // when it was logged
    };
    MessageHook m_messageHook;
    void write(const LogRecord &record);
    // Formats the waiting access records into the sink's batch; m_writeMutex is held.
    void formatPendingLocked();

    LogFormatter m_formatter;
    LogSink m_sink;
    LogBuffer m_buffer;
    QTimer m_flushTimer;
    // Held while lines go to the sink, so that the waiting access records are formatted before
    // any later line and with the format in force when they were logged.
    QMutex m_writeMutex;
    QMutex m_pendingMutex; // guards m_pending
    std::vector<PendingAccess> m_pending;
    std::vector<PendingAccess> m_formatting; // m_writeMutex: the batch being formatted
};

// Qt's message handler is one per process; this is the one place that installs ours. While it
// lives, qDebug/qInfo/qWarning/... go to its Logger; its destructor puts back the handler it
// replaced. The trampoline finds the logger through a static pointer that only this class sets
// and clears: nothing else may look the logger up. Create it on the main thread, after the
// Logger and before any other thread logs; installations nest (the inner one wins until it ends).
// Ending an installation waits for the messages other threads are writing through it, so its
// Logger may be destroyed right after.
class LogInstallation
{
public:
    explicit LogInstallation(Logger &logger);
    ~LogInstallation();
    Q_DISABLE_COPY_MOVE(LogInstallation)

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message);
    static std::atomic<Logger *> s_current;

    Logger *m_previousLogger = nullptr;
    QtMessageHandler m_previousHandler = nullptr;
};

} // namespace marquee
