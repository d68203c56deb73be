#pragma once

#include "api/serverstatus.h"
#include "log/logbuffer.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace marquee {

// What the admin window sees of the running server, and how it acts on it: immutable copies
// (snapshots, answers) handed over under a lock, and requests queued to the server's thread.
// Everything here is plain data and one interface, header-only, so that ui/ (a separately loaded
// module) depends on no code of the server: ServerThread implements it.

// One freshness class of the catalogue cache (docs/api.md, "Cache policy").
struct CacheCategoryView
{
    QString category; // trending, lists, details, reference, search
    qint64 entries = 0; // stored: database rows (memory entries in demo mode and for search)
    qint64 bytes = 0;
    qint64 expired = 0; // kept for stale-if-error, removed by "prune expired"
    quint64 hits = 0;
    quint64 misses = 0;
    quint64 stale = 0; // answered from an expired entry because TMDB failed
    qint64 ttlSeconds = 0; // the freshness in force
};

// Requests over one slice of time (TrafficMeter).
struct TrafficPoint
{
    qint64 endMs = 0; // when the slice ended (ms since the epoch)
    double requestsPerSecond = 0;
    double p50Ms = 0; // 0 when no request was answered in the slice
    double p99Ms = 0;
};

struct AdminSnapshot
{
    quint64 generation = 0; // grows with every new snapshot
    HealthSnapshot health;
    QString listenUrl; // http://host:port as bound
    QStringList lanUrls; // what other machines use (the non-loopback IPv4s when HOST is 0.0.0.0)
    QString tmdbMode; // live | demo | offline
    QString database; // the database, described without its password
    qint64 databaseBytes = -1; // -1: unknown
    qint64 users = 0;
    qint64 watchlistItems = 0;
    qint64 favoriteItems = 0;
    // Catalogue cache.
    quint64 cacheHits = 0;
    quint64 cacheMisses = 0;
    quint64 cacheStale = 0;
    quint64 upstreamCalls = 0;
    quint64 upstreamCallsSaved = 0; // answers given without a call to TMDB (hits + joined calls)
    qint64 memoryEntries = 0;
    qint64 memoryBytes = 0;
    QList<CacheCategoryView> categories; // every category, in a fixed order
    // Requests over the last minutes, oldest first (TrafficMeter::kSliceMs per point).
    QList<TrafficPoint> traffic;
    double requestsPerSecond = 0; // over the last 10 seconds
    double p50Ms = 0; // over the last minute
    double p99Ms = 0;
};

struct UserQuery
{
    QString filter; // matched against email, names and Clerk id (case-insensitive)
    qint64 offset = 0;
    int limit = 100;
};

struct UserView
{
    qint64 id = 0;
    QString clerkId;
    QString email;
    QString name;
    qint64 createdAt = 0; // ms since the epoch
    qint64 lastSeenAt = 0; // 0: never
    qint64 watchlist = 0;
    qint64 favorites = 0;
    qint64 activeSessions = 0;
};

struct UserPage
{
    quint64 requestId = 0; // the queryUsers() call this answers; 0: none yet
    UserQuery query;
    qint64 total = 0; // users matching the filter
    QList<UserView> users;
    QString error; // non-empty: the query failed (e.g. the database is unavailable)
};

struct AdminCommand
{
    enum class Kind { PurgeCategory, PurgeAll, PruneExpired, SignOutUser, DeleteUser };
    Kind kind = Kind::PruneExpired;
    QString category; // PurgeCategory
    qint64 userId = 0; // SignOutUser, DeleteUser
};

struct AdminResult
{
    quint64 seq = 0; // the order results were kept in (resultsAfter() pages by it)
    quint64 id = 0; // what submit() returned (a refusal can be kept before an earlier command)
    AdminCommand command;
    bool ok = false;
    qint64 count = 0; // entries purged or pruned, sessions revoked
    QString error; // when !ok: why (no such user, database unavailable, server stopped)
};

// A configuration variable as the settings page shows it.
struct SettingView
{
    QString name;
    QString value; // secrets masked; empty: not set
    QString origin; // default | .env | environment | flag
    QString description;
};

// The thread-safe view of a server running on a thread of its own (ServerThread). Every method
// may be called from the owner's (GUI) thread at any time; none blocks on the server's work.
class AdminBackend
{
public:
    enum class Phase { Idle, Starting, Running, Stopping, Stopped, Failed };

    virtual ~AdminBackend() = default;

    virtual Phase phase() const = 0;
    // A copy, refreshed by the server's thread every few hundred milliseconds.
    virtual AdminSnapshot adminSnapshot() const = 0;
    // Log lines with an id above lastId, oldest first (a bounded buffer: a line older than its
    // capacity is gone, visible as a gap in the ids).
    virtual QList<LogEntry> logLinesAfter(quint64 lastId) const = 0;

    // Asks for a page of users; returns the request's id. The answer replaces usersPage() later
    // (a newer request supersedes an older one still queued).
    virtual quint64 queryUsers(const UserQuery &query) = 0;
    virtual UserPage usersPage() const = 0;

    // Queues an action for the server's thread; returns its id. Its result appears in
    // resultsAfter() once done.
    virtual quint64 submit(const AdminCommand &command) = 0;
    // The results kept after the one whose seq is lastSeq (0: all kept), in the order kept.
    virtual QList<AdminResult> resultsAfter(quint64 lastSeq) const = 0;

    // The graceful stop (as SIGTERM).
    virtual void requestStop() = 0;

    // Calls `changed` on the caller's thread, in `context`'s lifetime, whenever the phase
    // changes, a snapshot is taken, a user page is answered or an action is done.
    virtual void subscribe(QObject *context, std::function<void()> changed) = 0;
};

} // namespace marquee
