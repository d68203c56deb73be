#pragma once

#include "store/liststore.h"

#include <QByteArray>
#include <QHash>
#include <QStringList>

#include <mutex>
#include <optional>

namespace marquee {

// Serialised list pages (whole answer bodies) per user and query, so that reading an unchanged
// list again is one lookup. Any write of a user drops all of that user's pages (forgetUser), before
// it runs and again once it is committed; a write group that fails to commit drops every page
// (clear), since pages read inside it may show rows that never made it. Only sound where this
// process is the database's only writer (SQLite): on PostgreSQL another server may change a list
// behind its back, so a disabled cache keeps and finds nothing and every read goes to the
// database. Bounded: past 32 MiB or 20000 pages it starts over.
//
// Thread-safe: readers on every event loop, writers on the primary. A page read from the database
// is stored only if nothing of its user was forgotten since find() handed out its ticket, so a
// reader that saw the rows before a write committed cannot leave them behind after it.
class ListPageCache
{
public:
    explicit ListPageCache(bool enabled)
        : m_enabled(enabled)
    { }

    // *ticket: what store() needs to keep the page read after a miss.
    std::optional<QByteArray> find(ListKind kind, const ListQuery &query, quint64 *ticket) const;
    void store(ListKind kind, const ListQuery &query, const QByteArray &page, quint64 ticket);
    void forgetUser(qint64 userId);
    void clear();

    int pages() const;
    qint64 bytes() const;

    static constexpr qint64 kMaxBytes = 32 * 1024 * 1024;
    static constexpr int kMaxPages = 20000;

private:
    static QString key(ListKind kind, const ListQuery &query);
    void clearLocked();

    const bool m_enabled;
    mutable std::mutex m_mutex;
    QHash<QString, QByteArray> m_pages;
    QHash<qint64, QStringList> m_keysByUser;
    qint64 m_bytes = 0;
    // Tickets: a counter that only grows. A user's pages were last forgotten at
    // m_forgotAt[user], all of them at m_clearedAt.
    quint64 m_clock = 0;
    quint64 m_clearedAt = 0;
    QHash<qint64, quint64> m_forgotAt;
};

} // namespace marquee
