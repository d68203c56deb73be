#include "config.h"

#include "units.h"

#include <QHostAddress>
#include <QRegularExpression>
#include <QUrl>

namespace marquee {

namespace {

class Reader
{
public:
    explicit Reader(const ConfigSources &s)
        : m_s(s)
    { }

    std::optional<QString> raw(const QString &name) const
    {
        if (m_s.flags.contains(name))
            return m_s.flags.value(name);
        if (m_s.environment.contains(name))
            return m_s.environment.value(name);
        if (m_s.dotenv.contains(name))
            return m_s.dotenv.value(name);
        return std::nullopt;
    }
    // Empty values count as unset, as with the original backend's `process.env.X || default`.
    std::optional<QString> value(const QString &name) const
    {
        auto v = raw(name);
        if (v && v->trimmed().isEmpty())
            return std::nullopt;
        return v ? std::optional<QString>(v->trimmed()) : std::nullopt;
    }
    std::optional<QString> firstOf(std::initializer_list<const char *> names, QString *used) const
    {
        for (const char *n : names) {
            if (auto v = value(QLatin1String(n))) {
                *used = QLatin1String(n);
                return v;
            }
        }
        return std::nullopt;
    }

private:
    const ConfigSources &m_s;
};

struct Failure
{
    QString text;
};

[[noreturn]] void bad(const QString &name, const QString &reason)
{
    throw Failure {QStringLiteral("%1: %2").arg(name, reason)};
}

qint64 integer(const Reader &r, const QString &name, qint64 def, qint64 min, qint64 max)
{
    const auto v = r.value(name);
    if (!v)
        return def;
    bool ok = false;
    const qint64 n = v->toLongLong(&ok);
    if (!ok || n < min || n > max)
        bad(name,
            QStringLiteral("must be a whole number from %1 to %2 (got \"%3\")")
                .arg(min)
                .arg(max)
                .arg(v->left(40)));
    return n;
}

qint64 durationSeconds(const Reader &r, const QString &name, qint64 def)
{
    const auto v = r.value(name);
    if (!v)
        return def;
    const auto ms = parseDurationMs(*v);
    if (!ms || *ms < 1000)
        bad(name,
            QStringLiteral(
                "must be a duration of at least 1s such as 90, 30s, 15m, 6h or 7d (got \"%1\")")
                .arg(v->left(40)));
    return *ms / 1000;
}

int durationMs(const Reader &r, const QString &name, int def, qint64 min, qint64 max)
{
    const auto v = r.value(name);
    if (!v)
        return def;
    const auto ms = parseDurationMs(*v);
    if (!ms || *ms < min || *ms > max)
        bad(name,
            QStringLiteral(
                "must be a duration from %1 ms to %2 ms, e.g. 250ms, 10s, 2m (got \"%3\")")
                .arg(min)
                .arg(max)
                .arg(v->left(40)));
    return int(*ms);
}

QString httpUrl(const Reader &r, const QString &name, const QString &def)
{
    const auto v = r.value(name);
    if (!v)
        return def;
    const QUrl u(*v, QUrl::StrictMode);
    if (!u.isValid()
        || (u.scheme() != QLatin1String("http") && u.scheme() != QLatin1String("https"))
        || u.host().isEmpty())
        bad(name, QStringLiteral("must be an http:// or https:// URL"));
    QString s = *v;
    while (s.endsWith(QLatin1Char('/')))
        s.chop(1);
    return s;
}

QStringList list(const Reader &r, const QString &name, const QStringList &def)
{
    const auto v = r.value(name);
    if (!v)
        return def;
    QStringList out;
    for (const QString &part : v->split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString t = part.trimmed();
        if (!t.isEmpty() && !out.contains(t))
            out << t;
    }
    return out;
}

} // namespace

QStringList knownConfigVariables()
{
    return {QStringLiteral("PORT"), QStringLiteral("HOST"), QStringLiteral("DATABASE_URL"),
        QStringLiteral("TMDB_API_KEY"), QStringLiteral("TMDB_BASE_URL"),
        QStringLiteral("CLERK_PUBLISHABLE_KEY"), QStringLiteral("CLERK_SECRET_KEY"),
        QStringLiteral("CLERK_JWKS_URL"), QStringLiteral("CLERK_JWT_KEY"),
        QStringLiteral("CLERK_ISSUER"), QStringLiteral("CLERK_WEBHOOK_SIGNING_SECRET"),
        QStringLiteral("CLERK_WEBHOOK_SECRET"), QStringLiteral("CLERK_API_URL"),
        QStringLiteral("ADMIN_USER_IDS"), QStringLiteral("ALLOWED_ORIGINS"),
        QStringLiteral("NODE_ENV"), QStringLiteral("MARQUEE_ENV"), QStringLiteral("LOG_LEVEL"),
        QStringLiteral("CACHE_TTL_TRENDING"), QStringLiteral("CACHE_TTL_LISTS"),
        QStringLiteral("CACHE_TTL_DETAILS"), QStringLiteral("CACHE_TTL_REFERENCE"),
        QStringLiteral("CACHE_TTL_SEARCH"), QStringLiteral("RATE_LIMIT_GENERAL"),
        QStringLiteral("RATE_LIMIT_SEARCH"), QStringLiteral("RATE_LIMIT_SENSITIVE"),
        QStringLiteral("MARQUEE_MAX_BODY"), QStringLiteral("MARQUEE_MAX_HEADER"),
        QStringLiteral("MARQUEE_IDLE_TIMEOUT"), QStringLiteral("MARQUEE_MAX_CONNECTIONS"),
        QStringLiteral("MARQUEE_MAX_CONNECTIONS_PER_CLIENT"),
        QStringLiteral("MARQUEE_SHUTDOWN_GRACE"), QStringLiteral("MARQUEE_TMDB_TIMEOUT"),
        QStringLiteral("MARQUEE_TMDB_RATE"), QStringLiteral("MARQUEE_CACHE_MEMORY_MB"),
        QStringLiteral("MARQUEE_LIST_MAX_ITEMS")};
}

static void load(const Reader &r, Config &c)
{
    c.port = quint16(integer(r, QStringLiteral("PORT"), 3000, 0, 65535));
    if (auto host = r.value(QStringLiteral("HOST"))) {
        const bool named = *host == QLatin1String("localhost");
        if (!named && QHostAddress(*host).isNull())
            bad(QStringLiteral("HOST"),
                QStringLiteral(
                    "must be an IP address such as 127.0.0.1, 0.0.0.0 or ::1 (got \"%1\")")
                    .arg(host->left(60)));
        c.host = *host;
    }
    if (auto url = r.value(QStringLiteral("DATABASE_URL"))) {
        QString why;
        auto parsed = DatabaseUrl::parse(*url, &why);
        if (!parsed)
            bad(QStringLiteral("DATABASE_URL"), why);
        c.database = *parsed;
        c.databaseIsDefault = false;
    } else {
        c.database = DatabaseUrl::defaultSqlite();
    }

    c.tmdbApiKey = r.value(QStringLiteral("TMDB_API_KEY")).value_or(QString());
    if (c.tmdbApiKey.contains(QRegularExpression(QStringLiteral("\\s"))))
        bad(QStringLiteral("TMDB_API_KEY"),
            QStringLiteral("contains white space (%1)").arg(maskSecret(c.tmdbApiKey)));
    c.tmdbBaseUrl = httpUrl(r, QStringLiteral("TMDB_BASE_URL"), c.tmdbBaseUrl);
    c.tmdbTimeoutMs
        = durationMs(r, QStringLiteral("MARQUEE_TMDB_TIMEOUT"), c.tmdbTimeoutMs, 100, 120000);
    c.tmdbRatePerSecond
        = int(integer(r, QStringLiteral("MARQUEE_TMDB_RATE"), c.tmdbRatePerSecond, 1, 1000));

    c.clerkPublishableKey = r.value(QStringLiteral("CLERK_PUBLISHABLE_KEY")).value_or(QString());
    c.clerkSecretKey = r.value(QStringLiteral("CLERK_SECRET_KEY")).value_or(QString());
    c.clerkJwksUrl = httpUrl(r, QStringLiteral("CLERK_JWKS_URL"), QString());
    c.clerkJwtKey = r.value(QStringLiteral("CLERK_JWT_KEY")).value_or(QString());
    if (!c.clerkJwtKey.isEmpty() && !c.clerkJwtKey.contains(QLatin1String("BEGIN PUBLIC KEY")))
        bad(QStringLiteral("CLERK_JWT_KEY"),
            QStringLiteral("must be a PEM public key (-----BEGIN PUBLIC KEY-----)"));
    c.clerkIssuer = r.value(QStringLiteral("CLERK_ISSUER")).value_or(QString());
    QString used;
    c.clerkWebhookSecret
        = r.firstOf({"CLERK_WEBHOOK_SIGNING_SECRET", "CLERK_WEBHOOK_SECRET"}, &used)
              .value_or(QString());
    c.clerkApiUrl = httpUrl(r, QStringLiteral("CLERK_API_URL"), c.clerkApiUrl);
    c.adminUserIds = list(r, QStringLiteral("ADMIN_USER_IDS"), {});

    c.http.allowedOrigins = list(r, QStringLiteral("ALLOWED_ORIGINS"), c.http.allowedOrigins);
    for (const QString &o : std::as_const(c.http.allowedOrigins)) {
        const QUrl u(o, QUrl::StrictMode);
        if (!u.isValid() || u.host().isEmpty()
            || (u.scheme() != QLatin1String("http") && u.scheme() != QLatin1String("https"))
            || !u.path().isEmpty())
            bad(QStringLiteral("ALLOWED_ORIGINS"),
                QStringLiteral("\"%1\" is not an origin like https://app.example.com")
                    .arg(o.left(80)));
    }

    if (auto env = r.firstOf({"MARQUEE_ENV", "NODE_ENV"}, &used)) {
        const QString e = env->toLower();
        if (e == QLatin1String("development") || e == QLatin1String("dev"))
            c.environment = RunEnvironment::Development;
        else if (e == QLatin1String("production") || e == QLatin1String("prod"))
            c.environment = RunEnvironment::Production;
        else if (e == QLatin1String("test"))
            c.environment = RunEnvironment::Test;
        else
            bad(used,
                QStringLiteral("must be development, production or test (got \"%1\")")
                    .arg(env->left(40)));
    }
    if (auto level = r.value(QStringLiteral("LOG_LEVEL"))) {
        if (!parseLogLevel(*level, &c.logLevel))
            bad(QStringLiteral("LOG_LEVEL"),
                QStringLiteral("must be debug, info, warning or error (got \"%1\")")
                    .arg(level->left(40)));
    }

    c.ttlTrending = durationSeconds(r, QStringLiteral("CACHE_TTL_TRENDING"), c.ttlTrending);
    c.ttlLists = durationSeconds(r, QStringLiteral("CACHE_TTL_LISTS"), c.ttlLists);
    c.ttlDetails = durationSeconds(r, QStringLiteral("CACHE_TTL_DETAILS"), c.ttlDetails);
    c.ttlReference = durationSeconds(r, QStringLiteral("CACHE_TTL_REFERENCE"), c.ttlReference);
    c.ttlSearch = durationSeconds(r, QStringLiteral("CACHE_TTL_SEARCH"), c.ttlSearch);
    if (c.ttlSearch > 600)
        bad(QStringLiteral("CACHE_TTL_SEARCH"),
            QStringLiteral("must be at most 10m (search results are only memoised briefly)"));
    c.cacheMemoryMb
        = int(integer(r, QStringLiteral("MARQUEE_CACHE_MEMORY_MB"), c.cacheMemoryMb, 0, 65536));
    c.listMaxItems
        = int(integer(r, QStringLiteral("MARQUEE_LIST_MAX_ITEMS"), c.listMaxItems, 1, 100000));

    c.rateLimitGeneral
        = int(integer(r, QStringLiteral("RATE_LIMIT_GENERAL"), c.rateLimitGeneral, 0, 1000000));
    c.rateLimitSearch
        = int(integer(r, QStringLiteral("RATE_LIMIT_SEARCH"), c.rateLimitSearch, 0, 1000000));
    c.rateLimitSensitive
        = int(integer(r, QStringLiteral("RATE_LIMIT_SENSITIVE"), c.rateLimitSensitive, 0, 1000000));

    for (const auto &[name, target, min] :
        {std::tuple {"MARQUEE_MAX_BODY", &c.http.maxBodyBytes, qint64(1024)},
            std::tuple {"MARQUEE_MAX_HEADER", &c.http.maxHeaderBytes, qint64(1024)}}) {
        if (auto v = r.value(QLatin1String(name))) {
            const auto bytes = parseByteSize(*v);
            if (!bytes || *bytes < min || *bytes > 64 * 1024 * 1024)
                bad(QLatin1String(name),
                    QStringLiteral(
                        "must be a size from 1k to 64m such as 65536, 64k or 1m (got \"%1\")")
                        .arg(v->left(40)));
            *target = *bytes;
        }
    }
    c.http.idleTimeoutMs
        = durationMs(r, QStringLiteral("MARQUEE_IDLE_TIMEOUT"), c.http.idleTimeoutMs, 100, 3600000);
    c.http.maxConnections = int(
        integer(r, QStringLiteral("MARQUEE_MAX_CONNECTIONS"), c.http.maxConnections, 1, 100000));
    c.http.maxConnectionsPerClient
        = int(integer(r, QStringLiteral("MARQUEE_MAX_CONNECTIONS_PER_CLIENT"),
            c.http.maxConnectionsPerClient, 1, 100000));
    c.shutdownGraceMs
        = durationMs(r, QStringLiteral("MARQUEE_SHUTDOWN_GRACE"), c.shutdownGraceMs, 0, 600000);
}

std::optional<Config> loadConfig(const ConfigSources &sources, QString *error)
{
    Config c;
    try {
        load(Reader(sources), c);
    } catch (const Failure &f) {
        if (error)
            *error = f.text;
        return std::nullopt;
    }
    return c;
}

QStringList Config::secrets() const
{
    QStringList s {tmdbApiKey, clerkSecretKey, clerkWebhookSecret, database.password};
    s.removeAll(QString());
    return s;
}

QStringList Config::describe() const
{
    auto env = [&] {
        switch (environment) {
        case RunEnvironment::Production:
            return QStringLiteral("production");
        case RunEnvironment::Test:
            return QStringLiteral("test");
        case RunEnvironment::Development:
            break;
        }
        return QStringLiteral("development");
    };
    return {QStringLiteral("listen = %1:%2").arg(host).arg(port),
        QStringLiteral("database = %1").arg(database.describe()),
        QStringLiteral("environment = %1").arg(env()),
        QStringLiteral("tmdb = %1 (key %2)")
            .arg(tmdbBaseUrl,
                tmdbApiKey.isEmpty() ? QStringLiteral("not set: demo catalogue")
                                     : maskSecret(tmdbApiKey)),
        QStringLiteral("clerk = %1")
            .arg(clerkJwksUrl.isEmpty() && clerkSecretKey.isEmpty() && clerkJwtKey.isEmpty()
                    ? QStringLiteral("not configured")
                    : QStringLiteral("configured")),
        QStringLiteral("allowed origins = %1").arg(http.allowedOrigins.join(QLatin1String(", ")))};
}

} // namespace marquee
