#pragma once

#include "uimodule.h"

#include <optional>

namespace marquee {

// Whether a Marquee server already answers at `host`:`port` (where this process would listen):
// GET /health there, over loopback when `host` is a wildcard, within `timeoutMs`. A server of
// another kind, or nothing at all, is std::nullopt. It is the packaged system service when the
// service's published address (`serviceAddressFile`, see publishServiceAddress) names that port,
// and this process is not a service itself.
std::optional<RunningServer> findRunningServer(const QString &host, quint16 port,
    int timeoutMs = 1500,
    const QString &serviceAddressFile = QStringLiteral("/run/marquee/address"));

// A server started by systemd with RuntimeDirectory= (the packaged service: /run/marquee)
// publishes where it listens in <runtime dir>/address, one line ("http://127.0.0.1:3000"),
// readable by everyone, so that the desktop app can tell the service from another Marquee. The
// file goes when the object does. Without $RUNTIME_DIRECTORY it does nothing.
class ServiceAddress
{
public:
    ServiceAddress(const QString &host, quint16 port);
    ~ServiceAddress();
    Q_DISABLE_COPY_MOVE(ServiceAddress)
    QString path() const { return m_path; } // empty when nothing was published

private:
    QString m_path;
};

// The one line a headless start prints instead of starting: what answers, where, what to do.
QString describeRunningServer(const RunningServer &server);

} // namespace marquee
