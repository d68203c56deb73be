// The framework's floor, for bench/catalogue-hit.sh: a bare QHttpServer 6.4 with one route that
// answers a file's bytes from memory and does nothing else (no request id, CORS, rate limit,
// ETag, access log).
//
//   marquee_bare_qhttpserver <port> <bodyfile> [--threads N] [--headers FILE] [--path PATH]
//
// --threads N   N QHttpServer instances, each on its own thread with its own event loop and its
//               own listening socket on the same address and port (SO_REUSEPORT: the kernel
//               spreads new connections over them), as MARQUEE_WORKERS=N does. Default 1.
// --headers F   the answer's header lines ("Name: value", one a line, e.g. Marquee's own answer
//               as `curl -D` printed it, status line and Content-Length are skipped): the same
//               names and values as Marquee sends, all fixed, so both write the same bytes.
//               A Content-Type line sets the media type. Without it: a built-in set of the same
//               count as Marquee's cached catalogue hit.
// --path P      the route (default /api/movies/trending); any other path is Qt's 404.
//
// Listens on 127.0.0.1 with the listen backlog of QTcpServer's default (50, as Marquee's
// QTcpServer has). Prints "port N threads N" once every instance listens.
//
// Qt 6.4's QAbstractHttpServer has listen(address, port) and bind(QTcpServer *): the sockets with
// SO_REUSEPORT are made here (socket, setsockopt, bind, listen) and handed to a QTcpServer with
// setSocketDescriptor(), which bind() then serves.
#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QList>
#include <QPair>
#include <QTcpServer>
#include <QThread>

#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

struct Answer
{
    QByteArray path = "/api/movies/trending";
    QByteArray mimeType = "application/json; charset=utf-8";
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
};

// Marquee's cached hit carries these (besides Content-Type and Content-Length), measured on the
// demo catalogue's /api/movies/trending with an allowed Origin.
QList<QPair<QByteArray, QByteArray>> defaultHeaders()
{
    return {
        {"X-Request-Id", "254d1180efcb23b66753ea498df33d39"},
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "no-referrer"},
        {"Vary", "Origin, Authorization"},
        {"Access-Control-Allow-Origin", "http://localhost:5173"},
        {"Access-Control-Allow-Credentials", "true"},
        {"Access-Control-Expose-Headers",
            "X-Request-Id, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After, "
            "ETag, X-Cache, X-Marquee-Catalogue"},
        {"RateLimit-Limit", "1000000"},
        {"RateLimit-Remaining", "999999"},
        {"RateLimit-Reset", "60"},
        {"ETag", "\"_paH1-CWWHLfzXNIq0vaWulagmk\""},
        {"Cache-Control", "public, max-age=10800"},
        {"X-Cache", "HIT"},
        {"X-Marquee-Catalogue", "demo"},
        {"Date", "Thu, 03 Dec 2026 06:37:30 GMT"},
    };
}

bool readHeaders(const QString &file, Answer &answer)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    answer.headers.clear();
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (QByteArray line : lines) {
        line = line.trimmed();
        const qsizetype colon = line.indexOf(':');
        if (line.isEmpty() || line.startsWith("HTTP/") || colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name.compare("Content-Length", Qt::CaseInsensitive) == 0
            || name.compare("Connection", Qt::CaseInsensitive) == 0
            || name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0)
            continue;
        if (name.compare("Content-Type", Qt::CaseInsensitive) == 0)
            answer.mimeType = value;
        else
            answer.headers.append({name, value});
    }
    return true;
}

// A listening socket on 127.0.0.1:port with SO_REUSEPORT, or -1 (errno says why).
int reusePortSocket(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    const int one = 1;
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0
        || ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0
        || ::bind(fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) != 0
        || ::listen(fd, 50) != 0) {
        const int saved = errno;
        ::close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

// One instance on the calling thread: a QHttpServer with the one route, serving the socket.
// Returns false when Qt does not take the socket.
std::unique_ptr<QHttpServer> makeServer(const Answer &answer, int fd)
{
    auto server = std::make_unique<QHttpServer>();
    server->route(QString::fromUtf8(answer.path), [&answer]() {
        QHttpServerResponse response(answer.mimeType, answer.body);
        for (const auto &h : answer.headers)
            response.addHeader(h.first, h.second);
        return response;
    });
    auto *tcp = new QTcpServer(server.get());
    if (!tcp->setSocketDescriptor(fd)) {
        std::fprintf(stderr, "bare qhttpserver: QTcpServer refused the socket: %s\n",
            qPrintable(tcp->errorString()));
        return nullptr;
    }
    server->bind(tcp); // takes the listening QTcpServer (Qt 6.4: bind(QTcpServer *))
    return server;
}

[[noreturn]] void usage()
{
    std::fprintf(stderr,
        "usage: marquee_bare_qhttpserver <port> <bodyfile> [--threads N] [--headers FILE] "
        "[--path PATH]\n");
    std::exit(2);
}

} // namespace

int main(int argc, char *argv[])
{
    // As Marquee's main() does: Qt's plain Unix event dispatcher instead of glib's.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 3)
        usage();
    bool ok = false;
    const int port = args.at(1).toInt(&ok);
    if (!ok || port <= 0 || port > 65535)
        usage();

    Answer answer;
    answer.headers = defaultHeaders();
    QFile bodyFile(args.at(2));
    if (!bodyFile.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "bare qhttpserver: cannot read %s\n", qPrintable(args.at(2)));
        return 1;
    }
    answer.body = bodyFile.readAll();
    int threads = 1;
    for (int i = 3; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (i + 1 >= args.size())
            usage();
        if (a == QLatin1String("--threads")) {
            threads = args.at(++i).toInt(&ok);
            if (!ok || threads < 1 || threads > 64)
                usage();
        } else if (a == QLatin1String("--headers")) {
            if (!readHeaders(args.at(++i), answer)) {
                std::fprintf(stderr, "bare qhttpserver: cannot read %s\n", qPrintable(args.at(i)));
                return 1;
            }
        } else if (a == QLatin1String("--path")) {
            answer.path = args.at(++i).toUtf8();
        } else {
            usage();
        }
    }

    // Every socket is bound before any thread starts, so a port in use fails here, at once.
    std::vector<int> fds;
    for (int i = 0; i < threads; ++i) {
        const int fd = reusePortSocket(quint16(port));
        if (fd < 0) {
            std::fprintf(stderr, "bare qhttpserver: port %d: %s\n", port, std::strerror(errno));
            return 1;
        }
        fds.push_back(fd);
    }

    // Instance 0 on the main thread, the others on threads of their own.
    std::unique_ptr<QHttpServer> mainServer = makeServer(answer, fds[0]);
    if (!mainServer)
        return 1;
    std::vector<std::unique_ptr<QThread>> workers;
    for (int i = 1; i < threads; ++i) {
        const int fd = fds[size_t(i)];
        std::unique_ptr<QThread> t(QThread::create([&answer, fd] {
            std::unique_ptr<QHttpServer> server = makeServer(answer, fd);
            if (!server)
                std::_Exit(1);
            QEventLoop loop;
            loop.exec();
        }));
        t->start();
        workers.push_back(std::move(t));
    }
    std::printf("port %d threads %d\n", port, threads);
    std::fflush(stdout);
    // The process is stopped with a signal; the worker threads never return, so a normal exit
    // does not wait for them (nor destroy a running QThread).
    const int rc = app.exec();
    std::_Exit(rc);
}
