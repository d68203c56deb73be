#pragma once

#include "controller.h"

namespace marquee {

class CatalogueService;
class ImageCache;
class RateLimiter;

// GET and HEAD /api/images/{size}/{file} (docs/api.md, "Image cache"): TMDB's image files through
// the disk cache. The answer names its file; the connection streams it in 64 KB pieces as the
// client takes them (HttpResponse::bodyFile), so no answer holds a whole file in memory.
class ImageController : public Controller
{
public:
    // limiter: what the route counts against (its own counting: a cached file costs nothing,
    // a download or a refusal counts against the general tier); null counts nothing.
    ImageController(CatalogueService &catalogue, ImageCache &cache, RateLimiter *limiter);
    ~ImageController() override;
    void registerRoutes(Router &router) override;

private:
    void serve(const ExchangePtr &ex);
    void count(const ExchangePtr &ex);
    CatalogueService &m_catalogue;
    ImageCache &m_cache;
    RateLimiter *m_limiter;
};

} // namespace marquee
