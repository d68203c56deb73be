#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <mutex>

namespace marquee {

// Absolute image URLs from TMDB's relative paths (docs/api.md, "Catalogue routes"): every object
// with poster_path, backdrop_path, profile_path, still_path or logo_path also gets poster_url, ...
// at a sensible default size, null when the path is null. The base URL and sizes come from TMDB's
// /configuration when known, else from built-in defaults.
class ImageUrls
{
public:
    ImageUrls();
    // A copy, safe to take on any thread while the owner's thread may set the configuration
    // (the setters lock; the owner's own readers need not): list routes on other event loops
    // read their image URLs from a copy.
    ImageUrls(const ImageUrls &other);
    ImageUrls &operator=(const ImageUrls &) = delete;

    void setConfiguration(const QJsonObject &images); // the "images" object of /configuration
    QJsonObject configuration() const { return m_images; }
    // Proxy mode (MARQUEE_IMAGE_PROXY): URLs point at Marquee's /api/images route, under `prefix`
    // (MARQUEE_PUBLIC_URL without its trailing slash; empty: root-relative paths).
    void setProxy(const QString &prefix);

    QByteArray enrich(const QByteArray &tmdbJson) const;
    QJsonValue enrich(const QJsonValue &value) const;

    enum class Kind { Poster, Backdrop, Profile, Still, Logo };
    QJsonValue url(Kind kind, const QJsonValue &path) const; // null when the path is null/empty
    QString url(Kind kind, const QString &path) const; // a null QString when the path is empty

    static QJsonObject builtInConfiguration();

private:
    QString m_base;
    bool m_proxy = false;
    QString m_proxyBase;
    QString m_sizes[5];
    QJsonObject m_images;
    mutable std::mutex m_mutex; // held by the setters and by a copy's reads of the original
};

} // namespace marquee
