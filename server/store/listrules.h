#pragma once

#include "liststore.h"

#include <QString>
#include <QStringList>

namespace marquee {

// What a watchlist or favorites item must be to be stored (docs/api.md, "User routes"), in one
// place for everything that writes items: the HTTP routes check a request body against these
// limits (with the field-by-field VALIDATION_ERROR details they send), `marquee import` checks
// each row of the original backend's database against violation().
namespace ListRules {

inline constexpr qint64 kMaxTmdbId = 2147483647; // TMDB ids are positive and below 2^31
inline constexpr int kMaxTitleLength = 500;
inline constexpr int kMaxImagePathLength = 200;
inline constexpr int kMaxOverviewLength = 5000;
inline constexpr int kMaxNoteLength = 1000; // watchlist only
inline constexpr double kMinVoteAverage = 0;
inline constexpr double kMaxVoteAverage = 10;

// "movie" and "tv", exactly: TMDB's media types, lower case.
const QStringList &contentTypes();

// A TMDB image path ("/kqjL17yufvn9OVLyXYpvtyrFfak.jpg"): it is appended to the image base URL,
// so it starts with "/" and has no whitespace (which would break the URL). The length is
// checked apart (kMaxImagePathLength).
bool isImagePath(const QString &path);

// Why `item` cannot go into the list, as one sentence naming the field and the value ("title is
// 612 characters long; at most 500 are allowed"); empty when it keeps every rule. tmdbId 0 is a
// missing id. The note counts on the watchlist only (favorites have none).
QString violation(const ListItem &item, ListKind kind);

} // namespace ListRules

} // namespace marquee
