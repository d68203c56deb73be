// Logging: redaction everywhere, the access log, JSON lines, the bounded buffer.
#include "log/categories.h"
#include "log/logger.h"
#include "log/timeformat.h"
#include "support/check.h"
#include "support/testserver.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryFile>
#include <QTest>

#include <optional>

using namespace marquee;
using namespace marquee::test;

class TestLogging : public QObject
{
    Q_OBJECT

    Logger m_log; // this program's log, installed for Qt's messages by initTestCase()
    std::optional<LogInstallation> m_installed;

    QString allLogText() const
    {
        QString all;
        for (const auto &e : m_log.buffer()->entriesAfter(0))
            all += e.message + QLatin1Char('\n');
        return all;
    }

private slots:
    void initTestCase()
    {
        setLogLevel(LogLevel::Info);
        m_installed.emplace(m_log);
    }
    void cleanupTestCase() { m_installed.reset(); }

    void redaction_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("secret");
        QTest::newRow("authorization header") << "headers: Authorization: Bearer abc.def.ghi"
                                              << "abc.def.ghi";
        QTest::newRow("authorization basic") << "authorization=Basic dXNlcjpwYXNz"
                                             << "dXNlcjpwYXNz";
        QTest::newRow("json authorization") << R"({"Authorization":"Bearer tok_123456"})"
                                            << "tok_123456";
        QTest::newRow("bearer alone") << "sent bearer qwerty.uiop.asdf to upstream"
                                      << "qwerty.uiop.asdf";
        QTest::newRow("cookie") << "Cookie: __session=eyJhbGciOi; other=1"
                                << "__session=eyJhbGciOi";
        QTest::newRow("api_key query") << "GET /3/movie/550?api_key=0123456789abcdef&language=en"
                                       << "0123456789abcdef";
        QTest::newRow("jwt")
            << "token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2lnbmF0dXJl seen"
            << "eyJzdWIiOiJ1c2VyXzEifQ";
        QTest::newRow("clerk secret") << "using sk_test_AbCdEfGhIjKlMnOp"
                                      << "AbCdEfGhIjKlMnOp";
        QTest::newRow("webhook secret") << "whsec_MfKQ9r8GKYqrTwjUPD8ILPZI"
                                        << "MfKQ9r8GKYqrTwjUPD8ILPZI";
    }
    void redaction()
    {
        QFETCH(QString, line);
        QFETCH(QString, secret);
        const QString out = m_log.redact(line);
        QVERIFY2(!out.contains(secret), qPrintable(out));
        QVERIFY2(out.contains(QLatin1String("[REDACTED]")), qPrintable(out));
    }

    void configuredSecretsAreRedacted()
    {
        m_log.addSecret(QStringLiteral("my-tmdb-v4-read-token-value"));
        qInfo("upstream said: my-tmdb-v4-read-token-value is invalid");
        QVERIFY(!allLogText().contains(QLatin1String("my-tmdb-v4-read-token-value")));
        QVERIFY(allLogText().contains(QLatin1String("upstream said: [REDACTED] is invalid")));
    }

    void accessLogNeverShowsAuthorizationOrQuery()
    {
        TestServer ts(&m_log);
        QVERIFY2(ts.start(), notStarted("server", ts.startError()));
        // A careless route that logs the request as it came, headers and query included: what
        // the log must still never show, whoever writes the line.
        ts.server().router().get(QStringLiteral("/test/careless"), [](const ExchangePtr &ex) {
            QString dump = QStringLiteral("request: GET /test/careless?")
                + ex->request().query.toString(QUrl::FullyEncoded);
            for (const auto &[name, value] : ex->request().headers)
                dump += QStringLiteral("\n  ") + QString::fromLatin1(name) + QStringLiteral(": ")
                    + QString::fromLatin1(value);
            qCInfo(lcHttp).noquote() << dump;
            ex->respond(HttpResponse::ok(true));
        });
        const quint64 before = m_log.buffer()->entriesAfter(0).isEmpty()
            ? 0
            : m_log.buffer()->entriesAfter(0).last().id;
        const QList<std::pair<QByteArray, QByteArray>> secrets {
            {"Authorization", "Bearer header.secret.value"}, {"Cookie", "__session=cookiesecret"}};
        const HttpReply r = ts.get("/health?api_key=querysecret123&token=abc",
            secrets + QList<std::pair<QByteArray, QByteArray>> {{"X-Request-Id", "log-test-1"}});
        QCOMPARE(r.status, 200);
        const HttpReply careless = ts.get("/test/careless?api_key=querysecret123&token=abc",
            secrets + QList<std::pair<QByteArray, QByteArray>> {{"X-Request-Id", "log-test-2"}});
        QCOMPARE(careless.status, 200);
        QString lines;
        bool sawAccess = false;
        int headerLines = 0; // lines that did carry the headers, with their values redacted
        for (const auto &e : m_log.buffer()->entriesAfter(before)) {
            lines += e.message + QLatin1Char('\n');
            if (e.message.contains(QLatin1String("Authorization"))
                && e.message.contains(QLatin1String("Cookie"))
                && e.message.contains(QLatin1String("[REDACTED]")))
                ++headerLines;
            if (e.category == QLatin1String("marquee.access")
                && e.message.contains(QLatin1String("log-test-1"))) {
                sawAccess = true;
                QVERIFY2(
                    e.message.startsWith(QLatin1String("GET /health 200 ")), qPrintable(e.message));
                QVERIFY(e.message.contains(QLatin1String("ms ")));
                QVERIFY(e.message.contains(QLatin1String("B rid=log-test-1")));
            }
        }
        QVERIFY(sawAccess);
        QCOMPARE(headerLines, 1); // so the check below did look at a line holding the headers
        // A decoded control character in the path cannot forge a second log line.
        const quint64 mark = m_log.buffer()->entriesAfter(0).last().id;
        QCOMPARE(ts.get("/x%0A2026-01-01T00:00:00.000Z%20INFO%20forged").status, 404);
        for (const auto &e : m_log.buffer()->entriesAfter(mark)) {
            if (e.category == QLatin1String("marquee.access"))
                QVERIFY2(!e.message.contains(QLatin1Char('\n')), qPrintable(e.message));
        }
        for (const char *secret :
            {"header.secret.value", "cookiesecret", "querysecret123", "token=abc"})
            QVERIFY2(!lines.contains(QLatin1String(secret)), secret);
    }

    // A secret or a token in a request path never reaches the output, in either format: the
    // text format's access lines (the hot path) are redacted too.
    void accessLinesRedactSecretsAndTokensInPaths_data()
    {
        QTest::addColumn<bool>("json");
        QTest::newRow("text") << false;
        QTest::newRow("json") << true;
    }
    void accessLinesRedactSecretsAndTokensInPaths()
    {
        QFETCH(bool, json);
        const QString key = QStringLiteral("0123456789abcdef0123456789abcdef");
        const QString jwt
            = QStringLiteral("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2lnbmF0dXJl");
        m_log.addSecret(key);
        QTemporaryFile file;
        QVERIFY(file.open());
        FILE *out = std::fopen(qPrintable(file.fileName()), "w");
        QVERIFY(out);
        m_log.setOutput(out);
        m_log.setFormat(json ? LogFormat::Json : LogFormat::Text);
        AccessRecord rec;
        rec.method = "GET";
        rec.status = 404;
        rec.requestId = "rid-path";
        for (const QString &path : {QStringLiteral("/api/people/") + key,
                 QStringLiteral("/api/x/") + jwt + QStringLiteral("/y")}) {
            rec.path = path;
            m_log.logAccess(rec);
        }
        m_log.flush();
        m_log.setFormat(LogFormat::Text);
        m_log.setOutput(stderr);
        std::fclose(out);
        QFile in(file.fileName());
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray written = in.readAll();
        QCOMPARE(written.count('\n'), 2);
        QVERIFY2(!written.contains(key.toLatin1()), written);
        QVERIFY2(!written.contains("c2lnbmF0dXJl") && !written.contains("eyJzdWIi"), written);
        QCOMPARE(written.count("[REDACTED]"), json ? 4 : 2); // JSON: in "msg" and in "path"
    }

    void productionWritesJsonLines()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        FILE *out = std::fopen(qPrintable(file.fileName()), "w");
        QVERIFY(out);
        m_log.setOutput(out);
        m_log.setFormat(LogFormat::Json);
        AccessRecord rec;
        rec.method = "GET";
        rec.path = QStringLiteral("/api/movies/popular");
        rec.status = 200;
        rec.durationMs = 1.234;
        rec.bytes = 512;
        rec.requestId = "rid-json";
        rec.userId = 7;
        m_log.logAccess(rec);
        qWarning("plain warning with Authorization: Bearer xyz.abc.def");
        m_log.setFormat(LogFormat::Text);
        m_log.setOutput(stderr);
        std::fclose(out);
        QFile in(file.fileName());
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = in.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        const QJsonObject access = QJsonDocument::fromJson(lines.at(0)).object();
        QCOMPARE(access.value("category").toString(), QStringLiteral("marquee.access"));
        QCOMPARE(access.value("method").toString(), QStringLiteral("GET"));
        QCOMPARE(access.value("path").toString(), QStringLiteral("/api/movies/popular"));
        QCOMPARE(access.value("status").toInt(), 200);
        QCOMPARE(access.value("bytes").toInt(), 512);
        QCOMPARE(access.value("requestId").toString(), QStringLiteral("rid-json"));
        QCOMPARE(access.value("userId").toInt(), 7);
        QVERIFY(access.contains("time"));
        const QJsonObject warning = QJsonDocument::fromJson(lines.at(1)).object();
        QCOMPARE(warning.value("level").toString(), QStringLiteral("warning"));
        QVERIFY(!lines.at(1).contains("xyz.abc.def"));
    }

    // The sink alone: batched lines wait for flush() or the next unbatched line, and go out
    // before it, so the order of lines holds.
    void sinkKeepsTheOrderOfLines()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        FILE *out = std::fopen(qPrintable(file.fileName()), "w");
        QVERIFY(out);
        {
            LogSink sink(out);
            sink.write("a\n", true);
            sink.write("b\n", true);
            QCOMPARE(QFileInfo(file.fileName()).size(), 0);
            sink.write("c\n", false);
            QCOMPARE(QFileInfo(file.fileName()).size(), 6);
            sink.write("d\n", true);
            sink.flush();
            sink.write("e\n", true);
        } // the destructor writes what is still batched
        std::fclose(out);
        QFile in(file.fileName());
        QVERIFY(in.open(QIODevice::ReadOnly));
        QCOMPARE(in.readAll(), QByteArray("a\nb\nc\nd\ne\n"));
    }

    // The formatter alone: one record, one line, in either format; an access record's JSON line
    // carries its fields and the short message.
    void formatterWritesOneLinePerRecord()
    {
        LogFormatter formatter;
        const LogRecord warning = formatter.qtRecord(QStringLiteral("warning"),
            QStringLiteral("marquee.app"), QStringLiteral("Authorization: Bearer xyz.abc.def"));
        const QByteArray text = formatter.format(warning);
        QVERIFY2(text.endsWith(" WARNING marquee.app Authorization: [REDACTED]\n"), text);
        QCOMPARE(text.count('\n'), 1);
        QCOMPARE(text.left(24), isoUtc(warning.time.toMSecsSinceEpoch()).toLatin1());

        // method, path (with a decoded control character), status, duration, bytes, request id
        const AccessRecord rec {"GET", QStringLiteral("/api/x\ny"), 200, 1.5, 10, "rid-1"};
        const LogRecord access = formatter.accessRecord(rec);
        QCOMPARE(access.message, QStringLiteral("GET /api/x?y 200 1.50ms 10B rid=rid-1"));
        QVERIFY2(formatter.format(access).endsWith(
                     " INFO    marquee.access GET /api/x?y 200 1.50ms 10B rid=rid-1\n"),
            formatter.format(access));
        formatter.setFormat(LogFormat::Json);
        const QJsonObject o = QJsonDocument::fromJson(formatter.format(access)).object();
        QCOMPARE(o.value("msg").toString(), QStringLiteral("GET /api/x?y 200"));
        QCOMPARE(o.value("path").toString(), QStringLiteral("/api/x?y"));
        QCOMPARE(o.value("durationMs").toDouble(), 1.5);
        QCOMPARE(o.value("requestId").toString(), QStringLiteral("rid-1"));
        QVERIFY(!o.contains("userId") && !o.contains("clientGone"));
    }

    void bufferIsBoundedAndServesAfterId()
    {
        LogBuffer buffer(3);
        QSignalSpy spy(&buffer, &LogBuffer::lineAdded);
        for (int i = 0; i < 5; ++i)
            buffer.append(LogEntry {0, QDateTime::currentDateTimeUtc(), QStringLiteral("info"),
                QStringLiteral("t"), QString::number(i)});
        QCOMPARE(spy.count(), 5);
        const auto all = buffer.entriesAfter(0);
        QCOMPARE(all.size(), 3);
        QCOMPARE(all.first().message, QStringLiteral("2"));
        QCOMPARE(all.last().id, quint64(5));
        QCOMPARE(buffer.entriesAfter(4).size(), 1);
        QCOMPARE(buffer.entriesAfter(5).size(), 0);
    }

    void levelFiltering()
    {
        setLogLevel(LogLevel::Warning);
        const quint64 before = m_log.buffer()->entriesAfter(0).last().id;
        qCInfo(lcApp) << "info-hidden";
        qCWarning(lcApp) << "warning-shown";
        setLogLevel(LogLevel::Info);
        QString text;
        for (const auto &e : m_log.buffer()->entriesAfter(before))
            text += e.message;
        QVERIFY(!text.contains(QLatin1String("info-hidden")));
        QVERIFY(text.contains(QLatin1String("warning-shown")));
    }
};

QTEST_GUILESS_MAIN(TestLogging)
#include "tst_logging.moc"
