#include "listrules.h"

#include "log/text.h"
#include "log/timeformat.h"

#include <algorithm>

namespace marquee::ListRules {

const QStringList &contentTypes()
{
    static const QStringList types {QStringLiteral("movie"), QStringLiteral("tv")};
    return types;
}

bool isImagePath(const QString &path)
{
    return path.startsWith(QLatin1Char('/'))
        && std::none_of(path.begin(), path.end(), [](QChar c) { return c.isSpace(); });
}

namespace {

QString quoted(const QString &value)
{
    const int shown = 40;
    return QLatin1Char('"') + value.left(shown)
        + (value.size() > shown ? QStringLiteral("...") : QString()) + QLatin1Char('"');
}

QString tooLong(const char *field, const QString &value, int max)
{
    return QStringLiteral("%1 is %2 characters long; at most %3 are allowed")
        .arg(QLatin1String(field))
        .arg(value.size())
        .arg(max);
}

QString imagePathViolation(const char *field, const std::optional<QString> &path)
{
    if (!path)
        return {};
    if (path->size() > kMaxImagePathLength)
        return tooLong(field, *path, kMaxImagePathLength);
    if (!isImagePath(*path))
        return QStringLiteral("%1 %2 is not a TMDB image path (one starting with \"/\", "
                              "without spaces)")
            .arg(QLatin1String(field), quoted(*path));
    return {};
}

} // namespace

QString violation(const ListItem &item, ListKind kind)
{
    if (item.tmdbId == 0)
        return QStringLiteral("tmdbId is missing");
    if (item.tmdbId < 1 || item.tmdbId > kMaxTmdbId)
        return QStringLiteral("tmdbId %1 is outside 1..%2").arg(item.tmdbId).arg(kMaxTmdbId);
    if (!contentTypes().contains(item.contentType))
        return item.contentType.isNull()
            ? QStringLiteral("contentType is missing")
            : QStringLiteral("contentType %1 is not one of: %2")
                  .arg(quoted(item.contentType), contentTypes().join(QLatin1String(", ")));
    if (item.title.trimmed().isEmpty())
        return QStringLiteral("title is missing or blank");
    if (item.title.size() > kMaxTitleLength)
        return tooLong("title", item.title, kMaxTitleLength);
    if (const QString why = imagePathViolation("posterPath", item.posterPath); !why.isEmpty())
        return why;
    if (const QString why = imagePathViolation("backdropPath", item.backdropPath); !why.isEmpty())
        return why;
    if (item.overview && item.overview->size() > kMaxOverviewLength)
        return tooLong("overview", *item.overview, kMaxOverviewLength);
    if (item.releaseDate && !isIsoDate(*item.releaseDate))
        return QStringLiteral("releaseDate %1 is not a date as YYYY-MM-DD")
            .arg(quoted(*item.releaseDate));
    if (item.voteAverage
        && !(*item.voteAverage >= kMinVoteAverage && *item.voteAverage <= kMaxVoteAverage))
        return QStringLiteral("voteAverage %1 is outside %2..%3")
            .arg(*item.voteAverage)
            .arg(kMinVoteAverage)
            .arg(kMaxVoteAverage);
    if (kind == ListKind::Watchlist && item.note && item.note->size() > kMaxNoteLength)
        return tooLong("note", *item.note, kMaxNoteLength);
    if (hasControlCharacters(item.title))
        return QStringLiteral("title contains control characters");
    for (const auto &[field, text] : {std::pair {"overview", &item.overview},
             std::pair {"note", &item.note}, std::pair {"posterPath", &item.posterPath},
             std::pair {"backdropPath", &item.backdropPath}}) {
        if (*text && hasControlCharacters(**text))
            return QStringLiteral("%1 contains control characters").arg(QLatin1String(field));
    }
    return {};
}

} // namespace marquee::ListRules
