#include "settings.h"

#include "config.h"
#include "units.h"

#include <QHostAddress>
#include <QRegularExpression>
#include <QUrl>

#include <type_traits>

namespace marquee {

namespace {

using Kind = Setting::Kind;

// The largest unit that writes `ms` exactly: 10800000 -> "3h", 250 -> "250ms".
QString formatDuration(qint64 ms)
{
    static const std::pair<qint64, const char *> units[] {
        {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}};
    for (const auto &[factor, suffix] : units) {
        if (ms != 0 && ms % factor == 0)
            return QString::number(ms / factor) + QLatin1String(suffix);
    }
    return ms == 0 ? QStringLiteral("0s") : QString::number(ms) + QLatin1String("ms");
}

// 65536 -> "64k", 1048576 -> "1m", 1000 -> "1000".
QString formatSize(qint64 bytes)
{
    if (bytes != 0 && bytes % (1024 * 1024) == 0)
        return QString::number(bytes / (1024 * 1024)) + QLatin1Char('m');
    if (bytes != 0 && bytes % 1024 == 0)
        return QString::number(bytes / 1024) + QLatin1Char('k');
    return QString::number(bytes);
}

QStringList splitList(const QString &value)
{
    QStringList out;
    for (const QString &part : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString t = part.trimmed();
        if (!t.isEmpty() && !out.contains(t))
            out << t;
    }
    return out;
}

bool isHttpUrl(const QUrl &u)
{
    return u.isValid() && !u.host().isEmpty()
        && (u.scheme() == QLatin1String("http") || u.scheme() == QLatin1String("https"));
}

Setting row(const char *name, Kind kind, qint64 min, qint64 max, const char *defaultValue,
    const char *description)
{
    return Setting {name, nullptr, kind, min, max, defaultValue, description, false, {}, {}};
}

// The row makers below take the Config field as a generic lambda `[](auto &c) -> auto & {...}`
// so that one accessor serves both parsing (Config &) and showing (const Config &).

template<typename Field>
Setting integer(const char *name, Field field, qint64 min, qint64 max, const char *defaultValue,
    const char *description)
{
    Setting s = row(name, Kind::Integer, min, max, defaultValue, description);
    s.apply = [field](const Setting &self, const QString &v, Config &c) -> QString {
        bool ok = false;
        const qint64 n = v.toLongLong(&ok);
        if (!ok || n < self.min || n > self.max)
            return QStringLiteral("must be a whole number from %1 to %2 (got \"%3\")")
                .arg(self.min)
                .arg(self.max)
                .arg(v.left(40));
        auto &target = field(c);
        target = std::decay_t<decltype(target)>(n);
        return {};
    };
    s.current = [field](const Config &c) { return QString::number(field(c)); };
    return s;
}

// A duration kept in milliseconds, from `min` to `max` ms.
template<typename Field>
Setting milliseconds(const char *name, Field field, qint64 min, qint64 max,
    const char *defaultValue, const char *description)
{
    Setting s = row(name, Kind::Duration, min, max, defaultValue, description);
    s.apply = [field](const Setting &self, const QString &v, Config &c) -> QString {
        const auto ms = parseDurationMs(v);
        if (!ms || *ms < self.min || *ms > self.max)
            return QStringLiteral(
                "must be a duration from %1 ms to %2 ms, e.g. 250ms, 10s, 2m (got \"%3\")")
                .arg(self.min)
                .arg(self.max)
                .arg(v.left(40));
        field(c) = int(*ms);
        return {};
    };
    s.current = [field](const Config &c) { return formatDuration(field(c)); };
    return s;
}

// A duration of at least one second, kept in whole seconds (cache freshness); `maxMs` > 0 caps
// it, and `whyCapped` says why in the error.
template<typename Field>
Setting seconds(const char *name, Field field, const char *defaultValue, const char *description,
    qint64 maxMs = 0, const char *whyCapped = nullptr)
{
    Setting s = row(name, Kind::Duration, 1000, maxMs, defaultValue, description);
    s.apply = [field, whyCapped](const Setting &self, const QString &v, Config &c) -> QString {
        const auto ms = parseDurationMs(v);
        if (!ms || *ms < self.min)
            return QStringLiteral(
                "must be a duration of at least 1s such as 90, 30s, 15m, 6h or 7d (got \"%1\")")
                .arg(v.left(40));
        if (self.max > 0 && *ms / 1000 > self.max / 1000)
            return QStringLiteral("must be at most %1 (%2)")
                .arg(formatDuration(self.max), QLatin1String(whyCapped));
        field(c) = *ms / 1000;
        return {};
    };
    s.current = [field](const Config &c) { return formatDuration(field(c) * 1000); };
    return s;
}

template<typename Field>
Setting byteSize(const char *name, Field field, qint64 min, qint64 max, const char *defaultValue,
    const char *description)
{
    Setting s = row(name, Kind::ByteSize, min, max, defaultValue, description);
    s.apply = [field](const Setting &self, const QString &v, Config &c) -> QString {
        const auto bytes = parseByteSize(v);
        if (!bytes || *bytes < self.min || *bytes > self.max)
            return QStringLiteral("must be a size from %1 to %2 such as 65536, 64k or 1m (got "
                                  "\"%3\")")
                .arg(formatSize(self.min), formatSize(self.max), v.left(40));
        field(c) = *bytes;
        return {};
    };
    s.current = [field](const Config &c) { return formatSize(field(c)); };
    return s;
}

// An http(s) URL, kept without trailing slashes. plain: only scheme, host, port and path (a URL
// clients are given, not one Marquee calls, which may carry a proxy's credentials).
// A switch: "on" or "off", in any case.
template<typename Field>
Setting onOff(const char *name, Field field, const char *defaultValue, const char *description)
{
    Setting s = row(name, Kind::Choice, 0, 0, defaultValue, description);
    s.apply = [field](const Setting &, const QString &v, Config &c) -> QString {
        const QString l = v.toLower();
        if (l != QLatin1String("on") && l != QLatin1String("off"))
            return QStringLiteral("must be on or off (got \"%1\")").arg(v.left(40));
        field(c) = l == QLatin1String("on");
        return {};
    };
    s.current = [field](const Config &c) {
        return field(c) ? QStringLiteral("on") : QStringLiteral("off");
    };
    return s;
}

template<typename Field>
Setting url(const char *name, Field field, const char *defaultValue, const char *description,
    bool plain = false)
{
    Setting s = row(name, Kind::Url, 0, 0, defaultValue, description);
    s.apply = [field, plain](const Setting &, const QString &v, Config &c) -> QString {
        const QUrl u(v, QUrl::StrictMode);
        if (!isHttpUrl(u))
            return QStringLiteral("must be an http:// or https:// URL");
        // Paths are appended to it ("/api/images/..."): a query, a fragment or credentials would
        // end up in the middle of every URL made from it, and in every client's payload.
        if (plain && (!u.userInfo().isEmpty() || u.hasQuery() || u.hasFragment()))
            return QStringLiteral("must be a plain URL: scheme, host, port and path only (no "
                                  "user:password@, ?query or #fragment)");
        QString trimmed = v;
        while (trimmed.endsWith(QLatin1Char('/')))
            trimmed.chop(1);
        field(c) = trimmed;
        return {};
    };
    s.current = [field](const Config &c) { return field(c); };
    return s;
}

template<typename Field> Setting text(const char *name, Field field, const char *description)
{
    Setting s = row(name, Kind::Text, 0, 0, "", description);
    s.apply = [field](const Setting &, const QString &v, Config &c) -> QString {
        field(c) = v;
        return {};
    };
    s.current = [field](const Config &c) { return field(c); };
    return s;
}

template<typename Field>
Setting list(const char *name, Field field, const char *defaultValue, const char *description)
{
    Setting s = row(name, Kind::List, 0, 0, defaultValue, description);
    s.apply = [field](const Setting &, const QString &v, Config &c) -> QString {
        field(c) = splitList(v);
        return {};
    };
    s.current = [field](const Config &c) { return field(c).join(QLatin1Char(',')); };
    return s;
}

// The same row, also read under an older name (when its own name is not set).
Setting withAlias(Setting s, const char *alias)
{
    s.alias = alias;
    return s;
}

// The same row, marked secret.
Setting asSecret(Setting s)
{
    s.secret = true;
    return s;
}

// A row whose parsing is its own (a check no other variable makes).
template<typename Apply, typename Current>
Setting custom(const char *name, Kind kind, const char *defaultValue, const char *description,
    Apply apply, Current current)
{
    Setting s = row(name, kind, 0, 0, defaultValue, description);
    s.apply = [apply](const Setting &, const QString &v, Config &c) { return apply(v, c); };
    s.current = current;
    return s;
}

const char *const logLevelNames[] {"debug", "info", "warning", "error"};

std::vector<Setting> buildSettings()
{
    return {
        integer(
            "PORT", [](auto &c) -> auto & { return c.port; }, 0, 65535, "3000",
            "listen port (`0` picks a free one)"),
        custom(
            "HOST", Kind::Text, "127.0.0.1", "listen address (`0.0.0.0` for LAN access)",
            [](const QString &v, Config &c) -> QString {
                if (v != QLatin1String("localhost") && QHostAddress(v).isNull())
                    return QStringLiteral(
                        "must be an IP address such as 127.0.0.1, 0.0.0.0 or ::1 (got \"%1\")")
                        .arg(v.left(60));
                c.host = v;
                return {};
            },
            [](const Config &c) { return c.host; }),
        asSecret(custom(
            "DATABASE_URL", Kind::Text, "",
            "`sqlite:///abs/path.db`, `file:./dev.db` or `postgresql://user:pass@host:5432/db`; "
            "unset: a SQLite file in the user's data folder, or `marquee.db` in `$STATE_DIRECTORY` "
            "when systemd sets it (the packaged service: `/var/lib/marquee`)",
            [](const QString &v, Config &c) -> QString {
                QString why;
                const auto parsed = DatabaseUrl::parse(v, &why);
                if (!parsed)
                    return why;
                c.database = *parsed;
                c.databaseIsDefault = false;
                return {};
            },
            [](const Config &c) {
                return c.databaseIsDefault ? QString() : c.database.describe();
            })),
        asSecret(custom(
            "TMDB_API_KEY", Kind::Text, "",
            "TMDB v3 key or v4 read token; without it the demo catalogue is served",
            [](const QString &v, Config &c) -> QString {
                if (v.contains(QRegularExpression(QStringLiteral("\\s"))))
                    return QStringLiteral("contains white space (%1)").arg(maskSecret(v));
                c.tmdbApiKey = v;
                return {};
            },
            [](const Config &c) { return c.tmdbApiKey; })),
        url(
            "TMDB_BASE_URL", [](auto &c) -> auto & { return c.tmdbBaseUrl; },
            "https://api.themoviedb.org/3", "upstream (tests point it at a fake)"),
        milliseconds(
            "MARQUEE_TMDB_TIMEOUT", [](auto &c) -> auto & { return c.tmdbTimeoutMs; }, 100, 120000,
            "10s", "upstream transfer timeout"),
        integer(
            "MARQUEE_TMDB_RATE", [](auto &c) -> auto & { return c.tmdbRatePerSecond; }, 1, 1000,
            "40", "upstream requests per second, shared by all clients"),
        text(
            "CLERK_PUBLISHABLE_KEY", [](auto &c) -> auto & { return c.clerkPublishableKey; },
            "Clerk publishable key (`pk_...`): sign-in in the built-in web client"),
        asSecret(text(
            "CLERK_SECRET_KEY", [](auto &c) -> auto & { return c.clerkSecretKey; },
            "Clerk secret key (`sk_...`): the JWKS and the Backend API")),
        url(
            "CLERK_JWKS_URL", [](auto &c) -> auto & { return c.clerkJwksUrl; }, "",
            "where Clerk's token keys are fetched from"),
        custom(
            "CLERK_JWT_KEY", Kind::Text, "",
            "PEM public key tried first (no network); then the JWKS for tokens it did not sign",
            [](const QString &v, Config &c) -> QString {
                if (!v.contains(QLatin1String("BEGIN PUBLIC KEY")))
                    return QStringLiteral("must be a PEM public key (-----BEGIN PUBLIC KEY-----)");
                c.clerkJwtKey = v;
                return {};
            },
            [](const Config &c) { return c.clerkJwtKey; }),
        text(
            "CLERK_ISSUER", [](auto &c) -> auto & { return c.clerkIssuer; },
            "required `iss` of session tokens"),
        withAlias(
            asSecret(text(
                "CLERK_WEBHOOK_SIGNING_SECRET",
                [](auto &c) -> auto & { return c.clerkWebhookSecret; },
                "Clerk webhook signing secret (`whsec_...`); unset: the webhook answers 503")),
            "CLERK_WEBHOOK_SECRET"),
        url(
            "CLERK_API_URL", [](auto &c) -> auto & { return c.clerkApiUrl; },
            "https://api.clerk.com", "Clerk Backend API base"),
        list(
            "ADMIN_USER_IDS", [](auto &c) -> auto & { return c.adminUserIds; }, "",
            "comma-separated Clerk user ids with admin rights"),
        custom(
            "ALLOWED_ORIGINS", Kind::List, "http://localhost:5173",
            "comma-separated CORS origins (also the accepted `azp` values)",
            [](const QString &v, Config &c) -> QString {
                const QStringList origins = splitList(v);
                for (const QString &o : origins) {
                    const QUrl u(o, QUrl::StrictMode);
                    if (!isHttpUrl(u) || !u.path().isEmpty())
                        return QStringLiteral(
                            "\"%1\" is not an origin like https://app.example.com")
                            .arg(o.left(80));
                }
                c.http.allowedOrigins = origins;
                return {};
            },
            [](const Config &c) { return c.http.allowedOrigins.join(QLatin1Char(',')); }),
        withAlias(custom(
                      "MARQUEE_ENV", Kind::Choice, "development",
                      "development, production (logs become JSON lines) or test",
                      [](const QString &v, Config &c) -> QString {
                          const auto environment = parseRunEnvironment(v);
                          if (!environment)
                              return QStringLiteral(
                                  "must be development, production or test (got \"%1\")")
                                  .arg(v.left(40));
                          c.environment = *environment;
                          return {};
                      },
                      [](const Config &c) { return runEnvironmentName(c.environment); }),
            "NODE_ENV"),
        custom(
            "LOG_LEVEL", Kind::Choice, "info", "debug, info, warning or error",
            [](const QString &v, Config &c) -> QString {
                if (!parseLogLevel(v, &c.logLevel))
                    return QStringLiteral("must be debug, info, warning or error (got \"%1\")")
                        .arg(v.left(40));
                return {};
            },
            [](const Config &c) { return QLatin1String(logLevelNames[int(c.logLevel)]); }),
        seconds(
            "CACHE_TTL_TRENDING", [](auto &c) -> auto & { return c.ttlTrending; }, "3h",
            "freshness of trending, now playing, airing today, on the air (`90`, `30s`, `15m`, "
            "`6h`, "
            "`7d`)"),
        seconds(
            "CACHE_TTL_LISTS", [](auto &c) -> auto & { return c.ttlLists; }, "6h",
            "freshness of popular, top rated, upcoming, discover, recommendations, similar"),
        seconds(
            "CACHE_TTL_DETAILS", [](auto &c) -> auto & { return c.ttlDetails; }, "7d",
            "freshness of details, credits, videos, watch providers"),
        seconds(
            "CACHE_TTL_REFERENCE", [](auto &c) -> auto & { return c.ttlReference; }, "30d",
            "freshness of genres and the image configuration"),
        seconds(
            "CACHE_TTL_SEARCH", [](auto &c) -> auto & { return c.ttlSearch; }, "10m",
            "how long search results stay in memory (at most `10m`; never the database)", 600'000,
            "search results are only memoised briefly"),
        custom(
            "MARQUEE_STALE_WINDOW", Kind::Text, "ttl",
            "how long after an entry expires it is still answered at once (`X-Cache: STALE`) "
            "while one background call refreshes it: `ttl` (one TTL of its class), a duration "
            "such as `30m`, or `0` (never: an expired entry waits for TMDB)",
            [](const QString &v, Config &c) -> QString {
                if (v.compare(QLatin1String("ttl"), Qt::CaseInsensitive) == 0) {
                    c.staleWindowSeconds = -1;
                    return {};
                }
                const auto ms = parseDurationMs(v);
                if (!ms || *ms < 0 || *ms > 365LL * 86400 * 1000)
                    return QStringLiteral(
                        "must be ttl, 0 or a duration such as 90, 30s, 15m, 6h or 7d (got \"%1\")")
                        .arg(v.left(40));
                c.staleWindowSeconds = *ms / 1000;
                return {};
            },
            [](const Config &c) {
                return c.staleWindowSeconds < 0 ? QStringLiteral("ttl")
                                                : formatDuration(c.staleWindowSeconds * 1000);
            }),
        integer(
            "MARQUEE_CACHE_MEMORY_MB", [](auto &c) -> auto & { return c.cacheMemoryMb; }, 0, 65536,
            "64", "size of the in-memory cache layer"),
        text(
            "MARQUEE_IMAGE_CACHE_DIR", [](auto &c) -> auto & { return c.imageCacheDir; },
            "folder of the image cache; unset: `images` next to the default database (in "
            "`$STATE_DIRECTORY` under systemd)"),
        integer(
            "MARQUEE_IMAGE_CACHE_MB", [](auto &c) -> auto & { return c.imageCacheMb; }, 1, 1048576,
            "1024", "size cap of the image cache; least recently used files go first"),
        url(
            "TMDB_IMAGE_BASE_URL", [](auto &c) -> auto & { return c.tmdbImageBaseUrl; },
            "https://image.tmdb.org/t/p", "TMDB's image host (tests point it at a fake)"),
        onOff(
            "MARQUEE_IMAGE_PROXY", [](auto &c) -> auto & { return c.imageProxy; }, "off",
            "on or off: whether the `*_url` fields point at Marquee's `/api/images` route"),
        url(
            "MARQUEE_PUBLIC_URL", [](auto &c) -> auto & { return c.publicUrl; }, "",
            "where clients reach this server (`https://marquee.lan`); proxied image URLs start "
            "with it; unset: root-relative paths",
            true),
        integer(
            "MARQUEE_LIST_MAX_ITEMS", [](auto &c) -> auto & { return c.listMaxItems; }, 1, 100000,
            "5000",
            "titles one user may keep in each list (a full list refuses adds with 409); a list "
            "read without `page`/`limit` answers all of them"),
        integer(
            "RATE_LIMIT_GENERAL", [](auto &c) -> auto & { return c.rateLimitGeneral; }, 0, 1000000,
            "300", "requests per minute per client; `0` turns the tier off"),
        integer(
            "RATE_LIMIT_SEARCH", [](auto &c) -> auto & { return c.rateLimitSearch; }, 0, 1000000,
            "30", "search requests per minute per client; `0` turns the tier off"),
        integer(
            "RATE_LIMIT_SENSITIVE", [](auto &c) -> auto & { return c.rateLimitSensitive; }, 0,
            1000000, "20", "sensitive requests per minute per client; `0` turns the tier off"),
        byteSize(
            "MARQUEE_MAX_BODY", [](auto &c) -> auto & { return c.http.maxBodyBytes; }, 1024,
            64 * 1024 * 1024, "64k", "request body limit (413 above it)"),
        byteSize(
            "MARQUEE_MAX_HEADER", [](auto &c) -> auto & { return c.http.maxHeaderBytes; }, 1024,
            64 * 1024 * 1024, "16k", "request line + header block limit (431 above it)"),
        milliseconds(
            "MARQUEE_IDLE_TIMEOUT", [](auto &c) -> auto & { return c.http.idleTimeoutMs; }, 100,
            3600000, "30s", "idle keep-alive connections are closed after this"),
        integer(
            "MARQUEE_MAX_CONNECTIONS", [](auto &c) -> auto & { return c.http.maxConnections; }, 1,
            100000, "1000", "concurrent connections; more get 503"),
        integer(
            "MARQUEE_MAX_CONNECTIONS_PER_CLIENT",
            [](auto &c) -> auto & { return c.http.maxConnectionsPerClient; }, 1, 100000, "100",
            "concurrent connections from one address; more get 503"),
        custom(
            "MARQUEE_WORKERS", Kind::Text, "auto",
            "event loops serving HTTP, each a thread on the same port: `auto` (one per core, at "
            "most 8) or 1 to 8; `1` serves everything on one thread",
            [](const QString &v, Config &c) -> QString {
                if (v.compare(QLatin1String("auto"), Qt::CaseInsensitive) == 0) {
                    c.workers = 0;
                    return {};
                }
                bool ok = false;
                const int n = v.toInt(&ok);
                if (!ok || n < 1 || n > Config::kMaxWorkers)
                    return QStringLiteral("must be auto or a number from 1 to %1 (got \"%2\")")
                        .arg(Config::kMaxWorkers)
                        .arg(v.left(40));
                c.workers = n;
                return {};
            },
            [](const Config &c) {
                return c.workers == 0 ? QStringLiteral("auto") : QString::number(c.workers);
            }),
        onOff(
            "MARQUEE_WARMUP", [](auto &c) -> auto & { return c.warmup; }, "on",
            "on or off: whether the home rows (trending, popular, top rated, now playing, "
            "upcoming, on the air, airing today, genres, image configuration) are fetched in the "
            "background at start and again as they expire"),
        milliseconds(
            "MARQUEE_SHUTDOWN_GRACE", [](auto &c) -> auto & { return c.shutdownGraceMs; }, 0,
            600000, "10s", "how long SIGINT/SIGTERM waits for in-flight requests"),
    };
}

} // namespace

QStringList Setting::names() const
{
    QStringList out {QLatin1String(name)};
    if (alias)
        out << QLatin1String(alias);
    return out;
}

const std::vector<Setting> &configSettings()
{
    static const std::vector<Setting> all = buildSettings();
    return all;
}

QString configMarkdownTable()
{
    QString out = QStringLiteral("| variable | default | meaning |\n|---|---|---|\n");
    for (const Setting &s : configSettings()) {
        QString name = QStringLiteral("`%1`").arg(QLatin1String(s.name));
        if (s.alias)
            name += QStringLiteral(" (alias `%1`)").arg(QLatin1String(s.alias));
        const QString def = *s.defaultValue
            ? QStringLiteral("`%1`").arg(QLatin1String(s.defaultValue))
            : QStringLiteral("none");
        out += QStringLiteral("| %1 | %2 | %3 |\n")
                   .arg(name, def, QString::fromUtf8(s.description));
    }
    return out;
}

QString configHelpText()
{
    QString out = QStringLiteral("Configuration variables and their defaults (README.md explains "
                                 "each; -s NAME=VALUE sets one):\n");
    for (const Setting &s : configSettings()) {
        for (const QString &name : s.names()) {
            const QString def = name != QLatin1String(s.name)
                ? QStringLiteral("(another name for %1)").arg(QLatin1String(s.name))
                : *s.defaultValue ? QString::fromLatin1(s.defaultValue)
                                  : QStringLiteral("(none)");
            // At least two spaces between the two (the manual page's generator splits there).
            out += QStringLiteral("  %1  %2\n").arg(name, -33).arg(def);
        }
    }
    return out;
}

} // namespace marquee
