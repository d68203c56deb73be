#include "democatalogue.h"

#include "log/categories.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QStringList>

#include <algorithm>
#include <functional>
#include <limits>
#include <optional>

namespace marquee {

namespace {

using Answer = DemoCatalogue::Answer;

constexpr int kPageSize = 20; // TMDB's fixed page size
constexpr int kMaxPage = 500; // TMDB refuses pages beyond this
constexpr int kKnownForCount = 3;
constexpr int kMaxSeasonOrEpisode = 4096; // keeps episodeKey() collision-free

enum class Media { Movie, Tv };

QString mediaName(Media media)
{
    return media == Media::Movie ? QStringLiteral("movie") : QStringLiteral("tv");
}

struct Title
{
    QJsonObject detail;
    QJsonObject item; // the title as lists show it
    QJsonObject extras; // sub-resources by their append_to_response name, without "id"
    QList<int> recommendations;
    QList<int> similar;
};

struct Person
{
    QJsonObject detail;
    QJsonObject item; // the person as lists show it, known_for included
    QJsonObject combinedCredits;
};

// Records in popularity order (the base order of search and discover) with an id index.
template<typename T> struct Table
{
    QList<T> byPopularity;
    QHash<int, qsizetype> index;

    const T *find(int id) const
    {
        const auto it = index.constFind(id);
        return it == index.constEnd() ? nullptr : &byPopularity.at(*it);
    }
    void build(QList<T> records)
    {
        std::stable_sort(records.begin(), records.end(), [](const T &a, const T &b) {
            return a.item.value(QLatin1String("popularity")).toDouble()
                > b.item.value(QLatin1String("popularity")).toDouble();
        });
        byPopularity = std::move(records);
        for (qsizetype i = 0; i < byPopularity.size(); ++i)
            index.insert(byPopularity.at(i).detail.value(QLatin1String("id")).toInt(), i);
    }
};

struct FixedList
{
    QJsonArray results;
    QJsonObject dates; // only now_playing and upcoming carry a date window
};

Answer ok(const QJsonObject &payload)
{
    return {200, QJsonDocument(payload).toJson(QJsonDocument::Compact)};
}

Answer notFound()
{
    return {404,
        QByteArrayLiteral("{\"success\":false,\"status_code\":34,\"status_message\":\"The "
                          "resource you requested could not be found.\"}")};
}

Answer invalidPage()
{
    return {400,
        QByteArrayLiteral("{\"success\":false,\"status_code\":22,\"status_message\":"
                          "\"Invalid page: Pages start at 1 and max at 500. They are "
                          "expected to be an integer.\"}")};
}

QString param(const QUrlQuery &query, const QString &key)
{
    return query.queryItemValue(key, QUrl::FullyDecoded).trimmed();
}

std::optional<int> pageOf(const QUrlQuery &query)
{
    if (!query.hasQueryItem(QStringLiteral("page")))
        return 1;
    bool isInt = false;
    const int page = param(query, QStringLiteral("page")).toInt(&isInt);
    if (!isInt || page < 1 || page > kMaxPage)
        return std::nullopt;
    return page;
}

QJsonObject paginate(const QJsonArray &all, int page)
{
    const int total = int(all.size());
    QJsonArray results;
    for (int i = (page - 1) * kPageSize; i < total && i < page * kPageSize; ++i)
        results.append(all.at(i));
    // TMDB reports at least one page, even for an empty result
    const int pages = std::max(1, (total + kPageSize - 1) / kPageSize);
    return {{QStringLiteral("page"), page}, {QStringLiteral("results"), results},
        {QStringLiteral("total_pages"), pages}, {QStringLiteral("total_results"), total}};
}

Answer paginated(const QJsonArray &all, const QUrlQuery &query)
{
    const std::optional<int> page = pageOf(query);
    return page ? ok(paginate(all, *page)) : invalidPage();
}

std::optional<int> idOf(const QString &text, int limit = std::numeric_limits<int>::max())
{
    bool isInt = false;
    const int id = text.toInt(&isInt);
    if (!isInt || id < 0 || id >= limit)
        return std::nullopt;
    return id;
}

QJsonObject withMediaType(QJsonObject object, const QString &mediaType)
{
    object.insert(QStringLiteral("media_type"), mediaType);
    return object;
}

QJsonObject withId(QJsonObject object, int id)
{
    object.insert(QStringLiteral("id"), id);
    return object;
}

QList<int> idList(const QJsonArray &array)
{
    QList<int> ids;
    for (const QJsonValue &v : array)
        ids.append(v.toInt());
    return ids;
}

QStringList appends(const QUrlQuery &query)
{
    QStringList names = param(query, QStringLiteral("append_to_response"))
                            .split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString &name : names)
        name = name.trimmed();
    return names;
}

// Seasons and episodes share one hash: season 0 of an episode key is never used.
quint64 episodeKey(int showId, int season, int episode = 0)
{
    return (quint64(showId) << 24) | (quint64(season) << 12) | quint64(episode);
}

QJsonDocument readResource(const QString &name)
{
    QFile file(QStringLiteral(":/marquee/demo/") + name);
    if (!file.open(QIODevice::ReadOnly)) {
        qCWarning(lcTmdb) << "demo catalogue resource missing:" << file.fileName();
        return {};
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError)
        qCWarning(lcTmdb) << "demo catalogue resource" << name
                          << "is not JSON:" << error.errorString();
    return doc;
}

// ---- discover --------------------------------------------------------------------------------

using Filter = std::function<bool(const Title &)>;
// TMDB's id-list filters: "a,b" means all of them, "a|b" any of them.
using IdClauses = QList<QList<int>>;

IdClauses idClauses(const QString &spec)
{
    IdClauses clauses;
    for (const QString &clause : spec.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        QList<int> alternatives;
        for (const QString &id : clause.split(QLatin1Char('|'), Qt::SkipEmptyParts))
            alternatives.append(id.trimmed().toInt());
        clauses.append(alternatives);
    }
    return clauses;
}

bool satisfies(const IdClauses &clauses, const QSet<int> &ids)
{
    return std::all_of(clauses.begin(), clauses.end(), [&](const QList<int> &alternatives) {
        return std::any_of(
            alternatives.begin(), alternatives.end(), [&](int id) { return ids.contains(id); });
    });
}

QSet<int> idsIn(const QJsonArray &array, const QString &key = {})
{
    QSet<int> ids;
    for (const QJsonValue &v : array)
        ids.insert(key.isEmpty() ? v.toInt() : v[key].toInt());
    return ids;
}

QSet<int> genreIds(const Title &t)
{
    return idsIn(t.item.value(QLatin1String("genre_ids")).toArray());
}

QString dateOf(const Title &t, Media media)
{
    return t.item
        .value(
            media == Media::Movie ? QLatin1String("release_date") : QLatin1String("first_air_date"))
        .toString();
}

void addGenreFilters(QList<Filter> &filters, const QUrlQuery &query)
{
    const IdClauses with = idClauses(param(query, QStringLiteral("with_genres")));
    if (!with.isEmpty())
        filters.append([=](const Title &t) { return satisfies(with, genreIds(t)); });

    // without_genres excludes a title having any of them, whatever the separator
    QSet<int> without;
    for (const QList<int> &clause : idClauses(param(query, QStringLiteral("without_genres"))))
        without += QSet<int>(clause.begin(), clause.end());
    if (!without.isEmpty())
        filters.append([=](const Title &t) { return !genreIds(t).intersects(without); });
}

void addDateFilters(QList<Filter> &filters, Media media, const QUrlQuery &query)
{
    const bool movie = media == Media::Movie;
    const QStringList yearKeys = movie
        ? QStringList {QStringLiteral("year"), QStringLiteral("primary_release_year")}
        : QStringList {QStringLiteral("year"), QStringLiteral("first_air_date_year")};
    for (const QString &key : yearKeys) {
        const QString year = param(query, key);
        if (!year.isEmpty())
            filters.append([=](const Title &t) {
                return dateOf(t, media).startsWith(year + QLatin1Char('-'));
            });
    }
    const QStringList rangeKeys = movie
        ? QStringList {QStringLiteral("primary_release_date"), QStringLiteral("release_date")}
        : QStringList {QStringLiteral("first_air_date")};
    // ISO dates compare correctly as strings; a title without a date never matches a range.
    for (const QString &key : rangeKeys) {
        const QString gte = param(query, key + QStringLiteral(".gte"));
        const QString lte = param(query, key + QStringLiteral(".lte"));
        if (!gte.isEmpty())
            filters.append([=](const Title &t) {
                const QString date = dateOf(t, media);
                return !date.isEmpty() && date >= gte;
            });
        if (!lte.isEmpty())
            filters.append([=](const Title &t) {
                const QString date = dateOf(t, media);
                return !date.isEmpty() && date <= lte;
            });
    }
}

void addNumberFilters(QList<Filter> &filters, Media media, const QUrlQuery &query)
{
    auto range = [&](const QString &name, std::function<double(const Title &)> field) {
        bool isNumber = false;
        const double gte = param(query, name + QStringLiteral(".gte")).toDouble(&isNumber);
        if (isNumber)
            filters.append([=](const Title &t) { return field(t) >= gte; });
        const double lte = param(query, name + QStringLiteral(".lte")).toDouble(&isNumber);
        if (isNumber)
            filters.append([=](const Title &t) { return field(t) <= lte; });
    };
    range(QStringLiteral("vote_average"),
        [](const Title &t) { return t.item.value(QLatin1String("vote_average")).toDouble(); });
    range(QStringLiteral("vote_count"),
        [](const Title &t) { return t.item.value(QLatin1String("vote_count")).toDouble(); });
    range(QStringLiteral("with_runtime"), [media](const Title &t) {
        return media == Media::Movie
            ? t.detail.value(QLatin1String("runtime")).toDouble()
            : t.detail.value(QLatin1String("episode_run_time")).toArray().at(0).toDouble();
    });
}

void addOtherFilters(QList<Filter> &filters, Media media, const QUrlQuery &query)
{
    const QStringList languages = param(query, QStringLiteral("with_original_language"))
                                      .split(QLatin1Char('|'), Qt::SkipEmptyParts);
    if (!languages.isEmpty())
        filters.append([=](const Title &t) {
            return languages.contains(t.item.value(QLatin1String("original_language")).toString());
        });

    const IdClauses networks = idClauses(param(query, QStringLiteral("with_networks")));
    if (media == Media::Tv && !networks.isEmpty())
        filters.append([=](const Title &t) {
            return satisfies(networks,
                idsIn(t.detail.value(QLatin1String("networks")).toArray(), QStringLiteral("id")));
        });

    // TMDB applies provider filters only within a watch region.
    const IdClauses providers = idClauses(param(query, QStringLiteral("with_watch_providers")));
    const QString region = param(query, QStringLiteral("watch_region"));
    if (!providers.isEmpty() && !region.isEmpty())
        filters.append([=](const Title &t) {
            const QJsonObject offers
                = t.extras.value(QLatin1String("watch/providers"))[QLatin1String("results")][region]
                      .toObject();
            QSet<int> ids;
            for (auto it = offers.begin(); it != offers.end(); ++it) {
                if (it.value().isArray())
                    ids += idsIn(it.value().toArray(), QStringLiteral("provider_id"));
            }
            return satisfies(providers, ids);
        });
}

// sort_by is "<field>.<asc|desc>"; an unknown field keeps TMDB's default, popularity.desc.
void sortForDiscover(QList<const Title *> &titles, Media media, const QString &sortBy)
{
    const qsizetype dot = sortBy.lastIndexOf(QLatin1Char('.'));
    const QString field = sortBy.left(dot);
    const bool ascending = sortBy.mid(dot + 1) == QLatin1String("asc");
    const bool movie = media == Media::Movie;

    static const QStringList kNumberFields = {
        QStringLiteral("popularity"), QStringLiteral("vote_average"), QStringLiteral("vote_count")};
    std::function<bool(const Title *, const Title *)> less;
    if (kNumberFields.contains(field)) {
        less = [field](const Title *a, const Title *b) {
            return a->item.value(field).toDouble() < b->item.value(field).toDouble();
        };
    } else if (movie && field == QLatin1String("revenue")) {
        less = [](const Title *a, const Title *b) {
            return a->detail.value(QLatin1String("revenue")).toDouble()
                < b->detail.value(QLatin1String("revenue")).toDouble();
        };
    } else if ((movie
                   && (field == QLatin1String("primary_release_date")
                       || field == QLatin1String("release_date")))
        || (!movie && field == QLatin1String("first_air_date"))) {
        less = [media](const Title *a, const Title *b) {
            return dateOf(*a, media) < dateOf(*b, media);
        };
    } else if ((movie
                   && (field == QLatin1String("title") || field == QLatin1String("original_title")))
        || (!movie
            && (field == QLatin1String("name") || field == QLatin1String("original_name")))) {
        less = [field](const Title *a, const Title *b) {
            return a->item.value(field).toString().compare(
                       b->item.value(field).toString(), Qt::CaseInsensitive)
                < 0;
        };
    } else {
        return;
    }
    // stable: equal keys stay in popularity order
    std::stable_sort(titles.begin(), titles.end(),
        [&](const Title *a, const Title *b) { return ascending ? less(a, b) : less(b, a); });
}

// ---- search ----------------------------------------------------------------------------------

// Exact names first, then names starting with the query, then the rest; popularity order within.
class SearchRanking
{
public:
    explicit SearchRanking(const QString &needle)
        : m_needle(needle)
    { }

    void offer(const QJsonObject &item, const QStringList &names)
    {
        int best = -1;
        for (const QString &name : names) {
            int rank = -1;
            if (name.compare(m_needle, Qt::CaseInsensitive) == 0)
                rank = 0;
            else if (name.startsWith(m_needle, Qt::CaseInsensitive))
                rank = 1;
            else if (name.contains(m_needle, Qt::CaseInsensitive))
                rank = 2;
            if (rank >= 0 && (best < 0 || rank < best))
                best = rank;
        }
        if (best >= 0)
            m_ranked[best].append(item);
    }

    QJsonArray results() const
    {
        QJsonArray all;
        for (const QJsonArray &group : m_ranked) {
            for (const QJsonValue &item : group)
                all.append(item);
        }
        return all;
    }

private:
    QString m_needle;
    QJsonArray m_ranked[3];
};

} // namespace

// ---- the catalogue ---------------------------------------------------------------------------

struct DemoCatalogue::Data
{
    Table<Title> movies;
    Table<Title> shows;
    Table<Person> people;
    QHash<quint64, QJsonObject> seasons;
    QHash<quint64, QJsonObject> episodes;
    QHash<QString, FixedList> lists;
    QJsonObject configuration;
    QJsonObject movieGenres;
    QJsonObject tvGenres;

    static std::unique_ptr<const Data> load();
    static QList<Title> readTitles(const QJsonArray &records);
    void readSeasons(const QJsonObject &tv);
    QList<Person> readPeople(const QJsonArray &records) const;
    void readLists(const QJsonObject &definitions);
    const Table<Title> &titles(Media media) const { return media == Media::Movie ? movies : shows; }
    QJsonArray items(Media media, const QList<int> &ids, bool withMedia) const;

    Answer route(const QStringList &path, const QUrlQuery &query) const;
    Answer list(const QString &name, const QUrlQuery &query) const;
    Answer search(const QString &kind, const QUrlQuery &query) const;
    Answer discover(Media media, const QUrlQuery &query) const;
    Answer title(Media media, const QStringList &path, const QUrlQuery &query) const;
    Answer season(int showId, const QStringList &path) const;
    Answer person(const QStringList &path, const QUrlQuery &query) const;
    static std::optional<QJsonObject> personCredits(const Person &person, const QString &name);
};

std::unique_ptr<const DemoCatalogue::Data> DemoCatalogue::Data::load()
{
    auto data = std::make_unique<Data>();
    data->movies.build(
        readTitles(readResource(QStringLiteral("movies.json"))[QLatin1String("movies")].toArray()));
    const QJsonObject tv = readResource(QStringLiteral("tv.json")).object();
    data->shows.build(readTitles(tv.value(QLatin1String("tv")).toArray()));
    data->readSeasons(tv);
    // people after titles: a person's known_for is made of title list entries
    data->people.build(data->readPeople(
        readResource(QStringLiteral("people.json"))[QLatin1String("people")].toArray()));

    const QJsonObject reference = readResource(QStringLiteral("reference.json")).object();
    data->configuration = reference.value(QLatin1String("configuration")).toObject();
    const QJsonObject genres = reference.value(QLatin1String("genres")).toObject();
    data->movieGenres = {{QStringLiteral("genres"), genres.value(QLatin1String("movie"))}};
    data->tvGenres = {{QStringLiteral("genres"), genres.value(QLatin1String("tv"))}};
    data->readLists(reference.value(QLatin1String("lists")).toObject());
    qCDebug(lcTmdb) << "demo catalogue:" << data->movies.byPopularity.size() << "movies,"
                    << data->shows.byPopularity.size() << "shows,"
                    << data->people.byPopularity.size() << "people";
    return data;
}

QList<Title> DemoCatalogue::Data::readTitles(const QJsonArray &records)
{
    static const QStringList kNotExtras = {QStringLiteral("detail"), QStringLiteral("item"),
        QStringLiteral("recommendations"), QStringLiteral("similar")};
    QList<Title> titles;
    for (const QJsonValue &v : records) {
        const QJsonObject record = v.toObject();
        Title title;
        title.detail = record.value(QLatin1String("detail")).toObject();
        title.item = record.value(QLatin1String("item")).toObject();
        title.recommendations = idList(record.value(QLatin1String("recommendations")).toArray());
        title.similar = idList(record.value(QLatin1String("similar")).toArray());
        for (auto it = record.begin(); it != record.end(); ++it) {
            if (!kNotExtras.contains(it.key()))
                title.extras.insert(it.key(), it.value());
        }
        titles.append(title);
    }
    return titles;
}

void DemoCatalogue::Data::readSeasons(const QJsonObject &tv)
{
    for (const QJsonValue &v : tv.value(QLatin1String("seasons")).toArray()) {
        const int showId = v[QLatin1String("show_id")].toInt();
        const QJsonObject season = v[QLatin1String("season")].toObject();
        const int number = season.value(QLatin1String("season_number")).toInt();
        seasons.insert(episodeKey(showId, number), season);
        for (const QJsonValue &e : season.value(QLatin1String("episodes")).toArray())
            episodes.insert(episodeKey(showId, number, e[QLatin1String("episode_number")].toInt()),
                e.toObject());
    }
    // TMDB's standalone episode payloads are richer than the copies inside a season.
    for (const QJsonValue &v : tv.value(QLatin1String("episodes")).toArray()) {
        const QJsonObject episode = v[QLatin1String("episode")].toObject();
        episodes.insert(episodeKey(v[QLatin1String("show_id")].toInt(),
                            episode.value(QLatin1String("season_number")).toInt(),
                            episode.value(QLatin1String("episode_number")).toInt()),
            episode);
    }
}

QList<Person> DemoCatalogue::Data::readPeople(const QJsonArray &records) const
{
    QList<Person> people;
    for (const QJsonValue &v : records) {
        const QJsonObject record = v.toObject();
        Person person;
        person.detail = record.value(QLatin1String("detail")).toObject();
        person.item = record.value(QLatin1String("item")).toObject();
        person.combinedCredits = record.value(QLatin1String("combined_credits")).toObject();

        // Known for: the most voted-on titles they acted in, else those they worked on.
        QJsonArray credits = person.combinedCredits.value(QLatin1String("cast")).toArray();
        if (credits.isEmpty())
            credits = person.combinedCredits.value(QLatin1String("crew")).toArray();
        QList<QJsonObject> distinct;
        QSet<QString> seen;
        for (const QJsonValue &c : credits) {
            const QJsonObject credit = c.toObject();
            const QString key = credit.value(QLatin1String("media_type")).toString()
                + QString::number(credit.value(QLatin1String("id")).toInt());
            if (!seen.contains(key)) {
                seen.insert(key);
                distinct.append(credit);
            }
        }
        std::stable_sort(
            distinct.begin(), distinct.end(), [](const QJsonObject &a, const QJsonObject &b) {
                return a.value(QLatin1String("vote_count")).toDouble()
                    > b.value(QLatin1String("vote_count")).toDouble();
            });
        QJsonArray knownFor;
        for (const QJsonObject &credit : distinct.mid(0, kKnownForCount)) {
            const Media media
                = credit.value(QLatin1String("media_type")).toString() == QLatin1String("movie")
                ? Media::Movie
                : Media::Tv;
            if (const Title *t = titles(media).find(credit.value(QLatin1String("id")).toInt()))
                knownFor.append(withMediaType(t->item, mediaName(media)));
        }
        person.item.insert(QStringLiteral("known_for"), knownFor);
        people.append(person);
    }
    return people;
}

void DemoCatalogue::Data::readLists(const QJsonObject &definitions)
{
    for (auto it = definitions.begin(); it != definitions.end(); ++it) {
        const QString &name = it.key();
        const QJsonObject definition = it.value().toObject();
        const QList<int> ids = idList(definition.value(QLatin1String("ids")).toArray());
        // trending answers carry media_type, the per-type lists do not
        const bool trending = name.startsWith(QLatin1String("trending/"));
        FixedList list;
        list.dates = definition.value(QLatin1String("dates")).toObject();
        if (name.startsWith(QLatin1String("movie/"))
            || name.startsWith(QLatin1String("trending/movie/"))) {
            list.results = items(Media::Movie, ids, trending);
        } else if (name.startsWith(QLatin1String("tv/"))
            || name.startsWith(QLatin1String("trending/tv/"))) {
            list.results = items(Media::Tv, ids, trending);
        } else if (name.startsWith(QLatin1String("trending/person/"))) {
            for (int id : ids) {
                if (const Person *p = people.find(id))
                    list.results.append(withMediaType(p->item, QStringLiteral("person")));
            }
        } else {
            for (const QJsonValue &v : definition.value(QLatin1String("items")).toArray()) {
                const QJsonArray pair = v.toArray(); // [media_type, id]
                const Media media
                    = pair.at(0).toString() == QLatin1String("movie") ? Media::Movie : Media::Tv;
                for (const QJsonValue &item : items(media, {pair.at(1).toInt()}, true))
                    list.results.append(item);
            }
        }
        lists.insert(name, list);
    }
}

QJsonArray DemoCatalogue::Data::items(Media media, const QList<int> &ids, bool withMedia) const
{
    QJsonArray out;
    for (int id : ids) {
        // tst_democatalogue proves every listed id resolves; skip rather than list a dead end
        if (const Title *t = titles(media).find(id))
            out.append(withMedia ? withMediaType(t->item, mediaName(media)) : t->item);
    }
    return out;
}

Answer DemoCatalogue::Data::route(const QStringList &path, const QUrlQuery &query) const
{
    const QString head = path.value(0);
    const QString joined = path.join(QLatin1Char('/'));
    if (joined == QLatin1String("configuration"))
        return ok(configuration);
    if (joined == QLatin1String("genre/movie/list"))
        return ok(movieGenres);
    if (joined == QLatin1String("genre/tv/list"))
        return ok(tvGenres);
    if (lists.contains(joined)) // movie/popular, tv/on_the_air, trending/all/day, ...
        return list(joined, query);
    if (path.size() == 2 && head == QLatin1String("search"))
        return search(path[1], query);
    if (joined == QLatin1String("discover/movie"))
        return discover(Media::Movie, query);
    if (joined == QLatin1String("discover/tv"))
        return discover(Media::Tv, query);
    if (path.size() >= 2 && head == QLatin1String("movie"))
        return title(Media::Movie, path.mid(1), query);
    if (path.size() >= 2 && head == QLatin1String("tv"))
        return title(Media::Tv, path.mid(1), query);
    if (path.size() >= 2 && head == QLatin1String("person"))
        return person(path.mid(1), query);
    return notFound();
}

Answer DemoCatalogue::Data::list(const QString &name, const QUrlQuery &query) const
{
    const FixedList list = lists.value(name);
    const std::optional<int> page = pageOf(query);
    if (!page)
        return invalidPage();
    QJsonObject payload = paginate(list.results, *page);
    if (!list.dates.isEmpty())
        payload.insert(QStringLiteral("dates"), list.dates);
    return ok(payload);
}

Answer DemoCatalogue::Data::search(const QString &kind, const QUrlQuery &query) const
{
    const bool multi = kind == QLatin1String("multi");
    const bool wantMovies = multi || kind == QLatin1String("movie");
    const bool wantShows = multi || kind == QLatin1String("tv");
    const bool wantPeople = multi || kind == QLatin1String("person");
    if (!wantMovies && !wantShows && !wantPeople)
        return notFound();
    // TMDB reads the query string form-encoded: '+' is a space.
    const QString needle = param(query, QStringLiteral("query"))
                               .replace(QLatin1Char('+'), QLatin1Char(' '))
                               .simplified();
    if (needle.isEmpty())
        return paginated({}, query);

    auto yearMatches
        = [&](const QJsonObject &item, const QString &dateKey, const QStringList &yearKeys) {
              return std::all_of(yearKeys.begin(), yearKeys.end(), [&](const QString &key) {
                  const QString year = param(query, key);
                  return year.isEmpty()
                      || item.value(dateKey).toString().startsWith(year + QLatin1Char('-'));
              });
          };
    SearchRanking ranking(needle);
    if (wantMovies) {
        const QStringList yearKeys = multi
            ? QStringList()
            : QStringList {QStringLiteral("year"), QStringLiteral("primary_release_year")};
        for (const Title &t : movies.byPopularity) {
            if (yearMatches(t.item, QStringLiteral("release_date"), yearKeys))
                ranking.offer(multi ? withMediaType(t.item, QStringLiteral("movie")) : t.item,
                    {t.item.value(QLatin1String("title")).toString(),
                        t.item.value(QLatin1String("original_title")).toString()});
        }
    }
    if (wantShows) {
        const QStringList yearKeys = multi
            ? QStringList()
            : QStringList {QStringLiteral("year"), QStringLiteral("first_air_date_year")};
        for (const Title &t : shows.byPopularity) {
            if (yearMatches(t.item, QStringLiteral("first_air_date"), yearKeys))
                ranking.offer(multi ? withMediaType(t.item, QStringLiteral("tv")) : t.item,
                    {t.item.value(QLatin1String("name")).toString(),
                        t.item.value(QLatin1String("original_name")).toString()});
        }
    }
    if (wantPeople) {
        for (const Person &p : people.byPopularity)
            ranking.offer(multi ? withMediaType(p.item, QStringLiteral("person")) : p.item,
                {p.item.value(QLatin1String("name")).toString(),
                    p.item.value(QLatin1String("original_name")).toString()});
    }
    return paginated(ranking.results(), query);
}

Answer DemoCatalogue::Data::discover(Media media, const QUrlQuery &query) const
{
    QList<Filter> filters;
    addGenreFilters(filters, query);
    addDateFilters(filters, media, query);
    addNumberFilters(filters, media, query);
    addOtherFilters(filters, media, query);

    QList<const Title *> matches;
    for (const Title &t : titles(media).byPopularity) {
        if (std::all_of(filters.begin(), filters.end(), [&](const Filter &f) { return f(t); }))
            matches.append(&t);
    }
    sortForDiscover(matches, media, param(query, QStringLiteral("sort_by")));
    QJsonArray all;
    for (const Title *t : matches)
        all.append(t->item);
    return paginated(all, query);
}

Answer DemoCatalogue::Data::title(
    Media media, const QStringList &path, const QUrlQuery &query) const
{
    const std::optional<int> id = idOf(path[0]);
    const Title *t = id ? titles(media).find(*id) : nullptr;
    if (!t)
        return notFound();
    // recommendations carry media_type like TMDB's, similar titles do not
    auto related = [&](const QString &name, int page) -> std::optional<QJsonObject> {
        if (name == QLatin1String("recommendations"))
            return paginate(items(media, t->recommendations, true), page);
        if (name == QLatin1String("similar"))
            return paginate(items(media, t->similar, false), page);
        return std::nullopt;
    };

    if (path.size() == 1) {
        QJsonObject detail = t->detail;
        for (const QString &name : appends(query)) {
            if (const auto list = related(name, 1))
                detail.insert(name, *list);
            else if (t->extras.contains(name))
                detail.insert(name, t->extras.value(name));
            // TMDB ignores append names it does not know
        }
        return ok(detail);
    }
    if (media == Media::Tv && path[1] == QLatin1String("season"))
        return season(*id, path.mid(2));
    const QString sub = path.mid(1).join(QLatin1Char('/')); // "watch/providers" spans two
    const std::optional<int> page = pageOf(query);
    if (const auto list = related(sub, page.value_or(1)))
        return page ? ok(*list) : invalidPage();
    if (t->extras.contains(sub))
        return ok(withId(t->extras.value(sub).toObject(), *id));
    return notFound();
}

Answer DemoCatalogue::Data::season(int showId, const QStringList &path) const
{
    const std::optional<int> number = idOf(path.value(0), kMaxSeasonOrEpisode);
    if (!number)
        return notFound();
    if (path.size() == 1) {
        const auto it = seasons.constFind(episodeKey(showId, *number));
        return it == seasons.constEnd() ? notFound() : ok(*it);
    }
    const std::optional<int> episode = path.size() == 3 && path[1] == QLatin1String("episode")
        ? idOf(path[2], kMaxSeasonOrEpisode)
        : std::nullopt;
    if (!episode || *episode == 0)
        return notFound();
    const auto it = episodes.constFind(episodeKey(showId, *number, *episode));
    return it == episodes.constEnd() ? notFound() : ok(*it);
}

std::optional<QJsonObject> DemoCatalogue::Data::personCredits(
    const Person &person, const QString &name)
{
    if (name == QLatin1String("combined_credits"))
        return person.combinedCredits;
    const QString mediaType = name == QLatin1String("movie_credits") ? QStringLiteral("movie")
        : name == QLatin1String("tv_credits")                        ? QStringLiteral("tv")
                                                                     : QString();
    if (mediaType.isEmpty())
        return std::nullopt;
    // the per-media lists are the combined one without the media_type TMDB leaves out there
    QJsonObject credits;
    for (const QString &role : {QStringLiteral("cast"), QStringLiteral("crew")}) {
        QJsonArray kept;
        for (const QJsonValue &v : person.combinedCredits.value(role).toArray()) {
            QJsonObject credit = v.toObject();
            if (credit.take(QLatin1String("media_type")).toString() == mediaType)
                kept.append(credit);
        }
        credits.insert(role, kept);
    }
    return credits;
}

Answer DemoCatalogue::Data::person(const QStringList &path, const QUrlQuery &query) const
{
    const std::optional<int> id = idOf(path[0]);
    const Person *p = id ? people.find(*id) : nullptr;
    if (!p)
        return notFound();
    if (path.size() == 1) {
        QJsonObject detail = p->detail;
        for (const QString &name : appends(query)) {
            if (const auto credits = personCredits(*p, name))
                detail.insert(name, *credits);
        }
        return ok(detail);
    }
    const auto credits = path.size() == 2 ? personCredits(*p, path[1]) : std::nullopt;
    return credits ? ok(withId(*credits, *id)) : notFound();
}

// ---- public ----------------------------------------------------------------------------------

DemoCatalogue::DemoCatalogue() = default;

DemoCatalogue::~DemoCatalogue() = default;

DemoCatalogue::Answer DemoCatalogue::get(const QString &tmdbPath, const QUrlQuery &query) const
{
    const QStringList path = tmdbPath.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (path.isEmpty())
        return notFound();
    std::call_once(m_loaded, [this] { m_data = Data::load(); });
    return m_data->route(path, query);
}

} // namespace marquee
