#pragma once

#include "commandline.h"

namespace marquee {

class Logger;
struct UiModule;

// Runs what the command line asked for; returns the process exit code
// (0 ok, 1 failure at run time, 2 usage or configuration error). Once the configuration is read,
// `logger` gets its format, level and secrets and receives Qt's messages until the command ends.
// With `ui` (loaded because wantsWindow()), the server runs on a thread of its own behind the
// tray icon and admin window; without, on this thread.
int runCommand(const CommandLine &cl, Logger &logger, const UiModule *ui = nullptr);

} // namespace marquee
