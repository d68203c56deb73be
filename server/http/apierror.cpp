#include "apierror.h"

namespace marquee {

ApiError::ApiError(Code code, QString message, QJsonArray details)
    : m_code(code)
    , m_message(std::move(message))
    , m_details(std::move(details))
{ }

ApiError ApiError::validation(const QString &field, const QString &issue, const QString &message)
{
    return ApiError(Code::ValidationError, message,
        QJsonArray {QJsonObject {{"field", field}, {"issue", issue}}});
}

ApiError ApiError::notFound(const QString &message)
{
    return ApiError(Code::NotFound, message);
}

int ApiError::status() const
{
    switch (m_code) {
    case Code::ValidationError:
    case Code::InvalidJson:
        return 400;
    case Code::Unauthenticated:
        return 401;
    case Code::Forbidden:
        return 403;
    case Code::NotFound:
        return 404;
    case Code::MethodNotAllowed:
        return 405;
    case Code::Conflict:
        return 409;
    case Code::PayloadTooLarge:
        return 413;
    case Code::UnsupportedMediaType:
        return 415;
    case Code::HeaderTooLarge:
        return 431;
    case Code::RateLimited:
        return 429;
    case Code::Internal:
        return 500;
    case Code::UpstreamError:
        return 502;
    case Code::ServiceUnavailable:
        return 503;
    case Code::UpstreamTimeout:
        return 504;
    }
    return 500;
}

QByteArray ApiError::codeName() const
{
    switch (m_code) {
    case Code::ValidationError:
        return "VALIDATION_ERROR";
    case Code::InvalidJson:
        return "INVALID_JSON";
    case Code::Unauthenticated:
        return "UNAUTHENTICATED";
    case Code::Forbidden:
        return "FORBIDDEN";
    case Code::NotFound:
        return "NOT_FOUND";
    case Code::MethodNotAllowed:
        return "METHOD_NOT_ALLOWED";
    case Code::Conflict:
        return "CONFLICT";
    case Code::PayloadTooLarge:
        return "PAYLOAD_TOO_LARGE";
    case Code::UnsupportedMediaType:
        return "UNSUPPORTED_MEDIA_TYPE";
    case Code::HeaderTooLarge:
        return "PAYLOAD_TOO_LARGE"; // no code of its own for 431 (docs/api.md)
    case Code::RateLimited:
        return "RATE_LIMITED";
    case Code::Internal:
        return "INTERNAL_ERROR";
    case Code::UpstreamError:
        return "UPSTREAM_ERROR";
    case Code::ServiceUnavailable:
        return "SERVICE_UNAVAILABLE";
    case Code::UpstreamTimeout:
        return "UPSTREAM_TIMEOUT";
    }
    return "INTERNAL_ERROR";
}

} // namespace marquee
