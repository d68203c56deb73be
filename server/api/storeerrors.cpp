#include "storeerrors.h"

namespace marquee {

ApiError toApiError(const StoreError &error, StoreRoutes routes)
{
    const bool lists = routes == StoreRoutes::Lists;
    switch (error.kind()) {
    case StoreError::Kind::Unavailable:
        return ApiError(ApiError::Code::ServiceUnavailable,
            lists ? QStringLiteral("The database is unavailable")
                  : QStringLiteral("Database unavailable"));
    case StoreError::Kind::Failed:
        if (lists)
            break;
        return ApiError(ApiError::Code::ServiceUnavailable, QStringLiteral("Database unavailable"));
    case StoreError::Kind::Incompatible:
        break;
    case StoreError::Kind::UserGone:
        return ApiError(ApiError::Code::Unauthenticated,
            QStringLiteral("This account has been deleted: its tokens are no longer accepted"));
    }
    return ApiError(ApiError::Code::Internal, QStringLiteral("Internal server error"));
}

Handler storeRoute(StoreRoutes routes, Handler handler)
{
    return [routes, handler = std::move(handler)](
               const ExchangePtr &ex) { mapStoreErrors(routes, [&] { handler(ex); }); };
}

} // namespace marquee
