// The stores' one error contract, without sockets: a failing database is a StoreError of the
// right kind (never a nullopt or false that a route would have to interpret), a missing row is a
// plain answer, and api/'s toApiError() turns each kind into exactly the answer each route family
// has always given.
#include "api/storeerrors.h"
#include "store/database.h"
#include "store/liststore.h"
#include "store/userstore.h"
#include "support/testdatabase.h"

#include <QSqlQuery>
#include <QTest>

using namespace marquee;

Q_DECLARE_METATYPE(StoreError::Kind)
Q_DECLARE_METATYPE(StoreRoutes)

class TestStoreErrors : public QObject
{
    Q_OBJECT

    test::TestDatabases m_files;

    template<typename Fn> static std::optional<StoreError::Kind> kindThrownBy(Fn fn)
    {
        try {
            fn();
        } catch (const StoreError &e) {
            return e.kind();
        }
        return std::nullopt;
    }

private slots:
    void mapping_data()
    {
        QTest::addColumn<StoreError::Kind>("kind");
        QTest::addColumn<StoreRoutes>("routes");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("lists, unavailable")
            << StoreError::Kind::Unavailable << StoreRoutes::Lists << 503
            << QByteArray("SERVICE_UNAVAILABLE") << QStringLiteral("The database is unavailable");
        QTest::newRow("lists, failed")
            << StoreError::Kind::Failed << StoreRoutes::Lists << 500 << QByteArray("INTERNAL_ERROR")
            << QStringLiteral("Internal server error");
        QTest::newRow("account, unavailable")
            << StoreError::Kind::Unavailable << StoreRoutes::Account << 503
            << QByteArray("SERVICE_UNAVAILABLE") << QStringLiteral("Database unavailable");
        QTest::newRow("account, failed")
            << StoreError::Kind::Failed << StoreRoutes::Account << 503
            << QByteArray("SERVICE_UNAVAILABLE") << QStringLiteral("Database unavailable");
        QTest::newRow("incompatible")
            << StoreError::Kind::Incompatible << StoreRoutes::Account << 500
            << QByteArray("INTERNAL_ERROR") << QStringLiteral("Internal server error");
    }

    // The SQL error in the message stays in the log: the client sees only the fixed text.
    void mapping()
    {
        QFETCH(StoreError::Kind, kind);
        QFETCH(StoreRoutes, routes);
        const StoreError error(kind, QStringLiteral("no such table: users (SELECT ...)"));
        const ApiError api = toApiError(error, routes);
        QTEST(api.status(), "status");
        QTEST(api.codeName(), "code");
        QTEST(api.message(), "message");
        QVERIFY(api.details().isEmpty());
    }

    void routesAndCallsAnswerWithTheMapping()
    {
        const Handler failing = storeRoute(StoreRoutes::Lists,
            [](const ExchangePtr &) { throw StoreError::unavailable(QStringLiteral("closed")); });
        try {
            failing(nullptr);
            QFAIL("nothing thrown");
        } catch (const ApiError &e) {
            QCOMPARE(e.status(), 503);
            QCOMPARE(e.message(), QStringLiteral("The database is unavailable"));
        }
        QCOMPARE(mapStoreErrors(StoreRoutes::Account, [] { return 7; }), 7);
        QVERIFY_THROWS_EXCEPTION(ApiError, mapStoreErrors(StoreRoutes::Account, []() -> int {
            throw StoreError(StoreError::Kind::Failed, QStringLiteral("x"));
        }));
    }

    // What used to be a false (404 in one route, 503 in another) is now two answers.
    void userStoreTellsMissingFromFailed()
    {
        const auto database = m_files.migrated();
        Database &db = *database;
        UserStore users(db);
        QVERIFY(!users.findById(42)); // no such user: a plain answer
        QVERIFY(!users.deleteUser(42));
        QVERIFY(!users.revokeSession(42, QStringLiteral("sess_none"), 1));
        QCOMPARE(users.forgetClerkDeletion(QStringLiteral("user_none")), false);
        const auto alice = users.ensureUser(QStringLiteral("user_alice"), 1);
        QVERIFY(alice);
        QVERIFY(users.deleteUser(alice->id));

        QVERIFY(QSqlQuery(db.connection()).exec(QStringLiteral("DROP TABLE sessions")));
        QVERIFY(kindThrownBy([&] { users.sessions(1); }) == StoreError::Kind::Failed);
        db.close();
        QVERIFY(kindThrownBy([&] { users.findById(42); }) == StoreError::Kind::Unavailable);
        QVERIFY(kindThrownBy([&] { users.deleteUser(42); }) == StoreError::Kind::Unavailable);
        QVERIFY(kindThrownBy([&] { users.userCount(); }) == StoreError::Kind::Unavailable);
    }

    void listStoreFailures()
    {
        const auto database = m_files.migrated();
        Database &db = *database;
        ListStore lists(db);
        ListQuery query;
        query.userId = 1;
        QCOMPARE(lists.list(ListKind::Favorites, query).total, 0);
        QVERIFY(QSqlQuery(db.connection()).exec(QStringLiteral("DROP TABLE favorites")));
        QVERIFY(
            kindThrownBy([&] { lists.count(ListKind::Favorites, 1); }) == StoreError::Kind::Failed);
        db.close();
        QVERIFY(kindThrownBy([&] { lists.list(ListKind::Watchlist, query); })
            == StoreError::Kind::Unavailable);
    }
};

QTEST_GUILESS_MAIN(TestStoreErrors)
#include "tst_storeerrors.moc"
