#pragma once

#include "httpresponse.h"
#include "pipeline.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QString>

#include <functional>
#include <vector>

namespace marquee {

// Whom a request is counted against: the user when authenticated, else the remote address.
// Binary rather than "u:42" / "ip:1.2.3.4" strings so a request allocates nothing to find its
// counters. IPv4-mapped IPv6 addresses count as IPv4; other IPv6 addresses count by their /64
// prefix, because one subscriber line usually owns a whole /64 and could otherwise rotate
// addresses to escape the limit.
struct RateLimitKey
{
    enum class Kind : quint8 { Unknown, User, IPv4, IPv6Prefix };
    Kind kind = Kind::Unknown;
    quint64 value = 0; // user id, IPv4 address, or the first 64 bits of an IPv6 address

    static RateLimitKey forUser(qint64 userId);
    static RateLimitKey forAddress(const QHostAddress &address);
    static RateLimitKey forExchange(const Exchange &exchange);
    QString toString() const; // "u:42", "ip:203.0.113.7", "ip:2001:db8:1:2::/64" (logs, tests)

    friend bool operator==(const RateLimitKey &a, const RateLimitKey &b)
    {
        return a.kind == b.kind && a.value == b.value;
    }
};

size_t qHash(const RateLimitKey &key, size_t seed = 0) noexcept;

// docs/api.md, "Rate limits": three tiers of requests per minute, per (client, tier), with a
// sliding-window counter (the current and the previous fixed minute, the previous one weighted by
// how much of it still overlaps the sliding minute). That needs 16 bytes per client and tier
// whatever the limit, where an exact log of timestamps needs one entry per allowed request; its
// error is small for the steady traffic a limiter is for, and a burst at the start of a minute is
// held back a little longer than a precise window would (never less). Rejected requests are not
// counted, so a client that keeps retrying is let in again as soon as its earlier requests slide
// out of the window.
//
// Memory is bounded: at most maxClients keys, least recently seen evicted first, and keys idle
// for two windows (all counters zero) are dropped as requests pass. O(1) per request.
class TieredRateLimiter : public RateLimiter
{
public:
    static constexpr qint64 kWindowMs = 60'000;

    struct Verdict
    {
        bool allowed = true;
        int limit = 0; // 0: the tier is off
        int remaining = 0; // after this request
        qint64 resetSeconds = 0; // until every counted request has left the window
        qint64 retryAfterSeconds = 0; // when refused: until one request is accepted again (>= 1)
    };

    // 0 (or less) turns a tier off: no limit and no RateLimit-* headers for its routes.
    TieredRateLimiter(
        int generalPerMinute, int searchPerMinute, int sensitivePerMinute, int maxClients = 100000);
    ~TieredRateLimiter() override;
    Q_DISABLE_COPY_MOVE(TieredRateLimiter)

    // Milliseconds from any fixed origin, never decreasing (tests inject their own clock).
    void setClock(std::function<qint64()> nowMs);

    // Adds RateLimit-Limit/-Remaining/-Reset to the exchange, or throws RATE_LIMITED whose own
    // headers carry the same three plus Retry-After (nothing is added to the exchange then, so an
    // answer never holds them twice).
    void check(Exchange &exchange, RateTier tier) override;

    // The counting step of check(), without headers; a tier that is off is always allowed.
    Verdict consume(const RateLimitKey &key, RateTier tier);
    static QList<Header> headersFor(const Verdict &verdict);

    int limit(RateTier tier) const;
    int maxClients() const { return m_maxClients; }
    int trackedClients() const;

private:
    struct Window
    {
        qint64 index = -1; // which fixed minute `current` counts
        int previous = 0;
        int current = 0;
    };
    struct Slot
    {
        RateLimitKey key;
        qint64 lastSeenMs = 0;
        int newer = -1; // LRU list, by slot index
        int older = -1;
        Window windows[3]; // General, Search, Sensitive
    };

    int acquireSlot(const RateLimitKey &key);
    void dropIdle(qint64 now);
    void unlink(int slot);
    void pushNewest(int slot);
    void release(int slot);
    static Verdict count(Window &w, int limit, qint64 now);

    const int m_limits[3];
    QByteArray m_limitTexts[3]; // m_limits as text, for every answer's RateLimit-Limit
    const int m_maxClients;
    std::function<qint64()> m_now;
    QElapsedTimer m_clock;

    mutable QMutex m_mutex;
    QHash<RateLimitKey, int> m_index;
    std::vector<Slot> m_slots;
    std::vector<int> m_free;
    int m_newest = -1;
    int m_oldest = -1;
    qint64 m_lastNow = 0;
};

} // namespace marquee
