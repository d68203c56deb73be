#pragma once

#include "httpresponse.h"

#include <QByteArray>
#include <QList>

namespace marquee {

// Serialises a complete HTTP/1.1 response in one buffer, so it goes out in one write.
QByteArray serializeResponse(int status, const QList<std::pair<QByteArray, QByteArray>> &headers,
    const QByteArray &body, bool withBody);

// The headers every response carries whatever produced it (API.md §2).
void appendSecurityHeaders(
    QList<std::pair<QByteArray, QByteArray>> &headers, const QByteArray &contentType);

QByteArray newRequestId();
bool isValidRequestId(const QByteArray &id);

} // namespace marquee
