// The framing scanner as a socket-free unit: tables of raw request bytes, fed whole and byte by
// byte (CRLFs kept whole), and the verdict (requests seen whole, refusal status, 100 Continue, a
// closing request). It must agree with Qt 6.4.2's parser on every request it lets through
// (docs/http.md, "Limits and deadlines"); tst_hostile attacks the same rules over real sockets.
#include "http/framingscanner.h"

#include <QTest>

using namespace marquee;

namespace {

struct Verdict
{
    int completed = 0;
    int refusal = 0; // status, 0 for none
    QList<quint64> continues;
    qint64 closeAt = -1;
};

Verdict run(const QByteArray &bytes, bool byteByByte)
{
    FramingScanner scanner({1024, 2048});
    Verdict v;
    const auto take = [&v](const FramingScanner::Result &r) {
        v.completed += r.completed;
        v.continues += r.continues;
        if (r.closeAt)
            v.closeAt = qint64(*r.closeAt);
        if (r.refusal && v.refusal == 0)
            v.refusal = r.refusal->status;
    };
    if (byteByByte) {
        // A CRLF stays in one piece: a chunked body's final one must (splitFinalCrlfIsRefused).
        for (qsizetype i = 0; i < bytes.size() && !scanner.stopped();) {
            const qsizetype n
                = bytes.at(i) == '\r' && i + 1 < bytes.size() && bytes.at(i + 1) == '\n' ? 2 : 1;
            take(scanner.feed(QByteArrayView(bytes).sliced(i, n)));
            i += n;
        }
    } else {
        take(scanner.feed(bytes));
    }
    return v;
}

const QByteArray kGet = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
const QByteArray kPost = "POST /x HTTP/1.1\r\nHost: x\r\n";

} // namespace

class TestFraming : public QObject
{
    Q_OBJECT

private slots:
    void verdicts_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("completed");
        QTest::addColumn<int>("refusal");
        QTest::addColumn<int>("continues"); // how many 100 Continue
        QTest::addColumn<int>("closeAt");

        QTest::newRow("one GET") << kGet << 1 << 0 << 0 << -1;
        QTest::newRow("three pipelined") << kGet.repeated(3) << 3 << 0 << 0 << -1;
        QTest::newRow("white space between") << kGet + "\r\n \t" + kGet << 2 << 0 << 0 << -1;
        QTest::newRow("bare LF lines")
            << QByteArray("GET / HTTP/1.1\nHost: x\n\n") << 1 << 0 << 0 << -1;
        QTest::newRow("partial head") << QByteArray("GET / HTTP/1.1\r\nHost:") << 0 << 0 << 0 << -1;
        QTest::newRow("Content-Length body")
            << kPost + "Content-Length: 5\r\n\r\nhello" + kGet << 2 << 0 << 0 << -1;
        QTest::newRow("body at the limit")
            << kPost + "Content-Length: 2048\r\n\r\n" + QByteArray(2048, 'x') << 1 << 0 << 0 << -1;
        QTest::newRow("body over the limit") << kPost + "Content-Length: 2049\r\n\r\n"
                                             << 0 << 413 << 0 << -1;
        QTest::newRow("chunked") << kPost
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
                  "3;ext=1\r\nabc\r\n0\r\n\r\n"
                + kGet << 2 << 0 << 0
                                 << -1;
        QTest::newRow("chunk total over the limit") << kPost
                + "Transfer-Encoding: chunked\r\n\r\n400\r\n" + QByteArray(1024, 'x')
                + "\r\n401\r\n" << 0 << 413 << 0 << -1;
        QTest::newRow("chunk-size overflow")
            << kPost + "Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n7fffffffffffffff\r\n"
            << 0 << 400 << 0 << -1; // 16 hex digits: longer than any size the limit allows
        QTest::newRow("chunk framing over the limit") << kPost
                + "Transfer-Encoding: chunked\r\n\r\n" + QByteArray("1\r\nx\r\n").repeated(3000)
                                                      << 0 << 413 << 0 << -1;
        QTest::newRow("malformed chunk size") << kPost + "Transfer-Encoding: chunked\r\n\r\nzz\r\n"
                                              << 0 << 400 << 0 << -1;
        QTest::newRow("empty chunk size") << kPost + "Transfer-Encoding: chunked\r\n\r\n\r\n"
                                          << 0 << 400 << 0 << -1;
        QTest::newRow("chunk size with LF only")
            << kPost + "Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n"
            << 0 << 400 << 0 << -1;
        QTest::newRow("no CRLF after chunk data")
            << kPost + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n"
            << 0 << 400 << 0 << -1;
        QTest::newRow("trailers") << kPost + "Transfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\r\n\r\n"
                                  << 0 << 400 << 0 << -1;
        QTest::newRow("two Transfer-Encodings")
            << kPost + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n"
            << 0 << 400 << 0 << -1;
        QTest::newRow("Transfer-Encoding not chunked")
            << kPost + "Transfer-Encoding: gzip, chunked\r\n\r\n"
            << 0 << 400 << 0 << -1;
        QTest::newRow("Content-Length and Transfer-Encoding")
            << kPost + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
            << 0 << 400 << 0 << -1;
        QTest::newRow("two Content-Lengths")
            << kPost + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc" << 0 << 400 << 0 << -1;
        QTest::newRow("Content-Length with a sign")
            << kPost + "Content-Length: +3\r\n\r\nabc" << 0 << 400 << 0 << -1;
        QTest::newRow("space in a field name") << kPost + "Bad Name: x\r\n\r\n"
                                               << 0 << 400 << 0 << -1;
        QTest::newRow("space before the colon")
            << kPost + "Content-Length : 3\r\n\r\nabc" << 0 << 400 << 0 << -1;
        QTest::newRow("no colon") << kPost + "NoColon\r\n\r\n" << 0 << 400 << 0 << -1;
        QTest::newRow("folded line") << kPost + "X-A: 1\r\n 2\r\n\r\n" << 0 << 400 << 0 << -1;
        QTest::newRow("control character") << kPost + "X-A: a\x01z\r\n\r\n" << 0 << 400 << 0 << -1;
        QTest::newRow("101 fields")
            << QByteArray("GET / HTTP/1.1\r\n") + QByteArray("X: 1\r\n").repeated(101) + "\r\n"
            << 0 << 400 << 0 << -1;
        QTest::newRow("header block over the limit")
            << QByteArray("GET / HTTP/1.1\r\nX: ") + QByteArray(2000, 'a') << 0 << 431 << 0 << -1;
        QTest::newRow("bad request line, refused at its LF")
            << QByteArray("GET /\r\nHost: x") << 0 << 400 << 0 << -1;
        QTest::newRow("method not a token")
            << QByteArray("G(T / HTTP/1.1\r\n\r\n") << 0 << 400 << 0 << -1;
        QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 0 << 400 << 0 << -1;
        QTest::newRow("websocket upgrade")
            << QByteArray("GET / HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
            << 0 << 400 << 0 << -1;
        QTest::newRow("100 Continue with a body")
            << kPost + "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n{}" << 1 << 0 << 1 << -1;
        QTest::newRow("no 100 Continue without a body")
            << QByteArray("GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n") << 1 << 0 << 0 << -1;
        QTest::newRow("no 100 Continue for HTTP/1.0")
            << QByteArray("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}")
            << 1 << 0 << 0 << 0;
        QTest::newRow("Connection: close stops reading")
            << QByteArray("GET / HTTP/1.1\r\nConnection: close\r\n\r\n") + kGet << 1 << 0 << 0 << 0;
        QTest::newRow("HTTP/1.0 closes")
            << QByteArray("GET / HTTP/1.0\r\n\r\n") + kGet << 1 << 0 << 0 << 0;
        QTest::newRow("HTTP/1.0 keep-alive")
            << QByteArray("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") + kGet << 2 << 0 << 0
            << -1;
        QTest::newRow("refusal after good requests") << kGet + kGet + kPost + "Bad Name: x\r\n\r\n"
                                                     << 2 << 400 << 0 << -1;
    }
    void verdicts()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, completed);
        QFETCH(int, refusal);
        QFETCH(int, continues);
        QFETCH(int, closeAt);
        // The verdict does not depend on how the bytes arrive.
        for (const bool byteByByte : {false, true}) {
            const Verdict v = run(bytes, byteByByte);
            const char *how = byteByByte ? "byte by byte" : "whole";
            QVERIFY2(v.completed == completed, how);
            QVERIFY2(v.refusal == refusal, how);
            QVERIFY2(v.continues.size() == continues, how);
            QVERIFY2(v.closeAt == closeAt, how);
        }
    }

    // Qt's parser, given a chunked body's last CR alone, later takes the LF and the next byte as
    // that CRLF: the split is refused rather than letting the next request lose its first byte.
    void splitFinalCrlfIsRefused()
    {
        FramingScanner scanner({1024, 2048});
        QCOMPARE(
            scanner.feed(kPost + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r").refusal->status, 400);
        FramingScanner whole({1024, 2048});
        QCOMPARE(whole.feed(kPost + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n").completed, 1);
    }

    // What a refusal is logged as: a method only when it is a token, a printable path without
    // its query; the Origin of the refused request (for the CORS headers of the answer).
    void refusalsAreSafeToLog()
    {
        FramingScanner forged({1024, 2048});
        const auto r = forged.feed("G\x1bT /a?secret=1 HTTP/1.1\r\n\r\n").refusal;
        QVERIFY(r);
        QCOMPARE(r->method, QByteArray("OTHER"));
        QCOMPARE(r->path, QStringLiteral("/a"));
        FramingScanner withOrigin({1024, 2048});
        const auto o
            = withOrigin.feed(kPost + "Origin: http://localhost:5173\r\nBad Name: x\r\n\r\n")
                  .refusal;
        QVERIFY(o);
        QCOMPARE(o->method, QByteArray("POST"));
        QCOMPARE(o->origin, QByteArray("http://localhost:5173"));
    }

    // The scanner reports "in a request" only once a request's first byte arrived: white
    // space between requests is not one (the guard's idle time is not restarted by it).
    void whiteSpaceIsNoRequest()
    {
        FramingScanner scanner({1024, 2048});
        scanner.feed("\r\n\r\n");
        QVERIFY(!scanner.inRequest());
        scanner.feed("GE");
        QVERIFY(scanner.inRequest());
        scanner.feed("T / HTTP/1.1\r\n\r\n");
        QVERIFY(!scanner.inRequest());
        QCOMPARE(scanner.completeRequests(), quint64(1));
    }
};

QTEST_GUILESS_MAIN(TestFraming)
#include "tst_framing.moc"
