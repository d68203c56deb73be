#pragma once

#include <QByteArray>
#include <QString>
#include <QUrlQuery>

#include <memory>

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

    // Loaded from the resources on first use; immutable afterwards, so safe to share between
    // threads.
    static const DemoCatalogue &instance();

    // tmdbPath is TMDB's v3 path without the /3 prefix, e.g. "/movie/550".
    Answer get(const QString &tmdbPath, const QUrlQuery &query) const;

    ~DemoCatalogue();
    DemoCatalogue(const DemoCatalogue &) = delete;
    DemoCatalogue &operator=(const DemoCatalogue &) = delete;

private:
    DemoCatalogue();
    struct Data;
    std::unique_ptr<const Data> m_data;
};

} // namespace marquee
