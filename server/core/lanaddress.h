#pragma once

#include <QStringList>

namespace marquee {

// The URLs other machines reach the server at. Listening on every address (HOST 0.0.0.0 or ::),
// that is http://<ip>:port for each non-loopback IPv4 address of an interface that is up (the
// first is what "Copy LAN address" copies); else the one bound address. Never empty.
QStringList lanUrls(const QString &host, quint16 port);

} // namespace marquee
