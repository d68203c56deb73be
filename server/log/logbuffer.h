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

// An access record and when it was logged (ms since the epoch).
struct AccessLine
{
    AccessRecord record;
    qint64 ms = 0;
};

// The most recent log lines with increasing ids: a viewer asks for "everything after id N"
// (the qBittorrent log controller's model). Thread-safe; lineAdded is emitted on the thread that
// stored the line (for access lines, usually the log's writer thread), so receivers in other
// threads get it queued.
//
// Access lines are kept as their records and put into words only when a viewer asks for them
// (entriesAfter(), or lineAdded when something is connected to it): one comes with every request,
// and a headless server's buffer is seldom read.
class LogBuffer : public QObject
{
    Q_OBJECT
public:
    explicit LogBuffer(int capacity = 2000, QObject *parent = nullptr);

    void append(LogEntry entry); // store() and announce()
    QList<LogEntry> entriesAfter(quint64 lastKnownId) const;
    int capacity() const { return m_capacity; }

    // The two halves of append(), for a writer that stores under a lock of its own (the Logger,
    // which keeps lines in order) and announces once it has released it: stores the entry,
    // returning its id, ...
    quint64 store(const LogEntry &entry);
    // ... emits lineAdded for it (the id set).
    void announce(const LogEntry &entry);
    // The same for access lines, in order: returns the id of the first.
    quint64 storeAccess(const std::vector<AccessLine> &lines);
    void announceAccess(quint64 firstId, const std::vector<AccessLine> &lines);
    bool hasListeners() const; // something is connected to lineAdded

    // Puts an access record into words (redacted): the message of its entry. Set it before
    // anything is logged.
    using Describer = std::function<QString(const AccessRecord &record)>;
    void setAccessDescriber(Describer describe) { m_describe = std::move(describe); }
    // Runs at the start of entriesAfter(), with no lock held: the Logger stores the access lines
    // still waiting for its writer. Set it before anything is logged.
    void setBeforeRead(std::function<void()> hook) { m_beforeRead = std::move(hook); }

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

    mutable QMutex m_mutex;
    std::vector<Item> m_items; // a ring of at most m_capacity lines
    size_t m_oldest = 0; // index of the oldest line once the ring is full
    quint64 m_nextId = 1;
    int m_capacity;
    Describer m_describe;
    std::function<void()> m_beforeRead;
};

} // namespace marquee

Q_DECLARE_METATYPE(marquee::LogEntry)
