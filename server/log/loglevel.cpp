#include "loglevel.h"

namespace marquee {

bool parseLogLevel(const QString &text, LogLevel *level)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("debug"))
        *level = LogLevel::Debug;
    else if (t == QLatin1String("info"))
        *level = LogLevel::Info;
    else if (t == QLatin1String("warning") || t == QLatin1String("warn"))
        *level = LogLevel::Warning;
    else if (t == QLatin1String("error"))
        *level = LogLevel::Error;
    else
        return false;
    return true;
}

} // namespace marquee
