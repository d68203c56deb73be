#pragma once

#include "commandline.h"

namespace marquee {

class Logger;

// Runs what the command line asked for; returns the process exit code
// (0 ok, 1 failure at run time, 2 usage or configuration error). Once the configuration is read,
// `logger` gets its format, level and secrets and receives Qt's messages until the command ends.
int runCommand(const CommandLine &cl, Logger &logger);

} // namespace marquee
