#pragma once

#include "http/validation.h"
#include "tmdb/upstream.h"

#include <QStringList>

namespace marquee {

class Exchange;
struct Principal;

// One catalogue route's query, validated and turned into TMDB's parameters (docs/api.md,
// "Catalogue routes"). allow() names the parameters the route takes: any other is refused. Each
// further call reads one parameter, checks it and adds it to the upstream request under TMDB's
// name; language, region and include_adult fall back to the signed-in user's saved preferences
// when the query does not give them, so that the request (and its cache key) says what is asked.
// Problems are collected, not thrown one by one: finish() throws them all as one validation
// error, before any upstream call, or returns the upstream request.
class CatalogueParams
{
public:
    CatalogueParams(const Exchange &ex, QString upstreamPath);

    CatalogueParams &allow(const QStringList &names);
    void page();
    void language();
    void region(const QString &name = QStringLiteral("region"));
    void boolean(const QString &name);
    void integer(const QString &name, qint64 min, qint64 max, const QString &upstreamName = {});
    void number(const QString &name, double min, double max);
    void pattern(const QString &name, const QString &re, const QString &example);
    void oneOf(const QString &name, const QStringList &allowed);
    void searchQuery();
    // A value that may come under two names (timeWindow / time_window); returns the default if
    // absent. It is not added to the upstream request: the caller places it (in the path).
    QString aliased(const QString &name, const QString &alias, const QStringList &allowed,
        const QString &fallback);
    // append_to_response from a comma-separated `append`, each part one of `allowed`.
    void append(const QStringList &allowed);
    void fixed(const QString &name, const QString &value) { m_out.add(name, value); }
    bool has(const QString &name) const { return m_q.raw(name).has_value(); }
    QueryFields &query() { return m_q; }

    UpstreamRequest finish();

private:
    static QString normaliseLanguage(const QString &l);

    QueryFields m_q;
    const Principal &m_principal;
    UpstreamRequest m_out;
};

} // namespace marquee
