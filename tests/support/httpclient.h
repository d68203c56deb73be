#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QTcpSocket>

#include <memory>

namespace marquee::test {

struct HttpReply
{
    int status = 0; // 0: no (complete) answer
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool closed = false; // the server closed the connection after the answer
    QList<int> interim; // 1xx statuses seen before the final answer

    QByteArray header(const QByteArray &name) const;
    int headerCount(const QByteArray &name) const;
    QJsonObject json() const;
};

// A deliberately low-level HTTP/1.1 client: it sends exactly the bytes a test wants (oversized
// headers, chunked bodies, pipelining) and waits by spinning the event loop, so the server under
// test can run in the same thread.
class HttpClient
{
public:
    explicit HttpClient(quint16 port);
    ~HttpClient();

    HttpReply request(const QByteArray &method, const QByteArray &path,
        const QList<std::pair<QByteArray, QByteArray>> &headers = {}, const QByteArray &body = {},
        int timeoutMs = 5000);
    HttpReply get(
        const QByteArray &path, const QList<std::pair<QByteArray, QByteArray>> &headers = {})
    {
        return request("GET", path, headers);
    }
    // Sends raw bytes on the kept connection and reads one answer (headOnly: no body expected).
    HttpReply sendRaw(const QByteArray &bytes, bool headOnly = false, int timeoutMs = 5000);
    HttpReply readReply(bool headOnly = false, int timeoutMs = 5000);

    bool connectToServer(int timeoutMs = 3000);
    void disconnect();
    bool isConnected() const;
    // Waits until the server closes the connection; true if it did within the time.
    bool waitForClose(int timeoutMs);
    QTcpSocket *socket() { return m_socket.get(); }

private:
    quint16 m_port;
    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_buffer;
};

} // namespace marquee::test
