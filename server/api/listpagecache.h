#pragma once

#include "store/liststore.h"

#include <QByteArray>
#include <QHash>
#include <QStringList>

#include <optional>

namespace marquee {

// Serialised list pages (whole answer bodies) per user and query, so that reading an unchanged
// list again is one lookup. Any write of a user drops all of that user's pages (forgetUser); a
// write group that fails to commit drops every page (clear), since pages read inside it may show
// rows that never made it. Only sound where this process is the database's only writer (SQLite):
// on PostgreSQL another server may change a list behind its back, so a disabled cache keeps and
// finds nothing and every read goes to the database. Bounded: past 32 MiB or 20000 pages it
// starts over.
class ListPageCache
{
public:
    explicit ListPageCache(bool enabled)
        : m_enabled(enabled)
    { }

    std::optional<QByteArray> find(ListKind kind, const ListQuery &query) const;
    void store(ListKind kind, const ListQuery &query, const QByteArray &page);
    void forgetUser(qint64 userId);
    void clear();

    int pages() const { return int(m_pages.size()); }
    qint64 bytes() const { return m_bytes; }

    static constexpr qint64 kMaxBytes = 32 * 1024 * 1024;
    static constexpr int kMaxPages = 20000;

private:
    static QString key(ListKind kind, const ListQuery &query);

    const bool m_enabled;
    QHash<QString, QByteArray> m_pages;
    QHash<qint64, QStringList> m_keysByUser;
    qint64 m_bytes = 0;
};

} // namespace marquee
