#pragma once

#include "http/apierror.h"
#include "tmdb/catalogueservice.h"

namespace marquee {

// The one place a catalogue failure becomes an API error (docs/api.md, "Catalogue routes"): what
// TMDB has not is a 404, a rejected key or an unreachable TMDB a 503 (the server cannot serve the
// catalogue now), a late TMDB a 504, any other failed answer a 502. The message is the
// catalogue's own; the caller adds headers (X-Marquee-Catalogue in demo mode).
ApiError toApiError(const CatalogueError &error);

} // namespace marquee
