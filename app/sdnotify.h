#pragma once

#include <QByteArray>

namespace marquee {

// Tells systemd how the service is doing (Type=notify): "READY=1" once the server listens,
// "STOPPING=1" when a graceful stop begins, "STATUS=..." for `systemctl status`. The protocol is
// one datagram to the AF_UNIX socket named by $NOTIFY_SOCKET (a path, or "@name" in the abstract
// namespace); without that variable (not started by systemd) it does nothing. Returns whether
// the message was sent. No libsystemd: the datagram is all there is to it.
bool sdNotify(const QByteArray &state);

} // namespace marquee
