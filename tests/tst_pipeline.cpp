// End-to-end behaviour of the HTTP pipeline over real sockets (docs/api.md, "Envelope and errors",
// "Headers on every answer", "CORS"; docs/http.md).
#include "http/apierror.h"
#include "http/validation.h"
#include "http/wire.h"
#include "support/check.h"
#include "support/testserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace marquee;
using namespace marquee::test;

class TestPipeline : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_ts;
    int m_slowAnswered = 0;
    QList<ExchangePtr> m_held; // requests to /test/held, answered by release()

    void addTestRoutes(Router &router)
    {
        router.post(QStringLiteral("/test/echo"), [](const ExchangePtr &ex) {
            JsonFields body(parseJsonObjectBody(ex->request()));
            body.allowOnly({"name", "count"});
            const auto name = body.string("name", true, 1, 10);
            body.integer("count", false, 0, 5);
            body.finish();
            ex->respond(HttpResponse::ok(QJsonObject {{"name", *name}}));
        });
        router.get(QStringLiteral("/test/slow"), [this](const ExchangePtr &ex) {
            const int ms = ex->request()
                               .queryValue(QStringLiteral("ms"))
                               .value_or(QStringLiteral("200"))
                               .toInt();
            QTimer::singleShot(ms, [this, ex] {
                ++m_slowAnswered;
                ex->respond(HttpResponse::ok(QStringLiteral("slow")));
            });
        });
        // Answered only when the test says so: a request in flight for as long as a test needs.
        router.get(QStringLiteral("/test/held"), [this](const ExchangePtr &ex) { m_held << ex; });
        router.get(QStringLiteral("/test/throw"),
            [](const ExchangePtr &) { throw std::runtime_error("secret internal detail"); });
        router.get(QStringLiteral("/test/etag"), [](const ExchangePtr &ex) {
            HttpResponse r = HttpResponse::ok(QStringLiteral("tagged"));
            r.setHeader("ETag", "\"abc123\"");
            ex->respond(std::move(r));
        });
        router.get(QStringLiteral("/test/items/{id}"), [](const ExchangePtr &ex) {
            ex->respond(HttpResponse::ok(pathId(ex->request(), QStringLiteral("id"))));
        });
        router.del(QStringLiteral("/test/items/{id}"),
            [](const ExchangePtr &ex) { ex->respond(HttpResponse::ok(true)); });
    }

    void startServer(const std::function<void(Config &)> &tweak = {})
    {
        m_ts = std::make_unique<TestServer>();
        m_ts->config.http.allowedOrigins
            = {QStringLiteral("http://localhost:5173"), QStringLiteral("https://app.example.com")};
        if (tweak)
            tweak(m_ts->config);
        m_ts->extraRoutes = [this](Router &router) { addTestRoutes(router); };
        QVERIFY2(m_ts->start(), notStarted("server", m_ts->startError()));
    }

    // Answers the requests waiting on /test/held.
    void release()
    {
        for (const ExchangePtr &ex : std::exchange(m_held, {}))
            ex->respond(HttpResponse::ok(QStringLiteral("held")));
    }

    // A body of exactly `size` bytes for /test/echo: valid JSON whose name is too long, so a
    // body that passes the limit is answered 400 VALIDATION_ERROR by the route.
    static QByteArray echoBodyOfSize(int size)
    {
        const QByteArray head = "{\"name\":\"";
        const QByteArray tail = "\"}";
        return head + QByteArray(size - head.size() - tail.size(), 'x') + tail;
    }

private slots:
    void init()
    {
        m_slowAnswered = 0;
        CHECK(startServer());
    }
    void cleanup()
    {
        release(); // an exchange dropped without an answer is logged as a server fault
        m_ts.reset();
    }

    // An origin server with a clock sends Date on every answer (RFC 9110 section 6.6.1), in the
    // IMF-fixdate form, whatever produced the answer.
    void everyAnswerHasADate_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("status");
        QTest::newRow("200") << QByteArray("GET /health HTTP/1.1\r\nHost: x\r\n\r\n") << 200;
        QTest::newRow("404") << QByteArray("GET /api/nope HTTP/1.1\r\nHost: x\r\n\r\n") << 404;
        QTest::newRow("405") << QByteArray("PUT /health HTTP/1.1\r\nHost: x\r\n\r\n") << 405;
        QTest::newRow("204 options")
            << QByteArray("OPTIONS /health HTTP/1.1\r\nHost: x\r\n\r\n") << 204;
        QTest::newRow("431 from the guard") << QByteArray(
            "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(20000, 'a') + "\r\n\r\n")
                                            << 431;
        QTest::newRow("400 from the guard") << QByteArray(
            "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
            "Content-Length: 2\r\n\r\nab") << 400;
    }
    void everyAnswerHasADate()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, status);
        HttpClient client(m_ts->port());
        QVERIFY(client.connectToServer());
        // Date has whole seconds: compare with whole seconds (a millisecond-precise "one second
        // ago" is later than a Date written in the first millisecond of the next second).
        const QDateTime before
            = QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch() - 1, Qt::UTC);
        const HttpReply r = client.sendRaw(raw);
        QCOMPARE(r.status, status);
        QCOMPARE(r.headerCount("Date"), 1);
        const QByteArray date = r.header("Date");
        static const QRegularExpression imf(QStringLiteral(
            "^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|"
            "Dec) \\d{4} \\d{2}:\\d{2}:\\d{2} GMT$"));
        QVERIFY2(imf.match(QString::fromLatin1(date)).hasMatch(), date);
        const QDateTime parsed = QDateTime::fromString(
            QString::fromLatin1(date), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
        QVERIFY2(parsed.isValid(), date);
        QDateTime utc = parsed;
        utc.setTimeSpec(Qt::UTC);
        QVERIFY2(utc >= before && utc <= QDateTime::currentDateTimeUtc().addSecs(1), date);
    }

    // The one response path without a socket: one Vary line out of the pipeline's and the
    // route's, no-store only when nobody set a cache policy, HEAD with the GET's length and no
    // body, and neither Content-Type nor Content-Length on 204.
    void serializedAnswersFollowTheWireRules()
    {
        HttpResponse r = HttpResponse::okRaw("[]");
        r.setHeader("Vary", "Authorization");
        AnswerContext c;
        c.requestId = "rid-1";
        c.pipelineHeaders = {Header {"Vary", "Origin"}, Header {"RateLimit-Limit", "10"}};
        QByteArray a = serializeAnswer(r, c);
        QVERIFY2(a.startsWith("HTTP/1.1 200 OK\r\n"), a);
        QCOMPARE(a.count("\r\nVary: "), 1);
        QVERIFY2(a.contains("\r\nVary: Origin, Authorization\r\n"), a);
        QVERIFY2(a.contains("\r\nX-Request-Id: rid-1\r\n"), a);
        QVERIFY2(a.contains("\r\nCache-Control: no-store\r\n"), a);
        QVERIFY2(a.contains("\r\nRateLimit-Limit: 10\r\n"), a);
        QVERIFY2(!a.contains("Connection:"), a);
        const QByteArray body = "{\"success\":true,\"data\":[]}";
        QVERIFY2(a.endsWith(
                     "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body),
            a);

        c.pipelineHeaders = {Header {"Cache-Control", "private, no-store"}};
        c.withBody = false;
        c.close = true;
        a = serializeAnswer(r, c);
        QCOMPARE(a.count("\r\nCache-Control: "), 1);
        QVERIFY2(a.contains("\r\nConnection: close\r\n"), a);
        QVERIFY2(
            a.endsWith("\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n"), a);

        a = serializeAnswer(HttpResponse::empty(204), AnswerContext {});
        QVERIFY2(a.startsWith("HTTP/1.1 204 No Content\r\n"), a);
        QVERIFY2(!a.contains("\r\nContent-Length:") && !a.contains("\r\nContent-Type:"), a);
        QVERIFY2(a.contains("\r\nDate: "), a);
    }

    void httpDateIsImfFixdate()
    {
        QCOMPARE(formatHttpDate(784111777), QByteArray("Sun, 06 Nov 1994 08:49:37 GMT"));
        QCOMPARE(formatHttpDate(0), QByteArray("Thu, 01 Jan 1970 00:00:00 GMT"));
        QCOMPARE(formatHttpDate(951782400), QByteArray("Tue, 29 Feb 2000 00:00:00 GMT"));
    }

    // Without any Clerk configuration no token can ever work: a route that needs one says that
    // authentication is not configured and which variables enable it, token or no token.
    void authenticationNotConfiguredSaysSo_data()
    {
        QTest::addColumn<QByteArray>("authorization");
        QTest::newRow("no token") << QByteArray();
        QTest::newRow("a token") << QByteArray("Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
    }
    void authenticationNotConfiguredSaysSo()
    {
        QFETCH(QByteArray, authorization);
        QList<std::pair<QByteArray, QByteArray>> headers;
        if (!authorization.isEmpty())
            headers.append({"Authorization", authorization});
        const HttpReply r = m_ts->get("/api/watchlist", headers);
        CHECK(verifyError(r, 401, QStringLiteral("UNAUTHENTICATED")));
        const QString message = r.json().value("error").toString();
        QVERIFY2(message.contains(QLatin1String("not configured")), qPrintable(message));
        for (const char *variable : {"CLERK_JWKS_URL", "CLERK_SECRET_KEY", "CLERK_JWT_KEY"})
            QVERIFY2(message.contains(QLatin1String(variable)), qPrintable(message));
        QVERIFY2(!message.contains(QLatin1String("send Authorization")), qPrintable(message));
    }

    void unknownRouteIs404()
    {
        const HttpReply r = m_ts->get("/api/nope");
        CHECK(verifyError(r, 404, QStringLiteral("NOT_FOUND")));
    }

    void wrongMethodIs405WithAllow()
    {
        const HttpReply r = m_ts->request("PUT", "/health");
        CHECK(verifyError(r, 405, QStringLiteral("METHOD_NOT_ALLOWED")));
        QCOMPARE(r.header("Allow"), QByteArray("GET, HEAD, OPTIONS"));
        const HttpReply d = m_ts->request("POST", "/test/items/5");
        QCOMPARE(d.status, 405);
        QCOMPARE(d.header("Allow"), QByteArray("GET, HEAD, DELETE, OPTIONS"));
    }

    void headAnswersLikeGetWithoutBody()
    {
        HttpClient c(m_ts->port());
        const HttpReply get = c.get("/health");
        QCOMPARE(get.status, 200);
        const HttpReply head = c.request("HEAD", "/health");
        QCOMPARE(head.status, 200);
        QVERIFY(head.body.isEmpty());
        QCOMPARE(head.header("Content-Type"), get.header("Content-Type"));
        QVERIFY(head.header("Content-Length").toInt() > 0);
        // No stray body bytes: the next answer on the same connection parses cleanly.
        const HttpReply again = c.get("/health");
        QCOMPARE(again.status, 200);
        QCOMPARE(again.json().value("success").toBool(), true);
    }

    void preflightFromAllowedOrigin()
    {
        const HttpReply r = m_ts->request("OPTIONS", "/test/items/1",
            {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "DELETE"}});
        QCOMPARE(r.status, 204);
        QVERIFY(r.body.isEmpty());
        QCOMPARE(r.header("Access-Control-Allow-Origin"), QByteArray("https://app.example.com"));
        QCOMPARE(r.header("Access-Control-Allow-Credentials"), QByteArray("true"));
        QVERIFY(r.header("Access-Control-Allow-Methods").contains("DELETE"));
        QVERIFY(r.header("Access-Control-Allow-Headers").contains("Authorization"));
        QVERIFY(r.header("Access-Control-Allow-Headers").contains("Content-Type"));
        QVERIFY(r.header("Access-Control-Allow-Headers").contains("X-Request-Id"));
        QVERIFY(r.header("Access-Control-Max-Age").toInt() > 0);
        QCOMPARE(r.header("Vary"), QByteArray("Origin"));
    }

    void preflightFromOtherOriginIs403()
    {
        const HttpReply r = m_ts->request("OPTIONS", "/health",
            {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}});
        CHECK(verifyError(r, 403, QStringLiteral("FORBIDDEN")));
        QVERIFY(r.header("Access-Control-Allow-Origin").isEmpty());
    }

    void corsHeadersOnlyForAllowedOrigins()
    {
        const HttpReply ok = m_ts->get("/health", {{"Origin", "http://localhost:5173"}});
        QCOMPARE(ok.header("Access-Control-Allow-Origin"), QByteArray("http://localhost:5173"));
        QCOMPARE(ok.header("Vary"), QByteArray("Origin"));
        QVERIFY(ok.header("Access-Control-Expose-Headers").contains("X-Request-Id"));
        QVERIFY(ok.header("Access-Control-Expose-Headers").contains("RateLimit-Remaining"));
        const HttpReply other = m_ts->get("/health", {{"Origin", "http://localhost:5174"}});
        QCOMPARE(other.status, 200);
        QVERIFY(other.header("Access-Control-Allow-Origin").isEmpty());
        QVERIFY(other.header("Access-Control-Allow-Credentials").isEmpty());
        // Every answer varies by Origin once CORS is configured, also one to a request without
        // Origin or from another origin: a shared cache must not hand either to the web app.
        QCOMPARE(other.header("Vary"), QByteArray("Origin"));
        QCOMPARE(m_ts->get("/api/openapi.json").header("Vary"), QByteArray("Origin"));
        // Errors carry CORS headers too, or a browser could not read them.
        const HttpReply err = m_ts->get("/api/nope", {{"Origin", "http://localhost:5173"}});
        QCOMPARE(err.status, 404);
        QCOMPARE(err.header("Access-Control-Allow-Origin"), QByteArray("http://localhost:5173"));
    }

    // An origin is allowed when it is one of ALLOWED_ORIGINS exactly: not a prefix of one, not
    // one with something appended, not another spelling of one.
    void corsOriginMustMatchExactly_data()
    {
        QTest::addColumn<QByteArray>("origin");
        QTest::newRow("allowed one as a prefix") << QByteArray("http://localhost:5173.evil.test");
        QTest::newRow("allowed one plus a path") << QByteArray("http://localhost:5173/");
        QTest::newRow("allowed one plus a port digit") << QByteArray("http://localhost:51730");
        QTest::newRow("prefix of the allowed one") << QByteArray("http://localhost:517");
        QTest::newRow("host only") << QByteArray("http://localhost");
        QTest::newRow("upper-case host") << QByteArray("http://LOCALHOST:5173");
        QTest::newRow("upper-case scheme") << QByteArray("HTTP://localhost:5173");
        QTest::newRow("other scheme") << QByteArray("https://localhost:5173");
        QTest::newRow("subdomain of an allowed host") << QByteArray("https://evil.app.example.com");
        QTest::newRow("allowed host as a subdomain")
            << QByteArray("https://app.example.com.evil.test");
        QTest::newRow("two origins") << QByteArray("http://localhost:5173 https://app.example.com");
        QTest::newRow("null") << QByteArray("null");
    }
    void corsOriginMustMatchExactly()
    {
        QFETCH(QByteArray, origin);
        const HttpReply simple = m_ts->get("/health", {{"Origin", origin}});
        QCOMPARE(simple.status, 200);
        QVERIFY2(simple.header("Access-Control-Allow-Origin").isEmpty(),
            simple.header("Access-Control-Allow-Origin").constData());
        QVERIFY(simple.header("Access-Control-Allow-Credentials").isEmpty());
        const HttpReply preflight = m_ts->request("OPTIONS", "/test/items/1",
            {{"Origin", origin}, {"Access-Control-Request-Method", "DELETE"}});
        CHECK(verifyError(preflight, 403, QStringLiteral("FORBIDDEN")));
        QVERIFY(preflight.header("Access-Control-Allow-Origin").isEmpty());
        QVERIFY(preflight.header("Access-Control-Allow-Methods").isEmpty());
        // The allowed ones still are (the rows above are refused for what they are).
        const HttpReply allowed = m_ts->request("OPTIONS", "/test/items/1",
            {{"Origin", "http://localhost:5173"}, {"Access-Control-Request-Method", "DELETE"}});
        QCOMPARE(allowed.status, 204);
        QCOMPARE(
            allowed.header("Access-Control-Allow-Origin"), QByteArray("http://localhost:5173"));
    }

    void declaredBodyOverLimitIs413()
    {
        HttpClient c(m_ts->port());
        // Only the headers are sent: the guard answers from Content-Length alone.
        const HttpReply r
            = c.sendRaw("POST /test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Content-Length: 10000000\r\n\r\n");
        CHECK(verifyError(r, 413, QStringLiteral("PAYLOAD_TOO_LARGE")));
        QVERIFY(c.waitForClose(2000));
    }

    void chunkedBodyOverLimitIs413()
    {
        HttpClient c(m_ts->port());
        QByteArray req = "POST /test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: "
                         "application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 5; ++i)
            req += "4000\r\n" + QByteArray(0x4000, 'a') + "\r\n"; // 5 x 16 KiB > 64 KiB
        const HttpReply r = c.sendRaw(req);
        CHECK(verifyError(r, 413, QStringLiteral("PAYLOAD_TOO_LARGE")));
    }

    void chunkedBodyWithinLimitReachesRoute()
    {
        HttpClient c(m_ts->port());
        const QByteArray json = "{\"name\":\"chunk\"}";
        const QByteArray req = "POST /test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: "
                               "application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + QByteArray::number(json.size(), 16) + "\r\n" + json + "\r\n0\r\n\r\n";
        const HttpReply r = c.sendRaw(req);
        QCOMPARE(r.status, 200);
        QCOMPARE(
            r.json().value("data").toObject().value("name").toString(), QStringLiteral("chunk"));
        QCOMPARE(c.get("/health").status, 200); // framing kept in step for the next request
    }

    void ambiguousFramingIsRefused_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        const QByteArray start
            = "POST /test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
        // A bare LF ends the header block for Qt's parser: the oversized length must be seen.
        QTest::newRow("bare LF hides a length")
            << start + "Content-Length: 1000000000\r\n\nContent-Length: 0\r\n\r\n"
            << 413;
        QTest::newRow("two lengths")
            << start + "Content-Length: 12\r\nContent-Length: 12\r\n\r\n{\"name\":\"a\"}" << 400;
        QTest::newRow("length and chunked")
            << start + "Content-Length: 12\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            << 400;
        QTest::newRow("unreadable length")
            << start + "Content-Length: 12abc\r\n\r\n{\"name\":\"a\"}" << 400;
        QTest::newRow("folded length") << start + "Content-Length:\r\n 99999999\r\n\r\n" << 400;
    }
    void ambiguousFramingIsRefused()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        HttpClient c(m_ts->port());
        const HttpReply r = c.sendRaw(request);
        QCOMPARE(r.status, status);
        QVERIFY(c.waitForClose(2000));
    }

    void bareLfRequestsStillWork()
    {
        HttpClient c(m_ts->port());
        const HttpReply r = c.sendRaw("GET /health HTTP/1.1\nHost: x\n\n");
        QCOMPARE(r.status, 200);
    }

    void trickledHeadersAreCutOff()
    {
        CHECK(startServer([](Config &c) { c.http.idleTimeoutMs = 300; }));
        HttpClient slow(m_ts->port());
        QVERIFY(slow.connectToServer());
        // One byte every 100 ms keeps the connection active (the idle timeout never fires), but
        // the header block never ends: the header deadline cuts it. Without one it would live
        // for as long as bytes trickle in; 30 s is far beyond any deadline, however slow the
        // machine.
        QElapsedTimer t;
        t.start();
        while (slow.isConnected() && t.elapsed() < 30000) {
            slow.socket()->write("x");
            QTest::qWait(100);
        }
        QVERIFY2(!slow.isConnected(), "still connected after 30 s of trickled header bytes");
    }

    void bodyJustUnderLimitIsRead()
    {
        // 60 KiB of valid JSON: not a 413, the route sees it (and finds the name too long).
        const QByteArray body = "{\"name\":\"" + QByteArray(60 * 1024, 'x') + "\"}";
        const HttpReply r
            = m_ts->request("POST", "/test/echo", {{"Content-Type", "application/json"}}, body);
        CHECK(verifyError(r, 400, QStringLiteral("VALIDATION_ERROR")));
    }

    // The default limit is 64 KiB: 65,536 bytes pass, 65,537 do not, however the body is framed.
    void bodyLimitIsExact_data()
    {
        QTest::addColumn<int>("size");
        QTest::addColumn<bool>("chunked");
        QTest::addColumn<int>("status");
        QTest::newRow("65536, Content-Length") << 65536 << false << 400;
        QTest::newRow("65537, Content-Length") << 65537 << false << 413;
        QTest::newRow("65536, chunked") << 65536 << true << 400;
        QTest::newRow("65537, chunked") << 65537 << true << 413;
    }
    void bodyLimitIsExact()
    {
        QFETCH(int, size);
        QFETCH(bool, chunked);
        QFETCH(int, status);
        QCOMPARE(m_ts->server().config().http.maxBodyBytes, qint64(65536));
        const QByteArray body = echoBodyOfSize(size);
        QCOMPARE(body.size(), size);
        QByteArray request
            = "POST /test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
        if (chunked) {
            // Chunks of 16 KiB and a last, odd one: the limit is on the decoded body.
            request += "Transfer-Encoding: chunked\r\n\r\n";
            for (int at = 0; at < body.size(); at += 0x4000) {
                const QByteArray chunk = body.mid(at, 0x4000);
                request += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
            }
            request += "0\r\n\r\n";
        } else {
            request += "Content-Length: " + QByteArray::number(size) + "\r\n\r\n" + body;
        }
        HttpClient c(m_ts->port());
        const HttpReply r = c.sendRaw(request);
        if (status == 413) {
            CHECK(verifyError(r, 413, QStringLiteral("PAYLOAD_TOO_LARGE")));
            return;
        }
        // Within the limit: the route read the whole body (and found the name too long).
        CHECK(verifyError(r, 400, QStringLiteral("VALIDATION_ERROR")));
        QCOMPARE(r.json().value("details").toArray().first().toObject().value("field").toString(),
            QStringLiteral("name"));
        QCOMPARE(c.get("/health").status, 200); // and the connection is still in step
    }

    void configuredBodyLimitApplies()
    {
        CHECK(startServer([](Config &c) { c.http.maxBodyBytes = 1024; }));
        const QByteArray body = "{\"name\":\"" + QByteArray(2000, 'x') + "\"}";
        const HttpReply r
            = m_ts->request("POST", "/test/echo", {{"Content-Type", "application/json"}}, body);
        QCOMPARE(r.status, 413);
    }

    void oversizedHeaderBlockIs431()
    {
        const HttpReply r = m_ts->get("/health", {{"X-Filler", QByteArray(20000, 'h')}});
        CHECK(verifyError(r, 431, QStringLiteral("PAYLOAD_TOO_LARGE")));
        // A 100 KB URL is refused the same way.
        const HttpReply url = m_ts->get("/health?x=" + QByteArray(100000, 'u'));
        QCOMPARE(url.status, 431);
    }

    void bodyWithoutJsonContentTypeIs415()
    {
        const HttpReply r = m_ts->request(
            "POST", "/test/echo", {{"Content-Type", "text/plain"}}, "{\"name\":\"a\"}");
        CHECK(verifyError(r, 415, QStringLiteral("UNSUPPORTED_MEDIA_TYPE")));
        const HttpReply none = m_ts->request("POST", "/test/echo", {}, "{\"name\":\"a\"}");
        QCOMPARE(none.status, 415);
        const HttpReply charset = m_ts->request("POST", "/test/echo",
            {{"Content-Type", "application/json; charset=utf-8"}}, "{\"name\":\"a\"}");
        QCOMPARE(charset.status, 200);
    }

    void invalidJsonIs400()
    {
        const HttpReply r = m_ts->request(
            "POST", "/test/echo", {{"Content-Type", "application/json"}}, "{\"name\":");
        CHECK(verifyError(r, 400, QStringLiteral("INVALID_JSON")));
        const HttpReply arr
            = m_ts->request("POST", "/test/echo", {{"Content-Type", "application/json"}}, "[1,2]");
        CHECK(verifyError(arr, 400, QStringLiteral("INVALID_JSON")));
        const HttpReply empty = m_ts->request(
            "POST", "/test/echo", {{"Content-Type", "application/json"}, {"Content-Length", "0"}});
        CHECK(verifyError(empty, 400, QStringLiteral("INVALID_JSON")));
    }

    void validationErrorsListEveryField()
    {
        const HttpReply r = m_ts->request("POST", "/test/echo",
            {{"Content-Type", "application/json"}}, "{\"count\":\"3\",\"extra\":1}");
        CHECK(verifyError(r, 400, QStringLiteral("VALIDATION_ERROR")));
        const QJsonArray details = r.json().value("details").toArray();
        QStringList pairs;
        for (const auto &d : details)
            pairs << d.toObject().value("field").toString() + QLatin1Char('/')
                    + d.toObject().value("issue").toString();
        QVERIFY2(pairs.contains("extra/unknown_field"), qPrintable(pairs.join(',')));
        QVERIFY2(pairs.contains("name/required"), qPrintable(pairs.join(',')));
        QVERIFY2(pairs.contains("count/wrong_type"), qPrintable(pairs.join(',')));
    }

    void pathIdsAreValidated_data()
    {
        QTest::addColumn<QByteArray>("id");
        QTest::addColumn<int>("status");
        QTest::newRow("ok") << QByteArray("42") << 200;
        QTest::newRow("max") << QByteArray("2147483647") << 200;
        QTest::newRow("2^31") << QByteArray("2147483648") << 400;
        QTest::newRow("zero") << QByteArray("0") << 400;
        QTest::newRow("negative") << QByteArray("-1") << 400;
        QTest::newRow("text") << QByteArray("abc") << 400;
        QTest::newRow("leading zero") << QByteArray("007") << 400;
        QTest::newRow("float") << QByteArray("1.5") << 400;
    }
    void pathIdsAreValidated()
    {
        QFETCH(QByteArray, id);
        QFETCH(int, status);
        QCOMPARE(m_ts->get("/test/items/" + id).status, status);
    }

    void requestIdIsEchoedWhenValid()
    {
        const HttpReply r = m_ts->get("/api/nope", {{"X-Request-Id", "client-1.A_b"}});
        QCOMPARE(r.header("X-Request-Id"), QByteArray("client-1.A_b"));
        QCOMPARE(r.json().value("requestId").toString(), QStringLiteral("client-1.A_b"));
    }

    void requestIdIsGeneratedOtherwise_data()
    {
        QTest::addColumn<QByteArray>("sent");
        QTest::newRow("none") << QByteArray();
        QTest::newRow("bad chars") << QByteArray("abc def");
        QTest::newRow("too long") << QByteArray(129, 'a');
        QTest::newRow("injection") << QByteArray("x\"}");
    }
    void requestIdIsGeneratedOtherwise()
    {
        QFETCH(QByteArray, sent);
        QList<std::pair<QByteArray, QByteArray>> headers;
        if (!sent.isEmpty())
            headers.append({"X-Request-Id", sent});
        const HttpReply a = m_ts->get("/health", headers);
        const HttpReply b = m_ts->get("/health", headers);
        QCOMPARE(a.status, 200);
        QVERIFY(a.header("X-Request-Id") != sent);
        QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{32}$"))
                    .match(QString::fromLatin1(a.header("X-Request-Id")))
                    .hasMatch());
        QVERIFY(a.header("X-Request-Id") != b.header("X-Request-Id"));
    }

    void securityHeadersOnEveryResponse()
    {
        HttpClient c(m_ts->port());
        const QList<HttpReply> replies {m_ts->get("/health"), m_ts->get("/api/nope"),
            m_ts->request("PUT", "/health"),
            m_ts->get("/health", {{"X-Filler", QByteArray(20000, 'h')}}),
            m_ts->request("OPTIONS", "/health")};
        for (const HttpReply &r : replies) {
            QVERIFY(r.status > 0);
            QCOMPARE(r.header("X-Content-Type-Options"), QByteArray("nosniff"));
            QCOMPARE(r.header("Referrer-Policy"), QByteArray("no-referrer"));
            QVERIFY(!r.header("X-Request-Id").isEmpty());
            QCOMPARE(r.headerCount("X-Request-Id"), 1);
        }
    }

    void unhandledExceptionIsGeneric500()
    {
        const HttpReply r = m_ts->get("/test/throw");
        CHECK(verifyError(r, 500, QStringLiteral("INTERNAL_ERROR")));
        QVERIFY(!r.body.contains("secret internal detail"));
        QCOMPARE(m_ts->get("/health").status, 200);
    }

    void clientGoneBeforeAsyncAnswer()
    {
        HttpClient c(m_ts->port());
        QVERIFY(c.connectToServer());
        c.socket()->write("GET /test/slow?ms=150 HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE(m_ts->server().inFlight(), 1);
        c.disconnect();
        QTRY_COMPARE(m_slowAnswered, 1);
        QTRY_COMPARE(m_ts->server().inFlight(), 0);
        QCOMPARE(m_ts->get("/health").status, 200);
    }

    void expectContinueGetsInterimAnswer()
    {
        HttpClient c(m_ts->port());
        QVERIFY(c.connectToServer());
        c.socket()->write("POST /test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: "
                          "application/json\r\nExpect: 100-continue\r\nContent-Length: 12\r\n\r\n");
        QTRY_VERIFY(c.socket()->bytesAvailable() > 0);
        QVERIFY(c.socket()->peek(64).startsWith("HTTP/1.1 100 Continue"));
        c.socket()->write("{\"name\":\"a\"}");
        const HttpReply r = c.readReply();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.interim, QList<int> {100});
    }

    void pipelinedAnswersKeepRequestOrder()
    {
        HttpClient c(m_ts->port());
        QVERIFY(c.connectToServer());
        // A slow asynchronous answer first, then two that are ready at once.
        c.socket()->write("GET /test/slow?ms=200 HTTP/1.1\r\nHost: x\r\nX-Request-Id: first\r\n\r\n"
                          "GET /health HTTP/1.1\r\nHost: x\r\nX-Request-Id: second\r\n\r\n"
                          "GET /api/nope HTTP/1.1\r\nHost: x\r\nX-Request-Id: third\r\n\r\n");
        const HttpReply a = c.readReply(false, 3000);
        const HttpReply b = c.readReply(false, 3000);
        const HttpReply d = c.readReply(false, 3000);
        QCOMPARE(a.header("X-Request-Id"), QByteArray("first"));
        QCOMPARE(a.status, 200);
        QCOMPARE(b.header("X-Request-Id"), QByteArray("second"));
        QCOMPARE(d.header("X-Request-Id"), QByteArray("third"));
        QCOMPARE(d.status, 404);
        QCOMPARE(c.get("/health").status, 200); // the connection is still in step
    }

    void connectionCloseIsHonoured()
    {
        HttpClient c(m_ts->port());
        const HttpReply r = c.request("GET", "/health", {{"Connection", "close"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Connection"), QByteArray("close"));
        QVERIFY(c.waitForClose(2000));
    }

    void keepAliveServesSeveralRequests()
    {
        HttpClient c(m_ts->port());
        for (int i = 0; i < 5; ++i)
            QCOMPARE(c.get("/health").status, 200);
        QVERIFY(c.isConnected());
    }

    void idleConnectionsAreClosed()
    {
        CHECK(startServer([](Config &c) { c.http.idleTimeoutMs = 200; }));
        HttpClient idle(m_ts->port());
        QVERIFY(idle.connectToServer());
        QVERIFY(idle.waitForClose(3000));
        // Half-sent headers do not hold a connection forever either.
        HttpClient slow(m_ts->port());
        QVERIFY(slow.connectToServer());
        slow.socket()->write("GET /health HTTP/1.1\r\nHost");
        QVERIFY(slow.waitForClose(3000));
    }

    void connectionCapAnswers503()
    {
        CHECK(startServer([](Config &c) { c.http.maxConnections = 2; }));
        HttpClient a(m_ts->port()), b(m_ts->port()), extra(m_ts->port());
        QCOMPARE(a.get("/health").status, 200);
        QCOMPARE(b.get("/health").status, 200);
        QVERIFY(extra.connectToServer());
        const HttpReply r = extra.readReply();
        CHECK(verifyError(r, 503, QStringLiteral("SERVICE_UNAVAILABLE")));
        a.disconnect();
        QTRY_COMPARE(m_ts->server().inFlight(), 0);
        HttpClient later(m_ts->port());
        QTRY_COMPARE_WITH_TIMEOUT(later.get("/health").status, 200, 3000);
    }

    void perClientConnectionCap()
    {
        CHECK(startServer([](Config &c) { c.http.maxConnectionsPerClient = 2; }));
        HttpClient a(m_ts->port()), b(m_ts->port()), extra(m_ts->port());
        QCOMPARE(a.get("/health").status, 200);
        QCOMPARE(b.get("/health").status, 200);
        QVERIFY(extra.connectToServer());
        CHECK(verifyError(extra.readReply(), 503, QStringLiteral("SERVICE_UNAVAILABLE")));
        b.disconnect();
        HttpClient later(m_ts->port());
        QTRY_COMPARE_WITH_TIMEOUT(later.get("/health").status, 200, 3000);
    }

    // MARQUEE_WORKERS: several event loops on one port. The kernel spreads new connections over
    // them; a route that may run anywhere is answered where it arrived, any other (here the test
    // routes and /health) by the primary loop, and its answer still leaves on its connection.
    void severalEventLoopsShareOnePort()
    {
        CHECK(startServer([](Config &c) { c.workers = 4; }));
        MarqueeServer &server = m_ts->server();
        QCOMPARE(server.eventLoops(), 4);
        const quint64 before = server.requestsServed();
        const quint64 primaryBefore = server.http().requestsServed();
        constexpr int kConnections = 40;
        for (int i = 0; i < kConnections; ++i) {
            HttpClient c(m_ts->port());
            const HttpReply page = c.get("/api/openapi.json");
            QCOMPARE(page.status, 200);
            const HttpReply forwarded = c.get("/test/items/" + QByteArray::number(i + 1));
            QCOMPARE(forwarded.status, 200);
            QCOMPARE(forwarded.json().value("data").toInt(), i + 1);
        }
        QTRY_COMPARE(server.requestsServed(), before + 2 * kConnections);
        const quint64 primary = server.http().requestsServed() - primaryBefore;
        QVERIFY2(primary < 2 * kConnections,
            qPrintable(QStringLiteral("the primary loop wrote all %1 answers").arg(primary)));
        // Held on the primary loop, answered from it, written by the loops the requests came to.
        QList<std::shared_ptr<HttpClient>> clients;
        for (int i = 0; i < 8; ++i) {
            auto c = std::make_shared<HttpClient>(m_ts->port());
            QVERIFY(c->connectToServer());
            c->socket()->write("GET /test/held HTTP/1.1\r\nHost: x\r\n\r\n");
            clients << c;
        }
        QTRY_COMPARE(m_held.size(), 8);
        QCOMPARE(server.inFlight(), 8);
        release();
        for (const auto &c : clients)
            QCOMPARE(c->readReply().status, 200);
        QTRY_COMPARE(server.inFlight(), 0);
    }

    // With several event loops the sockets share the port through SO_REUSEPORT, which any
    // program of this user may also set: a server that finds another listener on its address
    // and port refuses to start rather than let the kernel hand that program its clients.
    void anotherListenerOnThePortIsRefused()
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        QVERIFY(fd >= 0);
        auto closeIt = qScopeGuard([fd] { ::close(fd); });
        const int on = 1;
        QCOMPARE(::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on), 0);
        sockaddr_in a {};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
        QCOMPARE(::listen(fd, 8), 0);
        socklen_t length = sizeof a;
        QCOMPARE(::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &length), 0);
        const quint16 port = ntohs(a.sin_port);
        for (const int loops : {1, 3}) {
            m_ts = std::make_unique<TestServer>();
            m_ts->config.port = port;
            m_ts->config.workers = loops;
            QVERIFY(!m_ts->start());
            QVERIFY2(m_ts->startError().startsWith(QLatin1String("PORT:")),
                qPrintable(m_ts->startError()));
        }
        QVERIFY2(m_ts->startError().contains(QLatin1String("another program listens")),
            qPrintable(m_ts->startError()));
    }

    void etagGivesNotModified()
    {
        const HttpReply first = m_ts->get("/test/etag");
        QCOMPARE(first.status, 200);
        QCOMPARE(first.header("ETag"), QByteArray("\"abc123\""));
        HttpClient c(m_ts->port());
        const HttpReply second = c.get("/test/etag", {{"If-None-Match", "\"abc123\""}});
        QCOMPARE(second.status, 304);
        QVERIFY(second.body.isEmpty());
        QCOMPARE(second.header("ETag"), QByteArray("\"abc123\""));
        QCOMPARE(c.get("/test/etag", {{"If-None-Match", "\"other\""}}).status, 200);
    }

    void shutdownLetsInFlightRequestFinish()
    {
        QCOMPARE(m_ts->server().config().shutdownGraceMs, 5000);
        HttpClient busy(m_ts->port());
        QVERIFY(busy.connectToServer());
        busy.socket()->write("GET /test/held HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE(m_held.size(), 1);
        HttpClient halfSent(m_ts->port());
        QVERIFY(halfSent.connectToServer());
        halfSent.socket()->write("GET /health HTTP/1.1\r\nHost: x\r\n");
        QTest::qWait(50);

        QSignalSpy stopped(&m_ts->server(), &MarqueeServer::stopped);
        QObject watch;
        bool stoppedWithRequestInFlight = false;
        connect(&m_ts->server(), &MarqueeServer::stopped, &watch,
            [&] { stoppedWithRequestInFlight = !m_held.isEmpty(); });
        m_ts->server().shutdown();
        QCOMPARE(stopped.count(), 0);
        // No new connections are accepted.
        HttpClient late(m_ts->port());
        QVERIFY(!late.connectToServer(500) || late.readReply(false, 500).status == 0);
        // A request already on its way is told the server is going away.
        const HttpReply health = halfSent.sendRaw("\r\n");
        CHECK(verifyError(health, 503, QStringLiteral("SERVICE_UNAVAILABLE")));

        // The held request may take the whole grace period (5 s): the server keeps waiting for
        // it with the event loop running. Half a second of that is plenty to catch a grace
        // period that is over far too soon.
        QVERIFY2(!QTest::qWaitFor([&] { return stopped.count() > 0; }, 500),
            "the server stopped with a request in flight, long before its grace period was over");
        QCOMPARE(m_ts->server().inFlight(), 1);
        release();
        const HttpReply held = busy.readReply(false, 3000);
        QCOMPARE(held.status, 200);
        QCOMPARE(held.json().value("data").toString(), QStringLiteral("held"));
        QCOMPARE(held.header("Connection"), QByteArray("close"));
        QTRY_COMPARE(stopped.count(), 1);
        QVERIFY(!stoppedWithRequestInFlight);
    }

    void shutdownGivesUpAfterGracePeriod()
    {
        CHECK(startServer([](Config &c) { c.shutdownGraceMs = 100; }));
        HttpClient busy(m_ts->port());
        QVERIFY(busy.connectToServer());
        busy.socket()->write("GET /test/held HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE(m_held.size(), 1);
        QSignalSpy stopped(&m_ts->server(), &MarqueeServer::stopped);
        m_ts->server().shutdown();
        QTRY_COMPARE(stopped.count(), 1); // never released: the server gives up waiting for it
        QCOMPARE(m_held.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
