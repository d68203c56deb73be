#pragma once

#include "header.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QUrlQuery>

#include <optional>

class QHttpServerRequest;

namespace marquee {

enum class HttpMethod { Get, Head, Post, Put, Patch, Delete, Options, Other };

QByteArray methodName(HttpMethod method);

// Our own copy of a request. QHttpServerRequest is reused by Qt for the next keep-alive request on
// the same connection, so everything a route may need later (asynchronous answers) is copied here.
struct HttpRequest
{
    HttpMethod method = HttpMethod::Other;
    QByteArray rawMethod;
    QString path; // decoded, without query string
    QUrlQuery query;
    QList<Header> headers;
    QByteArray body;
    QHostAddress remoteAddress;
    QHash<QString, QString> params; // path parameters of the matched route

    static HttpRequest fromQt(const QHttpServerRequest &request);

    QByteArray header(QByteArrayView name) const; // case-insensitive, first match
    bool hasQuery(const QString &key) const { return query.hasQueryItem(key); }
    std::optional<QString> queryValue(const QString &key) const;
    QString param(const QString &name) const { return params.value(name); }
};

} // namespace marquee
