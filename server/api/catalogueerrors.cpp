#include "catalogueerrors.h"

namespace marquee {

ApiError toApiError(const CatalogueError &error)
{
    switch (error.kind) {
    case CatalogueError::Kind::NotFound:
        return ApiError::notFound(error.message);
    case CatalogueError::Kind::KeyRejected:
    case CatalogueError::Kind::Unreachable:
        return ApiError(ApiError::Code::ServiceUnavailable, error.message);
    case CatalogueError::Kind::Timeout:
        return ApiError(ApiError::Code::UpstreamTimeout, error.message);
    case CatalogueError::Kind::RateLimited:
    case CatalogueError::Kind::BadAnswer:
        break;
    }
    return ApiError(ApiError::Code::UpstreamError, error.message);
}

} // namespace marquee
