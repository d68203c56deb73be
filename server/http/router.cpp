#include "router.h"

namespace marquee {

static QStringList splitPath(const QString &path)
{
    return path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
}

static bool isParam(const QString &segment)
{
    return segment.size() > 2 && segment.startsWith(QLatin1Char('{'))
        && segment.endsWith(QLatin1Char('}'));
}

Route &Router::add(HttpMethod method, const QString &pattern, Handler handler)
{
    Route r;
    r.method = method;
    r.pattern = pattern;
    r.segments = splitPath(pattern);
    r.handler = std::move(handler);
    for (const auto &s : std::as_const(r.segments))
        r.literalSegments += isParam(s) ? 0 : 1;
    if (!pattern.startsWith(QLatin1String("/api")))
        r.tier = RateTier::None; // limits apply to /api routes only (docs/api.md)
    m_routes.push_back(std::move(r));
    if (m_routes.back().literalSegments == m_routes.back().segments.size())
        m_literal[QLatin1Char('/') + m_routes.back().segments.join(QLatin1Char('/'))].append(
            &m_routes.back());
    return m_routes.back();
}

bool Router::matches(
    const Route &route, const QStringList &segments, QHash<QString, QString> *params)
{
    if (route.segments.size() != segments.size())
        return false;
    for (int i = 0; i < segments.size(); ++i) {
        const QString &p = route.segments.at(i);
        if (isParam(p)) {
            if (params)
                params->insert(p.mid(1, p.size() - 2), segments.at(i));
        } else if (p != segments.at(i)) {
            return false;
        }
    }
    return true;
}

Router::Match Router::match(HttpMethod method, const QString &path) const
{
    const HttpMethod wanted = method == HttpMethod::Head ? HttpMethod::Get : method;
    // Fast path: a literal route of this method (a literal always beats a parameter).
    if (const auto it = m_literal.constFind(path); it != m_literal.constEnd()) {
        for (const Route *r : it.value()) {
            if (r->method == wanted) {
                Match m;
                m.route = r;
                return m;
            }
        }
    }
    const QStringList segments = splitPath(path);
    Match best;
    for (const Route &r : m_routes) {
        if (!matches(r, segments, nullptr))
            continue;
        if (!best.allowed.contains(r.method))
            best.allowed.append(r.method);
        if (r.method == wanted && (!best.route || r.literalSegments > best.route->literalSegments))
            best.route = &r;
    }
    if (best.route)
        matches(*best.route, segments, &best.params);
    return best;
}

QByteArray allowHeader(const QList<HttpMethod> &methods)
{
    QList<QByteArray> names;
    auto add = [&names](const QByteArray &n) {
        if (!names.contains(n))
            names.append(n);
    };
    for (HttpMethod m : methods) {
        add(methodName(m));
        if (m == HttpMethod::Get)
            add("HEAD");
    }
    add("OPTIONS");
    return names.join(", ");
}

} // namespace marquee
