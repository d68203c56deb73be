#pragma once

#include <QString>

#include <exception>

class QSqlError;
class QSqlQuery;

namespace marquee {

// The one way the stores (Database, Migrator, UserStore, ListStore) report a failure: they throw a
// StoreError. A normal answer is never an exception: "no such row" is a nullopt, a false or a
// domain enum (ProfileWrite, SessionEnd) in the method's return value, so a caller that gets a
// value back can trust it, and a caller never has to ask why a false came back.
//
// Why an exception and not a result type: every store caller either passes the failure on (a
// route answers 503 or 500) or does nothing with it but log, and a read of a list (the hot path)
// costs nothing for it when it succeeds. Only api/ turns a StoreError into an HTTP answer
// (api/storeerrors.h); auth/ answers its own 503; the command line prints the message.
//
//     // api/: a route table wraps its handlers once (api/storeerrors.h) ...
//     router.del(path, storeRoute(StoreRoutes::Account, handler));
//     // ... and the handler reads answers, not errors:
//     if (!users.deleteUser(id))      // false: no such user; a failed database threw instead
//         throw ApiError::notFound(QStringLiteral("User not found"));
//
//     // Anywhere else (auth/, core/, the command line): catch and decide.
//     try {
//         db.open();
//     } catch (const StoreError &e) {
//         printLine(stderr, e.message());
//     }
//
// The message is one line for the log and the command line (the SQL error, the file, the host);
// it never contains the database password, and a client never sees it.
class StoreError : public std::exception
{
public:
    enum class Kind {
        Unavailable, // no connection to the database (not installed, not reachable, closed)
        Failed, // a statement failed that the store did not expect to fail (busy, I/O, a bug)
        Incompatible, // the schema is newer than this build knows (an older Marquee on a newer
                      // database)
        UserGone, // the user a write was for was deleted meanwhile (by another server, on a
                  // shared database, within the moment its sign-in is remembered)
    };

    StoreError(Kind kind, QString message);

    // A statement failed: logs "<what> failed: <SQL error>" to the store's category and returns
    // the error carrying the same line: Unavailable when the connection was lost (PostgreSQL
    // went away), else Failed.
    static StoreError failed(const QSqlQuery &query, const char *what);
    static StoreError failed(const QSqlError &error, const char *what);
    static StoreError unavailable(const QString &message);

    Kind kind() const { return m_kind; }
    const QString &message() const { return m_message; }
    const char *what() const noexcept override { return m_what.constData(); }

private:
    Kind m_kind;
    QString m_message;
    QByteArray m_what;
};

} // namespace marquee
