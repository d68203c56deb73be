#include "databaseurl.h"

#include <QDir>
#include <QFileInfo>
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
        if (!u.isValid() || u.host().isEmpty())
            return fail(QStringLiteral(
                "not a valid postgresql:// URL (expected postgresql://user:pass@host:5432/db)"));
        d.dialect = SqlDialect::Postgres;
        d.host = u.host();
        d.port = u.port(5432);
        d.user = u.userName(QUrl::FullyDecoded);
        d.password = u.password(QUrl::FullyDecoded);
        d.database = u.path().mid(1);
        if (d.database.isEmpty() || d.database.contains(QLatin1Char('/')))
            return fail(QStringLiteral("the PostgreSQL URL names no database"));
        QStringList opts;
        const auto items = QUrlQuery(u).queryItems(QUrl::FullyDecoded);
        for (const auto &item : items) {
            if (item.first == QLatin1String("schema"))
                continue; // Prisma's parameter; PostgreSQL has no such connect option
            opts << item.first + QLatin1Char('=') + item.second;
        }
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
    return QStringLiteral("postgresql://%1%2@%3:%4/%5")
        .arg(user, password.isEmpty() ? QString() : QStringLiteral(":***"), host)
        .arg(port)
        .arg(database);
}

} // namespace marquee
