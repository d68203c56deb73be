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

private slots:
    void disabledKeepsNothing()
    {
        ListPageCache cache(false);
        cache.store(ListKind::Watchlist, query(1), "page");
        QVERIFY(!cache.find(ListKind::Watchlist, query(1)));
        QCOMPARE(cache.pages(), 0);
        QCOMPARE(cache.bytes(), 0);
    }

    void findsOnlyTheSameQuery()
    {
        ListPageCache cache(true);
        const ListQuery q = query(1);
        cache.store(ListKind::Watchlist, q, "watchlist page");
        QCOMPARE(cache.find(ListKind::Watchlist, q).value_or(QByteArray()),
            QByteArray("watchlist page"));

        QVERIFY(!cache.find(ListKind::Favorites, q));
        QVERIFY(!cache.find(ListKind::Watchlist, query(2)));
        QVERIFY(!cache.find(ListKind::Watchlist, query(1, 2)));
        ListQuery other = q;
        other.limit = 50;
        QVERIFY(!cache.find(ListKind::Watchlist, other));
        other = q;
        other.contentType = QStringLiteral("movie");
        QVERIFY(!cache.find(ListKind::Watchlist, other));
        other = q;
        other.sort = ListSort::TitleAsc;
        QVERIFY(!cache.find(ListKind::Watchlist, other));
    }

    void aWriteDropsThatUsersPagesOnly()
    {
        ListPageCache cache(true);
        cache.store(ListKind::Watchlist, query(1), "a1");
        cache.store(ListKind::Favorites, query(1, 2), "a2");
        cache.store(ListKind::Watchlist, query(2), "bob");
        QCOMPARE(cache.bytes(), 7);

        cache.forgetUser(1);
        QVERIFY(!cache.find(ListKind::Watchlist, query(1)));
        QVERIFY(!cache.find(ListKind::Favorites, query(1, 2)));
        QVERIFY(cache.find(ListKind::Watchlist, query(2)));
        QCOMPARE(cache.pages(), 1);
        QCOMPARE(cache.bytes(), 3);

        cache.forgetUser(1); // nothing left of theirs: nothing changes
        QCOMPARE(cache.bytes(), 3);
    }

    void clearDropsEverything()
    {
        ListPageCache cache(true);
        cache.store(ListKind::Watchlist, query(1), "a");
        cache.store(ListKind::Watchlist, query(2), "b");
        cache.clear();
        QCOMPARE(cache.pages(), 0);
        QCOMPARE(cache.bytes(), 0);
        QVERIFY(!cache.find(ListKind::Watchlist, query(2)));
        cache.forgetUser(2); // its keys went too
        QCOMPARE(cache.bytes(), 0);
    }

    void storingAgainReplaces()
    {
        ListPageCache cache(true);
        cache.store(ListKind::Watchlist, query(1), "old page");
        cache.store(ListKind::Watchlist, query(1), "new");
        QCOMPARE(
            cache.find(ListKind::Watchlist, query(1)).value_or(QByteArray()), QByteArray("new"));
        QCOMPARE(cache.pages(), 1);
        QCOMPARE(cache.bytes(), 3);
        cache.forgetUser(1);
        QCOMPARE(cache.bytes(), 0);
    }

    void startsOverPastItsBound()
    {
        ListPageCache cache(true);
        const QByteArray big(ListPageCache::kMaxBytes / 2 + 1, 'x');
        cache.store(ListKind::Watchlist, query(1), big);
        cache.store(ListKind::Watchlist, query(2), big);
        QCOMPARE(cache.pages(), 2); // over the bound now; the next store starts over
        cache.store(ListKind::Watchlist, query(3), "small");
        QCOMPARE(cache.pages(), 1);
        QCOMPARE(cache.bytes(), 5);
        QVERIFY(!cache.find(ListKind::Watchlist, query(1)));
        QVERIFY(cache.find(ListKind::Watchlist, query(3)));
    }
};

QTEST_GUILESS_MAIN(TestListPageCache)
#include "tst_listpagecache.moc"
