#include "jsonwriter.h"

#include <QLocale>

#include <cmath>
#include <cstdio>

namespace marquee {

void JsonWriter::separator()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_first)
        m_out->append(',');
    m_first = false;
}

JsonWriter &JsonWriter::open(char c)
{
    separator();
    m_out->append(c);
    m_first = true;
    return *this;
}

JsonWriter &JsonWriter::close(char c)
{
    m_out->append(c);
    m_first = false;
    return *this;
}

JsonWriter &JsonWriter::key(const char *name)
{
    separator();
    m_out->append('"').append(name).append("\":");
    m_afterKey = true;
    return *this;
}

namespace {

// The escape of a byte that needs one ('"', '\\', a control character), or nullptr.
const char *escapeOf(unsigned char c, char (&buf)[8])
{
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    case '\b':
        return "\\b";
    case '\f':
        return "\\f";
    default:
        if (c < 0x20) {
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            return buf;
        }
        return nullptr;
    }
}

// UTF-8 bytes, escaped: the runs between escapes are appended whole.
void appendEscaped(QByteArray *out, const char *p, qsizetype n)
{
    const char *run = p;
    const char *end = p + n;
    char buf[8];
    for (; p < end; ++p) {
        if (const char *e = escapeOf(static_cast<unsigned char>(*p), buf)) {
            out->append(run, p - run);
            out->append(e);
            run = p + 1;
        }
    }
    out->append(run, end - run);
}

} // namespace

void JsonWriter::appendString(QByteArray *out, const QString &s)
{
    // Most strings here (titles, paths, URLs, dates) are plain ASCII: copied straight from UTF-16,
    // with no UTF-8 copy in between.
    const qsizetype n = s.size();
    const ushort *u = s.utf16(); // Qt 6.4: ushort, not char16_t
    bool plain = true;
    for (qsizetype i = 0; i < n && plain; ++i)
        plain = u[i] >= 0x20 && u[i] < 0x80 && u[i] != '"' && u[i] != '\\';
    if (plain) {
        const qsizetype at = out->size();
        out->resize(at + n + 2);
        char *d = out->data() + at;
        *d++ = '"';
        for (qsizetype i = 0; i < n; ++i)
            *d++ = char(u[i]);
        *d = '"';
        return;
    }
    const QByteArray utf8 = s.toUtf8();
    out->reserve(out->size() + utf8.size() + 2);
    out->append('"');
    appendEscaped(out, utf8.constData(), utf8.size());
    out->append('"');
}

JsonWriter &JsonWriter::value(const QString &s)
{
    if (s.isNull())
        return null();
    separator();
    appendString(m_out, s);
    return *this;
}

JsonWriter &JsonWriter::value(qint64 n)
{
    separator();
    m_out->append(QByteArray::number(n));
    return *this;
}

JsonWriter &JsonWriter::value(double d)
{
    if (!std::isfinite(d))
        return null();
    separator();
    // Shortest round-trip form, like QJsonDocument (8.4 stays 8.4, 7 stays 7).
    m_out->append(QByteArray::number(d, 'g', QLocale::FloatingPointShortest));
    return *this;
}

JsonWriter &JsonWriter::value(bool b)
{
    separator();
    m_out->append(b ? "true" : "false");
    return *this;
}

JsonWriter &JsonWriter::null()
{
    separator();
    m_out->append("null");
    return *this;
}

JsonWriter &JsonWriter::raw(const QByteArray &json)
{
    separator();
    m_out->append(json);
    return *this;
}

} // namespace marquee
