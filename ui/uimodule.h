#pragma once

#include "core/adminbackend.h"

#include <QList>
#include <QString>

class QCoreApplication;

namespace marquee {

// What the app hands the window besides the backend: things only the app knows.
struct UiOptions
{
    QList<SettingView> settings; // the effective configuration, every variable
    QString envFile; // the .env file read (or that would be), absolute
    QString database; // the database, described without its password
};

// A Marquee server found answering where this one was to listen (app/runningserver.h).
struct RunningServer
{
    QString url; // http://127.0.0.1:3000
    QString version; // its /health's version; empty when it did not say
    bool systemService = false; // the packaged system service (marquee.service) is running
};

// The admin window is a separately loaded module (libmarquee-ui.so), so that a headless server,
// and every command, runs without the Gui and Widgets libraries in the process at all: `marquee`
// loads it only when it is about to open a window. The app and the module talk through this
// table of functions and through AdminBackend, both header-only; the module links no server code.
struct UiModule
{
    // Bumped whenever this struct, UiOptions or the types of adminbackend.h change.
    static constexpr int kAbiVersion = 2;
    int abiVersion;
    // Makes the application object (a QApplication) and installs the window's language
    // (`language`: --lang, empty: the system's). Called once, before anything else of Qt and
    // before any other thread starts (the default QLocale it sets is process-wide).
    QCoreApplication *(*createApplication)(int &argc, char **argv, const QString &language);
    // Shows the tray icon and the window for a server already running behind `backend`, runs
    // the event loop and returns its exit code. The caller ends the loop (QCoreApplication::exit)
    // once the server has stopped; the window's Quit only asks the backend to stop.
    int (*run)(AdminBackend &backend, const UiOptions &options);
    // Tells the user, in a dialog, that `server` already answers where this app's server would
    // listen, so none was started; returns when the dialog is closed, with the exit code.
    int (*alreadyRunning)(const RunningServer &server);
};

} // namespace marquee

// The module's one exported symbol.
#define MARQUEE_UI_ENTRY "marquee_ui_module"
extern "C" {
using MarqueeUiEntry = const marquee::UiModule *(*)();
}
