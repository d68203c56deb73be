#pragma once

#include <QString>

namespace marquee {

// A control character other than tab, line feed and carriage return (U+0000-U+001F, U+007F).
// Text with one is refused wherever a client or an import hands it in: PostgreSQL cannot store
// U+0000 in text at all (QPSQL cuts the statement there), and the others are never meant.
inline bool hasControlCharacters(const QString &text)
{
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if ((u < 0x20 && u != u'\t' && u != u'\n' && u != u'\r') || u == 0x7f)
            return true;
    }
    return false;
}

// The text without those characters: for what another service sends (Clerk's profiles), which a
// request cannot refuse.
inline QString withoutControlCharacters(QString text)
{
    text.removeIf([](QChar c) {
        const char16_t u = c.unicode();
        return (u < 0x20 && u != u'\t' && u != u'\n' && u != u'\r') || u == 0x7f;
    });
    return text;
}

} // namespace marquee
