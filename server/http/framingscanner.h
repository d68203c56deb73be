#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

namespace marquee {

struct HeadFields;

// Reads one connection's HTTP/1.1 byte stream ahead of Qt 6.4.2's parser, each byte once, and
// checks every request the way that parser will read it (docs/http.md, "Limits and deadlines"):
// it knows where each request ends, or refuses the request it cannot agree on. No socket: the
// connection guard feeds it, and tests feed it tables of raw bytes.
//
//     FramingScanner scanner({16 * 1024, 64 * 1024});
//     const FramingScanner::Result r = scanner.feed(bytes);
//     // r.completed requests ended in these bytes; after r.refusal nothing more is read.
class FramingScanner
{
public:
    struct Limits
    {
        qint64 maxHeaderBytes = 16 * 1024;
        qint64 maxBodyBytes = 64 * 1024;
    };
    struct Refusal
    {
        int status = 400; // 400, 413 or 431
        QString message;
        QByteArray method; // a valid token, else "OTHER" (for the log)
        QString path; // printable, without its query, else "-" (for the log)
        QByteArray origin; // the request's Origin header, when it was read
    };
    struct Result
    {
        int completed = 0; // requests that ended in the bytes fed
        QList<quint64> continues; // requests (by index) that validly asked for 100 Continue
        std::optional<quint64> closeAt; // a request that closes the connection (by index)
        std::optional<Refusal> refusal; // the request being read is refused
    };

    explicit FramingScanner(Limits limits);

    Result feed(QByteArrayView data);

    // Requests seen whole; the index of the one being read.
    quint64 completeRequests() const { return m_complete; }
    // Some of a request (not white space alone) has arrived, not all of it.
    bool inRequest() const { return m_inRequest; }
    // Refused, or past a request that closes the connection: nothing more is read.
    bool stopped() const { return m_phase == Phase::Refused || m_phase == Phase::Closed; }

private:
    enum class Phase { Head, Body, ChunkSize, ChunkData, ChunkEnd, LastChunkEnd, Refused, Closed };
    // One function a phase of a request: the request line, the header block, the body framing
    // and its limits. The readers take bytes from data at pos and move pos past what they took;
    // false when the request was refused (nothing more is read).
    bool readHead(QByteArrayView data, qint64 &pos);
    bool checkRequestLine();
    bool headComplete(QByteArrayView head);
    bool framingAccepted(const HeadFields &fields);
    void startBody(const HeadFields &fields);
    void readData(QByteArrayView data, qint64 &pos);
    bool readChunkSize(QByteArrayView data, qint64 &pos);
    bool acceptChunk(qint64 size, qint64 lineSize);
    bool readChunkEnd(QByteArrayView data, qint64 &pos);
    void requestDone();
    void fail(int status, const QString &message);
    Result finish(quint64 before);

    Limits m_limits;
    Phase m_phase = Phase::Head;
    QByteArray m_head; // header block or chunk-size line being collected (bounded)
    QByteArrayView m_reading; // within headComplete(): the header block it checks
    qint64 m_remaining = 0;
    qint64 m_bodySoFar = 0;
    qint64 m_bodyWire = 0; // bytes of the chunked body on the wire, framing included
    bool m_lineChecked = false; // the request line of the head being read was checked
    bool m_inRequest = false;
    quint64 m_complete = 0;
    QByteArray m_origin; // of the request being read, once its header block was read
    std::optional<quint64> m_closeAt;
    Result m_result;
};

} // namespace marquee
