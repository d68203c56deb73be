#include "uiloader.h"

#include "uimodule.h"

#include <QDir>
#include <QFileInfo>
#include <QLibrary>
#include <QLibraryInfo>

#include <dlfcn.h>

namespace marquee {

namespace {

// Whether Qt has the platform plugin (libqxcb.so, libqwayland-*.so) at all.
bool hasPlatformPlugin(const char *prefix)
{
    const QDir platforms(
        QLibraryInfo::path(QLibraryInfo::PluginsPath) + QStringLiteral("/platforms"));
    return !platforms.entryList({QString::fromLatin1(prefix) + QStringLiteral("*.so")}, QDir::Files)
                .isEmpty();
}

// Opens `library` (no link-time dependency: only a desktop has it) and resolves `names`.
struct Library
{
    explicit Library(const char *library)
        : handle(::dlopen(library, RTLD_NOW | RTLD_LOCAL))
    { }
    ~Library()
    {
        if (handle)
            ::dlclose(handle);
    }
    Q_DISABLE_COPY_MOVE(Library)
    template<typename F> F get(const char *name) const
    {
        return handle ? reinterpret_cast<F>(::dlsym(handle, name)) : nullptr;
    }
    void *handle;
};

// What Qt's xcb platform will do first: connect (with XAUTHORITY's cookie) to DISPLAY. A socket
// that accepts is not enough: an X server refusing our credentials makes Qt abort.
bool x11Answers(const QByteArray &display)
{
    if (!hasPlatformPlugin("libqxcb"))
        return false;
    const Library xcb("libxcb.so.1");
    const auto connect = xcb.get<void *(*)(const char *, int *)>("xcb_connect");
    const auto hasError = xcb.get<int (*)(void *)>("xcb_connection_has_error");
    const auto disconnect = xcb.get<void (*)(void *)>("xcb_disconnect");
    if (!connect || !hasError || !disconnect)
        return false;
    void *connection = connect(display.constData(), nullptr);
    const bool ok = connection && hasError(connection) == 0;
    if (connection)
        disconnect(connection); // also a connection in error: xcb allocated it
    return ok;
}

bool waylandAnswers(const QByteArray &name)
{
    if (!hasPlatformPlugin("libqwayland"))
        return false;
    const Library client("libwayland-client.so.0");
    const auto connect = client.get<void *(*)(const char *)>("wl_display_connect");
    const auto disconnect = client.get<void (*)(void *)>("wl_display_disconnect");
    if (!connect || !disconnect)
        return false;
    void *display = connect(name.constData());
    if (!display)
        return false;
    disconnect(display);
    return true;
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
