#include "runningserver.h"

#include "log/categories.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkProxy>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTcpSocket>
#include <QUrl>

namespace marquee {

namespace {

// Where a client reaches a server listening on `host`.
QHostAddress reachableAddress(const QString &host)
{
    if (host == QLatin1String("localhost"))
        return QHostAddress(QHostAddress::LocalHost);
    const QHostAddress address(host);
    if (address == QHostAddress(QHostAddress::AnyIPv4) || address.isNull())
        return QHostAddress(QHostAddress::LocalHost);
    if (address == QHostAddress(QHostAddress::AnyIPv6))
        return QHostAddress(QHostAddress::LocalHostIPv6);
    return address;
}

} // namespace

// The port in the service's published address; 0 when there is none.
static int publishedPort(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QUrl url(QString::fromUtf8(f.read(256)).trimmed());
    return url.isValid() ? url.port(0) : 0;
}

static QString firstRuntimeDirectory()
{
    // systemd may list several, separated by colons; ours is the first.
    const QString dir = qEnvironmentVariable("RUNTIME_DIRECTORY").section(QLatin1Char(':'), 0, 0);
    return QDir::isAbsolutePath(dir) ? dir : QString();
}

std::optional<RunningServer> findRunningServer(
    const QString &host, quint16 port, int timeoutMs, const QString &serviceAddressFile)
{
    const QHostAddress address = reachableAddress(host);
    const QDeadlineTimer deadline(timeoutMs);
    QTcpSocket socket;
    socket.setProxy(QNetworkProxy::NoProxy);
    socket.connectToHost(address, port);
    if (!socket.waitForConnected(int(deadline.remainingTime())))
        return std::nullopt; // nothing listens (refused at once), or it does not answer
    const QString authority = address.protocol() == QAbstractSocket::IPv6Protocol
        ? QStringLiteral("[%1]:%2").arg(address.toString()).arg(port)
        : QStringLiteral("%1:%2").arg(address.toString()).arg(port);
    socket.write(QStringLiteral("GET /health HTTP/1.1\r\nHost: %1\r\nAccept: application/json\r\n"
                                "Connection: close\r\n\r\n")
                     .arg(authority)
                     .toLatin1());
    QByteArray reply;
    constexpr qsizetype kMaxReply = 64 * 1024;
    while (reply.size() < kMaxReply && !deadline.hasExpired()) {
        if (socket.bytesAvailable() == 0 && socket.state() != QAbstractSocket::ConnectedState)
            break;
        if (socket.bytesAvailable() == 0
            && !socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
            break;
        reply += socket.readAll();
    }
    const qsizetype bodyAt = reply.indexOf("\r\n\r\n");
    if (!reply.startsWith("HTTP/1.") || bodyAt < 0)
        return std::nullopt;
    // Marquee's envelope: {"success": true, "data": {"status", "version", "uptimeSeconds", ...}};
    // while it shuts down, {"success": false, "code": "SERVICE_UNAVAILABLE", ...}.
    const QJsonObject body = QJsonDocument::fromJson(reply.mid(bodyAt + 4)).object();
    const QJsonObject data = body.value(QLatin1String("data")).toObject();
    const bool healthy = body.value(QLatin1String("success")).toBool()
        && data.contains(QLatin1String("uptimeSeconds"));
    const bool stopping = body.value(QLatin1String("success")) == QJsonValue(false)
        && body.contains(QLatin1String("requestId"));
    if (!healthy && !stopping)
        return std::nullopt;
    RunningServer server;
    server.url = QStringLiteral("http://%1").arg(authority);
    // Shown to the user: a version as Marquee writes one, nothing else a peer may have sent.
    static const QRegularExpression versionForm(QStringLiteral("^[0-9A-Za-z.+~-]{1,40}$"));
    const QString version = data.value(QLatin1String("version")).toString();
    if (versionForm.match(version).hasMatch())
        server.version = version;
    // A service never calls what it finds "the system service": that is itself.
    server.systemService
        = firstRuntimeDirectory().isEmpty() && publishedPort(serviceAddressFile) == port;
    return server;
}

ServiceAddress::ServiceAddress(const QString &host, quint16 port)
{
    const QString dir = firstRuntimeDirectory();
    if (dir.isEmpty() || port == 0)
        return;
    const QHostAddress address = reachableAddress(host);
    const QString url = address.protocol() == QAbstractSocket::IPv6Protocol
        ? QStringLiteral("http://[%1]:%2").arg(address.toString()).arg(port)
        : QStringLiteral("http://%1:%2").arg(address.toString()).arg(port);
    QSaveFile file(dir + QStringLiteral("/address"));
    if (!file.open(QIODevice::WriteOnly) || file.write(url.toUtf8() + '\n') < 0
        || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner
            | QFileDevice::ReadGroup | QFileDevice::ReadOther)
        || !file.commit()) {
        qCWarning(lcApp).noquote() << QStringLiteral("cannot publish the address in %1: %2")
                                          .arg(file.fileName(), file.errorString());
        return;
    }
    m_path = file.fileName();
}

ServiceAddress::~ServiceAddress()
{
    if (!m_path.isEmpty())
        QFile::remove(m_path);
}

QString describeRunningServer(const RunningServer &server)
{
    const QString what = server.version.isEmpty()
        ? QStringLiteral("a Marquee server")
        : QStringLiteral("Marquee %1").arg(server.version);
    return server.systemService
        ? QStringLiteral("%1 already answers at %2: the system service marquee.service (settings "
                         "in /etc/marquee/marquee.env, `sudo systemctl stop marquee` stops it, "
                         "`journalctl -u marquee` shows its log); no second server was started")
              .arg(what, server.url)
        : QStringLiteral("%1 already answers at %2; no second server was started (stop that one, "
                         "or choose another PORT)")
              .arg(what, server.url);
}

} // namespace marquee
