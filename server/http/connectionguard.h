#pragma once

#include "config/httpoptions.h"
#include "connection.h"
#include "framingscanner.h"

#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <atomic>
#include <memory>
#include <mutex>

namespace marquee {

// The connection caps (MARQUEE_MAX_CONNECTIONS, MARQUEE_MAX_CONNECTIONS_PER_CLIENT) hold for the
// process: every event loop's guard takes its connections from one budget. Thread-safe.
class ConnectionBudget
{
public:
    enum class Refusal { None, Full, ClientFull };
    // Counts a new connection of `client`, or says which cap refuses it (and counts nothing).
    Refusal take(const QString &client, int maxConnections, int maxPerClient);
    void release(const QString &client);
    int active() const;
    // True at most once a second for the whole process: whether a refusal may be logged.
    bool mayWarn();

private:
    std::atomic<qint64> m_lastWarningMs {-1}; // steady clock
    mutable std::mutex m_mutex;
    int m_active = 0;
    QHash<QString, int> m_perClient; // open connections per client (an IPv6 /64 counts as one)
};

// The listening socket handed to QHttpServer::bind(). QtHttpServer 6.4 has no limits of its own
// (docs/qt64.md, "QHttpServer has no limits"): this guard reads every connection's byte stream
// ahead of Qt's parser, once, and makes sure both agree on every request or the request is
// refused with 400 before Qt sees it (docs/http.md, "Limits and deadlines"). It answers 431 for an
// oversized header block and 413 for an oversized body, sends "100 Continue" when asked, keeps
// answers in request order, pauses reading while a connection has too many unanswered requests or
// too much unsent output, closes idle, slow and non-reading connections, and caps connections.
// Each connection's state is a Connection, a child of its socket, that the guard finds by socket
// (connection()); its answers, refusals included, are made by serializeAnswer() like every other.
class ConnectionGuard : public QTcpServer
{
    Q_OBJECT
public:
    explicit ConnectionGuard(const HttpOptions &options, QObject *parent = nullptr);
    ~ConnectionGuard() override;
    Q_DISABLE_COPY_MOVE(ConnectionGuard)

    // Call once right after QAbstractHttpServer::bind(this): the guard then also runs after
    // Qt's parser on every readyRead, which is how it knows what Qt has consumed.
    void followParser();

    // Shares the caps with the guards of other event loops; call before listening.
    void setBudget(std::shared_ptr<ConnectionBudget> budget) { m_budget = std::move(budget); }
    // Listens with SO_REUSEPORT, so that the guards of other event loops can listen on the same
    // address and port and the kernel spreads the connections between them. False with
    // errorString() set.
    bool listenReusingPort(const QHostAddress &address, quint16 port);
    QString listenError() const { return m_listenError.isEmpty() ? errorString() : m_listenError; }
    // How many listening sockets of this host share this guard's address and port (with
    // SO_REUSEPORT: this process's loops, and anybody else's who set it too); -1: unknown.
    int listenersSharingThePort() const;

    int activeConnections() const { return m_budget->active(); }
    // The state of a connection this guard accepted, or null (a socket it refused, or gone).
    Connection *connection(QTcpSocket *socket) const { return m_connections.value(socket); }
    // Closes every connection that has no request in flight (used at shutdown).
    void closeIdleConnections();
    // Pushes what sockets hold to the kernel and says how many connections still have output
    // (bytes not yet written, or a body file being streamed): shutdown waits for none, since
    // deleting a connected socket discards what it has not sent.
    int flushPendingOutput();

signals:
    // A request was refused before it reached the router. method is a valid token or "OTHER";
    // path is printable, without its query, or "-".
    void rejected(
        int status, const QByteArray &requestId, const QByteArray &method, const QString &path);

protected:
    void incomingConnection(qintptr handle) override;

private:
    void refuseOverCapacity(QTcpSocket *socket, bool clientFull);
    void beforeParser(Connection *c);
    bool scanNewBytes(Connection *c, qint64 available);
    void holdBackIfOverloaded(Connection *c, qint64 available);
    void afterParser(Connection *c);
    void scan(Connection *c, QByteArrayView data, qint64 pos);
    void closeExpired();
    bool cutIfExpired(Connection *c, qint64 now);
    void refuse(Connection *c, const FramingScanner::Refusal &refusal);
    void drainAndAnswerRefusal(Connection *c);

    HttpOptions m_options;
    std::shared_ptr<ConnectionBudget> m_budget = std::make_shared<ConnectionBudget>();
    QString m_listenError;
    QHash<const QTcpSocket *, Connection *> m_connections; // each removed as its socket goes
    QList<QPointer<QTcpSocket>> m_unfollowed; // accepted, not yet followed after Qt's parser
    QElapsedTimer m_clock;
    QTimer m_sweep;
};

} // namespace marquee
