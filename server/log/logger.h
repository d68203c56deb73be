#pragma once

#include "logbuffer.h"

#include <QByteArray>
#include <QMutex>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <cstdio>

namespace marquee {

struct AccessRecord
{
    QByteArray method;
    QString path; // never the query string: it may carry secrets
    int status = 0;
    double durationMs = 0;
    qint64 bytes = 0;
    QByteArray requestId;
    qint64 userId = 0;
    bool clientGone = false;
};

enum class LogFormat { Text, Json };
enum class LogLevel { Debug, Info, Warning, Error };

// The process-wide log sink: Qt's message handler, the access log and the in-memory buffer.
// Everything written passes through redact(): configured secrets, Authorization/Cookie values,
// bearer tokens, JWTs and api_key-style query parameters never reach a log line.
class Logger
{
public:
    static Logger &instance();

    void install(LogFormat format, LogLevel level);
    void setFormat(LogFormat format) { m_format = format; }
    void setLevel(LogLevel level);
    void setOutput(FILE *out); // batched lines go to the old output first
    void addSecret(const QString &secret);
    QString redact(QString text) const;

    void logAccess(const AccessRecord &record);
    void flush(); // writes batched access lines now
    LogBuffer *buffer() { return &m_buffer; }

private:
    Logger();
    static void messageHandler(
        QtMsgType type, const QMessageLogContext &context, const QString &message);
    void write(const QString &level, const QString &category, const QString &message,
        const QString &jsonExtra = {}, bool batched = false);
    QString redactSecrets(QString text) const;
    QString accessPath(const QString &path) const;
    QString timestamp(const QDateTime &now);

    LogFormat m_format = LogFormat::Text;
    mutable QMutex m_mutex;
    QStringList m_secrets;
    QList<QRegularExpression> m_patterns;
    LogBuffer m_buffer;
    FILE *m_out = stderr;
    QByteArray
        m_pending; // access lines waiting for one write (flushed by size, timer, other lines)
    qint64 m_stampMs = -1;
    QString m_stamp;
};

bool parseLogLevel(const QString &text, LogLevel *level);

} // namespace marquee
