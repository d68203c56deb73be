// toApiError as a unit: each kind of catalogue failure becomes one status and error code, and the
// catalogue's message is kept. tst_catalogue checks most of them end to end; TMDB still refusing
// with 429 after every retry (seconds of backoff) only here.
#include "api/catalogueerrors.h"

#include <QTest>

using namespace marquee;

class TestCatalogueErrors : public QObject
{
    Q_OBJECT

private slots:
    void mapping_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("code");
        using Kind = CatalogueError::Kind;
        QTest::newRow("not found") << int(Kind::NotFound) << 404 << QByteArray("NOT_FOUND");
        QTest::newRow("key rejected")
            << int(Kind::KeyRejected) << 503 << QByteArray("SERVICE_UNAVAILABLE");
        QTest::newRow("timeout") << int(Kind::Timeout) << 504 << QByteArray("UPSTREAM_TIMEOUT");
        QTest::newRow("unreachable")
            << int(Kind::Unreachable) << 503 << QByteArray("SERVICE_UNAVAILABLE");
        QTest::newRow("rate limited")
            << int(Kind::RateLimited) << 502 << QByteArray("UPSTREAM_ERROR");
        QTest::newRow("bad answer") << int(Kind::BadAnswer) << 502 << QByteArray("UPSTREAM_ERROR");
    }

    void mapping()
    {
        QFETCH(int, kind);
        QFETCH(int, status);
        QFETCH(QByteArray, code);
        const CatalogueError error {
            CatalogueError::Kind(kind), QStringLiteral("what the catalogue says")};
        const ApiError e = toApiError(error);
        QCOMPARE(e.status(), status);
        QCOMPARE(e.codeName(), code);
        QCOMPARE(e.message(), QStringLiteral("what the catalogue says"));
        QVERIFY(e.headers.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCatalogueErrors)
#include "tst_catalogueerrors.moc"
