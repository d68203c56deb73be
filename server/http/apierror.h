#pragma once

#include "header.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <exception>

namespace marquee {

// The one error type of the HTTP layer: thrown by routes, validation helpers and services that know
// about the API, mapped to the error envelope (docs/api.md, "Envelope and errors") in exactly one
// place (Exchange).
class ApiError : public std::exception
{
public:
    enum class Code {
        ValidationError,
        InvalidJson,
        Unauthenticated,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        Conflict,
        PayloadTooLarge,
        UnsupportedMediaType,
        HeaderTooLarge,
        RateLimited,
        Internal,
        UpstreamError,
        ServiceUnavailable,
        UpstreamTimeout,
    };

    ApiError(Code code, QString message, QJsonArray details = {});

    static ApiError validation(const QString &field, const QString &issue, const QString &message);
    static ApiError notFound(const QString &message = QStringLiteral("Resource not found"));

    Code code() const { return m_code; }
    int status() const;
    QByteArray codeName() const;
    const QString &message() const { return m_message; }
    const QJsonArray &details() const { return m_details; }
    // Extra payload placed next to `error` (e.g. the existing item of a 409).
    QJsonObject extra;
    // Extra headers for this error (Allow, Retry-After, WWW-Authenticate).
    QList<Header> headers;

    const char *what() const noexcept override { return "marquee::ApiError"; }

private:
    Code m_code;
    QString m_message;
    QJsonArray m_details;
};

} // namespace marquee
