#include "logsink.h"

#include <utility>

namespace marquee {

LogSink::LogSink(FILE *out)
    : m_out(out)
{ }

LogSink::~LogSink()
{
    flush();
}

void LogSink::writeLocked(const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), m_out);
    std::fflush(m_out);
}

void LogSink::write(QByteArray line, bool batched)
{
    QMutexLocker lock(&m_mutex);
    if (batched) {
        m_pending.append(line);
        if (m_pending.size() >= kBatchBytes)
            writeLocked(std::exchange(m_pending, QByteArray()));
        return;
    }
    if (!m_pending.isEmpty())
        line.prepend(std::exchange(m_pending, QByteArray())); // keep the order of lines
    writeLocked(line);
}

void LogSink::flush()
{
    QMutexLocker lock(&m_mutex);
    if (!m_pending.isEmpty())
        writeLocked(std::exchange(m_pending, QByteArray()));
}

void LogSink::setOutput(FILE *out)
{
    QMutexLocker lock(&m_mutex);
    if (!m_pending.isEmpty())
        writeLocked(std::exchange(m_pending, QByteArray()));
    m_out = out;
}

} // namespace marquee
