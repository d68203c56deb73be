#include "logbuffer.h"

#include "categories.h"

#include <QMetaMethod>

namespace marquee {

LogBuffer::LogBuffer(int capacity, QObject *parent)
    : QObject(parent)
    , m_capacity(qMax(1, capacity))
{
    qRegisterMetaType<marquee::LogEntry>();
}

bool LogBuffer::lineAddedConnected() const
{
    static const QMetaMethod signal = QMetaMethod::fromSignal(&LogBuffer::lineAdded);
    return isSignalConnected(signal);
}

LogBuffer::Item &LogBuffer::push()
{
    if (m_items.size() < size_t(m_capacity)) {
        m_items.emplace_back();
        return m_items.back();
    }
    Item &slot = m_items[m_oldest];
    m_oldest = (m_oldest + 1) % m_items.size();
    return slot;
}

void LogBuffer::append(LogEntry entry)
{
    {
        QMutexLocker lock(&m_mutex);
        entry.id = m_nextId++;
        Item &item = push();
        item.entry = entry;
        item.access.reset();
    }
    emit lineAdded(entry);
}

void LogBuffer::appendAccess(const AccessRecord &record, qint64 msSinceEpoch)
{
    quint64 id;
    {
        QMutexLocker lock(&m_mutex);
        id = m_nextId++;
        Item &item = push();
        item.entry.id = id;
        item.access = record;
        item.accessMs = msSinceEpoch;
    }
    if (lineAddedConnected()) {
        Item item;
        item.entry.id = id;
        item.access = record;
        item.accessMs = msSinceEpoch;
        emit lineAdded(entryOf(item));
    }
}

LogEntry LogBuffer::entryOf(const Item &item) const
{
    if (!item.access)
        return item.entry;
    static const QString info = QStringLiteral("info");
    static const QString category = QString::fromLatin1(lcAccess().categoryName());
    const AccessRecord &r = *item.access;
    return LogEntry {item.entry.id, QDateTime::fromMSecsSinceEpoch(item.accessMs, Qt::UTC), info,
        category,
        m_describe ? m_describe(r)
                   : QString::fromLatin1(r.method) + QLatin1Char(' ') + QString::number(r.status)};
}

QList<LogEntry> LogBuffer::entriesAfter(quint64 lastKnownId) const
{
    QMutexLocker lock(&m_mutex);
    QList<LogEntry> out;
    for (size_t n = 0; n < m_items.size(); ++n) {
        const Item &item = m_items[(m_oldest + n) % m_items.size()];
        if (item.entry.id > lastKnownId)
            out.append(entryOf(item));
    }
    return out;
}

} // namespace marquee
