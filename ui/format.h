#pragma once

#include <QString>

class QWidget;

namespace marquee::ui {

// Numbers as the admin window shows them, in the language in force (QLocale's default).
QString formatBytes(qint64 bytes); // "1.5 MB"; "unknown" below 0
QString formatCount(qint64 count); // "12,345"
QString formatDuration(qint64 seconds); // "3 d 4 h", "5 min", "12 s"
QString formatMs(double ms); // "0.35 ms", "12 ms", "1.2 s"; "–" for 0
QString formatPercent(double ratio); // 0.873 -> "87.3 %"
QString formatDateTime(qint64 msSinceEpoch); // local time, short; "never" for 0

// A Yes/Cancel question whose text is shown as plain text (an email or id in it is never taken
// for markup); true for Yes.
bool askPlain(QWidget *parent, const QString &title, const QString &text);

} // namespace marquee::ui
