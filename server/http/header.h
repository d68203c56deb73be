#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <utility>

namespace marquee {

// One header field as it is sent or received: name and value, bytes as on the wire.
using Header = std::pair<QByteArray, QByteArray>;

// Whether two field names are the same, in any case (RFC 9110 §5.1); the lengths first, since
// most names looked at are not the one looked for.
inline bool sameName(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && a.compare(b, Qt::CaseInsensitive) == 0;
}

} // namespace marquee
