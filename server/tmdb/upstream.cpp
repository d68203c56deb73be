#include "upstream.h"

#include <QUrl>

#include <algorithm>

namespace marquee {

QString UpstreamRequest::cacheKey() const
{
    auto sorted = params;
    std::sort(sorted.begin(), sorted.end());
    QString key = path;
    QChar sep = QLatin1Char('?');
    for (const auto &[name, value] : sorted) {
        key += sep + name + QLatin1Char('=') + QString::fromLatin1(QUrl::toPercentEncoding(value));
        sep = QLatin1Char('&');
    }
    return key;
}

} // namespace marquee
