#!/usr/bin/env python3
"""Assemble the built-in demo catalogue (resources/demo/*.json) from TMDB's own OpenAPI spec.

Usage: scripts/build-demo-catalogue.py [path/to/tmdb-api.json] [output-dir]

The spec's example responses are real TMDB payloads, but they are a loose bag: lists point at
titles that have no details, one detail example (Star Wars) stands in for every movie, the genre
lists are German. This script picks a curated set of titles, keeps every real payload it can, and
synthesises what is missing from the titles' list entries so that every id the catalogue
mentions resolves. Output is deterministic (same input, same bytes).
"""

import hashlib
import json
import os
import sys
from datetime import date, timedelta

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SPEC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests", "data", "tmdb-api.json")
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "resources", "demo")

# ---------------------------------------------------------------------------------------------
# The selection. Facts not in the spec (runtime, tagline, US certification, IMDb id, season
# layout) are well-known public facts; anything not known for sure is left empty/null, as TMDB
# itself does for sparse records.

MOVIES = {
    # id: (runtime, tagline, US certification, imdb_id)
    238: (175, "An offer you can't refuse.", "R", "tt0068646"),
    240: (202, "", "R", "tt0071562"),
    278: (142, "Fear can hold you prisoner. Hope can set you free.", "R", "tt0111161"),
    155: (152, "Welcome to a world without rules.", "PG-13", "tt0468569"),
    424: (195, "Whoever saves one life, saves the world entire.", "R", "tt0108052"),
    129: (125, "", "PG", "tt0245429"),
    680: (154, "Just because you are a character doesn't mean you have character.", "R",
          "tt0110912"),
    13: (142, "The world will never be the same once you've seen it through the eyes of "
              "Forrest Gump.", "PG-13", "tt0109830"),
    497: (189, "Paul Edgecomb didn't believe in miracles. Until the day he met one.", "R",
          "tt0120689"),
    122: (201, "The eye of the enemy is moving.", "PG-13", "tt0167260"),
    496243: (133, "Act like you own the place.", "R", "tt6751668"),
    550: (139, "Mischief. Mayhem. Soap.", "R", "tt0137523"),
    807: (127, "Seven deadly sins. Seven ways to die.", "R", "tt0114369"),
    603: (136, "", "R", "tt0133093"),
    862: (81, "", "G", "tt0114709"),
    857: (169, "The mission is a man.", "R", "tt0120815"),
    8358: (143, "At the edge of the world, his journey begins.", "PG-13", "tt0162222"),
    640: (141, "The true story of a real fake.", "PG-13", "tt0264464"),
    11: None,  # real detail in the spec
    140607: (136, "Every generation has a story.", "PG-13", "tt2488496"),
    76600: (192, "Return to Pandora.", "PG-13", "tt1630029"),
    502356: (92, "", "PG", "tt6718170"),
    603692: (170, "No way back, one way out.", "R", "tt10366206"),
    640146: (125, "Witness the beginning of a new dynasty.", "PG-13", "tt10954600"),
    315162: (103, "", "PG", "tt3915174"),
    447365: (150, "Once more with feeling.", "PG-13", "tt6791350"),
    934433: (123, "New York. New rules.", "R", "tt17663992"),
    536554: (102, "Friendship has evolved.", "PG-13", "tt8760708"),
    713704: (97, "", "R", "tt13345606"),
    385687: (142, "The end of the road begins.", "PG-13", "tt5433140"),
    447277: (135, "", "PG", "tt5971474"),
}
MOVIE_ORIGIN = {129: ["JP"], 496243: ["KR"]}
SNAPSHOT = "2023-05-03"  # the spec's lists were captured around this date (now_playing.dates)

NETWORKS = {
    "HBO": {"id": 49, "logo_path": "/tuomPhY2UtuPTqqFnKMVHvSb724.png", "name": "HBO",
            "origin_country": "US"},
    "Netflix": {"id": 213, "logo_path": None, "name": "Netflix", "origin_country": ""},
    "AMC": {"id": 174, "logo_path": None, "name": "AMC", "origin_country": "US"},
    "Disney+": {"id": 2739, "logo_path": None, "name": "Disney+", "origin_country": ""},
    "Apple TV+": {"id": 2552, "logo_path": None, "name": "Apple TV+", "origin_country": ""},
    "BBC Two": {"id": 332, "logo_path": None, "name": "BBC Two", "origin_country": "GB"},
}
# provider id per network for a US "flatrate" entry (ids and logos from /watch/providers/tv)
NETWORK_PROVIDER = {"HBO": 384, "Netflix": 8, "Disney+": 337, "Apple TV+": 350, "AMC": 8,
                    "BBC Two": 8}

# id: (seasons [(air_date, episodes, release pattern)], runtime, status, type, networks)
# pattern: "weekly", "binge" (all on one day), an int n (batches of n a week) or
# ("split", n, date): the first n episodes on the air date, the rest on date
TV = {
    1399: None,  # real detail, real season 1, seasons 2-8 from the detail's season summaries
    1396: ([("2008-01-20", 7, "weekly"), ("2009-03-08", 13, "weekly"),
            ("2010-03-21", 13, "weekly"), ("2011-07-17", 13, "weekly"),
            ("2012-07-15", 16, "weekly")], 47, "Ended", "Scripted", ["AMC"]),
    66732: ([("2016-07-15", 8, "binge"), ("2017-10-27", 9, "binge"), ("2019-07-04", 8, "binge"),
             ("2022-05-27", 9, ("split", 7, "2022-07-01"))], 50, "Returning Series", "Scripted", ["Netflix"]),
    100088: ([("2023-01-15", 9, "weekly")], 55, "Returning Series", "Scripted", ["HBO"]),
    82856: ([("2019-11-12", 8, "weekly"), ("2020-10-30", 8, "weekly"),
             ("2023-03-01", 8, "weekly")], 38, "Returning Series", "Scripted", ["Disney+"]),
    94605: ([("2021-11-06", 9, 3)], 40, "Returning Series", "Scripted", ["Netflix"]),
    119051: ([("2022-11-23", 8, "binge")], 50, "Returning Series", "Scripted", ["Netflix"]),
    94997: ([("2022-08-21", 10, "weekly")], 60, "Returning Series", "Scripted", ["HBO"]),
    87108: ([("2019-05-06", 5, "weekly")], 65, "Ended", "Miniseries", ["HBO"]),
    97546: ([("2020-08-14", 10, "weekly"), ("2021-07-23", 12, "weekly"),
             ("2023-03-15", 12, "weekly")], 40, "Returning Series", "Scripted", ["Apple TV+"]),
    60574: ([("2013-09-12", 6, "weekly"), ("2014-10-02", 6, "weekly"),
             ("2016-05-05", 6, "weekly"), ("2017-11-15", 6, "weekly"),
             ("2019-08-25", 6, "weekly"), ("2022-02-27", 6, "weekly")], 58, "Ended", "Scripted",
            ["BBC Two"]),
    85937: ([("2019-04-06", 26, "weekly"), ("2021-10-10", 18, "weekly"),
             ("2023-04-09", 11, "weekly")], 24, "Returning Series", "Scripted", []),
    71446: ([("2017-05-02", 15, "weekly"), ("2019-07-19", 16, "binge"),
             ("2021-09-03", 10, "binge")], 50, "Ended", "Scripted", ["Netflix"]),
}
TV_RATING = {1396: "TV-MA", 66732: "TV-14", 100088: "TV-MA", 82856: "TV-14", 94605: "TV-14",
             119051: "TV-14", 94997: "TV-MA", 87108: "TV-MA", 97546: "TV-MA", 60574: "TV-MA",
             85937: "TV-MA", 71446: "TV-MA"}
TV_ORIGIN = {60574: ["GB"], 85937: ["JP"], 71446: ["ES"]}
KNOWN_SEASON_IDS = {(100088, 1): 144593}  # from the /credit example

# Roles for people who are in the catalogue, beyond the spec's real credit lists:
# (person id, media type, title id, "cast", character, order) or (..., "crew", job, department)
ROLES = [
    (1158, "movie", 238, "cast", "Michael Corleone", 1),
    (1158, "movie", 240, "cast", "Michael Corleone", 0),
    (192, "movie", 278, "cast", "Ellis Boyd 'Red' Redding", 1),
    (192, "movie", 807, "cast", "Detective William Somerset", 1),
    (287, "movie", 807, "cast", "Detective David Mills", 0),
    (7467, "movie", 807, "crew", "Director", "Directing"),
    (6384, "movie", 603, "cast", "Neo", 0),
    (6384, "movie", 603692, "cast", "John Wick", 0),
    (73457, "movie", 502356, "cast", "Mario (voice)", 0),
    (73457, "movie", 447365, "cast", "Peter Quill / Star-Lord", 0),
    (974169, "movie", 934433, "cast", "Tara Carpenter", 1),
    (974169, "tv", 119051, "cast", "Wednesday Addams", 0),
    (1253360, "tv", 82856, "cast", "Din Djarin / The Mandalorian", 0),
    (1253360, "tv", 100088, "cast", "Joel Miller", 0),
    (237053, "tv", 94997, "crew", "Novel", "Writing"),
    (10851, "tv", 94997, "crew", "Original Music Composer", "Sound"),
]
TV_CREATED_BY = {94997: [237053]}
FIGHT_CLUB_CAST = 8
FIGHT_CLUB_CREW_JOBS = {"Director", "Novel", "Screenplay", "Producer", "Director of Photography"}
FIGHT_CLUB_CREW_IDS = {7467, 7468, 7469, 1254, 7479}
GOT_CAST = 9
GOT_CREW_IDS = {237053, 10851}
PROVIDER_REGIONS = ["US", "GB", "CA", "DE", "FR", "AU"]
GUEST_STARS_KEPT = 6

MOVIE_GENRES = [(28, "Action"), (12, "Adventure"), (16, "Animation"), (35, "Comedy"),
                (80, "Crime"), (99, "Documentary"), (18, "Drama"), (10751, "Family"),
                (14, "Fantasy"), (36, "History"), (27, "Horror"), (10402, "Music"),
                (9648, "Mystery"), (10749, "Romance"), (878, "Science Fiction"),
                (10770, "TV Movie"), (53, "Thriller"), (10752, "War"), (37, "Western")]
TV_GENRES = [(10759, "Action & Adventure"), (16, "Animation"), (35, "Comedy"), (80, "Crime"),
             (99, "Documentary"), (18, "Drama"), (10751, "Family"), (10762, "Kids"),
             (9648, "Mystery"), (10763, "News"), (10764, "Reality"),
             (10765, "Sci-Fi & Fantasy"), (10766, "Soap"), (10767, "Talk"),
             (10768, "War & Politics"), (37, "Western")]

# sources whose text is localised (German) and must not provide titles or overviews
LOCALISED_SOURCES = {"list_list_id", "keyword_keyword_id_movies", "credit_credit_id",
                     "collection_collection_id"}

MOVIE_ITEM_KEYS = ["adult", "backdrop_path", "genre_ids", "id", "original_language",
                   "original_title", "overview", "popularity", "poster_path", "release_date",
                   "title", "video", "vote_average", "vote_count"]
TV_ITEM_KEYS = ["adult", "backdrop_path", "genre_ids", "id", "origin_country",
                "original_language", "original_name", "overview", "popularity", "poster_path",
                "first_air_date", "name", "vote_average", "vote_count"]
PERSON_KEYS = ["adult", "gender", "id", "known_for_department", "name", "original_name",
               "popularity", "profile_path"]


def examples(spec):
    out = {}
    for path, item in spec["paths"].items():
        get = item.get("get")
        if not get:
            continue
        content = get["responses"].get("200", {}).get("content", {}).get("application/json", {})
        for ex in content.get("examples", {}).values():
            value = ex.get("value")
            out[path[len("/3"):]] = json.loads(value) if isinstance(value, str) else value
    return out


def slug_of(path):
    return path.strip("/").replace("/", "_").replace("{", "").replace("}", "")


def credit_id(*parts):
    return hashlib.md5("/".join(map(str, parts)).encode()).hexdigest()[:24]


def collect_entries(ex):
    """Every movie/tv list entry anywhere in the examples, by id, with its source."""
    movies, tvs = {}, {}

    def walk(node, source):
        if isinstance(node, dict):
            if isinstance(node.get("id"), int) and "genre_ids" in node:
                if "title" in node and "release_date" in node:
                    movies.setdefault(node["id"], []).append((source, node))
                elif "name" in node and "first_air_date" in node:
                    tvs.setdefault(node["id"], []).append((source, node))
            for v in node.values():
                walk(v, source)
        elif isinstance(node, list):
            for v in node:
                walk(v, source)

    for path, value in ex.items():
        walk(value, slug_of(path))
    return movies, tvs


def merged_entry(candidates, keys):
    """The richest non-localised entry, gaps filled from the others (never text from German)."""
    good = [n for s, n in candidates if s not in LOCALISED_SOURCES] or [n for _, n in candidates]
    good.sort(key=lambda n: (-len(n), -n.get("vote_count", 0)))
    entry = dict(good[0])
    for _, other in candidates:
        for k in keys:
            if entry.get(k) is None and other.get(k) is not None and k not in (
                    "overview", "title", "name"):
                entry[k] = other[k]
    return {k: entry.get(k) for k in keys}


def lang_obj(code, languages):
    for lang in languages:
        if lang["iso_639_1"] == code:
            return {"english_name": lang["english_name"], "iso_639_1": code,
                    "name": lang["name"]}
    return {"english_name": code, "iso_639_1": code, "name": ""}


def country_obj(code, countries):
    for c in countries:
        if c["iso_3166_1"] == code:
            return {"iso_3166_1": code, "name": c["english_name"]}
    return {"iso_3166_1": code, "name": code}


def genres_of(ids, table):
    names = dict(table)
    return [{"id": g, "name": names[g]} for g in ids if g in names]


def slugify(text):
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")


def synth_images(item):
    backdrops = []
    posters = []
    if item.get("backdrop_path"):
        backdrops.append({"aspect_ratio": 1.778, "height": 1080, "iso_639_1": None,
                          "file_path": item["backdrop_path"], "vote_average": 0,
                          "vote_count": 0, "width": 1920})
    if item.get("poster_path"):
        posters.append({"aspect_ratio": 0.667, "height": 1500, "iso_639_1": "en",
                        "file_path": item["poster_path"], "vote_average": 0, "vote_count": 0,
                        "width": 1000})
    return {"backdrops": backdrops, "logos": [], "posters": posters}


def trim_images(images, n=6):
    def pick(lst):
        en = [i for i in lst if i.get("iso_639_1") in ("en", None)]
        return (en + [i for i in lst if i not in en])[:n]
    return {"backdrops": pick(images["backdrops"]), "logos": pick(images["logos"]),
            "posters": pick(images["posters"])}


def providers_result(provider_ids_by_region, link, provider_table):
    results = {}
    for region, pid in provider_ids_by_region.items():
        p = provider_table[pid]
        results[region] = {"link": link, "flatrate": [{
            "logo_path": p["logo_path"], "provider_id": pid, "provider_name": p["provider_name"],
            "display_priority": p.get("display_priorities", {}).get(region,
                                                                     p["display_priority"])}]}
    return results


def person_from(entry):
    person = {k: entry.get(k) for k in PERSON_KEYS}
    if person["original_name"] is None:
        person["original_name"] = person["name"]
    person["adult"] = bool(person["adult"])
    return person


def records_per_line(data):
    """Compact JSON with one record per line: small, yet diffs show which title changed."""
    def compact(v):
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    parts = []
    for key, records in data.items():
        lines = ",\n".join(compact(r) for r in records)
        parts.append(f"{compact(key)}:[\n{lines}\n]")
    return "{" + ",\n".join(parts) + "}"


def main():
    spec = json.load(open(SPEC))
    ex = examples(spec)
    languages = ex["/configuration/languages"]
    countries = ex["/configuration/countries"]
    tv_providers = {p["provider_id"]: p for p in ex["/watch/providers/tv"]["results"]}
    movie_entries, tv_entries = collect_entries(ex)

    # ---- people: every person anybody's credits mention, from the richest entry we have
    person_entries = {}

    def offer_person(entry, weight):
        pid = entry["id"]
        if pid not in person_entries or weight > person_entries[pid][0]:
            person_entries[pid] = (weight, person_from(entry))

    for entry in ex["/person/popular"]["results"] + ex["/trending/person/{time_window}"][
            "results"]:
        offer_person(entry, 3)
    offer_person(ex["/credit/{credit_id}"]["person"], 2)

    # ---- movies
    movies = {}
    roles = {}  # (media, title id) -> {"cast": [...], "crew": [...]}

    fc_credits = ex["/movie/{movie_id}/credits"]
    fc_cast = sorted(fc_credits["cast"], key=lambda c: c["order"])[:FIGHT_CLUB_CAST]
    fc_crew = [c for c in fc_credits["crew"]
               if c["id"] in FIGHT_CLUB_CREW_IDS and c["job"] in FIGHT_CLUB_CREW_JOBS]
    for c in fc_cast + fc_crew:
        offer_person(c, 1)
    roles[("movie", 550)] = {"cast": fc_cast, "crew": fc_crew}

    hanks = ex["/person/{person_id}/combined_credits"]
    hanks_person = ex["/search/person"]["results"][0]
    offer_person(hanks_person, 4)

    for mid, facts in MOVIES.items():
        item = merged_entry(movie_entries[mid], MOVIE_ITEM_KEYS)
        item["adult"] = False
        item["video"] = bool(item["video"])
        if mid == 11:
            detail = dict(ex["/movie/{movie_id}"])
            runtime, cert = detail["runtime"], "PG"
        else:
            runtime, tagline, cert, imdb = facts
            origin = MOVIE_ORIGIN.get(mid, ["US"])
            detail = {
                "adult": False,
                "backdrop_path": item["backdrop_path"],
                "belongs_to_collection": None,
                "budget": 0,
                "genres": genres_of(item["genre_ids"], MOVIE_GENRES),
                "homepage": "",
                "id": mid,
                "imdb_id": imdb,
                "origin_country": origin,
                "original_language": item["original_language"],
                "original_title": item["original_title"],
                "overview": item["overview"],
                "popularity": item["popularity"],
                "poster_path": item["poster_path"],
                "production_companies": [],
                "production_countries": [country_obj(c, countries) for c in origin],
                "release_date": item["release_date"],
                "revenue": 0,
                "runtime": runtime,
                "spoken_languages": [lang_obj(item["original_language"], languages)],
                "status": "Released" if item["release_date"] <= SNAPSHOT else "Post Production",
                "tagline": tagline,
                "title": item["title"],
                "video": False,
                "vote_average": item["vote_average"],
                "vote_count": item["vote_count"],
            }
            if mid == 140607:
                detail["belongs_to_collection"] = ex["/movie/{movie_id}"]["belongs_to_collection"]
        # the list entry must agree with the detail the user clicks through to
        for k in ("title", "overview", "poster_path", "backdrop_path", "release_date",
                  "vote_average", "vote_count", "popularity", "original_title"):
            item[k] = detail[k]
        item["genre_ids"] = [g["id"] for g in detail["genres"]]
        extras = {
            "videos": {"results": []},
            "images": synth_images(item),
            "release_dates": {"results": [{"iso_3166_1": "US", "release_dates": [{
                "certification": cert, "descriptors": [], "iso_639_1": "", "note": "",
                "release_date": item["release_date"] + "T00:00:00.000Z", "type": 3}]}]},
            "watch/providers": {"results": {}},
        }
        if mid == 550:
            extras["videos"] = {"results": ex["/movie/{movie_id}/videos"]["results"]}
            extras["images"] = trim_images(ex["/movie/{movie_id}/images"])
            keep = {"US", "GB", "CA", "DE", "FR", "AU", "JP", "KR", "BR", "ES", "IT", "NL"}
            extras["release_dates"] = {"results": [
                r for r in ex["/movie/{movie_id}/release_dates"]["results"]
                if r["iso_3166_1"] in keep]}
            wp = ex["/movie/{movie_id}/watch/providers"]["results"]
            extras["watch/providers"] = {"results": {r: wp[r] for r in PROVIDER_REGIONS
                                                     if r in wp}}
        movies[mid] = {"detail": detail, "item": item, **extras}
        for c in hanks["cast"]:
            if c["media_type"] == "movie" and c["id"] == mid:
                roles.setdefault(("movie", mid), {"cast": [], "crew": []})["cast"].append(
                    dict(person_from(hanks_person), cast_id=0, character=c["character"],
                         credit_id=c["credit_id"], order=c["order"]))

    # ---- tv
    got = ex["/tv/{series_id}"]
    got_season1 = ex["/tv/{series_id}/season/{season_number}"]
    got_episode = ex["/tv/{series_id}/season/{season_number}/episode/{episode_number}"]
    got_credits = ex["/tv/{series_id}/credits"]
    got_cast = sorted(got_credits["cast"], key=lambda c: c["order"])[:GOT_CAST]
    got_crew = [c for c in got_credits["crew"] if c["id"] in GOT_CREW_IDS]
    for c in got_cast + got_crew:
        offer_person(c, 1)
    for episode in got_season1["episodes"]:
        for c in episode["crew"]:
            offer_person(c, 0.5)
    for c in got["created_by"]:  # the poorest source: no popularity, no department
        offer_person(dict(c, adult=False, known_for_department="Writing",
                          original_name=c["name"], popularity=0.0), 0.1)
    roles[("tv", 1399)] = {"cast": got_cast, "crew": got_crew}

    tvs = {}
    seasons = {}
    episode_counter = [9000000]

    def trim_episode(ep):
        ep = dict(ep)
        ep["crew"] = [c for c in ep.get("crew", []) if c["department"] in ("Directing", "Writing")]
        ep["guest_stars"] = sorted(ep.get("guest_stars", []),
                                   key=lambda g: g["order"])[:GUEST_STARS_KEPT]
        return ep

    def generic_episodes(show_id, season_number, air_date, count, pattern, runtime):
        start = date.fromisoformat(air_date)
        episodes = []
        for n in range(1, count + 1):
            if pattern == "binge":
                day = start
            elif isinstance(pattern, tuple):
                day = start if n <= pattern[1] else date.fromisoformat(pattern[2])
            elif pattern == "weekly":
                day = start + timedelta(weeks=n - 1)
            else:
                day = start + timedelta(weeks=(n - 1) // pattern)
            episode_counter[0] += 1
            episodes.append({
                "air_date": day.isoformat(), "episode_number": n,
                "episode_type": "finale" if n == count else "standard",
                "id": episode_counter[0], "name": f"Episode {n}", "overview": "",
                "production_code": "", "runtime": runtime, "season_number": season_number,
                "show_id": show_id, "still_path": None, "vote_average": 0.0, "vote_count": 0,
                "crew": [], "guest_stars": []})
        return episodes

    def season_object(show_id, summary, episodes, networks):
        return {"_id": credit_id("season", show_id, summary["season_number"]),
                "air_date": summary["air_date"], "episodes": episodes, "name": summary["name"],
                "networks": networks, "overview": summary["overview"], "id": summary["id"],
                "poster_path": summary["poster_path"],
                "season_number": summary["season_number"],
                "vote_average": summary["vote_average"]}

    def last_episode(ep):
        keys = ["id", "name", "overview", "vote_average", "vote_count", "air_date",
                "episode_number", "production_code", "runtime", "season_number", "show_id",
                "still_path"]
        return {k: ep[k] for k in keys}

    for tid, facts in TV.items():
        item = merged_entry(tv_entries[tid], TV_ITEM_KEYS)
        item["adult"] = False
        if tid == 1399:
            detail = dict(got)
            # Specials (272 episodes) would dwarf the rest of the catalogue: leave them out.
            detail["seasons"] = [s for s in got["seasons"] if s["season_number"] > 0]
            for s in detail["seasons"]:
                if s["season_number"] == 1:
                    episodes = [trim_episode(e) for e in got_season1["episodes"]]
                    season = season_object(tid, s, episodes, got_season1["networks"])
                    season["_id"] = got_season1["_id"]
                    season["overview"] = got_season1["overview"]
                else:
                    episodes = generic_episodes(tid, s["season_number"], s["air_date"],
                                                s["episode_count"], "weekly", 60)
                    season = season_object(tid, s, episodes, got_season1["networks"])
                seasons[(tid, s["season_number"])] = season
            last = detail["last_episode_to_air"]
            final = seasons[(tid, last["season_number"])]["episodes"][last["episode_number"] - 1]
            final.update({k: last[k] for k in ("id", "name", "overview", "vote_average",
                                                "vote_count", "air_date", "production_code",
                                                "runtime", "still_path")})
            detail["number_of_episodes"] = sum(s["episode_count"] for s in detail["seasons"])
            ratings = ex["/tv/{series_id}/content_ratings"]["results"]
            wp = ex["/tv/{series_id}/watch/providers"]["results"]
            extras = {
                "videos": {"results": ex["/tv/{series_id}/videos"]["results"]},
                "images": synth_images(item),
                "content_ratings": {"results": ratings},
                "watch/providers": {"results": {r: wp[r] for r in PROVIDER_REGIONS if r in wp}},
            }
        else:
            layout, runtime, status, kind, network_names = facts
            origin = TV_ORIGIN.get(tid, ["US"])
            networks = [NETWORKS[n] for n in network_names]
            summaries = []
            for number, (air_date, count, pattern) in enumerate(layout, start=1):
                sid = KNOWN_SEASON_IDS.get((tid, number), 8000000 + tid % 100000 * 10 + number)
                summary = {"air_date": air_date, "episode_count": count, "id": sid,
                           "name": f"Season {number}", "overview": "",
                           "poster_path": item["poster_path"], "season_number": number,
                           "vote_average": 0.0}
                episodes = generic_episodes(tid, number, air_date, count, pattern, runtime)
                seasons[(tid, number)] = season_object(tid, summary, episodes, networks)
                summaries.append(summary)
            final = seasons[(tid, len(layout))]["episodes"][-1]
            detail = {
                "adult": False,
                "backdrop_path": item["backdrop_path"],
                "created_by": [],
                "episode_run_time": [runtime],
                "first_air_date": item["first_air_date"],
                "genres": genres_of(item["genre_ids"], TV_GENRES),
                "homepage": "",
                "id": tid,
                "in_production": status != "Ended",
                "languages": [item["original_language"]],
                "last_air_date": final["air_date"],
                "last_episode_to_air": last_episode(final),
                "name": item["name"],
                "next_episode_to_air": None,
                "networks": networks,
                "number_of_episodes": sum(s["episode_count"] for s in summaries),
                "number_of_seasons": len(summaries),
                "origin_country": origin,
                "original_language": item["original_language"],
                "original_name": item["original_name"],
                "overview": item["overview"],
                "popularity": item["popularity"] if item["popularity"] is not None else 150.0,
                "poster_path": item["poster_path"],
                "production_companies": [],
                "production_countries": [country_obj(c, countries) for c in origin],
                "seasons": summaries,
                "spoken_languages": [lang_obj(item["original_language"], languages)],
                "status": status,
                "tagline": "",
                "type": kind,
                "vote_average": item["vote_average"],
                "vote_count": item["vote_count"],
            }
            for pid in TV_CREATED_BY.get(tid, []):
                p = person_entries[pid][1]
                detail["created_by"].append({"id": pid, "credit_id": credit_id("created", tid,
                                                                                pid),
                                             "name": p["name"], "gender": p["gender"],
                                             "profile_path": p["profile_path"]})
            link = f"https://www.themoviedb.org/tv/{tid}-{slugify(item['name'])}/watch?locale=US"
            providers = {}
            if network_names:
                providers = providers_result({"US": NETWORK_PROVIDER[network_names[0]]}, link,
                                             tv_providers)
            extras = {
                "videos": {"results": []},
                "images": synth_images(item),
                "content_ratings": {"results": [{"descriptors": [], "iso_3166_1": "US",
                                                 "rating": TV_RATING[tid]}]},
                "watch/providers": {"results": providers},
            }
        for k in ("name", "overview", "poster_path", "backdrop_path", "first_air_date",
                  "vote_average", "vote_count", "popularity", "original_name", "origin_country"):
            item[k] = detail[k]
        item["genre_ids"] = [g["id"] for g in detail["genres"]]
        tvs[tid] = {"detail": detail, "item": item, **extras}

    assert seasons[(1399, 1)]["episodes"][0]["id"] == got_episode["id"]

    # ---- curated roles become credits on both sides
    credit_from_pid = {pid: entry for pid, (_, entry) in person_entries.items()}
    for pid, media, title_id, kind, what, extra in ROLES:
        person = credit_from_pid[pid]
        bucket = roles.setdefault((media, title_id), {"cast": [], "crew": []})
        cid = credit_id(media, title_id, pid, what)
        if media == "tv" and (pid, title_id) == (1253360, 100088):
            cid = ex["/credit/{credit_id}"]["id"]
        if kind == "cast":
            entry = dict(person, character=what, credit_id=cid, order=extra)
            if media == "movie":
                entry["cast_id"] = extra + 1
            bucket["cast"].append(entry)
        else:
            bucket["crew"].append(dict(person, credit_id=cid, department=extra, job=what))

    for (media, tid), credit in roles.items():
        target = movies if media == "movie" else tvs
        credit["cast"].sort(key=lambda c: c["order"])
        target[tid]["credits"] = {"cast": credit["cast"], "crew": credit["crew"]}
    for table in (movies, tvs):
        for entry in table.values():
            entry.setdefault("credits", {"cast": [], "crew": []})

    # ---- people: only those the catalogue's credits mention; combined credits inverted
    people = {}
    for media, table in (("movie", movies), ("tv", tvs)):
        for tid, entry in table.items():
            credits = list(entry["credits"]["cast"]) + list(entry["credits"]["crew"])
            if media == "tv":
                credits += [dict(credit_from_pid[c["id"]], credit_id=c["credit_id"],
                                 department="Writing", job="Creator")
                            for c in entry["detail"]["created_by"]]
            for c in credits:
                pid = c["id"]
                person = people.setdefault(pid, {"cast": [], "crew": []})
                base = dict(entry["item"])
                if "character" in c:
                    role = dict(base, character=c["character"], credit_id=c["credit_id"])
                    if media == "movie":
                        role["order"] = c["order"]
                    else:
                        role["episode_count"] = entry["detail"]["number_of_episodes"]
                    person["cast"].append(dict(role, media_type=media))
                else:
                    role = dict(base, credit_id=c["credit_id"], department=c["department"],
                                job=c["job"])
                    if media == "tv":
                        role["episode_count"] = entry["detail"]["number_of_episodes"]
                    person["crew"].append(dict(role, media_type=media))

    real_people = {31: ex["/person/{person_id}"]}
    people_out = {}
    for pid in sorted(people):
        entry = credit_from_pid[pid]
        if pid in real_people:
            detail = dict(real_people[pid])
            detail["profile_path"] = entry["profile_path"] or detail["profile_path"]
        else:
            detail = {"adult": False, "also_known_as": [], "biography": "", "birthday": None,
                      "deathday": None, "gender": entry["gender"], "homepage": None, "id": pid,
                      "imdb_id": None, "known_for_department": entry["known_for_department"],
                      "name": entry["name"], "place_of_birth": None,
                      "popularity": entry["popularity"], "profile_path": entry["profile_path"]}
        credits = people[pid]
        for lst in credits.values():
            lst.sort(key=lambda c: (c.get("release_date") or c.get("first_air_date") or ""),
                     reverse=True)
        people_out[pid] = {"detail": detail, "item": entry, "combined_credits": credits}

    # ---- recommendations and similar: within the catalogue, by shared genres
    def related(table, tid, mode):
        me = table[tid]["item"]
        mine = set(me["genre_ids"])
        scored = []
        for oid, other in table.items():
            if oid == tid:
                continue
            theirs = set(other["item"]["genre_ids"])
            shared = len(mine & theirs)
            if not shared:
                continue
            if mode == "similar":
                score = (shared / len(mine | theirs), -abs(
                    int((other["item"].get("release_date") or other["item"].get(
                        "first_air_date"))[:4]) - int((me.get("release_date") or me.get(
                            "first_air_date"))[:4])))
            else:
                score = (shared, other["item"]["vote_average"])
            scored.append((score, oid))
        scored.sort(key=lambda s: (s[0], -s[1]), reverse=True)
        return [oid for _, oid in scored[:10]]

    for table in (movies, tvs):
        for tid in table:
            table[tid]["recommendations"] = related(table, tid, "recommendations")
            table[tid]["similar"] = related(table, tid, "similar")
    real_recs = [r["id"] for r in ex["/tv/{series_id}/recommendations"]["results"]
                 if r["id"] in tvs]
    tvs[1399]["recommendations"] = real_recs + [t for t in tvs[1399]["recommendations"]
                                                if t not in real_recs]

    # ---- lists
    def by(table, key, reverse=True, min_votes=0):
        ids = [t for t in table if table[t]["item"]["vote_count"] >= min_votes]
        return sorted(ids, key=lambda t: (table[t]["item"][key], -t), reverse=reverse)

    def real_order(path, table):
        return [r["id"] for r in ex[path]["results"] if r["id"] in table]

    def real_people_order(path):
        return [r["id"] for r in ex[path]["results"] if r["id"] in people_out]

    popular_movies = by(movies, "popularity")
    popular_tv = by(tvs, "popularity")
    popular_people = sorted(people_out, key=lambda p: (people_out[p]["item"]["popularity"] or 0,
                                                       -p), reverse=True)

    def fill(first, rest):
        return first + [x for x in rest if x not in first]

    trending_all_day = [[r["media_type"], r["id"]] for r in
                        ex["/trending/all/{time_window}"]["results"]
                        if r["id"] in (movies if r["media_type"] == "movie" else tvs)]
    everything = sorted([["movie", m] for m in movies] + [["tv", t] for t in tvs],
                        key=lambda mt: -(movies if mt[0] == "movie" else tvs)[mt[1]]["item"][
                            "popularity"])
    lists = {
        "movie/popular": {"ids": popular_movies},
        "movie/top_rated": {"ids": by(movies, "vote_average", min_votes=300)},
        "movie/now_playing": {"ids": real_order("/movie/now_playing", movies),
                              "dates": ex["/movie/now_playing"]["dates"]},
        "movie/upcoming": {"ids": real_order("/movie/upcoming", movies),
                           "dates": ex["/movie/upcoming"]["dates"]},
        "tv/popular": {"ids": popular_tv},
        "tv/top_rated": {"ids": by(tvs, "vote_average", min_votes=100)},
        "tv/airing_today": {"ids": [97546, 85937]},
        "tv/on_the_air": {"ids": [97546, 85937, 82856]},
        "trending/movie/day": {"ids": real_order("/trending/movie/{time_window}", movies)},
        "trending/movie/week": {"ids": fill(real_order("/trending/movie/{time_window}", movies),
                                            popular_movies)},
        "trending/tv/day": {"ids": fill(real_order("/trending/tv/{time_window}", tvs),
                                        [100088, 94997])},
        "trending/tv/week": {"ids": fill(real_order("/trending/tv/{time_window}", tvs),
                                         popular_tv)},
        "trending/person/day": {"ids": real_people_order("/trending/person/{time_window}")},
        "trending/person/week": {"ids": fill(
            real_people_order("/trending/person/{time_window}"), popular_people)},
        "trending/all/day": {"items": trending_all_day},
        "trending/all/week": {"items": fill(trending_all_day, everything)},
    }

    configuration = dict(ex["/configuration"])
    configuration["images"] = dict(configuration["images"],
                                   base_url="https://image.tmdb.org/t/p/")

    def person_record(pid):
        rec = people_out[pid]
        return {"detail": rec["detail"], "item": rec["item"],
                "combined_credits": rec["combined_credits"]}

    def title_record(rec):
        return {k: rec[k] for k in rec}

    seasons_out = []
    for (tid, number), season in sorted(seasons.items()):
        seasons_out.append({"show_id": tid, "season": season})

    os.makedirs(OUT, exist_ok=True)
    outputs = {
        "movies.json": {"movies": [title_record(movies[m]) for m in sorted(movies)]},
        "tv.json": {"tv": [title_record(tvs[t]) for t in sorted(tvs)],
                    "seasons": seasons_out,
                    # standalone episode payloads richer than the season's copy
                    "episodes": [{"show_id": 1399, "episode": got_episode | {
                        "guest_stars": sorted(got_episode["guest_stars"],
                                              key=lambda g: g["order"])[:GUEST_STARS_KEPT],
                        "crew": [c for c in got_episode["crew"]
                                 if c["department"] in ("Directing", "Writing")]}}]},
        "people.json": {"people": [person_record(p) for p in sorted(people_out)]},
        "reference.json": {
            "configuration": configuration,
            "genres": {"movie": [{"id": i, "name": n} for i, n in MOVIE_GENRES],
                       "tv": [{"id": i, "name": n} for i, n in TV_GENRES]},
            "lists": lists,
        },
    }
    for name, data in outputs.items():
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
            f.write(records_per_line(data) if name != "reference.json"
                    else json.dumps(data, ensure_ascii=False, indent=1))
            f.write("\n")
    print(f"{len(movies)} movies, {len(tvs)} shows, {len(seasons)} seasons, "
          f"{sum(len(s['episodes']) for s in seasons.values())} episodes, "
          f"{len(people_out)} people")


if __name__ == "__main__":
    main()
