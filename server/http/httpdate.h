#pragma once

#include <QByteArray>

namespace marquee {

// IMF-fixdate (RFC 9110 §5.6.7), e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
QByteArray formatHttpDate(qint64 secondsSinceEpoch);
// The current time as IMF-fixdate, formatted once a second per thread: every final answer carries
// it, so it must cost nothing per answer. The reference is the calling thread's and stays valid
// until its next call.
const QByteArray &httpDate();

} // namespace marquee
