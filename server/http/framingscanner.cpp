#include "framingscanner.h"

#include <cstring>

namespace marquee {

namespace {

// What Qt 6.4's QHttpHeaderParser accepts; a header block it would not parse is refused here,
// because Qt then drops every header of the request while the guard would still act on them.
constexpr int kMaxHeaderFields = 100;
constexpr int kMaxFieldSize = 8 * 1024;
constexpr int kMaxChunkLine = 1024;
// Framing a chunked body may add to its data: less than the slack a socket may buffer beyond
// the header and body limits, so a request always fits.
constexpr qint64 kChunkFramingSlack = 8 * 1024;

bool isTokenChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || (c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

bool isToken(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (char c : s) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Index of the empty line that ends a header block ("\n\n" or "\n\r\n", as Qt's parser reads it),
// or -1; *length is the terminator's size.
qint64 headerEnd(const QByteArray &head, qint64 from, qint64 *length)
{
    for (qint64 i = head.indexOf('\n', from); i >= 0; i = head.indexOf('\n', i + 1)) {
        if (i + 1 < head.size() && head.at(i + 1) == '\n') {
            *length = 2;
            return i;
        }
        if (i + 2 < head.size() && head.at(i + 1) == '\r' && head.at(i + 2) == '\n') {
            *length = 3;
            return i;
        }
    }
    return -1;
}

// METHOD SP target SP HTTP/1.x, exactly: what Qt's parser reads less strictly. head holds at
// least the request line's LF.
bool requestLineOk(const QByteArray &head)
{
    QByteArrayView line(head.constData(), head.indexOf('\n'));
    if (line.endsWith('\r'))
        line.chop(1);
    const qsizetype sp1 = line.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    const QByteArrayView version = sp2 < 0 ? QByteArrayView() : line.sliced(sp2 + 1);
    bool ok = sp1 > 0 && sp1 <= 32 && isToken(line.first(sp1)) && sp2 > sp1 + 1
        && (version == "HTTP/1.1" || version == "HTTP/1.0");
    for (qsizetype i = sp1 + 1; ok && i < sp2; ++i)
        ok = line[i] > 0x20 && line[i] < 0x7f;
    return ok;
}

// The value of the request's Origin header in a (possibly partial) header block.
QByteArray originIn(const QByteArray &head)
{
    for (qsizetype at = head.indexOf('\n'); at >= 0 && at + 1 < head.size();
         at = head.indexOf('\n', at + 1)) {
        if (head.size() - at > 8 && qstrnicmp(head.constData() + at + 1, "origin:", 7) == 0) {
            const qsizetype end = head.indexOf('\n', at + 1);
            return head.mid(at + 8, end < 0 ? -1 : end - at - 8).trimmed();
        }
    }
    return {};
}

// What a refused request is logged as: nothing a client sent reaches a log line unchecked.
QByteArray methodForLog(const QByteArray &head)
{
    const QByteArray method = head.left(head.indexOf(' '));
    return isToken(method) && method.size() <= 32 ? method : QByteArrayLiteral("OTHER");
}

QString pathForLog(const QByteArray &head)
{
    const qsizetype sp = head.indexOf(' ');
    if (sp < 0)
        return QStringLiteral("-");
    QByteArray target = head.mid(sp + 1, 512);
    target = target.left(target.indexOf(' ')).left(200);
    target = target.left(target.indexOf('?'));
    if (!target.startsWith('/'))
        return QStringLiteral("-");
    for (char c : std::as_const(target)) {
        if (c <= 0x20 || c >= 0x7f)
            return QStringLiteral("-");
    }
    return QString::fromLatin1(target);
}

} // namespace

FramingScanner::FramingScanner(Limits limits)
    : m_limits(limits)
{ }

FramingScanner::Result FramingScanner::finish(quint64 before)
{
    m_result.completed = int(m_complete - before);
    return std::exchange(m_result, Result());
}

void FramingScanner::fail(int status, const QString &message)
{
    Refusal r;
    r.status = status;
    r.message = message;
    r.method = methodForLog(m_head);
    r.path = pathForLog(m_head);
    r.origin = m_origin.isEmpty() ? originIn(m_head) : m_origin;
    m_result.refusal = std::move(r);
    m_phase = Phase::Refused;
    m_head.clear();
    m_inRequest = false;
}

void FramingScanner::requestDone()
{
    m_origin.clear(); // a later request's refusal carries its own origin, or none
    ++m_complete;
    m_inRequest = false;
    // Nothing after a request that closes the connection is read (RFC 9112 section 9.6).
    m_phase = m_closeAt && m_complete == *m_closeAt + 1 ? Phase::Closed : Phase::Head;
}

FramingScanner::Result FramingScanner::feed(QByteArrayView data)
{
    const quint64 before = m_complete;
    qint64 pos = 0;
    const qint64 n = data.size();
    while (pos < n) {
        switch (m_phase) {
        case Phase::Head: {
            if (m_head.isEmpty()) {
                // Qt's parser skips this white space between requests; so does the guard (and
                // beforeParser() does not count it as activity).
                while (pos < n && std::strchr(" \t\r\n\v", data.at(pos)) != nullptr
                    && data.at(pos) != 0)
                    ++pos;
                if (pos >= n)
                    break;
                m_inRequest = true;
            }
            const qint64 oldSize = m_head.size();
            const qint64 room = m_limits.maxHeaderBytes + 4 - oldSize;
            m_head.append(data.constData() + pos, qMin(room, n - pos));
            // Qt's parser reads the request line as soon as its LF arrives and drops the
            // connection, with every answer still due on it, when it cannot: check it then too.
            if (!m_lineChecked && m_head.indexOf('\n') >= 0) {
                m_lineChecked = true;
                if (!requestLineOk(m_head)) {
                    fail(400, QStringLiteral("Malformed request line"));
                    return finish(before);
                }
            }
            qint64 terminator = 0;
            const qint64 end = headerEnd(m_head, qMax<qint64>(0, oldSize - 3), &terminator);
            if (end < 0 || end + terminator > m_limits.maxHeaderBytes + 4) {
                if (m_head.size() > m_limits.maxHeaderBytes) {
                    fail(431,
                        QStringLiteral("Request header block exceeds %1 bytes")
                            .arg(m_limits.maxHeaderBytes));
                    return finish(before);
                }
                pos = n;
                break;
            }
            pos += end + terminator - oldSize;
            if (!headComplete(end))
                return finish(before);
            break;
        }
        case Phase::Body: {
            const qint64 take = qMin(m_remaining, n - pos);
            pos += take;
            m_remaining -= take;
            if (m_remaining == 0)
                requestDone();
            break;
        }
        case Phase::ChunkSize: {
            // A chunk-size line: hex digits, an optional extension, CRLF. Qt's parser reads a
            // size it cannot parse as the last chunk, so anything else is refused here.
            const qint64 nl = data.indexOf('\n', pos);
            const qint64 take = (nl < 0 ? n : nl + 1) - pos;
            m_head.append(data.constData() + pos, take);
            pos += take;
            if (m_head.size() > kMaxChunkLine) {
                fail(400, QStringLiteral("Chunk size line too long"));
                return finish(before);
            }
            if (nl < 0)
                break;
            const QByteArray line = m_head;
            m_head.clear();
            if (!line.endsWith("\r\n")) {
                fail(400, QStringLiteral("Chunk size line must end with CRLF"));
                return finish(before);
            }
            const QByteArray digits = line.left(line.size() - 2).split(';').first().trimmed();
            bool hex = !digits.isEmpty() && digits.size() <= 15;
            for (char c : digits)
                hex = hex && isHexDigit(c);
            if (!hex) {
                fail(400, QStringLiteral("Malformed chunk size"));
                return finish(before);
            }
            const qint64 size = digits.toLongLong(nullptr, 16); // < 2^60: no overflow
            if (size > m_limits.maxBodyBytes - m_bodySoFar) {
                fail(413,
                    QStringLiteral("Request body exceeds the limit of %1 bytes")
                        .arg(m_limits.maxBodyBytes));
                return finish(before);
            }
            m_bodySoFar += size;
            // Framing counts too: a body of tiny chunks with long extensions must not outgrow
            // what a socket may buffer while Qt's parser holds the whole request.
            m_bodyWire += line.size() + size + 2;
            if (m_bodyWire > m_limits.maxBodyBytes + kChunkFramingSlack) {
                fail(413,
                    QStringLiteral("Chunked body exceeds the limit of %1 bytes with its framing")
                        .arg(m_limits.maxBodyBytes + kChunkFramingSlack));
                return finish(before);
            }
            m_remaining = 2; // the CRLF after the chunk data, or after the last chunk
            if (size == 0) {
                m_phase = Phase::LastChunkEnd; // no trailers: Qt's parser reads none
            } else {
                m_remaining = size;
                m_phase = Phase::ChunkData;
            }
            break;
        }
        case Phase::ChunkData: {
            const qint64 take = qMin(m_remaining, n - pos);
            pos += take;
            m_remaining -= take;
            if (m_remaining == 0) {
                m_remaining = 2;
                m_phase = Phase::ChunkEnd;
            }
            break;
        }
        case Phase::ChunkEnd:
        case Phase::LastChunkEnd: {
            // Exactly CRLF: Qt's parser takes these two bytes whatever they are.
            const char expected = m_remaining == 2 ? '\r' : '\n';
            if (data.at(pos) != expected) {
                fail(400,
                    QStringLiteral("Chunked body malformed (CRLF expected after a chunk; "
                                   "trailers are not accepted)"));
                return finish(before);
            }
            ++pos;
            // Qt's parser, given the last chunk's CR alone, later reads the LF and the next
            // byte as that CRLF: the next request would lose its first byte. Refused instead.
            if (m_phase == Phase::LastChunkEnd && m_remaining == 2 && pos == n) {
                fail(
                    400, QStringLiteral("The CRLF ending a chunked body must arrive in one piece"));
                return finish(before);
            }
            if (--m_remaining == 0) {
                if (m_phase == Phase::LastChunkEnd)
                    requestDone();
                else
                    m_phase = Phase::ChunkSize;
            }
            break;
        }
        case Phase::Refused:
        case Phase::Closed:
            pos = n;
            break;
        }
    }
    return finish(before);
}

// The header block of one request has arrived whole (m_head up to end). Checks it the way Qt's
// parser will read it; false when the request was refused.
bool FramingScanner::headComplete(qint64 end)
{
    const QByteArray head = m_head.left(end + 1); // request line + fields, each with '\n'
    const qsizetype lineEnd = head.indexOf('\n');
    QByteArrayView requestLine(head.constData(), lineEnd);
    if (requestLine.endsWith('\r'))
        requestLine.chop(1);
    const bool http10 = requestLine.endsWith("HTTP/1.0");

    qint64 length = 0;
    int lengths = 0, encodings = 0, fields = 0;
    bool chunked = false, expectContinue = false, upgradeConnection = false, websocket = false;
    bool connectionClose = false, keepAlive = false;
    QByteArray origin;
    QByteArrayView rest(head.constData() + lineEnd + 1, head.size() - lineEnd - 1);
    while (!rest.isEmpty()) {
        const qsizetype nl = rest.indexOf('\n');
        QByteArrayView line = rest.first(nl);
        rest = rest.sliced(nl + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            break;
        const QString why = [&]() -> QString {
            if (line.startsWith(' ') || line.startsWith('\t'))
                return QStringLiteral("folded header lines are not accepted");
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.first(colon)))
                return QStringLiteral("a header line has no valid field name");
            if (++fields > kMaxHeaderFields)
                return QStringLiteral("more than %1 header fields").arg(kMaxHeaderFields);
            if (line.size() > kMaxFieldSize)
                return QStringLiteral("a header field is longer than %1 bytes").arg(kMaxFieldSize);
            for (char c : line.sliced(colon + 1)) {
                if ((c >= 0 && c < 0x20 && c != '\t') || c == 0x7f)
                    return QStringLiteral("a header value holds a control character");
            }
            const QByteArray name = line.first(colon).toByteArray().toLower();
            const QByteArray value = line.sliced(colon + 1).trimmed().toByteArray();
            if (name == "content-length") {
                bool digits = !value.isEmpty() && value.size() <= 18;
                for (char c : value)
                    digits = digits && c >= '0' && c <= '9';
                if (!digits || ++lengths > 1)
                    return QStringLiteral("Content-Length must be one number");
                length = value.toLongLong();
            } else if (name == "transfer-encoding") {
                if (++encodings > 1 || value.toLower() != "chunked")
                    return QStringLiteral("Transfer-Encoding must be exactly one \"chunked\"");
                chunked = true;
            } else if (name == "expect") {
                expectContinue = value.toLower() == "100-continue";
            } else if (name == "connection") {
                const QByteArray v = value.toLower();
                upgradeConnection = upgradeConnection || v.contains("upgrade");
                connectionClose = connectionClose || v.contains("close");
                keepAlive = keepAlive || v.contains("keep-alive");
            } else if (name == "origin") {
                origin = value;
            } else if (name == "upgrade") {
                websocket = websocket || value.toLower() == "websocket";
            }
            return {};
        }();
        if (!why.isEmpty()) {
            fail(400, QStringLiteral("Malformed request headers: ") + why);
            return false;
        }
    }
    if (lengths > 0 && encodings > 0) {
        // Both framings at once is how bodies get smuggled past a limit.
        fail(400,
            QStringLiteral("Malformed request headers: Content-Length with Transfer-Encoding"));
        return false;
    }
    if (upgradeConnection && websocket) {
        fail(400, QStringLiteral("WebSocket upgrades are not supported"));
        return false;
    }
    if (!chunked && length > m_limits.maxBodyBytes) {
        fail(413,
            QStringLiteral("Request body exceeds the limit of %1 bytes")
                .arg(m_limits.maxBodyBytes));
        return false;
    }
    m_head.clear();
    m_lineChecked = false;
    m_bodySoFar = 0;
    m_bodyWire = 0;
    m_origin = origin;
    if (connectionClose || (http10 && !keepAlive)) {
        m_closeAt = m_complete;
        m_result.closeAt = m_complete;
    }
    // 100 Continue only where it means something: HTTP/1.1 with a body to come (RFC 9110
    // section 10.1.1 says to ignore the expectation from HTTP/1.0).
    if (expectContinue && !http10 && (chunked || length > 0)) {
        m_result.continues.append(m_complete);
    }
    if (chunked) {
        m_phase = Phase::ChunkSize;
    } else if (length > 0) {
        m_remaining = length;
        m_phase = Phase::Body;
    } else {
        requestDone();
    }
    return true;
}

} // namespace marquee
