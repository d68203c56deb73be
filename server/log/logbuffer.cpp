#include "logbuffer.h"

namespace marquee {

LogBuffer::LogBuffer(int capacity, QObject *parent)
    : QObject(parent)
    , m_capacity(qMax(1, capacity))
{
    qRegisterMetaType<marquee::LogEntry>();
}

void LogBuffer::append(LogEntry entry)
{
    {
        QMutexLocker lock(&m_mutex);
        entry.id = m_nextId++;
        m_entries.push_back(entry);
        while (int(m_entries.size()) > m_capacity)
            m_entries.pop_front();
    }
    emit lineAdded(entry);
}

QList<LogEntry> LogBuffer::entriesAfter(quint64 lastKnownId) const
{
    QMutexLocker lock(&m_mutex);
    QList<LogEntry> out;
    for (const auto &e : m_entries) {
        if (e.id > lastKnownId)
            out.append(e);
    }
    return out;
}

} // namespace marquee
