#pragma once

#include <QString>

namespace marquee {

// "2026-11-25T04:36:17.054Z" for milliseconds since the epoch (UTC). Hot paths format many
// timestamps per answer; QDateTime::toString costs ~2 µs each, this a tenth of that.
QString isoUtc(qint64 msSinceEpoch);
// The same 24 characters written into `out` without a QString, for years 0-9999; false (nothing
// written) for any other year. Access lines are formatted with it in batches.
bool isoUtcInto(char (&out)[24], qint64 msSinceEpoch);

// True for a calendar date written YYYY-MM-DD ("1999-10-15"; not "1999-02-30", not "1999-2-3").
bool isIsoDate(const QString &s);

} // namespace marquee
