#pragma once

#include "storeerror.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace marquee {

class Database;

struct UserRecord
{
    qint64 id = 0;
    QString clerkId;
    QString email;
    QString firstName;
    QString lastName;
    QString displayName;
    QString imageUrl;
    QJsonObject preferences; // {language, region, includeAdult}, absent keys = not set
    qint64 createdAt = 0; // ms since epoch
    qint64 updatedAt = 0;
    qint64 lastSeenAt = 0;
    qint64 profileSyncedAt = 0;
};

struct SessionRecord
{
    QString id;
    qint64 userId = 0;
    qint64 createdAt = 0;
    qint64 lastSeenAt = 0;
    QString userAgent;
    QString ipAddress;
    qint64 revokedAt = 0;
};

// What Clerk knows about a user (Backend API or webhook payload).
struct ClerkProfile
{
    QString clerkId;
    QString email;
    QString firstName;
    QString lastName;
    QString imageUrl;
    // Clerk's updated_at (ms since the epoch): which of two versions of a profile is the newer.
    // 0 when the object has none.
    qint64 updatedAt = 0;
    static std::optional<ClerkProfile> fromClerkUser(
        const QJsonObject &user); // Clerk's User object
};

// What became of a Clerk profile offered to applyClerkProfile().
enum class ProfileWrite {
    Applied,
    Stale, // older than the profile already stored (its updatedAt): not written
    Deleted, // the Clerk id was deleted at or after the profile's updatedAt: not written
    NoUser, // no such user, and the caller did not ask to create one
};

// A Clerk id whose user.deleted event was applied (docs/auth.md, "Webhooks").
struct ClerkDeletion
{
    QString clerkId;
    qint64 deletedAt = 0; // when Clerk deleted the user (ms since the epoch)
    QString eventId; // the svix-id of the user.deleted event
    qint64 recordedAt = 0; // when this server applied it
};

// What a session.ended/removed/revoked event did (revokeSessionFromClerk()).
enum class SessionEnd {
    Revoked, // the session is revoked now (or already was)
    UnknownSession, // no user id in the event and no such session here
    OtherUser, // the session belongs to another user than the event names
    Deleted, // the event's user is deleted: nothing of theirs may come back
};

// One row of the admin window's user table: the user and what they keep.
struct UserSummary
{
    UserRecord user;
    qint64 watchlist = 0;
    qint64 favorites = 0;
    qint64 activeSessions = 0; // not revoked
};

// Users, their sessions and applied webhook ids. Every write returns after its commit.
// Every method throws StoreError (storeerror.h) when the database fails, and only then: a
// nullopt, false or enum value is always a real answer ("no such user", "no such session"), so a
// route never has to guess whether a false was a missing row or a broken database.
class UserStore
{
public:
    explicit UserStore(Database &db);

    std::optional<UserRecord> findByClerkId(const QString &clerkId);
    std::optional<UserRecord> findById(qint64 id);
    // The user for a Clerk id, created on first sight; *created tells whether this call made it.
    // Safe against a concurrent creator (another process): the unique clerk_id decides. A deleted
    // Clerk id (deletion()) is never created again: nullopt (only then) with *deleted set.
    std::optional<UserRecord> ensureUser(
        const QString &clerkId, qint64 nowMs, bool *created = nullptr, bool *deleted = nullptr);
    // Writes the profile unless the stored one is newer (Clerk's updated_at) or the Clerk id was
    // deleted at or after profile.updatedAt. A profile newer than the deletion forgets the
    // deletion (with createIfMissing). A profile without updatedAt is written unconditionally.
    ProfileWrite applyClerkProfile(const ClerkProfile &profile, qint64 nowMs, bool createIfMissing);
    void updateSettings(qint64 userId, const std::optional<QString> &displayName,
        bool setDisplayName, const QJsonObject &preferences, qint64 nowMs);
    void touchLastSeen(qint64 userId, qint64 nowMs);
    bool deleteUser(qint64 userId); // false: no such user

    // Clerk deleted the user: their row and data go, and the Clerk id is remembered as deleted
    // (the later of two deletion times is kept).
    void recordClerkDeletion(
        const QString &clerkId, qint64 deletedAtMs, const QString &eventId, qint64 nowMs);
    std::optional<ClerkDeletion> deletion(const QString &clerkId); // nullopt: not deleted
    // An administrator's undo: forgets the deletion; false when none was recorded.
    bool forgetClerkDeletion(const QString &clerkId);

    struct Counts
    {
        qint64 watchlist = 0;
        qint64 favorites = 0;
    };
    Counts counts(qint64 userId);
    QList<UserRecord> listUsers(int page, int limit, qint64 *total);
    qint64 userCount();
    // A page of users whose email, names or Clerk id contain `filter` (case-insensitive; empty:
    // every user), oldest first, with their counts; *total is the number of matches.
    QList<UserSummary> findUsers(const QString &filter, qint64 offset, int limit, qint64 *total);
    Counts listItemTotals(); // every user's watchlist and favorites titles, summed

    // Records the session (first/last seen, agent, address); returns the stored record.
    std::optional<SessionRecord> touchSession(const QString &sid, qint64 userId,
        const QString &userAgent, const QString &ip, qint64 nowMs);
    std::optional<SessionRecord> findSession(const QString &sid); // reads only
    QList<SessionRecord> sessions(qint64 userId);
    bool revokeSession(
        qint64 userId, const QString &sid, qint64 nowMs); // false: no such session of theirs
    // Revokes every session of the user not yet revoked ("sign out everywhere"); returns their
    // ids (for the authenticator to forget).
    QStringList revokeAllSessions(qint64 userId, qint64 nowMs);
    // Clerk ended the session (webhook). With a user id the session is recorded as revoked even
    // if this server has not seen it yet (the user is created on first sight, as a token would).
    SessionEnd revokeSessionFromClerk(const QString &sid, const QString &clerkUserId, qint64 nowMs);

    // True if this webhook id is new (and is now recorded), false if it was applied before.
    bool recordWebhook(const QString &id, const QString &type, qint64 nowMs);
    bool webhookSeen(const QString &id);

    Database &database() { return m_db; }

private:
    Database &m_db;
};

} // namespace marquee
