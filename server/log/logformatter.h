#pragma once

#include "accesslog.h"
#include "loglevel.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMutex>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <atomic>
#include <optional>

namespace marquee {

// One log line before it is formatted: a Qt message or an access record. The message is already
// redacted; `access` is set for access lines, whose JSON form carries the record's fields.
struct LogRecord
{
    QDateTime time; // UTC
    QString level; // debug, info, warning, error, fatal
    QString category;
    QString message;
    std::optional<AccessRecord> access; // with the path already cleaned
};

// Turns records into bytes (a text line or a JSON line, each ending in '\n') and owns the rules
// that keep secrets out of them: configured secrets, Authorization/Cookie values, bearer tokens,
// JWTs and api_key-style query parameters never reach a log line. It makes records too, so that
// redaction happens in one place: qtRecord() for Qt's messages (every rule), accessRecord() for
// access lines (built from the method, the path without its query and numbers, so only the path's
// secrets and JWTs need replacing, without regular expressions on the hot path). Thread-safe.
class LogFormatter
{
public:
    LogFormatter();

    void setFormat(LogFormat format) { m_format.store(format, std::memory_order_relaxed); }
    LogFormat format() const { return m_format.load(std::memory_order_relaxed); }
    void addSecret(const QString &secret); // shorter than 4 characters: ignored
    QString redact(QString text) const; // every rule

    LogRecord qtRecord(const QString &level, const QString &category, const QString &message) const;
    LogRecord accessRecord(const AccessRecord &record) const;
    QByteArray format(const LogRecord &record) const;
    // Appends the line of an access record logged at `msSinceEpoch`: the bytes
    // format(accessRecord(record)) gives with that time, without the QString round trips (access
    // lines are formatted in batches, off the request path: Logger).
    void appendAccessLine(QByteArray &out, const AccessRecord &record, qint64 msSinceEpoch) const;

private:
    QString redactSecrets(QString text) const;
    QString accessPath(const QString &path) const;

    std::atomic<LogFormat> m_format {LogFormat::Text};
    mutable QMutex m_mutex; // guards m_secrets
    QStringList m_secrets;
    QList<QRegularExpression> m_patterns; // immutable after construction
};

} // namespace marquee
