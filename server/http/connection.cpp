#include "connection.h"

#include <QTcpSocket>

namespace marquee {

Connection::Connection(
    QTcpSocket *socket, FramingScanner::Limits limits, std::function<void()> gone)
    : QObject(socket)
    , m_socket(socket)
    , m_gone(std::move(gone))
    , m_scanner(limits)
{ }

Connection::~Connection()
{
    if (m_gone)
        m_gone();
}

quint64 Connection::requestStarted()
{
    ++m_inFlight;
    return m_nextSequence++;
}

void Connection::deliver(quint64 sequence, QByteArray bytes, bool close)
{
    park(sequence, std::move(bytes), close);
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
    while (!m_answers.empty() && m_answers.begin()->first == m_nextToWrite) {
        Answer &a = m_answers.begin()->second;
        if (!a.interim.isEmpty()) {
            m_socket->write(a.interim);
            a.interim.clear();
        }
        if (!a.ready)
            break;
        const QByteArray bytes = std::move(a.bytes);
        const bool close = a.close;
        m_parkedBytes -= bytes.size();
        m_answers.erase(m_answers.begin());
        ++m_nextToWrite;
        m_socket->write(bytes);
        if (close) {
            m_answers.clear();
            m_parkedBytes = 0;
            m_socket->flush();
            m_socket->disconnectFromHost();
            return;
        }
    }
    // flush() sends now rather than on the next pass of the event loop.
    m_socket->flush();
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
