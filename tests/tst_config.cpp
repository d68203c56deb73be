// Configuration: sources, precedence, parsing and the one-line errors
// (docs/api.md, "Configuration").
#include "config/config.h"
#include "config/dotenv.h"
#include "config/settings.h"
#include "config/units.h"

#include <QDebug>
#include <QFile>
#include <QRegularExpression>
#include <QTest>
#include <QThread>

#include <algorithm>

using namespace marquee;

using Vars = QHash<QString, QString>;
Q_DECLARE_METATYPE(Vars)

namespace {

QString sourceFile(const QString &relative)
{
    QFile f(QStringLiteral(MARQUEE_SOURCE_DIR "/") + relative);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

// The lines of `text` from the one starting with `heading` to the next line starting with "## ".
QString section(const QString &text, const QString &heading)
{
    const int at = text.indexOf(QLatin1Char('\n') + heading + QLatin1Char('\n'));
    if (at < 0)
        return {};
    const int end = text.indexOf(QLatin1String("\n## "), at + 1);
    return text.mid(at + 1, end < 0 ? -1 : end - at);
}

const Setting *settingNamed(const QString &name)
{
    for (const Setting &s : configSettings()) {
        if (s.names().contains(name))
            return &s;
    }
    return nullptr;
}

} // namespace

class TestConfig : public QObject
{
    Q_OBJECT

private slots:
    void defaults()
    {
        QString error;
        const auto c = loadConfig({}, &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->port, quint16(3000));
        QCOMPARE(c->host, QStringLiteral("127.0.0.1"));
        QCOMPARE(c->database.dialect, SqlDialect::Sqlite);
        QVERIFY(c->database.path.endsWith(QLatin1String("/marquee/marquee.db")));
        QVERIFY(c->tmdbApiKey.isEmpty());
        QCOMPARE(c->tmdbBaseUrl, QStringLiteral("https://api.themoviedb.org/3"));
        QCOMPARE(c->clerkApiUrl, QStringLiteral("https://api.clerk.com"));
        QCOMPARE(c->http.allowedOrigins, QStringList {QStringLiteral("http://localhost:5173")});
        QCOMPARE(c->environment, RunEnvironment::Development);
        QCOMPARE(c->logLevel, LogLevel::Info);
        QCOMPARE(c->ttlTrending, 3 * 3600);
        QCOMPARE(c->ttlLists, 6 * 3600);
        QCOMPARE(c->ttlDetails, 7 * 86400);
        QCOMPARE(c->ttlReference, 30 * 86400);
        QCOMPARE(c->rateLimitGeneral, 300);
        QCOMPARE(c->rateLimitSearch, 30);
        QCOMPARE(c->rateLimitSensitive, 20);
        QCOMPARE(c->http.maxBodyBytes, 64 * 1024);
    }

    void precedenceFlagsThenEnvironmentThenDotenv()
    {
        ConfigSources s;
        s.dotenv = {{"PORT", "4000"}, {"HOST", "0.0.0.0"}, {"LOG_LEVEL", "debug"}};
        s.environment = {{"PORT", "5000"}, {"HOST", "::1"}};
        s.flags = {{"PORT", "6000"}};
        QString error;
        const auto c = loadConfig(s, &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->port, quint16(6000));
        QCOMPARE(c->host, QStringLiteral("::1"));
        QCOMPARE(c->logLevel, LogLevel::Debug);
    }

    void originalBackendEnvWorks()
    {
        // A .env written for the Node/Express backend, unchanged.
        const QString text
            = QStringLiteral("# Server\nPORT=5001\nNODE_ENV=production\n\n"
                             "DATABASE_URL=\"file:./dev.db\"\n"
                             "TMDB_API_KEY=0123456789abcdef0123456789abcdef\n"
                             "CLERK_PUBLISHABLE_KEY=pk_test_Y2xlcmsuZXhhbXBsZS5jb20k\n"
                             "CLERK_SECRET_KEY=sk_test_abcdefghijklmnopqrstuvwxyz\n"
                             "CLERK_WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n"
                             "ALLOWED_ORIGINS=http://localhost:5173,https://myapp.example.com\n");
        ConfigSources s;
        s.dotenv = parseDotenv(text);
        QString error;
        const auto c = loadConfig(s, &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->port, quint16(5001));
        QVERIFY(c->isProduction());
        QVERIFY(c->database.path.endsWith(QLatin1String("/dev.db")));
        QCOMPARE(c->clerkWebhookSecret, QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        QCOMPARE(c->http.allowedOrigins.size(), 2);
        QVERIFY(c->secrets().contains(QStringLiteral("sk_test_abcdefghijklmnopqrstuvwxyz")));
    }

    void dotenvSyntax_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::newRow("plain") << "A=1"
                               << "A"
                               << "1";
        QTest::newRow("export") << "export A=two"
                                << "A"
                                << "two";
        QTest::newRow("spaces") << "  A =  padded  "
                                << "A"
                                << "padded";
        QTest::newRow("double quotes") << "A=\"x # not comment\""
                                       << "A"
                                       << "x # not comment";
        QTest::newRow("single quotes literal") << "A='a\\nb'"
                                               << "A"
                                               << "a\\nb";
        QTest::newRow("double quotes escape") << "A=\"a\\nb\""
                                              << "A"
                                              << "a\nb";
        QTest::newRow("inline comment") << "A=val # comment"
                                        << "A"
                                        << "val";
        QTest::newRow("hash in value") << "A=abc#def"
                                       << "A"
                                       << "abc#def";
        QTest::newRow("empty") << "A="
                               << "A"
                               << "";
        QTest::newRow("crlf") << "A=1\r\nB=2\r\n"
                              << "B"
                              << "2";
        QTest::newRow("multiline") << "A=\"line1\nline2\"\nB=3"
                                   << "A"
                                   << "line1\nline2";
        QTest::newRow("after multiline") << "A=\"line1\nline2\"\nB=3"
                                         << "B"
                                         << "3";
        QTest::newRow("pem") << "K=\"-----BEGIN PUBLIC KEY-----\\nMII\\n-----END PUBLIC KEY-----\""
                             << "K"
                             << "-----BEGIN PUBLIC KEY-----\nMII\n-----END PUBLIC KEY-----";
        QTest::newRow("comment line") << "# A=1\nA=2"
                                      << "A"
                                      << "2";
    }
    void dotenvSyntax()
    {
        QFETCH(QString, text);
        QFETCH(QString, key);
        QFETCH(QString, value);
        const auto vars = parseDotenv(text);
        QVERIFY(vars.contains(key));
        QCOMPARE(vars.value(key), value);
    }

    void dotenvReportsBadLine()
    {
        int bad = 0;
        const auto vars = parseDotenv(QStringLiteral("A=1\nthis is not valid\nB=2"), &bad);
        QCOMPARE(bad, 2);
        QCOMPARE(vars.value("B"), QStringLiteral("2"));
    }

    void invalidValuesNameTheVariable_data()
    {
        QTest::addColumn<Vars>("env");
        QTest::addColumn<QString>("variable");
        QTest::newRow("port too big") << Vars {{"PORT", "99999"}} << "PORT";
        QTest::newRow("port text") << Vars {{"PORT", "http"}} << "PORT";
        QTest::newRow("port negative") << Vars {{"PORT", "-1"}} << "PORT";
        QTest::newRow("host") << Vars {{"HOST", "my host"}} << "HOST";
        QTest::newRow("database url") << Vars {{"DATABASE_URL", "nonsense"}} << "DATABASE_URL";
        QTest::newRow("database mysql")
            << Vars {{"DATABASE_URL", "mysql://u:p@h/db"}} << "DATABASE_URL";
        QTest::newRow("postgres no db")
            << Vars {{"DATABASE_URL", "postgresql://u:p@host:5432/"}} << "DATABASE_URL";
        QTest::newRow("public url with a query")
            << Vars {{"MARQUEE_PUBLIC_URL", "https://x.lan/?q=1"}} << "MARQUEE_PUBLIC_URL";
        QTest::newRow("public url with credentials")
            << Vars {{"MARQUEE_PUBLIC_URL", "http://user:pw@x.lan"}} << "MARQUEE_PUBLIC_URL";
        QTest::newRow("public url with a fragment")
            << Vars {{"MARQUEE_PUBLIC_URL", "https://x.lan/#top"}} << "MARQUEE_PUBLIC_URL";
        QTest::newRow("public url javascript")
            << Vars {{"MARQUEE_PUBLIC_URL", "javascript:alert(1)"}} << "MARQUEE_PUBLIC_URL";
        QTest::newRow("node env") << Vars {{"NODE_ENV", "staging"}} << "NODE_ENV";
        QTest::newRow("marquee env") << Vars {{"MARQUEE_ENV", "prod-ish"}} << "MARQUEE_ENV";
        QTest::newRow("log level") << Vars {{"LOG_LEVEL", "verbose"}} << "LOG_LEVEL";
        QTest::newRow("tmdb url") << Vars {{"TMDB_BASE_URL", "ftp://x"}} << "TMDB_BASE_URL";
        QTest::newRow("clerk api url") << Vars {{"CLERK_API_URL", "not a url"}} << "CLERK_API_URL";
        QTest::newRow("origins") << Vars {{"ALLOWED_ORIGINS", "http://ok.example,notanorigin"}}
                                 << "ALLOWED_ORIGINS";
        QTest::newRow("origin with path")
            << Vars {{"ALLOWED_ORIGINS", "https://a.example/app"}} << "ALLOWED_ORIGINS";
        QTest::newRow("ttl") << Vars {{"CACHE_TTL_LISTS", "6 hours"}} << "CACHE_TTL_LISTS";
        QTest::newRow("ttl search too long")
            << Vars {{"CACHE_TTL_SEARCH", "1h"}} << "CACHE_TTL_SEARCH";
        QTest::newRow("rate") << Vars {{"RATE_LIMIT_SEARCH", "-5"}} << "RATE_LIMIT_SEARCH";
        QTest::newRow("body") << Vars {{"MARQUEE_MAX_BODY", "lots"}} << "MARQUEE_MAX_BODY";
        QTest::newRow("jwt key") << Vars {{"CLERK_JWT_KEY", "not-a-pem"}} << "CLERK_JWT_KEY";
        QTest::newRow("workers 0") << Vars {{"MARQUEE_WORKERS", "0"}} << "MARQUEE_WORKERS";
        QTest::newRow("workers 9") << Vars {{"MARQUEE_WORKERS", "9"}} << "MARQUEE_WORKERS";
        QTest::newRow("workers text") << Vars {{"MARQUEE_WORKERS", "many"}} << "MARQUEE_WORKERS";
        QTest::newRow("warmup") << Vars {{"MARQUEE_WARMUP", "yes"}} << "MARQUEE_WARMUP";
        QTest::newRow("stale window")
            << Vars {{"MARQUEE_STALE_WINDOW", "forever"}} << "MARQUEE_STALE_WINDOW";
    }

    // MARQUEE_WORKERS: auto is one event loop per core, at most 8; a number is taken as it is.
    void workersAndWarmup()
    {
        ConfigSources s;
        QString error;
        auto c = loadConfig(s, &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->workers, 0);
        QCOMPARE(c->resolvedWorkers(), qBound(1, QThread::idealThreadCount(), 8));
        QVERIFY(c->warmup);
        QCOMPARE(c->staleWindowSeconds, qint64(-1));
        s.environment = {
            {"MARQUEE_WORKERS", "3"}, {"MARQUEE_WARMUP", "OFF"}, {"MARQUEE_STALE_WINDOW", "30m"}};
        c = loadConfig(s, &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->resolvedWorkers(), 3);
        QVERIFY(!c->warmup);
        QCOMPARE(c->staleWindowSeconds, qint64(1800));
        s.environment = {{"MARQUEE_WORKERS", "auto"}, {"MARQUEE_STALE_WINDOW", "0"}};
        c = loadConfig(s, &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->workers, 0);
        QCOMPARE(c->staleWindowSeconds, qint64(0));
    }
    void invalidValuesNameTheVariable()
    {
        QFETCH(Vars, env);
        QFETCH(QString, variable);
        ConfigSources s;
        s.environment = env;
        QString error;
        QVERIFY(!loadConfig(s, &error));
        QVERIFY2(error.startsWith(variable + QLatin1Char(':')), qPrintable(error));
        QVERIFY(!error.contains(QLatin1Char('\n')));
    }

    void secretsAreNotPrintedInErrors()
    {
        ConfigSources s;
        const QString key = QStringLiteral("abcdef0123456789 abcdef0123456789");
        s.environment = {{"TMDB_API_KEY", key}};
        QString error;
        QVERIFY(!loadConfig(s, &error));
        QVERIFY(error.startsWith(QLatin1String("TMDB_API_KEY:")));
        QVERIFY(!error.contains(key));
        QVERIFY(!error.contains(QLatin1String("0123456789")));

        s.environment
            = {{"DATABASE_URL", "postgresql://user:hunter2secret@db.example:5432/marquee"},
                {"PORT", "99999"}};
        QVERIFY(!loadConfig(s, &error));
        QVERIFY(!error.contains(QLatin1String("hunter2secret")));
        s.environment.remove("PORT");
        const auto c = loadConfig(s, &error);
        QVERIFY(c);
        QVERIFY(!c->describe().join('\n').contains(QLatin1String("hunter2secret")));
    }

    void databaseUrlForms_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<int>("dialect");
        QTest::addColumn<QString>("detail");
        QTest::newRow("sqlite abs") << "sqlite:///var/lib/marquee/m.db" << int(SqlDialect::Sqlite)
                                    << "/var/lib/marquee/m.db";
        QTest::newRow("file rel") << "file:./dev.db" << int(SqlDialect::Sqlite) << "/dev.db";
        QTest::newRow("postgresql") << "postgresql://u:p%40ss@db.local:6543/marquee?sslmode=disable"
                                    << int(SqlDialect::Postgres) << "marquee";
        QTest::newRow("postgres") << "postgres://u@localhost/m" << int(SqlDialect::Postgres) << "m";
    }
    void databaseUrlForms()
    {
        QFETCH(QString, url);
        QFETCH(int, dialect);
        QFETCH(QString, detail);
        QString error;
        const auto d = DatabaseUrl::parse(url, &error);
        QVERIFY2(d, qPrintable(error));
        QCOMPARE(int(d->dialect), dialect);
        if (d->dialect == SqlDialect::Sqlite)
            QVERIFY2(d->path.endsWith(detail), qPrintable(d->path));
        else
            QCOMPARE(d->database, detail);
        if (url.contains(QLatin1String("6543"))) {
            QCOMPARE(d->port, 6543);
            QCOMPARE(d->password, QStringLiteral("p@ss"));
            QCOMPARE(d->options, QStringLiteral("sslmode=disable"));
            QVERIFY(!d->describe().contains(QLatin1String("p@ss")));
        }
    }

    // Prisma's URL parameters: the ones that mean something to a PostgreSQL client are used,
    // its pool's own are ignored, anything else is refused with the parameter named.
    void postgresUrlParameters_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expect"); // "host|port|schema|options|timeout" or "!error"
        QTest::newRow("schema") << "postgresql://u:p@db:5432/m?schema=marquee"
                                << "db|5432|marquee||5";
        QTest::newRow("socket") << "postgresql://u@/m?host=/var/run/postgresql"
                                << "/var/run/postgresql|5432|||5";
        QTest::newRow("socket, port") << "postgresql://u@localhost/m?host=/run/pg&port=5433"
                                      << "/run/pg|5433|||5";
        QTest::newRow("ssl and timeout")
            << "postgres://u:p@db/m?sslmode=verify-full&sslrootcert=/etc/ca.pem&connect_timeout=12"
            << "db|5432||sslmode=verify-full;sslrootcert=/etc/ca.pem|12";
        QTest::newRow("prisma pool") << "postgresql://u:p@db/m?connection_limit=5&pool_timeout=10"
                                     << "db|5432|||5";
        QTest::newRow("encoded name") << "postgresql://u:p@db/my%20db"
                                      << "db|5432|||5";
        QTest::newRow("unknown") << "postgresql://u:p@db/m?poolsize=3"
                                 << "!unknown parameter poolsize";
        QTest::newRow("sslmode") << "postgresql://u:p@db/m?sslmode=yes"
                                 << "!sslmode must be one of";
        QTest::newRow("timeout 0") << "postgresql://u:p@db/m?connect_timeout=0"
                                   << "!connect_timeout must be";
        QTest::newRow("timeout text") << "postgresql://u:p@db/m?connect_timeout=soon"
                                      << "!connect_timeout must be";
        QTest::newRow("injection") << "postgresql://u:p@db/m?application_name=x%20password=y"
                                   << "!application_name";
        QTest::newRow("long schema")
            << "postgresql://u:p@db/m?schema=" + QString(64, QLatin1Char('s')) << "!63 characters";
        QTest::newRow("no host") << "postgresql://u:p@/m"
                                 << "!not a valid postgresql";
        QTest::newRow("bad port") << "postgresql://u@/m?host=/run/pg&port=0"
                                  << "!port";
    }
    void postgresUrlParameters()
    {
        QFETCH(QString, url);
        QFETCH(QString, expect);
        QString error;
        const auto d = DatabaseUrl::parse(url, &error);
        if (expect.startsWith(QLatin1Char('!'))) {
            QVERIFY2(!d, qPrintable(d ? d->describe() : QString()));
            QVERIFY2(error.contains(expect.mid(1)), qPrintable(error));
            QVERIFY2(!error.contains(QLatin1String(":p@")), qPrintable(error));
            return;
        }
        QVERIFY2(d, qPrintable(error));
        const QStringList parts = expect.split(QLatin1Char('|'));
        QCOMPARE(d->host, parts[0]);
        QCOMPARE(d->port, parts[1].toInt());
        QCOMPARE(d->schema, parts[2]);
        QCOMPARE(d->options, parts[3]);
        QCOMPARE(d->connectTimeoutSeconds, parts[4].toInt());
        QVERIFY(!d->describe().contains(QLatin1String(":p@")));
        if (url.contains(QLatin1String("my%20db")))
            QCOMPARE(d->database, QStringLiteral("my db"));
    }

    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("plain seconds") << "90" << qint64(90000);
        QTest::newRow("s") << "30s" << qint64(30000);
        QTest::newRow("m") << "15m" << qint64(900000);
        QTest::newRow("h") << "6h" << qint64(21600000);
        QTest::newRow("d") << "7d" << qint64(604800000);
        QTest::newRow("ms") << "250ms" << qint64(250);
        QTest::newRow("bad") << "6 hours" << qint64(-1);
        QTest::newRow("neg") << "-5s" << qint64(-1);
    }
    void durations()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ms);
        const auto v = parseDurationMs(text);
        QCOMPARE(v.value_or(-1), ms);
    }

    void cacheTtlsAcceptDurations()
    {
        ConfigSources s;
        s.environment = {{"CACHE_TTL_TRENDING", "15m"}, {"CACHE_TTL_DETAILS", "2d"},
            {"CACHE_TTL_SEARCH", "30s"}, {"RATE_LIMIT_GENERAL", "0"}};
        QString error;
        const auto c = loadConfig(s, &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->ttlTrending, 900);
        QCOMPARE(c->ttlDetails, 2 * 86400);
        QCOMPARE(c->ttlSearch, 30);
        QCOMPARE(c->rateLimitGeneral, 0);
    }

    void envExampleListsEveryVariable()
    {
        QFile f(QStringLiteral(MARQUEE_SOURCE_DIR "/.env.example"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(f.readAll());
        for (const QString &name : knownConfigVariables())
            QVERIFY2(text.contains(name + QLatin1Char('=')), qPrintable(name));
    }

    // The table's defaults are the ones in effect: nothing set reads as the documented default,
    // and writing the default reads the same.
    void settingDefaultsAreTheDefaults()
    {
        QString error;
        const auto plain = loadConfig({}, &error);
        QVERIFY2(plain, qPrintable(error));
        for (const Setting &s : configSettings()) {
            const QString def = QString::fromLatin1(s.defaultValue);
            QCOMPARE(s.current(*plain), def);
            if (def.isEmpty())
                continue;
            ConfigSources sources;
            sources.environment.insert(QLatin1String(s.name), def);
            const auto written = loadConfig(sources, &error);
            QVERIFY2(written, qPrintable(error));
            QCOMPARE(s.current(*written), def);
        }
    }

    void settingsHaveOneRowPerName()
    {
        QStringList seen;
        for (const Setting &s : configSettings()) {
            QVERIFY2(*s.description, s.name);
            QVERIFY2(s.apply && s.current, s.name);
            for (const QString &name : s.names()) {
                QVERIFY2(!seen.contains(name), qPrintable(name));
                seen << name;
            }
        }
        QCOMPARE(knownConfigVariables(), seen);
    }

    // README.md's configuration table is configMarkdownTable() word for word.
    void readmeTableIsTheSettings()
    {
        const QString config
            = section(sourceFile(QStringLiteral("README.md")), QStringLiteral("## Configuration"));
        QVERIFY2(!config.isEmpty(), "README.md has no ## Configuration section");
        const QString header = QStringLiteral("| variable | default | meaning |\n");
        const int open = config.indexOf(header);
        QVERIFY2(open >= 0, "README.md's configuration table is missing");
        int close = open;
        while (close < config.size() && config.at(close) == QLatin1Char('|'))
            close = config.indexOf(QLatin1Char('\n'), close) + 1;
        const QString expected = configMarkdownTable();
        if (config.mid(open, close - open) != expected)
            qInfo().noquote() << "README.md's table should be:\n" + expected;
        QCOMPARE(config.mid(open, close - open), expected);
    }

    // .env.example names every variable once or more, nothing else, with the defaults the
    // settings have (a variable without a default may show an example value).
    void envExampleMatchesSettings()
    {
        const QString text = sourceFile(QStringLiteral(".env.example"));
        QVERIFY(!text.isEmpty());
        static const QRegularExpression line(
            QStringLiteral("^#?\\s*([A-Z][A-Z0-9_]*)=(\"[^\"]*\"|\\S*)"),
            QRegularExpression::MultilineOption);
        QStringList shown;
        for (auto it = line.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            const QString name = m.captured(1);
            QString value = m.captured(2);
            if (value.startsWith(QLatin1Char('"')))
                value = value.mid(1, value.size() - 2);
            const Setting *s = settingNamed(name);
            QVERIFY2(s, qPrintable(name + QStringLiteral(" is not a configuration variable")));
            if (*s->defaultValue && !shown.contains(name))
                QCOMPARE(value, QString::fromLatin1(s->defaultValue));
            shown << name;
        }
        for (const QString &name : knownConfigVariables())
            QVERIFY2(shown.contains(name), qPrintable(name + QStringLiteral(" is missing")));
    }

    // docs/api.md's configuration section names only variables that exist (`PREFIX_*` stands for
    // several), and shows the same defaults.
    void apiDocConfigurationNamesRealVariables()
    {
        const QString config = section(
            sourceFile(QStringLiteral("docs/api.md")), QStringLiteral("## Configuration"));
        QVERIFY2(!config.isEmpty(), "docs/api.md has no ## Configuration section");
        static const QRegularExpression name(QStringLiteral("`([A-Z][A-Z0-9_]*_[A-Z0-9_*]+)`"));
        const QStringList known = knownConfigVariables();
        int names = 0;
        for (auto it = name.globalMatch(config); it.hasNext(); ++names) {
            const QString n = it.next().captured(1);
            if (n.endsWith(QLatin1Char('*'))) {
                const QString prefix = n.chopped(1);
                QVERIFY2(std::any_of(known.begin(), known.end(),
                             [&](const QString &k) { return k.startsWith(prefix); }),
                    qPrintable(n));
            } else {
                QVERIFY2(known.contains(n), qPrintable(n));
            }
        }
        QVERIFY(names > 10);
    }

    // Every unusable variable is reported, in table order; loadConfig gives the first.
    void everyErrorIsListed()
    {
        ConfigSources s;
        s.environment = {{"PORT", "http"}, {"LOG_LEVEL", "loud"}, {"MARQUEE_MAX_BODY", "lots"}};
        const ConfigResult r = readConfig(s);
        QVERIFY(!r.config);
        QCOMPARE(r.errors.size(), 3);
        QVERIFY(r.errors.at(0).startsWith(QLatin1String("PORT: ")));
        QVERIFY(r.errors.at(1).startsWith(QLatin1String("LOG_LEVEL: ")));
        QVERIFY(r.errors.at(2).startsWith(QLatin1String("MARQUEE_MAX_BODY: ")));
        QString error;
        QVERIFY(!loadConfig(s, &error));
        QCOMPARE(error, r.errors.at(0));
    }

    // The messages users see (and scripts may match) stay as they were.
    void errorMessages_data()
    {
        QTest::addColumn<Vars>("env");
        QTest::addColumn<QString>("message");
        QTest::newRow("integer") << Vars {{"PORT", "99999"}}
                                 << "PORT: must be a whole number from 0 to 65535 (got \"99999\")";
        QTest::newRow("seconds")
            << Vars {{"CACHE_TTL_LISTS", "6 hours"}}
            << "CACHE_TTL_LISTS: must be a duration of at least 1s such as 90, 30s, 15m, 6h or 7d "
               "(got \"6 hours\")";
        QTest::newRow("search cap")
            << Vars {{"CACHE_TTL_SEARCH", "1h"}}
            << "CACHE_TTL_SEARCH: must be at most 10m (search results are only memoised briefly)";
        QTest::newRow("milliseconds")
            << Vars {{"MARQUEE_IDLE_TIMEOUT", "2h"}}
            << "MARQUEE_IDLE_TIMEOUT: must be a duration from 100 ms to 3600000 ms, e.g. 250ms, "
               "10s, 2m (got \"2h\")";
        QTest::newRow("size") << Vars {{"MARQUEE_MAX_HEADER", "1"}}
                              << "MARQUEE_MAX_HEADER: must be a size from 1k to 64m such as "
                                 "65536, 64k or 1m (got \"1\")";
        QTest::newRow("url") << Vars {{"CLERK_JWKS_URL", "ftp://x"}}
                             << "CLERK_JWKS_URL: must be an http:// or https:// URL";
        QTest::newRow("alias") << Vars {{"NODE_ENV", "staging"}}
                               << "NODE_ENV: must be development, production or test (got "
                                  "\"staging\")";
        QTest::newRow("host") << Vars {{"HOST", "my host"}}
                              << "HOST: must be an IP address such as 127.0.0.1, 0.0.0.0 or ::1 "
                                 "(got \"my host\")";
    }
    void errorMessages()
    {
        QFETCH(Vars, env);
        QFETCH(QString, message);
        ConfigSources s;
        s.environment = env;
        QString error;
        QVERIFY(!loadConfig(s, &error));
        QCOMPARE(error, message);
    }

    void webhookSecretAlias()
    {
        ConfigSources s;
        s.environment = {
            {"CLERK_WEBHOOK_SECRET", "whsec_old"}, {"CLERK_WEBHOOK_SIGNING_SECRET", "whsec_new"}};
        QString error;
        QCOMPARE(loadConfig(s, &error)->clerkWebhookSecret, QStringLiteral("whsec_new"));
        s.environment.remove("CLERK_WEBHOOK_SIGNING_SECRET");
        QCOMPARE(loadConfig(s, &error)->clerkWebhookSecret, QStringLiteral("whsec_old"));
    }

    // Where each value came from, as readConfig() decides: the first source holding a name
    // wins, and a blank value there means unset (not "the next source").
    void originOfEachSetting()
    {
        const auto setting = [](const char *name) -> const Setting & {
            for (const Setting &s : configSettings())
                if (qstrcmp(s.name, name) == 0)
                    return s;
            qFatal("no setting %s", name);
        };
        ConfigSources s;
        s.dotenv = {{"TMDB_API_KEY", "abc"}, {"PORT", "4000"}, {"HOST", "0.0.0.0"}};
        s.environment = {{"TMDB_API_KEY", " "}, {"PORT", "5000"}};
        s.flags = {{"PORT", "6000"}};
        QCOMPARE(configOrigin(s, setting("TMDB_API_KEY")), QStringLiteral("default"));
        QVERIFY(readConfig(s).config->tmdbApiKey.isEmpty()); // the same verdict as the page's
        QCOMPARE(configOrigin(s, setting("PORT")), QStringLiteral("flag"));
        QCOMPARE(configOrigin(s, setting("HOST")), QStringLiteral(".env"));
        QCOMPARE(configOrigin(s, setting("LOG_LEVEL")), QStringLiteral("default"));
        s.environment.insert(QStringLiteral("HOST"), QStringLiteral("127.0.0.1"));
        QCOMPARE(configOrigin(s, setting("HOST")), QStringLiteral("environment"));
    }

    // A password written into a URL setting is a secret: the logger redacts it.
    void passwordInAUrlIsASecret()
    {
        ConfigSources s;
        s.environment = {{"TMDB_BASE_URL", "https://apiuser:hunter2secret@tmdb.example/3"}};
        const auto config = readConfig(s).config;
        QVERIFY(config);
        QVERIFY(config->secrets().contains(QStringLiteral("hunter2secret")));
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
