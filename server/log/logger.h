#pragma once

#include "accesslog.h"
#include "logbuffer.h"
#include "logformatter.h"
#include "loglevel.h"
#include "logsink.h"

#include <QMutex>
#include <QString>
#include <QThread>
#include <QtMessageHandler>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace marquee {

// Sets Qt's logging filter rules for the level. Qt keeps those rules for the whole process, so
// this is a free function rather than something a Logger would seem to own.
void setLogLevel(LogLevel level);

// The server's log: every line, a Qt message or an access record, becomes a LogRecord (redacted
// by the formatter), is formatted once, goes to the sink and to the bounded buffer with ids that a
// viewer reads. An ordinary object with an owner: the wiring (app/main.cpp, the test support)
// creates it and hands it, or the AccessLog view of it, to whoever writes. It receives Qt's
// messages only while a LogInstallation for it exists. Thread-safe; it must outlive every thread
// that may still log to it.
//
// An access line costs the request that logs it a copy of its record and a clock read, nothing
// more. The records wait, and the log's writer thread formats them in batches (when
// kWakeWriterAt of them wait, and every 100 ms, when it also writes the batched lines out), off
// the threads that serve; a Qt message, flush(), setFormat(), setOutput() and a read of the
// buffer take the waiting records first, so the order of lines and their ids holds. Should the
// writer fall kMaxPendingAccess records behind, the request that logs one formats them.
class Logger final : public AccessLog
{
public:
    explicit Logger(LogFormat format = LogFormat::Text);
    ~Logger(); // stops the writer thread, writes batched lines
    Q_DISABLE_COPY_MOVE(Logger)

    // Lines logged before take the format they were logged with.
    void setFormat(LogFormat format);
    void setOutput(FILE *out); // batched lines go to the old output first
    void addSecret(const QString &secret) { m_formatter.addSecret(secret); }
    QString redact(QString text) const { return m_formatter.redact(std::move(text)); }

    // A Qt message (what the installed handler calls); redacted with every rule.
    void logMessage(const QString &level, const QString &category, const QString &message);
    void logAccess(const AccessRecord &record) override; // batched; nothing unless lcAccess is info
    void flush(); // formats the waiting access lines and writes every batched line now
    LogBuffer *buffer() { return &m_buffer; }
    const LogBuffer *buffer() const { return &m_buffer; }
    // Called after each Qt message is written, on the thread that logged it, with no lock of the
    // logger held. Set it before any other thread logs (it is read without a lock).
    using MessageHook = std::function<void(
        const QString &level, const QString &category, const QString &message)>;
    void setMessageHook(MessageHook hook) { m_messageHook = std::move(hook); }

    static constexpr size_t kWakeWriterAt = 256;
    static constexpr size_t kMaxPendingAccess = 8192;

private:
    MessageHook m_messageHook;
    void write(const LogRecord &record);
    // Formats the waiting access records into the sink's batch and stores them in the buffer;
    // m_writeMutex is held. The records announced afterwards (LogBuffer::announceAccess, with no
    // lock held) go to *announce, from id *firstId, when something listens to the buffer.
    void drainLocked(std::vector<AccessLine> *announce, quint64 *firstId);
    void drain(); // drainLocked() and the announcement
    void writerLoop();

    LogFormatter m_formatter;
    LogSink m_sink;
    LogBuffer m_buffer;
    // Held while lines go to the sink and the buffer, so that the waiting access records go
    // before any later line, with the format in force when they were logged.
    QMutex m_writeMutex;
    std::vector<AccessLine> m_draining; // m_writeMutex: the batch being formatted

    std::mutex m_pendingMutex; // guards m_pending and m_stopping
    std::condition_variable m_wake;
    std::vector<AccessLine> m_pending;
    bool m_stopping = false;
    std::unique_ptr<QThread> m_writer; // "marquee-log"; last: started once all above exists
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
