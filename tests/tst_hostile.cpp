// Hostile clients against the real `marquee` binary over real sockets (docs/http.md): the guard
// and Qt's parser agree on every request or it is refused; memory and CPU per connection stay
// bounded; connections that stop reading or trickle a body are cut; answers keep their order.
#include "support/check.h"
#include "support/marqueeprocess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>

using namespace marquee::test;

namespace {

// A blocking POSIX socket: the test sends exactly the bytes it wants, as fast as the kernel
// takes them, from any thread, while the server runs in its own process.
class RawSocket
{
public:
    explicit RawSocket(quint16 port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a {};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
            ::close(m_fd);
            m_fd = -1;
        }
        setTimeout(10000);
    }
    ~RawSocket()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Q_DISABLE_COPY_MOVE(RawSocket)

    bool isOpen() const { return m_fd >= 0; }
    void setTimeout(int ms)
    {
        if (m_fd < 0)
            return;
        timeval tv {ms / 1000, (ms % 1000) * 1000};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    // False when the server closed or reset the connection (or the send timed out).
    bool send(const QByteArray &bytes)
    {
        qsizetype done = 0;
        while (done < bytes.size()) {
            const ssize_t n
                = ::send(m_fd, bytes.constData() + done, size_t(bytes.size() - done), MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            done += n;
        }
        return true;
    }
    // What arrives until `enough` says so, the peer closes, or nothing comes for the timeout.
    QByteArray receive(const std::function<bool(const QByteArray &)> &enough)
    {
        QByteArray all;
        char buf[65536];
        while (!enough(all)) {
            const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
            if (n <= 0) {
                m_closed = n == 0 || errno == ECONNRESET;
                break;
            }
            all.append(buf, n);
        }
        return all;
    }
    bool closedByPeer() const { return m_closed; }

private:
    int m_fd = -1;
    bool m_closed = false;
};

// The statuses of the complete answers in a byte stream, in order.
QList<int> statuses(const QByteArray &stream)
{
    QList<int> out;
    static const QRegularExpression status(QStringLiteral("HTTP/1\\.1 (\\d{3}) "));
    auto it = status.globalMatch(QString::fromLatin1(stream));
    while (it.hasNext())
        out << it.next().captured(1).toInt();
    return out;
}

// Peak resident memory of a process (VmHWM), in MiB.
qint64 peakRssMb(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    static const QRegularExpression hwm(QStringLiteral("VmHWM:\\s+(\\d+) kB"));
    const auto m = hwm.match(QString::fromLatin1(f.readAll()));
    return m.hasMatch() ? m.captured(1).toLongLong() / 1024 : -1;
}

} // namespace

class TestHostile : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;
    std::unique_ptr<MarqueeProcess> m_server;

    void startServer(const QHash<QString, QString> &vars = {})
    {
        m_server = std::make_unique<MarqueeProcess>();
        QHash<QString, QString> all {{"PORT", "0"}, {"LOG_LEVEL", "info"}};
        all.insert(vars);
        QVERIFY2(
            m_server->start(MarqueeProcess::cleanEnvironment(m_home.path(), all), m_home.path()),
            notStarted("marquee", m_server->errorString()));
    }
    quint16 port() const { return m_server->port(); }
    qint64 pid() const { return m_server->process().processId(); }

    void verifyHealthy()
    {
        RawSocket s(port());
        QVERIFY(s.isOpen());
        QVERIFY(s.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
        const QByteArray answer
            = s.receive([](const QByteArray &a) { return a.contains("\r\n\r\n{"); });
        QVERIFY2(answer.startsWith("HTTP/1.1 200 "), answer.left(200));
    }

    // The headers docs/api.md promises on every answer ("Headers on every answer"), on an error
    // answer that closes its connection. Call through CHECK().
    void verifyHeadersOfEveryAnswer(const QByteArray &answer)
    {
        const QByteArray head = answer.left(answer.indexOf("\r\n\r\n") + 2);
        static const QRegularExpression date(
            QStringLiteral("\r\nDate: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d\\d \\w{3} \\d{4} "
                           "\\d\\d:\\d\\d:\\d\\d GMT\r\n"));
        QVERIFY2(date.match(QString::fromLatin1(head)).hasMatch(), head);
        static const QRegularExpression requestId(
            QStringLiteral("\r\nX-Request-Id: [0-9a-f]{32}\r\n"));
        QVERIFY2(requestId.match(QString::fromLatin1(head)).hasMatch(), head);
        for (const char *header : {"\r\nContent-Type: application/json; charset=utf-8\r\n",
                 "\r\nX-Content-Type-Options: nosniff\r\n", "\r\nReferrer-Policy: no-referrer\r\n",
                 "\r\nCache-Control: no-store\r\n", "\r\nConnection: close\r\n"})
            QVERIFY2(head.contains(header), head);
        const qsizetype bodyAt = answer.indexOf("\r\n\r\n") + 4;
        QVERIFY2(head.contains(
                     "\r\nContent-Length: " + QByteArray::number(answer.size() - bodyAt) + "\r\n"),
            answer);
        QVERIFY2(answer.mid(bodyAt).startsWith("{\"success\":false,"), answer);
    }

private slots:
    void cleanup() { m_server.reset(); }

    // Each way past the body limit that a review found: the guard refuses the request before
    // Qt's parser sees it, and 300 MB streamed behind it never reach memory.
    void bodyLimitCannotBeBypassed_data()
    {
        QTest::addColumn<QByteArray>("head");
        const QByteArray post = "POST /api/webhooks/clerk HTTP/1.1\r\nHost: x\r\n"
                                "Content-Type: application/json\r\n";
        QTest::newRow("chunk-size overflow")
            << post + "Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n7fffffffffffffff\r\n";
        QTest::newRow("chunk size past the limit")
            << post + "Transfer-Encoding: chunked\r\n\r\n10001\r\n";
        QTest::newRow("two Transfer-Encodings")
            << post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n";
        QTest::newRow("Transfer-Encoding not chunked")
            << post + "Transfer-Encoding: gzip, chunked\r\n\r\n";
        QTest::newRow("a header name Qt drops")
            << post + "Bad Name: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        QTest::newRow("space before the colon") << post + "Transfer-Encoding : chunked\r\n\r\n";
        QTest::newRow("a line without a colon")
            << post + "Transfer-Encoding: chunked\r\nnot a header\r\n\r\n";
        QTest::newRow("malformed chunk size") << post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n";
        QTest::newRow("Content-Length not a number") << post + "Content-Length: +5\r\n\r\n";
    }
    void bodyLimitCannotBeBypassed()
    {
        QFETCH(QByteArray, head);
        CHECK(startServer());
        {
            // The head alone: a 400 (or 413), and the connection closes.
            RawSocket s(port());
            QVERIFY(s.send(head));
            const QByteArray answer = s.receive([](const QByteArray &) { return false; });
            const QList<int> got = statuses(answer);
            QVERIFY2(
                got.size() == 1 && (got.first() == 400 || got.first() == 413), answer.left(300));
            QVERIFY(s.closedByPeer());
        }
        {
            // The head, then 300 MB: sending stops when the server cuts the connection.
            RawSocket s(port());
            QVERIFY(s.send(head));
            const QByteArray mb(1024 * 1024, 'x');
            int sent = 0;
            while (sent < 300 && s.send(mb))
                ++sent;
            qInfo("%s: %d MB accepted by the kernel before the server cut the connection",
                QTest::currentDataTag(), sent);
        }
        const qint64 rss = peakRssMb(pid());
        qInfo("peak RSS %lld MB", rss);
        QVERIFY2(rss > 0 && rss < 100, qPrintable(QStringLiteral("peak RSS %1 MB").arg(rss)));
        CHECK(verifyHealthy());
    }

    // 8,000 pipelined requests: each byte is scanned once, every request answered, in order.
    void pipelinedRequestsAreAnsweredInOrder()
    {
        CHECK(startServer());
        constexpr int count = 8000;
        QByteArray requests;
        for (int i = 0; i < count; ++i)
            requests += "GET /health HTTP/1.1\r\nHost: x\r\nX-Request-Id: p" + QByteArray::number(i)
                + "\r\n\r\n";
        RawSocket s(port());
        QVERIFY(s.isOpen());
        s.setTimeout(60000);
        QElapsedTimer timer;
        timer.start();
        // Sent from a thread: the server stops reading while this side has not read its
        // answers, so one thread doing both could wait on itself.
        std::atomic<bool> sent {false};
        std::thread sender([&] { sent = s.send(requests); });
        int answered = 0;
        bool inOrder = true;
        int seen = 0;
        qsizetype from = 0;
        const QByteArrayView marker("X-Request-Id: p");
        const QByteArray all = s.receive([&](const QByteArray &a) {
            // Count answers as they come, searching only the new bytes (a marker cut by a recv
            // boundary is found on the next call); stop after the last one's body.
            for (qsizetype at = a.indexOf(marker, from); at >= 0;
                 at = a.indexOf(marker, at + marker.size()))
                ++seen;
            from = qMax(from, a.size() - marker.size() + 1);
            return seen >= count && a.endsWith("}");
        });
        sender.join();
        const qint64 ms = timer.elapsed();
        QVERIFY(sent);
        static const QRegularExpression rid(QStringLiteral("X-Request-Id: p(\\d+)\\r\\n"));
        auto it = rid.globalMatch(QString::fromLatin1(all));
        while (it.hasNext()) {
            if (it.next().captured(1).toInt() != answered)
                inOrder = false;
            ++answered;
        }
        qInfo("%d pipelined requests answered in %lld ms", answered, ms);
        QCOMPARE(answered, count);
        QVERIFY(inOrder);
        QCOMPARE(statuses(all).count(200), count);
    }

    // Pipelined requests of any valid size are answered in order (a header block of 15 KB in
    // fields under Qt's 8 KB field limit).
    void largePipelinedRequestsAreAnswered()
    {
        CHECK(startServer());
        const QByteArray one = "GET /health HTTP/1.1\r\nHost: x\r\nX-Pad-A: "
            + QByteArray(7500, 'a') + "\r\nX-Pad-B: " + QByteArray(7500, 'b') + "\r\n\r\n";
        RawSocket s(port());
        QVERIFY(s.send(one.repeated(10)));
        const QByteArray all
            = s.receive([](const QByteArray &a) { return statuses(a).size() == 10; });
        QCOMPARE(statuses(all), QList<int>(10, 200));
        QVERIFY(!s.closedByPeer());
    }

    // A client that never reads its answers is cut off after the write deadline (the idle
    // time), so a few of them cannot hold every connection slot.
    void nonReadingClientsAreCutOff()
    {
        CHECK(startServer({{"MARQUEE_IDLE_TIMEOUT", "1s"}, {"MARQUEE_MAX_CONNECTIONS", "5"}}));
        std::vector<std::unique_ptr<RawSocket>> stuck;
        const QByteArray big = QByteArray("GET /api/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n")
                                   .repeated(200); // about 40 MB of answers each
        for (int i = 0; i < 5; ++i) {
            stuck.push_back(std::make_unique<RawSocket>(port()));
            QVERIFY(stuck.back()->isOpen());
            stuck.back()->setTimeout(500);
            stuck.back()->send(big); // may stop part way: the server stops reading it
        }
        // Within a few deadlines a newcomer is served again.
        QElapsedTimer timer;
        timer.start();
        bool served = false;
        while (!served && timer.elapsed() < 15000) {
            RawSocket s(port());
            s.setTimeout(2000);
            if (s.isOpen() && s.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")) {
                const QByteArray a
                    = s.receive([](const QByteArray &b) { return b.contains("\r\n\r\n{"); });
                served = a.startsWith("HTTP/1.1 200 ");
            }
            if (!served)
                QTest::qWait(250);
        }
        qInfo("a new client was served after %lld ms", timer.elapsed());
        QVERIFY2(served, "the non-reading clients still hold every connection");
    }

    // A body trickled a byte at a time is cut when the whole request has not arrived within the
    // idle time: activity alone does not keep it open.
    void slowBodyIsCut()
    {
        CHECK(startServer({{"MARQUEE_IDLE_TIMEOUT", "1s"}}));
        RawSocket s(port());
        QVERIFY(s.send("POST /api/webhooks/clerk HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"));
        QElapsedTimer timer;
        timer.start();
        int sent = 0;
        while (sent < 1000 && timer.elapsed() < 10000 && s.send("x")) {
            ++sent;
            QTest::qWait(100);
        }
        qInfo("cut after %d bytes, %lld ms", sent, timer.elapsed());
        QVERIFY2(sent < 1000, "the whole slow body was accepted");
        QVERIFY(timer.elapsed() < 5000);
        CHECK(verifyHealthy());
    }

    // White space between requests is skipped, as Qt's parser does, but it starts the request's
    // deadline: a trickle of CRLFs cannot hold a connection slot forever.
    void whitespaceTrickleIsCut()
    {
        CHECK(startServer({{"MARQUEE_IDLE_TIMEOUT", "1s"}}));
        RawSocket s(port());
        QElapsedTimer timer;
        timer.start();
        bool open = true;
        while (open && timer.elapsed() < 8000) {
            open = s.send("\r\n");
            QTest::qWait(200);
        }
        qInfo("cut after %lld ms", timer.elapsed());
        QVERIFY2(!open, "a CRLF trickle kept the connection for 8 s");
    }

    // Qt's parser reads a chunked body's last CR alone and then takes the LF and the next byte
    // as the CRLF: the guard refuses that split instead of letting the next request lose a byte.
    void splitFinalCrlfOfAChunkedBodyIsRefused()
    {
        CHECK(startServer());
        RawSocket s(port());
        QVERIFY(s.send("POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "0\r\n\r"));
        QTest::qWait(300);
        s.send("\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        const QByteArray a = s.receive([](const QByteArray &) { return false; });
        QCOMPARE(statuses(a), QList<int> {400});
        QVERIFY(!m_server->standardError().contains(QLatin1String("OTHER /health")));
    }

    // A chunked body's framing counts: 20,000 one-byte chunks (20 KB of data, 120 KB on the
    // wire) are refused with 413 instead of filling the socket's buffer and stalling.
    void tinyChunksAreRefusedNotStalled()
    {
        CHECK(startServer());
        RawSocket s(port());
        QByteArray body;
        for (int i = 0; i < 20000; ++i)
            body += "1\r\nx\r\n";
        s.send("POST /api/webhooks/clerk HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Transfer-Encoding: chunked\r\n\r\n"
            + body + "0\r\n\r\n");
        const QByteArray a = s.receive([](const QByteArray &b) { return b.contains("\r\n\r\n{"); });
        QCOMPARE(statuses(a), QList<int> {413});
    }

    // Nothing after a request that closes the connection is processed (RFC 9112 section 9.6),
    // and an HTTP/1.0 request without keep-alive closes it too.
    void nothingIsProcessedAfterAClosingRequest()
    {
        CHECK(startServer());
        {
            RawSocket s(port());
            QVERIFY(s.send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                           "GET /after-close HTTP/1.1\r\nHost: x\r\n\r\n"));
            const QByteArray a = s.receive([](const QByteArray &) { return false; });
            QCOMPARE(statuses(a), QList<int> {200});
            QVERIFY(s.closedByPeer());
        }
        {
            RawSocket s(port());
            QVERIFY(s.send("GET /health HTTP/1.0\r\n\r\nGET /after-http10 HTTP/1.0\r\n\r\n"));
            const QByteArray a = s.receive([](const QByteArray &) { return false; });
            QCOMPARE(statuses(a), QList<int> {200});
            QVERIFY(a.contains("\r\nConnection: close\r\n"));
            QVERIFY(s.closedByPeer());
        }
        {
            // HTTP/1.0 with keep-alive stays open; 100 Continue is never sent to HTTP/1.0.
            RawSocket s(port());
            QVERIFY(s.send("POST /api/webhooks/clerk HTTP/1.0\r\nConnection: keep-alive\r\n"
                           "Content-Type: application/json\r\nContent-Length: 2\r\n"
                           "Expect: 100-continue\r\n\r\n{}"));
            const QByteArray a
                = s.receive([](const QByteArray &b) { return b.contains("\r\n\r\n{"); });
            QVERIFY2(!a.contains("100 Continue"), a.left(200));
            QVERIFY(!s.closedByPeer());
        }
        CHECK(verifyHealthy());
        QTRY_VERIFY_WITH_TIMEOUT(
            m_server->standardError().count(QLatin1String("GET /health")) >= 3, 5000);
        const QString log = m_server->standardError();
        QVERIFY2(!log.contains(QLatin1String("/after-close")), qPrintable(log.right(1500)));
        QVERIFY2(!log.contains(QLatin1String("/after-http10")), qPrintable(log.right(1500)));
    }

    // A refusal from the guard carries the CORS headers the pipeline would have added, or the
    // web app could not read it.
    void refusalsCarryCorsHeaders()
    {
        CHECK(startServer());
        RawSocket s(port());
        QVERIFY(
            s.send("POST /api/watchlist HTTP/1.1\r\nHost: x\r\nOrigin: http://localhost:5173\r\n"
                   "Content-Type: application/json\r\nContent-Length: 70000\r\n\r\n"));
        const QByteArray a = s.receive([](const QByteArray &) { return false; });
        QCOMPARE(statuses(a), QList<int> {413});
        QVERIFY2(a.contains("\r\nAccess-Control-Allow-Origin: http://localhost:5173\r\n"), a);
        QVERIFY2(a.contains("\r\nVary: Origin\r\n"), a);
    }

    // Every answer leaves through one response path: the guard's refusals (400, 413, 431) and
    // its over-capacity 503, made before a request reaches the router, carry the headers of
    // every answer too.
    void guardAnswersCarryTheHeadersOfEveryAnswer()
    {
        CHECK(startServer({{"MARQUEE_MAX_CONNECTIONS", "2"}}));
        const QList<std::pair<int, QByteArray>> refused {
            {400, "GE\x01T /health HTTP/1.1\r\nHost: x\r\n\r\n"},
            {413, "POST /api/watchlist HTTP/1.1\r\nHost: x\r\nContent-Length: 70000\r\n\r\n"},
            {431,
                "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(20000, 'a') + "\r\n\r\n"},
        };
        for (const auto &[status, request] : refused) {
            RawSocket s(port());
            QVERIFY(s.isOpen());
            s.send(request); // the server may stop reading part way
            const QByteArray a = s.receive([](const QByteArray &) { return false; });
            QCOMPARE(statuses(a), QList<int> {status});
            CHECK(verifyHeadersOfEveryAnswer(a));
        }

        // Connections are held open until one over the cap is refused with 503.
        const auto whole = [](const QByteArray &b) {
            const qsizetype end = b.indexOf("\r\n\r\n");
            static const QRegularExpression length(
                QStringLiteral("\r\nContent-Length: (\\d+)\r\n"));
            const auto m = length.match(QString::fromLatin1(b.left(end + 2)));
            return end >= 0 && m.hasMatch() && b.size() >= end + 4 + m.captured(1).toLongLong();
        };
        std::vector<std::unique_ptr<RawSocket>> held;
        QByteArray overCapacity;
        for (int i = 0; i < 10 && overCapacity.isEmpty(); ++i) {
            auto s = std::make_unique<RawSocket>(port());
            QVERIFY(s->isOpen());
            s->setTimeout(500);
            QByteArray a = s->receive(whole); // over the cap: the 503 comes unasked
            if (a.isEmpty()) {
                s->setTimeout(10000);
                QVERIFY(s->send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
                a = s->receive(whole);
                QCOMPARE(statuses(a), QList<int> {200});
            }
            if (statuses(a) == QList<int> {503})
                overCapacity = a;
            else
                held.push_back(std::move(s));
        }
        QVERIFY2(!overCapacity.isEmpty(), "no connection over the cap was refused");
        CHECK(verifyHeadersOfEveryAnswer(overCapacity));
        QVERIFY2(overCapacity.contains("\r\nRetry-After: 1\r\n"), overCapacity);
    }

    // A request line built to forge a log line is refused and logged as one line whose method
    // is OTHER; no control character reaches the log.
    void forgedMethodNeverForgesALogLine()
    {
        CHECK(startServer());
        const QByteArray forged = "GE\rT\x1b[31m 2026-01-01T00:00:00Z INFO marquee.access FORGED";
        for (const QByteArray &line : {forged + " / HTTP/1.1\r\nHost: x\r\n\r\n",
                 QByteArray("\x01\xff\x7f / HTTP/1.1\r\n\r\n")}) {
            RawSocket s(port());
            QVERIFY(s.send(line));
            const QByteArray a = s.receive([](const QByteArray &) { return false; });
            QCOMPARE(statuses(a), QList<int> {400});
        }
        CHECK(verifyHealthy());
        QTRY_VERIFY_WITH_TIMEOUT(
            m_server->standardError().contains(QLatin1String("GET /health")), 5000);
        const QString log = m_server->standardError();
        QVERIFY2(!log.contains(QLatin1String("FORGED")), qPrintable(log.right(2000)));
        for (const QChar c : log)
            QVERIFY2(c == QLatin1Char('\n') || c.unicode() >= 0x20, qPrintable(log.right(2000)));
        QCOMPARE(log.count(QLatin1String(" OTHER ")), 2);
    }

    // Refusals and "100 Continue" take the same ordered path as every answer: an earlier
    // request's answer is never lost or overtaken.
    void refusalsAndInterimAnswersKeepTheOrder()
    {
        CHECK(startServer());
        {
            RawSocket s(port());
            QVERIFY(s.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                           "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                           "POST /x HTTP/1.1\r\nBad Name: y\r\n\r\n"));
            const QByteArray a = s.receive([](const QByteArray &) { return false; });
            QCOMPARE(statuses(a), (QList<int> {200, 200, 400}));
        }
        {
            RawSocket s(port());
            QVERIFY(s.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                           "POST /api/webhooks/clerk HTTP/1.1\r\nHost: x\r\n"
                           "Content-Type: application/json\r\nContent-Length: 2\r\n"
                           "Expect: 100-continue\r\n\r\n"));
            const QByteArray a
                = s.receive([](const QByteArray &b) { return b.contains("100 Continue"); });
            QCOMPARE(statuses(a), (QList<int> {200, 100}));
        }
    }
};

QTEST_GUILESS_MAIN(TestHostile)
#include "tst_hostile.moc"
