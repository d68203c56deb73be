#include "connection.h"

#include <QFile>
#include <QTcpSocket>

namespace marquee {

Connection::Connection(
    QTcpSocket *socket, FramingScanner::Limits limits, std::function<void()> gone)
    : QObject(socket)
    , m_socket(socket)
    , m_gone(std::move(gone))
    , m_scanner(limits)
{
    connect(socket, &QTcpSocket::disconnected, this,
        [closed = m_closed] { closed->store(true, std::memory_order_release); });
}

Connection::~Connection()
{
    m_closed->store(true, std::memory_order_release);
    if (m_gone)
        m_gone();
}

quint64 Connection::requestStarted()
{
    ++m_inFlight;
    return m_nextSequence++;
}

void Connection::deliver(quint64 sequence, QByteArrayView head, QByteArrayView body, bool close,
    const QString &file, qint64 fileLength)
{
    if (sequence == m_nextToWrite && m_answers.empty() && !m_file && file.isEmpty()) {
        // Its turn, and nothing waits before it (the usual case): copied into the socket's write
        // buffer at once, without parking it. Head and body are copied as bytes (not handed over
        // as a QByteArray) so that they land in the buffer's one block, which the socket keeps
        // between answers: one write(2), and no allocation (QAbstractSocket writes one block per
        // write(2)). Not flushed: the socket writes it
        // when the event loop next finds it writable, after the other connections' requests of
        // this turn were read, as Qt's own server does. Flushing each answer here cost a fifth
        // more CPU per cached hit (the client is woken once per answer, the write notifier
        // switched on and off); docs/performance.md, "Hot path profile". A closing answer is
        // flushed (closeAfterAnswer: at shutdown every answer closes, and the loop may end right
        // after).
        ++m_nextToWrite;
        if (head.size() + body.size() <= kSocketBlock && m_socket->bytesToWrite() == 0) {
            m_socket->write(head.data(), head.size());
            if (!body.isEmpty())
                m_socket->write(body.data(), body.size());
        } else {
            // Larger than the socket's block, or behind unsent bytes: as one QByteArray, which
            // the socket keeps as a block of its own (one write(2) still).
            QByteArray bytes;
            bytes.reserve(head.size() + body.size());
            m_socket->write(bytes.append(head).append(body));
        }
        if (close)
            closeAfterAnswer();
        resumeIfDrained();
        return;
    }
    QByteArray bytes;
    bytes.reserve(head.size() + body.size());
    bytes.append(head).append(body);
    park(sequence, std::move(bytes), close);
    m_answers[sequence].file = file;
    m_answers[sequence].fileLength = fileLength;
    writeInOrder();
    resumeIfDrained();
}

void Connection::requestFinished()
{
    if (m_inFlight > 0)
        --m_inFlight;
    resumeIfDrained();
}

void Connection::park(quint64 sequence, QByteArray bytes, bool close)
{
    Answer &a = m_answers[sequence];
    a.bytes = std::move(bytes);
    a.ready = true;
    a.close = close;
    m_parkedBytes += a.bytes.size();
}

bool Connection::overloaded() const
{
    return m_nextSequence - m_nextToWrite >= quint64(kMaxPipelined)
        || m_socket->bytesToWrite() + m_parkedBytes > kMaxUnsentBytes;
}

void Connection::writeInOrder()
{
    // An interim answer goes out when its request's turn comes, ahead of that request's final
    // answer.
    while (!m_file && !m_answers.empty() && m_answers.begin()->first == m_nextToWrite) {
        Answer &a = m_answers.begin()->second;
        if (!a.interim.isEmpty()) {
            m_socket->write(a.interim);
            a.interim.clear();
        }
        if (!a.ready)
            break;
        const QByteArray bytes = std::move(a.bytes);
        const bool close = a.close;
        const QString file = a.file;
        const qint64 fileLength = a.fileLength;
        m_parkedBytes -= bytes.size();
        m_answers.erase(m_answers.begin());
        ++m_nextToWrite;
        m_socket->write(bytes);
        if (!file.isEmpty() && fileLength > 0) {
            m_file = std::make_unique<QFile>(file);
            m_fileLeft = fileLength;
            m_fileClose = close;
            if (!m_file->open(QIODevice::ReadOnly)) {
                m_socket->abort(); // the header promised a body that cannot be sent
                return;
            }
            pumpFile();
            return;
        }
        if (close) {
            closeAfterAnswer();
            return;
        }
    }
    // flush() sends now rather than on the next pass of the event loop.
    m_socket->flush();
}

void Connection::closeAfterAnswer()
{
    m_answers.clear();
    m_parkedBytes = 0;
    m_socket->flush();
    m_socket->disconnectFromHost();
}

void Connection::pumpFile()
{
    if (m_pumping)
        return;
    m_pumping = true;
    // Pieces go out while the kernel takes them at once; when the socket's own queue fills, the
    // next bytesWritten (ConnectionGuard) comes back here. The flush is inside the loop: within a
    // bytesWritten handler Qt emits no second one, so a queue emptied by a flush after the loop
    // would never call again.
    while (m_file && m_socket->bytesToWrite() < kStreamChunk) {
        const QByteArray piece = m_file->read(std::min(m_fileLeft, kStreamChunk));
        if (piece.isEmpty()) {
            // Shorter than its header said (removed or cut meanwhile): the answer cannot be
            // completed, and a client must not take a short body for the whole.
            m_file.reset();
            m_pumping = false;
            m_socket->abort();
            return;
        }
        m_socket->write(piece);
        m_fileLeft -= piece.size();
        if (m_fileLeft > 0) {
            m_socket->flush();
            continue;
        }
        m_file.reset();
        m_pumping = false;
        if (m_fileClose) {
            closeAfterAnswer();
            return;
        }
        writeInOrder(); // the answers waiting behind this one
        return;
    }
    m_pumping = false;
}

void Connection::resumeIfDrained()
{
    if (!m_paused || overloaded())
        return;
    m_paused = false;
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(m_socket, &QAbstractSocket::readyRead, Qt::QueuedConnection);
}

} // namespace marquee
