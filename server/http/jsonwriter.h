#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace marquee {

// Appends compact JSON to a byte array, for hot paths where building a QJsonObject (Qt 6 stores
// it as CBOR and sorts keys on every insert) costs more than the rest of the request. Keys are
// ASCII literals chosen by us; strings are escaped per RFC 8259. The caller keeps the structure
// balanced; commas are placed automatically.
class JsonWriter
{
public:
    explicit JsonWriter(QByteArray *out)
        : m_out(out)
    { }

    JsonWriter &beginObject() { return open('{'); }
    JsonWriter &endObject() { return close('}'); }
    JsonWriter &beginArray() { return open('['); }
    JsonWriter &endArray() { return close(']'); }

    JsonWriter &key(const char *name);
    JsonWriter &value(const QString &s); // null QString -> null
    JsonWriter &value(qint64 n);
    JsonWriter &value(int n) { return value(qint64(n)); }
    JsonWriter &value(double d);
    JsonWriter &value(bool b);
    JsonWriter &null();
    JsonWriter &raw(const QByteArray &json); // already-serialised JSON value

    template<typename T> JsonWriter &value(const std::optional<T> &v)
    {
        return v ? value(*v) : null();
    }

    template<typename T> JsonWriter &field(const char *name, const T &v)
    {
        return key(name).value(v);
    }

    static void appendString(QByteArray *out, const QString &s);

private:
    JsonWriter &open(char c);
    JsonWriter &close(char c);
    void separator();

    QByteArray *m_out;
    bool m_first = true;
    bool m_afterKey = false;
};

} // namespace marquee
