#include "databaseurl.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUrl>
#include <QUrlQuery>

namespace marquee {

std::optional<DatabaseUrl> DatabaseUrl::parse(const QString &raw, QString *error)
{
    const QString url = raw.trimmed();
    DatabaseUrl d;
    auto fail = [&](const QString &why) -> std::optional<DatabaseUrl> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (url.startsWith(QLatin1String("file:")) || url.startsWith(QLatin1String("sqlite:"))) {
        QString path = url.mid(url.indexOf(QLatin1Char(':')) + 1);
        if (path.startsWith(QLatin1String("//")))
            path = path.mid(2); // sqlite:///abs -> /abs ; file://./x -> ./x
        const int q = path.indexOf(QLatin1Char('?'));
        if (q >= 0)
            path = path.left(q);
        path = QUrl::fromPercentEncoding(path.toUtf8());
        if (path.isEmpty() || path == QLatin1String("/"))
            return fail(QStringLiteral("no file path in the SQLite URL"));
        if (path == QLatin1String(":memory:"))
            return fail(QStringLiteral(
                "in-memory SQLite is not supported (data would not survive a restart)"));
        d.dialect = SqlDialect::Sqlite;
        d.path = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
        return d;
    }
    if (url.startsWith(QLatin1String("postgresql://"))
        || url.startsWith(QLatin1String("postgres://"))) {
        const QUrl u(url, QUrl::StrictMode);
        const QUrlQuery query(u);
        // A Unix-socket folder comes as ?host=/var/run/postgresql, and the URL's own host may
        // then be empty (postgresql://user@/db?host=...), as libpq and Prisma accept.
        if (!u.isValid() || (u.host().isEmpty() && !query.hasQueryItem(QStringLiteral("host"))))
            return fail(QStringLiteral(
                "not a valid postgresql:// URL (expected postgresql://user:pass@host:5432/db)"));
        d.dialect = SqlDialect::Postgres;
        d.host = u.host();
        d.port = u.port(5432);
        d.user = u.userName(QUrl::FullyDecoded);
        d.password = u.password(QUrl::FullyDecoded);
        d.database = u.path(QUrl::FullyDecoded).mid(1);
        if (d.database.isEmpty() || d.database.contains(QLatin1Char('/')))
            return fail(QStringLiteral("the PostgreSQL URL names no database"));
        // Parameters passed on to libpq as they are (values checked below).
        static const QStringList passed {QStringLiteral("sslrootcert"), QStringLiteral("sslcert"),
            QStringLiteral("sslkey"), QStringLiteral("sslcrl"), QStringLiteral("application_name"),
            QStringLiteral("target_session_attrs")};
        // Prisma's own parameters (its connection pool and engine): meaningless here, ignored so
        // that a Prisma URL works as it is.
        static const QStringList prismaOnly {QStringLiteral("connection_limit"),
            QStringLiteral("pool_timeout"), QStringLiteral("pgbouncer"),
            QStringLiteral("statement_cache_size"), QStringLiteral("socket_timeout"),
            QStringLiteral("sslaccept"), QStringLiteral("sslidentity")};
        static const QStringList sslModes {QStringLiteral("disable"), QStringLiteral("allow"),
            QStringLiteral("prefer"), QStringLiteral("require"), QStringLiteral("verify-ca"),
            QStringLiteral("verify-full")};
        QStringList opts;
        const auto items = query.queryItems(QUrl::FullyDecoded);
        for (const auto &[name, value] : items) {
            // libpq's connection string: a value with a space, a quote, a backslash or the
            // driver's separator (;) would change what the string says.
            static const QRegularExpression plain(QStringLiteral("^[^\\s'\\\\;]+$"));
            if (!plain.match(value).hasMatch())
                return fail(QStringLiteral("the PostgreSQL URL's parameter %1 has an empty value "
                                           "or one with a space, a quote or a semicolon")
                                .arg(name));
            if (name == QLatin1String("schema")) {
                if (value.size() > 63)
                    return fail(QStringLiteral("the schema name is longer than PostgreSQL's 63 "
                                               "characters"));
                d.schema = value;
            } else if (name == QLatin1String("host")) {
                d.host = value;
            } else if (name == QLatin1String("port")) {
                bool ok = false;
                d.port = value.toInt(&ok);
                if (!ok || d.port < 1 || d.port > 65535)
                    return fail(QStringLiteral("the PostgreSQL URL's port is not 1-65535"));
            } else if (name == QLatin1String("sslmode")) {
                if (!sslModes.contains(value))
                    return fail(QStringLiteral("sslmode must be one of %1")
                                    .arg(sslModes.join(QLatin1String(", "))));
                opts << name + QLatin1Char('=') + value;
            } else if (name == QLatin1String("connect_timeout")) {
                bool ok = false;
                d.connectTimeoutSeconds = value.toInt(&ok);
                // 0 would be libpq's "wait forever": a start-up or a reconnection would hang.
                if (!ok || d.connectTimeoutSeconds < 1 || d.connectTimeoutSeconds > 3600)
                    return fail(QStringLiteral("connect_timeout must be 1-3600 seconds"));
            } else if (passed.contains(name)) {
                opts << name + QLatin1Char('=') + value;
            } else if (!prismaOnly.contains(name)) {
                return fail(QStringLiteral("unknown parameter %1 in the PostgreSQL URL (known: "
                                           "schema, host, port, sslmode, connect_timeout, %2)")
                                .arg(name, passed.join(QLatin1String(", "))));
            }
        }
        if (d.host.isEmpty())
            return fail(QStringLiteral("the PostgreSQL URL names no host"));
        d.options = opts.join(QLatin1Char(';'));
        return d;
    }
    if (url.startsWith(QLatin1String("mysql:")) || url.startsWith(QLatin1String("mongodb")))
        return fail(QStringLiteral("unsupported database; use sqlite:/file: or postgresql://"));
    return fail(QStringLiteral("unrecognised URL; use sqlite:///abs/path.db, file:./dev.db or "
                               "postgresql://user:pass@host:5432/db"));
}

DatabaseUrl DatabaseUrl::defaultSqlite()
{
    // Under systemd with StateDirectory= (the packaged service), the state folder it made for
    // us: /var/lib/marquee. The variable may list several folders, separated by colons.
    const QString state = qEnvironmentVariable("STATE_DIRECTORY").section(QLatin1Char(':'), 0, 0);
    if (!state.isEmpty() && QDir::isAbsolutePath(state)) {
        DatabaseUrl d;
        d.path = QDir::cleanPath(state) + QStringLiteral("/marquee.db");
        return d;
    }
    QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (dir.isEmpty())
        dir = QDir::homePath() + QStringLiteral("/.local/share");
    DatabaseUrl d;
    d.path = dir + QStringLiteral("/marquee/marquee.db");
    return d;
}

QString DatabaseUrl::describe() const
{
    if (dialect == SqlDialect::Sqlite)
        return QStringLiteral("sqlite:%1").arg(path);
    // A socket folder is a path, not a host name: shown as libpq's ?host= form.
    const bool socket = host.startsWith(QLatin1Char('/'));
    QString text = QStringLiteral("postgresql://%1%2@%3%4/%5")
                       .arg(user, password.isEmpty() ? QString() : QStringLiteral(":***"),
                           socket ? QString() : host,
                           socket ? QString() : QStringLiteral(":%1").arg(port), database);
    QStringList params;
    if (socket)
        params << QStringLiteral("host=") + host << QStringLiteral("port=%1").arg(port);
    if (!schema.isEmpty())
        params << QStringLiteral("schema=") + schema;
    return params.isEmpty() ? text : text + QLatin1Char('?') + params.join(QLatin1Char('&'));
}

} // namespace marquee
