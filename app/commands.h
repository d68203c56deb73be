#pragma once

#include "commandline.h"

namespace marquee {

// Runs what the command line asked for; returns the process exit code
// (0 ok, 1 failure at run time, 2 usage or configuration error).
int runCommand(const CommandLine &cl);

} // namespace marquee
