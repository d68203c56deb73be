#pragma once

#include "controller.h"

namespace marquee {

class ClerkAuthenticator;
class UserStore;

// POST /api/webhooks/clerk: Clerk's user events, signed with Svix (docs/api.md, "Authentication").
class WebhookController : public Controller
{
public:
    WebhookController(const QString &secret, UserStore &users, ClerkAuthenticator &auth)
        : m_secret(secret.toUtf8())
        , m_users(users)
        , m_auth(auth)
    { }
    void registerRoutes(Router &router) override;

private:
    void clerk(const ExchangePtr &ex);
    QByteArray m_secret;
    UserStore &m_users;
    ClerkAuthenticator &m_auth;
};

} // namespace marquee
