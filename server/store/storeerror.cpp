#include "storeerror.h"

#include "log/categories.h"

#include <QSqlError>
#include <QSqlQuery>

namespace marquee {

StoreError::StoreError(Kind kind, QString message)
    : m_kind(kind)
    , m_message(std::move(message))
    , m_what(m_message.toUtf8())
{ }

StoreError StoreError::failed(const QSqlQuery &query, const char *what)
{
    return failed(query.lastError(), what);
}

namespace {

// The statement failed because the database went away (PostgreSQL stopped or restarted, the
// network dropped), not because of the statement: the answer is 503, and Database reconnects.
bool connectionLost(const QSqlError &error)
{
    if (error.type() == QSqlError::ConnectionError)
        return true;
    // SQLSTATE class 08 (connection exception), 57P01-57P03 (administrator shutdown, crash
    // shutdown, cannot connect now), 53300 (too many connections).
    const QString state = error.nativeErrorCode();
    if (state.startsWith(QLatin1String("08")) || state.startsWith(QLatin1String("57P0"))
        || state == QLatin1String("53300"))
        return true;
    // libpq's own words when there is no server answer to take a code from.
    static const char *const lost[] = {"server closed the connection",
        "no connection to the server", "terminating connection", "could not connect",
        "Connection refused", "the database system is", "could not receive data",
        "could not send data", "SSL SYSCALL error", "connection to server"};
    const QString text = error.databaseText() + QLatin1Char(' ') + error.driverText();
    for (const char *phrase : lost)
        if (text.contains(QLatin1String(phrase)))
            return true;
    return false;
}

} // namespace

StoreError StoreError::failed(const QSqlError &error, const char *what)
{
    const QString message
        = QStringLiteral("%1 failed: %2").arg(QLatin1String(what), error.text().simplified());
    qCWarning(lcStore).noquote() << message;
    return StoreError(connectionLost(error) ? Kind::Unavailable : Kind::Failed, message);
}

StoreError StoreError::unavailable(const QString &message)
{
    return StoreError(Kind::Unavailable, message);
}

} // namespace marquee
