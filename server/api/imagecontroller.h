#pragma once

#include "controller.h"

#include <QThreadPool>

namespace marquee {

class CatalogueService;
class ImageCache;

// GET and HEAD /api/images/{size}/{file} (docs/api.md, "Image cache"): TMDB's image files through
// the disk cache. Files are read on a small thread pool of this controller's, never on the event
// loop; the answer carries the whole file (the HTTP layer writes bodies from memory).
class ImageController : public Controller
{
public:
    ImageController(CatalogueService &catalogue, ImageCache &cache);
    ~ImageController() override;
    void registerRoutes(Router &router) override;

private:
    void serve(const ExchangePtr &ex);
    CatalogueService &m_catalogue;
    ImageCache &m_cache;
    QThreadPool m_readers;
};

} // namespace marquee
