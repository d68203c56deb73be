#include "trafficmeter.h"

#include <QDateTime>

#include <cmath>

namespace marquee {

void TrafficMeter::logAccess(const AccessRecord &record)
{
    this->record(QDateTime::currentMSecsSinceEpoch(), record.durationMs);
    if (m_next)
        m_next->logAccess(record);
}

int TrafficMeter::binOf(double ms)
{
    if (!(ms > kFirstBinMs)) // NaN and negatives too
        return 0;
    // Bounded before the conversion: an infinite (or out of int's range) double has no int.
    const double bin = std::ceil(std::log(ms / kFirstBinMs) / std::log(1.25));
    return bin < kBins - 1 ? qMax(0, int(bin)) : kBins - 1;
}

double TrafficMeter::binUpperMs(int bin)
{
    return kFirstBinMs * std::pow(1.25, bin);
}

void TrafficMeter::record(qint64 nowMs, double durationMs)
{
    std::unique_lock lock(m_mutex);
    if (nowMs < 0) // no place in the ring (below)
        return;
    const qint64 second = nowMs / 1000;
    Second &s = m_ring[size_t(second % kSeconds)];
    if (s.second != second)
        s = Second {second, 0, {}};
    ++s.count;
    ++s.bins[size_t(binOf(durationMs))];
}

const TrafficMeter::Second *TrafficMeter::at(qint64 second) const
{
    // A window reaching before the epoch (a clock near 0) holds nothing; a negative second's
    // remainder would index outside the ring.
    if (second < 0)
        return nullptr;
    const Second &s = m_ring[size_t(second % kSeconds)];
    return s.second == second ? &s : nullptr;
}

double TrafficMeter::rate(qint64 nowMs, int seconds) const
{
    std::unique_lock lock(m_mutex);
    const qint64 last = nowMs / 1000 - 1; // the current second is not over
    quint64 count = 0;
    for (qint64 s = last - seconds + 1; s <= last; ++s)
        if (const Second *r = at(s))
            count += r->count;
    return seconds > 0 ? double(count) / seconds : 0;
}

double TrafficMeter::percentileOver(qint64 first, qint64 last, double fraction) const
{
    std::array<quint64, kBins> bins {};
    quint64 total = 0;
    for (qint64 s = first; s <= last; ++s) {
        if (const Second *r = at(s)) {
            for (int b = 0; b < kBins; ++b)
                bins[size_t(b)] += r->bins[size_t(b)];
            total += r->count;
        }
    }
    if (total == 0)
        return 0;
    const double wanted = std::ceil(fraction * double(total));
    quint64 seen = 0;
    for (int b = 0; b < kBins; ++b) {
        seen += bins[size_t(b)];
        if (double(seen) >= wanted)
            return binUpperMs(b);
    }
    return binUpperMs(kBins - 1);
}

double TrafficMeter::percentile(qint64 nowMs, int seconds, double fraction) const
{
    const qint64 now = nowMs / 1000;
    std::unique_lock lock(m_mutex);
    return percentileOver(now - seconds + 1, now, fraction);
}

QList<TrafficPoint> TrafficMeter::series(qint64 nowMs, int points) const
{
    std::unique_lock lock(m_mutex);
    constexpr int perSlice = kSliceMs / 1000;
    const qint64 lastSecond = nowMs / 1000 - 1;
    QList<TrafficPoint> out;
    out.reserve(points);
    for (int p = points - 1; p >= 0; --p) {
        const qint64 last = lastSecond - qint64(p) * perSlice;
        const qint64 first = last - perSlice + 1;
        quint64 count = 0;
        for (qint64 s = first; s <= last; ++s)
            if (const Second *r = at(s))
                count += r->count;
        out.append(TrafficPoint {(last + 1) * 1000, double(count) / perSlice,
            percentileOver(first, last, 0.50), percentileOver(first, last, 0.99)});
    }
    return out;
}

} // namespace marquee
