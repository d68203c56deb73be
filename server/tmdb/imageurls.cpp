#include "imageurls.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace marquee {

namespace {

struct Field
{
    const char *path;
    const char *url;
    ImageUrls::Kind kind;
    const char *sizesKey;
    const char *preferred;
};

const Field kFields[] = {
    {"poster_path", "poster_url", ImageUrls::Kind::Poster, "poster_sizes", "w500"},
    {"backdrop_path", "backdrop_url", ImageUrls::Kind::Backdrop, "backdrop_sizes", "w1280"},
    {"profile_path", "profile_url", ImageUrls::Kind::Profile, "profile_sizes", "w185"},
    {"still_path", "still_url", ImageUrls::Kind::Still, "still_sizes", "w300"},
    {"logo_path", "logo_url", ImageUrls::Kind::Logo, "logo_sizes", "w300"},
};

QJsonArray strings(std::initializer_list<const char *> items)
{
    QJsonArray a;
    for (const char *s : items)
        a.append(QLatin1String(s));
    return a;
}

} // namespace

QJsonObject ImageUrls::builtInConfiguration()
{
    return QJsonObject {
        {"base_url", "http://image.tmdb.org/t/p/"},
        {"secure_base_url", "https://image.tmdb.org/t/p/"},
        {"backdrop_sizes", strings({"w300", "w780", "w1280", "original"})},
        {"logo_sizes", strings({"w45", "w92", "w154", "w185", "w300", "w500", "original"})},
        {"poster_sizes", strings({"w92", "w154", "w185", "w342", "w500", "w780", "original"})},
        {"profile_sizes", strings({"w45", "w185", "h632", "original"})},
        {"still_sizes", strings({"w92", "w185", "w300", "original"})},
    };
}

ImageUrls::ImageUrls()
{
    setConfiguration(builtInConfiguration());
}

ImageUrls::ImageUrls(const ImageUrls &other)
{
    std::lock_guard lock(other.m_mutex);
    m_base = other.m_base;
    m_proxy = other.m_proxy;
    m_proxyBase = other.m_proxyBase;
    for (int i = 0; i < int(std::size(m_sizes)); ++i)
        m_sizes[i] = other.m_sizes[i];
    m_images = other.m_images;
}

void ImageUrls::setConfiguration(const QJsonObject &images)
{
    QString base = images.value("secure_base_url").toString();
    if (!base.startsWith(QLatin1String("https://")))
        return; // keep what we have rather than serve insecure or broken URLs
    if (!base.endsWith(QLatin1Char('/')))
        base += QLatin1Char('/');
    QString sizes[std::size(kFields)];
    for (const Field &f : kFields) {
        const QJsonArray offered = images.value(QLatin1String(f.sizesKey)).toArray();
        QString chosen = QStringLiteral("original");
        for (const auto &s : offered) {
            if (s.toString() == QLatin1String(f.preferred))
                chosen = s.toString();
        }
        sizes[int(f.kind)] = chosen;
    }
    std::lock_guard lock(m_mutex);
    m_base = base;
    m_images = images;
    for (int i = 0; i < int(std::size(m_sizes)); ++i)
        m_sizes[i] = sizes[i];
}

void ImageUrls::setProxy(const QString &prefix)
{
    std::lock_guard lock(m_mutex);
    m_proxy = true;
    m_proxyBase = prefix + QStringLiteral("/api/images/");
}

QJsonValue ImageUrls::url(Kind kind, const QJsonValue &path) const
{
    const QString u = path.isString() ? url(kind, path.toString()) : QString();
    return u.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(u);
}

QString ImageUrls::url(Kind kind, const QString &p) const
{
    if (p.isEmpty())
        return {};
    return (m_proxy ? m_proxyBase : m_base) + m_sizes[int(kind)]
        + (p.startsWith(QLatin1Char('/')) ? p : QLatin1Char('/') + p);
}

QJsonValue ImageUrls::enrich(const QJsonValue &value) const
{
    if (value.isArray()) {
        QJsonArray in = value.toArray();
        for (qsizetype i = 0; i < in.size(); ++i) {
            const QJsonValue v = in.at(i);
            if (v.isObject() || v.isArray())
                in.replace(i, enrich(v));
        }
        return in;
    }
    if (!value.isObject())
        return value;
    QJsonObject o = value.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (it.value().isObject() || it.value().isArray())
            it.value() = enrich(it.value());
    }
    for (const Field &f : kFields) {
        const auto it = o.constFind(QLatin1String(f.path));
        if (it != o.constEnd())
            o.insert(QLatin1String(f.url), url(f.kind, it.value()));
    }
    return o;
}

QByteArray ImageUrls::enrich(const QByteArray &tmdbJson) const
{
    const QJsonDocument doc = QJsonDocument::fromJson(tmdbJson);
    if (doc.isObject())
        return QJsonDocument(enrich(doc.object()).toObject()).toJson(QJsonDocument::Compact);
    if (doc.isArray())
        return QJsonDocument(enrich(doc.array()).toArray()).toJson(QJsonDocument::Compact);
    return tmdbJson;
}

} // namespace marquee
