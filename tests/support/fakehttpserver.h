#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QString>
#include <QUrlQuery>

#include <functional>
#include <memory>

class QTcpSocket;

namespace marquee::test {

// The HTTP/1.1 server under the fakes of outside services (FakeTmdb, FakeClerk). It listens on
// 127.0.0.1 with a free port, parses requests (keep-alive, pipelining, requests split across
// reads, Content-Length bodies, Connection: close) and hands each complete one to the fake's
// handler, which answers now or later. A connection's next request is read only once the current
// one is answered, so answers leave in request order. It runs on the caller's event loop and never
// blocks.
class FakeHttpServer : public QObject
{
    Q_DISABLE_COPY_MOVE(FakeHttpServer)

public:
    struct Request
    {
        QByteArray method;
        QString path; // percent-decoded, without the query, e.g. "/3/movie/550"
        QUrlQuery query;
        QList<QPair<QByteArray, QByteArray>> headers; // as sent (names keep their case)
        QByteArray body;
        bool keepAlive = true; // the connection stays open after the answer

        QByteArray header(const QByteArray &name) const; // first one, case-insensitive
    };

    struct Reply
    {
        int status = 200;
        QByteArray body;
        // Besides Content-Type, Content-Length and Connection, which the server writes.
        QList<QPair<QByteArray, QByteArray>> headers;
    };

    // Answers one request. Copies answer the same request; the first send() wins. Safe to keep
    // when the client has gone or the server was destroyed meanwhile: the answer is dropped.
    class Responder
    {
    public:
        void send(const Reply &reply) const; // written after the server's delay, if any
        bool isPending() const; // the client still waits for this answer

    private:
        friend class FakeHttpServer;
        QPointer<FakeHttpServer> m_server;
        QPointer<QTcpSocket> m_socket;
        quint64 m_serial = 0; // which request of the connection this answers
        bool m_keepAlive = true;
    };

    // Sees every complete request as it arrives, before the drop and hang knobs apply: where a
    // fake records what it was sent.
    using Observer = std::function<void(const Request &)>;
    // Answers a request, through the responder, now or later.
    using Handler = std::function<void(const Request &, const Responder &)>;

    explicit FakeHttpServer(QObject *parent = nullptr);
    ~FakeHttpServer() override;

    void setObserver(Observer observer);
    void setHandler(Handler handler); // without one, every request is answered 404
    void setContentType(const QByteArray &contentType); // of every reply; JSON in UTF-8 by default
    void setBadRequestBody(const QByteArray &body); // the 400 for a malformed request, then close

    // Listens on 127.0.0.1 with a free port; false (see errorString()) if it could not bind.
    bool start();
    // Stops listening and drops every connection: the service is unreachable (connections are
    // refused). What was observed is kept.
    void stop();
    QString errorString() const;
    quint16 port() const;
    int connectionCount() const; // TCP connections accepted, to prove keep-alive

    // Transport knobs. Precedence: drop > hang > the handler.
    void setDelay(int ms); // every answer is written this long after the handler sent it
    void setHang(bool hang); // turning it off hands the parked requests to the handler
    void setDropConnections(bool drop); // requests are observed, then their connection aborted
    // Requests parked by setHang(true) whose client still waits (a client that gave up and closed
    // its connection no longer counts).
    int parkedCount() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace marquee::test
