#pragma once

#include <QByteArray>
#include <QString>
#include <QUrlQuery>

#include <memory>
#include <mutex>

namespace marquee {

// The upstream used when no TMDB_API_KEY is configured: it answers the TMDB v3 requests Marquee
// makes (docs/api.md, "Catalogue routes") from a small catalogue compiled into the binary
// (resources/demo/*.json, see docs/demo-catalogue.md), so that a first run shows real-looking data.
// It speaks TMDB, not Marquee: the payloads are TMDB-shaped and unknown ids get TMDB's own 404
// body, so everything above the client (validation, caching, image URLs) works the same against
// either upstream.
class DemoCatalogue
{
public:
    struct Answer
    {
        int status = 200;
        QByteArray body; // compact JSON, TMDB-shaped
    };

    // Owned by the wiring (MarqueeServer in demo mode) and lent to the CatalogueService. The data
    // is loaded from the resources on the first get(), once, whichever thread asks first;
    // immutable afterwards, so one catalogue is safe to share between threads.
    DemoCatalogue();

    // tmdbPath is TMDB's v3 path without the /3 prefix, e.g. "/movie/550".
    Answer get(const QString &tmdbPath, const QUrlQuery &query) const;

    ~DemoCatalogue();
    DemoCatalogue(const DemoCatalogue &) = delete;
    DemoCatalogue &operator=(const DemoCatalogue &) = delete;

private:
    struct Data;
    mutable std::once_flag m_loaded;
    mutable std::unique_ptr<const Data> m_data;
};

} // namespace marquee
