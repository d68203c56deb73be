#pragma once

#include "config/httpoptions.h"
#include "framingscanner.h"

#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace marquee {

class ConnectionState;

// The listening socket handed to QHttpServer::bind(). QtHttpServer 6.4 has no limits of its own
// (docs/qt64.md, "QHttpServer has no limits"): this guard reads every connection's byte stream
// ahead of Qt's parser, once, and makes sure both agree on every request or the request is
// refused with 400 before Qt sees it (docs/http.md, "Limits and deadlines"). It answers 431 for an
// oversized header block and 413 for an oversized body, sends "100 Continue" when asked, keeps
// answers in request order, pauses reading while a connection has too many unanswered requests or
// too much unsent output, closes idle, slow and non-reading connections, and caps connections.
class ConnectionGuard : public QTcpServer
{
    Q_OBJECT
public:
    explicit ConnectionGuard(const HttpOptions &options, QObject *parent = nullptr);
    ~ConnectionGuard() override;
    Q_DISABLE_COPY_MOVE(ConnectionGuard)

    // Unanswered requests one connection may have before the guard stops handing it more.
    static constexpr int kMaxPipelined = 64;
    // Unsent answer bytes one connection may queue before its reading pauses.
    static constexpr qint64 kMaxUnsentBytes = 1024 * 1024;

    // Call once right after QAbstractHttpServer::bind(this): the guard then also runs after
    // Qt's parser on every readyRead, which is how it knows what Qt has consumed.
    void followParser();

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
    // A request was refused before it reached the router. method is a valid token or "OTHER";
    // path is printable, without its query, or "-".
    void rejected(
        int status, const QByteArray &requestId, const QByteArray &method, const QString &path);

protected:
    void incomingConnection(qintptr handle) override;

private:
    void beforeParser(QTcpSocket *socket, ConnectionState *state);
    void afterParser(QTcpSocket *socket, ConnectionState *state);
    void scan(QTcpSocket *socket, ConnectionState *state, const QByteArray &data, qint64 pos);
    void closeExpired();
    void refuse(QTcpSocket *socket, ConnectionState *state, const FramingScanner::Refusal &refusal);
    void drainAndAnswerRefusal(QTcpSocket *socket, ConnectionState *state);
    static void resumeIfDrained(QTcpSocket *socket, ConnectionState *state);

    HttpOptions m_options;
    int m_active = 0;
    QHash<QString, int> m_perClient; // open connections per client (an IPv6 /64 counts as one)
    QList<QPointer<QTcpSocket>> m_unfollowed; // accepted, not yet followed after Qt's parser
    QElapsedTimer m_clock;
    qint64 m_lastCapWarningMs = -1;
    QTimer m_sweep;
};

} // namespace marquee
