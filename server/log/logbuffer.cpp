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

bool LogBuffer::hasListeners() const
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
    entry.id = store(entry);
    announce(entry);
}

quint64 LogBuffer::store(const LogEntry &entry)
{
    QMutexLocker lock(&m_mutex);
    Item &item = push();
    item.entry = entry;
    item.entry.id = m_nextId++;
    item.access.reset();
    return item.entry.id;
}

void LogBuffer::announce(const LogEntry &entry)
{
    emit lineAdded(entry);
}

quint64 LogBuffer::storeAccess(const std::vector<AccessLine> &lines)
{
    QMutexLocker lock(&m_mutex);
    const quint64 first = m_nextId;
    for (const AccessLine &line : lines) {
        Item &item = push();
        item.entry.id = m_nextId++;
        item.access = line.record;
        item.accessMs = line.ms;
    }
    return first;
}

void LogBuffer::announceAccess(quint64 firstId, const std::vector<AccessLine> &lines)
{
    if (lines.empty() || !hasListeners())
        return;
    Item item;
    for (const AccessLine &line : lines) {
        item.entry.id = firstId++;
        item.access = line.record;
        item.accessMs = line.ms;
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
    if (m_beforeRead)
        m_beforeRead();
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
