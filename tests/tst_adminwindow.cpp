// The tray/admin window (ui/) against a real server on its own thread (ServerThread, a real
// SQLite file, the demo catalogue or a fake TMDB): each page shows what the server holds, its
// actions really change the server, the log view misses no line under a burst, Quit and SIGTERM
// both stop after the request in flight is answered (exit 0 for the process), a headless server
// never loads Gui or Widgets. `tst_adminwindow screenshots` renders every page at 1280x800 in
// English and German into build/screenshots/<platform>/ (MARQUEE_SCREENSHOT_DIR overrides);
// ctest runs it offscreen and under Xvfb.
#include "adminwindow.h"
#include "cachepage.h"
#include "core/serverthread.h"
#include "dashboardpage.h"
#include "log/logger.h"
#include "logspage.h"
#include "settingspage.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/userstore.h"
#include "support/check.h"
#include "support/faketmdb.h"
#include "support/httpclient.h"
#include "support/marqueeprocess.h"
#include "support/testserver.h"
#include "trafficchart.h"
#include "trayicon.h"
#include "uiapp.h"
#include "userspage.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QLineEdit>
#include <QLocalSocket>
#include <QMessageBox>
#include <QPainter>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <signal.h>

using namespace marquee;
using namespace marquee::test;
using namespace marquee::ui;

namespace {

// 250 users user000..user249, and alice (created last) with 3 watchlist titles, 2 favorites and
// 2 sessions.
constexpr int kUsers = 251;

void seed(const Config &c)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 day = 86400 * 1000LL;
    Database db(c.database);
    db.open();
    Migrator(db).apply();
    UserStore users(db);
    for (int i = 0; i < kUsers - 1; ++i) {
        ClerkProfile p;
        p.clerkId = QStringLiteral("user_%1").arg(i, 3, 10, QLatin1Char('0'));
        p.email = QStringLiteral("user%1@example.com").arg(i, 3, 10, QLatin1Char('0'));
        p.firstName = QStringLiteral("User");
        p.lastName = QString::number(i);
        users.applyClerkProfile(p, now - 300 * day + i * day, true);
    }
    ClerkProfile alice;
    alice.clerkId = QStringLiteral("user_alice");
    alice.email = QStringLiteral("alice@example.com");
    alice.firstName = QStringLiteral("Alice");
    alice.lastName = QStringLiteral("Liddell");
    users.applyClerkProfile(alice, now - 20 * day, true);
    const qint64 id = users.findByClerkId(alice.clerkId)->id;
    QSqlQuery q(db.connection());
    for (int i = 0; i < 3; ++i)
        q.exec(QStringLiteral("INSERT INTO watchlist (user_id, content_type, tmdb_id, title, "
                              "added_at) VALUES (%1, 'movie', %2, 'Title %2', 6000)")
                   .arg(id)
                   .arg(100 + i));
    for (int i = 0; i < 2; ++i)
        q.exec(QStringLiteral("INSERT INTO favorites (user_id, content_type, tmdb_id, title, "
                              "added_at) VALUES (%1, 'tv', %2, 'Show %2', 6000)")
                   .arg(id)
                   .arg(200 + i));
    users.touchSession(QStringLiteral("sess_1"), id, QStringLiteral("TV"), {}, now - day);
    users.touchSession(QStringLiteral("sess_2"), id, QStringLiteral("Phone"), {}, now - 3600000);
    users.touchLastSeen(id, now - 3600000);
    db.close();
}

UiOptions options(const Config &c)
{
    UiOptions o;
    o.database = c.database.describe();
    o.envFile = QStringLiteral("/srv/marquee/.env");
    o.settings = {
        {QStringLiteral("PORT"), QStringLiteral("3000"), QStringLiteral("default"),
            QStringLiteral("TCP port")},
        {QStringLiteral("TMDB_API_KEY"), QStringLiteral("abcd…wxyz"), QStringLiteral(".env"),
            QStringLiteral("TMDB key")},
        {QStringLiteral("HOST"), QStringLiteral("0.0.0.0"), QStringLiteral("flag"),
            QStringLiteral("address")},
    };
    return o;
}

const CacheCategoryView *category(const CacheModel *m, const QString &name)
{
    for (const CacheCategoryView &c : m->categories())
        if (c.category == name)
            return &c;
    return nullptr;
}

} // namespace

class TestAdminWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_count = 0;

    Config freshConfig()
    {
        const QString dir = m_dir.filePath(QString::number(++m_count));
        QDir().mkpath(dir);
        Config c = testConfig(dir);
        c.rateLimitGeneral = 0; // the tests send many requests from one client
        c.rateLimitSearch = 0;
        return c;
    }

    static bool waitForPhase(const ServerThread &server, AdminBackend::Phase phase)
    {
        QElapsedTimer t;
        t.start();
        while (server.phase() != phase && t.elapsed() < 10000)
            QTest::qWait(10);
        return server.phase() == phase;
    }

    // A seeded server, running; null (with a warning) when it did not start.
    std::unique_ptr<ServerThread> startServer(const Config &c, Logger &log)
    {
        seed(c);
        auto server = std::make_unique<ServerThread>(c, &log, log.buffer());
        server->start();
        if (!waitForPhase(*server, AdminBackend::Phase::Running)) {
            qWarning() << "server did not start:" << server->state().error;
            return nullptr;
        }
        return server;
    }

    static void getAll(quint16 port, const QList<QByteArray> &paths)
    {
        HttpClient h(port);
        QVERIFY(h.connectToServer());
        for (const QByteArray &p : paths)
            QCOMPARE(h.get(p).status, 200);
    }

    static QString screenshotDir()
    {
        const QString fromEnv = qEnvironmentVariable("MARQUEE_SCREENSHOT_DIR");
        if (!fromEnv.isEmpty())
            return fromEnv;
        return QCoreApplication::applicationDirPath() + QStringLiteral("/../screenshots/")
            + QGuiApplication::platformName();
    }

    QString freshHome()
    {
        const QString home = m_dir.filePath(QStringLiteral("home%1").arg(++m_count));
        QDir().mkpath(home);
        return home;
    }

    // The clean environment of a windowed `marquee` on X display `display` (":4242"), port 0.
    static QProcessEnvironment x11Environment(const QString &home, const QString &display)
    {
        QProcessEnvironment env = MarqueeProcess::cleanEnvironment(home);
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.insert(QStringLiteral("DISPLAY"), display);
        env.insert(QStringLiteral("PORT"), QStringLiteral("0"));
        return env;
    }

    // Starts Xvfb on :display (extra arguments after it) and waits for its socket.
    static bool startXvfb(QProcess &x, int display, const QStringList &extra = {})
    {
        x.start(QStringLiteral("Xvfb"),
            QStringList {QStringLiteral(":%1").arg(display), QStringLiteral("-nolisten"),
                QStringLiteral("tcp")}
                + extra);
        if (!x.waitForStarted())
            return false;
        // Ready when its socket takes a connection: the file alone may be there before Xvfb
        // listens (or left by an earlier server on that display), and a client started then
        // finds no display and runs headless.
        QElapsedTimer waited;
        waited.start();
        const QString socket = QStringLiteral("/tmp/.X11-unix/X%1").arg(display);
        while (x.state() == QProcess::Running && waited.elapsed() < 10000) {
            QLocalSocket probe;
            probe.connectToServer(socket);
            if (probe.waitForConnected(200))
                return true;
            QTest::qWait(20);
        }
        return false;
    }

private slots:
    void initTestCase() { installTranslations(QStringLiteral("en")); }

    // The dashboard shows the server's state, address, counts and traffic.
    void dashboardShowsTheServer()
    {
        Logger log;
        const Config c = freshConfig();
        const auto server = startServer(c, log);
        QVERIFY(server);
        AdminWindow window(*server, options(c));
        getAll(server->state().port,
            {"/health", "/api/movies/popular", "/api/movies/popular", "/api/tv/popular"});
        DashboardPage *d = window.dashboard();
        QTRY_COMPARE_WITH_TIMEOUT(
            d->tileText(QStringLiteral("users")), QStringLiteral("251"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(d->tileText(QStringLiteral("requests")).toInt() >= 4, 5000);
        QVERIFY2(d->tileText(QStringLiteral("status")).contains(QStringLiteral("Serving")),
            qPrintable(d->tileText(QStringLiteral("status"))));
        QCOMPARE(d->tileText(QStringLiteral("tmdb")), QStringLiteral("Demo catalogue"));
        QCOMPARE(d->tileText(QStringLiteral("lists")), QStringLiteral("3 / 2"));
        QVERIFY2(d->tileText(QStringLiteral("address"))
                     .contains(QStringLiteral(":%1").arg(server->state().port)),
            qPrintable(d->tileText(QStringLiteral("address"))));
        QVERIFY2(d->tileText(QStringLiteral("database")).contains(QStringLiteral("kB")),
            qPrintable(d->tileText(QStringLiteral("database"))));
        // One of the three catalogue requests was a cache hit.
        QTRY_COMPARE_WITH_TIMEOUT(
            d->tileText(QStringLiteral("hitRatio")), QStringLiteral("33.3%"), 5000);
        QCOMPARE(d->chart()->points().size(), 120);
    }

    // The cache table counts per category; purging one category empties it and only it, purging
    // all empties every one; a declined confirmation changes nothing.
    void cachePageShowsAndPurges()
    {
        Logger log;
        const Config c = freshConfig();
        const auto server = startServer(c, log);
        QVERIFY(server);
        AdminWindow window(*server, options(c));
        CachePage *page = window.cache();
        getAll(server->state().port,
            {"/api/movies/popular", "/api/movies/popular", "/api/movies/trending",
                "/api/movies/genres"});
        QTRY_VERIFY_WITH_TIMEOUT(category(page->model(), QStringLiteral("lists"))
                && category(page->model(), QStringLiteral("lists"))->entries == 1
                && category(page->model(), QStringLiteral("trending"))->entries == 1,
            5000);
        QCOMPARE(page->model()->rowCount(), 5);
        const CacheCategoryView *lists = category(page->model(), QStringLiteral("lists"));
        QCOMPARE(lists->hits, quint64(1));
        QCOMPARE(lists->misses, quint64(1));
        QCOMPARE(lists->ttlSeconds, c.ttlLists);

        int row = -1;
        for (int r = 0; r < page->model()->rowCount(); ++r)
            if (page->model()->categories().at(r).category == QLatin1String("lists"))
                row = r;
        page->view()->selectRow(row);
        QString asked;
        page->setConfirmation([&asked](const QString &q) {
            asked = q;
            return false;
        });
        const quint64 before = server->resultsAfter(0).size();
        page->purgeSelected();
        QVERIFY(asked.contains(CacheModel::categoryTitle(QStringLiteral("lists"))));
        QTest::qWait(300);
        QCOMPARE(quint64(server->resultsAfter(0).size()), before); // declined: nothing sent
        QCOMPARE(category(page->model(), QStringLiteral("lists"))->entries, qint64(1));

        page->setConfirmation([](const QString &) { return true; });
        page->purgeSelected();
        QTRY_COMPARE_WITH_TIMEOUT(
            category(page->model(), QStringLiteral("lists"))->entries, qint64(0), 5000);
        QCOMPARE(category(page->model(), QStringLiteral("trending"))->entries, qint64(1));
        QTRY_VERIFY(window.lastMessage().contains(QStringLiteral("Cache entries removed: 1")));
        // The server really forgot it: the next request is a miss again.
        getAll(server->state().port, {"/api/movies/popular"});
        QTRY_COMPARE_WITH_TIMEOUT(
            category(page->model(), QStringLiteral("lists"))->misses, quint64(2), 5000);

        page->purgeAll();
        QTRY_VERIFY_WITH_TIMEOUT(
            [page] {
                for (const CacheCategoryView &v : page->model()->categories())
                    if (v.entries != 0)
                        return false;
                return true;
            }(),
            5000);
        page->pruneExpired();
        QTRY_VERIFY(window.lastMessage().contains(QStringLiteral("Expired cache entries removed")));
    }

    // Users: a page of 100 of 251, the next page, the filter, and the two actions.
    void usersPageFiltersPagesAndActs()
    {
        Logger log;
        const Config c = freshConfig();
        const auto server = startServer(c, log);
        QVERIFY(server);
        AdminWindow window(*server, options(c));
        window.showPage(AdminWindow::Users); // the first visit asks for the first page
        UsersPage *page = window.users();
        QTRY_COMPARE_WITH_TIMEOUT(page->model()->rowCount(), UsersPage::kPageSize, 5000);
        QCOMPARE(page->total(), qint64(kUsers));
        QCOMPARE(page->model()->users().first().email, QStringLiteral("user000@example.com"));
        page->nextPage();
        QTRY_COMPARE_WITH_TIMEOUT(page->offset(), qint64(100), 5000);
        QTRY_COMPARE(page->model()->users().first().email, QStringLiteral("user100@example.com"));

        page->filter()->setText(QStringLiteral("ALICE"));
        QTRY_COMPARE_WITH_TIMEOUT(page->model()->rowCount(), 1, 5000);
        QCOMPARE(page->offset(), qint64(0));
        UserView alice = page->model()->users().first();
        QCOMPARE(alice.email, QStringLiteral("alice@example.com"));
        QCOMPARE(alice.name, QStringLiteral("Alice Liddell"));
        QCOMPARE(alice.watchlist, qint64(3));
        QCOMPARE(alice.favorites, qint64(2));
        QCOMPARE(alice.activeSessions, qint64(2));
        page->filter()->setText(QStringLiteral("50%"));
        QTRY_COMPARE_WITH_TIMEOUT(
            page->total(), qint64(0), 5000); // % is a character, not a wildcard
        page->filter()->setText(QStringLiteral("alice"));
        QTRY_COMPARE_WITH_TIMEOUT(page->model()->rowCount(), 1, 5000);

        page->view()->selectRow(0);
        page->signOutSelected();
        QTRY_COMPARE_WITH_TIMEOUT(page->model()->users().value(0).activeSessions, qint64(0), 5000);
        QVERIFY(window.lastMessage().contains(QStringLiteral("sessions ended: 2")));

        page->view()->selectRow(0);
        QString asked;
        page->setConfirmation([&asked](const QString &q) {
            asked = q;
            return false;
        });
        page->deleteSelected();
        QVERIFY2(asked.contains(QStringLiteral("alice@example.com")), qPrintable(asked));
        QTest::qWait(300);
        QCOMPARE(server->adminSnapshot().users, qint64(kUsers));
        page->setConfirmation([](const QString &) { return true; });
        page->deleteSelected();
        QTRY_COMPARE_WITH_TIMEOUT(page->total(), qint64(0), 5000);
        // The same path as the admin API: the user and their lists are gone from the database.
        QTRY_COMPARE_WITH_TIMEOUT(server->adminSnapshot().users, qint64(kUsers - 1), 5000);
        QCOMPARE(server->adminSnapshot().watchlistItems, qint64(0));
        QCOMPARE(server->adminSnapshot().favoriteItems, qint64(0));
    }

    // 3,000 lines logged at about 1,000 a second from another thread: the view holds each exactly
    // once, in order; the level filter, the search, and pause/resume work on them.
    void logsMissNoLineUnderABurst()
    {
        Logger log;
        const LogInstallation installed(log);
        const Config c = freshConfig();
        const auto server = startServer(c, log);
        QVERIFY(server);
        AdminWindow window(*server, options(c));
        LogsPage *page = window.logs();
        page->poll();
        const quint64 start = page->lastSeenId();
        constexpr int kLines = 3000;
        std::unique_ptr<QThread> writer(QThread::create([] {
            for (int i = 0; i < kLines; ++i) {
                if (i % 500 == 0)
                    qCritical("burst error %d", i);
                else
                    qInfo("burst line %d", i);
                if (i % 10 == 0)
                    QThread::msleep(10);
            }
        }));
        QElapsedTimer t;
        t.start();
        writer->start();
        // The window stays responsive: its event loop turns while the burst lasts.
        int turns = 0;
        while (!writer->isFinished()) {
            QTest::qWait(20);
            ++turns;
        }
        writer->wait();
        QVERIFY2(turns > 10, qPrintable(QString::number(turns)));
        QTRY_VERIFY_WITH_TIMEOUT(page->model()->rowCount() > 0
                && page->model()
                       ->line(page->model()->rowCount() - 1)
                       .message.contains(QStringLiteral("burst line 2999")),
            5000);
        QCOMPARE(page->missedLines(), qint64(0));
        int next = 0;
        quint64 lastId = start;
        for (int r = 0; r < page->model()->rowCount(); ++r) {
            const LogEntry &e = page->model()->line(r);
            if (e.id <= start)
                continue;
            QCOMPARE(e.id, lastId + 1); // consecutive: nothing missed, nothing twice
            lastId = e.id;
            if (e.message.startsWith(QLatin1String("burst "))) {
                QVERIFY2(
                    e.message.endsWith(QStringLiteral(" %1").arg(next)), qPrintable(e.message));
                ++next;
            }
        }
        QCOMPARE(next, kLines);

        page->levelBox()->setCurrentIndex(3); // errors only
        QCOMPARE(page->filter()->rowCount(), kLines / 500);
        page->levelBox()->setCurrentIndex(0);
        page->searchBox()->setText(QStringLiteral("burst line 123"));
        QCOMPARE(page->filter()->rowCount(), 1 + 10); // 123 and 1230..1239
        page->searchBox()->clear();

        page->setPaused(true);
        const int rows = page->model()->rowCount();
        qInfo("while paused");
        QTest::qWait(3 * LogsPage::kPollMs);
        QCOMPARE(page->model()->rowCount(), rows);
        page->setPaused(false);
        QTRY_COMPARE(page->model()->line(page->model()->rowCount() - 1).message,
            QStringLiteral("while paused"));
    }

    // The model caps what it holds, dropping the oldest.
    void logModelIsCapped()
    {
        LogModel m;
        m.setCap(100);
        QList<LogEntry> lines;
        for (int i = 1; i <= 250; ++i)
            lines.append(LogEntry {quint64(i), QDateTime::currentDateTimeUtc(),
                QStringLiteral("info"), QStringLiteral("t"), QString::number(i)});
        m.append(lines.mid(0, 60));
        m.append(lines.mid(60, 60));
        QCOMPARE(m.rowCount(), 100);
        QCOMPARE(m.line(0).id, quint64(21));
        m.append(lines.mid(120));
        QCOMPARE(m.rowCount(), 100);
        QCOMPARE(m.line(0).id, quint64(151));
        QCOMPARE(m.lastId(), quint64(250));
    }

    // The settings page lists what it is given, with where each value came from.
    void settingsPageShowsOrigins()
    {
        Config c = freshConfig();
        SettingsPage page(options(c));
        QCOMPARE(page.table()->rowCount(), 3);
        QCOMPARE(page.table()->item(1, 0)->text(), QStringLiteral("TMDB_API_KEY"));
        QCOMPARE(page.table()->item(1, 1)->text(), QStringLiteral("abcd…wxyz"));
        QCOMPARE(page.table()->item(1, 2)->text(), QStringLiteral(".env file"));
        QCOMPARE(page.table()->item(2, 2)->text(), QStringLiteral("command line"));
    }

    // Without a system tray (offscreen has none), closing the window asks whether to stop the
    // server: No keeps both, Yes stops the server.
    void closingWithoutATrayAsks()
    {
        Logger log;
        const Config c = freshConfig();
        const auto server = startServer(c, log);
        QVERIFY(server);
        UiApp app(*server, options(c));
        QVERIFY(!app.tray());
        app.show();
        int asked = 0;
        bool answer = false;
        app.setStopQuestion([&] {
            ++asked;
            return answer;
        });
        QVERIFY(app.window()->isVisible());
        app.window()->close();
        QCOMPARE(asked, 1);
        QVERIFY(app.window()->isVisible());
        QTest::qWait(200);
        QCOMPARE(server->phase(), AdminBackend::Phase::Running);
        answer = true;
        app.window()->close();
        QCOMPARE(asked, 2);
        QVERIFY(waitForPhase(*server, AdminBackend::Phase::Stopped));
    }

    // Quit finishes the request in flight (a slow TMDB), then the server stops.
    void quitFinishesTheRequestInFlight()
    {
        FakeTmdb tmdb(QStringLiteral(MARQUEE_TMDB_SPEC));
        QVERIFY2(tmdb.start(), notStarted("fake TMDB", tmdb.errorString()));
        tmdb.setDelay(400);
        Logger log;
        Config c = freshConfig();
        c.tmdbApiKey = FakeTmdb::defaultApiKey();
        c.tmdbBaseUrl = tmdb.baseUrl();
        const auto server = startServer(c, log);
        QVERIFY(server);
        UiApp app(*server, options(c));
        app.show();
        std::atomic<int> status {0};
        const quint16 port = server->state().port;
        std::unique_ptr<QThread> client(QThread::create([port, &status] {
            HttpClient h(port);
            if (h.connectToServer())
                status = h.get("/api/movies/popular").status;
        }));
        client->start();
        QSignalSpy received(&tmdb, &FakeTmdb::requestReceived);
        QVERIFY(received.wait(5000));
        app.quit();
        QTRY_COMPARE(server->phase(), AdminBackend::Phase::Stopping);
        QVERIFY(waitForPhase(*server, AdminBackend::Phase::Stopped));
        client->wait();
        QCOMPARE(status.load(), 200);
    }

    // The real executable with its window (offscreen): SIGTERM while a request waits for a slow
    // TMDB answers that request, then exits 0. The window's libraries are loaded; a headless
    // server's process has none of them.
    void sigtermWithTheWindowOpen()
    {
        FakeTmdb tmdb(QStringLiteral(MARQUEE_TMDB_SPEC));
        QVERIFY2(tmdb.start(), notStarted("fake TMDB", tmdb.errorString()));
        tmdb.setDelay(400);
        const QString home = freshHome();
        QProcessEnvironment env = MarqueeProcess::cleanEnvironment(home);
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("PORT"), QStringLiteral("0"));
        env.insert(QStringLiteral("TMDB_API_KEY"), FakeTmdb::defaultApiKey());
        env.insert(QStringLiteral("TMDB_BASE_URL"), tmdb.baseUrl());
        MarqueeProcess windowed;
        windowed.setWindowed(true);
        QVERIFY2(windowed.start(env, home), qPrintable(windowed.errorString()));
        const QString maps = QStringLiteral("/proc/%1/maps").arg(windowed.process().processId());
        const auto mapped = [](const QString &path) {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
        };
        QVERIFY(mapped(maps).contains(QStringLiteral("libQt6Widgets")));
        QVERIFY(mapped(maps).contains(QStringLiteral("libmarquee-ui.so")));

        std::atomic<int> status {0};
        const quint16 port = windowed.port();
        std::unique_ptr<QThread> client(QThread::create([port, &status] {
            HttpClient h(port);
            if (h.connectToServer())
                status = h.get("/api/movies/popular").status;
        }));
        client->start();
        QSignalSpy received(&tmdb, &FakeTmdb::requestReceived);
        QVERIFY(received.wait(5000));
        // SIGTERM, then this thread's event loop runs (the fake TMDB lives on it) until the exit.
        ::kill(pid_t(windowed.process().processId()), SIGTERM);
        QTRY_VERIFY_WITH_TIMEOUT(windowed.process().state() == QProcess::NotRunning, 15000);
        client->wait();
        QCOMPARE(status.load(), 200);
        QCOMPARE(windowed.process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(windowed.process().exitCode(), 0);

        MarqueeProcess headless; // --headless, although QT_QPA_PLATFORM is set
        QVERIFY2(headless.start(env, home), qPrintable(headless.errorString()));
        const QString headlessMaps
            = mapped(QStringLiteral("/proc/%1/maps").arg(headless.process().processId()));
        QVERIFY(headlessMaps.contains(QStringLiteral("libQt6Core")));
        QVERIFY(!headlessMaps.contains(QStringLiteral("libQt6Gui")));
        QVERIFY(!headlessMaps.contains(QStringLiteral("libQt6Widgets")));
        QVERIFY(headless.terminate());
        QCOMPARE(headless.process().exitCode(), 0);
    }

    // A DISPLAY nobody answers at (left behind by ssh or sudo) does not stop the server: it says
    // so and runs headless.
    void staleDisplayRunsHeadless()
    {
        const QString home = freshHome();
        const QProcessEnvironment env = x11Environment(home, QStringLiteral(":4242"));
        MarqueeProcess server;
        server.setWindowed(true);
        QVERIFY2(server.start(env, home), qPrintable(server.errorString()));
        QVERIFY2(server.standardError().contains(QStringLiteral("running headless: no display")),
            qPrintable(server.standardError()));
        HttpClient h(server.port());
        QVERIFY(h.connectToServer());
        QCOMPARE(h.get("/health").status, 200);
        QVERIFY(server.terminate());
        QCOMPARE(server.process().exitCode(), 0);
    }

    // An X server that is there but refuses us (sudo, su, a reused ssh display): headless too,
    // not Qt's abort.
    void refusingDisplayRunsHeadless()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("Xvfb")).isEmpty()
            || QStandardPaths::findExecutable(QStringLiteral("xauth")).isEmpty())
            QSKIP("Xvfb or xauth is not installed (scripts/setup.sh test installs them)");
        const int display = 480 + QCoreApplication::applicationPid() % 300;
        // The server wants a cookie; the client will have none.
        const QString authFile = m_dir.filePath(QStringLiteral("xauth-%1").arg(display));
        QCOMPARE(QProcess::execute(QStringLiteral("xauth"),
                     {QStringLiteral("-q"), QStringLiteral("-f"), authFile, QStringLiteral("add"),
                         QStringLiteral(":%1").arg(display), QStringLiteral("."),
                         QString::fromLatin1(QByteArray(16, '\x5a').toHex())}),
            0);
        QProcess x;
        QVERIFY(startXvfb(x, display, {QStringLiteral("-auth"), authFile}));
        const QString home = freshHome();
        QProcessEnvironment env = x11Environment(home, QStringLiteral(":%1").arg(display));
        env.insert(QStringLiteral("XAUTHORITY"), m_dir.filePath(QStringLiteral("no-such-file")));
        MarqueeProcess server;
        server.setWindowed(true);
        const bool started = server.start(env, home);
        x.kill();
        x.waitForFinished();
        QVERIFY2(started, qPrintable(server.errorString()));
        QVERIFY2(server.standardError().contains(QStringLiteral("running headless: no display")),
            qPrintable(server.standardError()));
        QVERIFY(server.terminate());
        QCOMPARE(server.process().exitCode(), 0);
    }

    // The X server goes away under an open window (a logout, a closed ssh -X): Qt's X11 platform
    // exits the process, and the server stops gracefully on the way out (no crash). Three times:
    // the crash this guards against came in a fraction of the runs.
    void xServerGoneStopsTheServer()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("Xvfb")).isEmpty())
            QSKIP("Xvfb is not installed (scripts/setup.sh test installs it)");
        for (int run = 0; run < 3; ++run) {
            const int display = 170 + (QCoreApplication::applicationPid() + run) % 300;
            QProcess x;
            QVERIFY(startXvfb(x, display));
            const QString home = freshHome();
            const QProcessEnvironment env
                = x11Environment(home, QStringLiteral(":%1").arg(display));
            MarqueeProcess server;
            server.setWindowed(true);
            QVERIFY2(server.start(env, home), qPrintable(server.errorString()));
            QVERIFY2(!server.standardError().contains(QStringLiteral("running headless")),
                qPrintable(server.standardError()));
            // Traffic while the display goes.
            std::atomic<bool> stop {false};
            const quint16 port = server.port();
            std::unique_ptr<QThread> client(QThread::create([port, &stop] {
                while (!stop) {
                    HttpClient h(port);
                    if (!h.connectToServer(200) || h.get("/health").status == 0)
                        break;
                }
            }));
            client->start();
            QTest::qWait(300);
            x.kill();
            x.waitForFinished();
            QTRY_VERIFY_WITH_TIMEOUT(server.process().state() == QProcess::NotRunning, 20000);
            stop = true;
            client->wait();
            QCOMPARE(server.process().exitStatus(), QProcess::NormalExit);
            QVERIFY2(server.standardError().contains(QStringLiteral("marquee.app stopped")),
                qPrintable(server.standardError().right(2000)));
        }
    }

    // Every page at 1280x800, in English and German, as PNG files; the German ones are German.
    // The dialog the desktop app shows instead of starting a second server beside a running
    // one: what answers, where, and (for the system service) how to manage it. Rendered to PNG
    // next to the other screenshots.
    void alreadyRunningDialog()
    {
        const QString dir = screenshotDir();
        for (const QString &language : {QStringLiteral("en"), QStringLiteral("de")}) {
            installTranslations(language);
            QDir().mkpath(dir + QLatin1Char('/') + language);
            for (const bool service : {true, false}) {
                const RunningServer running {
                    QStringLiteral("http://127.0.0.1:3000"), QStringLiteral("0.1.0"), service};
                const std::unique_ptr<QMessageBox> box(makeAlreadyRunningBox(running));
                QVERIFY(box->text().contains(QLatin1String("0.1.0")));
                QVERIFY(box->text().contains(QLatin1String("http://127.0.0.1:3000")));
                QCOMPARE(box->textFormat(), Qt::PlainText);
                QCOMPARE(box->informativeText().contains(QLatin1String("systemctl")), service);
                if (language == QLatin1String("de"))
                    QCOMPARE(box->windowTitle(), QStringLiteral("Marquee läuft bereits"));
                box->show();
                QVERIFY(QTest::qWaitForWindowExposed(box.get()));
                const QString file
                    = QStringLiteral("%1/%2/already-running-%3.png")
                          .arg(dir, language,
                              service ? QStringLiteral("service") : QStringLiteral("other"));
                QVERIFY2(box->grab().toImage().save(file), qPrintable(file));
                qInfo().noquote() << "screenshot:" << file;
            }
            // Without a version (a server that did not say), the sentence still reads.
            const std::unique_ptr<QMessageBox> box(makeAlreadyRunningBox(
                RunningServer {QStringLiteral("http://[::1]:3000"), {}, false}));
            QVERIFY(box->text().contains(QLatin1String("http://[::1]:3000")));
            QVERIFY(!box->text().contains(QLatin1String("%")));
        }
        installTranslations(QStringLiteral("en"));
    }

    void screenshots()
    {
        Logger log;
        const LogInstallation installed(log);
        const Config c = freshConfig();
        const auto server = startServer(c, log);
        QVERIFY(server);
        const quint16 port = server->state().port;
        // Some traffic for the chart and the cache table, spread over a few seconds.
        // MARQUEE_SCREENSHOT_TRAFFIC_SECONDS: traffic for longer, for a fuller chart (the README's
        // picture was taken with 120).
        const int extraSeconds = qEnvironmentVariableIntValue("MARQUEE_SCREENSHOT_TRAFFIC_SECONDS");
        QElapsedTimer traffic;
        traffic.start();
        for (int round = 0; round < 8 || traffic.elapsed() < extraSeconds * 1000; ++round) {
            getAll(port,
                {"/health", "/api/movies/popular", "/api/movies/popular", "/api/movies/trending",
                    "/api/tv/popular", "/api/movies/genres", "/api/movies/search?query=the"});
            qWarning("a warning line, for the log page");
            QTest::qWait(round < 8 ? round * 150 : 100 + (round * 37) % 400);
        }
        const QString dir = screenshotDir();
        for (const QString &language : {QStringLiteral("en"), QStringLiteral("de")}) {
            installTranslations(language);
            QDir().mkpath(dir + QLatin1Char('/') + language);
            AdminWindow window(*server, options(c));
            window.resize(1280, 800);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            if (language == QLatin1String("de")) {
                QCOMPARE(AdminWindow::pageTitle(AdminWindow::Users), QStringLiteral("Benutzer"));
                QVERIFY(window.dashboard()->tileText(QStringLiteral("tmdb"))
                    != QLatin1String("Demo catalogue"));
            }
            for (int p = 0; p < AdminWindow::PageCount; ++p) {
                window.showPage(AdminWindow::Page(p));
                if (p == AdminWindow::Users)
                    QTRY_VERIFY_WITH_TIMEOUT(window.users()->model()->rowCount() > 0, 5000);
                QTest::qWait(600); // a snapshot or two, the log poll
                const QImage shot = window.grab().toImage();
                QCOMPARE(shot.size(), QSize(1280, 800) * window.devicePixelRatio());
                static const char *const names[]
                    = {"dashboard", "cache", "users", "logs", "settings"};
                const QString file = QStringLiteral("%1/%2/%3-%4.png")
                                         .arg(dir, language)
                                         .arg(p + 1)
                                         .arg(QLatin1String(names[p]));
                QVERIFY2(shot.save(file), qPrintable(file));
                qInfo().noquote() << "screenshot:" << file;
            }
            // The tray icon's states, for the record.
            QImage tray(3 * 64, 64, QImage::Format_ARGB32_Premultiplied);
            tray.fill(Qt::transparent);
            {
                QPainter painter(&tray);
                int x = 0;
                for (auto s : {TrayIcon::State::Serving, TrayIcon::State::Degraded,
                         TrayIcon::State::Stopping}) {
                    painter.drawPixmap(x, 0, TrayIcon::iconFor(s).pixmap(64, 64));
                    x += 64;
                }
            }
            QVERIFY(tray.save(QStringLiteral("%1/%2/tray-states.png").arg(dir, language)));
        }
        installTranslations(QStringLiteral("en"));
    }
};

QTEST_MAIN(TestAdminWindow)
#include "tst_adminwindow.moc"
