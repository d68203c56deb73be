// The server on a thread of its own (core/serverthread.h), as the admin window will run it: it
// serves while the owner's thread reads snapshots, stops gracefully with a request in flight (the
// request is answered, then stopped()), and a server that cannot start says why. Built and run
// under ThreadSanitizer too (scripts/tsan.sh).
#include "core/serverthread.h"
#include "core/trafficmeter.h"
#include "log/logger.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/userstore.h"
#include "support/check.h"
#include "support/faketmdb.h"
#include "support/httpclient.h"
#include "support/testserver.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <memory>

using namespace marquee;
using namespace marquee::test;

class TestServerThread : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_count = 0;

    Config config()
    {
        const QString dir = m_dir.filePath(QString::number(++m_count));
        QDir().mkpath(dir);
        return testConfig(dir);
    }

    // Waits (running this thread's event loop) for the server thread to reach a phase.
    static ServerThread::State waitFor(const ServerThread &server,
        std::initializer_list<ServerThread::Phase> phases, int timeoutMs = 10000)
    {
        QElapsedTimer waited;
        waited.start();
        ServerThread::State s = server.state();
        while (std::find(phases.begin(), phases.end(), s.phase) == phases.end()
            && waited.elapsed() < timeoutMs) {
            QTest::qWait(10);
            s = server.state();
        }
        return s;
    }

    static quint16 startedPort(ServerThread &server)
    {
        server.start();
        const ServerThread::State s
            = waitFor(server, {ServerThread::Phase::Running, ServerThread::Phase::Failed});
        if (s.phase != ServerThread::Phase::Running)
            qWarning() << "server thread did not start:" << s.error;
        return s.port;
    }

    // A configuration whose catalogue goes to this fake TMDB.
    Config configWith(const FakeTmdb &tmdb)
    {
        Config c = config();
        c.tmdbApiKey = FakeTmdb::defaultApiKey();
        c.tmdbBaseUrl = tmdb.baseUrl();
        return c;
    }

    // One catalogue request from a thread of its own (its socket needs Qt's event dispatcher
    // there); its status lands in *status (0: no answer).
    static std::unique_ptr<QThread> requestOnAThread(quint16 port, std::atomic<int> *status)
    {
        std::unique_ptr<QThread> client(QThread::create([port, status] {
            HttpClient h(port);
            if (h.connectToServer())
                *status = h.get("/api/movies/popular").status;
        }));
        client->start();
        return client;
    }

    static bool stopped(const ServerThread &server)
    {
        return waitFor(server, {ServerThread::Phase::Stopped}).phase
            == ServerThread::Phase::Stopped;
    }

private slots:
    // A client thread sends 1,000 requests while this thread, the owner, reads snapshots: the
    // count only grows, and it reaches what was served.
    void servesWhileTheOwnerReadsSnapshots()
    {
        Logger log;
        ServerThread server(config(), &log);
        const quint16 port = startedPort(server);
        QVERIFY(port > 0);
        QVERIFY(server.isRunning());

        std::atomic<int> ok {0};
        std::atomic<bool> done {false};
        // A QThread, not a std::thread: the client's socket needs Qt's event dispatcher there.
        std::unique_ptr<QThread> client(QThread::create([&] {
            HttpClient c(port);
            if (c.connectToServer()) {
                for (int i = 0; i < 1000; ++i) {
                    if (c.get("/health").status == 200)
                        ++ok;
                }
            }
            done = true;
        }));
        client->start();
        quint64 last = 0;
        int reads = 0;
        while (!done) {
            const HealthSnapshot h = server.snapshot();
            QVERIFY(h.requestsServed >= last);
            QVERIFY(h.databaseOk);
            last = h.requestsServed;
            ++reads;
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        }
        client->wait();
        QCOMPARE(ok.load(), 1000);
        QVERIFY(reads > 1);
        QTRY_VERIFY_WITH_TIMEOUT(server.snapshot().requestsServed >= 1000, 5000);

        server.requestStop();
        QVERIFY(stopped(server));
        QTRY_VERIFY(!server.isRunning());
    }

    // The admin window's interface (AdminBackend) under load: while a client thread sends 1,000
    // requests, this thread reads snapshots, asks for user pages, tails the log and queues
    // actions, as the window does. Every answer arrives, the log ids only grow and none repeats,
    // and the snapshot shows the traffic. (Under ThreadSanitizer, scripts/tsan.sh: no race.)
    void adminInterfaceUnderLoad()
    {
        Config c = config();
        c.rateLimitGeneral = 0; // 1,000 requests from one client in a second or two
        {
            // Known users, written before the server starts (the server's own store code).
            Database db(c.database);
            db.open();
            Migrator(db).apply();
            UserStore users(db);
            for (int i = 0; i < 30; ++i)
                QVERIFY(users.ensureUser(QStringLiteral("user_%1").arg(i), 1000 + i));
            db.close();
        }
        Logger log;
        const LogInstallation installed(log);
        ServerThread server(c, &log, log.buffer());
        const quint16 port = startedPort(server);
        QVERIFY(port > 0);

        std::atomic<int> ok {0};
        std::atomic<bool> done {false};
        std::unique_ptr<QThread> client(QThread::create([&] {
            HttpClient h(port);
            if (h.connectToServer()) {
                for (int i = 0; i < 1000; ++i) {
                    const char *path = i % 2 ? "/health" : "/api/movies/popular";
                    if (h.get(path).status == 200)
                        ++ok;
                }
            }
            done = true;
        }));
        client->start();
        quint64 generation = 0;
        quint64 lastLog = 0;
        quint64 lastQuery = 0;
        QList<quint64> commands;
        int round = 0;
        while (!done) {
            const AdminSnapshot a = server.adminSnapshot();
            QVERIFY(a.generation >= generation);
            generation = a.generation;
            for (const LogEntry &e : server.logLinesAfter(lastLog)) {
                QVERIFY2(e.id > lastLog, "a log line twice, or out of order");
                lastLog = e.id;
            }
            if (round % 20 == 0)
                lastQuery = server.queryUsers(UserQuery {QStringLiteral("user_1"), 0, 5});
            if (round % 50 == 0 && commands.size() < 20) {
                AdminCommand prune;
                prune.kind = AdminCommand::Kind::PruneExpired;
                commands << server.submit(prune);
            }
            (void)server.usersPage();
            (void)server.resultsAfter(0);
            ++round;
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
            QThread::usleep(200);
        }
        client->wait();
        QCOMPARE(ok.load(), 1000);
        QVERIFY(round > 1);
        // The last question is answered: user_1 and user_10 .. user_19 match, 5 per page.
        QTRY_COMPARE_WITH_TIMEOUT(server.usersPage().requestId, lastQuery, 5000);
        const UserPage page = server.usersPage();
        QVERIFY2(page.error.isEmpty(), qPrintable(page.error));
        QCOMPARE(page.total, qint64(11));
        QCOMPARE(page.users.size(), 5);
        // Every queued action is done, in order, and succeeded.
        QTRY_COMPARE_WITH_TIMEOUT(server.resultsAfter(0).size(), commands.size(), 5000);
        const QList<AdminResult> results = server.resultsAfter(0);
        for (int i = 0; i < results.size(); ++i) {
            QCOMPARE(results[i].id, commands[i]);
            QVERIFY2(results[i].ok, qPrintable(results[i].error));
        }
        QTRY_VERIFY_WITH_TIMEOUT(server.adminSnapshot().health.requestsServed >= 1000, 5000);
        const AdminSnapshot a = server.adminSnapshot();
        QCOMPARE(a.users, qint64(30));
        QCOMPARE(a.categories.size(), 5);
        // The chart counts whole seconds: once the last one is over, it holds every request.
        const auto charted = [&server] {
            double sum = 0;
            for (const TrafficPoint &t : server.adminSnapshot().traffic)
                sum += t.requestsPerSecond * TrafficMeter::kSliceMs / 1000;
            return qRound(sum);
        };
        QTRY_COMPARE_WITH_TIMEOUT(charted(), 1000, 5000);
        QVERIFY(a.p99Ms >= a.p50Ms && a.p50Ms > 0);
        QVERIFY(lastLog > 0);

        server.requestStop();
        QVERIFY(stopped(server));
        // After the stop, an action is refused with a reason, not lost.
        AdminCommand late;
        late.kind = AdminCommand::Kind::PurgeAll;
        const quint64 seen = server.resultsAfter(0).last().seq;
        const quint64 id = server.submit(late);
        const QList<AdminResult> after = server.resultsAfter(seen);
        QCOMPARE(after.size(), 1);
        QCOMPARE(after.first().id, id);
        QVERIFY(!after.first().ok);
        QVERIFY(!after.first().error.isEmpty());
    }

    // Actions queued just before a stop, and one refused after it: each result is seen exactly
    // once by a reader paging with resultsAfter(), though a refusal may be kept before an
    // earlier command's result.
    void everyActionResultIsSeenOnce()
    {
        Logger log;
        ServerThread server(config(), &log);
        QVERIFY(startedPort(server) > 0);
        QList<quint64> ids;
        AdminCommand prune;
        prune.kind = AdminCommand::Kind::PruneExpired;
        for (int i = 0; i < 5; ++i)
            ids << server.submit(prune);
        server.requestStop();
        QVERIFY(stopped(server));
        ids << server.submit(prune);
        QList<quint64> seen;
        quint64 cursor = 0;
        for (int page = 0; page < 3; ++page) {
            for (const AdminResult &r : server.resultsAfter(cursor)) {
                seen << r.id;
                cursor = r.seq;
            }
        }
        std::sort(seen.begin(), seen.end());
        QCOMPARE(seen, ids);
    }

    // Stop while a catalogue request waits for a slow TMDB: the request is answered (200), then
    // the server stops, and the port no longer accepts connections.
    void stopsGracefullyWithARequestInFlight()
    {
        FakeTmdb tmdb(QStringLiteral(MARQUEE_TMDB_SPEC));
        QVERIFY2(tmdb.start(), notStarted("fake TMDB", tmdb.errorString()));
        tmdb.setDelay(400);
        Logger log;
        ServerThread server(configWith(tmdb), &log);
        const quint16 port = startedPort(server);
        QVERIFY(port > 0);

        std::atomic<int> status {0};
        const auto client = requestOnAThread(port, &status);
        QSignalSpy received(&tmdb, &FakeTmdb::requestReceived); // FakeTmdb is on this thread
        QVERIFY(received.wait(5000)); // the request is in flight, waiting for TMDB
        QElapsedTimer sinceTmdbGotIt;
        sinceTmdbGotIt.start();
        server.requestStop();
        QVERIFY(stopped(server));
        // Not before TMDB's answer (400 ms after it got the request) was passed on: a stop that
        // announced itself at once, or cut the request, fails here or below.
        QVERIFY2(
            sinceTmdbGotIt.elapsed() >= 350, qPrintable(QString::number(sinceTmdbGotIt.elapsed())));
        client->wait();
        QCOMPARE(status.load(), 200);
        QTRY_VERIFY(!server.isRunning());
        HttpClient after(port);
        QVERIFY(!after.connectToServer(500));
    }

    // A request that outlives the grace period does not hold the stop: at the end of the grace
    // period the server goes (the request is cut, not answered), long before TMDB would answer.
    // Repeated: the grace timer and the thread's tick can expire in one pass of the event loop.
    void gracePeriodEndsAStuckRequest_data()
    {
        QTest::addColumn<int>("run");
        for (int i = 0; i < 5; ++i)
            QTest::addRow("run %d", i) << i;
    }
    void gracePeriodEndsAStuckRequest()
    {
        FakeTmdb tmdb(QStringLiteral(MARQUEE_TMDB_SPEC));
        QVERIFY2(tmdb.start(), notStarted("fake TMDB", tmdb.errorString()));
        tmdb.setDelay(4000);
        Config c = configWith(tmdb);
        c.shutdownGraceMs = 500;
        Logger log;
        ServerThread server(c, &log);
        const quint16 port = startedPort(server);
        QVERIFY(port > 0);

        std::atomic<int> status {-1};
        const auto client = requestOnAThread(port, &status);
        QSignalSpy received(&tmdb, &FakeTmdb::requestReceived);
        QVERIFY(received.wait(5000));
        QElapsedTimer sinceStop;
        sinceStop.start();
        server.requestStop();
        QVERIFY(stopped(server));
        QVERIFY2(sinceStop.elapsed() < 3000, qPrintable(QString::number(sinceStop.elapsed())));
        client->wait();
        QVERIFY2(status.load() != 200, qPrintable(QString::number(status.load())));
        QTRY_VERIFY(!server.isRunning());
    }

    // A server that cannot start (its database cannot be created) says why, and its thread ends.
    void reportsAFailedStart()
    {
        Config c = config();
        c.database = *DatabaseUrl::parse(
            QStringLiteral("sqlite://%1/missing/folder/marquee.db").arg(m_dir.filePath("file")),
            nullptr);
        QFile blocker(m_dir.filePath("file"));
        QVERIFY(blocker.open(QIODevice::WriteOnly)); // a file where a folder would have to be
        blocker.close();
        Logger log;
        ServerThread server(c, &log);
        int changes = 0;
        connect(&server, &ServerThread::stateChanged, this, [&changes] { ++changes; });
        server.start();
        const ServerThread::State s = waitFor(server, {ServerThread::Phase::Failed});
        QCOMPARE(s.phase, ServerThread::Phase::Failed);
        QVERIFY2(s.error.contains(QStringLiteral("DATABASE_URL")), qPrintable(s.error));
        QCOMPARE(s.port, quint16(0));
        QTRY_VERIFY(changes >= 2); // Starting, Failed: each announced on this thread
        QTRY_VERIFY(!server.isRunning());
        QCOMPARE(server.snapshot().requestsServed, quint64(0));
    }

    // Destroying it while the server runs stops the server first.
    void destructionStopsTheServer()
    {
        Logger log;
        quint16 port = 0;
        {
            ServerThread server(config(), &log);
            port = startedPort(server);
            QVERIFY(port > 0);
        }
        HttpClient after(port);
        QVERIFY(!after.connectToServer(500));
    }
};

QTEST_MAIN(TestServerThread)
#include "tst_serverthread.moc"
