#include "httpresponse.h"

#include "apierror.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace marquee {

void HttpResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &h : headers) {
        if (sameName(h.first, name)) {
            h.second = value;
            return;
        }
    }
    headers.append({name, value});
}

QByteArray HttpResponse::header(QByteArrayView name) const
{
    for (const auto &h : headers) {
        if (sameName(h.first, name))
            return h.second;
    }
    return {};
}

QByteArray compactJson(const QJsonValue &value)
{
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    // Scalars: serialise through a one-element array and strip the brackets.
    QByteArray a = QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact);
    return a.mid(1, a.size() - 2);
}

HttpResponse HttpResponse::ok(const QJsonValue &data, int status)
{
    return okRaw(compactJson(data), status);
}

HttpResponse HttpResponse::ok(const QJsonValue &data, const QJsonObject &meta, int status)
{
    HttpResponse r;
    r.status = status;
    r.body = compactJson(QJsonObject {{"success", true}, {"data", data}, {"meta", meta}});
    return r;
}

HttpResponse HttpResponse::okRaw(const QByteArray &dataJson, int status)
{
    HttpResponse r;
    r.status = status;
    r.body.reserve(dataJson.size() + 26);
    r.body.append("{\"success\":true,\"data\":").append(dataJson).append('}');
    return r;
}

HttpResponse HttpResponse::object(const QJsonObject &body, int status)
{
    HttpResponse r;
    r.status = status;
    r.body = compactJson(body);
    return r;
}

HttpResponse HttpResponse::error(const ApiError &error, const QByteArray &requestId)
{
    // `error` is the human message (the original frontend shows it in a toast as it is); the
    // structure sits beside it. Written by hand so the keys keep this order in every answer.
    HttpResponse r;
    r.status = error.status();
    r.body = "{\"success\":false,\"error\":" + compactJson(error.message()) + ",\"code\":\""
        + error.codeName() + '"';
    if (!error.details().isEmpty())
        r.body += ",\"details\":" + compactJson(error.details());
    r.body += ",\"requestId\":" + compactJson(QString::fromLatin1(requestId));
    for (auto it = error.extra.begin(); it != error.extra.end(); ++it)
        r.body += ",\"" + it.key().toUtf8() + "\":" + compactJson(it.value());
    r.body += '}';
    for (const auto &h : error.headers)
        r.setHeader(h.first, h.second);
    return r;
}

HttpResponse HttpResponse::empty(int status)
{
    HttpResponse r;
    r.status = status;
    r.contentType.clear();
    return r;
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return QByteArrayLiteral("Continue");
    case 200:
        return QByteArrayLiteral("OK");
    case 201:
        return QByteArrayLiteral("Created");
    case 202:
        return QByteArrayLiteral("Accepted");
    case 204:
        return QByteArrayLiteral("No Content");
    case 304:
        return QByteArrayLiteral("Not Modified");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 408:
        return QByteArrayLiteral("Request Timeout");
    case 409:
        return QByteArrayLiteral("Conflict");
    case 411:
        return QByteArrayLiteral("Length Required");
    case 413:
        return QByteArrayLiteral("Payload Too Large");
    case 415:
        return QByteArrayLiteral("Unsupported Media Type");
    case 429:
        return QByteArrayLiteral("Too Many Requests");
    case 431:
        return QByteArrayLiteral("Request Header Fields Too Large");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 501:
        return QByteArrayLiteral("Not Implemented");
    case 502:
        return QByteArrayLiteral("Bad Gateway");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    case 504:
        return QByteArrayLiteral("Gateway Timeout");
    default:
        return QByteArrayLiteral("Unknown");
    }
}

} // namespace marquee
