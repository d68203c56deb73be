#include "units.h"

#include <QRegularExpression>

namespace marquee {

std::optional<qint64> parseDurationMs(const QString &text)
{
    static const QRegularExpression re(QStringLiteral(R"(^\s*(\d{1,12})\s*(ms|s|m|h|d)?\s*$)"),
        QRegularExpression::CaseInsensitiveOption);
    const auto m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const qint64 n = m.captured(1).toLongLong();
    const QString unit = m.captured(2).toLower();
    qint64 factor = 1000;
    if (unit == QLatin1String("ms"))
        factor = 1;
    else if (unit == QLatin1String("m"))
        factor = 60'000;
    else if (unit == QLatin1String("h"))
        factor = 3'600'000;
    else if (unit == QLatin1String("d"))
        factor = 86'400'000;
    if (n > (qint64(1) << 40) / factor)
        return std::nullopt;
    return n * factor;
}

std::optional<qint64> parseByteSize(const QString &text)
{
    static const QRegularExpression re(
        QStringLiteral(R"(^\s*(\d{1,12})\s*(b|k|kb|kib|m|mb|mib)?\s*$)"),
        QRegularExpression::CaseInsensitiveOption);
    const auto m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const qint64 n = m.captured(1).toLongLong();
    const QString unit = m.captured(2).toLower();
    if (unit.startsWith(QLatin1Char('k')))
        return n * 1024;
    if (unit.startsWith(QLatin1Char('m')))
        return n * 1024 * 1024;
    return n;
}

QString maskSecret(const QString &secret)
{
    if (secret.isEmpty())
        return QStringLiteral("(not set)");
    const int shown = secret.size() >= 16 ? 4 : 0;
    return secret.left(shown) + QStringLiteral("…(%1 chars)").arg(secret.size());
}

} // namespace marquee
