#include "httpclient.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QTimer>

namespace marquee::test {

QByteArray HttpReply::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

int HttpReply::headerCount(const QByteArray &name) const
{
    int n = 0;
    for (const auto &h : headers)
        n += h.first.compare(name, Qt::CaseInsensitive) == 0 ? 1 : 0;
    return n;
}

QJsonObject HttpReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

HttpClient::HttpClient(quint16 port)
    : m_port(port)
{ }

HttpClient::~HttpClient() = default;

static void spinUntil(const std::function<bool()> &done, int timeoutMs)
{
    // A heartbeat timer guarantees processEvents() returns even when nothing else happens.
    QDeadlineTimer deadline(timeoutMs);
    QTimer heartbeat;
    heartbeat.start(10);
    while (!done() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
}

bool HttpClient::connectToServer(int timeoutMs)
{
    m_socket = std::make_unique<QTcpSocket>();
    m_buffer.clear();
    m_socket->connectToHost(QStringLiteral("127.0.0.1"), m_port);
    spinUntil(
        [this] {
            return m_socket->state() == QAbstractSocket::ConnectedState
                || m_socket->state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

void HttpClient::disconnect()
{
    if (m_socket)
        m_socket->abort();
    m_socket.reset();
}

bool HttpClient::isConnected() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

bool HttpClient::waitForClose(int timeoutMs)
{
    if (!m_socket)
        return true;
    spinUntil(
        [this] {
            m_buffer += m_socket->readAll();
            return m_socket->state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
    return m_socket->state() == QAbstractSocket::UnconnectedState;
}

HttpReply HttpClient::request(const QByteArray &method, const QByteArray &path,
    const QList<std::pair<QByteArray, QByteArray>> &headers, const QByteArray &body, int timeoutMs)
{
    if (!isConnected() && !connectToServer())
        return {};
    QByteArray req = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    bool hasLength = false;
    for (const auto &h : headers) {
        req += h.first + ": " + h.second + "\r\n";
        hasLength = hasLength || h.first.compare("Content-Length", Qt::CaseInsensitive) == 0
            || h.first.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0;
    }
    if (!body.isEmpty() && !hasLength)
        req += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    req += "\r\n" + body;
    return sendRaw(req, method == "HEAD", timeoutMs);
}

HttpReply HttpClient::sendRaw(const QByteArray &bytes, bool headOnly, int timeoutMs)
{
    if (!isConnected() && !connectToServer())
        return {};
    m_socket->write(bytes);
    return readReply(headOnly, timeoutMs);
}

HttpReply HttpClient::readReply(bool headOnly, int timeoutMs)
{
    HttpReply reply;
    if (!m_socket)
        return reply;
    bool complete = false;
    spinUntil(
        [&] {
            m_buffer += m_socket->readAll();
            for (;;) {
                const int end = m_buffer.indexOf("\r\n\r\n");
                if (end < 0)
                    break;
                const QList<QByteArray> lines = m_buffer.left(end).split('\n');
                const int status = lines.value(0).split(' ').value(1).toInt();
                if (status >= 100 && status < 200) { // interim answer, e.g. 100 Continue
                    reply.interim << status;
                    m_buffer.remove(0, end + 4);
                    continue;
                }
                QList<std::pair<QByteArray, QByteArray>> hs;
                qint64 length = -1;
                for (int i = 1; i < lines.size(); ++i) {
                    const QByteArray line = lines.at(i).trimmed();
                    const int colon = line.indexOf(':');
                    if (colon <= 0)
                        continue;
                    hs.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
                    if (hs.last().first.compare("Content-Length", Qt::CaseInsensitive) == 0)
                        length = hs.last().second.toLongLong();
                }
                const bool noBody = headOnly || status == 204 || status == 304;
                const qint64 need = noBody ? 0 : qMax<qint64>(0, length);
                if (m_buffer.size() < end + 4 + need)
                    break;
                reply.status = status;
                reply.headers = hs;
                reply.body = m_buffer.mid(end + 4, need);
                m_buffer.remove(0, int(end + 4 + need));
                complete = true;
                return true;
            }
            return m_socket->state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
    if (!complete)
        reply.status = 0;
    reply.closed = m_socket->state() == QAbstractSocket::UnconnectedState
        || reply.header("Connection").compare("close", Qt::CaseInsensitive) == 0;
    return reply;
}

} // namespace marquee::test
