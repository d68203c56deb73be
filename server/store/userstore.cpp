#include "userstore.h"

#include "database.h"
#include "log/text.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

namespace marquee {

namespace {

const char kUserColumns[]
    = "id, clerk_id, email, first_name, last_name, display_name, image_url, preferences, "
      "created_at, updated_at, last_seen_at, profile_synced_at";

UserRecord readUser(const QSqlQuery &q)
{
    UserRecord u;
    u.id = q.value(0).toLongLong();
    u.clerkId = q.value(1).toString();
    u.email = q.value(2).toString();
    u.firstName = q.value(3).toString();
    u.lastName = q.value(4).toString();
    u.displayName = q.value(5).toString();
    u.imageUrl = q.value(6).toString();
    u.preferences = QJsonDocument::fromJson(q.value(7).toString().toUtf8()).object();
    u.createdAt = q.value(8).toLongLong();
    u.updatedAt = q.value(9).toLongLong();
    u.lastSeenAt = q.value(10).toLongLong();
    u.profileSyncedAt = q.value(11).toLongLong();
    return u;
}

QVariant nullable(const QString &s)
{
    return s.isNull() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s);
}

// QSqlQuery::prepare, with its failure thrown: unchecked, a statement that cannot be prepared
// (a missing table) fails later in exec() with "Parameter count mismatch", which hides the cause.
void prepare(QSqlQuery &q, const QString &sql)
{
    if (!q.prepare(sql))
        throw StoreError::failed(q, "preparing a statement");
}

// QSqlQuery::exec, with its failure thrown as what failed.
void exec(QSqlQuery &q, const char *what)
{
    if (!q.exec())
        throw StoreError::failed(q, what);
}

} // namespace

std::optional<ClerkProfile> ClerkProfile::fromClerkUser(const QJsonObject &user)
{
    ClerkProfile p;
    p.clerkId = user.value("id").toString();
    if (p.clerkId.isEmpty() || hasControlCharacters(p.clerkId))
        return std::nullopt;
    // Only the primary address, as Clerk's SDK reads it: no primary, no email.
    const QString primary = user.value("primary_email_address_id").toString();
    const QJsonArray emails = user.value("email_addresses").toArray();
    for (const auto &e : emails) {
        const QJsonObject o = e.toObject();
        if (!primary.isEmpty() && o.value("id").toString() == primary) {
            p.email = withoutControlCharacters(o.value("email_address").toString());
            break;
        }
    }
    // PostgreSQL cannot store U+0000, and no name needs a control character.
    p.firstName = withoutControlCharacters(user.value("first_name").toString());
    p.lastName = withoutControlCharacters(user.value("last_name").toString());
    p.imageUrl = withoutControlCharacters(user.value("image_url").toString());
    const QJsonValue updated = user.value("updated_at");
    if (updated.isDouble() && updated.toDouble() >= 1 && updated.toDouble() < 1e15)
        p.updatedAt = qint64(updated.toDouble()); // toInteger() is 0 for a fraction
    return p;
}

UserStore::UserStore(Database &db)
    : m_db(db)
{ }

std::optional<UserRecord> UserStore::findByClerkId(const QString &clerkId)
{
    QSqlQuery q(m_db.requireConnection());
    prepare(q,
        QStringLiteral("SELECT %1 FROM users WHERE clerk_id = ?").arg(QLatin1String(kUserColumns)));
    q.addBindValue(clerkId);
    exec(q, "user lookup");
    return q.next() ? std::optional<UserRecord>(readUser(q)) : std::nullopt;
}

std::optional<UserRecord> UserStore::findById(qint64 id)
{
    QSqlQuery q(m_db.requireConnection());
    prepare(
        q, QStringLiteral("SELECT %1 FROM users WHERE id = ?").arg(QLatin1String(kUserColumns)));
    q.addBindValue(id);
    exec(q, "user lookup");
    if (!q.next())
        return std::nullopt;
    return readUser(q);
}

std::optional<UserRecord> UserStore::ensureUser(
    const QString &clerkId, qint64 nowMs, bool *created, bool *deleted)
{
    if (created)
        *created = false;
    if (deleted)
        *deleted = false;
    // Asked before the user row: should a row and a deletion both exist (two servers on one
    // PostgreSQL database racing), the deletion wins.
    QSqlQuery q(m_db.requireConnection());
    prepare(q, QStringLiteral("SELECT COUNT(*) FROM deleted_users WHERE clerk_id = ?"));
    q.addBindValue(clerkId);
    if (!q.exec() || !q.next())
        throw StoreError::failed(q, "deleted user lookup");
    if (q.value(0).toLongLong() > 0) {
        if (deleted)
            *deleted = true;
        return std::nullopt;
    }
    if (auto u = findByClerkId(clerkId))
        return u;
    // The guard repeats the check in the statement that creates, for a deletion committed by
    // another server in between.
    prepare(q,
        QStringLiteral(
            "INSERT INTO users (clerk_id, preferences, created_at, updated_at, last_seen_at) "
            "SELECT ?, '{}', ?, ?, ? "
            "WHERE NOT EXISTS (SELECT 1 FROM deleted_users WHERE clerk_id = ?) "
            "ON CONFLICT (clerk_id) DO NOTHING"));
    q.addBindValue(clerkId);
    q.addBindValue(nowMs);
    q.addBindValue(nowMs);
    q.addBindValue(nowMs);
    q.addBindValue(clerkId);
    exec(q, "user creation");
    const bool inserted = q.numRowsAffected() > 0;
    if (created)
        *created = inserted;
    auto user = findByClerkId(clerkId);
    if (!user && inserted)
        throw StoreError(StoreError::Kind::Failed, QStringLiteral("a new user row is not there"));
    if (!user && deleted)
        *deleted = true; // the guard held: deleted meanwhile
    return user;
}

ProfileWrite UserStore::applyClerkProfile(const ClerkProfile &p, qint64 nowMs, bool createIfMissing)
{
    ProfileWrite outcome = ProfileWrite::NoUser;
    m_db.transaction([&](QSqlDatabase &db) {
        QSqlQuery q(db);
        const auto failed = [&]() -> bool { throw StoreError::failed(q, "profile write"); };
        if (createIfMissing) {
            prepare(q, QStringLiteral("SELECT deleted_at FROM deleted_users WHERE clerk_id = ?"));
            q.addBindValue(p.clerkId);
            if (!q.exec())
                return failed();
            if (q.next()) {
                // Not newer than the deletion: a late delivery of what Clerk has since deleted.
                if (p.updatedAt <= q.value(0).toLongLong()) {
                    outcome = ProfileWrite::Deleted;
                    return true;
                }
                prepare(q, QStringLiteral("DELETE FROM deleted_users WHERE clerk_id = ?"));
                q.addBindValue(p.clerkId);
                if (!q.exec())
                    return failed();
            }
            prepare(q,
                QStringLiteral("INSERT INTO users (clerk_id, preferences, created_at, updated_at, "
                               "last_seen_at) "
                               "VALUES (?, '{}', ?, ?, ?) ON CONFLICT (clerk_id) DO NOTHING"));
            q.addBindValue(p.clerkId);
            q.addBindValue(nowMs);
            q.addBindValue(nowMs);
            q.addBindValue(nowMs);
            if (!q.exec())
                return failed();
        }
        // Equal versions are written again (the same state; harmless); older ones never.
        const bool versioned = p.updatedAt > 0;
        prepare(q,
            QStringLiteral(
                "UPDATE users SET email = ?, first_name = ?, last_name = ?, image_url = ?, "
                "updated_at = ?, profile_synced_at = ?, clerk_updated_at = %1 WHERE clerk_id = ?%2")
                .arg(versioned ? QStringLiteral("?") : QStringLiteral("clerk_updated_at"),
                    versioned
                        ? QStringLiteral(" AND (clerk_updated_at IS NULL OR clerk_updated_at <= ?)")
                        : QString()));
        q.addBindValue(nullable(p.email.isEmpty() ? QString() : p.email));
        q.addBindValue(nullable(p.firstName.isEmpty() ? QString() : p.firstName));
        q.addBindValue(nullable(p.lastName.isEmpty() ? QString() : p.lastName));
        q.addBindValue(nullable(p.imageUrl.isEmpty() ? QString() : p.imageUrl));
        q.addBindValue(nowMs);
        q.addBindValue(nowMs);
        if (versioned)
            q.addBindValue(p.updatedAt);
        q.addBindValue(p.clerkId);
        if (versioned)
            q.addBindValue(p.updatedAt);
        if (!q.exec())
            return failed();
        if (q.numRowsAffected() > 0) {
            outcome = ProfileWrite::Applied;
            return true;
        }
        // Nothing written: no such user, or a newer profile is stored.
        prepare(q, QStringLiteral("SELECT COUNT(*) FROM users WHERE clerk_id = ?"));
        q.addBindValue(p.clerkId);
        if (!q.exec() || !q.next())
            return failed();
        outcome = q.value(0).toLongLong() > 0 ? ProfileWrite::Stale : ProfileWrite::NoUser;
        return true;
    });
    return outcome;
}

void UserStore::updateSettings(qint64 userId, const std::optional<QString> &displayName,
    bool setDisplayName, const QJsonObject &preferences, qint64 nowMs)
{
    QSqlQuery q(m_db.requireConnection());
    if (setDisplayName) {
        prepare(q,
            QStringLiteral(
                "UPDATE users SET display_name = ?, preferences = ?, updated_at = ? WHERE id = ?"));
        q.addBindValue(
            displayName ? nullable(*displayName) : QVariant(QMetaType::fromType<QString>()));
    } else {
        prepare(q, QStringLiteral("UPDATE users SET preferences = ?, updated_at = ? WHERE id = ?"));
    }
    q.addBindValue(QString::fromUtf8(QJsonDocument(preferences).toJson(QJsonDocument::Compact)));
    q.addBindValue(nowMs);
    q.addBindValue(userId);
    exec(q, "settings update");
    m_db.commitGroup(); // answered as done: must not wait in an open write group
}

void UserStore::touchLastSeen(qint64 userId, qint64 nowMs)
{
    QSqlQuery q(m_db.requireConnection());
    prepare(q, QStringLiteral("UPDATE users SET last_seen_at = ? WHERE id = ?"));
    q.addBindValue(nowMs);
    q.addBindValue(userId);
    exec(q, "last-seen update");
}

bool UserStore::deleteUser(qint64 userId)
{
    // Foreign keys cascade to sessions, watchlist and favorites; the explicit deletes keep that
    // true on a database opened without foreign-key enforcement.
    return m_db.transaction([&](QSqlDatabase &db) {
        QSqlQuery q(db);
        for (const char *table : {"sessions", "watchlist", "favorites"}) {
            prepare(
                q, QStringLiteral("DELETE FROM %1 WHERE user_id = ?").arg(QLatin1String(table)));
            q.addBindValue(userId);
            exec(q, "user deletion");
        }
        prepare(q, QStringLiteral("DELETE FROM users WHERE id = ?"));
        q.addBindValue(userId);
        exec(q, "user deletion");
        return q.numRowsAffected() > 0; // none: no such user (nothing to roll back)
    });
}

void UserStore::recordClerkDeletion(
    const QString &clerkId, qint64 deletedAtMs, const QString &eventId, qint64 nowMs)
{
    m_db.transaction([&](QSqlDatabase &db) {
        QSqlQuery q(db);
        const auto failed = [&]() -> bool { throw StoreError::failed(q, "recording a deletion"); };
        prepare(q, QStringLiteral("SELECT id FROM users WHERE clerk_id = ?"));
        q.addBindValue(clerkId);
        if (!q.exec())
            return failed();
        if (q.next()) {
            const qint64 userId = q.value(0).toLongLong();
            // As deleteUser(): the explicit deletes hold without foreign-key enforcement too.
            for (const char *table : {"sessions", "watchlist", "favorites"}) {
                prepare(q,
                    QStringLiteral("DELETE FROM %1 WHERE user_id = ?").arg(QLatin1String(table)));
                q.addBindValue(userId);
                if (!q.exec())
                    return failed();
            }
            prepare(q, QStringLiteral("DELETE FROM users WHERE id = ?"));
            q.addBindValue(userId);
            if (!q.exec())
                return failed();
        }
        prepare(q,
            QStringLiteral(
                "INSERT INTO deleted_users (clerk_id, deleted_at, event_id, recorded_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (clerk_id) DO UPDATE SET "
                "deleted_at = excluded.deleted_at, event_id = excluded.event_id, "
                "recorded_at = excluded.recorded_at "
                "WHERE excluded.deleted_at > deleted_users.deleted_at"));
        q.addBindValue(clerkId);
        q.addBindValue(deletedAtMs);
        q.addBindValue(nullable(eventId));
        q.addBindValue(nowMs);
        return q.exec() || failed();
    });
}

std::optional<ClerkDeletion> UserStore::deletion(const QString &clerkId)
{
    QSqlQuery q(m_db.requireConnection());
    prepare(q,
        QStringLiteral("SELECT clerk_id, deleted_at, event_id, recorded_at FROM "
                       "deleted_users WHERE clerk_id = ?"));
    q.addBindValue(clerkId);
    exec(q, "deletion lookup");
    if (!q.next())
        return std::nullopt;
    return ClerkDeletion {q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toString(),
        q.value(3).toLongLong()};
}

bool UserStore::forgetClerkDeletion(const QString &clerkId)
{
    QSqlQuery q(m_db.requireConnection());
    prepare(q, QStringLiteral("DELETE FROM deleted_users WHERE clerk_id = ?"));
    q.addBindValue(clerkId);
    exec(q, "forgetting a deletion");
    const bool forgotten = q.numRowsAffected() > 0;
    m_db.commitGroup(); // answered as done: must not wait in an open write group
    return forgotten;
}

UserStore::Counts UserStore::counts(qint64 userId)
{
    Counts c;
    QSqlQuery q(m_db.requireConnection());
    prepare(q,
        QStringLiteral("SELECT (SELECT COUNT(*) FROM watchlist WHERE user_id = ?), "
                       "(SELECT COUNT(*) FROM favorites WHERE user_id = ?)"));
    q.addBindValue(userId);
    q.addBindValue(userId);
    if (!q.exec() || !q.next())
        throw StoreError::failed(q, "list counts");
    c.watchlist = q.value(0).toLongLong();
    c.favorites = q.value(1).toLongLong();
    return c;
}

QList<UserRecord> UserStore::listUsers(int page, int limit, qint64 *total)
{
    QList<UserRecord> out;
    *total = userCount();
    QSqlQuery q(m_db.requireConnection());
    prepare(q,
        QStringLiteral("SELECT %1 FROM users ORDER BY created_at, id LIMIT ? OFFSET ?")
            .arg(QLatin1String(kUserColumns)));
    q.addBindValue(limit);
    q.addBindValue(qint64(page - 1) * limit);
    exec(q, "user list");
    while (q.next())
        out.append(readUser(q));
    return out;
}

qint64 UserStore::userCount()
{
    QSqlQuery q(m_db.requireConnection());
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM users")) || !q.next())
        throw StoreError::failed(q, "user count");
    return q.value(0).toLongLong();
}

QList<UserSummary> UserStore::findUsers(
    const QString &filter, qint64 offset, int limit, qint64 *total)
{
    // LIKE with the user's text as data: its own % and _ are escaped, not wildcards. The text is
    // folded by the same LOWER() as the columns: SQLite's folds ASCII letters only, so a text
    // folded here by Qt ("Élodie" to "élodie") would not even match itself.
    QString pattern = filter.trimmed();
    pattern.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
        .replace(QLatin1Char('%'), QLatin1String("\\%"))
        .replace(QLatin1Char('_'), QLatin1String("\\_"));
    pattern = QLatin1Char('%') + pattern + QLatin1Char('%');
    const QString where = QStringLiteral(
        " WHERE LOWER(COALESCE(u.email, '') || ' ' || COALESCE(u.first_name, '') || ' ' || "
        "COALESCE(u.last_name, '') || ' ' || COALESCE(u.display_name, '') || ' ' || u.clerk_id) "
        "LIKE LOWER(?) ESCAPE '\\'");
    QSqlQuery q(m_db.requireConnection());
    prepare(q, QStringLiteral("SELECT COUNT(*) FROM users u") + where);
    q.addBindValue(pattern);
    exec(q, "user search");
    *total = q.next() ? q.value(0).toLongLong() : 0;

    QStringList columns;
    for (const QString &c : QString::fromLatin1(kUserColumns).split(QLatin1String(", ")))
        columns << QStringLiteral("u.") + c;
    prepare(q,
        QStringLiteral("SELECT %1, "
                       "(SELECT COUNT(*) FROM watchlist w WHERE w.user_id = u.id), "
                       "(SELECT COUNT(*) FROM favorites f WHERE f.user_id = u.id), "
                       "(SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id "
                       "AND s.revoked_at IS NULL) "
                       "FROM users u%2 ORDER BY u.created_at, u.id LIMIT ? OFFSET ?")
            .arg(columns.join(QLatin1String(", ")), where));
    q.addBindValue(pattern);
    q.addBindValue(limit);
    q.addBindValue(offset);
    exec(q, "user search");
    QList<UserSummary> out;
    const int base = int(columns.size());
    while (q.next())
        out.append({readUser(q), q.value(base).toLongLong(), q.value(base + 1).toLongLong(),
            q.value(base + 2).toLongLong()});
    return out;
}

UserStore::Counts UserStore::listItemTotals()
{
    QSqlQuery q(m_db.requireConnection());
    prepare(q,
        QStringLiteral(
            "SELECT (SELECT COUNT(*) FROM watchlist), (SELECT COUNT(*) FROM favorites)"));
    exec(q, "list totals");
    if (!q.next())
        return {};
    return {q.value(0).toLongLong(), q.value(1).toLongLong()};
}

QStringList UserStore::revokeAllSessions(qint64 userId, qint64 nowMs)
{
    QStringList ids;
    m_db.transaction([&](QSqlDatabase &db) {
        QSqlQuery q(db);
        prepare(
            q, QStringLiteral("SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL"));
        q.addBindValue(userId);
        exec(q, "signing a user out");
        while (q.next())
            ids << q.value(0).toString();
        prepare(q,
            QStringLiteral(
                "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL"));
        q.addBindValue(nowMs);
        q.addBindValue(userId);
        exec(q, "signing a user out");
        return true;
    });
    return ids;
}

std::optional<SessionRecord> UserStore::touchSession(
    const QString &sid, qint64 userId, const QString &userAgent, const QString &ip, qint64 nowMs)
{
    QSqlQuery q(m_db.requireConnection());
    prepare(q,
        QStringLiteral(
            "INSERT INTO sessions (id, user_id, created_at, last_seen_at, user_agent, ip_address) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET last_seen_at = "
            "excluded.last_seen_at, "
            "user_agent = excluded.user_agent, ip_address = excluded.ip_address "
            "WHERE sessions.user_id = excluded.user_id"));
    q.addBindValue(sid);
    q.addBindValue(userId);
    q.addBindValue(nowMs);
    q.addBindValue(nowMs);
    q.addBindValue(userAgent.left(500));
    q.addBindValue(ip);
    exec(q, "session update");
    q.finish();
    return findSession(sid);
}

std::optional<SessionRecord> UserStore::findSession(const QString &sid)
{
    QSqlQuery q(m_db.requireConnection());
    prepare(q,
        QStringLiteral(
            "SELECT id, user_id, created_at, last_seen_at, user_agent, ip_address, revoked_at "
            "FROM sessions WHERE id = ?"));
    q.addBindValue(sid);
    exec(q, "session lookup");
    if (!q.next())
        return std::nullopt;
    return SessionRecord {q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toLongLong(),
        q.value(3).toLongLong(), q.value(4).toString(), q.value(5).toString(),
        q.value(6).toLongLong()};
}

QList<SessionRecord> UserStore::sessions(qint64 userId)
{
    QList<SessionRecord> out;
    QSqlQuery q(m_db.requireConnection());
    prepare(q,
        QStringLiteral(
            "SELECT id, user_id, created_at, last_seen_at, user_agent, ip_address, revoked_at "
            "FROM sessions WHERE user_id = ? ORDER BY last_seen_at DESC, id"));
    q.addBindValue(userId);
    exec(q, "session list");
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toLongLong(),
            q.value(3).toLongLong(), q.value(4).toString(), q.value(5).toString(),
            q.value(6).toLongLong()});
    return out;
}

bool UserStore::revokeSession(qint64 userId, const QString &sid, qint64 nowMs)
{
    QSqlQuery q(m_db.requireConnection());
    prepare(q,
        QStringLiteral("UPDATE sessions SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND "
                       "user_id = ?"));
    q.addBindValue(nowMs);
    q.addBindValue(sid);
    q.addBindValue(userId);
    exec(q, "session revocation");
    const bool revoked = q.numRowsAffected() > 0;
    m_db.commitGroup(); // a revocation must be durable before it is acknowledged
    return revoked;
}

SessionEnd UserStore::revokeSessionFromClerk(
    const QString &sid, const QString &clerkUserId, qint64 nowMs)
{
    QSqlQuery q(m_db.requireConnection());
    if (clerkUserId.isEmpty()) {
        prepare(q,
            QStringLiteral(
                "UPDATE sessions SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?"));
        q.addBindValue(nowMs);
        q.addBindValue(sid);
        exec(q, "session revocation");
        const bool revoked = q.numRowsAffected() > 0;
        m_db.commitGroup(); // a revocation must be durable before it is acknowledged
        return revoked ? SessionEnd::Revoked : SessionEnd::UnknownSession;
    }
    const auto user = ensureUser(clerkUserId, nowMs);
    if (!user)
        return SessionEnd::Deleted; // ensureUser() is nullopt only for a deleted Clerk id
    // Recorded as revoked even before its first request here, so no token of it is ever let in.
    prepare(q,
        QStringLiteral("INSERT INTO sessions (id, user_id, created_at, last_seen_at, revoked_at) "
                       "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                       "revoked_at = COALESCE(sessions.revoked_at, excluded.revoked_at) "
                       "WHERE sessions.user_id = excluded.user_id"));
    q.addBindValue(sid);
    q.addBindValue(user->id);
    q.addBindValue(nowMs);
    q.addBindValue(nowMs);
    q.addBindValue(nowMs);
    exec(q, "session revocation");
    const bool revoked = q.numRowsAffected() > 0;
    m_db.commitGroup(); // a revocation must be durable before it is acknowledged
    return revoked ? SessionEnd::Revoked : SessionEnd::OtherUser;
}

bool UserStore::webhookSeen(const QString &id)
{
    QSqlQuery q(m_db.requireConnection());
    prepare(q, QStringLiteral("SELECT 1 FROM webhook_events WHERE id = ?"));
    q.addBindValue(id);
    exec(q, "webhook lookup");
    return q.next();
}

bool UserStore::recordWebhook(const QString &id, const QString &type, qint64 nowMs)
{
    QSqlQuery q(m_db.requireConnection());
    prepare(q,
        QStringLiteral("INSERT INTO webhook_events (id, event_type, received_at) VALUES (?, "
                       "?, ?) ON CONFLICT (id) DO NOTHING"));
    q.addBindValue(id);
    q.addBindValue(type);
    q.addBindValue(nowMs);
    exec(q, "recording a webhook");
    const bool recorded = q.numRowsAffected() > 0;
    m_db.commitGroup(); // the webhook is acknowledged next: its effects must be durable
    return recorded;
}

} // namespace marquee
