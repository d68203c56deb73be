#pragma once

#include <QDateTime>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QString>

#include <deque>

namespace marquee {

struct LogEntry
{
    quint64 id = 0;
    QDateTime time;
    QString level; // debug, info, warning, error, fatal
    QString category;
    QString message; // already redacted
};

// The most recent log lines with increasing ids: a viewer asks for "everything after id N"
// (the qBittorrent log controller's model). Thread-safe; lineAdded is emitted on the thread that
// logged, so receivers in other threads get it queued.
class LogBuffer : public QObject
{
    Q_OBJECT
public:
    explicit LogBuffer(int capacity = 2000, QObject *parent = nullptr);

    void append(LogEntry entry);
    QList<LogEntry> entriesAfter(quint64 lastKnownId) const;
    int capacity() const { return m_capacity; }

signals:
    void lineAdded(const marquee::LogEntry &entry);

private:
    mutable QMutex m_mutex;
    std::deque<LogEntry> m_entries;
    quint64 m_nextId = 1;
    int m_capacity;
};

} // namespace marquee

Q_DECLARE_METATYPE(marquee::LogEntry)
