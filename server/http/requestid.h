#pragma once

#include <QByteArray>

namespace marquee {

// Request ids (docs/api.md, "Headers on every answer"): the client's own X-Request-Id when it is
// 1-128 characters of [A-Za-z0-9._-], else a new one of 32 hex characters.
QByteArray newRequestId();
bool isValidRequestId(const QByteArray &id);

} // namespace marquee
