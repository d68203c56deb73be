#pragma once

#include "framingscanner.h"

#include <QByteArray>
#include <QObject>

#include <atomic>
#include <functional>
#include <map>
#include <memory>

class QFile;
class QTcpSocket;

namespace marquee {

// One client connection's state, from accept to close. The connection guard feeds it what the
// socket reads (through its FramingScanner, which knows where every request ends); the HTTP
// server numbers the requests Qt hands over (requestStarted()) and hands it their answers
// (deliver()), which it writes in request order, however the routes finish (pipelining).
//
// It is a child of its socket and dies with it; the guard's callback `gone` runs then, which is
// how the guard counts connections down (not the socket's destroyed() signal: Qt 6.4 disconnects
// every signal of a socket whose request it cannot parse). Whoever keeps one past the event loop
// turn that made it holds a QPointer.
//
//     Connection *c = guard->connection(socket);
//     const quint64 n = c->requestStarted();
//     ...                                            // the route answers, maybe later
//     const QByteArrayView body = serializeAnswerHead(head, response, context);
//     c->deliver(n, head, body, c->closesAfter(n));
//     c->requestFinished();
class Connection : public QObject
{
public:
    // Unanswered requests one connection may have before the guard stops handing it more.
    static constexpr int kMaxPipelined = 64;
    // Unsent answer bytes one connection may queue before its reading pauses.
    static constexpr qint64 kMaxUnsentBytes = 1024 * 1024;

    Connection(QTcpSocket *socket, FramingScanner::Limits limits, std::function<void()> gone);
    ~Connection() override;
    Q_DISABLE_COPY_MOVE(Connection)

    QTcpSocket *socket() const { return m_socket; }
    // Set (on this connection's thread) when the client has gone; readable from any thread, and
    // after the connection itself is gone.
    std::shared_ptr<std::atomic<bool>> closedFlag() const { return m_closed; }

    // A request was handed to the router; returns its place in this connection's order.
    quint64 requestStarted();
    // The request asked to close the connection (Connection: close, or HTTP/1.0 without
    // keep-alive): its answer must say so and be the last (RFC 9112 section 9.6).
    bool closesAfter(quint64 sequence) const
    {
        return m_closeRequested && sequence == m_closeIndex;
    }
    // The answer of request `sequence` (head, then body; both are copied), written when its turn
    // comes; close: the connection closes after it.
    // file: a body streamed from that file after them (its first fileLength bytes); the answers
    // after it wait until it is sent.
    void deliver(quint64 sequence, QByteArrayView head, QByteArrayView body, bool close,
        const QString &file = {}, qint64 fileLength = 0);
    // The request's answer was delivered, or its client went away.
    void requestFinished();
    // No request is in flight or on its way in: the connection may be closed as idle.
    bool isIdle() const { return m_inFlight == 0 && !m_scanner.inRequest() && !m_file; }
    // Bytes of a streamed body kept queued in the socket at most.
    static constexpr qint64 kStreamChunk = 64 * 1024;
    // The block QAbstractSocket's write buffer allocates and keeps between writes (Qt 6.4's
    // QABSTRACTSOCKET_BUFFERSIZE); an answer up to this size is copied into it (deliver()).
    static constexpr qint64 kSocketBlock = 32 * 1024;

private:
    friend class ConnectionGuard; // reads the byte stream into this state

    struct Answer
    {
        QByteArray interim; // "100 Continue", written when its turn comes, before the answer
        QByteArray bytes;
        QString file;
        qint64 fileLength = 0;
        bool ready = false;
        bool close = false;
    };

    // Requests handed to Qt whose answers have not been written, ready ones waiting behind a slow
    // earlier one included: they all hold memory.
    bool overloaded() const;
    // Writes every answer whose turn has come.
    void writeInOrder();
    // Reading paused while overloaded starts again once answers have drained.
    void resumeIfDrained();
    void park(quint64 sequence, QByteArray bytes, bool close);
    // Sends more of the streamed body while the socket's queue is short; when it is all sent, the
    // next answers.
    void pumpFile();
    void closeAfterAnswer();

    QTcpSocket *m_socket;
    std::shared_ptr<std::atomic<bool>> m_closed = std::make_shared<std::atomic<bool>>(false);
    std::function<void()> m_gone;
    FramingScanner m_scanner;
    bool m_refused = false; // the scanner stopped: a refusal, or past a closing request
    qint64 m_requestStartedMs = 0; // when the request being read began (whole-request deadline)
    // Bytes Qt's parser left unread after its last turn: whatever is available beyond them when
    // the next readyRead comes is new, and only that is scanned.
    qint64 m_unreadAfterParser = 0;
    int m_inFlight = 0; // handed to Qt, not yet answered
    quint64 m_nextSequence = 0; // given to the next request Qt hands over
    quint64 m_nextToWrite = 0; // the request whose answer goes out next
    std::map<quint64, Answer> m_answers; // by request index, waiting for their turn
    bool m_hidden = false; // the buffered bytes are hidden from Qt's parser for this readyRead
    bool m_paused = false;
    // A refusal waiting for the complete requests before it to be handed to Qt.
    QByteArray m_refusal;
    quint64 m_refusalIndex = 0;
    bool m_refusalPending = false;
    qint64 m_parkedBytes = 0; // of ready answers waiting for an earlier one
    // A request asked to close the connection: nothing after it is processed.
    bool m_closeRequested = false;
    quint64 m_closeIndex = 0;
    qint64 m_lastActivityMs = 0; // on the guard's monotonic clock
    qint64 m_unsentSinceMs = -1; // since when answer bytes have been waiting to be sent
    std::unique_ptr<QFile> m_file; // the body being streamed
    qint64 m_fileLeft = 0;
    bool m_fileClose = false; // the connection closes once it is sent
    bool m_pumping = false; // inside pumpFile(): flush() may emit bytesWritten into it again
};

} // namespace marquee
