// The parts under the admin window and the admin routes, without sockets: the traffic meter's
// histogram, rate and chart (core/trafficmeter), the user search of the window's user table
// (UserStore::findUsers) on a real SQLite file, and the cache's per-category purge and
// expired-entry removal (ContentCache::clearCategory, removeExpired) under a test clock.
#include "core/lanaddress.h"
#include "core/trafficmeter.h"
#include "store/database.h"
#include "store/userstore.h"
#include "support/testdatabase.h"
#include "tmdb/contentcache.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <limits>

using namespace marquee;

namespace {

constexpr qint64 kSecond = 1000;
// A second well into the epoch, as the server's clock gives; tests that need small times say so.
constexpr qint64 kStart = 1'700'000'000;

QStringList clerkIds(const QList<UserSummary> &users)
{
    QStringList out;
    for (const UserSummary &u : users)
        out << u.user.clerkId;
    return out;
}

CacheEntry entry(const QString &category, qint64 expiresAt, const QByteArray &body = "{}")
{
    CacheEntry e;
    e.body = body;
    e.etag = ContentCache::makeEtag(body);
    e.category = category;
    e.fetchedAt = expiresAt - 1000;
    e.expiresAt = expiresAt;
    return e;
}

} // namespace

class TestAdminParts : public QObject
{
    Q_OBJECT

    test::TestDatabases m_files;

    static qint64 scalar(Database &db, const QString &sql)
    {
        QSqlQuery q(db.connection());
        if (!q.exec(sql) || !q.next()) {
            qWarning("query failed: %s", qPrintable(q.lastError().text()));
            return -1;
        }
        return q.value(0).toLongLong();
    }

    // A user created at `createdAt` with a profile as Clerk would give it.
    static qint64 addUser(UserStore &users, const QString &clerkId, qint64 createdAt,
        const QString &email, const QString &first = {}, const QString &last = {})
    {
        const auto u = users.ensureUser(clerkId, createdAt);
        if (!u)
            return -1;
        ClerkProfile p;
        p.clerkId = clerkId;
        p.email = email;
        p.firstName = first;
        p.lastName = last;
        users.applyClerkProfile(p, createdAt, false);
        return u->id;
    }

private slots:
    // ---- TrafficMeter

    void binsAreMonotone()
    {
        QCOMPARE(TrafficMeter::binUpperMs(0), TrafficMeter::kFirstBinMs);
        for (int b = 1; b < TrafficMeter::kBins; ++b) {
            QVERIFY2(TrafficMeter::binUpperMs(b) > TrafficMeter::binUpperMs(b - 1),
                qPrintable(QString::number(b)));
            // Each bin is a quarter wider than the one before.
            QVERIFY(
                qAbs(TrafficMeter::binUpperMs(b) / TrafficMeter::binUpperMs(b - 1) - 1.25) < 1e-9);
        }
        const double top = TrafficMeter::binUpperMs(TrafficMeter::kBins - 1);
        int previous = 0;
        int sweeps = 0;
        for (double ms = 0.001; ms < top * 4; ms *= 1.07, ++sweeps) {
            const int bin = TrafficMeter::binOf(ms);
            QVERIFY2(bin >= previous, qPrintable(QString::number(ms)));
            QVERIFY(bin >= 0 && bin < TrafficMeter::kBins);
            previous = bin;
            if (ms > top) {
                QCOMPARE(bin, TrafficMeter::kBins - 1); // the last bin takes everything above
                continue;
            }
            // The bin's upper bound is an upper bound of the value, and tight to a quarter.
            const double upper = TrafficMeter::binUpperMs(bin);
            QVERIFY2(ms <= upper * (1 + 1e-9), qPrintable(QString::number(ms)));
            if (bin > 0)
                QVERIFY2(ms > TrafficMeter::binUpperMs(bin - 1) * (1 - 1e-9),
                    qPrintable(QString::number(ms)));
        }
        QVERIFY(sweeps > 100);
        QCOMPARE(previous, TrafficMeter::kBins - 1);
        QCOMPARE(TrafficMeter::binOf(0), 0);
        QCOMPARE(TrafficMeter::binOf(-5), 0);
        QCOMPARE(TrafficMeter::binOf(std::numeric_limits<double>::quiet_NaN()), 0);
        QCOMPARE(
            TrafficMeter::binOf(std::numeric_limits<double>::infinity()), TrafficMeter::kBins - 1);
    }

    void percentileOfKnownSamples()
    {
        TrafficMeter meter(nullptr);
        const qint64 now = kStart * kSecond + 500;
        QCOMPARE(meter.percentile(now, 10, 0.5), 0.0); // nothing yet
        // 1, 2, ..., 100 ms, in shuffled order, in the current second.
        for (int i = 0; i < 100; ++i)
            meter.record(now, double((i * 37) % 100 + 1));
        const auto check = [&](double fraction, double sample) {
            const double p = meter.percentile(now, 10, fraction);
            // The bin holding the sample: at least the sample, less than a quarter above it.
            QCOMPARE(p, TrafficMeter::binUpperMs(TrafficMeter::binOf(sample)));
            QVERIFY2(p >= sample && p < sample * 1.25,
                qPrintable(QStringLiteral("p%1 = %2").arg(fraction * 100).arg(p)));
        };
        check(0.50, 50);
        check(0.90, 90);
        check(0.99, 99);
        check(1.00, 100);
        // One slow request among them moves the top, not the median.
        meter.record(now, 5000);
        QVERIFY(meter.percentile(now, 10, 1.0) >= 5000);
        QCOMPARE(meter.percentile(now, 10, 0.5), TrafficMeter::binUpperMs(TrafficMeter::binOf(51)));
        // Requests older than the window are not in it.
        QCOMPARE(meter.percentile(now + 10 * kSecond, 10, 0.5), 0.0);
        QVERIFY(meter.percentile(now + 9 * kSecond, 10, 0.5) > 0);
    }

    void rateCountsWholeSeconds()
    {
        TrafficMeter meter(nullptr);
        const qint64 s = kStart;
        for (int i = 0; i < 30; ++i)
            meter.record(s * kSecond + i * 10, 1);
        for (int i = 0; i < 10; ++i)
            meter.record((s + 1) * kSecond + 999, 1);
        const qint64 now = (s + 2) * kSecond + 500;
        for (int i = 0; i < 7; ++i) // the current second: not over, not counted
            meter.record(now, 1);
        QCOMPARE(meter.rate(now, 1), 10.0);
        QCOMPARE(meter.rate(now, 2), 20.0);
        QCOMPARE(meter.rate(now, 10), 4.0);
        QCOMPARE(meter.rate(now + kSecond, 1), 7.0);
        QCOMPARE(meter.rate(now + 100 * kSecond, 10), 0.0);
        QCOMPARE(meter.rate(now, 0), 0.0);
    }

    void seriesIsOldestFirst()
    {
        TrafficMeter meter(nullptr);
        const qint64 now = kStart * kSecond + 250;
        const qint64 lastSecond = kStart - 1; // the last whole second before now
        constexpr int perSlice = TrafficMeter::kSliceMs / 1000;
        // 10 requests of 8 ms in the second-to-last slice, 5 of 40 ms in the last one.
        for (int i = 0; i < 10; ++i)
            meter.record((lastSecond - perSlice - 2) * kSecond, 8);
        for (int i = 0; i < 5; ++i)
            meter.record(lastSecond * kSecond, 40);
        meter.record(now, 1000); // the current second belongs to no slice yet
        const QList<TrafficPoint> points = meter.series(now, 24);
        QCOMPARE(points.size(), 24);
        QCOMPARE(points.last().endMs, kStart * kSecond);
        for (int i = 1; i < points.size(); ++i)
            QCOMPARE(points.at(i).endMs - points.at(i - 1).endMs, qint64(TrafficMeter::kSliceMs));
        QCOMPARE(points.at(22).requestsPerSecond, 10.0 / perSlice);
        QCOMPARE(points.at(22).p50Ms, TrafficMeter::binUpperMs(TrafficMeter::binOf(8)));
        QCOMPARE(points.at(23).requestsPerSecond, 5.0 / perSlice);
        QCOMPARE(points.at(23).p99Ms, TrafficMeter::binUpperMs(TrafficMeter::binOf(40)));
        for (int i = 0; i < 22; ++i) {
            QCOMPARE(points.at(i).requestsPerSecond, 0.0);
            QCOMPARE(points.at(i).p50Ms, 0.0);
        }
        QVERIFY(meter.series(now, 0).isEmpty());
    }

    void oldSecondsAreForgotten()
    {
        TrafficMeter meter(nullptr);
        const qint64 s = kStart;
        for (int i = 0; i < 50; ++i)
            meter.record(s * kSecond, 2);
        QCOMPARE(meter.rate((s + 1) * kSecond, 1), 50.0);
        // kSeconds later the same place of the ring holds the new second: the old one is gone,
        // even to a chart reaching back that far.
        meter.record((s + TrafficMeter::kSeconds) * kSecond, 2);
        const qint64 now = (s + TrafficMeter::kSeconds + 1) * kSecond;
        const int points = TrafficMeter::kSeconds * 1000 / TrafficMeter::kSliceMs + 4;
        double total = 0;
        for (const TrafficPoint &p : meter.series(now, points))
            total += p.requestsPerSecond * (TrafficMeter::kSliceMs / 1000);
        QCOMPARE(total, 1.0);
        QCOMPARE(meter.rate(now, TrafficMeter::kSeconds), 1.0 / TrafficMeter::kSeconds);
        QCOMPARE(meter.percentile(now, TrafficMeter::kSeconds + 5, 0.01),
            TrafficMeter::binUpperMs(TrafficMeter::binOf(2)));
    }

    // A clock near the epoch (a test's, or a machine's before it set its time) asks for seconds
    // before 0: nothing was recorded there, and nothing outside the ring is read.
    void secondsBeforeTheEpochAreEmpty()
    {
        TrafficMeter meter(nullptr);
        meter.record(1500, 3);
        QCOMPARE(meter.rate(2500, 10), 0.1);
        QCOMPARE(meter.rate(0, 10), 0.0);
        const QList<TrafficPoint> points = meter.series(2500, 10);
        QCOMPARE(points.size(), 10);
        QCOMPARE(points.last().requestsPerSecond, 1.0 / (TrafficMeter::kSliceMs / 1000));
        QCOMPARE(
            meter.percentile(2500, 100, 0.5), TrafficMeter::binUpperMs(TrafficMeter::binOf(3)));
        meter.record(-1, 3); // not a time a request can be answered at: ignored
        QCOMPARE(meter.rate(2500, 10), 0.1);
    }

    // ---- UserStore::findUsers

    void findUsersMatches_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<QStringList>("expected"); // in the order created
        const QStringList everybody {"user_2alice", "user_2bob", "user_2pct", "user_2pctx",
            "user_2under", "user_2underx", "user_2slash", "user_2slashx", "user_2elodie"};
        QTest::newRow("empty: everybody") << QString() << everybody;
        QTest::newRow("blank: everybody") << QStringLiteral("   ") << everybody;
        QTest::newRow("email, other case")
            << QStringLiteral("ALICE@Example") << QStringList {"user_2alice"};
        QTest::newRow("first name") << QStringLiteral("bob") << QStringList {"user_2bob"};
        QTest::newRow("last name, trimmed")
            << QStringLiteral("  liddell ") << QStringList {"user_2alice"};
        QTest::newRow("display name") << QStringLiteral("queen") << QStringList {"user_2alice"};
        QTest::newRow("clerk id, other case")
            << QStringLiteral("USER_2BOB") << QStringList {"user_2bob"};
        QTest::newRow("% is a character") << QStringLiteral("100%") << QStringList {"user_2pct"};
        QTest::newRow("_ is a character") << QStringLiteral("a_b") << QStringList {"user_2under"};
        QTest::newRow("\\ is a character") << QStringLiteral("k\\s") << QStringList {"user_2slash"};
        QTest::newRow("% alone") << QStringLiteral("%") << QStringList {"user_2pct"};
        QTest::newRow("_ alone: every clerk id")
            << QStringLiteral("_") << everybody; // user_... holds one
        QTest::newRow("nobody") << QStringLiteral("zebra") << QStringList();
        // A name outside ASCII matches itself, and its ASCII letters in any case.
        QTest::newRow("non-ASCII, as written")
            << QStringLiteral("Élodie") << QStringList {"user_2elodie"};
        QTest::newRow("non-ASCII, ASCII letters in another case")
            << QStringLiteral("ÉLODIE") << QStringList {"user_2elodie"};
    }
    void findUsersMatches()
    {
        QFETCH(QString, filter);
        QFETCH(QStringList, expected);
        const auto db = m_files.migrated();
        UserStore users(*db);
        const qint64 t = kStart * kSecond;
        const qint64 alice
            = addUser(users, QStringLiteral("user_2alice"), t, QStringLiteral("Alice@Example.com"),
                QStringLiteral("Alice"), QStringLiteral("Liddell"));
        users.updateSettings(alice, QStringLiteral("Queen of Hearts"), true, {}, t);
        addUser(users, QStringLiteral("user_2bob"), t + 1, QStringLiteral("b@example.org"),
            QStringLiteral("Bob"), QStringLiteral("Builder"));
        // Pairs that a wildcard would confuse: 100%off / 100xoff, a_b / axb, k\s / ks.
        addUser(users, QStringLiteral("user_2pct"), t + 2, QStringLiteral("100%off@example.com"));
        addUser(users, QStringLiteral("user_2pctx"), t + 3, QStringLiteral("100xoff@example.com"));
        addUser(users, QStringLiteral("user_2under"), t + 4, QStringLiteral("a_b@example.com"));
        addUser(users, QStringLiteral("user_2underx"), t + 5, QStringLiteral("axb@example.com"));
        addUser(users, QStringLiteral("user_2slash"), t + 6, QStringLiteral("x@example.com"),
            QStringLiteral("Back\\Slash"));
        addUser(users, QStringLiteral("user_2slashx"), t + 7, QStringLiteral("y@example.com"),
            QStringLiteral("BackSlash"));
        addUser(users, QStringLiteral("user_2elodie"), t + 8, QStringLiteral("e@example.com"),
            QStringLiteral("Élodie"), QStringLiteral("Ørsted"));
        QCOMPARE(users.userCount(), 9);

        qint64 total = -1;
        const QList<UserSummary> found = users.findUsers(filter, 0, 100, &total);
        QCOMPARE(clerkIds(found), expected);
        QCOMPARE(total, qint64(expected.size()));
    }

    void findUsersPagesAndCounts()
    {
        const auto db = m_files.migrated();
        UserStore users(*db);
        const qint64 t = kStart * kSecond;
        QStringList matching;
        for (int i = 0; i < 7; ++i) {
            const QString id = QStringLiteral("user_2m%1").arg(i);
            // Created out of order: the answer is oldest first, whatever the insertion order.
            addUser(users, id, t + (i * 3) % 7, QStringLiteral("m%1@match.example").arg(i));
            addUser(users, QStringLiteral("user_2o%1").arg(i), t + i,
                QStringLiteral("o%1@other.example").arg(i));
        }
        for (int k = 0; k < 7; ++k)
            for (int i = 0; i < 7; ++i)
                if ((i * 3) % 7 == k)
                    matching << QStringLiteral("user_2m%1").arg(i);

        QStringList paged;
        for (qint64 offset = 0; offset < 9; offset += 3) {
            qint64 total = -1;
            const QList<UserSummary> page
                = users.findUsers(QStringLiteral("MATCH"), offset, 3, &total);
            QCOMPARE(total, 7);
            QCOMPARE(page.size(), int(qMin<qint64>(3, 7 - offset)));
            paged << clerkIds(page);
        }
        QCOMPARE(paged, matching); // no overlap, no gap, oldest first
        qint64 total = -1;
        QVERIFY(users.findUsers(QStringLiteral("match"), 7, 3, &total).isEmpty());
        QCOMPARE(total, 7); // past the end: no rows, the true total
        QCOMPARE(users.findUsers(QStringLiteral("match"), 2, 1, &total).first().user.clerkId,
            matching.at(2));

        // Each row carries the user's counts: titles in each list and sessions not revoked.
        const qint64 m0 = users.findByClerkId(QStringLiteral("user_2m0"))->id;
        for (int i = 0; i < 5; ++i) {
            QSqlQuery q(db->connection());
            q.prepare(QStringLiteral("INSERT INTO %1 (user_id, content_type, tmdb_id, title, "
                                     "added_at) VALUES (?, 'movie', ?, 'T', ?)")
                          .arg(QLatin1String(i < 3 ? "watchlist" : "favorites")));
            q.addBindValue(m0);
            q.addBindValue(100 + i);
            q.addBindValue(t);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        }
        for (const char *sid : {"sess_a", "sess_b", "sess_c"})
            QVERIFY(users.touchSession(
                QLatin1String(sid), m0, QStringLiteral("ua"), QStringLiteral("127.0.0.1"), t));
        QVERIFY(users.revokeSession(m0, QStringLiteral("sess_b"), t));
        const QList<UserSummary> one = users.findUsers(QStringLiteral("m0@"), 0, 10, &total);
        QCOMPARE(total, 1);
        QCOMPARE(one.first().user.id, m0);
        QCOMPARE(one.first().user.email, QStringLiteral("m0@match.example"));
        QCOMPARE(one.first().watchlist, 3);
        QCOMPARE(one.first().favorites, 2);
        QCOMPARE(one.first().activeSessions, 2);
        const QList<UserSummary> other = users.findUsers(QStringLiteral("m1@"), 0, 10, &total);
        QCOMPARE(
            other.first().watchlist + other.first().favorites + other.first().activeSessions, 0);
    }

    // ---- ContentCache

    void clearCategoryTakesOnlyThatCategory()
    {
        const auto db = m_files.migrated();
        qint64 now = kStart * kSecond;
        ContentCache cache(db.get(), 1 << 20);
        cache.setClock([&now] { return now; });
        const qint64 later = now + 3600 * kSecond;
        cache.put(QStringLiteral("l1"), entry(QStringLiteral("lists"), later, "[1]"), true);
        cache.put(QStringLiteral("l2"), entry(QStringLiteral("lists"), later, "[2]"), true);
        cache.put(QStringLiteral("t1"), entry(QStringLiteral("trending"), later, "[3]"), true);
        cache.put(QStringLiteral("s1"), entry(QStringLiteral("search"), later, "[4]"), false);
        QCOMPARE(cache.memoryEntries(), 4);
        QCOMPARE(cache.databaseEntries(), 3);

        QCOMPARE(cache.clearCategory(QStringLiteral("lists")), 2); // in both layers: once each
        QVERIFY(!cache.get(QStringLiteral("l1")));
        QVERIFY(!cache.get(QStringLiteral("l2")));
        QCOMPARE(cache.get(QStringLiteral("t1"))->body, QByteArray("[3]"));
        QCOMPARE(cache.get(QStringLiteral("s1"))->body, QByteArray("[4]"));
        QCOMPARE(cache.memoryEntries(), 2);
        QCOMPARE(cache.databaseEntries(), 1);
        qint64 bytes = 0;
        for (const auto &s : cache.memoryStats())
            bytes += s.bytes;
        QCOMPARE(cache.memoryBytes(), bytes); // the budget's count follows what is left
        QCOMPARE(cache.clearCategory(QStringLiteral("lists")), 0);
        QCOMPARE(cache.clearCategory(QStringLiteral("nothing")), 0);

        // Memory only (search), and database only (a server started since: empty memory).
        QCOMPARE(cache.clearCategory(QStringLiteral("search")), 1);
        QVERIFY(!cache.get(QStringLiteral("s1")));
        ContentCache restarted(db.get(), 1 << 20);
        QCOMPARE(restarted.memoryEntries(), 0);
        QCOMPARE(restarted.clearCategory(QStringLiteral("trending")), 1);
        QCOMPARE(scalar(*db, QStringLiteral("SELECT COUNT(*) FROM content_cache")), 0);
    }

    void removeExpiredTakesEveryExpiredEntry()
    {
        const auto db = m_files.migrated();
        qint64 now = kStart * kSecond;
        ContentCache cache(db.get(), 1 << 20);
        cache.setClock([&now] { return now; });
        cache.put(QStringLiteral("old"), entry(QStringLiteral("lists"), now - 1), true);
        cache.put(QStringLiteral("edge"), entry(QStringLiteral("details"), now), true);
        cache.put(QStringLiteral("fresh"), entry(QStringLiteral("details"), now + 1), true);
        cache.put(QStringLiteral("later"), entry(QStringLiteral("trending"), now + 60000), true);
        // Expired, but a stale copy is still readable until removed.
        QVERIFY(cache.get(QStringLiteral("old")));

        QCOMPARE(cache.removeExpired(), 2); // expiresAt <= now, as isFresh() says
        QVERIFY(!cache.get(QStringLiteral("old")));
        QVERIFY(!cache.get(QStringLiteral("edge")));
        QVERIFY(cache.get(QStringLiteral("fresh")));
        QVERIFY(cache.get(QStringLiteral("later")));
        QCOMPARE(scalar(*db, QStringLiteral("SELECT COUNT(*) FROM content_cache")), 2);
        QCOMPARE(cache.memoryEntries(), 2);
        QCOMPARE(cache.removeExpired(), 0);

        // The clock moves on: more expire, from memory and from the database alike.
        now += 2;
        QCOMPARE(cache.removeExpired(), 1);
        QVERIFY(!cache.get(QStringLiteral("fresh")));
        QCOMPARE(
            scalar(*db,
                QStringLiteral("SELECT COUNT(*) FROM content_cache WHERE cache_key = 'later'")),
            1);
        cache.put(QStringLiteral("s"), entry(QStringLiteral("search"), now + 10), false);
        now += 60000;
        QCOMPARE(cache.removeExpired(), 2); // "later" in both layers, "s" in memory only
        QCOMPARE(cache.memoryEntries(), 0);
        QCOMPARE(cache.memoryBytes(), 0);
        QCOMPARE(scalar(*db, QStringLiteral("SELECT COUNT(*) FROM content_cache")), 0);
    }

    // The addresses the window offers: reachable ones for how the server listens.
    void lanUrlsFollowTheListenAddress()
    {
        QCOMPARE(lanUrls(QStringLiteral("127.0.0.1"), 3000),
            QStringList {QStringLiteral("http://127.0.0.1:3000")});
        QCOMPARE(lanUrls(QStringLiteral("::1"), 3000),
            QStringList {QStringLiteral("http://[::1]:3000")});
        QCOMPARE(lanUrls(QStringLiteral("localhost"), 80),
            QStringList {QStringLiteral("http://localhost:80")});
        // "::" listens on IPv6 only: every URL offered is an IPv6 one.
        const QStringList six = lanUrls(QStringLiteral("::"), 3000);
        QVERIFY(!six.isEmpty());
        for (const QString &u : six)
            QVERIFY2(u.startsWith(QLatin1String("http://[")), qPrintable(u));
        const QStringList four = lanUrls(QStringLiteral("0.0.0.0"), 3000);
        QVERIFY(!four.isEmpty());
        for (const QString &u : four)
            QVERIFY2(!u.startsWith(QLatin1String("http://[")), qPrintable(u));
    }
};

QTEST_GUILESS_MAIN(TestAdminParts)
#include "tst_adminparts.moc"
