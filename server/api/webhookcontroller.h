#pragma once

#include "controller.h"

class QJsonObject;

namespace marquee {

class ApiError;
class ClerkAuthenticator;
class RateLimiter;
class UserStore;

// POST /api/webhooks/clerk: Clerk's user and session events, signed with Svix (docs/api.md,
// "Authentication"; docs/auth.md, "Webhooks"). The route counts its own rate: only deliveries it
// refuses count against the sensitive tier of their address (`limiter`; none: not limited).
class WebhookController : public Controller
{
public:
    WebhookController(
        const QString &secret, UserStore &users, ClerkAuthenticator &auth, RateLimiter *limiter)
        : m_secret(secret.toUtf8())
        , m_users(users)
        , m_auth(auth)
        , m_limiter(limiter)
    { }
    void registerRoutes(Router &router) override;

private:
    struct Outcome
    {
        bool applied = false;
        QString reason; // why not applied, a short word (docs/api.md)
    };
    void clerk(const ExchangePtr &ex);
    [[noreturn]] void refuse(const ExchangePtr &ex, const ApiError &error);
    Outcome userChanged(const QJsonObject &data, qint64 eventTimeMs);
    Outcome userDeleted(const QJsonObject &data, qint64 eventTimeMs, const QString &eventId);
    Outcome sessionEnded(const QJsonObject &data);
    QByteArray m_secret;
    UserStore &m_users;
    ClerkAuthenticator &m_auth;
    RateLimiter *m_limiter;
};

} // namespace marquee
