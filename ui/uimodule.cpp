// The module's entry point: what `marquee` resolves after loading libmarquee-ui.so.
#include "uimodule.h"

#include "uiapp.h"

#include <QApplication>
#include <QMessageBox>

#include <memory>

namespace {

QCoreApplication *createApplication(int &argc, char **argv, const QString &language)
{
    QCoreApplication *app = marquee::ui::UiApp::createApplication(argc, argv);
    marquee::ui::installTranslations(language);
    return app;
}

int run(marquee::AdminBackend &backend, const marquee::UiOptions &options)
{
    marquee::ui::UiApp app(backend, options);
    app.show();
    return QApplication::exec();
}

int alreadyRunning(const marquee::RunningServer &server)
{
    const std::unique_ptr<QMessageBox> box(marquee::ui::makeAlreadyRunningBox(server));
    box->exec();
    return 1;
}

const marquee::UiModule kModule {
    marquee::UiModule::kAbiVersion, &createApplication, &run, &alreadyRunning};

} // namespace

extern "C" Q_DECL_EXPORT const marquee::UiModule *marquee_ui_module()
{
    return &kModule;
}
