#include "imagecontroller.h"

#include "http/apierror.h"
#include "http/pipeline.h"
#include "http/validation.h"
#include "tmdb/catalogueservice.h"
#include "tmdb/imagecache.h"

#include <QJsonArray>
#include <QSet>

namespace marquee {

namespace {

constexpr QLatin1String kCacheControl("public, max-age=31536000, immutable");

// Every size named in the image configuration (w92 ... original).
QSet<QString> knownSizes(const QJsonObject &images)
{
    QSet<QString> out {QStringLiteral("original")};
    for (auto it = images.begin(); it != images.end(); ++it) {
        if (!it.key().endsWith(QLatin1String("_sizes")))
            continue;
        for (const auto &v : it.value().toArray())
            out.insert(v.toString());
    }
    return out;
}

ApiError badImage(const QString &field, const QString &message)
{
    return ApiError::validation(field, QStringLiteral("invalid"), message);
}

} // namespace

ImageController::ImageController(
    CatalogueService &catalogue, ImageCache &cache, RateLimiter *limiter)
    : m_catalogue(catalogue)
    , m_cache(cache)
    , m_limiter(limiter)
{ }

ImageController::~ImageController() = default;

void ImageController::registerRoutes(Router &router)
{
    router
        .get(QStringLiteral("/api/images/{size}/{file}"),
            [this](const ExchangePtr &ex) { serve(ex); })
        .withTier(RateTier::General)
        // A home page is a hundred posters: the ones on disk cost nothing and are not counted;
        // a download from TMDB, or a refused name, counts against the general tier.
        .countingItsOwnRate();
    // A file name with a slash in it (%2F, "..") reaches this: refused, never looked up.
    router.setFallback(QStringLiteral("/api/images/"), [this](const ExchangePtr &ex) -> void {
        count(ex);
        throw badImage(QStringLiteral("file"),
            QStringLiteral("file must be a TMDB image file name such as abc.jpg"));
    });
}

void ImageController::count(const ExchangePtr &ex)
{
    if (m_limiter)
        m_limiter->check(*ex, RateTier::General);
}

void ImageController::serve(const ExchangePtr &ex)
{
    const QString size = ex->request().param(QStringLiteral("size"));
    const QString file = ex->request().param(QStringLiteral("file"));
    const bool valid = knownSizes(m_catalogue.images().configuration()).contains(size)
        && ImageCache::isValidFile(file);
    if (!valid || !m_cache.contains(size, file))
        count(ex); // a 429 from here when the address used its general tier up
    if (!knownSizes(m_catalogue.images().configuration()).contains(size))
        throw badImage(QStringLiteral("size"),
            QStringLiteral(
                "size must be one of the image configuration's sizes (w92 ... original)"));
    if (!ImageCache::isValidFile(file))
        throw badImage(QStringLiteral("file"),
            QStringLiteral("file must be a TMDB image file name such as abc.jpg"));
    const QByteArray contentType = ImageCache::contentType(file).toLatin1();
    m_cache.get(
        size, file, [ex, contentType](ImageCache::Outcome outcome, const ImageCache::Entry &e) {
            ex->runHandler([&] {
                if (outcome == ImageCache::Outcome::NotFound)
                    throw ApiError::notFound(QStringLiteral("TMDB has no such image"));
                if (outcome == ImageCache::Outcome::NotStored)
                    throw ApiError(ApiError::Code::ServiceUnavailable,
                        QStringLiteral("The image cache folder cannot be written (see the "
                                       "server's log)"));
                if (outcome != ImageCache::Outcome::Ok)
                    throw ApiError(ApiError::Code::ServiceUnavailable,
                        QStringLiteral("TMDB's image host is unreachable and the image is not "
                                       "cached"));
                HttpResponse r;
                r.contentType = contentType;
                r.setHeader("ETag", e.etag);
                r.setHeader("Cache-Control", QByteArray(kCacheControl.data()));
                // An SVG is a document that can run script: on Marquee's origin it must not
                // (TMDB's logos are uploaded by users). Raster images are unaffected.
                r.setHeader("Content-Security-Policy",
                    "default-src 'none'; style-src 'unsafe-inline'; sandbox");
                // Streamed from the file by the connection as the client takes it (the
                // pipeline answers If-None-Match with a 304 and HEAD without the body).
                r.bodyFile = e.path;
                r.bodyLength = e.size;
                ex->respond(std::move(r));
            });
        });
}

} // namespace marquee
