#pragma once

#include "httpresponse.h"

#include <QByteArray>
#include <QList>

namespace marquee {

// Serialises a complete HTTP/1.1 response in one buffer, so it goes out in one write.
QByteArray serializeResponse(int status, const QList<std::pair<QByteArray, QByteArray>> &headers,
    const QByteArray &body, bool withBody);

// The headers every response carries whatever produced it (docs/api.md, "Headers on every answer").
void appendSecurityHeaders(
    QList<std::pair<QByteArray, QByteArray>> &headers, const QByteArray &contentType);

// IMF-fixdate (RFC 9110 §5.6.7), e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
QByteArray formatHttpDate(qint64 secondsSinceEpoch);
// The current time as IMF-fixdate, cached per second.
QByteArray httpDate();

QByteArray newRequestId();
bool isValidRequestId(const QByteArray &id);

} // namespace marquee
