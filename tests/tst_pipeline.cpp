// End-to-end behaviour of the HTTP pipeline over real sockets (API.md §1, §2, §7; issue 2).
#include "http/apierror.h"
#include "http/validation.h"
#include "support/testserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace marquee;
using namespace marquee::test;

class TestPipeline : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_ts;
    int m_slowAnswered = 0;

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
        QVERIFY(m_ts->start());
        addTestRoutes(m_ts->server().router());
    }

    static void verifyEnvelopeError(const HttpReply &r, int status, const QString &code)
    {
        QCOMPARE(r.status, status);
        QVERIFY(r.header("Content-Type").startsWith("application/json"));
        const QJsonObject o = r.json();
        QCOMPARE(o.value("success").toBool(true), false);
        QCOMPARE(o.value("error").toObject().value("code").toString(), code);
        QVERIFY(!o.value("error").toObject().value("message").toString().isEmpty());
        QCOMPARE(o.value("error").toObject().value("requestId").toString().toLatin1(),
            r.header("X-Request-Id"));
    }

private slots:
    void init()
    {
        m_slowAnswered = 0;
        startServer();
    }
    void cleanup() { m_ts.reset(); }

    void unknownRouteIs404()
    {
        const HttpReply r = m_ts->get("/api/nope");
        verifyEnvelopeError(r, 404, QStringLiteral("NOT_FOUND"));
    }

    void wrongMethodIs405WithAllow()
    {
        const HttpReply r = m_ts->request("PUT", "/health");
        verifyEnvelopeError(r, 405, QStringLiteral("METHOD_NOT_ALLOWED"));
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
        verifyEnvelopeError(r, 403, QStringLiteral("FORBIDDEN"));
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
        // Errors carry CORS headers too, or a browser could not read them.
        const HttpReply err = m_ts->get("/api/nope", {{"Origin", "http://localhost:5173"}});
        QCOMPARE(err.status, 404);
        QCOMPARE(err.header("Access-Control-Allow-Origin"), QByteArray("http://localhost:5173"));
    }

    void declaredBodyOverLimitIs413()
    {
        HttpClient c(m_ts->port());
        // Only the headers are sent: the guard answers from Content-Length alone.
        const HttpReply r
            = c.sendRaw("POST /test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Content-Length: 10000000\r\n\r\n");
        verifyEnvelopeError(r, 413, QStringLiteral("PAYLOAD_TOO_LARGE"));
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
        verifyEnvelopeError(r, 413, QStringLiteral("PAYLOAD_TOO_LARGE"));
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
        startServer([](Config &c) { c.http.idleTimeoutMs = 300; });
        HttpClient slow(m_ts->port());
        QVERIFY(slow.connectToServer());
        // One byte every 100 ms keeps the connection active, but the header block never ends.
        QElapsedTimer t;
        t.start();
        while (slow.isConnected() && t.elapsed() < 3000) {
            slow.socket()->write("x");
            QTest::qWait(100);
        }
        QVERIFY(!slow.isConnected());
        QVERIFY(t.elapsed() < 3000);
    }

    void bodyJustUnderLimitIsRead()
    {
        // 60 KiB of valid JSON: not a 413, the route sees it (and finds the name too long).
        const QByteArray body = "{\"name\":\"" + QByteArray(60 * 1024, 'x') + "\"}";
        const HttpReply r
            = m_ts->request("POST", "/test/echo", {{"Content-Type", "application/json"}}, body);
        verifyEnvelopeError(r, 400, QStringLiteral("VALIDATION_ERROR"));
    }

    void configuredBodyLimitApplies()
    {
        startServer([](Config &c) { c.http.maxBodyBytes = 1024; });
        const QByteArray body = "{\"name\":\"" + QByteArray(2000, 'x') + "\"}";
        const HttpReply r
            = m_ts->request("POST", "/test/echo", {{"Content-Type", "application/json"}}, body);
        QCOMPARE(r.status, 413);
    }

    void oversizedHeaderBlockIs431()
    {
        const HttpReply r = m_ts->get("/health", {{"X-Filler", QByteArray(20000, 'h')}});
        verifyEnvelopeError(r, 431, QStringLiteral("PAYLOAD_TOO_LARGE"));
        // A 100 KB URL is refused the same way.
        const HttpReply url = m_ts->get("/health?x=" + QByteArray(100000, 'u'));
        QCOMPARE(url.status, 431);
    }

    void bodyWithoutJsonContentTypeIs415()
    {
        const HttpReply r = m_ts->request(
            "POST", "/test/echo", {{"Content-Type", "text/plain"}}, "{\"name\":\"a\"}");
        verifyEnvelopeError(r, 415, QStringLiteral("UNSUPPORTED_MEDIA_TYPE"));
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
        verifyEnvelopeError(r, 400, QStringLiteral("INVALID_JSON"));
        const HttpReply arr
            = m_ts->request("POST", "/test/echo", {{"Content-Type", "application/json"}}, "[1,2]");
        verifyEnvelopeError(arr, 400, QStringLiteral("INVALID_JSON"));
        const HttpReply empty = m_ts->request(
            "POST", "/test/echo", {{"Content-Type", "application/json"}, {"Content-Length", "0"}});
        verifyEnvelopeError(empty, 400, QStringLiteral("INVALID_JSON"));
    }

    void validationErrorsListEveryField()
    {
        const HttpReply r = m_ts->request("POST", "/test/echo",
            {{"Content-Type", "application/json"}}, "{\"count\":\"3\",\"extra\":1}");
        verifyEnvelopeError(r, 400, QStringLiteral("VALIDATION_ERROR"));
        const QJsonArray details = r.json().value("error").toObject().value("details").toArray();
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
        QCOMPARE(r.json().value("error").toObject().value("requestId").toString(),
            QStringLiteral("client-1.A_b"));
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
        verifyEnvelopeError(r, 500, QStringLiteral("INTERNAL_ERROR"));
        QVERIFY(!r.body.contains("secret internal detail"));
        QCOMPARE(m_ts->get("/health").status, 200);
    }

    void clientGoneBeforeAsyncAnswer()
    {
        HttpClient c(m_ts->port());
        QVERIFY(c.connectToServer());
        c.socket()->write("GET /test/slow?ms=150 HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE(m_ts->server().http().inFlight(), 1);
        c.disconnect();
        QTRY_COMPARE(m_slowAnswered, 1);
        QTRY_COMPARE(m_ts->server().http().inFlight(), 0);
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
        startServer([](Config &c) { c.http.idleTimeoutMs = 200; });
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
        startServer([](Config &c) { c.http.maxConnections = 2; });
        HttpClient a(m_ts->port()), b(m_ts->port()), extra(m_ts->port());
        QCOMPARE(a.get("/health").status, 200);
        QCOMPARE(b.get("/health").status, 200);
        QVERIFY(extra.connectToServer());
        const HttpReply r = extra.readReply();
        verifyEnvelopeError(r, 503, QStringLiteral("SERVICE_UNAVAILABLE"));
        a.disconnect();
        QTRY_COMPARE(m_ts->server().http().inFlight(), 0);
        HttpClient later(m_ts->port());
        QTRY_COMPARE_WITH_TIMEOUT(later.get("/health").status, 200, 3000);
    }

    void perClientConnectionCap()
    {
        startServer([](Config &c) { c.http.maxConnectionsPerClient = 2; });
        HttpClient a(m_ts->port()), b(m_ts->port()), extra(m_ts->port());
        QCOMPARE(a.get("/health").status, 200);
        QCOMPARE(b.get("/health").status, 200);
        QVERIFY(extra.connectToServer());
        verifyEnvelopeError(extra.readReply(), 503, QStringLiteral("SERVICE_UNAVAILABLE"));
        b.disconnect();
        HttpClient later(m_ts->port());
        QTRY_COMPARE_WITH_TIMEOUT(later.get("/health").status, 200, 3000);
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
        HttpClient busy(m_ts->port());
        QVERIFY(busy.connectToServer());
        busy.socket()->write("GET /test/slow?ms=300 HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE(m_ts->server().http().inFlight(), 1);
        HttpClient halfSent(m_ts->port());
        QVERIFY(halfSent.connectToServer());
        halfSent.socket()->write("GET /health HTTP/1.1\r\nHost: x\r\n");
        QTest::qWait(50);

        QSignalSpy stopped(&m_ts->server(), &MarqueeServer::stopped);
        m_ts->server().shutdown();
        QCOMPARE(stopped.count(), 0); // waits for the slow request
        // No new connections are accepted.
        HttpClient late(m_ts->port());
        QVERIFY(!late.connectToServer(500) || late.readReply(false, 500).status == 0);
        // A request already on its way is told the server is going away.
        const HttpReply health = halfSent.sendRaw("\r\n");
        verifyEnvelopeError(health, 503, QStringLiteral("SERVICE_UNAVAILABLE"));

        const HttpReply slow = busy.readReply(false, 3000);
        QCOMPARE(slow.status, 200);
        QCOMPARE(slow.header("Connection"), QByteArray("close"));
        QTRY_COMPARE(stopped.count(), 1);
        QCOMPARE(m_slowAnswered, 1);
    }

    void shutdownGivesUpAfterGracePeriod()
    {
        startServer([](Config &c) { c.shutdownGraceMs = 100; });
        HttpClient busy(m_ts->port());
        QVERIFY(busy.connectToServer());
        busy.socket()->write("GET /test/slow?ms=5000 HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE(m_ts->server().http().inFlight(), 1);
        QSignalSpy stopped(&m_ts->server(), &MarqueeServer::stopped);
        m_ts->server().shutdown();
        QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 2000);
    }
};

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
