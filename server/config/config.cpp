#include "config.h"

#include "settings.h"
#include "units.h"

#include <QThread>
#include <QUrl>

namespace marquee {

namespace {

// The value a variable has, first match wins: flags, environment, .env. Empty (or blank) values
// count as unset, as with the original backend's `process.env.X || default`.
std::optional<QString> lookup(const ConfigSources &s, const QString &name)
{
    for (const auto *source : {&s.flags, &s.environment, &s.dotenv}) {
        const auto it = source->constFind(name);
        if (it == source->constEnd())
            continue;
        const QString v = it->trimmed();
        if (v.isEmpty())
            return std::nullopt;
        return v;
    }
    return std::nullopt;
}

} // namespace

std::optional<RunEnvironment> parseRunEnvironment(const QString &text)
{
    const QString e = text.toLower();
    if (e == QLatin1String("development") || e == QLatin1String("dev"))
        return RunEnvironment::Development;
    if (e == QLatin1String("production") || e == QLatin1String("prod"))
        return RunEnvironment::Production;
    if (e == QLatin1String("test"))
        return RunEnvironment::Test;
    return std::nullopt;
}

QString runEnvironmentName(RunEnvironment environment)
{
    static const char *const names[] {"development", "production", "test"}; // enum order
    return QLatin1String(names[int(environment)]);
}

QStringList knownConfigVariables()
{
    QStringList names;
    for (const Setting &s : configSettings())
        names << s.names();
    return names;
}

QString configOrigin(const ConfigSources &s, const Setting &setting)
{
    const std::pair<const QHash<QString, QString> *, const char *> order[] {
        {&s.flags, "flag"}, {&s.environment, "environment"}, {&s.dotenv, ".env"}};
    for (const QString &name : setting.names()) {
        for (const auto &[source, label] : order) {
            const auto it = source->constFind(name);
            if (it == source->constEnd())
                continue;
            if (it->trimmed().isEmpty())
                break; // unset here, as lookup() has it: the alias (if any) is read next
            return QString::fromLatin1(label);
        }
    }
    return QStringLiteral("default");
}

ConfigResult readConfig(const ConfigSources &sources)
{
    Config c;
    QStringList errors;
    for (const Setting &s : configSettings()) {
        for (const QString &name : s.names()) {
            const auto value = lookup(sources, name);
            if (!value)
                continue;
            const QString why = s.apply(s, *value, c);
            if (!why.isEmpty())
                errors << QStringLiteral("%1: %2").arg(name, why);
            break;
        }
    }
    if (!errors.isEmpty())
        return {std::nullopt, errors};
    // The one default that is not a constant: it depends on the user's data folder.
    if (c.databaseIsDefault)
        c.database = DatabaseUrl::defaultSqlite();
    return {c, {}};
}

std::optional<Config> loadConfig(const ConfigSources &sources, QString *error)
{
    ConfigResult r = readConfig(sources);
    if (!r.config && error)
        *error = r.errors.value(0);
    return std::move(r.config);
}

int Config::resolvedWorkers() const
{
    if (workers > 0)
        return qMin(workers, kMaxWorkers);
    return qBound(1, QThread::idealThreadCount(), kMaxWorkers);
}

QStringList Config::secrets() const
{
    QStringList s {tmdbApiKey, clerkSecretKey, clerkWebhookSecret, database.password};
    // A password written into a URL setting (https://user:password@host/...) is a secret too.
    for (const QString &url : {tmdbBaseUrl, clerkApiUrl, clerkJwksUrl})
        s << QUrl(url).password() << QUrl(url).password(QUrl::FullyEncoded);
    s.removeAll(QString());
    return s;
}

QStringList Config::describe() const
{
    return {QStringLiteral("listen = %1:%2").arg(host).arg(port),
        QStringLiteral("database = %1").arg(database.describe()),
        QStringLiteral("environment = %1").arg(runEnvironmentName(environment)),
        QStringLiteral("tmdb = %1 (key %2)")
            .arg(QUrl(tmdbBaseUrl).toString(QUrl::RemovePassword),
                tmdbApiKey.isEmpty() ? QStringLiteral("not set: demo catalogue")
                                     : maskSecret(tmdbApiKey)),
        QStringLiteral("clerk = %1")
            .arg(clerkJwksUrl.isEmpty() && clerkSecretKey.isEmpty() && clerkJwtKey.isEmpty()
                    ? QStringLiteral("not configured")
                    : QStringLiteral("configured")),
        QStringLiteral("allowed origins = %1").arg(http.allowedOrigins.join(QLatin1String(", ")))};
}

} // namespace marquee
