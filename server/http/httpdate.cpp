#include "httpdate.h"

#include <cstdio>
#include <ctime>

namespace marquee {

QByteArray formatHttpDate(qint64 secondsSinceEpoch)
{
    static constexpr char kDays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr char kMonths[12][4]
        = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t t = std::time_t(secondsSinceEpoch);
    std::tm tm {};
    gmtime_r(&t, &tm);
    // Built by hand: strftime's names follow the C locale, which a process may have changed.
    char buf[40];
    const int n
        = std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
            tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return QByteArray(buf, n);
}

const QByteArray &httpDate()
{
    thread_local qint64 second = -1;
    thread_local QByteArray value;
    const qint64 now = std::time(nullptr);
    if (now != second) {
        second = now;
        value = formatHttpDate(now);
    }
    return value;
}

} // namespace marquee
