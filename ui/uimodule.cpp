// The module's entry point: what `marquee` resolves after loading libmarquee-ui.so.
#include "uimodule.h"

#include "uiapp.h"

#include <QApplication>

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

const marquee::UiModule kModule {marquee::UiModule::kAbiVersion, &createApplication, &run};

} // namespace

extern "C" Q_DECL_EXPORT const marquee::UiModule *marquee_ui_module()
{
    return &kModule;
}
