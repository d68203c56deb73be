// The `marquee` executable: command line, configuration errors, migrations, signals (issue 2).
#include "support/httpclient.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace marquee::test;

class TestCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    struct Run
    {
        int exitCode = -1;
        QString out;
        QString err;
    };

    QProcessEnvironment cleanEnv(const QHash<QString, QString> &vars = {}) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &k : env.keys()) {
            if (k.startsWith(QLatin1String("TMDB_")) || k.startsWith(QLatin1String("CLERK_"))
                || k == QLatin1String("PORT") || k == QLatin1String("DATABASE_URL")
                || k == QLatin1String("NODE_ENV"))
                env.remove(k);
        }
        env.insert(QStringLiteral("HOME"), m_dir.path()); // the default database lands here
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.path() + QStringLiteral("/data"));
        env.insert(QStringLiteral("TMDB_BASE_URL"), QStringLiteral("http://127.0.0.1:9/3"));
        for (auto it = vars.begin(); it != vars.end(); ++it)
            env.insert(it.key(), it.value());
        return env;
    }

    Run run(const QStringList &args, const QHash<QString, QString> &vars = {},
        const QString &workDir = {})
    {
        QProcess p;
        p.setProcessEnvironment(cleanEnv(vars));
        p.setWorkingDirectory(workDir.isEmpty() ? m_dir.path() : workDir);
        p.start(QStringLiteral(MARQUEE_BINARY), args);
        if (!p.waitForFinished(20000))
            p.kill();
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
    }

    QString dbUrl(const QString &name) const
    {
        return QStringLiteral("sqlite://%1/%2.db").arg(m_dir.path(), name);
    }

private slots:
    void helpAndVersion()
    {
        const Run help = run({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains(QLatin1String("Usage: marquee")));
        QVERIFY(help.out.contains(QLatin1String("--headless")));
        QVERIFY(help.out.contains(QLatin1String("migrate status")));
        const Run version = run({QStringLiteral("--version")});
        QCOMPARE(version.exitCode, 0);
        QVERIFY(QRegularExpression(QStringLiteral("^marquee \\d+\\.\\d+\\.\\d+"))
                    .match(version.out)
                    .hasMatch());
        const Run bad = run({QStringLiteral("--frobnicate")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.err.contains(QLatin1String("--frobnicate")));
    }

    void badConfigurationStopsWithOneLine_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("value");
        QTest::newRow("port") << "PORT"
                              << "99999";
        QTest::newRow("database") << "DATABASE_URL"
                                  << "nonsense://";
        QTest::newRow("env") << "NODE_ENV"
                             << "staging";
    }
    void badConfigurationStopsWithOneLine()
    {
        QFETCH(QString, name);
        QFETCH(QString, value);
        const Run r = run({QStringLiteral("--headless")}, {{name, value}});
        QCOMPARE(r.exitCode, 2);
        const QStringList lines = r.err.trimmed().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.first().contains(name + QLatin1Char(':')), qPrintable(r.err));
    }

    void flagBeatsEnvironmentAndDotenvIsRead()
    {
        QTemporaryDir work;
        QFile env(work.path() + QStringLiteral("/.env"));
        QVERIFY(env.open(QIODevice::WriteOnly));
        env.write("# written for the Node backend\nexport NODE_ENV=\"qa\"\n");
        env.close();
        const Run fromFile
            = run({QStringLiteral("migrate")}, {{"DATABASE_URL", dbUrl("dotenv")}}, work.path());
        QCOMPARE(fromFile.exitCode, 2);
        QVERIFY2(fromFile.err.contains(QLatin1String("NODE_ENV:")), qPrintable(fromFile.err));
        // The environment wins over .env; a flag wins over the environment.
        const Run fromEnv = run({QStringLiteral("migrate")},
            {{"DATABASE_URL", dbUrl("dotenv")}, {"NODE_ENV", "test"}}, work.path());
        QCOMPARE(fromEnv.exitCode, 0);
        const Run fromFlag
            = run({QStringLiteral("migrate"), QStringLiteral("--env"), QStringLiteral("nope")},
                {{"DATABASE_URL", dbUrl("dotenv")}, {"NODE_ENV", "test"}}, work.path());
        QCOMPARE(fromFlag.exitCode, 2);
    }

    void secretIsNeverPrintedWhole()
    {
        const QString key = QStringLiteral("0123456789abcdef0123456789abcdef");
        const Run r
            = run({QStringLiteral("--headless")}, {{"TMDB_API_KEY", key + QStringLiteral(" x")}});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QLatin1String("TMDB_API_KEY")));
        QVERIFY(!r.err.contains(key));
    }

    void migrateAndStatus()
    {
        const QHash<QString, QString> vars {{"DATABASE_URL", dbUrl("migrate")}};
        const Run before = run({QStringLiteral("migrate"), QStringLiteral("status")}, vars);
        QCOMPARE(before.exitCode, 0);
        QVERIFY2(before.out.contains(QLatin1String("pending")), qPrintable(before.out));
        const Run first = run({QStringLiteral("migrate")}, vars);
        QCOMPARE(first.exitCode, 0);
        QVERIFY2(first.out.contains(QLatin1String("applied 1 migration")), qPrintable(first.out));
        const Run second = run({QStringLiteral("migrate")}, vars);
        QCOMPARE(second.exitCode, 0);
        QVERIFY(second.out.contains(QLatin1String("up to date")));
        const Run status = run({QStringLiteral("migrate"), QStringLiteral("status")}, vars);
        QVERIFY(status.out.contains(QLatin1String("applied")));
        QVERIFY(!status.out.contains(QLatin1String("pending")));
    }

    void dbResetNeedsConfirmation()
    {
        const QHash<QString, QString> vars {{"DATABASE_URL", dbUrl("reset")}};
        QCOMPARE(run({QStringLiteral("migrate")}, vars).exitCode, 0);
        const Run refused = run({QStringLiteral("db"), QStringLiteral("reset")}, vars);
        QCOMPARE(refused.exitCode, 2);
        QVERIFY(refused.err.contains(QLatin1String("--yes")));
        const Run done
            = run({QStringLiteral("db"), QStringLiteral("reset"), QStringLiteral("--yes")}, vars);
        QCOMPARE(done.exitCode, 0);
        QVERIFY(done.out.contains(QLatin1String("reset")));
    }

    void cacheUsersAndRoutesCommands()
    {
        const QHash<QString, QString> vars {{"DATABASE_URL", dbUrl("commands")}};
        const Run stats = run({QStringLiteral("cache"), QStringLiteral("stats")}, vars);
        QCOMPARE(stats.exitCode, 0);
        QVERIFY2(
            QRegularExpression(QStringLiteral("total\\s+0\\s+0\\s+0")).match(stats.out).hasMatch(),
            qPrintable(stats.out));
        const Run clear = run({QStringLiteral("cache"), QStringLiteral("clear")}, vars);
        QCOMPARE(clear.exitCode, 0);
        QVERIFY(clear.out.contains(QLatin1String("removed 0 cache entries")));
        QCOMPARE(run({QStringLiteral("cache"), QStringLiteral("prune")}, vars).exitCode, 0);
        QCOMPARE(run({QStringLiteral("cache"), QStringLiteral("bogus")}, vars).exitCode, 2);
        const Run users = run({QStringLiteral("users"), QStringLiteral("list")}, vars);
        QCOMPARE(users.exitCode, 0);
        QVERIFY(users.out.contains(QLatin1String("0 user(s)")));
        const Run routes = run({QStringLiteral("routes")}, vars);
        QCOMPARE(routes.exitCode, 0);
        QVERIFY(routes.out.contains(
            QLatin1String("GET /api/movies/{id} tier=general access=optional")));
        QVERIFY(routes.out.contains(QLatin1String("POST /api/watchlist tier=general access=user")));
        QVERIFY(routes.out.contains(QLatin1String("GET /health tier=none access=public")));
    }

    void serveThenSigtermExitsCleanly()
    {
        QProcess p;
        p.setProcessEnvironment(cleanEnv({{"PORT", "0"}}));
        p.setWorkingDirectory(m_dir.path());
        p.start(QStringLiteral(MARQUEE_BINARY), {QStringLiteral("--headless")});
        QVERIFY(p.waitForStarted());
        QString err;
        quint16 port = 0;
        static const QRegularExpression listening(
            QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
        QTRY_VERIFY_WITH_TIMEOUT(
            (err += QString::fromUtf8(p.readAllStandardError()),
                (port = quint16(listening.match(err).captured(1).toUInt())) > 0),
            10000);
        // Default database: SQLite in the user's data folder.
        QVERIFY(QFile::exists(m_dir.path() + QStringLiteral("/data/marquee/marquee.db")));
        HttpClient client(port);
        const HttpReply health = client.get("/health");
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json().value("data").toObject().value("status").toString(),
            QStringLiteral("ok"));
        ::kill(pid_t(p.processId()), SIGTERM);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        err += QString::fromUtf8(p.readAllStandardError());
        QVERIFY(err.contains(QLatin1String("stopped")));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
