#pragma once

#include "accesslog.h"

#include <QDateTime>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>
#include <vector>

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
//
// Access lines are kept as their records and put into words only when a viewer asks for them
// (entriesAfter(), or lineAdded when something is connected to it): one comes with every request,
// and a headless server's buffer is seldom read.
class LogBuffer : public QObject
{
    Q_OBJECT
public:
    explicit LogBuffer(int capacity = 2000, QObject *parent = nullptr);

    void append(LogEntry entry);
    // An access line logged at msSinceEpoch, as `describe` (setAccessDescriber) words it.
    void appendAccess(const AccessRecord &record, qint64 msSinceEpoch);
    QList<LogEntry> entriesAfter(quint64 lastKnownId) const;
    int capacity() const { return m_capacity; }

    // Puts an access record into words (redacted): the message of its entry. Set it before
    // anything is logged.
    using Describer = std::function<QString(const AccessRecord &record)>;
    void setAccessDescriber(Describer describe) { m_describe = std::move(describe); }

signals:
    void lineAdded(const marquee::LogEntry &entry);

private:
    struct Item
    {
        LogEntry entry; // for an access line: its id alone
        std::optional<AccessRecord> access;
        qint64 accessMs = 0;
    };
    Item &push(); // the slot of a new line (the oldest one's when full); the lock is held
    LogEntry entryOf(const Item &item) const;
    bool lineAddedConnected() const;

    mutable QMutex m_mutex;
    std::vector<Item> m_items; // a ring of at most m_capacity lines
    size_t m_oldest = 0; // index of the oldest line once the ring is full
    quint64 m_nextId = 1;
    int m_capacity;
    Describer m_describe;
};

} // namespace marquee

Q_DECLARE_METATYPE(marquee::LogEntry)
