#pragma once

#include <QString>

#include <optional>

namespace marquee {

// "90", "30s", "15m", "6h", "7d", "250ms" -> milliseconds. Plain numbers are seconds.
std::optional<qint64> parseDurationMs(const QString &text);
// "65536", "64k", "64KiB", "1m", "1MB" -> bytes.
std::optional<qint64> parseByteSize(const QString &text);
// Shows the first characters of a secret only: "sk_t…(32 chars)".
QString maskSecret(const QString &secret);

} // namespace marquee
