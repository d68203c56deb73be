// The rate limiter as a unit (docs/api.md, "Rate limits"): a fake clock, Exchange objects built by
// hand (no server, no socket), the 429 inspected through the thrown ApiError.

#include "http/apierror.h"
#include "http/ratelimiter.h"

#include <QHostAddress>
#include <QTest>

#include <memory>

using namespace marquee;

namespace {

constexpr qint64 kMinute = TieredRateLimiter::kWindowMs;

// The headers the pipeline step added to the exchange (for whatever answer it gets).
QList<Header> addedHeaders(const Exchange &exchange)
{
    return exchange.responseHeaders();
}

QByteArray headerValue(const QList<Header> &headers, const QByteArray &name)
{
    for (const Header &h : headers)
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    return {};
}

int headerCount(const QList<Header> &headers, const QByteArray &name)
{
    int n = 0;
    for (const Header &h : headers)
        n += h.first.compare(name, Qt::CaseInsensitive) == 0;
    return n;
}

std::unique_ptr<Exchange> exchange(const QString &address, qint64 userId = 0)
{
    HttpRequest r;
    r.method = HttpMethod::Get;
    r.rawMethod = "GET";
    r.path = QStringLiteral("/api/movies/popular");
    r.remoteAddress = QHostAddress(address);
    auto ex = std::make_unique<Exchange>(nullptr, nullptr, std::move(r), "rid");
    ex->principal.userId = userId;
    return ex;
}

// Runs check(); returns the ApiError it threw, if any.
std::optional<ApiError> attempt(TieredRateLimiter &limiter, Exchange &ex, RateTier tier)
{
    try {
        limiter.check(ex, tier);
    } catch (const ApiError &e) {
        return e;
    }
    return std::nullopt;
}

struct FakeClock
{
    qint64 now = 0;
    std::function<qint64()> fn()
    {
        return [this] { return now; };
    }
};

} // namespace

class TestRateLimiter : public QObject
{
    Q_OBJECT

private slots:
    void clientKeys();
    void ipv4MappedAddressesAreOneClient();
    void ipv6CountsPerSlash64();

    void exactCountAtWindowStart_data();
    void exactCountAtWindowStart();
    void retryAfterFreesTheWindow_data();
    void retryAfterFreesTheWindow();
    void previousMinuteIsWeighted();
    void rejectedRequestsDoNotExtendTheLockout();
    void clockSteppingBackCountsNothingTwice();

    void tiersAreIndependent();
    void clientsAreIndependent();
    void tierOffMeansNoLimitAndNoHeaders();

    void headersOfAnAllowedRequest();
    void headersOfARefusedRequest();
    void headersAddedToTheExchange();

    void floodOfAddressesStaysBounded();
    void idleClientsAreDropped();
};

void TestRateLimiter::clientKeys()
{
    QCOMPARE(RateLimitKey::forExchange(*exchange("203.0.113.7", 42)).toString(), "u:42");
    QCOMPARE(RateLimitKey::forExchange(*exchange("203.0.113.7")).toString(), "ip:203.0.113.7");
    QCOMPARE(RateLimitKey::forExchange(*exchange("203.0.113.7", 0)),
        RateLimitKey::forAddress(QHostAddress("203.0.113.7")));
    QVERIFY(!(RateLimitKey::forUser(1) == RateLimitKey::forAddress(QHostAddress(quint32(1)))));
    QCOMPARE(RateLimitKey::forAddress(QHostAddress()).toString(), "ip:unknown");
    QCOMPARE(qHash(RateLimitKey::forUser(7), 1), qHash(RateLimitKey::forUser(7), 1));
}

void TestRateLimiter::ipv4MappedAddressesAreOneClient()
{
    const RateLimitKey plain = RateLimitKey::forAddress(QHostAddress("198.51.100.20"));
    const RateLimitKey mapped = RateLimitKey::forAddress(QHostAddress("::ffff:198.51.100.20"));
    QCOMPARE(mapped, plain);
    QCOMPARE(mapped.toString(), "ip:198.51.100.20");
    QCOMPARE(RateLimitKey::forAddress(QHostAddress("::ffff:127.0.0.1")).toString(), "ip:127.0.0.1");

    // And the counters are shared: a client seen through both socket families is one client.
    FakeClock clock;
    TieredRateLimiter limiter(2, 0, 0);
    limiter.setClock(clock.fn());
    QVERIFY(!attempt(limiter, *exchange("198.51.100.20"), RateTier::General));
    QVERIFY(!attempt(limiter, *exchange("::ffff:198.51.100.20"), RateTier::General));
    QVERIFY(attempt(limiter, *exchange("198.51.100.20"), RateTier::General));
    QCOMPARE(limiter.trackedClients(), 1);
}

void TestRateLimiter::ipv6CountsPerSlash64()
{
    const auto a = RateLimitKey::forAddress(QHostAddress("2001:db8:1:2::1"));
    const auto b = RateLimitKey::forAddress(QHostAddress("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
    const auto c = RateLimitKey::forAddress(QHostAddress("2001:db8:1:3::1"));
    QCOMPARE(a, b);
    QVERIFY(!(a == c));
    QCOMPARE(a.toString(), "ip:2001:db8:1:2::/64");
    QVERIFY(!(RateLimitKey::forAddress(QHostAddress("::1"))
        == RateLimitKey::forAddress(QHostAddress("127.0.0.1"))));
}

void TestRateLimiter::exactCountAtWindowStart_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<qint64>("start");
    QTest::newRow("1, window start") << 1 << qint64(0);
    QTest::newRow("3, window start") << 3 << qint64(0);
    QTest::newRow("20, mid-minute") << 20 << qint64(5 * kMinute + 31'000);
    QTest::newRow("30, last ms of a minute") << 30 << qint64(2 * kMinute - 1);
    QTest::newRow("300, window start") << 300 << qint64(7 * kMinute);
}

void TestRateLimiter::exactCountAtWindowStart()
{
    QFETCH(int, limit);
    QFETCH(qint64, start);
    FakeClock clock {start};
    TieredRateLimiter limiter(limit, limit, limit);
    limiter.setClock(clock.fn());
    const RateLimitKey key = RateLimitKey::forUser(1);
    for (int i = 1; i <= limit; ++i) {
        const auto v = limiter.consume(key, RateTier::General);
        QVERIFY2(v.allowed, qPrintable(QStringLiteral("request %1").arg(i)));
        QCOMPARE(v.limit, limit);
        QCOMPARE(v.remaining, limit - i);
    }
    const auto refused = limiter.consume(key, RateTier::General);
    QVERIFY(!refused.allowed);
    QCOMPARE(refused.remaining, 0);
    QVERIFY(refused.retryAfterSeconds >= 1);
    // Through check(): the next one is a 429.
    const auto e = attempt(limiter, *exchange("203.0.113.1", 1), RateTier::General);
    QVERIFY(e);
    QCOMPARE(e->code(), ApiError::Code::RateLimited);
    QCOMPARE(e->status(), 429);
    QCOMPARE(e->codeName(), QByteArray("RATE_LIMITED"));
}

void TestRateLimiter::retryAfterFreesTheWindow_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<qint64>("start");
    QTest::newRow("1 at window start") << 1 << qint64(0);
    QTest::newRow("3 at window start") << 3 << qint64(0);
    QTest::newRow("20 mid-minute") << 20 << qint64(kMinute + 20'000);
    QTest::newRow("30 late in the minute") << 30 << qint64(3 * kMinute + 59'500);
    QTest::newRow("300 at window start") << 300 << qint64(kMinute);
}

// Retry-After is the exact wait (rounded up to seconds): one second earlier is still refused.
void TestRateLimiter::retryAfterFreesTheWindow()
{
    QFETCH(int, limit);
    QFETCH(qint64, start);
    FakeClock clock {start};
    TieredRateLimiter limiter(limit, 0, 0);
    limiter.setClock(clock.fn());
    const RateLimitKey key = RateLimitKey::forAddress(QHostAddress("192.0.2.1"));
    for (int i = 0; i < limit; ++i)
        QVERIFY(limiter.consume(key, RateTier::General).allowed);

    for (int round = 0; round < 5; ++round) {
        const auto refused = limiter.consume(key, RateTier::General);
        QVERIFY(!refused.allowed);
        QVERIFY(refused.retryAfterSeconds >= 1);
        QVERIFY(refused.retryAfterSeconds <= 2 * kMinute / 1000);
        QVERIFY(refused.resetSeconds >= refused.retryAfterSeconds);
        const qint64 refusedAt = clock.now;
        if (refused.retryAfterSeconds > 1) {
            clock.now = refusedAt + (refused.retryAfterSeconds - 1) * 1000;
            QVERIFY(!limiter.consume(key, RateTier::General).allowed);
        }
        clock.now = refusedAt + refused.retryAfterSeconds * 1000;
        QVERIFY2(limiter.consume(key, RateTier::General).allowed,
            qPrintable(QStringLiteral("round %1, retry after %2 s")
                           .arg(round)
                           .arg(refused.retryAfterSeconds)));
        // Use up whatever else freed meanwhile, so the next round starts refused again.
        while (limiter.consume(key, RateTier::General).allowed) { }
    }

    // Two idle minutes later the whole quota is back.
    clock.now += 2 * kMinute;
    for (int i = 0; i < limit; ++i)
        QVERIFY(limiter.consume(key, RateTier::General).allowed);
}

void TestRateLimiter::previousMinuteIsWeighted()
{
    FakeClock clock {30'000};
    TieredRateLimiter limiter(10, 0, 0);
    limiter.setClock(clock.fn());
    const RateLimitKey key = RateLimitKey::forUser(9);
    for (int i = 0; i < 10; ++i)
        QVERIFY(limiter.consume(key, RateTier::General).allowed);
    QVERIFY(!limiter.consume(key, RateTier::General).allowed);

    // Half-way through the next minute, half of the previous one still counts: 5 free.
    clock.now = kMinute + 30'000;
    auto v = limiter.consume(key, RateTier::General);
    QVERIFY(v.allowed);
    QCOMPARE(v.remaining, 4);
    for (int i = 0; i < 4; ++i)
        QVERIFY(limiter.consume(key, RateTier::General).allowed);
    QVERIFY(!limiter.consume(key, RateTier::General).allowed);

    // 15 s later a quarter of the previous minute counts (ceil(2.5) = 3): 10 - 5 - 3 = 2 free.
    clock.now = kMinute + 45'000;
    QCOMPARE(limiter.consume(key, RateTier::General).remaining, 1);
    QCOMPARE(limiter.consume(key, RateTier::General).remaining, 0);
    QVERIFY(!limiter.consume(key, RateTier::General).allowed);

    // Next minute starts: the 7 of the last minute count in full at its first instant.
    clock.now = 2 * kMinute;
    v = limiter.consume(key, RateTier::General);
    QVERIFY(v.allowed);
    QCOMPARE(v.remaining, 2);
}

// A client that keeps hammering while refused gets in as soon as its counted requests slide out,
// never later: refusals are not counted.
void TestRateLimiter::rejectedRequestsDoNotExtendTheLockout()
{
    FakeClock clock;
    TieredRateLimiter limiter(5, 0, 0);
    limiter.setClock(clock.fn());
    const RateLimitKey key = RateLimitKey::forUser(3);
    for (int i = 0; i < 5; ++i)
        QVERIFY(limiter.consume(key, RateTier::General).allowed);
    const auto first = limiter.consume(key, RateTier::General);
    QVERIFY(!first.allowed);
    const qint64 freeAt = first.retryAfterSeconds * 1000;

    int refusals = 0;
    while (clock.now < freeAt) {
        const auto v = limiter.consume(key, RateTier::General);
        QVERIFY(!v.allowed);
        // Retry-After counts down with the clock instead of moving away.
        QVERIFY(clock.now + v.retryAfterSeconds * 1000 <= freeAt + 1000);
        ++refusals;
        clock.now += 50;
    }
    QVERIFY(refusals > 1000);
    clock.now = freeAt;
    QVERIFY(limiter.consume(key, RateTier::General).allowed);
}

void TestRateLimiter::clockSteppingBackCountsNothingTwice()
{
    FakeClock clock {kMinute + 10};
    TieredRateLimiter limiter(2, 0, 0);
    limiter.setClock(clock.fn());
    const RateLimitKey key = RateLimitKey::forUser(4);
    QVERIFY(limiter.consume(key, RateTier::General).allowed);
    QVERIFY(limiter.consume(key, RateTier::General).allowed);
    clock.now = 0; // back into the previous minute: must not look like a fresh one
    QVERIFY(!limiter.consume(key, RateTier::General).allowed);
}

void TestRateLimiter::tiersAreIndependent()
{
    FakeClock clock;
    TieredRateLimiter limiter(300, 30, 20);
    limiter.setClock(clock.fn());
    QCOMPARE(limiter.limit(RateTier::General), 300);
    QCOMPARE(limiter.limit(RateTier::Search), 30);
    QCOMPARE(limiter.limit(RateTier::Sensitive), 20);
    QCOMPARE(limiter.limit(RateTier::None), 0);

    auto ex = exchange("203.0.113.9");
    for (int i = 0; i < 30; ++i)
        QVERIFY(!attempt(limiter, *ex, RateTier::Search));
    QVERIFY(attempt(limiter, *ex, RateTier::Search));
    // Search used up; general and sensitive untouched.
    const RateLimitKey key = RateLimitKey::forExchange(*ex);
    auto v = limiter.consume(key, RateTier::General);
    QVERIFY(v.allowed);
    QCOMPARE(v.remaining, 299);
    for (int i = 0; i < 20; ++i)
        QVERIFY(!attempt(limiter, *ex, RateTier::Sensitive));
    QVERIFY(attempt(limiter, *ex, RateTier::Sensitive));
    for (int i = 0; i < 299; ++i)
        QVERIFY(!attempt(limiter, *ex, RateTier::General));
    QVERIFY(attempt(limiter, *ex, RateTier::General));
    QVERIFY(attempt(limiter, *ex, RateTier::Search));
    QCOMPARE(limiter.trackedClients(), 1);
}

void TestRateLimiter::clientsAreIndependent()
{
    FakeClock clock;
    TieredRateLimiter limiter(3, 0, 0);
    limiter.setClock(clock.fn());
    const QString sharedIp = QStringLiteral("192.0.2.50");

    // Two users behind one address (a household NAT) each get their own quota.
    for (int i = 0; i < 3; ++i)
        QVERIFY(!attempt(limiter, *exchange(sharedIp, 1), RateTier::General));
    QVERIFY(attempt(limiter, *exchange(sharedIp, 1), RateTier::General));
    for (int i = 0; i < 3; ++i)
        QVERIFY(!attempt(limiter, *exchange(sharedIp, 2), RateTier::General));
    QVERIFY(attempt(limiter, *exchange(sharedIp, 2), RateTier::General));
    // Anonymous requests from that address are counted by the address, not by either user.
    for (int i = 0; i < 3; ++i)
        QVERIFY(!attempt(limiter, *exchange(sharedIp), RateTier::General));
    QVERIFY(attempt(limiter, *exchange(sharedIp), RateTier::General));
    // Another address, and user 1 from another address, are as before.
    QVERIFY(!attempt(limiter, *exchange("192.0.2.51"), RateTier::General));
    QVERIFY(attempt(limiter, *exchange("192.0.2.51", 1), RateTier::General));
    QCOMPARE(limiter.trackedClients(), 4);
}

void TestRateLimiter::tierOffMeansNoLimitAndNoHeaders()
{
    FakeClock clock;
    TieredRateLimiter limiter(0, 2, -5);
    limiter.setClock(clock.fn());
    QCOMPARE(limiter.limit(RateTier::General), 0);
    QCOMPARE(limiter.limit(RateTier::Sensitive), 0);
    auto ex = exchange("203.0.113.77");
    for (int i = 0; i < 10000; ++i) {
        QVERIFY(!attempt(limiter, *ex, RateTier::General));
        QVERIFY(!attempt(limiter, *ex, RateTier::Sensitive));
        QVERIFY(!attempt(limiter, *ex, RateTier::None));
    }
    const auto v = limiter.consume(RateLimitKey::forExchange(*ex), RateTier::General);
    QVERIFY(v.allowed);
    QCOMPARE(v.limit, 0);
    QVERIFY(TieredRateLimiter::headersFor(v).isEmpty());
    QCOMPARE(limiter.trackedClients(), 0); // nothing tracked for tiers that are off
    QVERIFY(addedHeaders(*ex).isEmpty());
    // The tier that is on still works.
    QVERIFY(!attempt(limiter, *ex, RateTier::Search));
    QVERIFY(!attempt(limiter, *ex, RateTier::Search));
    QVERIFY(attempt(limiter, *ex, RateTier::Search));
}

void TestRateLimiter::headersOfAnAllowedRequest()
{
    FakeClock clock {10'000};
    TieredRateLimiter limiter(300, 30, 20);
    limiter.setClock(clock.fn());
    const RateLimitKey key = RateLimitKey::forUser(5);
    auto h = TieredRateLimiter::headersFor(limiter.consume(key, RateTier::Search));
    QCOMPARE(h.size(), 3);
    QCOMPARE(headerValue(h, "RateLimit-Limit"), QByteArray("30"));
    QCOMPARE(headerValue(h, "RateLimit-Remaining"), QByteArray("29"));
    // Counted in the minute [0, 60 s): it has slid out of the window at 120 s.
    QCOMPARE(headerValue(h, "RateLimit-Reset"), QByteArray("110"));
    QCOMPARE(headerCount(h, "Retry-After"), 0);

    clock.now = 10'001; // rounds up, never reports 0 while something is still counted
    h = TieredRateLimiter::headersFor(limiter.consume(key, RateTier::Search));
    QCOMPARE(headerValue(h, "RateLimit-Remaining"), QByteArray("28"));
    QCOMPARE(headerValue(h, "RateLimit-Reset"), QByteArray("110"));
}

void TestRateLimiter::headersOfARefusedRequest()
{
    FakeClock clock;
    TieredRateLimiter limiter(300, 30, 20);
    limiter.setClock(clock.fn());
    auto ex = exchange("203.0.113.5", 77);
    for (int i = 0; i < 20; ++i)
        QVERIFY(!attempt(limiter, *ex, RateTier::Sensitive));
    const auto e = attempt(limiter, *ex, RateTier::Sensitive);
    QVERIFY(e);
    QCOMPARE(e->status(), 429);
    QVERIFY(e->message().contains(QLatin1String("sensitive")));
    QCOMPARE(headerValue(e->headers, "RateLimit-Limit"), QByteArray("20"));
    QCOMPARE(headerValue(e->headers, "RateLimit-Remaining"), QByteArray("0"));
    QCOMPARE(headerValue(e->headers, "RateLimit-Reset"), QByteArray("120"));
    // 20 requests at 0 s: 19 fit again when 1/20 of the minute has slid out of the window.
    QCOMPARE(headerValue(e->headers, "Retry-After"), QByteArray("63"));
    for (const char *name :
        {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"})
        QCOMPARE(headerCount(e->headers, name), 1);
    // The refusal's headers travel with the error only, or the answer would carry them twice:
    // the exchange holds the 20 allowed attempts' headers and nothing of the refused one.
    QCOMPARE(headerCount(addedHeaders(*ex), "RateLimit-Limit"), 20);
    QCOMPARE(headerCount(addedHeaders(*ex), "Retry-After"), 0);
}

void TestRateLimiter::headersAddedToTheExchange()
{
    FakeClock clock;
    TieredRateLimiter limiter(300, 30, 20);
    limiter.setClock(clock.fn());
    auto ex = exchange("203.0.113.8");
    limiter.check(*ex, RateTier::General);
    const QList<Header> h = addedHeaders(*ex);
    QCOMPARE(h.size(), 3);
    QCOMPARE(headerValue(h, "RateLimit-Limit"), QByteArray("300"));
    QCOMPARE(headerValue(h, "RateLimit-Remaining"), QByteArray("299"));
    QCOMPARE(headerValue(h, "RateLimit-Reset"), QByteArray("120"));
    auto other = exchange("203.0.113.8");
    limiter.check(*other, RateTier::None);
    QVERIFY(addedHeaders(*other).isEmpty());
}

// 200k one-off addresses against the default cap of 100k: the table never passes the cap, an
// active client keeps its counters throughout, and one pushed out starts afresh when it returns.
void TestRateLimiter::floodOfAddressesStaysBounded()
{
    FakeClock clock;
    TieredRateLimiter limiter(5, 0, 0);
    limiter.setClock(clock.fn());
    QCOMPARE(limiter.maxClients(), 100000);

    auto active = exchange("198.51.100.1");
    auto dormant = exchange("198.51.100.2", 55);
    for (int i = 0; i < 5; ++i) {
        QVERIFY(!attempt(limiter, *active, RateTier::General));
        QVERIFY(!attempt(limiter, *dormant, RateTier::General));
    }
    QVERIFY(attempt(limiter, *dormant, RateTier::General));

    const quint32 base = QHostAddress(QStringLiteral("10.0.0.0")).toIPv4Address();
    for (quint32 i = 0; i < 200000; ++i) {
        HttpRequest r;
        r.remoteAddress = QHostAddress(base + i);
        Exchange ex(nullptr, nullptr, std::move(r), "rid");
        QVERIFY(!attempt(limiter, ex, RateTier::General));
        if (i % 1000 == 0) {
            QVERIFY(limiter.trackedClients() <= limiter.maxClients());
            QVERIFY(attempt(limiter, *active, RateTier::General)); // still limited: not evicted
        }
        clock.now += i % 4 == 0; // 50 s in all: the flood stays inside the window
    }
    QCOMPARE(limiter.trackedClients(), limiter.maxClients());
    QVERIFY(attempt(limiter, *active, RateTier::General));

    // The dormant client was evicted; it comes back with a fresh quota and is limited again.
    for (int i = 0; i < 5; ++i)
        QVERIFY(!attempt(limiter, *dormant, RateTier::General));
    QVERIFY(attempt(limiter, *dormant, RateTier::General));
    QCOMPARE(limiter.trackedClients(), limiter.maxClients());
}

void TestRateLimiter::idleClientsAreDropped()
{
    FakeClock clock;
    TieredRateLimiter limiter(5, 5, 5, 1000);
    limiter.setClock(clock.fn());
    for (int i = 0; i < 1500; ++i)
        QVERIFY(!attempt(limiter, *exchange(QStringLiteral("10.1.%1.%2").arg(i / 256).arg(i % 256)),
            RateTier::Search));
    QCOMPARE(limiter.trackedClients(), 1000);

    // Two minutes later every counter is zero; passing requests clear the idle keys away.
    clock.now = 2 * kMinute + 1;
    auto regular = exchange("192.0.2.200", 8);
    for (int i = 0; i < 500; ++i) {
        limiter.consume(RateLimitKey::forExchange(*regular), RateTier::General);
        clock.now += 100;
    }
    QCOMPARE(limiter.trackedClients(), 1);
    QCOMPARE(limiter.consume(RateLimitKey::forUser(8), RateTier::Sensitive).remaining, 4);
}

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
