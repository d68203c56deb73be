#pragma once

#include <QString>

namespace marquee {

// How log lines are written and which are kept: what the configuration decides about the log
// (config/ reads these without depending on the logger itself).
enum class LogFormat { Text, Json };
enum class LogLevel { Debug, Info, Warning, Error };

// "debug", "info", "warning" (or "warn"), "error", in any case, surrounding spaces ignored; false
// for anything else.
bool parseLogLevel(const QString &text, LogLevel *level);

} // namespace marquee
