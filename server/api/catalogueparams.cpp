#include "catalogueparams.h"

#include "http/exchange.h"

namespace marquee {

CatalogueParams::CatalogueParams(const Exchange &ex, QString upstreamPath)
    : m_q(ex.request())
    , m_principal(ex.principal)
{
    m_out.path = std::move(upstreamPath);
}

CatalogueParams &CatalogueParams::allow(const QStringList &names)
{
    m_q.allowOnly(names);
    return *this;
}

void CatalogueParams::page()
{
    if (const auto p = m_q.integer(QStringLiteral("page"), false, 1, 500))
        m_out.add(QStringLiteral("page"), QString::number(*p));
}

void CatalogueParams::language()
{
    if (const auto l = m_q.matching(QStringLiteral("language"), false,
            QStringLiteral("[a-z]{2,3}(-[A-Za-z]{2})?"), QStringLiteral("en-US")))
        m_out.add(QStringLiteral("language"), normaliseLanguage(*l));
    else if (!m_q.raw(QStringLiteral("language")) && !m_principal.language.isEmpty())
        m_out.add(QStringLiteral("language"), m_principal.language); // the user's saved preference
}

void CatalogueParams::region(const QString &name)
{
    if (const auto r
        = m_q.matching(name, false, QStringLiteral("[A-Za-z]{2}"), QStringLiteral("US")))
        m_out.add(name, r->toUpper());
    else if (name == QLatin1String("region") && !m_q.raw(name) && !m_principal.region.isEmpty())
        m_out.add(name, m_principal.region);
}

void CatalogueParams::boolean(const QString &name)
{
    if (const auto b = m_q.boolean(name, false))
        m_out.add(name, *b ? QStringLiteral("true") : QStringLiteral("false"));
    else if (name == QLatin1String("include_adult") && !m_q.raw(name) && m_principal.includeAdult)
        m_out.add(
            name, *m_principal.includeAdult ? QStringLiteral("true") : QStringLiteral("false"));
}

void CatalogueParams::integer(
    const QString &name, qint64 min, qint64 max, const QString &upstreamName)
{
    if (const auto v = m_q.integer(name, false, min, max))
        m_out.add(upstreamName.isEmpty() ? name : upstreamName, QString::number(*v));
}

void CatalogueParams::number(const QString &name, double min, double max)
{
    if (const auto v = m_q.number(name, false, min, max))
        m_out.add(name, QString::number(*v));
}

void CatalogueParams::pattern(const QString &name, const QString &re, const QString &example)
{
    if (const auto v = m_q.matching(name, false, re, example))
        m_out.add(name, *v);
}

void CatalogueParams::oneOf(const QString &name, const QStringList &allowed)
{
    if (const auto v = m_q.oneOf(name, false, allowed))
        m_out.add(name, *v);
}

void CatalogueParams::searchQuery()
{
    if (const auto v = m_q.string(QStringLiteral("query"), true, 1, 200))
        m_out.add(QStringLiteral("query"), *v);
}

QString CatalogueParams::aliased(
    const QString &name, const QString &alias, const QStringList &allowed, const QString &fallback)
{
    if (m_q.raw(name) && m_q.raw(alias)) {
        m_q.problems().add(name, QStringLiteral("duplicate"),
            QStringLiteral("give %1 or %2, not both").arg(name, alias));
        return fallback;
    }
    const QString used = m_q.raw(alias) ? alias : name;
    return m_q.oneOf(used, false, allowed).value_or(fallback);
}

void CatalogueParams::append(const QStringList &allowed)
{
    const auto v = m_q.string(QStringLiteral("append"), false, 1, 200);
    if (!v)
        return;
    QStringList parts;
    for (const QString &part : v->split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString p = part.trimmed();
        if (!allowed.contains(p)) {
            m_q.problems().add(QStringLiteral("append"), QStringLiteral("invalid_value"),
                QStringLiteral("append may list: %1").arg(allowed.join(QLatin1String(", "))));
            return;
        }
        if (!parts.contains(p))
            parts << p;
    }
    if (!parts.isEmpty())
        m_out.add(QStringLiteral("append_to_response"), parts.join(QLatin1Char(',')));
}

UpstreamRequest CatalogueParams::finish()
{
    m_q.finish();
    return m_out;
}

QString CatalogueParams::normaliseLanguage(const QString &l)
{
    const int dash = l.indexOf(QLatin1Char('-'));
    return dash < 0 ? l : l.left(dash) + QLatin1Char('-') + l.mid(dash + 1).toUpper();
}

} // namespace marquee
