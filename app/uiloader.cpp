#include "uiloader.h"

#include "uimodule.h"

#include <QDir>
#include <QFileInfo>
#include <QLibrary>

namespace marquee {

bool wantsWindow(const CommandLine &cl)
{
    const QString cmd = cl.command.value(0);
    if (cl.headless || !(cmd.isEmpty() || cmd == QLatin1String("serve")))
        return false;
    for (const char *display : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"})
        if (!qEnvironmentVariableIsEmpty(display))
            return true;
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
