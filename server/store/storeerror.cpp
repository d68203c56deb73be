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

StoreError StoreError::failed(const QSqlError &error, const char *what)
{
    const QString message
        = QStringLiteral("%1 failed: %2").arg(QLatin1String(what), error.text().simplified());
    qCWarning(lcStore).noquote() << message;
    return StoreError(Kind::Failed, message);
}

StoreError StoreError::unavailable(const QString &message)
{
    return StoreError(Kind::Unavailable, message);
}

} // namespace marquee
