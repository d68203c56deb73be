// Configuration: sources, precedence, parsing and the one-line errors
// (docs/api.md, "Configuration").
#include "config/config.h"
#include "config/dotenv.h"
#include "config/units.h"

#include <QFile>
#include <QTest>

using namespace marquee;

using Vars = QHash<QString, QString>;
Q_DECLARE_METATYPE(Vars)

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
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
