#pragma once

#include <QByteArray>
#include <QMutex>

#include <cstdio>

namespace marquee {

// Where formatted lines go: a FILE* (stderr unless told otherwise). Access lines are batched
// (one write per 32 KiB, per flush() or with the next unbatched line, whose write carries them
// first so that the order of lines holds); every other line is written at once. The caller
// flushes the batch on a timer. Thread-safe. The FILE* is not owned.
class LogSink
{
public:
    explicit LogSink(FILE *out = stderr);
    ~LogSink(); // flushes

    void write(QByteArray line, bool batched);
    void flush(); // writes batched lines now
    void setOutput(FILE *out); // batched lines go to the old output first

    static constexpr qsizetype kBatchBytes = 32 * 1024;

private:
    void writeLocked(const QByteArray &bytes);

    QMutex m_mutex;
    FILE *m_out;
    QByteArray m_pending;
};

} // namespace marquee
