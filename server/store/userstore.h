#pragma once

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
    static std::optional<ClerkProfile> fromClerkUser(
        const QJsonObject &user); // Clerk's User object
};

// Users, their sessions and applied webhook ids. Every write returns after its commit.
class UserStore
{
public:
    explicit UserStore(Database &db);

    std::optional<UserRecord> findByClerkId(const QString &clerkId);
    std::optional<UserRecord> findById(qint64 id);
    // The user for a Clerk id, created on first sight; *created tells whether this call made it.
    // Safe against a concurrent creator (another process): the unique clerk_id decides.
    std::optional<UserRecord> ensureUser(
        const QString &clerkId, qint64 nowMs, bool *created = nullptr);
    bool applyClerkProfile(const ClerkProfile &profile, qint64 nowMs, bool createIfMissing);
    bool updateSettings(qint64 userId, const std::optional<QString> &displayName,
        bool setDisplayName, const QJsonObject &preferences, qint64 nowMs);
    bool touchLastSeen(qint64 userId, qint64 nowMs);
    bool deleteUser(qint64 userId);
    std::optional<qint64> deleteByClerkId(const QString &clerkId); // returns the deleted user's id

    struct Counts
    {
        qint64 watchlist = 0;
        qint64 favorites = 0;
    };
    Counts counts(qint64 userId);
    QList<UserRecord> listUsers(int page, int limit, qint64 *total);
    qint64 userCount();

    // Records the session (first/last seen, agent, address); returns the stored record.
    std::optional<SessionRecord> touchSession(const QString &sid, qint64 userId,
        const QString &userAgent, const QString &ip, qint64 nowMs);
    QList<SessionRecord> sessions(qint64 userId);
    bool revokeSession(
        qint64 userId, const QString &sid, qint64 nowMs); // false: no such session of theirs

    // True if this webhook id is new (and is now recorded), false if it was applied before.
    bool recordWebhook(const QString &id, const QString &type, qint64 nowMs);
    bool webhookSeen(const QString &id);

    QString lastError() const { return m_lastError; }
    Database &database() { return m_db; }

private:
    Database &m_db;
    QString m_lastError;
};

} // namespace marquee
