#pragma once

#include "header.h"

#include <QByteArray>
#include <QJsonValue>
#include <QList>

namespace marquee {

class ApiError;

// A response before the pipeline adds the headers every response carries (request id, CORS,
// rate limit, security). Bodies are bytes so cached payloads are written without re-serialising.
struct HttpResponse
{
    int status = 200;
    QByteArray contentType = QByteArrayLiteral("application/json; charset=utf-8");
    QByteArray body;
    // A body streamed from a file rather than held in memory (an image of the cache): the file's
    // first `bodyLength` bytes, read in small pieces as the client takes them (Connection).
    QString bodyFile;
    // The Content-Length when the body is not in `body` (bodyFile, or a HEAD answer); -1: the
    // body's size.
    qint64 bodyLength = -1;
    QList<Header> headers;

    void setHeader(const QByteArray &name, const QByteArray &value);
    QByteArray header(QByteArrayView name) const;

    // {"success":true,"data":<data>} (+ "meta" when given)
    static HttpResponse ok(const QJsonValue &data, int status = 200);
    static HttpResponse ok(const QJsonValue &data, const QJsonObject &meta, int status = 200);
    // A success envelope whose data is already serialised JSON (cached catalogue bodies).
    static HttpResponse okRaw(const QByteArray &dataJson, int status = 200);
    // Any JSON object as the whole body (the original backend's own shapes, e.g. /check:
    // docs/api.md, "Envelope and errors").
    static HttpResponse object(const QJsonObject &body, int status = 200);
    static HttpResponse error(const ApiError &error, const QByteArray &requestId);
    static HttpResponse empty(int status);
};

QByteArray compactJson(const QJsonValue &value);
QByteArray reasonPhrase(int status); // static text: no allocation

} // namespace marquee
