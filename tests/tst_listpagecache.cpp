// ListPageCache as a unit, without a server: what a query finds, what a user's write and a failed
// write group drop, and its bounds. tst_lists checks the same through the routes.
#include "api/listpagecache.h"

#include <QTest>

using namespace marquee;

class TestListPageCache : public QObject
{
    Q_OBJECT

    static ListQuery query(qint64 userId, int page = 1)
    {
        ListQuery q;
        q.userId = userId;
        q.page = page;
        return q;
    }

    // A read that misses and stores what it read, at once (no write in between).
    static void store(
        ListPageCache &cache, ListKind kind, const ListQuery &q, const QByteArray &page)
    {
        quint64 ticket = 0;
        cache.find(kind, q, &ticket);
        cache.store(kind, q, page, ticket);
    }

    static std::optional<QByteArray> find(ListPageCache &cache, ListKind kind, const ListQuery &q)
    {
        quint64 ticket = 0;
        return cache.find(kind, q, &ticket);
    }

private slots:
    void disabledKeepsNothing()
    {
        ListPageCache cache(false);
        store(cache, ListKind::Watchlist, query(1), "page");
        QVERIFY(!find(cache, ListKind::Watchlist, query(1)));
        QCOMPARE(cache.pages(), 0);
        QCOMPARE(cache.bytes(), 0);
    }

    void findsOnlyTheSameQuery()
    {
        ListPageCache cache(true);
        const ListQuery q = query(1);
        store(cache, ListKind::Watchlist, q, "watchlist page");
        QCOMPARE(find(cache, ListKind::Watchlist, q).value_or(QByteArray()),
            QByteArray("watchlist page"));

        QVERIFY(!find(cache, ListKind::Favorites, q));
        QVERIFY(!find(cache, ListKind::Watchlist, query(2)));
        QVERIFY(!find(cache, ListKind::Watchlist, query(1, 2)));
        ListQuery other = q;
        other.limit = 50;
        QVERIFY(!find(cache, ListKind::Watchlist, other));
        other = q;
        other.contentType = QStringLiteral("movie");
        QVERIFY(!find(cache, ListKind::Watchlist, other));
        other = q;
        other.sort = ListSort::TitleAsc;
        QVERIFY(!find(cache, ListKind::Watchlist, other));
    }

    void aWriteDropsThatUsersPagesOnly()
    {
        ListPageCache cache(true);
        store(cache, ListKind::Watchlist, query(1), "a1");
        store(cache, ListKind::Favorites, query(1, 2), "a2");
        store(cache, ListKind::Watchlist, query(2), "bob");
        QCOMPARE(cache.bytes(), 7);

        cache.forgetUser(1);
        QVERIFY(!find(cache, ListKind::Watchlist, query(1)));
        QVERIFY(!find(cache, ListKind::Favorites, query(1, 2)));
        QVERIFY(find(cache, ListKind::Watchlist, query(2)));
        QCOMPARE(cache.pages(), 1);
        QCOMPARE(cache.bytes(), 3);

        cache.forgetUser(1); // nothing left of theirs: nothing changes
        QCOMPARE(cache.bytes(), 3);
    }

    void clearDropsEverything()
    {
        ListPageCache cache(true);
        store(cache, ListKind::Watchlist, query(1), "a");
        store(cache, ListKind::Watchlist, query(2), "b");
        cache.clear();
        QCOMPARE(cache.pages(), 0);
        QCOMPARE(cache.bytes(), 0);
        QVERIFY(!find(cache, ListKind::Watchlist, query(2)));
        cache.forgetUser(2); // its keys went too
        QCOMPARE(cache.bytes(), 0);
    }

    void storingAgainReplaces()
    {
        ListPageCache cache(true);
        store(cache, ListKind::Watchlist, query(1), "old page");
        store(cache, ListKind::Watchlist, query(1), "new");
        QCOMPARE(
            find(cache, ListKind::Watchlist, query(1)).value_or(QByteArray()), QByteArray("new"));
        QCOMPARE(cache.pages(), 1);
        QCOMPARE(cache.bytes(), 3);
        cache.forgetUser(1);
        QCOMPARE(cache.bytes(), 0);
    }

    // A reader on another event loop: it missed, read the rows, and a write of the same user was
    // forgotten (before or after its commit) before the reader stored them. The page may show
    // the rows before the write: it is not kept. Another user's write does not matter.
    void aPageReadBeforeAWriteIsNotKept()
    {
        ListPageCache cache(true);
        quint64 ticket = 0;
        QVERIFY(!cache.find(ListKind::Watchlist, query(1), &ticket));
        cache.forgetUser(2);
        cache.store(ListKind::Watchlist, query(1), "other user wrote", ticket);
        QVERIFY(find(cache, ListKind::Watchlist, query(1)));

        QVERIFY(!cache.find(ListKind::Favorites, query(1), &ticket));
        cache.forgetUser(1);
        cache.store(ListKind::Favorites, query(1), "before the write", ticket);
        QVERIFY(!find(cache, ListKind::Favorites, query(1)));

        QVERIFY(!cache.find(ListKind::Favorites, query(3), &ticket));
        cache.clear();
        cache.store(ListKind::Favorites, query(3), "before a failed group", ticket);
        QVERIFY(!find(cache, ListKind::Favorites, query(3)));
        QCOMPARE(cache.pages(), 0);

        // A ticket taken after the write stores again.
        store(cache, ListKind::Favorites, query(1), "after the write");
        QCOMPARE(find(cache, ListKind::Favorites, query(1)).value_or(QByteArray()),
            QByteArray("after the write"));
    }

    void startsOverPastItsBound()
    {
        ListPageCache cache(true);
        const QByteArray big(ListPageCache::kMaxBytes / 2 + 1, 'x');
        store(cache, ListKind::Watchlist, query(1), big);
        store(cache, ListKind::Watchlist, query(2), big);
        QCOMPARE(cache.pages(), 2); // over the bound now; the next store starts over
        store(cache, ListKind::Watchlist, query(3), "small");
        QCOMPARE(cache.pages(), 1);
        QCOMPARE(cache.bytes(), 5);
        QVERIFY(!find(cache, ListKind::Watchlist, query(1)));
        QVERIFY(find(cache, ListKind::Watchlist, query(3)));
    }
};

QTEST_GUILESS_MAIN(TestListPageCache)
#include "tst_listpagecache.moc"
