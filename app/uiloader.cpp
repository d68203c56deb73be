#include "uiloader.h"

#include "uimodule.h"

#include <QDir>
#include <QFileInfo>
#include <QLibrary>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace marquee {

namespace {

// Connects to a Unix socket (a path, or an abstract name starting with '@'); true if accepted.
bool unixSocketAnswers(const QByteArray &path)
{
    sockaddr_un address {};
    if (path.isEmpty() || size_t(path.size()) >= sizeof(address.sun_path))
        return false;
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.constData(), size_t(path.size()));
    socklen_t length = socklen_t(offsetof(sockaddr_un, sun_path) + size_t(path.size()));
    if (path.startsWith('@'))
        address.sun_path[0] = '\0'; // Linux's abstract namespace (where Xorg listens too)
    else
        length += 1;
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const bool ok = ::connect(fd, reinterpret_cast<const sockaddr *>(&address), length) == 0;
    ::close(fd);
    return ok;
}

// Connects to host:port over TCP within a second (X11 forwarded by ssh: localhost:10).
bool tcpAnswers(const QByteArray &host, int port)
{
    addrinfo hints {};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    if (::getaddrinfo(host.constData(), QByteArray::number(port).constData(), &hints, &found) != 0)
        return false;
    bool ok = false;
    for (addrinfo *a = found; a && !ok; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            ok = true;
        } else if (errno == EINPROGRESS) {
            pollfd p {fd, POLLOUT, 0};
            int error = 0;
            socklen_t len = sizeof error;
            ok = ::poll(&p, 1, 1000) == 1
                && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0;
        }
        ::close(fd);
    }
    ::freeaddrinfo(found);
    return ok;
}

// DISPLAY is [host]:number[.screen].
bool x11Answers(const QByteArray &display)
{
    const int colon = int(display.lastIndexOf(':'));
    if (colon < 0)
        return false;
    const QByteArray host = display.left(colon);
    bool numeric = false;
    const int number = display.mid(colon + 1).split('.').value(0).toInt(&numeric);
    if (!numeric)
        return false;
    if (host.isEmpty() || host == "unix") {
        const QByteArray path = "/tmp/.X11-unix/X" + QByteArray::number(number);
        return unixSocketAnswers(path) || unixSocketAnswers('@' + path);
    }
    return tcpAnswers(host, 6000 + number);
}

bool waylandAnswers(const QByteArray &name)
{
    if (name.startsWith('/'))
        return unixSocketAnswers(name);
    const QByteArray runtime = qgetenv("XDG_RUNTIME_DIR");
    return !runtime.isEmpty() && unixSocketAnswers(runtime + '/' + name);
}

} // namespace

bool wantsWindow(const CommandLine &cl, QString *why)
{
    const QString cmd = cl.command.value(0);
    if (cl.headless || !(cmd.isEmpty() || cmd == QLatin1String("serve")))
        return false;
    // QT_QPA_PLATFORM may list several ("wayland;xcb"), each with options after ':'.
    QStringList platforms;
    for (const QString &p : qEnvironmentVariable("QT_QPA_PLATFORM").split(QLatin1Char(';')))
        if (!p.section(QLatin1Char(':'), 0, 0).trimmed().isEmpty())
            platforms << p.section(QLatin1Char(':'), 0, 0).trimmed();
    const auto allowed = [&platforms](const char *name) {
        return platforms.isEmpty() || platforms.contains(QLatin1String(name));
    };
    for (const QString &p : platforms)
        if (p != QLatin1String("xcb") && !p.startsWith(QLatin1String("wayland")))
            return true; // offscreen, eglfs, vnc, ...: nothing to probe
    const QByteArray x11 = qgetenv("DISPLAY");
    const QByteArray wayland = qgetenv("WAYLAND_DISPLAY");
    if (allowed("xcb") && !x11.isEmpty() && x11Answers(x11))
        return true;
    if ((platforms.isEmpty() || platforms.filter(QStringLiteral("wayland")).size() > 0)
        && !wayland.isEmpty() && waylandAnswers(wayland))
        return true;
    if (!x11.isEmpty() || !wayland.isEmpty() || !platforms.isEmpty())
        *why = QStringLiteral("no display answers (DISPLAY=%1, WAYLAND_DISPLAY=%2, "
                              "QT_QPA_PLATFORM=%3)")
                   .arg(QString::fromLocal8Bit(x11), QString::fromLocal8Bit(wayland),
                       platforms.join(QLatin1Char(';')));
    return false;
}

const UiModule *loadUiModule(QString *why)
{
    // No QCoreApplication yet, so no applicationDirPath(): the kernel says where we are.
    const QString exeDir = QFileInfo(QStringLiteral("/proc/self/exe")).canonicalPath();
    const QStringList candidates {
        exeDir + QStringLiteral("/libmarquee-ui.so"),
        QDir::cleanPath(exeDir + QStringLiteral("/" MARQUEE_UI_RELATIVE_DIR "/libmarquee-ui.so")),
    };
    QStringList tried;
    for (const QString &path : candidates) {
        if (!QFileInfo::exists(path)) {
            tried << path;
            continue;
        }
        // Never unloaded: the application object and the window's code live in it until exit.
        auto *library = new QLibrary(path);
        const auto entry = reinterpret_cast<MarqueeUiEntry>(library->resolve(MARQUEE_UI_ENTRY));
        if (!entry) {
            *why = QStringLiteral("%1: %2").arg(path, library->errorString());
            delete library;
            return nullptr;
        }
        const UiModule *module = entry();
        if (!module || module->abiVersion != UiModule::kAbiVersion) {
            *why = QStringLiteral("%1 belongs to another version of marquee").arg(path);
            return nullptr;
        }
        return module;
    }
    *why = QStringLiteral("no admin window module (this build has none, or it is not installed; "
                          "looked for %1)")
               .arg(tried.join(QLatin1String(", ")));
    return nullptr;
}

} // namespace marquee
