#pragma once

#include "commandline.h"

namespace marquee {

struct UiModule;

// Whether this command line, in this environment, opens the admin window: serving (no command,
// or `serve`), not --headless, and a display to open it on: QT_QPA_PLATFORM naming a platform
// other than xcb or wayland (offscreen, eglfs, ...), or an X server at DISPLAY or a Wayland
// compositor at WAYLAND_DISPLAY that accepts a connection (a stale DISPLAY left by ssh or sudo
// must not stop the server). When a display is named but does not answer, *why says so.
bool wantsWindow(const CommandLine &cl, QString *why);

// Loads the admin window's module (libmarquee-ui.so): next to the executable (the build tree),
// then where `cmake --install` puts it. Null, with *why, when it is not there (a headless build)
// or is not the one this executable was built with. Needs no QCoreApplication.
const UiModule *loadUiModule(QString *why);

} // namespace marquee
