// The `marquee` executable: command line, configuration errors, migrations, signals, read-only
// commands that never migrate, and README's command-line section equal to `marquee --help`.
#include "config/version.h"
#include "store/migrations.h"
#include "support/faketmdb.h"
#include "support/httpclient.h"
#include "support/marqueeprocess.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstddef>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace marquee::test;

class TestCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir; // HOME: the default database lands here

    using Run = MarqueeProcess::Result;

    Run run(const QStringList &args, const QHash<QString, QString> &vars = {},
        const QString &workDir = {})
    {
        return MarqueeProcess::run(args, MarqueeProcess::cleanEnvironment(m_dir.path(), vars),
            workDir.isEmpty() ? m_dir.path() : workDir);
    }

    QString dbUrl(const QString &name) const
    {
        return QStringLiteral("sqlite://%1/%2.db").arg(m_dir.path(), name);
    }

private slots:
    void initTestCase() { QVERIFY2(m_dir.isValid(), qPrintable(m_dir.errorString())); }

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
        // --lang takes a code as users write it, $LANG's form too; anything else is refused.
        for (const char *code : {"de", "fr_CA", "es-ES", "de_DE.UTF-8", "ca_ES@valencia"})
            QCOMPARE(
                run({QStringLiteral("--lang"), QLatin1String(code), QStringLiteral("--version")})
                    .exitCode,
                0);
        for (const char *code : {"", "german", "de DE", "../../etc", "de_DE.UTF-8.x"}) {
            const Run refused
                = run({QStringLiteral("--lang"), QLatin1String(code), QStringLiteral("--version")});
            QCOMPARE(refused.exitCode, 2);
            QVERIFY2(refused.err.contains(QLatin1String("--lang")), qPrintable(refused.err));
        }
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
        QCOMPARE(before.exitCode, 1); // pending, like `prisma migrate status`
        QVERIFY2(before.out.contains(QLatin1String("pending")), qPrintable(before.out));
        const Run first = run({QStringLiteral("migrate")}, vars);
        QCOMPARE(first.exitCode, 0);
        // Every migration this build knows, on a new database.
        QVERIFY2(
            first.out.contains(
                QStringLiteral("applied %1 migration(s)").arg(marquee::Migrator::latestVersion())),
            qPrintable(first.out));
        const Run second = run({QStringLiteral("migrate")}, vars);
        QCOMPARE(second.exitCode, 0);
        QVERIFY(second.out.contains(QLatin1String("up to date")));
        const Run status = run({QStringLiteral("migrate"), QStringLiteral("status")}, vars);
        QCOMPARE(status.exitCode, 0);
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

    // The README shows `marquee --help` word for word: one source of truth for what it does.
    void readmeShowsTheHelpText()
    {
        QFile readme(QStringLiteral(MARQUEE_SOURCE_DIR "/README.md"));
        QVERIFY2(readme.open(QIODevice::ReadOnly), qPrintable(readme.fileName()));
        const QString text = QString::fromUtf8(readme.readAll());
        const QString intro = QStringLiteral("`marquee --help` prints this");
        const qsizetype at = text.indexOf(intro);
        QVERIFY2(at >= 0, "README.md has no `marquee --help` block");
        const qsizetype open = text.indexOf(QLatin1String("```\n"), at) + 4;
        const qsizetype close = text.indexOf(QLatin1String("```"), open);
        QVERIFY(open > 3 && close > open);
        const Run help = run({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QCOMPARE(text.mid(open, close - open), help.out);
    }

    // Only the server, `migrate` and `db reset` change the schema. The other commands refuse on
    // a database that needs migrating (or is not there), say so, and leave it as it was.
    void readOnlyCommandsNeverChangeTheSchema_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("cache stats") << QStringList {"cache", "stats"};
        QTest::newRow("cache clear") << QStringList {"cache", "clear"};
        QTest::newRow("cache prune") << QStringList {"cache", "prune"};
        QTest::newRow("users list") << QStringList {"users", "list"};
        QTest::newRow("migrate status") << QStringList {"migrate", "status"};
    }
    void readOnlyCommandsNeverChangeTheSchema()
    {
        QFETCH(QStringList, args);
        const QString name = QStringLiteral("readonly-")
            + QString::fromLatin1(QTest::currentDataTag())
                  .replace(QLatin1Char(' '), QLatin1Char('-'));
        const QString file = m_dir.path() + QLatin1Char('/') + name + QStringLiteral(".db");
        const QHash<QString, QString> vars {{"DATABASE_URL", dbUrl(name)}};

        // No database yet: nothing is created.
        const Run none = run(args, vars);
        QCOMPARE(none.exitCode, 1);
        QVERIFY2(none.err.contains(QLatin1String("no database"))
                || none.out.contains(QLatin1String("does not exist yet")),
            qPrintable(none.err + none.out));
        QVERIFY2(!QFile::exists(file), "a read-only command created the database");

        // A database one migration behind: said, and not migrated.
        QCOMPARE(run({QStringLiteral("migrate")}, vars).exitCode, 0);
        int latest = 0;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(
                q.exec(QStringLiteral("SELECT MAX(version) FROM schema_migrations")) && q.next());
            latest = q.value(0).toInt();
            QVERIFY(q.exec(
                QStringLiteral("DELETE FROM schema_migrations WHERE version = %1").arg(latest)));
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
        const Run behind = run(args, vars);
        QCOMPARE(behind.exitCode, 1);
        QVERIFY2((behind.err + behind.out).contains(QLatin1String("pending")),
            qPrintable(behind.err + behind.out));
        QVERIFY2((behind.err + behind.out).contains(QLatin1String("marquee migrate")),
            qPrintable(behind.err + behind.out));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(
                q.exec(QStringLiteral("SELECT COUNT(*) FROM schema_migrations WHERE version = %1")
                           .arg(latest))
                && q.next());
            QCOMPARE(q.value(0).toInt(), 0);
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }

    void cacheUsersAndRoutesCommands()
    {
        const QHash<QString, QString> vars {{"DATABASE_URL", dbUrl("commands")}};
        QCOMPARE(run({QStringLiteral("migrate")}, vars).exitCode, 0);
        const Run stats = run({QStringLiteral("cache"), QStringLiteral("stats")}, vars);
        QCOMPARE(stats.exitCode, 0);
        QVERIFY2(
            QRegularExpression(QStringLiteral("total\\s+0\\s+0\\s+0")).match(stats.out).hasMatch(),
            qPrintable(stats.out));
        QVERIFY2(stats.out.contains(QLatin1String("catalogue: 0 hits, 0 misses, 0 stale answers, "
                                                  "0 refreshed ahead, 0 revalidated, 0 warm-up")),
            qPrintable(stats.out));
        // Without a TMDB key the server serves the demo catalogue from memory: /health counts
        // those entries, this table cannot, and it says why.
        QVERIFY2(stats.out.contains(QLatin1String("demo catalogue"))
                && stats.out.contains(QLatin1String("memory only")),
            qPrintable(stats.out));
        QHash<QString, QString> withKey = vars;
        withKey.insert(QStringLiteral("TMDB_API_KEY"), QStringLiteral("0123456789abcdef"));
        const Run keyed = run({QStringLiteral("cache"), QStringLiteral("stats")}, withKey);
        QCOMPARE(keyed.exitCode, 0);
        QVERIFY2(!keyed.out.contains(QLatin1String("demo catalogue")), qPrintable(keyed.out));
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
        MarqueeProcess server;
        QVERIFY2(server.start(
                     MarqueeProcess::cleanEnvironment(m_dir.path(), {{"PORT", "0"}}), m_dir.path()),
            qPrintable(server.errorString()));
        // Default database: SQLite in the user's data folder.
        QVERIFY(QFile::exists(m_dir.path() + QStringLiteral("/data/marquee/marquee.db")));
        HttpClient client(server.port());
        const HttpReply health = client.get("/health");
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json().value("data").toObject().value("status").toString(),
            QStringLiteral("ok"));
        QVERIFY(server.terminate());
        QCOMPARE(server.process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(server.process().exitCode(), 0);
        QVERIFY2(server.standardError().contains(QLatin1String("stopped")),
            qPrintable(server.standardError()));
    }

    // SIGTERM under load with four event loops: every request already received is answered
    // (upstream misses that take 400 ms, on whatever loop took them), then the process exits 0.
    void sigtermUnderLoadAnswersEveryRequest()
    {
        FakeTmdb fake(QStringLiteral(MARQUEE_TMDB_SPEC));
        QVERIFY2(fake.start(), qPrintable(fake.errorString()));
        const QString key = QStringLiteral("0123456789abcdef0123456789abcdef");
        fake.setApiKey(key);
        fake.setDelay(400);
        MarqueeProcess server;
        QVERIFY2(
            server.start(MarqueeProcess::cleanEnvironment(m_dir.path(),
                             {{"PORT", "0"}, {"MARQUEE_WORKERS", "4"}, {"TMDB_API_KEY", key},
                                 {"TMDB_BASE_URL", fake.baseUrl()}, {"RATE_LIMIT_GENERAL", "0"},
                                 {"DATABASE_URL", dbUrl(QStringLiteral("sigterm"))}}),
                m_dir.path()),
            qPrintable(server.errorString()));
        constexpr int kClients = 24;
        std::vector<std::unique_ptr<HttpClient>> clients;
        for (int i = 0; i < kClients; ++i) {
            auto c = std::make_unique<HttpClient>(server.port());
            QVERIFY(c->connectToServer());
            c->socket()->write(
                "GET /api/movies/" + QByteArray::number(550 + i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            c->socket()->flush();
            clients.push_back(std::move(c));
        }
        QTRY_COMPARE_WITH_TIMEOUT(fake.callCount(), kClients, 5000); // all in flight
        ::kill(pid_t(server.process().processId()), SIGTERM);
        for (const auto &c : clients) {
            const HttpReply r = c->readReply(false, 10000);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.header("X-Cache"), QByteArray("MISS"));
        }
        QVERIFY(server.process().waitForFinished(10000));
        QCOMPARE(server.process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(server.process().exitCode(), 0);
        QVERIFY2(server.standardError().contains(QLatin1String("4 event loops")),
            qPrintable(server.standardError()));
    }

    // Type=notify: READY=1 once it listens, STOPPING=1 when SIGTERM begins the graceful stop,
    // as datagrams to $NOTIFY_SOCKET, a path or a name in the abstract namespace ("@...").
    void notifiesSystemd_data()
    {
        QTest::addColumn<bool>("abstract");
        QTest::newRow("path") << false;
        QTest::newRow("abstract") << true;
    }
    void notifiesSystemd()
    {
        QFETCH(bool, abstract);
        const QByteArray name = abstract
            ? QByteArray("@marquee-test-notify-")
                + QByteArray::number(QCoreApplication::applicationPid())
            : (m_dir.path() + QStringLiteral("/notify.sock")).toLocal8Bit();
        const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        QVERIFY(fd >= 0);
        const auto closeFd = qScopeGuard([fd, name] {
            ::close(fd);
            if (!name.startsWith('@'))
                ::unlink(name.constData());
        });
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, name.constData(), size_t(name.size()));
        if (abstract)
            address.sun_path[0] = '\0';
        QCOMPARE(::bind(fd, reinterpret_cast<const sockaddr *>(&address),
                     socklen_t(offsetof(sockaddr_un, sun_path) + size_t(name.size()))),
            0);
        // The next datagram, or empty after `ms`.
        auto receive = [fd](int ms) {
            pollfd p {fd, POLLIN, 0};
            if (::poll(&p, 1, ms) != 1)
                return QByteArray();
            char buffer[512];
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            return n > 0 ? QByteArray(buffer, int(n)) : QByteArray();
        };
        MarqueeProcess server;
        QVERIFY2(server.start(MarqueeProcess::cleanEnvironment(m_dir.path(),
                                  {{"PORT", "0"}, {"NOTIFY_SOCKET", QString::fromLocal8Bit(name)},
                                      {"MARQUEE_SHUTDOWN_GRACE", "45s"},
                                      {"DATABASE_URL", dbUrl(QStringLiteral("notify"))}}),
                     m_dir.path()),
            qPrintable(server.errorString()));
        QCOMPARE(receive(5000), QByteArray("READY=1"));
        QCOMPARE(receive(0), QByteArray()); // once
        QVERIFY(server.terminate());
        QCOMPARE(server.process().exitCode(), 0);
        // The stop may take the grace and 10 s more: systemd's stop timeout is extended to it.
        QCOMPARE(receive(1000), QByteArray("STOPPING=1\nEXTEND_TIMEOUT_USEC=55000000"));
    }

    // Under systemd with RuntimeDirectory= (the packaged service), the server publishes where it
    // listens, for the desktop app to tell the service apart; the file goes with the server. A
    // second server started as a service never calls the first "the system service", and says
    // so with exit code 3 (the unit does not restart into it: RestartPreventExitStatus=3).
    void servicePublishesItsAddress()
    {
        const QString runtime = m_dir.path() + QStringLiteral("/run");
        QVERIFY(QDir().mkpath(runtime));
        MarqueeProcess server;
        QVERIFY2(
            server.start(MarqueeProcess::cleanEnvironment(m_dir.path(),
                             {{"PORT", "0"}, {"HOST", "0.0.0.0"}, {"RUNTIME_DIRECTORY", runtime},
                                 {"DATABASE_URL", dbUrl(QStringLiteral("published"))}}),
                m_dir.path()),
            qPrintable(server.errorString()));
        QFile address(runtime + QStringLiteral("/address"));
        // Written as the server starts serving, which is about when it logs that it listens.
        QTRY_VERIFY(address.exists());
        QVERIFY(address.open(QIODevice::ReadOnly));
        QCOMPARE(
            address.readAll(), QStringLiteral("http://127.0.0.1:%1\n").arg(server.port()).toUtf8());
        QVERIFY(address.permissions().testFlag(QFileDevice::ReadOther));
        address.close();
        const Run again = run({QStringLiteral("--headless")},
            {{"PORT", QString::number(server.port())}, {"RUNTIME_DIRECTORY", runtime}});
        QCOMPARE(again.exitCode, 3);
        QVERIFY2(!again.err.contains(QLatin1String("system service")), qPrintable(again.err));
        QVERIFY(address.exists()); // the refused second server took nothing away
        QVERIFY(server.terminate());
        QCOMPARE(server.process().exitCode(), 0);
        QVERIFY(!address.exists());
    }

    // A socket that is not systemd's, or none, is not a reason to fail: the server just runs.
    void unusableNotifySocketIsIgnored()
    {
        for (const QString &value :
            {QStringLiteral("relative/path"), m_dir.path() + QStringLiteral("/nobody-listens.sock"),
                QStringLiteral("/") + QString(200, QLatin1Char('x'))}) {
            MarqueeProcess server;
            QVERIFY2(server.start(MarqueeProcess::cleanEnvironment(m_dir.path(),
                                      {{"PORT", "0"}, {"NOTIFY_SOCKET", value},
                                          {"DATABASE_URL", dbUrl(QStringLiteral("notify"))}}),
                         m_dir.path()),
                qPrintable(server.errorString()));
            QCOMPARE(HttpClient(server.port()).get("/health").status, 200);
            QVERIFY(server.terminate());
            QCOMPARE(server.process().exitCode(), 0);
        }
    }

    // The packaged service sets $STATE_DIRECTORY (StateDirectory=marquee): the default database
    // goes there, not into a home folder the service may not write.
    void stateDirectoryHoldsTheDefaultDatabase()
    {
        QTemporaryDir state;
        MarqueeProcess server;
        QVERIFY2(server.start(MarqueeProcess::cleanEnvironment(
                                  m_dir.path(), {{"PORT", "0"}, {"STATE_DIRECTORY", state.path()}}),
                     m_dir.path()),
            qPrintable(server.errorString()));
        QVERIFY(QFile::exists(state.path() + QStringLiteral("/marquee.db")));
        QVERIFY(server.terminate());
        QCOMPARE(server.process().exitCode(), 0);
        // A relative value is not systemd's: the user's data folder as before.
        const Run status = run({QStringLiteral("migrate"), QStringLiteral("status")},
            {{"STATE_DIRECTORY", QStringLiteral("relative")}});
        QVERIFY2(status.out.contains(m_dir.path() + QStringLiteral("/data/marquee/marquee.db"))
                || status.err.contains(m_dir.path() + QStringLiteral("/data/marquee/marquee.db")),
            qPrintable(status.out + status.err));
    }

    // A second server started where one already answers (the desktop app beside the packaged
    // service) says what runs there and starts nothing: no database is opened or created.
    void secondServerSaysWhatIsRunning()
    {
        MarqueeProcess first;
        QVERIFY2(first.start(MarqueeProcess::cleanEnvironment(m_dir.path(),
                                 {{"PORT", "0"}, {"DATABASE_URL", dbUrl(QStringLiteral("first"))}}),
                     m_dir.path()),
            qPrintable(first.errorString()));
        const QString port = QString::number(first.port());
        const QString second = m_dir.path() + QStringLiteral("/second.db");
        for (const QString &host : {QStringLiteral("127.0.0.1"), QStringLiteral("0.0.0.0")}) {
            const Run again = run({QStringLiteral("--headless")},
                {{"PORT", port}, {"HOST", host},
                    {"DATABASE_URL", QStringLiteral("sqlite://") + second}});
            QCOMPARE(again.exitCode, 3);
            QVERIFY2(again.err.contains(QStringLiteral("Marquee %1 already answers at "
                                                       "http://127.0.0.1:%2")
                                            .arg(QStringLiteral(MARQUEE_VERSION), port)),
                qPrintable(again.err));
            QVERIFY(!QFile::exists(second));
        }
        QCOMPARE(HttpClient(first.port()).get("/health").status, 200);
        QVERIFY(first.terminate());
    }

    // Something else on the port (silent, or not HTTP): the probe gives up within its time
    // limit and the usual "cannot start" follows; nothing hangs.
    void otherListenerOnThePortIsNotMarquee_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::newRow("silent") << QByteArray();
        QTest::newRow("not http") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n");
        QTest::newRow("other http")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n{\"success\":true}");
        QTest::newRow("endless") << QByteArray(200000, 'x');
    }
    void otherListenerOnThePortIsNotMarquee()
    {
        QFETCH(QByteArray, answer);
        QTcpServer other;
        QVERIFY(other.listen(QHostAddress::LocalHost));
        QList<QTcpSocket *> peers;
        connect(&other, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *peer = other.nextPendingConnection()) {
                peers << peer;
                if (!answer.isEmpty())
                    peer->write(answer);
            }
        });
        QProcess second;
        second.setProcessEnvironment(MarqueeProcess::cleanEnvironment(m_dir.path(),
            {{"PORT", QString::number(other.serverPort())},
                {"DATABASE_URL", dbUrl(QStringLiteral("other"))}}));
        second.setWorkingDirectory(m_dir.path());
        QElapsedTimer timer;
        timer.start();
        second.start(QStringLiteral(MARQUEE_BINARY), {QStringLiteral("--headless")});
        QTRY_VERIFY_WITH_TIMEOUT(second.state() == QProcess::NotRunning, 10000);
        const QString err = QString::fromLocal8Bit(second.readAllStandardError());
        QCOMPARE(second.exitCode(), 1);
        QVERIFY2(err.contains(QLatin1String("cannot start")), qPrintable(err));
        QVERIFY2(!err.contains(QLatin1String("already answers")), qPrintable(err));
        QVERIFY2(timer.elapsed() < 8000, qPrintable(QString::number(timer.elapsed())));
        qDeleteAll(peers);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
