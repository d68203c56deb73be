// The image cache end to end (docs/api.md, "Image cache"): the real server on a real socket in
// front of a fake TMDB image host. Hits and misses, single flight, eviction at the cap, ETag and
// 304, HEAD, bad names, offline answers, proxied *_url fields, and a kill -9 of the real
// `marquee` process in the middle of a download.
#include "api/listscontroller.h"
#include "http/jsonwriter.h"
#include "store/liststore.h"
#include "support/check.h"
#include "support/fakehttpserver.h"
#include "support/marqueeprocess.h"
#include "support/testserver.h"
#include "tmdb/catalogueservice.h"
#include "tmdb/imagecache.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace marquee;
using namespace marquee::test;

namespace {

QByteArray imageBytes(char fill, int size)
{
    QByteArray b(size, fill);
    b.replace(0, 4, "\xFF\xD8\xFF\xE0"); // a JPEG's first bytes
    return b;
}

// A request sent without waiting: its answer is read later (several in flight at once).
struct AsyncGet
{
    std::unique_ptr<QTcpSocket> socket = std::make_unique<QTcpSocket>();
    QByteArray received;

    AsyncGet(quint16 port, const QByteArray &path)
    {
        socket->connectToHost(QHostAddress::LocalHost, port);
        socket->write("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        QObject::connect(socket.get(), &QTcpSocket::readyRead, socket.get(),
            [this] { received += socket->readAll(); });
    }
    bool done() const { return socket->state() == QAbstractSocket::UnconnectedState; }
    int status() const { return received.mid(9, 3).toInt(); }
};

} // namespace

class TestImages : public QObject
{
    Q_OBJECT

    std::unique_ptr<FakeHttpServer> m_host;
    std::unique_ptr<TestServer> m_ts;
    QHash<QString, QByteArray> m_files; // "/t/p/w500/a.jpg" -> bytes
    QHash<QString, int> m_requests; // upstream requests per path

    void start(const std::function<void(Config &)> &tweak = {})
    {
        m_ts.reset();
        m_host = std::make_unique<FakeHttpServer>();
        m_host->setContentType("image/jpeg");
        m_host->setObserver([this](const FakeHttpServer::Request &r) { ++m_requests[r.path]; });
        m_host->setHandler(
            [this](const FakeHttpServer::Request &r, const FakeHttpServer::Responder &out) {
                const auto it = m_files.constFind(r.path);
                out.send(it == m_files.constEnd() ? FakeHttpServer::Reply {404, "no", {}}
                                                  : FakeHttpServer::Reply {200, *it, {}});
            });
        QVERIFY2(m_host->start(), notStarted("fake image host", m_host->errorString()));
        m_ts = std::make_unique<TestServer>();
        m_ts->config.tmdbImageBaseUrl
            = QStringLiteral("http://127.0.0.1:%1/t/p").arg(m_host->port());
        if (tweak)
            tweak(m_ts->config);
        QVERIFY2(m_ts->start(), notStarted("server", m_ts->startError()));
    }

    QString cached(const QString &size, const QString &file) const
    {
        return m_ts->config.imageCacheDir + QLatin1Char('/') + size + QLatin1Char('/') + file;
    }

private slots:
    void init()
    {
        m_files.clear();
        m_requests.clear();
    }
    void cleanup()
    {
        m_ts.reset();
        m_host.reset();
    }

    void missThenHit()
    {
        m_files.insert("/t/p/w500/abc.jpg", imageBytes('a', 5000));
        start();
        const HttpReply first = m_ts->get("/api/images/w500/abc.jpg");
        QCOMPARE(first.status, 200);
        QCOMPARE(first.body, m_files.value("/t/p/w500/abc.jpg"));
        QCOMPARE(first.header("Content-Type"), QByteArray("image/jpeg"));
        QCOMPARE(first.header("Cache-Control"), QByteArray("public, max-age=31536000, immutable"));
        QVERIFY(!first.header("ETag").isEmpty());
        QVERIFY(QFile::exists(cached("w500", "abc.jpg")));

        const HttpReply second = m_ts->get("/api/images/w500/abc.jpg");
        QCOMPARE(second.status, 200);
        QCOMPARE(second.body, first.body);
        QCOMPARE(second.header("ETag"), first.header("ETag"));
        QCOMPARE(m_requests.value("/t/p/w500/abc.jpg"), 1);

        const ImageCache::Stats s = m_ts->server().imageCache()->stats();
        QCOMPARE(s.files, 1);
        QCOMPARE(s.bytes, 5000);
        QCOMPARE(s.hits, quint64(1));
        QCOMPARE(s.misses, quint64(1));

        // 304 for the ETag, HEAD with the GET's length and no body.
        const HttpReply notModified
            = m_ts->get("/api/images/w500/abc.jpg", {{"If-None-Match", first.header("ETag")}});
        QCOMPARE(notModified.status, 304);
        QVERIFY(notModified.body.isEmpty());
        QCOMPARE(notModified.header("ETag"), first.header("ETag"));
        const HttpReply other = m_ts->get("/api/images/w500/abc.jpg", {{"If-None-Match", "\"x\""}});
        QCOMPARE(other.status, 200);
        const HttpReply head = m_ts->request("HEAD", "/api/images/w500/abc.jpg");
        QCOMPARE(head.status, 200);
        QCOMPARE(head.header("Content-Length"), QByteArray("5000"));
        QCOMPARE(head.header("Content-Type"), QByteArray("image/jpeg"));
        QVERIFY(head.body.isEmpty());

        // PNG and SVG types; upstream 404 is ours.
        m_files.insert("/t/p/original/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>");
        QCOMPARE(m_ts->get("/api/images/original/logo.svg").header("Content-Type"),
            QByteArray("image/svg+xml"));
        QCOMPARE(m_ts->get("/api/images/w500/missing.png").status, 404);
    }

    // A home page is a hundred posters: a file on disk costs nothing and is not counted against
    // the general tier; a download (or a refused name) is, and answers 429 once it is used up.
    void onlyDownloadsCountAgainstTheRateLimit()
    {
        for (int i = 0; i < 5; ++i)
            m_files.insert(
                QStringLiteral("/t/p/w92/p%1.jpg").arg(i).toLatin1(), imageBytes('r', 100));
        start([](Config &c) { c.rateLimitGeneral = 3; });
        QCOMPARE(m_ts->get("/api/images/w92/p0.jpg").status, 200); // 1 of 3
        for (int i = 0; i < 20; ++i) {
            const HttpReply hit = m_ts->get("/api/images/w92/p0.jpg");
            QCOMPARE(hit.status, 200);
            QVERIFY(hit.header("RateLimit-Remaining").isEmpty()); // not counted
        }
        QCOMPARE(m_ts->get("/api/images/w92/p1.jpg").status, 200); // 2 of 3
        QCOMPARE(m_ts->get("/api/images/w92/p..jpg").status, 400); // 3 of 3: refusals count
        const HttpReply limited = m_ts->get("/api/images/w92/p2.jpg");
        QCOMPARE(limited.status, 429);
        QCOMPARE(m_requests.value("/t/p/w92/p2.jpg"), 0); // refused before any download
        QCOMPARE(m_ts->get("/api/images/w92/p1.jpg").status, 200); // what is on disk still is
    }

    void concurrentMissesShareOneDownload()
    {
        m_files.insert("/t/p/w342/same.jpg", imageBytes('s', 20000));
        start();
        m_host->setDelay(300);
        std::vector<std::unique_ptr<AsyncGet>> gets;
        for (int i = 0; i < 5; ++i)
            gets.push_back(std::make_unique<AsyncGet>(m_ts->port(), "/api/images/w342/same.jpg"));
        QTRY_VERIFY_WITH_TIMEOUT(
            std::all_of(gets.begin(), gets.end(), [](const auto &g) { return g->done(); }), 5000);
        for (const auto &g : gets) {
            QCOMPARE(g->status(), 200);
            QVERIFY(g->received.endsWith(m_files.value("/t/p/w342/same.jpg")));
        }
        QCOMPARE(m_requests.value("/t/p/w342/same.jpg"), 1);
    }

    // A large file is streamed from disk in pieces; the answers pipelined behind it wait for it.
    void largeFileStreamsInRequestOrder()
    {
        QByteArray big = imageBytes('L', 3 * 1024 * 1024 + 17);
        for (int i = 0; i < big.size(); i += 4096)
            big[i] = char(i / 4096);
        m_files.insert("/t/p/original/big.jpg", big);
        start();
        QCOMPARE(m_ts->get("/api/images/original/big.jpg").body, big); // the miss
        HttpClient client(m_ts->port());
        QVERIFY(client.connectToServer());
        const HttpReply first
            = client.sendRaw("GET /api/images/original/big.jpg HTTP/1.1\r\nHost: t\r\n\r\n"
                             "HEAD /api/images/original/big.jpg HTTP/1.1\r\nHost: t\r\n\r\n"
                             "GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
        QCOMPARE(first.status, 200);
        QCOMPARE(first.header("Content-Length"), QByteArray::number(big.size()));
        QVERIFY(first.body == big);
        const HttpReply head = client.readReply(true);
        QCOMPARE(head.status, 200);
        QCOMPARE(head.header("Content-Length"), QByteArray::number(big.size()));
        const HttpReply health = client.readReply();
        QCOMPARE(health.status, 200);
        QVERIFY(health.body.contains("\"success\":true"));
    }

    void evictsLeastRecentlyUsedAtTheCap()
    {
        for (const char *name : {"a", "b", "c"})
            m_files.insert(QStringLiteral("/t/p/w780/%1.jpg").arg(QLatin1String(name)),
                imageBytes(name[0], 400 * 1024));
        start([](Config &c) { c.imageCacheMb = 1; });
        QCOMPARE(m_ts->get("/api/images/w780/a.jpg").status, 200);
        QCOMPARE(m_ts->get("/api/images/w780/b.jpg").status, 200);
        QCOMPARE(m_ts->get("/api/images/w780/a.jpg").status, 200); // a is now the most recent
        QCOMPARE(m_ts->get("/api/images/w780/c.jpg").status, 200); // 1.2 MB > 1 MB: b goes
        QVERIFY(QFile::exists(cached("w780", "a.jpg")));
        QVERIFY(!QFile::exists(cached("w780", "b.jpg")));
        QVERIFY(QFile::exists(cached("w780", "c.jpg")));
        const ImageCache::Stats s = m_ts->server().imageCache()->stats();
        QCOMPARE(s.files, 2);
        QVERIFY(s.bytes <= 1024 * 1024);
        QCOMPARE(m_ts->get("/api/images/w780/b.jpg").status, 200); // fetched again
        QCOMPARE(m_requests.value("/t/p/w780/b.jpg"), 2);
    }

    // Files removed behind the server's back (`cache clear --images` while it runs) are fetched
    // again, not answered from nothing; an SVG never runs script on Marquee's origin.
    void removedFilesAreFetchedAgainAndSvgIsSandboxed()
    {
        m_files.insert("/t/p/w185/gone.jpg", imageBytes('g', 2000));
        m_files.insert("/t/p/original/logo.svg",
            "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>");
        start();
        QCOMPARE(m_ts->get("/api/images/w185/gone.jpg").status, 200);
        QVERIFY(QFile::remove(cached("w185", "gone.jpg")));
        const HttpReply again = m_ts->get("/api/images/w185/gone.jpg");
        QCOMPARE(again.status, 200);
        QCOMPARE(again.body, m_files.value("/t/p/w185/gone.jpg"));
        QCOMPARE(m_requests.value("/t/p/w185/gone.jpg"), 2);
        const HttpReply svg = m_ts->get("/api/images/original/logo.svg");
        QCOMPARE(svg.status, 200);
        QVERIFY2(svg.header("Content-Security-Policy").contains("sandbox"),
            svg.header("Content-Security-Policy").constData());
        QVERIFY(svg.header("Content-Security-Policy").contains("default-src 'none'"));
    }

    void badNamesAre400_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::newRow("dot dot") << QByteArray("/api/images/w500/..");
        QTest::newRow("dot dot file") << QByteArray("/api/images/w500/..%2F..%2Fetc%2Fpasswd");
        QTest::newRow("encoded slash") << QByteArray("/api/images/w500/a%2Fb.jpg");
        QTest::newRow("size dot dot") << QByteArray("/api/images/../abc.jpg");
        QTest::newRow("wrong extension") << QByteArray("/api/images/w500/abc.gif");
        QTest::newRow("line feed after the name") << QByteArray("/api/images/w500/abc.jpg%0A");
        QTest::newRow("line feed after the size") << QByteArray("/api/images/w500%0A/abc.jpg");
        QTest::newRow("no extension") << QByteArray("/api/images/w500/abc");
        QTest::newRow("unknown size") << QByteArray("/api/images/w501/abc.jpg");
        QTest::newRow("dot in name") << QByteArray("/api/images/w500/a.b.jpg");
        QTest::newRow("space") << QByteArray("/api/images/w500/a%20b.jpg");
        QTest::newRow("backslash") << QByteArray("/api/images/w500/..%5Cabc.jpg");
    }
    void badNamesAre400()
    {
        QFETCH(QByteArray, path);
        start();
        const HttpReply r = m_ts->get(path);
        QVERIFY2(r.status == 400, qPrintable(QString::number(r.status) + r.body));
        QCOMPARE(r.json().value("success").toBool(true), false);
        QCOMPARE(r.json().value("code").toString(), QStringLiteral("VALIDATION_ERROR"));
        QVERIFY(m_requests.isEmpty());
        QDir images(m_ts->config.imageCacheDir);
        QVERIFY(images.entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
    }

    void offline()
    {
        m_files.insert("/t/p/w185/kept.jpg", imageBytes('k', 3000));
        start([](Config &c) { c.tmdbTimeoutMs = 1000; });
        QCOMPARE(m_ts->get("/api/images/w185/kept.jpg").status, 200);

        // Unreachable host (connection refused): cached served, uncached 503 at once.
        m_host->stop();
        QCOMPARE(m_ts->get("/api/images/w185/kept.jpg").status, 200);
        QElapsedTimer timer;
        timer.start();
        const HttpReply refused = m_ts->get("/api/images/w185/other.jpg");
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.json().value("success").toBool(true), false);
        QVERIFY(timer.elapsed() < 1000);
    }

    // A 200 that is not an image (a captive portal's page) is not cached for a year.
    void nonImageAnswerIsNotCached()
    {
        m_files.insert("/t/p/w500/portal.jpg", "<html>sign in to the hotel wifi</html>");
        start();
        m_host->setContentType("text/html; charset=utf-8");
        QCOMPARE(m_ts->get("/api/images/w500/portal.jpg").status, 503);
        QVERIFY(!QFile::exists(cached("w500", "portal.jpg")));
        QCOMPARE(m_ts->server().imageCache()->stats().upstreamErrors, quint64(1));
    }

    void hangingHostAnswers503WithinTheTimeout()
    {
        start([](Config &c) { c.tmdbTimeoutMs = 1000; });
        m_host->setHang(true);
        QElapsedTimer timer;
        timer.start();
        const HttpReply r = m_ts->get("/api/images/w92/slow.jpg");
        QCOMPARE(r.status, 503);
        QVERIFY2(timer.elapsed() < 2500, qPrintable(QString::number(timer.elapsed())));
        QVERIFY(!QFile::exists(cached("w92", "slow.jpg")));
    }

    void proxiedUrls_data()
    {
        QTest::addColumn<bool>("proxy");
        QTest::addColumn<QString>("publicUrl");
        QTest::addColumn<QString>("prefix");
        QTest::newRow("off") << false << QString() << "https://image.tmdb.org/t/p/w500/";
        QTest::newRow("on, root-relative") << true << QString() << "/api/images/w500/";
        QTest::newRow("on, public URL") << true << "https://marquee.lan"
                                        << "https://marquee.lan/api/images/w500/";
    }
    void proxiedUrls()
    {
        QFETCH(bool, proxy);
        QFETCH(QString, publicUrl);
        QFETCH(QString, prefix);
        start([&](Config &c) {
            c.imageProxy = proxy;
            c.publicUrl = publicUrl;
        });
        // The demo catalogue (no TMDB key); the Host header is never used.
        const HttpReply r = m_ts->get("/api/movies/popular", {{"Host", "evil.example"}});
        QCOMPARE(r.status, 200);
        const QJsonArray results = r.json().value("data").toObject().value("results").toArray();
        QVERIFY(!results.isEmpty());
        const QString url = results.first().toObject().value("poster_url").toString();
        QVERIFY2(url.startsWith(prefix), qPrintable(url));
        QVERIFY(!r.body.contains("evil.example"));

        // List items: the lists controller writes with the catalogue's image URLs.
        ListItem item;
        item.tmdbId = 550;
        item.contentType = QStringLiteral("movie");
        item.title = QStringLiteral("Fight Club");
        item.posterPath = QStringLiteral("/poster.jpg");
        QByteArray json;
        JsonWriter w(&json);
        writeListItem(w, item, ListKind::Favorites, &m_ts->server().catalogue()->images());
        const QJsonObject written = QJsonDocument::fromJson(json).object();
        QCOMPARE(written.value("posterUrl").toString(), prefix + QStringLiteral("poster.jpg"));
    }

    // kill -9 of the real program while a download is half done; the restarted server fetches
    // the file again and never serves a torn one. A leftover temporary file is removed at start.
    void tornWriteNeverServed()
    {
        const QByteArray full = imageBytes('t', 200000);
        int connections = 0;
        bool sendHalf = true;
        QTcpServer raw;
        QVERIFY(raw.listen(QHostAddress::LocalHost));
        connect(&raw, &QTcpServer::newConnection, &raw, [&] {
            QTcpSocket *s = raw.nextPendingConnection();
            ++connections;
            connect(s, &QTcpSocket::readyRead, s, [&, s] {
                if (!s->readAll().contains("\r\n\r\n"))
                    return;
                s->write("HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: "
                    + QByteArray::number(full.size()) + "\r\n\r\n");
                s->write(sendHalf ? full.left(full.size() / 2) : full);
            });
        });

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString cacheDir = dir.path() + QStringLiteral("/images");
        const QProcessEnvironment env = MarqueeProcess::cleanEnvironment(dir.path(),
            {{QStringLiteral("PORT"), QStringLiteral("0")},
                {QStringLiteral("MARQUEE_IMAGE_CACHE_DIR"), cacheDir},
                {QStringLiteral("TMDB_IMAGE_BASE_URL"),
                    QStringLiteral("http://127.0.0.1:%1/t/p").arg(raw.serverPort())}});
        MarqueeProcess first;
        QVERIFY2(first.start(env, dir.path()), qPrintable(first.errorString()));
        {
            AsyncGet get(first.port(), "/api/images/w500/torn.jpg");
            QTRY_VERIFY_WITH_TIMEOUT(connections == 1, 5000);
            QTest::qWait(300); // half the file is in the server, the rest never comes
            QVERIFY(first.kill9());
        }
        QCOMPARE(first.process().exitStatus(), QProcess::CrashExit);
        QVERIFY(!QFile::exists(cacheDir + QStringLiteral("/w500/torn.jpg")));
        // What a write cut short would leave: a temporary name next to the file.
        QVERIFY(QDir().mkpath(cacheDir + QStringLiteral("/w500")));
        QFile leftover(cacheDir + QStringLiteral("/w500/torn.jpg.aB3xYz"));
        QVERIFY(leftover.open(QIODevice::WriteOnly));
        leftover.write(full.left(1000));
        leftover.close();

        sendHalf = false;
        MarqueeProcess second;
        QVERIFY2(second.start(env, dir.path()), qPrintable(second.errorString()));
        QVERIFY(!QFile::exists(leftover.fileName()));
        {
            HttpClient client(second.port());
            const HttpReply r = client.get("/api/images/w500/torn.jpg");
            QCOMPARE(r.status, 200);
            QCOMPARE(r.body, full);
        }
        QCOMPARE(connections, 2);
        QVERIFY(second.terminate());

        // The command line sees the file and clears it.
        const auto stats = MarqueeProcess::run({"cache", "stats"}, env, dir.path());
        QVERIFY2(stats.out.contains(
                     "images: 1 files, 200000 bytes, 0 hits, 1 misses, 0 upstream errors"),
            qPrintable(stats.out + stats.err));
        const auto clear = MarqueeProcess::run({"cache", "clear", "--images"}, env, dir.path());
        QCOMPARE(clear.exitCode, 0);
        QVERIFY(clear.out.contains("removed 1 cached images"));
        QVERIFY(!QFile::exists(cacheDir + QStringLiteral("/w500/torn.jpg")));
    }

    void statistics()
    {
        m_files.insert("/t/p/w500/s.jpg", imageBytes('s', 100));
        start();
        QCOMPARE(m_ts->get("/api/images/w500/s.jpg").status, 200);
        QCOMPARE(m_ts->get("/api/images/w500/s.jpg").status, 200);
        const ImageCache::Stats s = m_ts->server().imageCache()->stats();
        QCOMPARE(s.files, 1);
        QCOMPARE(s.hits, quint64(1));
        QCOMPARE(s.misses, quint64(1));
        // The counters outlive a restart (and `marquee cache stats` reads them).
        m_ts->stop();
        QVERIFY2(m_ts->start(), notStarted("server", m_ts->startError()));
        QCOMPARE(m_ts->get("/api/images/w500/s.jpg").status, 200);
        const ImageCache::Stats after = m_ts->server().imageCache()->stats();
        QCOMPARE(after.files, 1);
        QCOMPARE(after.hits, quint64(2));
        QCOMPARE(after.misses, quint64(1));
        QCOMPARE(m_requests.value("/t/p/w500/s.jpg"), 1);
    }
};

QTEST_GUILESS_MAIN(TestImages)
#include "tst_images.moc"
