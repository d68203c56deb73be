#include "commandline.h"
#include "commands.h"
#include "config/version.h"
#include "log/logger.h"

#include <QCoreApplication>

#include <cstdio>

using namespace marquee;

int main(int argc, char *argv[])
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    const CommandLine cl = CommandLine::parse(args);
    if (!cl.error.isEmpty()) {
        std::fprintf(stderr, "marquee: %s\n", qPrintable(cl.error));
        return 2;
    }
    if (cl.help) {
        std::fputs(qPrintable(CommandLine::usage()), stdout);
        return 0;
    }
    if (cl.version) {
        std::printf("marquee %s (Qt %s)\n", MARQUEE_VERSION, qVersion());
        return 0;
    }

    QCoreApplication::setApplicationName(QStringLiteral("marquee"));
    QCoreApplication::setOrganizationName(QStringLiteral("marquee"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MARQUEE_VERSION));
    // Qt's glib event dispatcher costs about a third of the request rate; the plain Unix one
    // does all a server needs. A user who sets QT_NO_GLIB themselves keeps their choice.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    // The process's one log, lent to whatever the command builds; Qt's messages reach it once
    // runCommand() has read the configuration (which says the format) and installed it.
    Logger logger;
    return runCommand(cl, logger);
}
