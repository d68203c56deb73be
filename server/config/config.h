#pragma once

#include "databaseurl.h"
#include "httpoptions.h"
#include "log/loglevel.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>

namespace marquee {

enum class RunEnvironment { Development, Production, Test };

// "development" (or "dev"), "production" (or "prod"), "test", any case; nullopt for others.
std::optional<RunEnvironment> parseRunEnvironment(const QString &text);
QString runEnvironmentName(RunEnvironment environment);

// Typed configuration. Sources, most important first: command-line flags, the process
// environment, `.env` in the working directory (like Node's dotenv, a variable already in the
// environment is not overridden by the file), built-in defaults. The variables, their defaults
// and checks are the rows of configSettings() (settings.h); a field here without a row there is
// not configurable (e.g. `headless`, set by the command line). The initial values below are the
// defaults in effect; each row's `defaultValue` text states the same (tst_config checks both).
struct Config
{
    quint16 port = 3000;
    QString host = QStringLiteral("127.0.0.1");
    DatabaseUrl database;
    bool databaseIsDefault = true;

    QString tmdbApiKey;
    QString tmdbBaseUrl = QStringLiteral("https://api.themoviedb.org/3");
    int tmdbTimeoutMs = 10000;
    int tmdbRatePerSecond = 40;

    QString clerkPublishableKey;
    QString clerkSecretKey;
    QString clerkJwksUrl;
    QString clerkJwtKey;
    QString clerkIssuer;
    QString clerkWebhookSecret;
    QString clerkApiUrl = QStringLiteral("https://api.clerk.com");
    QStringList adminUserIds;

    RunEnvironment environment = RunEnvironment::Development;
    LogLevel logLevel = LogLevel::Info;

    // Cache freshness in seconds (docs/api.md, "Cache policy").
    qint64 ttlTrending = 3 * 3600;
    qint64 ttlLists = 6 * 3600;
    qint64 ttlDetails = 7 * 86400;
    qint64 ttlReference = 30 * 86400;
    qint64 ttlSearch = 10 * 60;
    int cacheMemoryMb = 64;
    // How long past its freshness an entry is still answered at once (X-Cache: STALE) while one
    // background call refreshes it (stale-while-revalidate); -1 = one TTL of its class, 0 = never.
    qint64 staleWindowSeconds = -1;

    // The image cache (docs/api.md, "Image cache"). An empty folder means the default one, next to
    // the default database (ImageCache::defaultDirectory()).
    QString imageCacheDir;
    int imageCacheMb = 1024;
    QString tmdbImageBaseUrl = QStringLiteral("https://image.tmdb.org/t/p");
    bool imageProxy = false; // *_url fields point at /api/images
    QString publicUrl; // where clients reach this server; empty: root-relative URLs

    // Titles one user may keep in each list; a list read without paging answers all of them.
    int listMaxItems = 5000;

    // Requests per minute per client (docs/api.md, "Rate limits"); 0 = off.
    int rateLimitGeneral = 300;
    int rateLimitSearch = 30;
    int rateLimitSensitive = 20;

    HttpOptions http;
    int shutdownGraceMs = 10000;
    // Event loops serving HTTP (MARQUEE_WORKERS); 0 = one per core, at most kMaxWorkers.
    int workers = 0;
    static constexpr int kMaxWorkers = 8;
    int resolvedWorkers() const;
    // Home rows fetched in the background at start and on each TTL (MARQUEE_WARMUP).
    bool warmup = true;
    bool headless = false;

    bool isProduction() const { return environment == RunEnvironment::Production; }
    QStringList secrets() const; // values the logger must never print
    QStringList describe() const; // "NAME = value" lines for the log, secrets masked
};

struct Setting;

struct ConfigSources
{
    QHash<QString, QString> environment;
    QHash<QString, QString> dotenv;
    QHash<QString, QString> flags; // variable name -> value
};

// What reading the configuration gave: the config when every variable could be used, else one
// line per unusable variable, "NAME: reason" (NAME as the user spelled it, e.g. NODE_ENV), in the
// order of configSettings(). Reasons never show a secret whole.
struct ConfigResult
{
    std::optional<Config> config;
    QStringList errors;
};
ConfigResult readConfig(const ConfigSources &sources);

// Where a setting's value came from, as readConfig() looks (the first source holding a name
// decides; a blank value there means unset): "flag", "environment", ".env" or "default".
QString configOrigin(const ConfigSources &sources, const Setting &setting);

// readConfig() for callers that report one problem: *error gets the first line.
std::optional<Config> loadConfig(const ConfigSources &sources, QString *error);

// Every variable name loadConfig understands, aliases included (for tests and clean
// environments).
QStringList knownConfigVariables();

} // namespace marquee
