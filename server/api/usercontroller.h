#pragma once

#include "controller.h"
#include "store/liststore.h"

#include <QJsonObject>
#include <QObject>

#include <functional>
#include <memory>

namespace marquee {

class ClerkAuthenticator;
class UserStore;
struct UserRecord;

// The caller's own account (docs/api.md, "User routes"): profile, settings, export, Clerk sync,
// sessions.
class UserController : public Controller
{
public:
    UserController(UserStore &users, ClerkAuthenticator &auth);
    ~UserController() override;
    void registerRoutes(Router &router) override;

    static QJsonObject profileJson(
        const UserRecord &user, qint64 watchlistCount, qint64 favoritesCount);

    // Tests only: when set, runs before every slice of an export but the first (slicesDone >= 1),
    // on the server's thread, so a test can change the data (or drop the client) between two
    // slices deterministically.
    static std::function<void(const Exchange &ex, int slicesDone)> betweenExportSlices;

private:
    void profile(const ExchangePtr &ex);
    void updateProfile(const ExchangePtr &ex);
    void deleteProfile(const ExchangePtr &ex);
    void exportData(const ExchangePtr &ex);
    void sync(const ExchangePtr &ex);
    void sessions(const ExchangePtr &ex);
    void revokeSession(const ExchangePtr &ex);
    HttpResponse profileResponse(qint64 userId);
    struct Export;
    void exportSlice(const std::shared_ptr<Export> &job);

    UserStore &m_users;
    ClerkAuthenticator &m_auth;
    ListStore m_lists;
    QObject m_slices; // context of the pending export slices: they go with the controller
};

// isoUtc() as a JSON value, or null for 0 (a time that never happened).
QJsonValue isoUtcOrNull(qint64 ms);
HttpResponse privateResponse(HttpResponse r); // Cache-Control: private, no-store

} // namespace marquee
