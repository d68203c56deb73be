#include "timeformat.h"

#include <QDate>
#include <QRegularExpression>

#include <cstdio>

namespace marquee {

namespace {

struct CivilTime
{
    qint64 year;
    int month, day, hour, minute, second, milli;
};

CivilTime civil(qint64 ms)
{
    qint64 days = ms / 86400000;
    qint64 rest = ms % 86400000;
    if (rest < 0) {
        rest += 86400000;
        --days;
    }
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm, proleptic Gregorian).
    const qint64 z = days + 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const int day = int(doy - (153 * mp + 2) / 5 + 1);
    const int month = int(mp < 10 ? mp + 3 : mp - 9);
    const qint64 year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    return {year, month, day, int(rest / 3600000), int(rest / 60000 % 60), int(rest / 1000 % 60),
        int(rest % 1000)};
}

void digits(char *out, int value, int count)
{
    for (int i = count - 1; i >= 0; --i) {
        out[i] = char('0' + value % 10);
        value /= 10;
    }
}

} // namespace

QString isoUtc(qint64 ms)
{
    char stamp[24];
    if (isoUtcInto(stamp, ms))
        return QString::fromLatin1(stamp, sizeof stamp);
    const CivilTime t = civil(ms); // years outside 0..9999
    char buf[40];
    const int n = std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
        static_cast<long long>(t.year), t.month, t.day, t.hour, t.minute, t.second, t.milli);
    return QString::fromLatin1(buf, n);
}

bool isoUtcInto(char (&out)[24], qint64 ms)
{
    const CivilTime t = civil(ms);
    if (t.year < 0 || t.year > 9999)
        return false;
    digits(out, int(t.year), 4);
    out[4] = '-';
    digits(out + 5, t.month, 2);
    out[7] = '-';
    digits(out + 8, t.day, 2);
    out[10] = 'T';
    digits(out + 11, t.hour, 2);
    out[13] = ':';
    digits(out + 14, t.minute, 2);
    out[16] = ':';
    digits(out + 17, t.second, 2);
    out[19] = '.';
    digits(out + 20, t.milli, 3);
    out[23] = 'Z';
    return true;
}

bool isIsoDate(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    return re.match(s).hasMatch() && QDate::fromString(s, Qt::ISODate).isValid();
}

} // namespace marquee
