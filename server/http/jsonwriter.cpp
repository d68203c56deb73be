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

void JsonWriter::appendString(QByteArray *out, const QString &s)
{
    const QByteArray utf8 = s.toUtf8();
    out->reserve(out->size() + utf8.size() + 2);
    out->append('"');
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out->append("\\\"");
            break;
        case '\\':
            out->append("\\\\");
            break;
        case '\n':
            out->append("\\n");
            break;
        case '\r':
            out->append("\\r");
            break;
        case '\t':
            out->append("\\t");
            break;
        case '\b':
            out->append("\\b");
            break;
        case '\f':
            out->append("\\f");
            break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out->append(buf);
            } else {
                out->append(ch);
            }
        }
    }
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
