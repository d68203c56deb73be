#pragma once

#include "httpoptions.h"

#include <QElapsedTimer>
#include <QHash>
#include <QTcpServer>
#include <QTimer>

class QTcpSocket;

namespace marquee {

class ConnectionState;

// The listening socket handed to QHttpServer::bind(). QtHttpServer 6.4 has no limits of its own
// (docs/qt64.md, "QHttpServer has no limits"): this guard watches every connection's byte stream
// ahead of Qt's parser and answers 431 for an oversized header block, 413 for an oversized body
// (declared or chunked), sends "100 Continue" when asked, closes idle connections and caps
// concurrent ones.
class ConnectionGuard : public QTcpServer
{
    Q_OBJECT
public:
    explicit ConnectionGuard(const HttpOptions &options, QObject *parent = nullptr);
    ~ConnectionGuard() override;
    Q_DISABLE_COPY_MOVE(ConnectionGuard)

    int activeConnections() const { return m_active; }
    // Requests being answered on a socket keep it from being closed as idle.
    // Returns the request's place in its connection's order.
    static quint64 requestStarted(QTcpSocket *socket);
    // Writes an answer in request order (pipelining); close: close the connection after it.
    static void deliver(QTcpSocket *socket, quint64 sequence, QByteArray bytes, bool close);
    static void requestFinished(QTcpSocket *socket);
    // Closes every connection that has no request in flight (used at shutdown).
    void closeIdleConnections();

signals:
    // A request was refused before it reached the router (status, request id, request line).
    void rejected(int status, const QByteArray &requestId, const QByteArray &requestLine);

protected:
    void incomingConnection(qintptr handle) override;

private:
    void onReadyRead(QTcpSocket *socket, ConnectionState *state);
    void closeExpired();
    void reject(QTcpSocket *socket, ConnectionState *state, int status, const QString &message);

    HttpOptions m_options;
    int m_active = 0;
    QHash<QString, int> m_perClient; // open connections per remote address
    QElapsedTimer m_clock;
    QTimer m_sweep;
};

} // namespace marquee
