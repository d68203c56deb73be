#include "ratelimiter.h"

#include "apierror.h"

#include <QHostAddress>

#include <algorithm>

namespace marquee {

namespace {

constexpr qint64 W = TieredRateLimiter::kWindowMs;

int tierIndex(RateTier tier)
{
    switch (tier) {
    case RateTier::General:
        return 0;
    case RateTier::Search:
        return 1;
    case RateTier::Sensitive:
        return 2;
    case RateTier::None:
        break;
    }
    return -1;
}

const char *tierName(RateTier tier)
{
    switch (tier) {
    case RateTier::Search:
        return "search ";
    case RateTier::Sensitive:
        return "sensitive ";
    default:
        return "";
    }
}

qint64 ceilSeconds(qint64 ms)
{
    return ms <= 0 ? 0 : (ms + 999) / 1000;
}

} // namespace

// ---- RateLimitKey

RateLimitKey RateLimitKey::forUser(qint64 userId)
{
    return {Kind::User, quint64(userId)};
}

RateLimitKey RateLimitKey::forAddress(const QHostAddress &address)
{
    bool v4 = false;
    const quint32 ip4 = address.toIPv4Address(&v4); // also unwraps ::ffff:a.b.c.d
    if (v4)
        return {Kind::IPv4, ip4};
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return {};
    const Q_IPV6ADDR ip6 = address.toIPv6Address();
    quint64 prefix = 0;
    for (int i = 0; i < 8; ++i)
        prefix = (prefix << 8) | ip6[i];
    return {Kind::IPv6Prefix, prefix};
}

RateLimitKey RateLimitKey::forExchange(const Exchange &exchange)
{
    if (exchange.principal.userId > 0)
        return forUser(exchange.principal.userId);
    return forAddress(exchange.request().remoteAddress);
}

QString RateLimitKey::toString() const
{
    switch (kind) {
    case Kind::User:
        return QStringLiteral("u:%1").arg(value);
    case Kind::IPv4:
        return QStringLiteral("ip:") + QHostAddress(quint32(value)).toString();
    case Kind::IPv6Prefix: {
        Q_IPV6ADDR ip6 {};
        for (int i = 0; i < 8; ++i)
            ip6[i] = quint8(value >> (8 * (7 - i)));
        return QStringLiteral("ip:") + QHostAddress(ip6).toString() + QStringLiteral("/64");
    }
    case Kind::Unknown:
        break;
    }
    return QStringLiteral("ip:unknown");
}

size_t qHash(const RateLimitKey &key, size_t seed) noexcept
{
    return qHashMulti(seed, quint8(key.kind), key.value);
}

// ---- TieredRateLimiter

TieredRateLimiter::TieredRateLimiter(
    int generalPerMinute, int searchPerMinute, int sensitivePerMinute, int maxClients)
    : m_limits {std::max(0, generalPerMinute), std::max(0, searchPerMinute),
        std::max(0, sensitivePerMinute)}
    , m_maxClients(std::max(1, maxClients))
{
    for (int i = 0; i < 3; ++i)
        m_limitTexts[i] = QByteArray::number(m_limits[i]);
    m_clock.start();
    m_now = [this] { return m_clock.elapsed(); };
}

TieredRateLimiter::~TieredRateLimiter() = default;

void TieredRateLimiter::setClock(std::function<qint64()> nowMs)
{
    QMutexLocker lock(&m_mutex);
    m_now = std::move(nowMs);
    m_lastNow = 0;
}

int TieredRateLimiter::limit(RateTier tier) const
{
    const int i = tierIndex(tier);
    return i < 0 ? 0 : m_limits[i];
}

int TieredRateLimiter::trackedClients() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_index.size());
}

void TieredRateLimiter::check(Exchange &exchange, RateTier tier)
{
    if (limit(tier) <= 0)
        return;
    const Verdict v = consume(RateLimitKey::forExchange(exchange), tier);
    if (v.allowed) { // the hot path: no list in between
        static const QByteArray limitName = QByteArrayLiteral("RateLimit-Limit");
        static const QByteArray remainingName = QByteArrayLiteral("RateLimit-Remaining");
        static const QByteArray resetName = QByteArrayLiteral("RateLimit-Reset");
        exchange.addResponseHeader(limitName, m_limitTexts[tierIndex(tier)]);
        exchange.addResponseHeader(remainingName, QByteArray::number(v.remaining));
        exchange.addResponseHeader(resetName, QByteArray::number(v.resetSeconds));
        return;
    }
    ApiError e(ApiError::Code::RateLimited,
        QStringLiteral("Too many %1requests; try again in %2 s")
            .arg(QLatin1String(tierName(tier)))
            .arg(v.retryAfterSeconds));
    e.headers = headersFor(v);
    throw e;
}

QList<Header> TieredRateLimiter::headersFor(const Verdict &v)
{
    QList<Header> headers;
    if (v.limit <= 0)
        return headers;
    headers.reserve(4);
    headers.append(Header {QByteArrayLiteral("RateLimit-Limit"), QByteArray::number(v.limit)});
    headers.append(
        Header {QByteArrayLiteral("RateLimit-Remaining"), QByteArray::number(v.remaining)});
    headers.append(
        Header {QByteArrayLiteral("RateLimit-Reset"), QByteArray::number(v.resetSeconds)});
    if (!v.allowed)
        headers.append(
            Header {QByteArrayLiteral("Retry-After"), QByteArray::number(v.retryAfterSeconds)});
    return headers;
}

TieredRateLimiter::Verdict TieredRateLimiter::consume(const RateLimitKey &key, RateTier tier)
{
    const int i = tierIndex(tier);
    if (i < 0 || m_limits[i] <= 0)
        return {};
    QMutexLocker lock(&m_mutex);
    // A clock that steps back (tests, or a caller's mistake) must not un-count requests.
    const qint64 now = m_lastNow = std::max(m_lastNow, m_now());
    dropIdle(now);
    Slot &slot = m_slots[size_t(acquireSlot(key))];
    slot.lastSeenMs = now;
    return count(slot.windows[i], m_limits[i], now);
}

TieredRateLimiter::Verdict TieredRateLimiter::count(Window &w, int limit, qint64 now)
{
    const qint64 index = now / W;
    if (index != w.index) {
        w.previous = index == w.index + 1 ? w.current : 0;
        w.current = 0;
        w.index = index;
    }
    const qint64 start = index * W;
    const qint64 elapsed = now - start;
    // The previous minute's share of the sliding minute, rounded up so that "allowed" below is
    // exactly "previous * (W - elapsed) / W + current + 1 <= limit" in integers.
    qint64 used = w.current + (qint64(w.previous) * (W - elapsed) + W - 1) / W;

    Verdict v;
    v.limit = limit;
    v.allowed = used < limit;
    if (v.allowed) {
        ++w.current;
        ++used;
    }
    v.remaining = int(std::max<qint64>(0, limit - used));
    const qint64 resetAt = w.current > 0 ? start + 2 * W : w.previous > 0 ? start + W : now;
    v.resetSeconds = ceilSeconds(resetAt - now);
    if (v.allowed)
        return v;

    // The first instant at which one more request fits, with nothing else counted meanwhile.
    qint64 freeAt;
    if (w.current < limit) {
        // Later in this minute, once enough of the previous minute has slid out (previous > 0
        // here, or the request would have fitted).
        freeAt = start + W - (qint64(limit - 1 - w.current) * W) / w.previous;
    } else {
        // Next minute, once enough of this minute's `limit` requests have slid out.
        freeAt = start + 2 * W - (qint64(limit - 1) * W) / w.current;
    }
    v.retryAfterSeconds = std::max<qint64>(1, ceilSeconds(freeAt - now));
    return v;
}

int TieredRateLimiter::acquireSlot(const RateLimitKey &key)
{
    const auto found = m_index.constFind(key);
    if (found != m_index.cend()) {
        const int slot = *found;
        if (slot != m_newest) {
            unlink(slot);
            pushNewest(slot);
        }
        return slot;
    }
    if (m_index.size() >= m_maxClients)
        release(m_oldest);
    int slot;
    if (!m_free.empty()) {
        slot = m_free.back();
        m_free.pop_back();
        m_slots[size_t(slot)] = Slot {};
    } else {
        if (m_slots.size() == m_slots.capacity()) // grow, but never past maxClients
            m_slots.reserve(
                std::min<size_t>(size_t(m_maxClients), std::max<size_t>(64, m_slots.size() * 2)));
        slot = int(m_slots.size());
        m_slots.emplace_back();
    }
    m_slots[size_t(slot)].key = key;
    m_index.insert(key, slot);
    pushNewest(slot);
    return slot;
}

// Two per request at most, so the cost stays O(1) while a crowd of one-off clients drains away.
void TieredRateLimiter::dropIdle(qint64 now)
{
    for (int n = 0; n < 2 && m_oldest >= 0; ++n) {
        if (now - m_slots[size_t(m_oldest)].lastSeenMs < 2 * W)
            return;
        release(m_oldest);
    }
}

void TieredRateLimiter::release(int slot)
{
    unlink(slot);
    m_index.remove(m_slots[size_t(slot)].key);
    m_free.push_back(slot);
}

void TieredRateLimiter::unlink(int slot)
{
    Slot &s = m_slots[size_t(slot)];
    if (s.newer >= 0)
        m_slots[size_t(s.newer)].older = s.older;
    else
        m_newest = s.older;
    if (s.older >= 0)
        m_slots[size_t(s.older)].newer = s.newer;
    else
        m_oldest = s.newer;
    s.newer = s.older = -1;
}

void TieredRateLimiter::pushNewest(int slot)
{
    Slot &s = m_slots[size_t(slot)];
    s.newer = -1;
    s.older = m_newest;
    if (m_newest >= 0)
        m_slots[size_t(m_newest)].newer = slot;
    m_newest = slot;
    if (m_oldest < 0)
        m_oldest = slot;
}

} // namespace marquee
