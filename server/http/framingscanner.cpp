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
qint64 headerEnd(QByteArrayView head, qint64 from, qint64 *length)
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
bool requestLineOk(QByteArrayView head)
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
QByteArray originIn(QByteArrayView head)
{
    for (qsizetype at = head.indexOf('\n'); at >= 0 && at + 1 < head.size();
         at = head.indexOf('\n', at + 1)) {
        if (head.size() - at > 8 && qstrnicmp(head.data() + at + 1, "origin:", 7) == 0) {
            const qsizetype end = head.indexOf('\n', at + 1);
            return head.sliced(at + 8, end < 0 ? head.size() - at - 8 : end - at - 8)
                .trimmed()
                .toByteArray();
        }
    }
    return {};
}

// What a refused request is logged as: nothing a client sent reaches a log line unchecked.
QByteArray methodForLog(QByteArrayView head)
{
    const qsizetype sp = head.indexOf(' ');
    const QByteArray method = (sp < 0 ? head : head.first(sp)).toByteArray();
    return isToken(method) && method.size() <= 32 ? method : QByteArrayLiteral("OTHER");
}

QString pathForLog(QByteArrayView head)
{
    const qsizetype sp = head.indexOf(' ');
    if (sp < 0)
        return QStringLiteral("-");
    QByteArray target
        = head.sliced(sp + 1, qMin<qsizetype>(512, head.size() - sp - 1)).toByteArray();
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
    QByteArrayView origin; // in the header block being read
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

bool sameNoCase(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && a.compare(b, Qt::CaseInsensitive) == 0;
}

bool containsNoCase(QByteArrayView text, QByteArrayView word)
{
    for (qsizetype i = 0; i + word.size() <= text.size(); ++i) {
        if (qstrnicmp(text.data() + i, word.size(), word.data(), word.size()) == 0)
            return true;
    }
    return false;
}

// Notes what one well-formed field says about framing; why it cannot be accepted, or empty.
// Compared in place, in any case: nothing is copied for the fields of every request.
QString noteField(QByteArrayView name, QByteArrayView value, HeadFields *f)
{
    if (sameNoCase(name, "content-length")) {
        bool digits = !value.isEmpty() && value.size() <= 18;
        for (char c : value)
            digits = digits && c >= '0' && c <= '9';
        if (!digits || ++f->lengths > 1)
            return QStringLiteral("Content-Length must be one number");
        f->length = value.toLongLong();
    } else if (sameNoCase(name, "transfer-encoding")) {
        if (++f->encodings > 1 || !sameNoCase(value, "chunked"))
            return QStringLiteral("Transfer-Encoding must be exactly one \"chunked\"");
        f->chunked = true;
    } else if (sameNoCase(name, "expect")) {
        f->expectContinue = sameNoCase(value, "100-continue");
    } else if (sameNoCase(name, "connection")) {
        f->upgradeConnection = f->upgradeConnection || containsNoCase(value, "upgrade");
        f->connectionClose = f->connectionClose || containsNoCase(value, "close");
        f->keepAlive = f->keepAlive || containsNoCase(value, "keep-alive");
    } else if (sameNoCase(name, "origin")) {
        f->origin = value;
    } else if (sameNoCase(name, "upgrade")) {
        f->websocket = f->websocket || sameNoCase(value, "websocket");
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
            why = noteField(line.first(colon), line.sliced(colon + 1).trimmed(), f);
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
    // The header block being read: collected in m_head, or still where it arrived (readHead).
    const QByteArrayView head = m_reading.isNull() ? QByteArrayView(m_head) : m_reading;
    r.method = methodForLog(head);
    r.path = pathForLog(head);
    r.origin = m_origin.isEmpty() ? originIn(head) : m_origin;
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
        // The usual case: the whole header block is in these bytes, with a well-formed request
        // line. It is read where it is, not collected (anything else goes the long way below,
        // which refuses what it must).
        const QByteArrayView head = data.sliced(pos, qMin(m_limits.maxHeaderBytes + 4, n - pos));
        qint64 terminator = 0;
        const qint64 end = head.indexOf('\n') < 0 ? -1 : headerEnd(head, 0, &terminator);
        if (end >= 0 && end + terminator <= m_limits.maxHeaderBytes + 4 && requestLineOk(head)) {
            pos += end + terminator;
            return headComplete(head.first(end + 1));
        }
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
    return headComplete(QByteArrayView(m_head).first(end + 1));
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

// The header block of one request has arrived whole: head is its request line and fields, each
// with its '\n' (in m_head, or where it arrived). Checks it the way Qt's parser will read it;
// false when the request was refused.
bool FramingScanner::headComplete(QByteArrayView head)
{
    m_reading = head;
    const qsizetype lineEnd = head.indexOf('\n');
    QByteArrayView requestLine = head.first(lineEnd);
    if (requestLine.endsWith('\r'))
        requestLine.chop(1);
    HeadFields f;
    f.http10 = requestLine.endsWith("HTTP/1.0");
    const QString why = readFields(head.sliced(lineEnd + 1), &f);
    bool accepted = why.isEmpty();
    if (!accepted)
        fail(400, QStringLiteral("Malformed request headers: ") + why);
    else
        accepted = framingAccepted(f);
    if (accepted)
        startBody(f);
    m_reading = {};
    return accepted;
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
    // A refusal during the body carries the request's origin (fail()); without a body, the
    // request ends here and nothing is kept.
    m_origin = f.chunked || f.length > 0 ? f.origin.toByteArray() : QByteArray();
    m_head.clear();
    m_lineChecked = false;
    m_bodySoFar = 0;
    m_bodyWire = 0;
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
