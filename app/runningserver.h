#pragma once

#include "uimodule.h"

#include <optional>

namespace marquee {

// Whether a Marquee server already answers at `host`:`port` (where this process would listen):
// GET /health there, over loopback when `host` is a wildcard, within `timeoutMs`. A server of
// another kind, or nothing at all, is std::nullopt. `serviceRuntimeDir` exists while the
// packaged system service runs (RuntimeDirectory= in marquee.service).
std::optional<RunningServer> findRunningServer(const QString &host, quint16 port,
    int timeoutMs = 1500, const QString &serviceRuntimeDir = QStringLiteral("/run/marquee"));

// The one line a headless start prints instead of starting: what answers, where, what to do.
QString describeRunningServer(const RunningServer &server);

} // namespace marquee
