#pragma once

#include "exchange.h"
#include "router.h"

#include <functional>

namespace marquee {

// Pluggable pipeline steps. Each either lets the request go on (calls proceed) or answers it.

// What a client is told when a route needs a token and the server has no way to verify one: no
// token could ever work, so "send a token" would send the user in a circle.
inline constexpr char kAuthNotConfiguredMessage[]
    = "Authentication is not configured on this server: its operator can enable it by setting "
      "CLERK_JWKS_URL, CLERK_SECRET_KEY or CLERK_JWT_KEY";

// Resolves the caller from the Authorization header; asynchronous because keys may need fetching.
class Authenticator
{
public:
    virtual ~Authenticator() = default;
    virtual void authenticate(
        const ExchangePtr &exchange, Access access, std::function<void()> proceed)
        = 0;
    // False when no token can ever be verified (nothing configured): an optional token is then
    // ignored without asking. Constant once the server runs.
    virtual bool verifiesTokens() const { return true; }
    // Any thread: admits the request from what is remembered of its token, user and session
    // (filling exchange.principal) when that alone settles it, with nothing to write or fetch;
    // false when authenticate() must run (on the primary event loop). Never answers.
    virtual bool admitFromMemory(Exchange & /*exchange*/, Access /*access*/) const { return false; }
};

// Counts the request against its tier; adds RateLimit-* headers; throws ApiError(RateLimited).
class RateLimiter
{
public:
    virtual ~RateLimiter() = default;
    virtual void check(Exchange &exchange, RateTier tier) = 0;
};

} // namespace marquee
