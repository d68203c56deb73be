#include "commandline.h"
#include "commands.h"
#include "config/version.h"
#include "log/logger.h"
#include "uiloader.h"
#include "uimodule.h"

#include <QCoreApplication>

#include <cstdio>
#include <memory>

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
    // The window is a module loaded only now, when one is wanted: a headless server and every
    // command never load Gui or Widgets. Without the module (a headless build) the server runs
    // headless and says why.
    const UiModule *ui = nullptr;
    QString noWindow;
    if (wantsWindow(cl, &noWindow))
        ui = loadUiModule(&noWindow);

    // Qt's glib event dispatcher costs about a third of the request rate; the plain Unix one
    // does all a server needs. A user who sets QT_NO_GLIB themselves keeps their choice. With a
    // window the GUI thread keeps glib (desktop integration) and only the server's thread goes
    // without (QT_NO_THREADED_GLIB: threads other than the main one).
    const char *noGlib = ui ? "QT_NO_THREADED_GLIB" : "QT_NO_GLIB";
    if (!qEnvironmentVariableIsSet(noGlib))
        qputenv(noGlib, "1");
    std::unique_ptr<QCoreApplication> app(
        ui ? ui->createApplication(argc, argv, cl.language) : new QCoreApplication(argc, argv));
    // The process's one log, lent to whatever the command builds; Qt's messages reach it once
    // runCommand() has read the configuration (which says the format) and installed it.
    Logger logger;
    if (!noWindow.isEmpty())
        std::fprintf(stderr, "marquee: running headless: %s\n", qPrintable(noWindow));
    return runCommand(cl, logger, ui);
}
