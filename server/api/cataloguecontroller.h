#pragma once

#include "controller.h"
#include "tmdb/catalogueservice.h"

namespace marquee {

// Every public catalogue route (docs/api.md, "Catalogue routes"): movies, TV, trending, search,
// people, image configuration. Each action validates its query (before any upstream call), names
// the TMDB path and cache class, and hands over to the CatalogueService.
class CatalogueController : public Controller
{
public:
    // Tells the service's cache the form its bodies are served in (the success envelope).
    explicit CatalogueController(CatalogueService &service);
    void registerRoutes(Router &router) override;
    // What the warm-up keeps cached: the upstream requests behind the home page's rows.
    static QList<CatalogueService::WarmItem> homeRows();

private:
    enum class Media { Movie, Tv };
    void registerMedia(Router &router, Media media);

    void list(
        const ExchangePtr &ex, const QString &upstream, CacheCategory category, bool withRegion);
    void trending(const ExchangePtr &ex, Media media);
    void genres(const ExchangePtr &ex, Media media);
    void search(const ExchangePtr &ex, Media media);
    void discover(const ExchangePtr &ex, Media media);
    void details(const ExchangePtr &ex, Media media);
    void related(const ExchangePtr &ex, Media media, const QString &what);
    void season(const ExchangePtr &ex);
    void episode(const ExchangePtr &ex);
    void allTrending(const ExchangePtr &ex);
    void multiSearch(const ExchangePtr &ex);
    void person(const ExchangePtr &ex);
    void imageConfig(const ExchangePtr &ex);

    void serve(const ExchangePtr &ex, const UpstreamRequest &request, CacheCategory category,
        const std::function<QByteArray(const QByteArray &)> &transform = {});

    CatalogueService &m_service;
};

} // namespace marquee
