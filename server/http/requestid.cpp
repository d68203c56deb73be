#include "requestid.h"

#include <QRandomGenerator>

namespace marquee {

QByteArray newRequestId()
{
    quint64 words[2];
    QRandomGenerator::global()->fillRange(words);
    return QByteArray(reinterpret_cast<const char *>(words), sizeof(words)).toHex();
}

bool isValidRequestId(const QByteArray &id)
{
    if (id.isEmpty() || id.size() > 128)
        return false;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '.' || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

} // namespace marquee
