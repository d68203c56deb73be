#pragma once

#include "httpresponse.h"

#include <QStringList>

namespace marquee {

// The CORS headers of an answer to a request that came with this Origin (docs/api.md, "CORS"),
// the same for the pipeline's answers and the guard's refusals: a browser reads an answer, errors
// included, only with them. Once origins are configured every answer varies by Origin, whether or
// not this request's origin is allowed: else a shared cache could hand the web app a copy made
// for a request without Origin, one that lacks Access-Control-Allow-Origin. Returns whether the
// origin is allowed.
bool appendCorsHeaders(
    QList<Header> &headers, const QStringList &allowedOrigins, const QByteArray &origin);

} // namespace marquee
