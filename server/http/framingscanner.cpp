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

// What a header block says about the request's framing, once its fields are read (declared in
// the header so FramingScanner's phases can pass it).
struct HeadFields
{
    bool http10 = false;
    qint64 length = 0;
    int lengths = 0;
    int encodings = 0;
    int fields = 0;
    bool chunked = false;
    bool expectContinue = false;
    bool upgradeConnection = false;
    bool websocket = false;
    bool connectionClose = false;
    bool keepAlive = false;
    QByteArray origin;
};

namespace {

// Why a field line (without its line end) cannot be read the way Qt's parser will read it, or an
// empty string.
QString fieldLineProblem(QByteArrayView line, int fields)
{
    if (line.startsWith(' ') || line.startsWith('\t'))
        return QStringLiteral("folded header lines are not accepted");
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0 || !isToken(line.first(colon)))
        return QStringLiteral("a header line has no valid field name");
    if (fields > kMaxHeaderFields)
        return QStringLiteral("more than %1 header fields").arg(kMaxHeaderFields);
    if (line.size() > kMaxFieldSize)
        return QStringLiteral("a header field is longer than %1 bytes").arg(kMaxFieldSize);
    for (char c : line.sliced(colon + 1)) {
        if ((c >= 0 && c < 0x20 && c != '\t') || c == 0x7f)
            return QStringLiteral("a header value holds a control character");
    }
    return {};
}

// Notes what one well-formed field says about framing; why it cannot be accepted, or empty.
QString noteField(const QByteArray &name, const QByteArray &value, HeadFields *f)
{
    if (name == "content-length") {
        bool digits = !value.isEmpty() && value.size() <= 18;
        for (char c : value)
            digits = digits && c >= '0' && c <= '9';
        if (!digits || ++f->lengths > 1)
            return QStringLiteral("Content-Length must be one number");
        f->length = value.toLongLong();
    } else if (name == "transfer-encoding") {
        if (++f->encodings > 1 || value.toLower() != "chunked")
            return QStringLiteral("Transfer-Encoding must be exactly one \"chunked\"");
        f->chunked = true;
    } else if (name == "expect") {
        f->expectContinue = value.toLower() == "100-continue";
    } else if (name == "connection") {
        const QByteArray v = value.toLower();
        f->upgradeConnection = f->upgradeConnection || v.contains("upgrade");
        f->connectionClose = f->connectionClose || v.contains("close");
        f->keepAlive = f->keepAlive || v.contains("keep-alive");
    } else if (name == "origin") {
        f->origin = value;
    } else if (name == "upgrade") {
        f->websocket = f->websocket || value.toLower() == "websocket";
    }
    return {};
}

// Reads the field lines of a header block (each ending in '\n', up to the empty line); why the
// block is malformed, or empty.
QString readFields(QByteArrayView rest, HeadFields *f)
{
    while (!rest.isEmpty()) {
        const qsizetype nl = rest.indexOf('\n');
        QByteArrayView line = rest.first(nl);
        rest = rest.sliced(nl + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            break;
        QString why = fieldLineProblem(line, ++f->fields);
        if (why.isEmpty()) {
            const qsizetype colon = line.indexOf(':');
            why = noteField(line.first(colon).toByteArray().toLower(),
                line.sliced(colon + 1).trimmed().toByteArray(), f);
        }
        if (!why.isEmpty())
            return why;
    }
    return {};
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
    bool reading = true;
    while (reading && pos < data.size()) {
        switch (m_phase) {
        case Phase::Head:
            reading = readHead(data, pos);
            break;
        case Phase::Body:
        case Phase::ChunkData:
            readData(data, pos);
            break;
        case Phase::ChunkSize:
            reading = readChunkSize(data, pos);
            break;
        case Phase::ChunkEnd:
        case Phase::LastChunkEnd:
            reading = readChunkEnd(data, pos);
            break;
        case Phase::Refused:
        case Phase::Closed:
            reading = false;
            break;
        }
    }
    return finish(before);
}

bool FramingScanner::readHead(QByteArrayView data, qint64 &pos)
{
    const qint64 n = data.size();
    if (m_head.isEmpty()) {
        // Qt's parser skips this white space between requests; so does the guard (and does not
        // count it as activity).
        while (pos < n && std::strchr(" \t\r\n\v", data.at(pos)) != nullptr && data.at(pos) != 0)
            ++pos;
        if (pos >= n)
            return true;
        m_inRequest = true;
    }
    const qint64 oldSize = m_head.size();
    const qint64 room = m_limits.maxHeaderBytes + 4 - oldSize;
    m_head.append(data.constData() + pos, qMin(room, n - pos));
    if (!checkRequestLine())
        return false;
    qint64 terminator = 0;
    const qint64 end = headerEnd(m_head, qMax<qint64>(0, oldSize - 3), &terminator);
    if (end < 0 || end + terminator > m_limits.maxHeaderBytes + 4) {
        if (m_head.size() > m_limits.maxHeaderBytes) {
            fail(431,
                QStringLiteral("Request header block exceeds %1 bytes")
                    .arg(m_limits.maxHeaderBytes));
            return false;
        }
        pos = n;
        return true;
    }
    pos += end + terminator - oldSize;
    return headComplete(end);
}

// Qt's parser reads the request line as soon as its LF arrives and drops the connection, with
// every answer still due on it, when it cannot: it is checked then too.
bool FramingScanner::checkRequestLine()
{
    if (m_lineChecked || m_head.indexOf('\n') < 0)
        return true;
    m_lineChecked = true;
    if (requestLineOk(m_head))
        return true;
    fail(400, QStringLiteral("Malformed request line"));
    return false;
}

// A body of known length, or a chunk's data: counted, not kept.
void FramingScanner::readData(QByteArrayView data, qint64 &pos)
{
    const qint64 take = qMin(m_remaining, data.size() - pos);
    pos += take;
    m_remaining -= take;
    if (m_remaining > 0)
        return;
    if (m_phase == Phase::Body) {
        requestDone();
    } else {
        m_remaining = 2; // the CRLF after the chunk data
        m_phase = Phase::ChunkEnd;
    }
}

// A chunk-size line: hex digits, an optional extension, CRLF. Qt's parser reads a size it cannot
// parse as the last chunk, so anything else is refused here.
bool FramingScanner::readChunkSize(QByteArrayView data, qint64 &pos)
{
    const qint64 nl = data.indexOf('\n', pos);
    const qint64 take = (nl < 0 ? data.size() : nl + 1) - pos;
    m_head.append(data.constData() + pos, take);
    pos += take;
    if (m_head.size() > kMaxChunkLine) {
        fail(400, QStringLiteral("Chunk size line too long"));
        return false;
    }
    if (nl < 0)
        return true;
    const QByteArray line = std::exchange(m_head, QByteArray());
    if (!line.endsWith("\r\n")) {
        fail(400, QStringLiteral("Chunk size line must end with CRLF"));
        return false;
    }
    const QByteArray digits = line.left(line.size() - 2).split(';').first().trimmed();
    bool hex = !digits.isEmpty() && digits.size() <= 15;
    for (char c : digits)
        hex = hex && isHexDigit(c);
    if (!hex) {
        fail(400, QStringLiteral("Malformed chunk size"));
        return false;
    }
    return acceptChunk(digits.toLongLong(nullptr, 16), line.size()); // < 2^60: no overflow
}

// The body limit, counted over the chunks so far, with and without their framing.
bool FramingScanner::acceptChunk(qint64 size, qint64 lineSize)
{
    if (size > m_limits.maxBodyBytes - m_bodySoFar) {
        fail(413,
            QStringLiteral("Request body exceeds the limit of %1 bytes")
                .arg(m_limits.maxBodyBytes));
        return false;
    }
    m_bodySoFar += size;
    // Framing counts too: a body of tiny chunks with long extensions must not outgrow what a
    // socket may buffer while Qt's parser holds the whole request.
    m_bodyWire += lineSize + size + 2;
    if (m_bodyWire > m_limits.maxBodyBytes + kChunkFramingSlack) {
        fail(413,
            QStringLiteral("Chunked body exceeds the limit of %1 bytes with its framing")
                .arg(m_limits.maxBodyBytes + kChunkFramingSlack));
        return false;
    }
    m_remaining = 2; // the CRLF after the chunk data, or after the last chunk
    if (size == 0) {
        m_phase = Phase::LastChunkEnd; // no trailers: Qt's parser reads none
    } else {
        m_remaining = size;
        m_phase = Phase::ChunkData;
    }
    return true;
}

// The CRLF after a chunk's data or after the last chunk: exactly CRLF, as Qt's parser takes these
// two bytes whatever they are.
bool FramingScanner::readChunkEnd(QByteArrayView data, qint64 &pos)
{
    const char expected = m_remaining == 2 ? '\r' : '\n';
    if (data.at(pos) != expected) {
        fail(400,
            QStringLiteral("Chunked body malformed (CRLF expected after a chunk; "
                           "trailers are not accepted)"));
        return false;
    }
    ++pos;
    // Qt's parser, given the last chunk's CR alone, later reads the LF and the next byte as that
    // CRLF: the next request would lose its first byte. Refused instead.
    if (m_phase == Phase::LastChunkEnd && m_remaining == 2 && pos == data.size()) {
        fail(400, QStringLiteral("The CRLF ending a chunked body must arrive in one piece"));
        return false;
    }
    if (--m_remaining == 0) {
        if (m_phase == Phase::LastChunkEnd)
            requestDone();
        else
            m_phase = Phase::ChunkSize;
    }
    return true;
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
    HeadFields f;
    f.http10 = requestLine.endsWith("HTTP/1.0");
    const QString why = readFields(QByteArrayView(head).sliced(lineEnd + 1), &f);
    if (!why.isEmpty()) {
        fail(400, QStringLiteral("Malformed request headers: ") + why);
        return false;
    }
    if (!framingAccepted(f))
        return false;
    startBody(f);
    return true;
}

bool FramingScanner::framingAccepted(const HeadFields &f)
{
    if (f.lengths > 0 && f.encodings > 0) {
        // Both framings at once is how bodies get smuggled past a limit.
        fail(400,
            QStringLiteral("Malformed request headers: Content-Length with Transfer-Encoding"));
        return false;
    }
    if (f.upgradeConnection && f.websocket) {
        fail(400, QStringLiteral("WebSocket upgrades are not supported"));
        return false;
    }
    if (!f.chunked && f.length > m_limits.maxBodyBytes) {
        fail(413,
            QStringLiteral("Request body exceeds the limit of %1 bytes")
                .arg(m_limits.maxBodyBytes));
        return false;
    }
    return true;
}

// The head was accepted: what comes next is its body (or the next request).
void FramingScanner::startBody(const HeadFields &f)
{
    m_head.clear();
    m_lineChecked = false;
    m_bodySoFar = 0;
    m_bodyWire = 0;
    m_origin = f.origin;
    if (f.connectionClose || (f.http10 && !f.keepAlive)) {
        m_closeAt = m_complete;
        m_result.closeAt = m_complete;
    }
    // 100 Continue only where it means something: HTTP/1.1 with a body to come (RFC 9110
    // section 10.1.1 says to ignore the expectation from HTTP/1.0).
    if (f.expectContinue && !f.http10 && (f.chunked || f.length > 0))
        m_result.continues.append(m_complete);
    if (f.chunked) {
        m_phase = Phase::ChunkSize;
    } else if (f.length > 0) {
        m_remaining = f.length;
        m_phase = Phase::Body;
    } else {
        requestDone();
    }
}

} // namespace marquee
