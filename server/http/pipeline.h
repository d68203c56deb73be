#pragma once

#include "exchange.h"
#include "router.h"

#include <functional>

namespace marquee {

// Pluggable pipeline steps. Each either lets the request go on (calls proceed) or answers it.

// Resolves the caller from the Authorization header; asynchronous because keys may need fetching.
class Authenticator
{
public:
    virtual ~Authenticator() = default;
    virtual void authenticate(
        const ExchangePtr &exchange, Access access, std::function<void()> proceed)
        = 0;
};

// Counts the request against its tier; adds RateLimit-* headers; throws ApiError(RateLimited).
class RateLimiter
{
public:
    virtual ~RateLimiter() = default;
    virtual void check(Exchange &exchange, RateTier tier) = 0;
};

} // namespace marquee
