#pragma once

#include "adminbackend.h"
#include "log/accesslog.h"

#include <array>
#include <mutex>
#include <vector>

namespace marquee {

// Counts answered requests and their latency per second, for the admin window's live chart and
// percentiles, and passes each record on to the access log it wraps. It lives on the server's
// thread and is fed by every event loop's HTTP server (a lock around one array increment per
// request); the
// percentiles come from a histogram of logarithmic latency bins (each bin 25% wider than the
// last), so they are upper bounds accurate to a quarter.
//
// @code
// TrafficMeter meter(&logger);                 // the HTTP server logs to the meter
// MarqueeServer server(config, &meter);
// ...
// const QList<TrafficPoint> chart = meter.series(now, 120);
// @endcode
class TrafficMeter final : public AccessLog
{
public:
    static constexpr int kSeconds = 600; // how far back it remembers
    static constexpr int kSliceMs = 5000; // one point of series()
    static constexpr int kBins = 64;
    static constexpr double kFirstBinMs = 0.05; // bin 0 holds everything up to 50 µs

    explicit TrafficMeter(AccessLog *next)
        : m_next(next)
    { }

    void logAccess(const AccessRecord &record) override;
    // Records one request answered at nowMs (what logAccess does with the clock read).
    void record(qint64 nowMs, double durationMs);

    // Requests per second over the last `seconds` whole seconds before nowMs.
    double rate(qint64 nowMs, int seconds) const;
    // The latency below which `fraction` of the requests of the last `seconds` were answered;
    // 0 when there were none.
    double percentile(qint64 nowMs, int seconds, double fraction) const;
    // `points` slices of kSliceMs ending at nowMs, oldest first.
    QList<TrafficPoint> series(qint64 nowMs, int points) const;

    static int binOf(double ms);
    static double binUpperMs(int bin);

private:
    struct Second
    {
        qint64 second = -1; // ms since the epoch / 1000; -1: unused
        quint32 count = 0;
        std::array<quint32, kBins> bins {};
    };
    const Second *at(qint64 second) const; // null when that second is not remembered
    double percentileOver(qint64 firstSecond, qint64 lastSecond, double fraction) const;

    AccessLog *m_next;
    mutable std::mutex m_mutex; // guards m_ring
    std::vector<Second> m_ring = std::vector<Second>(kSeconds);
};

} // namespace marquee
