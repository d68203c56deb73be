#pragma once

#include <QByteArray>

#include <utility>

namespace marquee {

// One header field as it is sent or received: name and value, bytes as on the wire.
using Header = std::pair<QByteArray, QByteArray>;

} // namespace marquee
